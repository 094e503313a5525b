// Package target names what the engine renders for. It is its own package so that every part of
// the engine (provisioner, render, engine) and the provider speak of targets with one type,
// without importing each other.
package targets

// Target is what provisioned resources and workloads are rendered for.
type Target string

const (
	Kubernetes Target = "kubernetes"
	Compose    Target = "compose"
)

// All lists every target, in the order documentation shows them.
var All = []Target{Kubernetes, Compose}

// Package document encodes rendered documents (Kubernetes objects, compose files) as YAML: keys
// sorted, two-space indentation, lists indented under their key, several-line strings as
// literal blocks, so the same input always gives the same bytes.
package document

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// YAML encodes v. Plain values (what rendering builds) take the emitter; anything else goes
// through yaml.v3.
func YAML(v any) (string, error) {
	var e emitter
	if err := e.value(v, 0, atTop); err == nil {
		return e.b.String(), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

package provider

import (
	"io"
	"math/rand/v2"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Plans render twice, once per planVariant: a value that differs between two renders with two
// random sources depends on a value generated for the first time (a new password, say), so it
// is unknown until apply; everything else is known at plan. These helpers build the planned
// values.

// The plan variants' random seeds: fixed, so that the same configuration plans the same.
const (
	planSeedA = 1
	planSeedB = 2
)

// planVariant is one of the two plan renders: its random source and the name its stand-ins for
// unknown values carry.
type planVariant struct {
	name   string
	random io.Reader
}

// planVariants are the two renders a plan compares.
func planVariants() [2]planVariant {
	return [2]planVariant{
		{name: "A", random: rand.NewChaCha8([32]byte{planSeedA})},
		{name: "B", random: rand.NewChaCha8([32]byte{planSeedB})},
	}
}

func knownIfEqual(a, b string) types.String {
	if a != b {
		return types.StringUnknown()
	}
	return types.StringValue(a)
}

// mapKnownIfEqual keeps the elements both renders agree on; other elements are unknown, and if
// the key sets differ the whole map is unknown.
func mapKnownIfEqual(a, b map[string]string) types.Map {
	if len(a) != len(b) {
		return types.MapUnknown(types.StringType)
	}
	elems := make(map[string]attr.Value, len(a))
	for k, va := range a {
		vb, ok := b[k]
		if !ok {
			return types.MapUnknown(types.StringType)
		}
		elems[k] = knownIfEqual(va, vb)
	}
	return types.MapValueMust(types.StringType, elems)
}

// mergeRendered builds a provisioned resource's rendered attributes.
func mergeRendered(a, b *engine.RenderedResource, t targets.Target) renderedModel {
	return renderedModel{
		Outputs: mapKnownIfEqual(a.Outputs, b.Outputs), Secrets: mapKnownIfEqual(a.Secrets, b.Secrets),
		artifactsModel: artifactsKnownIfEqual(a.Artifacts, b.Artifacts, t),
	}
}

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
)

// Plans render twice with different random sources; what differs depends on values generated
// for the first time and is unknown until apply. These helpers build the planned values.

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
func mergeRendered(a, b *render.Resource, target provisioner.Target) renderedModel {
	return renderedModel{
		Outputs: mapKnownIfEqual(a.Outputs, b.Outputs), Secrets: mapKnownIfEqual(a.Secrets, b.Secrets),
		artifactsModel: artifactsKnownIfEqual(a.Artifacts, b.Artifacts, target),
	}
}

// artifactsKnownIfEqual builds the target's attributes; those of the other target are null.
func artifactsKnownIfEqual(a, b render.Artifacts, target provisioner.Target) artifactsModel {
	m := artifactsModel{
		Manifests: types.MapNull(types.StringType), SecretManifests: types.MapNull(types.StringType),
		ComposeYAML: types.StringNull(), ComposeEnv: types.StringNull(),
		Files: types.MapNull(types.StringType), SecretFiles: types.MapNull(types.StringType),
	}
	switch target {
	case provisioner.Kubernetes:
		m.Manifests = mapKnownIfEqual(a.Manifests, b.Manifests)
		m.SecretManifests = mapKnownIfEqual(a.SecretManifests, b.SecretManifests)
	case provisioner.Compose:
		m.ComposeYAML = knownIfEqual(a.ComposeYAML, b.ComposeYAML)
		m.ComposeEnv = knownIfEqual(a.ComposeEnv, b.ComposeEnv)
		m.Files = mapKnownIfEqual(a.Files, b.Files)
		m.SecretFiles = mapKnownIfEqual(a.SecretFiles, b.SecretFiles)
	}
	return m
}

// unknownArtifacts is every target attribute unknown.
func unknownArtifacts() artifactsModel {
	return artifactsModel{
		Manifests: types.MapUnknown(types.StringType), SecretManifests: types.MapUnknown(types.StringType),
		ComposeYAML: types.StringUnknown(), ComposeEnv: types.StringUnknown(),
		Files: types.MapUnknown(types.StringType), SecretFiles: types.MapUnknown(types.StringType),
	}
}

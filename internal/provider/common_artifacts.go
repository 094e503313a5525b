package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// artifactsModel holds what the target consumes; score_resource and score_workload share it.
type artifactsModel struct {
	Manifests       types.Map    `tfsdk:"manifests"`
	SecretManifests types.Map    `tfsdk:"secret_manifests"`
	ComposeYAML     types.String `tfsdk:"compose_yaml"`
	ComposeEnv      types.String `tfsdk:"compose_env"`
	Files           types.Map    `tfsdk:"files"`
	SecretFiles     types.Map    `tfsdk:"secret_files"`
}

// artifactsContent describes what one resource's `manifests` and `compose_yaml` hold; the other
// artifacts mean the same everywhere.
type artifactsContent struct {
	manifests   string
	composeYAML string
}

// artifactsAttributes describe artifactsModel.
func artifactsAttributes(content artifactsContent) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"manifests": schema.MapAttribute{
			MarkdownDescription: content.manifests,
			Computed:            true, ElementType: types.StringType,
		},
		"secret_manifests": schema.MapAttribute{
			MarkdownDescription: "Kubernetes target: the Secret objects (and any object holding a secret value), keyed " +
				"like `manifests`.",
			Computed: true, Sensitive: true, ElementType: types.StringType,
		},
		"compose_yaml": schema.StringAttribute{
			MarkdownDescription: content.composeYAML,
			Computed:            true,
		},
		"compose_env": schema.StringAttribute{
			MarkdownDescription: "Compose target: dotenv text with the secret values `compose_yaml` refers to; " +
				"write it as `.env` beside the compose file.",
			Computed: true, Sensitive: true,
		},
		"files": schema.MapAttribute{
			MarkdownDescription: "Compose target: files to write next to the compose file, by relative path, " +
				"holding no secret value.",
			Computed: true, ElementType: types.StringType,
		},
		"secret_files": schema.MapAttribute{
			MarkdownDescription: "Compose target: files to write next to the compose file that hold a secret value.",
			Computed:            true, Sensitive: true, ElementType: types.StringType,
		},
	}
}

// artifactsKnownIfEqual builds the target's attributes; those of the other target are null.
func artifactsKnownIfEqual(a, b engine.Artifacts, t targets.Target) artifactsModel {
	m := artifactsModel{
		Manifests: types.MapNull(types.StringType), SecretManifests: types.MapNull(types.StringType),
		ComposeYAML: types.StringNull(), ComposeEnv: types.StringNull(),
		Files: types.MapNull(types.StringType), SecretFiles: types.MapNull(types.StringType),
	}
	switch t {
	case targets.Kubernetes:
		m.Manifests = mapKnownIfEqual(a.Manifests, b.Manifests)
		m.SecretManifests = mapKnownIfEqual(a.SecretManifests, b.SecretManifests)
	case targets.Compose:
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

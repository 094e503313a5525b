// Package provider is the Terraform surface of the Score provider: schemas, models, conversions
// between Terraform values and the engine in internal/score, and diagnostics. It decides nothing
// about Score itself.
package provider

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

var _ provider.Provider = (*scoreProvider)(nil)

// New returns a constructor for the provider, as providerserver.Serve expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &scoreProvider{version: version}
	}
}

type scoreProvider struct {
	version string
	// configured is what Configure handed to resources, for the server's shortcuts (server.go).
	configured atomic.Pointer[providerData]
}

type scoreProviderModel struct {
	Target                   types.String `tfsdk:"target"`
	Namespace                types.String `tfsdk:"namespace"`
	ComposeProject           types.String `tfsdk:"compose_project"`
	Provisioners             types.List   `tfsdk:"provisioners"`
	DefaultProvisioners      types.Bool   `tfsdk:"default_provisioners"`
	AllowCommandProvisioners types.Bool   `tfsdk:"allow_command_provisioners"`
	AllowExternalFileSources types.Bool   `tfsdk:"allow_external_file_sources"`
	PatchTemplates           types.List   `tfsdk:"patch_templates"`
	ProvisionerOutputs       types.Map    `tfsdk:"provisioner_outputs"`
}

// providerData is what Configure hands to every data source and resource.
type providerData struct {
	// known is false when some provider argument is unknown at plan: resources then plan
	// every output as unknown rather than guess.
	known    bool
	settings engine.Settings
}

func (p *scoreProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "score"
	resp.Version = p.version
}

func (p *scoreProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	targetNames := make([]string, len(targets.All))
	for i, t := range targets.All {
		targetNames[i] = string(t)
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Score provider implements the [Score](https://score.dev) workload " +
			"specification (`score.dev/v1b1`) for Terraform and OpenTofu: it loads and validates score files, " +
			"provisions their resources with generated values kept in Terraform state, and renders what the " +
			"configured `target` needs.",
		Attributes: map[string]schema.Attribute{
			"target": schema.StringAttribute{
				MarkdownDescription: "What resources render for: `kubernetes` (manifests) or `compose` (a Docker " +
					"Compose project). One target per provider configuration; use an alias for the other. " +
					"Required by `score_resource`; the `score_workload` data source does not need it.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(targetNames...)},
			},
			"namespace": schema.StringAttribute{
				MarkdownDescription: "Kubernetes namespace set on every namespaced object rendered that has none (a provisioner's own " +
					"`metadata.namespace` is kept), and seen by " +
					"templates as `.Namespace`. Unset, objects carry no namespace.",
				Optional: true,
			},
			"compose_project": schema.StringAttribute{
				MarkdownDescription: "The compose project name templates see as `.ComposeProjectName`. Defaults to `" +
					engine.DefaultComposeProjectName + "`.",
				Optional: true,
			},
			"provisioners": schema.ListAttribute{
				MarkdownDescription: "Custom provisioners: each element is a YAML document holding a list of " +
					"provisioner definitions in the score-compose / score-k8s file format (`uri`, `type`, `class`, " +
					"`id`, `init`, `state`, `shared`, `outputs`, `manifests` or the compose sections, ...), for " +
					"example `file(\"provisioners.yaml\")`. They are matched in order, before the built-in ones; " +
					"the first match on type (then class and id, when set) wins.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"default_provisioners": schema.BoolAttribute{
				MarkdownDescription: "Include the built-in provisioner library after `provisioners`. Defaults to `true`.",
				Optional:            true,
			},
			"allow_command_provisioners": schema.BoolAttribute{
				MarkdownDescription: "Allow `cmd://` provisioners, which run a program on the machine running " +
					"Terraform. Defaults to `false`: a provisioner file then cannot execute anything.",
				Optional: true,
			},
			"patch_templates": schema.ListAttribute{
				MarkdownDescription: patchTemplatesDescription(false),
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.List{listvalidator.ValueStringsAre(patchTemplateSyntax{})},
			},
			"allow_external_file_sources": schema.BoolAttribute{
				MarkdownDescription: "Allow `containers.*.files.*.source` to name a file outside the score " +
					"file's directory (an absolute path, a `..` path, or a symbolic link leaving the directory). " +
					"Defaults to `false`: a score file may only read files that sit beside it, so a score file " +
					"from a developer cannot make Terraform read arbitrary files from the machine running it.",
				Optional: true,
			},
			"provisioner_outputs": provisionerOutputsAttribute(),
		},
	}
}

func (p *scoreProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config scoreProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := !config.Target.IsUnknown() && !config.Namespace.IsUnknown() && !config.ComposeProject.IsUnknown() &&
		!config.Provisioners.IsUnknown() && !config.DefaultProvisioners.IsUnknown() &&
		!config.AllowCommandProvisioners.IsUnknown() && !config.AllowExternalFileSources.IsUnknown() &&
		!config.PatchTemplates.IsUnknown()
	cfg := engine.Config{
		Namespace:                config.Namespace.ValueString(),
		ComposeProjectName:       config.ComposeProject.ValueString(),
		AllowCommands:            config.AllowCommandProvisioners.ValueBool(),
		AllowExternalFileSources: config.AllowExternalFileSources.ValueBool(),
	}
	rules, rulesKnown, diags := outputRules(ctx, config.ProvisionerOutputs)
	resp.Diagnostics.Append(diags...)
	known, cfg.Outputs = known && rulesKnown, rules
	if known {
		// Without a known configuration nothing is provisioned: resources plan unknown outputs.
		cfg.Target = targets.Target(config.Target.ValueString())
	}
	data := &providerData{known: known, settings: engine.NewSettings(cfg)}
	if data.settings.CanProvision() {
		var files []types.String
		if !config.Provisioners.IsNull() {
			resp.Diagnostics.Append(config.Provisioners.ElementsAs(ctx, &files, false)...)
		}
		for i, f := range files {
			if f.IsUnknown() {
				data.known = false
				continue
			}
			err := data.settings.AddProvisioners([]byte(f.ValueString()), fmt.Sprintf("provisioners[%d]", i))
			for _, e := range splitErrors(err) {
				resp.Diagnostics.AddAttributeError(path.Root("provisioners").AtListIndex(i), "Invalid provisioner definition", e.Error())
			}
		}
		if config.DefaultProvisioners.IsNull() || config.DefaultProvisioners.ValueBool() {
			if err := data.settings.AddBuiltinProvisioners(); err != nil {
				resp.Diagnostics.AddError("Built-in provisioners do not load", err.Error())
			}
		}
		if data.known {
			warnUnmatchedOutputRules(&resp.Diagnostics, data.settings)
		}
	}
	var patches []types.String
	if !config.PatchTemplates.IsNull() && !config.PatchTemplates.IsUnknown() {
		resp.Diagnostics.Append(config.PatchTemplates.ElementsAs(ctx, &patches, false)...)
	}
	for i, t := range patches {
		if t.IsUnknown() {
			data.known = false
		}
		if err := data.settings.AddPatchTemplate(t.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("patch_templates").AtListIndex(i), "Invalid patch template", err.Error())
		}
	}
	resp.DataSourceData = data
	resp.ResourceData = data
	p.configured.Store(data)
}

// splitErrors undoes errors.Join so each problem becomes its own diagnostic.
func splitErrors(err error) []error {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		return joined.Unwrap()
	}
	return []error{err}
}

func (p *scoreProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewResourceResource,
		NewWorkloadResource,
		NewProjectResource,
	}
}

func (p *scoreProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewWorkloadDataSource,
		NewProvisionersDataSource,
	}
}

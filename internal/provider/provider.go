// Package provider is the Terraform surface of the Score provider: schemas, models, conversions
// between Terraform values and the engine in internal/score, and diagnostics. It decides nothing
// about Score itself.
package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
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
}

type scoreProviderModel struct {
	AllowExternalFileSources types.Bool `tfsdk:"allow_external_file_sources"`
}

// providerData is what Configure hands to every data source and resource.
type providerData struct {
	allowExternalFileSources bool
}

func (p *scoreProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "score"
	resp.Version = p.version
}

func (p *scoreProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The Score provider implements the [Score](https://score.dev) workload " +
			"specification (`score.dev/v1b1`) for Terraform and OpenTofu: it loads and validates score files " +
			"and exposes them as typed attributes.",
		Attributes: map[string]schema.Attribute{
			"allow_external_file_sources": schema.BoolAttribute{
				MarkdownDescription: "Allow `containers.*.files.*.source` to name a file outside the score " +
					"file's directory (an absolute path, a `..` path, or a symbolic link leaving the directory). " +
					"Defaults to `false`: a score file may only read files that sit beside it, so a score file " +
					"from a developer cannot make Terraform read arbitrary files from the machine running it.",
				Optional: true,
			},
		},
	}
}

func (p *scoreProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config scoreProviderModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{
		allowExternalFileSources: config.AllowExternalFileSources.ValueBool(),
	}
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *scoreProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

func (p *scoreProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewWorkloadDataSource,
	}
}

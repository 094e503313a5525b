package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSource              = (*provisionersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*provisionersDataSource)(nil)
)

// NewProvisionersDataSource returns the score_provisioners data source.
func NewProvisionersDataSource() datasource.DataSource {
	return &provisionersDataSource{}
}

type provisionersDataSource struct {
	provider *providerData
}

type provisionersDataSourceModel struct {
	Target       types.String       `tfsdk:"target"`
	Provisioners []provisionerModel `tfsdk:"provisioners"`
}

type provisionerModel struct {
	URI             string   `tfsdk:"uri"`
	Type            string   `tfsdk:"type"`
	Class           *string  `tfsdk:"class"`
	ID              *string  `tfsdk:"id"`
	Description     string   `tfsdk:"description"`
	ExpectedOutputs []string `tfsdk:"expected_outputs"`
	SupportedParams []string `tfsdk:"supported_params"`
	SecretOutputs   []string `tfsdk:"secret_outputs"`
	Source          string   `tfsdk:"source"`
}

func (d *provisionersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_provisioners"
}

func (d *provisionersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: desc, Computed: true}
	}
	list := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{MarkdownDescription: desc, Computed: true, ElementType: types.StringType}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the provisioners the provider matches resources against, in match order " +
			"(custom `provisioners` first, then the built-in library unless `default_provisioners = false`), " +
			"like `score-compose provisioners list`: check what your `provisioners` argument loaded.",
		Attributes: map[string]schema.Attribute{
			"target": str("The provider's target."),
			"provisioners": schema.ListNestedAttribute{
				MarkdownDescription: "The provisioners, in match order: the first whose type (then class and id, " +
					"when set) matches a resource provisions it.",
				Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"uri":              str("The provisioner uri (`template://...`, `cmd://...`, `local-env://...`)."),
					"type":             str("The resource type it provisions."),
					"class":            str("The class it is limited to, or null for any class."),
					"id":               str("The resource id it is limited to, or null for any id."),
					"description":      str("What it does."),
					"expected_outputs": list("The outputs it promises."),
					"supported_params": list("The params it reads."),
					"secret_outputs": list("The outputs treated as secret before any value is known: those the " +
						"provider's `provisioner_outputs` declares secret, then the provisioner's `secret_outputs` list " +
						"or, without one, the expected outputs whose name suggests a credential or a URL, URI, DSN or " +
						"connection string (these are secret only when their value holds a password), less those " +
						"`provisioner_outputs` declares public. Whatever is listed here, an output whose value holds a " +
						"password (a URL with one, `password=...`) is secret unless `provisioner_outputs` declares it public."),
					"source": str("Where it was defined: `provisioners[N] entry M` or the built-in library."),
				}},
			},
		},
	}
}

func (d *provisionersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		d.provider = data
	}
}

func (d *provisionersDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.provider == nil || !d.provider.settings.CanProvision() {
		resp.Diagnostics.AddError("Provider target not set", "score_provisioners lists the provisioners of the provider's `target`; set `target` to `kubernetes` or `compose`.")
		return
	}
	model := provisionersDataSourceModel{Target: types.StringValue(string(d.provider.settings.Target)), Provisioners: []provisionerModel{}}
	for _, p := range d.provider.settings.Provisioners() {
		pm := provisionerModel{
			URI: p.URI, Type: p.Type, Class: p.Class, ID: p.ID, Description: p.Description,
			ExpectedOutputs: p.ExpectedOutputs, SupportedParams: p.SupportedParams, Source: p.Source,
			SecretOutputs: d.provider.settings.SecretOutputNames(p),
		}
		model.Provisioners = append(model.Provisioners, pm)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

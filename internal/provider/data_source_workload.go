package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	scoretypes "github.com/score-spec/score-go/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

var (
	_ datasource.DataSource                     = (*workloadDataSource)(nil)
	_ datasource.DataSourceWithConfigure        = (*workloadDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig   = (*workloadDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*workloadDataSource)(nil)
)

// NewWorkloadDataSource returns the score_workload data source.
func NewWorkloadDataSource() datasource.DataSource {
	return &workloadDataSource{}
}

type workloadDataSource struct {
	provider *providerData
}

type workloadDataSourceModel struct {
	workloadSourceModel

	Name         types.String                    `tfsdk:"name"`
	Annotations  map[string]string               `tfsdk:"annotations"`
	MetadataJSON types.String                    `tfsdk:"metadata_json"`
	SpecJSON     types.String                    `tfsdk:"spec_json"`
	Containers   map[string]containerModel       `tfsdk:"containers"`
	ServicePorts map[string]servicePortModel     `tfsdk:"service_ports"`
	Resources    map[string]resourceRequestModel `tfsdk:"resources"`
}

type containerModel struct {
	Image          string                          `tfsdk:"image"`
	Command        []string                        `tfsdk:"command"`
	Args           []string                        `tfsdk:"args"`
	Variables      map[string]string               `tfsdk:"variables"`
	Files          map[string]containerFileModel   `tfsdk:"files"`
	Volumes        map[string]containerVolumeModel `tfsdk:"volumes"`
	Resources      *containerResourcesModel        `tfsdk:"resources"`
	LivenessProbe  *probeModel                     `tfsdk:"liveness_probe"`
	ReadinessProbe *probeModel                     `tfsdk:"readiness_probe"`
	Before         map[string]string               `tfsdk:"before"`
}

type containerFileModel struct {
	Mode          *string `tfsdk:"mode"`
	Content       *string `tfsdk:"content"`
	BinaryContent *string `tfsdk:"binary_content"`
	Source        *string `tfsdk:"source"`
	NoExpand      bool    `tfsdk:"no_expand"`
}

type containerVolumeModel struct {
	Source   string  `tfsdk:"source"`
	Path     *string `tfsdk:"path"`
	ReadOnly bool    `tfsdk:"read_only"`
}

type containerResourcesModel struct {
	Limits   *resourceQuantitiesModel `tfsdk:"limits"`
	Requests *resourceQuantitiesModel `tfsdk:"requests"`
}

type resourceQuantitiesModel struct {
	CPU    *string `tfsdk:"cpu"`
	Memory *string `tfsdk:"memory"`
}

type probeModel struct {
	HTTPGet *httpProbeModel `tfsdk:"http_get"`
	Exec    *execProbeModel `tfsdk:"exec"`
}

type httpProbeModel struct {
	Scheme      *string           `tfsdk:"scheme"`
	Host        *string           `tfsdk:"host"`
	Port        int64             `tfsdk:"port"`
	Path        string            `tfsdk:"path"`
	HTTPHeaders []httpHeaderModel `tfsdk:"http_headers"`
}

type httpHeaderModel struct {
	Name  string `tfsdk:"name"`
	Value string `tfsdk:"value"`
}

type execProbeModel struct {
	Command []string `tfsdk:"command"`
}

type servicePortModel struct {
	Port       int64  `tfsdk:"port"`
	TargetPort int64  `tfsdk:"target_port"`
	Protocol   string `tfsdk:"protocol"`
}

type resourceRequestModel struct {
	Type         string  `tfsdk:"type"`
	Class        string  `tfsdk:"class"`
	ID           *string `tfsdk:"id"`
	UID          string  `tfsdk:"uid"`
	ParamsJSON   string  `tfsdk:"params_json"`
	MetadataJSON string  `tfsdk:"metadata_json"`
}

func (d *workloadDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workload"
}

func (d *workloadDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Loads a Score workload (`score.dev/v1b1`) from a file or from text, applies overrides " +
			"and validates it: against the Score JSON schema (after score-go's upgrade of legacy forms), and " +
			"against Score's own rules (`${...}` placeholders, `before` references and cycles, file sources). " +
			"Every problem is reported, each with its path in the score file and its line. Nothing is " +
			"provisioned or rendered: use the result to drive other resources, for example `for_each` over " +
			"`resources`.",
		Attributes: workloadDataSourceAttributes(),
	}
}

func (d *workloadDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		d.provider = data
	}
}

func (d *workloadDataSource) ConfigValidators(_ context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("file"), path.MatchRoot("content")),
	}
}

// ValidateConfig reports score file problems at `terraform validate` time when every input is
// known (see workloadSourceModel.validate, shared with the score_workload resource).
func (d *workloadDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateWorkloadSource(ctx, req.Config)...)
}

func (d *workloadDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model workloadDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	opts := loadOptions{allowExternal: d.provider != nil && d.provider.settings.AllowExternalFileSources}
	w, diags := model.load(opts)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(model.setOutputs(w)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// setOutputs converts a loaded workload into the data source's computed attributes.
func (m *workloadDataSourceModel) setOutputs(w *loader.Workload) diag.Diagnostics {
	var diags diag.Diagnostics
	spec := w.Spec
	m.Name = types.StringValue(w.Name())
	m.Annotations = map[string]string{}
	if ann, ok := spec.Metadata["annotations"].(map[string]any); ok {
		for k, v := range ann {
			m.Annotations[k], _ = v.(string)
		}
	}
	m.MetadataJSON = types.StringValue(mustJSON(spec.Metadata, &diags))
	m.SpecJSON = types.StringValue(mustJSON(w.Document, &diags))

	m.Containers = make(map[string]containerModel, len(spec.Containers))
	for cname, c := range spec.Containers {
		m.Containers[cname] = convertContainer(c, w.Files[cname])
	}

	m.ServicePorts = map[string]servicePortModel{}
	for pname, p := range engine.ServicePorts(w) {
		m.ServicePorts[pname] = servicePortModel{Port: int64(p.Port), TargetPort: int64(p.TargetPort), Protocol: p.Protocol}
	}

	m.Resources = make(map[string]resourceRequestModel, len(spec.Resources))
	for rname, r := range spec.Resources {
		uid := w.ResourceUID(rname)
		params, metadata := map[string]any(r.Params), map[string]any(r.Metadata)
		if params == nil {
			params = map[string]any{}
		}
		if metadata == nil {
			metadata = map[string]any{}
		}
		m.Resources[rname] = resourceRequestModel{
			Type:         r.Type,
			Class:        uid.Class(),
			ID:           r.Id,
			UID:          string(uid),
			ParamsJSON:   mustJSON(params, &diags),
			MetadataJSON: mustJSON(metadata, &diags),
		}
	}
	return diags
}

func convertContainer(c scoretypes.Container, files map[string]loader.File) containerModel {
	out := containerModel{
		Image:     c.Image,
		Command:   c.Command,
		Args:      c.Args,
		Variables: map[string]string(c.Variables),
		Files:     map[string]containerFileModel{},
		Volumes:   map[string]containerVolumeModel{},
		Before:    map[string]string{},
	}
	if out.Variables == nil {
		out.Variables = map[string]string{}
	}
	for target, f := range c.Files {
		loaded := files[target]
		fm := containerFileModel{Mode: f.Mode, Source: f.Source, NoExpand: f.NoExpand != nil && *f.NoExpand}
		if f.BinaryContent != nil || !utf8.Valid(loaded.Content) {
			b64 := base64.StdEncoding.EncodeToString(loaded.Content)
			fm.BinaryContent = &b64
		} else {
			text := string(loaded.Content)
			fm.Content = &text
		}
		out.Files[target] = fm
	}
	for target, v := range c.Volumes {
		out.Volumes[target] = containerVolumeModel{Source: v.Source, Path: v.Path, ReadOnly: v.ReadOnly != nil && *v.ReadOnly}
	}
	if r := c.Resources; r != nil {
		out.Resources = &containerResourcesModel{Limits: quantities(r.Limits), Requests: quantities(r.Requests)}
	}
	out.LivenessProbe = convertProbe(c.LivenessProbe)
	out.ReadinessProbe = convertProbe(c.ReadinessProbe)
	for other, b := range c.Before {
		out.Before[other] = string(b.Ready)
	}
	return out
}

func quantities(q *scoretypes.ResourcesLimits) *resourceQuantitiesModel {
	if q == nil {
		return nil
	}
	return &resourceQuantitiesModel{CPU: q.Cpu, Memory: q.Memory}
}

func convertProbe(p *scoretypes.ContainerProbe) *probeModel {
	if p == nil {
		return nil
	}
	out := &probeModel{}
	if h := p.HttpGet; h != nil {
		hm := &httpProbeModel{Host: h.Host, Port: int64(h.Port), Path: h.Path}
		if h.Scheme != nil {
			s := string(*h.Scheme)
			hm.Scheme = &s
		}
		for _, header := range h.HttpHeaders {
			hm.HTTPHeaders = append(hm.HTTPHeaders, httpHeaderModel{Name: header.Name, Value: header.Value})
		}
		out.HTTPGet = hm
	}
	if e := p.Exec; e != nil {
		out.Exec = &execProbeModel{Command: e.Command}
	}
	return out
}

// mustJSON encodes v (map keys sorted, so output is deterministic); a failure is a diagnostic.
func mustJSON(v any, diags *diag.Diagnostics) string {
	b, err := json.Marshal(v)
	if err != nil {
		diags.AddError("Cannot encode the workload as JSON", err.Error())
		return ""
	}
	return string(b)
}

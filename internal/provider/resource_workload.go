package provider

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

var (
	_ resource.Resource                     = (*workloadResource)(nil)
	_ resource.ResourceWithConfigure        = (*workloadResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*workloadResource)(nil)
	_ resource.ResourceWithConfigValidators = (*workloadResource)(nil)
	_ resource.ResourceWithValidateConfig   = (*workloadResource)(nil)
)

// NewWorkloadResource returns the score_workload resource.
func NewWorkloadResource() resource.Resource {
	return &workloadResource{}
}

type workloadResource struct {
	provider *providerData
}

type workloadResourceModel struct {
	workloadSourceModel
	Resources        types.Map `tfsdk:"resources"`
	WorkloadServices types.Map `tfsdk:"workload_services"`

	Name types.String `tfsdk:"name"`
	artifactsModel
	BinaryFiles     types.Map    `tfsdk:"binary_files"`
	Service         types.Object `tfsdk:"service"`
	ResourceOutputs types.Map    `tfsdk:"resource_outputs"`
	State           types.String `tfsdk:"state"`
}

var resourceOutputsType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"uid": types.StringType, "outputs": types.MapType{ElemType: types.StringType}, "secrets": types.MapType{ElemType: types.StringType},
}}

func (r *workloadResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workload"
}

func (r *workloadResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"resources": schema.MapNestedAttribute{
			MarkdownDescription: "Bindings for the score file's resources, by resource name: each supplies the " +
				"resource's `outputs` (and sensitive `secrets`) instead of provisioning it, so a resource can come " +
				"from a `score_resource` (`{ uid = score_resource.db.uid, outputs = score_resource.db.outputs, " +
				"secrets = score_resource.db.secrets }`), from another provider (`{ outputs = { host = " +
				"aws_db_instance.x.address } }`) or from another workload. Resources left unbound are provisioned " +
				"inside this workload, their generated values kept in its `state`; a shared resource (with an " +
				"`id`) must be bound. Output values holding JSON objects can be looked into " +
				"(`${resources.x.nested.key}`).",
			Optional: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"uid": schema.StringAttribute{
					MarkdownDescription: "The resource uid (volume sources and compose variable names use it); " +
						"defaults to the uid the score file implies.",
					Optional: true,
				},
				"outputs": schema.MapAttribute{
					MarkdownDescription: "Non-secret outputs.", Optional: true, ElementType: types.StringType,
				},
				"secrets": schema.MapAttribute{
					MarkdownDescription: "Secret outputs: Kubernetes variables and files using them come from " +
						"Secrets, compose ones from `compose_env`.",
					Optional: true, Sensitive: true, ElementType: types.StringType,
				},
			}},
		},
		"workload_services": workloadServicesAttribute(),
		"name":              schema.StringAttribute{MarkdownDescription: "The workload name.", Computed: true},
		"binary_files": schema.MapAttribute{
			MarkdownDescription: "Compose target: files that are not text (`binaryContent`), base64-encoded, to write " +
				"next to the compose file (`local_file`'s `content_base64`).",
			Computed: true, ElementType: types.StringType,
		},
		"service": schema.SingleNestedAttribute{
			MarkdownDescription: "How other workloads reach this one; pass it in their `workload_services`.",
			Computed:            true,
			Attributes:          serviceAttributes(),
		},
		"resource_outputs": schema.MapNestedAttribute{
			MarkdownDescription: "The resources provisioned inside this workload, by name.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"uid":     schema.StringAttribute{MarkdownDescription: "The resource uid.", Computed: true},
				"outputs": schema.MapAttribute{MarkdownDescription: "Non-secret outputs.", Computed: true, ElementType: types.StringType},
				"secrets": schema.MapAttribute{MarkdownDescription: "Secret outputs.", Computed: true, Sensitive: true, ElementType: types.StringType},
			}},
		},
		"state": schema.StringAttribute{
			MarkdownDescription: "What the resources provisioned inside this workload keep between runs, as JSON " +
				"(their generated values).",
			Computed: true, Sensitive: true,
		},
	}
	for name, a := range artifactsAttributes(artifactsContent{
		manifests: "Kubernetes target: every object, one YAML document each, keyed " +
			"`<group or core>/<version>/<Kind>/<namespace or _>/<name>` (`apps/v1/Deployment/shop/web`): the " +
			"Deployment (or StatefulSet, with the annotation `k8s.score.dev/kind: StatefulSet`), its Service " +
			"when ports exist, ConfigMaps for files, and what provisioned resources add. No secret value appears " +
			"here: variables and files using secrets refer to Secrets.",
		composeYAML: "Compose target: the compose file, a service per container (`<workload>-<container>`) " +
			"plus what provisioned resources add. Secret values are `${VAR}` references to `compose_env`; every " +
			"other `$` is escaped.",
	}) {
		attrs[name] = a
	}
	for name, desc := range sourceDescriptions {
		if name == "overrides" {
			attrs[name] = schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
		} else {
			attrs[name] = schema.StringAttribute{MarkdownDescription: desc, Optional: true}
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Score workload rendered for the provider's `target`: Kubernetes manifests or a Docker " +
			"Compose project, as attributes for the `kubernetes`, `kubectl`, `docker` and `local` providers to " +
			"apply. The score file is loaded and validated like the `score_workload` data source does; its " +
			"resources are bound (`resources`) or provisioned inside the workload.\n\n" +
			"Whenever the inputs are known, the first plan already knows every manifest key and every value " +
			"that does not depend on a value generated for the first time (such as a new password).",
		Attributes: attrs,
	}
}

func (r *workloadResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("file"), path.MatchRoot("content")),
	}
}

// ValidateConfig reports score file problems at `terraform validate` time when every input is
// known, as the score_workload data source does (workloadSourceModel.validate).
func (r *workloadResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	resp.Diagnostics.Append(validateWorkloadSource(ctx, req.Config)...)
}

func (r *workloadResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		r.provider = data
	}
}

// renderInput is the engine request for one render of the workload.
type renderInput struct {
	request engine.WorkloadRequest
	// known is false when something the render needs is unknown: every output is then unknown.
	known bool
	// partial is set when stand-ins replace unknown binding values.
	partial bool
}

// renderInput assembles the engine request for a render: variant names the stand-ins for
// unknown binding values, random is where generated values come from.
func (r *workloadResource) renderInput(ctx context.Context, m *workloadResourceModel, prior engine.State, variant string, random io.Reader) (renderInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := r.provider
	if p == nil || !p.known || !m.known() || m.WorkloadServices.IsUnknown() {
		return renderInput{}, nil
	}
	if !p.settings.CanProvision() {
		diags.AddError("Provider target not set", "score_workload needs the provider's `target` (`kubernetes` or `compose`) to know what to render.")
		return renderInput{}, diags
	}
	w, d := m.load(loadOptions{allowExternal: p.settings.AllowExternalFileSources})
	diags.Append(d...)
	if diags.HasError() {
		return renderInput{}, diags
	}
	bindings := convertBindings(m.Resources, variant)
	if !bindings.known {
		return renderInput{}, diags
	}
	services, known, d := workloadServices(ctx, m.WorkloadServices)
	diags.Append(d...)
	if !known || diags.HasError() {
		return renderInput{}, diags
	}
	return renderInput{
		request: engine.WorkloadRequest{
			Workload: w, Bindings: bindings.bindings, WorkloadServices: services, Prior: prior, Random: random,
		},
		known: true, partial: bindings.partial,
	}, diags
}

func (r *workloadResource) render(ctx context.Context, req engine.WorkloadRequest) (*engine.Workload, diag.Diagnostics) {
	var diags diag.Diagnostics
	out, err := engine.RenderWorkload(ctx, r.provider.settings, req)
	if err == nil {
		return out, nil
	}
	var problems engine.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			diags.AddError("Cannot render workload", fmt.Sprintf("workload %q: %s", req.Workload.Name(), p.Error()))
		}
		return nil, diags
	}
	if addPatchError(&diags, err, "Cannot apply patch template") {
		return nil, diags
	}
	diags.AddError("Cannot render workload", err.Error())
	return nil, diags
}

func priorWorkloadState(state types.String) (engine.State, error) {
	var s engine.State
	return s, decodeState(state, &s)
}

// ModifyPlan renders the workload twice, with different random sources and different stand-ins
// for unknown bindings: what agrees is known at plan, the rest is unknown.
func (r *workloadResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state workloadResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	prior, err := priorWorkloadState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt workload state", err.Error())
		return
	}
	variants := planVariants()
	inA, diags := r.renderInput(ctx, &plan, prior, variants[0].name, variants[0].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !inA.known {
		plan.setUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	// The second input differs only in its stand-ins; its diagnostics are the first's, which
	// Append does not repeat.
	inB, diags := r.renderInput(ctx, &plan, prior, variants[1].name, variants[1].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	a, diagsA := r.render(ctx, inA.request)
	b, diagsB := r.render(ctx, inB.request)
	if diagsA.HasError() || diagsB.HasError() {
		if inA.partial {
			// A stand-in for an unknown binding may not render (a volume source, say): decide at apply.
			plan.setUnknown()
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		resp.Diagnostics.Append(diagsA...)
		return
	}
	if inA.partial && (a.SecrecyUnsettled || b.SecrecyUnsettled) {
		// Where a value goes depends on whether it holds a password, unknown yet: decide at apply.
		plan.setUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(plan.setRendered(a, b, r.provider.settings.Target)...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (m *workloadResourceModel) setUnknown() {
	m.Name = types.StringUnknown()
	m.artifactsModel = unknownArtifacts()
	m.BinaryFiles = types.MapUnknown(types.StringType)
	m.Service = types.ObjectUnknown(workloadServiceType.AttrTypes)
	m.ResourceOutputs = types.MapUnknown(resourceOutputsType)
	m.State = types.StringUnknown()
}

// setRendered sets the computed attributes from two renders (the same one twice at apply).
func (m *workloadResourceModel) setRendered(a, b *engine.Workload, t targets.Target) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = knownIfEqual(a.Name, b.Name)
	m.artifactsModel = artifactsKnownIfEqual(a.Artifacts, b.Artifacts, t)
	m.BinaryFiles = types.MapNull(types.StringType)
	if t == targets.Compose {
		m.BinaryFiles = mapKnownIfEqual(a.BinaryFiles, b.BinaryFiles)
	}
	m.Service = serviceValue(a.Service, b.Service)

	if len(a.ResourceOutputs) != len(b.ResourceOutputs) {
		m.ResourceOutputs = types.MapUnknown(resourceOutputsType)
	} else {
		elems := map[string]attr.Value{}
		for name, ra := range a.ResourceOutputs {
			rb := b.ResourceOutputs[name]
			obj, d := types.ObjectValue(resourceOutputsType.AttrTypes, map[string]attr.Value{
				"uid": knownIfEqual(ra.UID, rb.UID), "outputs": mapKnownIfEqual(ra.Outputs, rb.Outputs),
				"secrets": mapKnownIfEqual(ra.Secrets, rb.Secrets),
			})
			diags.Append(d...)
			elems[name] = obj
		}
		ro, d := types.MapValue(resourceOutputsType, elems)
		diags.Append(d...)
		m.ResourceOutputs = ro
	}
	sa, errA := encodeState(a.State)
	sb, errB := encodeState(b.State)
	if errA != nil || errB != nil {
		diags.AddError("Cannot encode workload state", errors.Join(errA, errB).Error())
		return diags
	}
	m.State = knownIfEqual(sa, sb)
	return diags
}

func serviceValue(a, b engine.Service) types.Object {
	if len(a.Ports) != len(b.Ports) {
		return types.ObjectUnknown(workloadServiceType.AttrTypes)
	}
	ports := map[string]attr.Value{}
	for name, pa := range a.Ports {
		pb := b.Ports[name]
		port := func(x, y int) types.Int64 {
			if x != y {
				return types.Int64Unknown()
			}
			return types.Int64Value(int64(x))
		}
		ports[name] = types.ObjectValueMust(servicePortType.AttrTypes, map[string]attr.Value{
			"port": port(pa.Port, pb.Port), "target_port": port(pa.TargetPort, pb.TargetPort),
			"protocol": knownIfEqual(pa.Protocol, pb.Protocol),
		})
	}
	return types.ObjectValueMust(workloadServiceType.AttrTypes, map[string]attr.Value{
		"name": knownIfEqual(a.Name, b.Name), "hostname": knownIfEqual(a.Hostname, b.Hostname),
		"ports": types.MapValueMust(servicePortType, ports),
	})
}

func (r *workloadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workloadResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, engine.State{})...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *workloadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workloadResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, err := priorWorkloadState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt workload state", err.Error())
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, prior)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// apply renders for real: generated values come from crypto/rand.
func (r *workloadResource) apply(ctx context.Context, m *workloadResourceModel, prior engine.State) diag.Diagnostics {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	in, diags := r.renderInput(ctx, m, prior, "apply", crand.Reader)
	if diags.HasError() {
		return diags
	}
	if !in.known || in.partial {
		diags.AddError("Unknown value at apply", "An input of score_workload is still unknown at apply time.")
		return diags
	}
	out, d := r.render(ctx, in.request)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	diags.Append(m.setRendered(out, out, r.provider.settings.Target)...)
	addProvisionerMessages(&diags, out.Messages)
	return diags
}

// Read keeps the state: the rendered output is a function of the configuration and the state.
func (r *workloadResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Delete forgets the workload; what it rendered is removed by whoever applied it.
func (r *workloadResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

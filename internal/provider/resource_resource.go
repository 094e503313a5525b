package provider

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
)

var (
	_ resource.Resource                     = (*resourceResource)(nil)
	_ resource.ResourceWithConfigure        = (*resourceResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*resourceResource)(nil)
	_ resource.ResourceWithImportState      = (*resourceResource)(nil)
	_ resource.ResourceWithConfigValidators = (*resourceResource)(nil)
)

// NewResourceResource returns the score_resource resource.
func NewResourceResource() resource.Resource {
	return &resourceResource{}
}

type resourceResource struct {
	provider *providerData
}

type resourceResourceModel struct {
	Type             types.String  `tfsdk:"type"`
	Class            types.String  `tfsdk:"class"`
	ID               types.String  `tfsdk:"id"`
	Name             types.String  `tfsdk:"name"`
	SourceWorkload   types.String  `tfsdk:"source_workload"`
	Params           types.Dynamic `tfsdk:"params"`
	Annotations      types.Map     `tfsdk:"annotations"`
	WorkloadServices types.Map     `tfsdk:"workload_services"`

	UID         types.String `tfsdk:"uid"`
	Provisioner types.String `tfsdk:"provisioner_uri"`
	State       types.String `tfsdk:"state"`
	renderedModel
}

// renderedModel holds what a provisioned resource renders to.
type renderedModel struct {
	Outputs types.Map `tfsdk:"outputs"`
	Secrets types.Map `tfsdk:"secrets"`
	artifactsModel
}

func (r *resourceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_resource"
}

var (
	scoreTypePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$`)
	scoreIDPattern   = regexp.MustCompile(`^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$`)
	scoreNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$`)
)

func (r *resourceResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One provisioned Score resource (a database, a cache, a volume, a route...), as a " +
			"workload's `resources:` entry would request it, provisioned by the first matching provisioner of " +
			"the provider (custom `provisioners`, then the built-in library) for the provider's `target`.\n\n" +
			"Generated values (passwords, and anything a template creates in `init` and keeps in `state`) are " +
			"created once and kept in Terraform state: later plans and applies reuse them, and a `params` change " +
			"re-renders with them. Changing `type`, `class`, `id`, `name` or `source_workload` replaces the " +
			"resource. Bind it to workloads through `score_workload`'s `resources` argument.\n\n" +
			"-> **Import** adopts a resource from a score-compose or score-k8s `state.yaml`, keeping its generated " +
			"values: `terraform import score_resource.db '.score-compose/state.yaml#postgres.default#web.db'`.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				MarkdownDescription: "The resource type, like `postgres` or `redis`.",
				Required:            true,
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(scoreTypePattern, "must be a Score resource type (letters, digits and -, 2-63 characters)")},
			},
			"class": schema.StringAttribute{
				MarkdownDescription: "The resource class. Defaults to `default`.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString("default"),
				PlanModifiers:       replace,
				Validators:          []validator.String{stringvalidator.RegexMatches(scoreTypePattern, "must be a Score resource class (letters, digits and -, 2-63 characters)")},
			},
			"id": schema.StringAttribute{
				MarkdownDescription: "The shared resource id: workloads declaring the same type, class and id share " +
					"one resource. When unset, `name` and `source_workload` identify the resource instead.",
				Optional:      true,
				PlanModifiers: replace,
				Validators:    []validator.String{stringvalidator.RegexMatches(scoreIDPattern, "must be a Score resource id (lower-case words separated by - or .)")},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "The resource's name in its workload's score file (the key under `resources:`). " +
					"Required, with `source_workload`, when `id` is unset.",
				Optional:      true,
				PlanModifiers: replace,
				Validators: []validator.String{
					stringvalidator.RegexMatches(scoreNamePattern, "must be a Score resource name (RFC 1123 label)"),
					stringvalidator.AlsoRequires(path.MatchRoot("source_workload")),
				},
			},
			"source_workload": schema.StringAttribute{
				MarkdownDescription: "The workload the resource belongs to (required with `name`), or, for a shared " +
					"resource, the workload that declares it; templates see it as `.SourceWorkload`.",
				Optional:      true,
				PlanModifiers: replace,
			},
			"params": schema.DynamicAttribute{
				MarkdownDescription: "The resource parameters (`resources.*.params`): any object, as the provisioner " +
					"expects it.",
				Optional: true,
			},
			"annotations": schema.MapAttribute{
				MarkdownDescription: "The resource annotations (`resources.*.metadata.annotations`); templates see " +
					"them in `.Metadata.annotations`.",
				Optional:    true,
				ElementType: types.StringType,
			},
			"workload_services": workloadServicesAttribute(),
			"uid": schema.StringAttribute{
				MarkdownDescription: "The resource uid: `type.class#id`, or `type.class#source_workload.name`.",
				Computed:            true,
			},
			"provisioner_uri": schema.StringAttribute{
				MarkdownDescription: "The uri of the provisioner that provisioned the resource. (Named " +
					"`provisioner_uri` because Terraform reserves `provisioner`.)",
				Computed: true,
			},
			"state": schema.StringAttribute{
				MarkdownDescription: "What the provisioner keeps between runs, as JSON: `guid`, `state` and `shared` " +
					"(what score-compose's and score-k8s's `state.yaml` held). Holds generated secrets.",
				Computed:  true,
				Sensitive: true,
			},
		},
	}
	for k, v := range renderedAttributes() {
		resp.Schema.Attributes[k] = v
	}
}

// renderedAttributes describe renderedModel.
func renderedAttributes() map[string]schema.Attribute {
	attrs := artifactsAttributes(artifactsContent{
		manifests: "Kubernetes target: the objects the provisioner adds, one YAML document each, keyed " +
			"`<group or core>/<version>/<Kind>/<namespace or _>/<name>`. No secret value appears here.",
		composeYAML: "Compose target: a compose document with the services, volumes, networks and models " +
			"the provisioner adds. Secret values are `${VAR}` references resolved from `compose_env`.",
	})
	attrs["outputs"] = schema.MapAttribute{
		MarkdownDescription: "The non-secret outputs, as `${resources.NAME.KEY}` sees them; nested values as JSON.",
		Computed:            true, ElementType: types.StringType,
	}
	attrs["secrets"] = schema.MapAttribute{
		MarkdownDescription: "The secret outputs (passwords, keys, connection strings). Which outputs are secret: " +
			"what the provider's `provisioner_outputs` declares, else those whose value holds a password (a URL with " +
			"one), else the provisioner's `secret_outputs` list or, without one, those whose name names a credential.",
		Computed: true, Sensitive: true, ElementType: types.StringType,
	}
	return attrs
}

func (r *resourceResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.AtLeastOneOf(path.MatchRoot("id"), path.MatchRoot("name")),
	}
}

func (r *resourceResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		r.provider = data
	}
}

// request is what the engine needs to provision the resource, from the model; known is false
// while some input is unknown.
func (m *resourceResourceModel) request(ctx context.Context) (engine.ResourceRequest, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	for _, v := range []attr.Value{m.Type, m.Class, m.ID, m.Name, m.SourceWorkload, m.Annotations, m.WorkloadServices} {
		if v.IsUnknown() {
			return engine.ResourceRequest{}, false, nil
		}
	}
	params, err := plainValue(ctx, m.Params)
	if err == errUnknown {
		return engine.ResourceRequest{}, false, nil
	} else if err != nil {
		diags.AddAttributeError(path.Root("params"), "Invalid params", err.Error())
		return engine.ResourceRequest{}, false, diags
	}
	paramMap, ok := params.(map[string]any)
	if params != nil && !ok {
		diags.AddAttributeError(path.Root("params"), "Invalid params", "params must be an object")
		return engine.ResourceRequest{}, false, diags
	}
	annotations, err := plainValue(ctx, m.Annotations)
	if err != nil {
		diags.AddAttributeError(path.Root("annotations"), "Invalid annotations", err.Error())
		return engine.ResourceRequest{}, false, diags
	}
	metadata := map[string]any{}
	if annotations != nil {
		metadata["annotations"] = annotations
	}
	services, known, d := workloadServices(ctx, m.WorkloadServices)
	diags.Append(d...)
	if !known || diags.HasError() {
		return engine.ResourceRequest{}, false, diags
	}
	return engine.ResourceRequest{
		Type: m.Type.ValueString(), Class: m.Class.ValueStringPointer(), ID: m.ID.ValueStringPointer(),
		Name: m.Name.ValueString(), SourceWorkload: m.SourceWorkload.ValueString(),
		Params: paramMap, Metadata: metadata, WorkloadServices: services,
	}, true, diags
}

// provisioned is one rendering of the resource, with its state encoded.
type provisioned struct {
	*engine.Resource
	state string
}

// provision provisions and renders the resource with prior state and random source.
func (r *resourceResource) provision(ctx context.Context, req engine.ResourceRequest, prior engine.ResourceState, random io.Reader) (*provisioned, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := r.provider
	if p == nil || !p.settings.CanProvision() {
		diags.AddError("Provider target not set", "score_resource needs the provider's `target` (`kubernetes` or `compose`) to know what to render.")
		return nil, diags
	}
	req.Prior, req.Random = prior, random
	res, err := engine.ProvisionResource(ctx, p.settings, req)
	var failed *engine.Error
	switch {
	case err == nil:
	case errors.As(err, &failed) && failed.Step == engine.StepMatch:
		diags.AddAttributeError(path.Root("type"), "No provisioner for this resource", err.Error())
		return nil, diags
	case errors.As(err, &failed) && failed.Step == engine.StepRender:
		diags.AddError("Rendering failed", err.Error())
		return nil, diags
	default:
		diags.AddError("Provisioning failed", err.Error())
		return nil, diags
	}
	state, err := encodeState(res.State)
	if err != nil {
		diags.AddError("Cannot encode resource state", err.Error())
		return nil, diags
	}
	return &provisioned{Resource: res, state: state}, diags
}

func priorResourceState(state types.String) (engine.ResourceState, error) {
	var s engine.ResourceState
	return s, decodeState(state, &s)
}

// ModifyPlan provisions the resource once per plan variant: whatever comes out the same does
// not depend on values generated now, so it is known at plan; the rest is unknown.
func (r *resourceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	if req.Plan.Raw.IsNull() || r.provider == nil {
		return
	}
	var plan resourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	preq, known, diags := plan.request(ctx)
	resp.Diagnostics.Append(diags...)
	if !known || !r.provider.known || resp.Diagnostics.HasError() {
		plan.setUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	var state resourceResourceModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	prior, err := priorResourceState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt resource state", err.Error())
		return
	}
	variants := planVariants()
	a, diags := r.provision(ctx, preq, prior, variants[0].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	b, diags := r.provision(ctx, preq, prior, variants[1].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.UID = types.StringValue(a.UID)
	plan.Provisioner = knownIfEqual(a.ProvisionerURI, b.ProvisionerURI)
	plan.State = knownIfEqual(a.state, b.state)
	plan.renderedModel = mergeRendered(&a.RenderedResource, &b.RenderedResource, r.provider.settings.Target)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func (m *resourceResourceModel) setUnknown() {
	m.UID, m.Provisioner, m.State = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	m.renderedModel = renderedModel{
		Outputs: types.MapUnknown(types.StringType), Secrets: types.MapUnknown(types.StringType),
		artifactsModel: unknownArtifacts(),
	}
}

func (r *resourceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan resourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, engine.ResourceState{})...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *resourceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state resourceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, err := priorResourceState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt resource state", err.Error())
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// apply provisions for real: generated values come from crypto/rand.
func (r *resourceResource) apply(ctx context.Context, m *resourceResourceModel, prior engine.ResourceState) diag.Diagnostics {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	preq, known, diags := m.request(ctx)
	if diags.HasError() {
		return diags
	}
	if !known {
		diags.AddError("Unknown value at apply", "An input of score_resource is still unknown at apply time.")
		return diags
	}
	p, d := r.provision(ctx, preq, prior, crand.Reader)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	m.UID = types.StringValue(p.UID)
	m.Provisioner = types.StringValue(p.ProvisionerURI)
	m.State = types.StringValue(p.state)
	m.renderedModel = mergeRendered(&p.RenderedResource, &p.RenderedResource, r.provider.settings.Target)
	addProvisionerMessages(&diags, p.Messages)
	return diags
}

// Read keeps the state as it is: a provisioned resource has no remote object to refresh.
func (r *resourceResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Delete forgets the resource; what it rendered is removed by whoever applied it.
func (r *resourceResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
}

// ImportState adopts a resource from a score-compose or score-k8s state.yaml; the import id is
// `<path to state.yaml>#<resource uid>`.
func (r *resourceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	file, uid, err := splitImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	imported, err := engine.ReadStateFile(file, uid)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import resource", err.Error())
		return
	}
	m := resourceResourceModel{
		Type: types.StringValue(imported.Type), Class: types.StringValue(imported.Class),
		ID: types.StringNull(), Name: types.StringNull(), SourceWorkload: types.StringNull(),
		Params: types.DynamicNull(), Annotations: types.MapNull(types.StringType),
		WorkloadServices: types.MapNull(workloadServiceType),
	}
	if imported.SourceWorkload != "" {
		m.SourceWorkload = types.StringValue(imported.SourceWorkload)
	}
	if name, owned := imported.OwnedName(); owned {
		m.Name = types.StringValue(name)
	} else {
		m.ID = types.StringValue(imported.ID)
	}
	if len(imported.Params) > 0 {
		v, err := dynamicFromPlain(imported.Params)
		if err != nil {
			resp.Diagnostics.AddError("Cannot import params", err.Error())
			return
		}
		m.Params = v
	}
	if ann, ok := imported.Metadata["annotations"].(map[string]any); ok && len(ann) > 0 {
		elems := map[string]attr.Value{}
		for k, v := range ann {
			elems[k] = types.StringValue(fmt.Sprint(v))
		}
		m.Annotations = types.MapValueMust(types.StringType, elems)
	}
	resp.Diagnostics.Append(r.apply(ctx, &m, imported.Prior())...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// splitImportID splits `<path>#<type>.<class>#<id>`: the uid holds exactly one '#'.
func splitImportID(id string) (file, uid string, err error) {
	last := strings.LastIndexByte(id, '#')
	if last < 0 {
		return "", "", fmt.Errorf("expected <path to state.yaml>#<resource uid>, like .score-compose/state.yaml#postgres.default#web.db; got %q", id)
	}
	sep := strings.LastIndexByte(id[:last], '#')
	if sep <= 0 {
		return "", "", fmt.Errorf("expected <path to state.yaml>#<resource uid>, like .score-compose/state.yaml#postgres.default#web.db; got %q", id)
	}
	return id[:sep], id[sep+1:], nil
}

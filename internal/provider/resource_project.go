package provider

import (
	"cmp"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

var (
	_ resource.Resource                   = (*projectResource)(nil)
	_ resource.ResourceWithConfigure      = (*projectResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*projectResource)(nil)
	_ resource.ResourceWithValidateConfig = (*projectResource)(nil)
)

// NewProjectResource returns the score_project resource.
func NewProjectResource() resource.Resource {
	return &projectResource{}
}

type projectResource struct {
	provider *providerData
}

type projectResourceModel struct {
	Workloads         types.Map    `tfsdk:"workloads"`
	Resources         types.Map    `tfsdk:"resources"`
	Publish           types.List   `tfsdk:"publish"`
	Build             types.Map    `tfsdk:"build"`
	Namespace         types.String `tfsdk:"namespace"`
	GenerateNamespace types.Bool   `tfsdk:"generate_namespace"`
	PatchTemplates    types.List   `tfsdk:"patch_templates"`

	artifactsModel
	BinaryFiles     types.Map    `tfsdk:"binary_files"`
	ResourceOutputs types.Map    `tfsdk:"resource_outputs"`
	State           types.String `tfsdk:"state"`
}

// projectWorkloadModel is one entry of `workloads`: a workload's source and, computed, its name
// and service.
type projectWorkloadModel struct {
	workloadSourceModel
	Name    types.String `tfsdk:"name"`
	Service types.Object `tfsdk:"service"`
}

var (
	projectWorkloadType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"file": types.StringType, "content": types.StringType, "image": types.StringType,
		"overrides": types.MapType{ElemType: types.StringType}, "overrides_yaml": types.StringType,
		"name": types.StringType, "service": workloadServiceType,
	}}
	projectResourceOutputsType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"outputs": types.MapType{ElemType: types.StringType}, "secrets": types.MapType{ElemType: types.StringType},
	}}
)

func (r *projectResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project"
}

func (r *projectResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	source := map[string]schema.Attribute{
		"name": schema.StringAttribute{MarkdownDescription: "The workload name (`metadata.name`).", Computed: true},
		"service": schema.SingleNestedAttribute{
			MarkdownDescription: "How the workload is reached: its host name and service ports.",
			Computed:            true,
			Attributes:          serviceAttributes(),
		},
	}
	for name, desc := range sourceDescriptions {
		if name == "overrides" {
			source[name] = schema.MapAttribute{MarkdownDescription: desc, Optional: true, ElementType: types.StringType}
		} else {
			source[name] = schema.StringAttribute{MarkdownDescription: desc, Optional: true}
		}
	}
	attrs := map[string]schema.Attribute{
		"workloads": schema.MapNestedAttribute{
			MarkdownDescription: "The project's workloads, by a label of your choice (usually the workload name): each " +
				"takes `file` or `content` (exactly one), and optionally `image`, `overrides` and `overrides_yaml`, " +
				"as `score_workload` does. Workload names (`metadata.name`) must be unique in the project.",
			Required:     true,
			NestedObject: schema.NestedAttributeObject{Attributes: source},
		},
		"resources": schema.MapNestedAttribute{
			MarkdownDescription: "Bindings by resource uid (`postgres.default#orders-db`, `redis.default#api.cache`): " +
				"each supplies that resource's `outputs` (and sensitive `secrets`) instead of provisioning it, for " +
				"values that come from elsewhere (`aws_db_instance.x.address`). Every other resource is provisioned " +
				"once in the project, whichever workloads declare it; its generated values are kept in `state`.",
			Optional: true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"outputs": schema.MapAttribute{MarkdownDescription: "Non-secret outputs.", Optional: true, ElementType: types.StringType},
				"secrets": schema.MapAttribute{
					MarkdownDescription: "Secret outputs.", Optional: true, Sensitive: true, ElementType: types.StringType,
				},
			}},
		},
		"publish": schema.ListAttribute{
			MarkdownDescription: "Compose target: ports to publish on the host, as score-compose's `--publish`: " +
				"`HOST_PORT:<workload name>:CONTAINER_PORT` (the workload's main service), or " +
				"`HOST_PORT:<resource uid>.<output>:CONTAINER_PORT` for the service a resource output names " +
				"(`5432:postgres#orders-db.host:5432`; a uid without class means class `default`).",
			Optional: true, ElementType: types.StringType,
		},
		"build": schema.MapAttribute{
			MarkdownDescription: "Compose target: images to build, as score-compose's `--build`: " +
				"`<workload>.<container>` → a build context (`./api`), or a compose `build` object as YAML or JSON " +
				"(`{ context: ./api, dockerfile: Dockerfile.dev }`). The service gets `build` and no `image`, so " +
				"its image may be `.` without `image`.",
			Optional: true, ElementType: types.StringType,
		},
		"namespace": schema.StringAttribute{
			MarkdownDescription: "Kubernetes target: the namespace of every namespaced object, instead of the provider's.",
			Optional:            true,
		},
		"generate_namespace": schema.BoolAttribute{
			MarkdownDescription: "Kubernetes target: add the Namespace object to `manifests`, as score-k8s's " +
				"`--generate-namespace` (needs a namespace, the project's or the provider's).",
			Optional: true,
		},
		"patch_templates": schema.ListAttribute{
			MarkdownDescription: patchTemplatesDescription(true),
			Optional:            true, ElementType: types.StringType,
			Validators: []validator.List{listvalidator.ValueStringsAre(patchTemplateSyntax{})},
		},
		"binary_files": schema.MapAttribute{
			MarkdownDescription: "Compose target: files that are not text (`binaryContent`), base64-encoded, to write " +
				"next to the compose file (`local_file`'s `content_base64`).",
			Computed: true, ElementType: types.StringType,
		},
		"resource_outputs": schema.MapNestedAttribute{
			MarkdownDescription: "The resources provisioned in the project, by uid.",
			Computed:            true,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"outputs": schema.MapAttribute{MarkdownDescription: "Non-secret outputs.", Computed: true, ElementType: types.StringType},
				"secrets": schema.MapAttribute{MarkdownDescription: "Secret outputs.", Computed: true, Sensitive: true, ElementType: types.StringType},
			}},
		},
		"state": schema.StringAttribute{
			MarkdownDescription: "What the project's provisioned resources keep between runs, as JSON (their generated " +
				"values, by uid, and the shared state): what score-compose's and score-k8s's `state.yaml` held.",
			Computed: true, Sensitive: true,
		},
	}
	for name, a := range artifactsAttributes(artifactsContent{
		manifests: "Kubernetes target: every object of every workload and resource, one YAML document each, keyed " +
			"`<group or core>/<version>/<Kind>/<namespace or _>/<name>` as in `score_workload`. An object two " +
			"workloads produce identically appears once. No secret value appears here.",
		composeYAML: "Compose target: ONE compose file: a service per container of every workload, every " +
			"resource's services once, each workload waiting (`depends_on`) for its resources and for the " +
			"workloads it connects to. Secret values are `${VAR}` references to `compose_env`.",
	}) {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A whole score-compose / score-k8s project as one resource: several workloads rendered " +
			"together for the provider's `target`, as `score-compose generate` / `score-k8s generate` do with " +
			"several files. Every resource uid is provisioned once (a resource with an `id` is shared by the " +
			"workloads that declare it), `service-port` and `route` see every workload, and compose routes are " +
			"served by one router. Generated values are kept in `state`.\n\n" +
			"Whenever the inputs are known, the first plan knows every manifest key and every value that does not " +
			"depend on a value generated for the first time.",
		Attributes: attrs,
	}
}

func (r *projectResource) Configure(_ context.Context, req resource.ConfigureRequest, _ *resource.ConfigureResponse) {
	if data, ok := req.ProviderData.(*providerData); ok {
		r.provider = data
	}
}

// ValidateConfig checks each workload entry names exactly one source and, when its inputs are
// known, loads it, as score_workload does.
func (r *projectResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m projectResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Workloads.IsUnknown() {
		return
	}
	entries, diags := projectWorkloads(ctx, m.Workloads)
	resp.Diagnostics.Append(diags...)
	built, builtKnown := builtContainers(m.Build)
	for _, label := range slices.Sorted(maps.Keys(entries)) {
		e := entries[label]
		at := path.Root("workloads").AtMapKey(label)
		if e.File.IsUnknown() || e.Content.IsUnknown() {
			continue
		}
		if e.File.IsNull() == e.Content.IsNull() {
			resp.Diagnostics.AddAttributeError(at, "Invalid workload", "Set exactly one of `file` and `content`.")
			continue
		}
		if !e.known() || !builtKnown {
			continue
		}
		_, d := e.load(loadOptions{deferExternal: true, at: at, built: built})
		resp.Diagnostics.Append(d.Errors()...)
	}
	for i, p := range listStrings(m.Publish) {
		if _, err := engine.ParsePublish(p); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("publish").AtListIndex(i), "Invalid publish", err.Error())
		}
	}
}

// builtContainers are the keys of `build` (<workload>.<container>); false while unknown.
func builtContainers(build types.Map) (map[string]bool, bool) {
	if build.IsUnknown() {
		return nil, false
	}
	built := map[string]bool{}
	for key := range build.Elements() {
		built[key] = true
	}
	return built, true
}

// projectWorkloads reads the `workloads` map.
func projectWorkloads(ctx context.Context, m types.Map) (map[string]projectWorkloadModel, diag.Diagnostics) {
	entries := map[string]projectWorkloadModel{}
	diags := m.ElementsAs(ctx, &entries, false)
	return entries, diags
}

// listStrings are the known strings of a list.
func listStrings(l types.List) []string {
	var out []string
	for _, v := range l.Elements() {
		if s, ok := v.(types.String); ok && !s.IsUnknown() && !s.IsNull() {
			out = append(out, s.ValueString())
		}
	}
	return out
}

// projectInput is the engine request for one render of the project.
type projectInput struct {
	request engine.ProjectRequest
	// labels are the workloads' labels by workload name, for diagnostics.
	labels map[string]string
	// known is false when something the render needs is unknown: every output is then unknown.
	known bool
	// partial is set when stand-ins replace unknown binding values.
	partial bool
}

// renderInput assembles the engine request for a render: variant names the stand-ins for
// unknown binding values, random is where generated values come from.
func (r *projectResource) renderInput(ctx context.Context, m *projectResourceModel, prior engine.State, variant string, random io.Reader) (projectInput, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := r.provider
	if p == nil || !p.known || m.Workloads.IsUnknown() || m.Publish.IsUnknown() || m.Build.IsUnknown() ||
		m.Namespace.IsUnknown() || m.GenerateNamespace.IsUnknown() || m.PatchTemplates.IsUnknown() {
		return projectInput{}, nil
	}
	if !p.settings.CanProvision() {
		diags.AddError("Provider target not set", "score_project needs the provider's `target` (`kubernetes` or `compose`) to know what to render.")
		return projectInput{}, diags
	}
	req := engine.ProjectRequest{Prior: prior, Random: random, Namespace: m.Namespace.ValueString(), GenerateNamespace: m.GenerateNamespace.ValueBool()}
	built := map[string]bool{}
	for key, v := range m.Build.Elements() {
		s, _ := v.(types.String)
		if s.IsUnknown() {
			return projectInput{}, diags
		}
		b, err := engine.ParseBuild(key, s.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("build").AtMapKey(key), "Invalid build", err.Error())
			continue
		}
		req.Builds = append(req.Builds, b)
		built[key] = true
	}
	slices.SortFunc(req.Builds, func(a, b engine.Build) int {
		return cmp.Or(strings.Compare(a.Workload, b.Workload), strings.Compare(a.Container, b.Container))
	})
	for i, v := range m.Publish.Elements() {
		s, _ := v.(types.String)
		if s.IsUnknown() {
			return projectInput{}, diags
		}
		pub, err := engine.ParsePublish(s.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("publish").AtListIndex(i), "Invalid publish", err.Error())
			continue
		}
		req.Publish = append(req.Publish, pub)
	}
	for _, v := range m.PatchTemplates.Elements() {
		s, _ := v.(types.String)
		if s.IsUnknown() {
			return projectInput{}, diags
		}
		req.PatchTemplates = append(req.PatchTemplates, s.ValueString())
	}
	workloads, labels, known, d := r.loadWorkloads(ctx, m, built)
	diags.Append(d...)
	if !known || diags.HasError() {
		return projectInput{}, diags
	}
	bindings := convertBindings(m.Resources, variant)
	if !bindings.known {
		return projectInput{}, diags
	}
	req.Workloads, req.Bindings = workloads, bindings.bindings
	return projectInput{request: req, labels: labels, known: true, partial: bindings.partial}, diags
}

// loadWorkloads loads every entry of `workloads`; two entries with one workload name are an
// error naming both labels.
func (r *projectResource) loadWorkloads(ctx context.Context, m *projectResourceModel, built map[string]bool) ([]*loader.Workload, map[string]string, bool, diag.Diagnostics) {
	entries, diags := projectWorkloads(ctx, m.Workloads)
	if diags.HasError() {
		return nil, nil, false, diags
	}
	var workloads []*loader.Workload
	labels := map[string]string{}
	for _, label := range slices.Sorted(maps.Keys(entries)) {
		e := entries[label]
		if !e.known() {
			return nil, nil, false, diags
		}
		at := path.Root("workloads").AtMapKey(label)
		if e.File.IsNull() == e.Content.IsNull() {
			diags.AddAttributeError(at, "Invalid workload", "Set exactly one of `file` and `content`.")
			continue
		}
		w, d := e.load(loadOptions{allowExternal: r.provider.settings.AllowExternalFileSources, at: at, built: built})
		diags.Append(d...)
		if w == nil {
			continue
		}
		if other, dup := labels[w.Name()]; dup {
			diags.AddAttributeError(at, "Duplicate workload name",
				fmt.Sprintf("workloads[%q] and workloads[%q] are both named %q: workload names (metadata.name) must be unique in a project.", other, label, w.Name()))
			continue
		}
		labels[w.Name()] = label
		workloads = append(workloads, w)
	}
	return workloads, labels, true, diags
}

// render renders the project, turning engine errors into diagnostics on the attribute they are about.
func (r *projectResource) render(ctx context.Context, in projectInput) (*engine.Project, diag.Diagnostics) {
	var diags diag.Diagnostics
	out, err := engine.RenderProject(ctx, r.provider.settings, in.request)
	if err == nil {
		return out, nil
	}
	var problems engine.ProjectProblems
	var option *engine.OptionError
	switch {
	case addPatchError(&diags, err, "Cannot apply patch template"):
	case errors.As(err, &problems):
		for _, name := range slices.Sorted(maps.Keys(problems)) {
			for _, p := range problems[name] {
				if name == "" {
					at := path.Root("workloads")
					if len(p.Path) == 2 && p.Path[0] == "resources" {
						at = path.Root("resources").AtMapKey(p.Path[1])
					}
					diags.AddAttributeError(at, "Cannot render project", p.Message)
					continue
				}
				diags.AddAttributeError(path.Root("workloads").AtMapKey(in.labels[name]), "Cannot render project",
					fmt.Sprintf("workload %q: %s", name, p.Error()))
			}
		}
	case errors.As(err, &option):
		at := path.Root(option.Option)
		switch {
		case option.Index >= 0:
			at = at.AtListIndex(option.Index)
		case option.Key != "":
			at = at.AtMapKey(option.Key)
		}
		diags.AddAttributeError(at, "Cannot render project", option.Error())
	default:
		diags.AddError("Cannot render project", err.Error())
	}
	return nil, diags
}

// ModifyPlan renders the project twice, with different random sources and different stand-ins
// for unknown bindings: what agrees is known at plan, the rest is unknown.
func (r *projectResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan, state projectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	prior, err := priorWorkloadState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt project state", err.Error())
		return
	}
	variants := planVariants()
	inA, diags := r.renderInput(ctx, &plan, prior, variants[0].name, variants[0].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !inA.known {
		resp.Diagnostics.Append(plan.setUnknown(ctx)...)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	a, diagsA := r.render(ctx, inA)
	if !diagsA.HasError() && !inA.partial && !req.State.Raw.IsNull() {
		// A render that reproduces the prior state exactly (random source A giving what
		// crypto/rand gave at the last apply) depends on no value generated now: nothing changes,
		// and a second render could only agree.
		unchanged := plan
		resp.Diagnostics.Append(unchanged.setRendered(ctx, a, a, inA.labels, r.provider.settings.Target)...)
		if unchanged.computedEqual(&state) {
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &unchanged)...)
			return
		}
	}
	inB, diags := r.renderInput(ctx, &plan, prior, variants[1].name, variants[1].random)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	b, diagsB := r.render(ctx, inB)
	if diagsA.HasError() || diagsB.HasError() {
		if inA.partial {
			resp.Diagnostics.Append(plan.setUnknown(ctx)...)
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		resp.Diagnostics.Append(diagsA...)
		return
	}
	if inA.partial && (a.SecrecyUnsettled || b.SecrecyUnsettled) {
		// Where a value goes depends on whether it holds a password, unknown yet: decide at apply.
		resp.Diagnostics.Append(plan.setUnknown(ctx)...)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(plan.setRendered(ctx, a, b, inA.labels, r.provider.settings.Target)...)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// reproducesState tells whether rendering the configuration a state holds (with plan random
// source A) gives back every computed value it holds: then a plan that changes no argument changes
// nothing (see server.PlanResourceChange). Any diagnostic, a warning included, answers false, so
// that the framework's full plan reports it.
func (r *projectResource) reproducesState(ctx context.Context, state projectResourceModel) bool {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	prior, err := priorWorkloadState(state.State)
	if err != nil {
		return false
	}
	variant := planVariants()[0]
	in, diags := r.renderInput(ctx, &state, prior, variant.name, variant.random)
	if len(diags) > 0 || !in.known || in.partial {
		return false
	}
	out, diags := r.render(ctx, in)
	if len(diags) > 0 {
		return false
	}
	again := state
	if diags := again.setRendered(ctx, out, out, in.labels, r.provider.settings.Target); len(diags) > 0 {
		return false
	}
	return again.computedEqual(&state)
}

// computedEqual tells whether m's computed attributes equal o's.
func (m *projectResourceModel) computedEqual(o *projectResourceModel) bool {
	return m.Manifests.Equal(o.Manifests) && m.SecretManifests.Equal(o.SecretManifests) &&
		m.ComposeYAML.Equal(o.ComposeYAML) && m.ComposeEnv.Equal(o.ComposeEnv) && m.Files.Equal(o.Files) &&
		m.SecretFiles.Equal(o.SecretFiles) && m.BinaryFiles.Equal(o.BinaryFiles) &&
		m.ResourceOutputs.Equal(o.ResourceOutputs) && m.State.Equal(o.State) && m.Workloads.Equal(o.Workloads)
}

// setUnknown plans every computed attribute as unknown.
func (m *projectResourceModel) setUnknown(ctx context.Context) diag.Diagnostics {
	m.artifactsModel = unknownArtifacts()
	m.BinaryFiles = types.MapUnknown(types.StringType)
	m.ResourceOutputs = types.MapUnknown(projectResourceOutputsType)
	m.State = types.StringUnknown()
	return m.setWorkloadServices(ctx, func(string) (types.String, types.Object) {
		return types.StringUnknown(), types.ObjectUnknown(workloadServiceType.AttrTypes)
	})
}

// setWorkloadServices sets each `workloads` entry's name and service from what of gives for its
// label (when `workloads` is known).
func (m *projectResourceModel) setWorkloadServices(ctx context.Context, of func(label string) (types.String, types.Object)) diag.Diagnostics {
	if m.Workloads.IsUnknown() || m.Workloads.IsNull() {
		return nil
	}
	entries, diags := projectWorkloads(ctx, m.Workloads)
	if diags.HasError() {
		return diags
	}
	for label, e := range entries {
		e.Name, e.Service = of(label)
		entries[label] = e
	}
	v, d := types.MapValueFrom(ctx, projectWorkloadType, entries)
	diags.Append(d...)
	m.Workloads = v
	return diags
}

// setRendered sets the computed attributes from two renders (the same one twice at apply).
func (m *projectResourceModel) setRendered(ctx context.Context, a, b *engine.Project, labels map[string]string, t targets.Target) diag.Diagnostics {
	m.artifactsModel = artifactsKnownIfEqual(a.Artifacts, b.Artifacts, t)
	m.BinaryFiles = types.MapNull(types.StringType)
	if t == targets.Compose {
		m.BinaryFiles = mapKnownIfEqual(a.BinaryFiles, b.BinaryFiles)
	}
	var diags diag.Diagnostics
	byLabel := map[string]string{}
	for name, label := range labels {
		byLabel[label] = name
	}
	diags.Append(m.setWorkloadServices(ctx, func(label string) (types.String, types.Object) {
		name := byLabel[label]
		return types.StringValue(name), serviceValue(a.Services[name], b.Services[name])
	})...)
	if len(a.ResourceOutputs) != len(b.ResourceOutputs) {
		m.ResourceOutputs = types.MapUnknown(projectResourceOutputsType)
	} else {
		elems := map[string]attr.Value{}
		for uid, ra := range a.ResourceOutputs {
			rb := b.ResourceOutputs[uid]
			obj, d := types.ObjectValue(projectResourceOutputsType.AttrTypes, map[string]attr.Value{
				"outputs": mapKnownIfEqual(ra.Outputs, rb.Outputs), "secrets": mapKnownIfEqual(ra.Secrets, rb.Secrets),
			})
			diags.Append(d...)
			elems[uid] = obj
		}
		ro, d := types.MapValue(projectResourceOutputsType, elems)
		diags.Append(d...)
		m.ResourceOutputs = ro
	}
	sa, errA := encodeState(a.State)
	sb, errB := encodeState(b.State)
	if errA != nil || errB != nil {
		diags.AddError("Cannot encode project state", errors.Join(errA, errB).Error())
		return diags
	}
	m.State = knownIfEqual(sa, sb)
	return diags
}

func (r *projectResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan projectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, engine.State{})...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

func (r *projectResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state projectResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	prior, err := priorWorkloadState(state.State)
	if err != nil {
		resp.Diagnostics.AddError("Corrupt project state", err.Error())
		return
	}
	resp.Diagnostics.Append(r.apply(ctx, &plan, prior)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	}
}

// apply renders for real: generated values come from crypto/rand.
func (r *projectResource) apply(ctx context.Context, m *projectResourceModel, prior engine.State) diag.Diagnostics {
	ctx, cancel := engine.WithProvisioningBudget(ctx)
	defer cancel()
	in, diags := r.renderInput(ctx, m, prior, "apply", crand.Reader)
	if diags.HasError() {
		return diags
	}
	if !in.known || in.partial {
		diags.AddError("Unknown value at apply", "An input of score_project is still unknown at apply time.")
		return diags
	}
	out, d := r.render(ctx, in)
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	diags.Append(m.setRendered(ctx, out, out, in.labels, r.provider.settings.Target)...)
	addProvisionerMessages(&diags, out.Messages)
	return diags
}

// Read keeps the state: the rendered output is a function of the configuration and the state.
func (r *projectResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Delete forgets the project; what it rendered is removed by whoever applied it.
func (r *projectResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// Package resources resolves a workload's resources: those the caller binds (to a score_resource,
// another provider's values or another workload) are taken as given, the others are provisioned
// in dependency order with placeholders in their params resolved from the resources before them.
// It then resolves the workload's own references against the results.
package resources

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/score-spec/score-go/framework"
	"github.com/score-spec/score-go/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Binding supplies a resource's values instead of provisioning it.
type Binding struct {
	// UID identifies the resource (for volume sources and compose variable names); empty means
	// the uid the score file implies.
	UID     string
	Outputs map[string]string
	Secrets map[string]string
}

// Input is everything needed to resolve a workload's resources.
type Input struct {
	Workload *loader.Workload
	Bindings map[string]Binding
	Library  *provisioner.Library
	Options  provisioner.Options
	// Base is what every provisioning request carries from the provider settings (namespace,
	// compose project name, mounts directory); each resource's request starts from it.
	Base provisioner.Request
	// WorkloadServices are the other workloads' services; the workload's own is added.
	WorkloadServices map[string]provisioner.WorkloadService
	// Prior is what earlier runs stored, by uid, and the shared state they left.
	Prior       map[string]provisioner.Stored
	PriorShared map[string]any
	Random      io.Reader
}

// Resource is one resolved resource.
type Resource struct {
	Name    string
	UID     string
	Type    string
	Outputs map[string]any
	// Secret tells which top-level output keys are secret.
	Secret map[string]bool
	// Environment is set for a local-env:// resource: references are deferred variables.
	Environment bool
	// Provisioned is the provisioning result for a resource provisioned here; nil when bound.
	Provisioned *provisioner.Result
	// ProvisionerURI is the provisioner that provisioned it.
	ProvisionerURI string
}

// Result is the resolved resources of a workload.
type Result struct {
	Workload string
	Metadata map[string]any
	// Resources by name, and Order: their names in provisioning (dependency) order.
	Resources map[string]*Resource
	Order     []string
	// Stored is what resources provisioned here keep, by uid; Shared is the shared state.
	Stored map[string]provisioner.Stored
	Shared map[string]any
	// Budget bounds the placeholder expansion of the whole workload: resource params here, then
	// the renderer's variables, files and volume sources.
	Budget *placeholder.Budget
}

// Resolve binds or provisions every resource of the workload, in dependency order. Problems name
// the resource path in the score file; with them comes what was resolved before them, so the
// caller knows every secret value that could appear in a message.
func Resolve(ctx context.Context, in Input) (*Result, error) {
	spec := in.Workload.Spec
	name := in.Workload.Name()
	res := &Result{
		Workload: name, Metadata: spec.Metadata, Resources: map[string]*Resource{},
		Stored: map[string]provisioner.Stored{}, Shared: cloneShared(in.PriorShared),
		Budget: placeholder.NewBudget(),
	}
	problems := unboundBindings(in)
	order, err := dependencyOrder(spec.Resources)
	if err != nil {
		problems.Add([]string{"resources"}, err.Error())
	}
	res.Order = order
	services := withOwnService(in)
	for _, rname := range order {
		if p := res.resolve(ctx, in, services, rname); len(p) > 0 {
			problems = append(problems, p...)
			if res.Budget.Spent() {
				break // nothing after this can be expanded
			}
		}
	}
	if len(problems) > 0 {
		return res, problems
	}
	return res, nil
}

// unboundBindings reports bindings for resources the score file does not declare.
func unboundBindings(in Input) problem.List {
	var problems problem.List
	for bound := range in.Bindings {
		if _, declared := in.Workload.Spec.Resources[bound]; !declared {
			problems.Add([]string{"resources", bound}, fmt.Sprintf("a binding is given for resource %q, which the score file does not declare", bound))
		}
	}
	return problems
}

// withOwnService is the workload services templates see: the other workloads' and this one's.
func withOwnService(in Input) map[string]provisioner.WorkloadService {
	services := map[string]provisioner.WorkloadService{}
	for k, v := range in.WorkloadServices {
		services[k] = v
	}
	services[in.Workload.Name()] = OwnService(in.Workload, in.Options.Target)
	return services
}

// resolve binds or provisions resource rname, after the resources it depends on.
func (res *Result) resolve(ctx context.Context, in Input, services map[string]provisioner.WorkloadService, rname string) problem.List {
	r := in.Workload.Spec.Resources[rname]
	uid := in.Workload.ResourceUID(rname)
	path := []string{"resources", rname}
	var problems problem.List
	if b, ok := in.Bindings[rname]; ok {
		res.Resources[rname] = bound(rname, uid, r.Type, b)
		return nil
	}
	if r.Id != nil {
		problems.Add(path, fmt.Sprintf("resource %q is shared (id %q, uid %s): it is never provisioned inside one workload; declare one score_resource for it and bind it in this workload's resources", rname, *r.Id, uid))
		return problems
	}
	if in.Library == nil {
		problems.Add(path, "no provisioners are configured (is the provider's target set?)")
		return problems
	}
	params, paramProblems := res.expandParams(map[string]any(r.Params), path)
	if len(paramProblems) > 0 {
		return paramProblems
	}
	def, err := in.Library.Match(string(uid), uid.Type(), uid.Class(), uid.Id())
	if err != nil {
		problems.Add(path, err.Error())
		return problems
	}
	req := in.Base
	req.UID, req.Type, req.Class, req.ID = string(uid), uid.Type(), uid.Class(), uid.Id()
	req.Params, req.Metadata = params, map[string]any(r.Metadata)
	req.SourceWorkload, req.WorkloadMetadata, req.WorkloadServices = res.Workload, in.Workload.Spec.Metadata, services
	req.Prior, req.Random = in.Prior[string(uid)], in.Random
	req.Prior.Shared = res.Shared
	out, err := provisioner.Provision(ctx, def, req, in.Options)
	if err != nil {
		problems.Add(path, err.Error())
		return problems
	}
	res.keep(rname, string(uid), r.Type, def.URI, out)
	return nil
}

// expandParams resolves the placeholders in a resource's params against the resources before it.
func (res *Result) expandParams(params map[string]any, path []string) (map[string]any, problem.List) {
	var problems problem.List
	expanded, _ := placeholder.ExpandValue(params, append(path, "params"), func(s string) (string, error) {
		return res.Budget.Expand(s, res.Immediate)
	}, &problems).(map[string]any)
	return expanded, problems
}

// keep records a provisioned resource: its outputs, and what it stores (shared state once).
func (res *Result) keep(rname, uid, resType, uri string, out *provisioner.Result) {
	res.Shared = out.Stored.Shared
	stored := out.Stored
	stored.Shared = nil // kept once, in Result.Shared
	res.Stored[uid] = stored
	secret := map[string]bool{}
	for _, k := range out.SecretOutputs {
		secret[k] = true
	}
	res.Resources[rname] = &Resource{
		Name: rname, UID: uid, Type: resType, Outputs: out.Outputs, Secret: secret,
		Environment: out.Environment, Provisioned: out, ProvisionerURI: uri,
	}
}

func bound(name string, uid framework.ResourceUid, resType string, b Binding) *Resource {
	r := &Resource{Name: name, UID: b.UID, Type: resType, Outputs: map[string]any{}, Secret: map[string]bool{}}
	if r.UID == "" {
		r.UID = string(uid)
	}
	for k, v := range b.Outputs {
		r.Outputs[k] = decodeNested(v)
	}
	for k, v := range b.Secrets {
		r.Outputs[k] = decodeNested(v)
		r.Secret[k] = true
	}
	return r
}

// decodeNested turns a JSON object or list held in a string (how nested outputs travel through
// Terraform) back into values, so ${resources.x.nested.key} works on bound outputs too.
func decodeNested(s string) any {
	t := strings.TrimSpace(s)
	if len(t) < 2 || (t[0] != '{' && t[0] != '[') {
		return s
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return s
	}
	return v
}

// OwnService is the workload's service as other workloads and templates see it.
func OwnService(w *loader.Workload, target targets.Target) provisioner.WorkloadService {
	ws := provisioner.WorkloadService{ServiceName: ServiceName(w, target), Ports: map[string]provisioner.ServicePort{}}
	for _, p := range ServicePorts(w) {
		ws.AddPort(p)
	}
	return ws
}

// ServicePorts are the ports the workload's service declares, by name, with Score's defaults:
// the one reading of `service.ports`.
func ServicePorts(w *loader.Workload) map[string]provisioner.ServicePort {
	out := map[string]provisioner.ServicePort{}
	if w.Spec.Service == nil {
		return out
	}
	for pname, p := range w.Spec.Service.Ports {
		sp := provisioner.ServicePort{Name: pname, Port: p.Port}
		if p.TargetPort != nil {
			sp.TargetPort = *p.TargetPort
		}
		if p.Protocol != nil {
			sp.Protocol = string(*p.Protocol)
		}
		out[pname] = sp.WithDefaults()
	}
	return out
}

// ServiceNameAnnotation overrides the Kubernetes Service name (score-k8s's annotation).
const ServiceNameAnnotation = "k8s.score.dev/service-name"

// ServiceName is the host name other workloads reach this one by: the workload name, or for
// Kubernetes the k8s.score.dev/service-name annotation when set.
func ServiceName(w *loader.Workload, target targets.Target) string {
	name := w.Name()
	if target == targets.Kubernetes {
		if ann, ok := w.Spec.Metadata["annotations"].(map[string]any); ok {
			if s, ok := ann[ServiceNameAnnotation].(string); ok && s != "" {
				return s
			}
		}
	}
	return name
}

// dependencyOrder sorts resources so each comes after those its params refer to (Kahn's
// algorithm, each layer sorted by name, so the order is stable).
func dependencyOrder(resources types.WorkloadResources) ([]string, error) {
	deps := map[string]map[string]bool{}
	for name, r := range resources {
		deps[name] = map[string]bool{}
		var walk func(v any)
		walk = func(v any) {
			switch t := v.(type) {
			case string:
				refs, _ := placeholder.Scan(t)
				for _, ref := range refs {
					parts := placeholder.SplitRef(ref)
					if len(parts) > 1 && parts[0] == "resources" && parts[1] != name {
						if _, ok := resources[parts[1]]; ok {
							deps[name][parts[1]] = true
						}
					}
				}
			case map[string]any:
				for _, e := range t {
					walk(e)
				}
			case []any:
				for _, e := range t {
					walk(e)
				}
			}
		}
		walk(map[string]any(r.Params))
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(resources) {
		var layer []string
		for name, d := range deps {
			if done[name] {
				continue
			}
			ready := true
			for dep := range d {
				if !done[dep] {
					ready = false
					break
				}
			}
			if ready {
				layer = append(layer, name)
			}
		}
		if len(layer) == 0 {
			return order, fmt.Errorf("a cycle exists involving resource param placeholders")
		}
		sort.Strings(layer)
		for _, n := range layer {
			done[n] = true
		}
		order = append(order, layer...)
	}
	return order, nil
}

func cloneShared(m map[string]any) map[string]any {
	out := map[string]any{}
	raw, err := json.Marshal(m)
	if err == nil {
		_ = json.Unmarshal(raw, &out)
	}
	return out
}

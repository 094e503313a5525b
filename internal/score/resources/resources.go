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
	// SourceWorkload is the workload whose declaration of the resource counts (in a project, a
	// resource several workloads declare has one).
	SourceWorkload string
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
	name := in.Workload.Name()
	problems := unboundBindings(in)
	bindings := map[string]Binding{}
	for rname, b := range in.Bindings {
		if _, declared := in.Workload.Spec.Resources[rname]; declared {
			bindings[string(in.Workload.ResourceUID(rname))] = b
		}
	}
	p, err := ResolveProject(ctx, ProjectInput{
		Workloads: []*loader.Workload{in.Workload}, Bindings: bindings, Library: in.Library, Options: in.Options,
		Base: in.Base, WorkloadServices: in.WorkloadServices, Prior: in.Prior, PriorShared: in.PriorShared,
		Random: in.Random, SharedMustBeBound: true,
	})
	if projectProblems, ok := err.(Problems); ok {
		problems = append(problems, projectProblems[""]...)
		problems = append(problems, projectProblems[name]...)
	}
	if len(problems) > 0 {
		return p.Workloads[name], problems
	}
	return p.Workloads[name], nil
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

// expandParams resolves the placeholders in a resource's params against the resources before it.
func (res *Result) expandParams(params map[string]any, path []string) (map[string]any, problem.List) {
	var problems problem.List
	expanded, _ := placeholder.ExpandValue(params, append(path, "params"), func(s string) (string, error) {
		return res.Budget.Expand(s, res.Immediate)
	}, &problems).(map[string]any)
	return expanded, problems
}

// provisioned is a resource a provisioner produced.
func provisioned(name, uid, resType, uri string, out *provisioner.Result) *Resource {
	secret := map[string]bool{}
	for _, k := range out.SecretOutputs {
		secret[k] = true
	}
	return &Resource{
		Name: name, UID: uid, Type: resType, Outputs: out.Outputs, Secret: secret,
		Environment: out.Environment, Provisioned: out, ProvisionerURI: uri,
	}
}

func bound(name, uid, resType string, b Binding) *Resource {
	r := &Resource{Name: name, UID: b.UID, Type: resType, Outputs: map[string]any{}, Secret: map[string]bool{}}
	if r.UID == "" {
		r.UID = uid
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

// referencedResources are the names of declared resources that placeholders in v refer to.
func referencedResources(v any, declared types.WorkloadResources) []string {
	var names []string
	switch t := v.(type) {
	case string:
		refs, _ := placeholder.Scan(t)
		for _, ref := range refs {
			parts := placeholder.SplitRef(ref)
			if len(parts) > 1 && parts[0] == "resources" {
				if _, ok := declared[parts[1]]; ok {
					names = append(names, parts[1])
				}
			}
		}
	case map[string]any:
		for _, e := range t {
			names = append(names, referencedResources(e, declared)...)
		}
	case []any:
		for _, e := range t {
			names = append(names, referencedResources(e, declared)...)
		}
	}
	return names
}

// kahn orders the keys of deps so each comes after the keys it depends on (Kahn's algorithm,
// each layer sorted, so the order is stable).
func kahn(deps map[string]map[string]bool) ([]string, error) {
	var order []string
	done := map[string]bool{}
	for len(order) < len(deps) {
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

package resources

import (
	"context"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
)

// ProjectInput is everything needed to resolve the resources of several workloads together, as
// one score-compose or score-k8s project: every resource uid is provisioned once, whichever
// workloads declare it.
type ProjectInput struct {
	// Workloads have distinct names.
	Workloads []*loader.Workload
	// Bindings supply resources by uid instead of provisioning them.
	Bindings map[string]Binding
	Library  *provisioner.Library
	Options  provisioner.Options
	// Base is what every provisioning request carries from the provider settings.
	Base provisioner.Request
	// WorkloadServices are services outside the project; each project workload's own is added.
	WorkloadServices map[string]provisioner.WorkloadService
	// Prior is what earlier runs stored, by uid, and the shared state they left.
	Prior       map[string]provisioner.Stored
	PriorShared map[string]any
	Random      io.Reader
	// SharedMustBeBound refuses to provision a resource with an id: outside a project, a shared
	// resource is one score_resource that every workload binds.
	SharedMustBeBound bool
}

// Project is the resolved resources of a project's workloads.
type Project struct {
	// Workloads are each workload's resolved resources, by workload name. A resource several
	// workloads declare (one uid) is provisioned once and seen by each under its own name.
	Workloads map[string]*Result
	// Order lists the uids in provisioning order; Resources has each, as its source workload
	// declares it.
	Order     []string
	Resources map[string]*Resource
	// Stored is what provisioned resources keep, by uid; Shared is the shared state.
	Stored map[string]provisioner.Stored
	Shared map[string]any
}

// Problems are what is wrong with a project's resources, by workload name ("" for the project).
type Problems map[string]problem.List

func (p Problems) Error() string {
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(p)) {
		for _, pr := range p[name] {
			if name == "" {
				lines = append(lines, pr.Error())
			} else {
				lines = append(lines, fmt.Sprintf("workload %q: %s", name, pr.Error()))
			}
		}
	}
	return strings.Join(lines, "\n")
}

func (p Problems) add(workload string, list ...problem.Problem) {
	p[workload] = append(p[workload], list...)
}

// declaration is one workload's resource declaring a uid.
type declaration struct {
	workload *loader.Workload
	name     string
}

// resolution is one uid being resolved: who declares it and whose declaration counts.
type resolution struct {
	uid       string
	declarers []declaration
	source    declaration
	binding   *Binding
	dependsOn map[string]bool
}

// ResolveProject binds or provisions every resource uid of the project once, in dependency order
// (layers sorted by uid, as score-compose and score-k8s do). A resource's params are expanded in
// its source workload: the last declaring workload (by name) that gives params, else the first.
func ResolveProject(ctx context.Context, in ProjectInput) (*Project, error) {
	workloads := slices.SortedFunc(slices.Values(in.Workloads), func(a, b *loader.Workload) int {
		return strings.Compare(a.Name(), b.Name())
	})
	problems := Problems{}
	uids := declarations(workloads, in.Bindings, problems)
	order, err := uidOrder(uids)
	if err != nil {
		problems.add("", problem.Problem{Message: err.Error()})
	}
	p := &Project{
		Workloads: map[string]*Result{}, Order: order, Resources: map[string]*Resource{},
		Stored: map[string]provisioner.Stored{}, Shared: pruneShared(in.PriorShared, in.Prior, uids),
	}
	services := maps.Clone(in.WorkloadServices)
	if services == nil {
		services = map[string]provisioner.WorkloadService{}
	}
	for _, w := range workloads {
		services[w.Name()] = OwnService(w, in.Options.Target)
		p.Workloads[w.Name()] = &Result{
			Workload: w.Name(), Metadata: w.Spec.Metadata, Resources: map[string]*Resource{},
			Stored: p.Stored, Budget: placeholder.NewBudget(),
		}
	}
	for _, uid := range order {
		r := uids[uid]
		src := p.Workloads[r.source.workload.Name()]
		resolved, list := p.resolve(ctx, in, services, r, src)
		if len(list) > 0 {
			problems.add(src.Workload, list...)
			continue
		}
		resolved.SourceWorkload = src.Workload
		p.Resources[uid] = resolved
		for _, d := range r.declarers {
			seen := *resolved
			seen.Name = d.name
			p.Workloads[d.workload.Name()].Resources[d.name] = &seen
		}
	}
	for _, w := range workloads {
		res := p.Workloads[w.Name()]
		res.Shared = p.Shared
		for _, uid := range order {
			for _, d := range uids[uid].declarers {
				if d.workload == w {
					res.Order = append(res.Order, d.name)
				}
			}
		}
	}
	if len(problems) > 0 {
		return p, problems
	}
	return p, nil
}

// declarations groups the workloads' resources by uid and picks each uid's source workload.
func declarations(workloads []*loader.Workload, bindings map[string]Binding, problems Problems) map[string]*resolution {
	uids := map[string]*resolution{}
	for _, w := range workloads {
		for _, name := range slices.Sorted(maps.Keys(w.Spec.Resources)) {
			uid := string(w.ResourceUID(name))
			r := uids[uid]
			if r == nil {
				r = &resolution{uid: uid, source: declaration{w, name}}
				uids[uid] = r
			}
			r.declarers = append(r.declarers, declaration{w, name})
		}
	}
	for uid, r := range uids {
		r.pickSource(problems)
		if b, ok := bindings[uid]; ok {
			if b.UID == "" {
				b.UID = uid
			}
			r.binding = &b
		}
	}
	for uid := range bindings {
		if _, declared := uids[uid]; !declared {
			problems.add("", problem.Problem{Path: []string{"resources", uid}, Message: fmt.Sprintf("a binding is given for resource uid %q, which no workload declares%s", uid, suggestUID(uid, uids))})
		}
	}
	for _, r := range uids {
		r.dependsOn = paramDependencies(r.source, uids)
	}
	return uids
}

// pickSource is score-go's rule: the last declaration with params counts, else the first; two
// declarations with different params (or metadata) are a problem.
func (r *resolution) pickSource(problems Problems) {
	var withParams []declaration
	for _, d := range r.declarers {
		if d.workload.Spec.Resources[d.name].Params != nil {
			withParams = append(withParams, d)
		}
	}
	if len(withParams) > 0 {
		r.source = withParams[len(withParams)-1]
	}
	first := r.source.workload.Spec.Resources[r.source.name]
	for _, d := range r.declarers {
		other := d.workload.Spec.Resources[d.name]
		paramsDiffer := other.Params != nil && !reflect.DeepEqual(other.Params, first.Params)
		metadataDiffer := other.Metadata != nil && first.Metadata != nil && !reflect.DeepEqual(other.Metadata, first.Metadata)
		if paramsDiffer || metadataDiffer {
			problems.add(d.workload.Name(), problem.Problem{Path: []string{"resources", d.name}, Message: fmt.Sprintf(
				"resource '%s' is also declared by workload %q (as %q) with different params or metadata: a shared resource has one definition",
				r.uid, r.source.workload.Name(), r.source.name)})
		}
	}
}

// suggestUID names the declared uid closest to a mistyped one, if any.
func suggestUID(uid string, uids map[string]*resolution) string {
	typ, _, _ := strings.Cut(uid, ".")
	var same []string
	for u := range uids {
		if strings.HasPrefix(u, typ+".") {
			same = append(same, u)
		}
	}
	if len(same) == 0 {
		return ""
	}
	sort.Strings(same)
	return fmt.Sprintf(" (declared uids of type %s: %s)", typ, strings.Join(same, ", "))
}

// paramDependencies are the uids the source declaration's params refer to.
func paramDependencies(src declaration, uids map[string]*resolution) map[string]bool {
	deps := map[string]bool{}
	for _, name := range referencedResources(map[string]any(src.workload.Spec.Resources[src.name].Params), src.workload.Spec.Resources) {
		if name != src.name {
			deps[string(src.workload.ResourceUID(name))] = true
		}
	}
	for dep := range deps {
		if _, ok := uids[dep]; !ok {
			delete(deps, dep)
		}
	}
	return deps
}

// uidOrder sorts uids so each comes after those its params refer to (Kahn's algorithm, each
// layer sorted, so the order is stable).
func uidOrder(uids map[string]*resolution) ([]string, error) {
	deps := make(map[string]map[string]bool, len(uids))
	for uid, r := range uids {
		deps[uid] = r.dependsOn
	}
	return kahn(deps)
}

// resolve binds or provisions one uid in the context of its source workload.
func (p *Project) resolve(ctx context.Context, in ProjectInput, services map[string]provisioner.WorkloadService, r *resolution, src *Result) (*Resource, problem.List) {
	decl := r.source.workload.Spec.Resources[r.source.name]
	path := []string{"resources", r.source.name}
	var problems problem.List
	if r.binding != nil {
		return bound(r.source.name, r.uid, decl.Type, *r.binding), nil
	}
	if decl.Id != nil && in.SharedMustBeBound {
		problems.Add(path, fmt.Sprintf("resource %q is shared (id %q, uid %s): it is never provisioned inside one workload; declare one score_resource for it and bind it in this workload's resources", r.source.name, *decl.Id, r.uid))
		return nil, problems
	}
	if in.Library == nil {
		problems.Add(path, "no provisioners are configured (is the provider's target set?)")
		return nil, problems
	}
	params, paramProblems := src.expandParams(map[string]any(decl.Params), path)
	if len(paramProblems) > 0 {
		return nil, paramProblems
	}
	uid := r.source.workload.ResourceUID(r.source.name)
	def, err := in.Library.Match(r.uid, uid.Type(), uid.Class(), uid.Id())
	if err != nil {
		problems.Add(path, err.Error())
		return nil, problems
	}
	req := in.Base
	req.UID, req.Type, req.Class, req.ID = r.uid, uid.Type(), uid.Class(), uid.Id()
	req.Params, req.Metadata = params, map[string]any(decl.Metadata)
	req.SourceWorkload, req.WorkloadMetadata, req.WorkloadServices = src.Workload, r.source.workload.Spec.Metadata, services
	req.Prior, req.Random = in.Prior[r.uid], in.Random
	req.Prior.Shared = p.Shared
	out, err := provisioner.Provision(ctx, def, req, in.Options)
	if err != nil {
		problems.Add(path, err.Error())
		return nil, problems
	}
	p.Shared = out.Stored.Shared
	stored := out.Stored
	stored.Shared = nil // kept once, in Project.Shared
	p.Stored[r.uid] = stored
	return provisioned(r.source.name, r.uid, decl.Type, def.URI, out), nil
}

// pruneShared is the prior shared state without what belongs to resources that are gone: any
// entry keyed by the uid of a resource the prior run stored and no workload declares now (the
// shared router's route of a removed workload), and any map left empty by that.
func pruneShared(shared map[string]any, prior map[string]provisioner.Stored, declared map[string]*resolution) map[string]any {
	gone := map[string]bool{}
	for uid := range prior {
		if _, ok := declared[uid]; !ok {
			gone[uid] = true
		}
	}
	out := cloneShared(shared)
	if len(gone) > 0 {
		prune(out, gone)
	}
	return out
}

// prune deletes the keys of m (at any depth) that are in gone, and maps emptied by it.
func prune(m map[string]any, gone map[string]bool) {
	for k, v := range m {
		if gone[k] {
			delete(m, k)
			continue
		}
		if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
			prune(sub, gone)
			if len(sub) == 0 {
				delete(m, k)
			}
		}
	}
}

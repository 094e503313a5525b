package engine

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// ProjectRequest is a project's workloads and what rendering them together depends on besides
// the settings: what `score-compose generate` / `score-k8s generate` do with several files.
type ProjectRequest struct {
	// Workloads have distinct names.
	Workloads []*loader.Workload
	// Bindings supply resources by uid instead of provisioning them.
	Bindings map[string]Binding
	// Prior is what the previous run stored.
	Prior State
	// Random is where generated values come from.
	Random io.Reader
	// Namespace (kubernetes), when set, replaces the settings' namespace; GenerateNamespace adds
	// a Namespace object for it.
	Namespace         string
	GenerateNamespace bool
	// Publish (compose) publishes container ports on host ports.
	Publish []Publish
	// Builds (compose) build containers' images from a context instead of pulling them.
	Builds []Build
	// PatchTemplates run after the provider's, in order, on the whole project.
	PatchTemplates []string
}

// Project is a rendered project.
type Project struct {
	Artifacts
	// BinaryFiles (compose) are files that are not text, base64-encoded, by relative path.
	BinaryFiles map[string]string
	// Services are how each workload is reached, by workload name.
	Services map[string]Service
	// ResourceOutputs are the outputs of the resources provisioned in the project, by uid.
	ResourceOutputs map[string]ResourceOutputs
	State           State
	// SecrecyUnsettled: as Workload's.
	SecrecyUnsettled bool
	// Messages are what the render could not honour and what provisioners had to say, secrets
	// hidden, each naming its workload or resource.
	Messages []string
}

// ProjectProblems is the error RenderProject returns for problems in score files: by workload
// name ("" for the project as a whole), each with its path in that workload's score file.
type ProjectProblems = resources.Problems

// RenderProject provisions every resource uid of the workloads once and renders them together
// for the settings' target.
func RenderProject(ctx context.Context, s Settings, req ProjectRequest) (*Project, error) {
	if !s.CanProvision() {
		return nil, fmt.Errorf("no target is set, so nothing can be rendered")
	}
	if err := checkProject(s, req); err != nil {
		return nil, err
	}
	steps, err := s.patchSteps(req.PatchTemplates)
	if err != nil {
		return nil, err
	}
	if req.Namespace != "" {
		s.Namespace = req.Namespace
	}
	res, err := resources.ResolveProject(ctx, resources.ProjectInput{
		Workloads: req.Workloads, Bindings: req.Bindings, Library: s.library, Options: s.options(),
		Base: s.baseRequest(), Prior: req.Prior.Resources, PriorShared: req.Prior.Shared, Random: req.Random,
	})
	known := req.knownSecrets(res)
	if err != nil {
		return nil, hideSecrets(err, known)
	}
	out := &Project{State: State{Resources: res.Stored, Shared: res.Shared}, Services: map[string]Service{}}
	switch s.Target {
	case targets.Kubernetes:
		err = out.renderKubernetes(ctx, s, req, res, steps)
	case targets.Compose:
		err = out.renderCompose(ctx, s, req, res, steps)
	}
	if err != nil {
		return nil, hideSecrets(err, known)
	}
	for _, w := range req.Workloads {
		out.Services[w.Name()] = serviceOf(w, s.Target)
	}
	var unresolved []string
	if out.ResourceOutputs, unresolved, err = resourceOutputs(res.Resources); err != nil {
		return nil, hideSecrets(err, known)
	}
	out.Messages = append(out.Messages, unresolved...)
	for _, uid := range res.Order {
		if r := res.Resources[uid]; r.Provisioned != nil {
			out.SecrecyUnsettled = out.SecrecyUnsettled || r.Provisioned.SecrecyUnsettled
			out.Messages = append(out.Messages, hideAll(known, r.Provisioned.Warnings)...)
			out.Messages = append(out.Messages, hideAll(known, r.Provisioned.InfoLogs)...)
		}
	}
	return out, nil
}

// checkProject reports what no render can fix: two workloads with one name, and target-only
// options given for the other target.
func checkProject(s Settings, req ProjectRequest) error {
	names := map[string]bool{}
	for _, w := range req.Workloads {
		if names[w.Name()] {
			return fmt.Errorf("two workloads are named %q: workload names must be unique in a project", w.Name())
		}
		names[w.Name()] = true
	}
	wrongTarget := func(option string, target targets.Target) error {
		return &OptionError{Option: option, Index: -1, Err: fmt.Errorf("%s is for the %s target; the provider's target is %s", option, target, s.Target)}
	}
	switch {
	case s.Target != targets.Compose && len(req.Publish) > 0:
		return wrongTarget("publish", targets.Compose)
	case s.Target != targets.Compose && len(req.Builds) > 0:
		return wrongTarget("build", targets.Compose)
	case s.Target != targets.Kubernetes && req.Namespace != "":
		return wrongTarget("namespace", targets.Kubernetes)
	case s.Target != targets.Kubernetes && req.GenerateNamespace:
		return wrongTarget("generate_namespace", targets.Kubernetes)
	case req.GenerateNamespace && req.Namespace == "" && s.Namespace == "":
		return &OptionError{Option: "generate_namespace", Index: -1, Err: fmt.Errorf("generate_namespace needs a namespace (the project's or the provider's)")}
	}
	return nil
}

// renderKubernetes collects the resources' objects (in provisioning order) and each workload's
// own, and encodes them.
func (out *Project) renderKubernetes(ctx context.Context, s Settings, req ProjectRequest, res *resources.Project, steps []patchStep) error {
	objs := kubernetes.NewObjects()
	problems := ProjectProblems{}
	for _, uid := range res.Order {
		if r := res.Resources[uid]; r.Provisioned != nil {
			if err := objs.AddResource(uid, r.Provisioned.Manifests, r.Provisioned.SharedInstance); err != nil {
				problems[r.SourceWorkload] = append(problems[r.SourceWorkload], problem.Problem{Path: []string{"resources", r.Name}, Message: err.Error()})
			}
		}
	}
	for _, w := range sortedWorkloads(req.Workloads) {
		own, err := kubernetes.WorkloadObjects(kubernetes.WorkloadInput{Workload: w, Resources: res.Workloads[w.Name()], Namespace: s.Namespace})
		if err == nil {
			err = objs.AddWorkload(w.Name(), own)
		}
		if err != nil {
			problems[w.Name()] = asProblems(err)
		}
	}
	if len(problems) > 0 {
		return problems
	}
	if req.GenerateNamespace {
		objs.AddNamespace(s.Namespace)
	}
	var rendered kubernetes.Rendered
	var err error
	if len(steps) == 0 {
		rendered, err = objs.Encode(s.Namespace, projectSecretValues(res))
	} else {
		rendered, err = patchKubernetes(ctx, steps, objs, s.Namespace, workloadSpecs(req.Workloads...), projectSecretValues(res))
	}
	if err != nil {
		return err
	}
	out.Manifests, out.SecretManifests = rendered.Manifests, rendered.Secrets
	return nil
}

// projectSecretValues are the secret values of every resource of the project.
func projectSecretValues(res *resources.Project) secret.Values {
	var v secret.Values
	for _, name := range slices.Sorted(maps.Keys(res.Workloads)) {
		v.Merge(res.Workloads[name].SecretValues())
	}
	return v
}

// sortedWorkloads are the workloads by name.
func sortedWorkloads(ws []*loader.Workload) []*loader.Workload {
	return slices.SortedFunc(slices.Values(ws), func(a, b *loader.Workload) int {
		return strings.Compare(a.Name(), b.Name())
	})
}

// asProblems is err as a problem list (a single problem for the whole file when it is not one).
func asProblems(err error) problem.List {
	if list, ok := err.(problem.List); ok {
		return list
	}
	return problem.List{{Message: err.Error()}}
}

// knownSecrets are the secret values a project's rendering knows: bound secrets, what its
// resources stored under secret names, and the secret outputs resolved so far (res may be nil).
func (req ProjectRequest) knownSecrets(res *resources.Project) secret.Values {
	wr := WorkloadRequest{Bindings: req.Bindings, Prior: req.Prior}
	v := wr.knownSecrets(nil)
	if res != nil {
		v.Merge(projectSecretValues(res))
		addStored(&v, res.Stored, res.Shared)
	}
	return v
}

// Package engine is the one front door to the Score engine: the provider builds Settings from its
// configuration once, then renders workloads (RenderWorkload) and provisions resources
// (ProvisionResource) through it, and gets plain values back. It orchestrates the packages
// below it (resources, provisioner, render) so that no caller has to know their order.
package engine

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// The values callers exchange with the engine, under the engine's name so callers import only it.
type (
	// Binding supplies a resource's values instead of provisioning it.
	Binding = resources.Binding
	// WorkloadService is how other workloads are reached (templates' .WorkloadServices).
	WorkloadService = provisioner.WorkloadService
	// ServicePort is one port of a workload's service.
	ServicePort = provisioner.ServicePort
	// ResourceState is what a resource keeps between runs (its generated values).
	ResourceState = provisioner.Stored
	// Artifacts are what a target consumes.
	Artifacts = render.Artifacts
	// RenderedResource is a resource's outputs, split by secrecy, and its artifacts.
	RenderedResource = render.Resource
	// Problems is the error RenderWorkload returns for problems in the score file, each with its
	// path in the file.
	Problems = problem.List
)

// WorkloadRequest is a loaded workload and what its rendering depends on besides the settings.
type WorkloadRequest struct {
	Workload *loader.Workload
	// Bindings supply resources by name; the others are provisioned inside the workload.
	Bindings map[string]Binding
	// WorkloadServices are the other workloads' services, by workload name.
	WorkloadServices map[string]WorkloadService
	// Prior is what the previous run stored.
	Prior State
	// Random is where generated values come from.
	Random io.Reader
}

// State is what a workload or a project keeps between runs: the stored state of the resources it
// provisioned, by uid, and the shared state.
type State struct {
	Resources map[string]ResourceState `json:"resources"`
	Shared    map[string]any           `json:"shared"`
}

// Workload is a rendered workload.
type Workload struct {
	Name string
	Artifacts
	// BinaryFiles (compose) are files that are not text, base64-encoded, by relative path.
	BinaryFiles map[string]string
	// Service is how other workloads reach this one.
	Service Service
	// ResourceOutputs are the outputs of the resources provisioned inside the workload, by name.
	ResourceOutputs map[string]ResourceOutputs
	State           State
	// SecrecyUnsettled is set when whether an output is secret depends on a value a stand-in
	// for an unknown binding value replaced (see StandInPrefix): a plan cannot know where the
	// value goes (outputs or secrets, a ConfigMap or a Secret).
	SecrecyUnsettled bool
	// Messages are what the render could not honour (compose: an httpGet probe that is no
	// healthcheck; params a provisioner does not read) and what the provisioners had to say
	// (compose `info_logs`), secrets hidden.
	Messages []string
}

// Service is a workload's service as other workloads see it.
type Service struct {
	Name     string
	Hostname string
	Ports    map[string]ServicePort
}

// ResourceOutputs are one provisioned resource's outputs, split by secrecy.
type ResourceOutputs struct {
	UID     string
	Outputs map[string]string
	Secrets map[string]string
}

// RenderWorkload resolves the workload's resources (binding or provisioning each) and renders it
// for the settings' target.
func RenderWorkload(ctx context.Context, s Settings, req WorkloadRequest) (*Workload, error) {
	res, err := resources.Resolve(ctx, resources.Input{
		Workload: req.Workload, Bindings: req.Bindings, Library: s.library, Options: s.options(),
		Base: s.baseRequest(), WorkloadServices: req.WorkloadServices,
		Prior: req.Prior.Resources, PriorShared: req.Prior.Shared, Random: req.Random,
	})
	if err != nil {
		return nil, hideSecrets(err, req.knownSecrets(res))
	}
	out := &Workload{Name: req.Workload.Name(), State: State{Resources: res.Stored, Shared: res.Shared}}
	if err := renderTarget(ctx, s, req.Workload, res, out); err != nil {
		return nil, hideSecrets(err, req.knownSecrets(res))
	}
	out.Service = serviceOf(req.Workload, s.Target)
	var unresolved []string
	if out.ResourceOutputs, unresolved, err = resourceOutputs(res.Resources); err != nil {
		return nil, err
	}
	out.Messages = append(out.Messages, unresolved...)
	known := req.knownSecrets(res)
	for _, name := range res.Order {
		if r := res.Resources[name]; r.Provisioned != nil {
			out.SecrecyUnsettled = out.SecrecyUnsettled || r.Provisioned.SecrecyUnsettled
			out.Messages = append(out.Messages, hideAll(known, r.Provisioned.Warnings)...)
			out.Messages = append(out.Messages, hideAll(known, r.Provisioned.InfoLogs)...)
		}
	}
	return out, nil
}

// renderTarget sets the target's artifacts of out, after the provider's patch templates (whose
// .Workloads holds this one workload).
func renderTarget(ctx context.Context, s Settings, w *loader.Workload, res *resources.Result, out *Workload) error {
	steps, _ := s.patchSteps(nil)
	switch s.Target {
	case targets.Kubernetes:
		in := kubernetes.WorkloadInput{Workload: w, Resources: res, Namespace: s.Namespace}
		var objs kubernetes.Rendered
		var err error
		if len(steps) == 0 {
			objs, err = kubernetes.RenderWorkload(in)
		} else {
			var collected *kubernetes.Objects
			if collected, err = kubernetes.CollectWorkload(in); err == nil {
				objs, err = patchKubernetes(ctx, steps, collected, s.Namespace, workloadSpecs(w), res.SecretValues())
			}
		}
		if err != nil {
			return err
		}
		out.Manifests, out.SecretManifests = objs.Manifests, objs.Secrets
	case targets.Compose:
		in := compose.WorkloadInput{
			Workload: w, Resources: res, ComposeProjectName: s.ComposeProjectName, MountsDirectory: render.MountsDirectory,
		}
		var project compose.Rendered
		var err error
		if len(steps) == 0 {
			project, err = compose.RenderWorkload(in)
		} else {
			var collected *compose.Project
			var warnings []string
			if collected, warnings, err = compose.CollectWorkload(in); err == nil {
				project, err = patchCompose(ctx, steps, collected, s.ComposeProjectName, workloadSpecs(w), nil)
				project.Warnings = warnings
			}
		}
		if err != nil {
			return err
		}
		out.ComposeYAML, out.ComposeEnv, out.Files, out.SecretFiles = project.YAML, project.Env, project.Files, project.SecretFiles
		out.BinaryFiles = project.BinaryFiles
		out.Messages = append(out.Messages, project.Warnings...)
	default:
		return fmt.Errorf("unknown target %q", s.Target)
	}
	return nil
}

// serviceOf is the workload's service as other workloads see it.
func serviceOf(w *loader.Workload, t targets.Target) Service {
	return Service{Name: w.Name(), Hostname: resources.ServiceName(w, t), Ports: ServicePorts(w)}
}

// ServicePorts are the workload's service ports by name, with Score's defaults (the data source
// shows them).
func ServicePorts(w *loader.Workload) map[string]ServicePort {
	return resources.ServicePorts(w)
}

// resourceOutputs are the outputs of the provisioned resources (by name in a workload, by uid in
// a project), as text.
// An output holding a secret reference (encodeSecretRef) is secret and shows what it refers to,
// or is left out, with a message saying why (see provisioner.ResolveSecretRefs).
func resourceOutputs(all map[string]*resources.Resource) (map[string]ResourceOutputs, []string, error) {
	var messages []string
	out := map[string]ResourceOutputs{}
	for _, n := range slices.Sorted(maps.Keys(all)) {
		r := all[n]
		if r.Provisioned == nil {
			continue
		}
		ro := ResourceOutputs{UID: r.UID, Outputs: map[string]string{}, Secrets: map[string]string{}}
		for k, v := range r.Outputs {
			s, err := placeholder.Stringify(v)
			if err != nil {
				return nil, nil, fmt.Errorf("resource %q output %q: %w", n, k, err)
			}
			if provisioner.ContainsSecretRef(s) {
				resolved, unresolved := provisioner.ResolveSecretRefs(s, r.Provisioned.Manifests)
				if len(unresolved) > 0 {
					messages = append(messages, provisioner.UnresolvedSecretRefMessage(fmt.Sprintf("%q", n), k, unresolved))
				} else {
					ro.Secrets[k] = resolved
				}
				continue
			}
			if r.Secret[k] {
				ro.Secrets[k] = s
			} else {
				ro.Outputs[k] = s
			}
		}
		out[n] = ro
	}
	sort.Strings(messages)
	return out, messages, nil
}

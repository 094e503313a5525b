package render

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
)

// WorkloadInput is a loaded workload and everything its rendering depends on.
type WorkloadInput struct {
	Workload         *loader.Workload
	Bindings         map[string]resources.Binding
	WorkloadServices map[string]provisioner.WorkloadService
	Library          *provisioner.Library
	Options          provisioner.Options
	Namespace        string
	ComposeProject   string
	// Prior is what the previous run stored.
	Prior  WorkloadState
	Random io.Reader
}

// WorkloadState is what a workload keeps between runs: its own resources' stored state.
type WorkloadState struct {
	Resources map[string]provisioner.Stored `json:"resources"`
	Shared    map[string]any                `json:"shared"`
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
	State           WorkloadState
}

// Service is a workload's service as other workloads see it.
type Service struct {
	Name     string
	Hostname string
	Ports    map[string]provisioner.ServicePort
}

// ResourceOutputs are one provisioned resource's outputs, split by secrecy.
type ResourceOutputs struct {
	Uid     string
	Outputs map[string]string
	Secrets map[string]string
}

// RenderWorkload resolves the workload's resources and renders it for the target.
func RenderWorkload(ctx context.Context, in WorkloadInput) (*Workload, error) {
	res, err := resources.Resolve(ctx, resources.Input{
		Workload: in.Workload, Bindings: in.Bindings, Library: in.Library, Options: in.Options,
		Namespace: in.Namespace, ComposeProject: in.ComposeProject, MountsDirectory: MountsDirectory,
		WorkloadServices: in.WorkloadServices, Prior: in.Prior.Resources, PriorShared: in.Prior.Shared,
		Random: in.Random,
	})
	if err != nil {
		return nil, err
	}
	name, _ := in.Workload.Spec.Metadata["name"].(string)
	out := &Workload{Name: name, ResourceOutputs: map[string]ResourceOutputs{}, State: WorkloadState{Resources: res.Stored, Shared: res.Shared}}
	switch in.Options.Target {
	case provisioner.Kubernetes:
		objs, err := kubernetes.RenderWorkload(kubernetes.WorkloadInput{Workload: in.Workload, Resources: res, Namespace: in.Namespace})
		if err != nil {
			return nil, err
		}
		out.Manifests, out.SecretManifests = objs.Manifests, objs.Secrets
	case provisioner.Compose:
		project, err := compose.RenderWorkload(compose.WorkloadInput{Workload: in.Workload, Resources: res, Project: in.ComposeProject, MountsDirectory: MountsDirectory})
		if err != nil {
			return nil, err
		}
		out.ComposeYAML, out.ComposeEnv, out.Files, out.SecretFiles = project.YAML, project.Env, project.Files, project.SecretFiles
		out.BinaryFiles = project.BinaryFiles
	default:
		return nil, fmt.Errorf("unknown target %q", in.Options.Target)
	}

	own := resources.OwnService(in.Workload, in.Options.Target)
	out.Service = Service{Name: name, Hostname: own.ServiceName, Ports: map[string]provisioner.ServicePort{}}
	if in.Workload.Spec.Service != nil {
		for pname := range in.Workload.Spec.Service.Ports {
			out.Service.Ports[pname] = own.Ports[pname]
		}
	}
	if err := addResourceOutputs(out.ResourceOutputs, res); err != nil {
		return nil, err
	}
	return out, nil
}

// addResourceOutputs adds the outputs of the resources provisioned inside the workload, split by
// secrecy, by name.
func addResourceOutputs(out map[string]ResourceOutputs, res *resources.Result) error {
	for _, n := range slices.Sorted(maps.Keys(res.Resources)) {
		r := res.Resources[n]
		if r.Provisioned == nil {
			continue
		}
		ro := ResourceOutputs{Uid: r.Uid, Outputs: map[string]string{}, Secrets: map[string]string{}}
		for k, v := range r.Outputs {
			s, err := placeholder.Stringify(v)
			if err != nil {
				return fmt.Errorf("resource %q output %q: %w", n, k, err)
			}
			if r.Secret[k] {
				ro.Secrets[k] = s
			} else {
				ro.Outputs[k] = s
			}
		}
		out[n] = ro
	}
	return nil
}

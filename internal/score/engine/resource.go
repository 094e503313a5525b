package engine

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
)

// ResourceRequest is one resource to provision on its own (not inside a workload).
type ResourceRequest struct {
	Type string
	// Class nil means `default`; ID nil means the resource belongs to SourceWorkload as Name.
	Class *string
	ID    *string
	Name  string
	// SourceWorkload is the workload the resource belongs to, or that declares it.
	SourceWorkload   string
	Params           map[string]any
	Metadata         map[string]any
	WorkloadServices map[string]WorkloadService
	// Prior is what the previous run stored; zero for a new resource.
	Prior ResourceState
	// Random is where generated values come from.
	Random io.Reader
}

// UID is the resource uid: `type.class#id`, or `type.class#source_workload.name`.
func (r ResourceRequest) UID() framework.ResourceUid {
	return framework.NewResourceUid(r.SourceWorkload, r.Name, r.Type, r.Class, r.ID)
}

// Resource is a provisioned resource, rendered for the target.
type Resource struct {
	UID string
	// ProvisionerURI is the provisioner that matched.
	ProvisionerURI string
	// State is what the resource keeps for the next run.
	State ResourceState
	RenderedResource
	// Messages are what provisioning could not honour (params the provisioner does not read) and
	// what the provisioner had to say (compose `info_logs`), secrets hidden.
	Messages []string
}

// Step is the step of ProvisionResource that failed.
type Step int

const (
	// StepMatch: no provisioner matches the resource.
	StepMatch Step = iota + 1
	// StepProvision: the provisioner failed.
	StepProvision
	// StepRender: what the provisioner produced does not render for the target.
	StepRender
)

// Error is a ProvisionResource failure; Step tells callers which one, to word it.
type Error struct {
	Step Step
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// ProvisionResource matches a provisioner, runs it and renders what it produced for the target.
// The settings must have a target (CanProvision).
func ProvisionResource(ctx context.Context, s Settings, req ResourceRequest) (*Resource, error) {
	if !s.CanProvision() {
		return nil, fmt.Errorf("no target is set, so nothing can be provisioned")
	}
	uid := req.UID()
	preq := s.baseRequest()
	preq.UID, preq.Type, preq.Class, preq.ID = string(uid), uid.Type(), uid.Class(), uid.Id()
	preq.Params, preq.Metadata = req.Params, req.Metadata
	preq.SourceWorkload, preq.WorkloadServices = req.SourceWorkload, req.WorkloadServices
	preq.Prior, preq.Random = req.Prior, req.Random
	def, err := s.library.Match(preq.UID, preq.Type, preq.Class, preq.ID)
	if err != nil {
		return nil, &Error{Step: StepMatch, Err: err}
	}
	res, err := provisioner.Provision(ctx, def, preq, s.options())
	if err != nil {
		return nil, &Error{Step: StepProvision, Err: req.knownSecrets().HideError(err)}
	}
	rendered, err := render.RenderResource(preq.UID, res, s.Target, s.Namespace)
	if err != nil {
		known := req.knownSecrets()
		for _, key := range res.SecretOutputs {
			known.AddLeaves(res.Outputs[key])
		}
		return nil, &Error{Step: StepRender, Err: known.HideError(fmt.Errorf("provisioner %s for resource '%s': %w", def.URI, preq.UID, err))}
	}
	known := req.knownSecrets()
	known.AddNamed(res.Stored.State)
	known.Add(slices.Collect(maps.Values(rendered.Secrets))...)
	return &Resource{
		UID: preq.UID, ProvisionerURI: def.URI, State: res.Stored, RenderedResource: *rendered,
		Messages: append(append(hideAll(known, res.Warnings), hideAll(known, res.InfoLogs)...), rendered.Messages...),
	}, nil
}

// ImportedResource is a resource entry of a score-compose or score-k8s state.yaml.
type ImportedResource = provisioner.ImportedResource

// ReadStateFile reads the resource uid from a score-compose or score-k8s state file.
func ReadStateFile(file, uid string) (*ImportedResource, error) {
	return provisioner.ReadStateFile(file, uid)
}

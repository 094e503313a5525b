package provider

import (
	"bytes"
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the provider's protocol 6 server: the framework's, with two shortcuts for
// large states (a score_project of 200 workloads holds a megabyte in thousands of values, and the
// framework walks every value several times per call: seconds per plan):
//   - ReadResource hands the current state back untouched. Every resource of this provider keeps
//     its state on Read: its outputs are a function of the configuration and the state, and
//     nothing outside Terraform exists to refresh from.
//   - PlanResourceChange of a score_project whose arguments did not change (the proposed state is
//     the prior state, byte for byte) and whose render reproduces every value the state holds is
//     answered with the prior state. Anything else (a changed argument, a changed score file, a
//     warning to report) goes to the framework's full plan.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		p := &scoreProvider{version: version}
		return &server{ProviderServer: providerserver.NewProtocol6(p)(), provider: p}
	}
}

// server is the framework's provider server with the shortcuts NewServer describes.
type server struct {
	tfprotov6.ProviderServer
	provider *scoreProvider

	projectSchemaOnce sync.Once
	projectSchema     resource.SchemaResponse
}

func (s *server) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == "score_project" && unchangedArguments(req) && s.projectUnchanged(ctx, req.PriorState) {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.PriorState, PlannedPrivate: req.PriorPrivate}, nil
	}
	return s.ProviderServer.PlanResourceChange(ctx, req)
}

// unchangedArguments tells whether the plan proposes exactly the prior state: no argument changed.
func unchangedArguments(req *tfprotov6.PlanResourceChangeRequest) bool {
	return req.PriorState != nil && req.ProposedNewState != nil && len(req.PriorState.MsgPack) > 0 &&
		bytes.Equal(req.PriorState.MsgPack, req.ProposedNewState.MsgPack)
}

// projectUnchanged tells whether rendering the score_project state's configuration again gives
// the state back (projectResource.reproducesState).
func (s *server) projectUnchanged(ctx context.Context, prior *tfprotov6.DynamicValue) bool {
	data := s.provider.configured.Load()
	if data == nil || !data.known {
		return false
	}
	s.projectSchemaOnce.Do(func() {
		(&projectResource{}).Schema(ctx, resource.SchemaRequest{}, &s.projectSchema)
	})
	if s.projectSchema.Diagnostics.HasError() {
		return false
	}
	raw, err := prior.Unmarshal(s.projectSchema.Schema.Type().TerraformType(ctx))
	if err != nil {
		return false
	}
	var m projectResourceModel
	state := tfsdk.State{Schema: s.projectSchema.Schema, Raw: raw}
	if diags := state.Get(ctx, &m); diags.HasError() {
		return false
	}
	return (&projectResource{provider: data}).reproducesState(ctx, m)
}

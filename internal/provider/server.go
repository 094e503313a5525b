package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the provider's protocol 6 server: the framework's, except that ReadResource
// hands the current state back untouched. Every resource of this provider keeps its state on
// Read (its outputs are a function of the configuration and the state, and nothing exists
// outside Terraform to refresh from), so the framework's decoding, walking and re-encoding of a
// large state (a score_project of 200 workloads) would only cost time: about a second per plan.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return keepStateOnRead{providerserver.NewProtocol6(New(version)())()}
	}
}

// keepStateOnRead is a provider server whose ReadResource keeps the state.
type keepStateOnRead struct {
	tfprotov6.ProviderServer
}

func (s keepStateOnRead) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// Warnings do not fail a Terraform run, and terraform-plugin-testing has no check for them: a
// diagRecorder serves the provider in-process like testProviderFactories, and records every
// diagnostic the provider hands to terraform (configure, validate, plan, apply, read), so a test
// step's Check can assert on the warnings terraform received and showed.

type diagRecorder struct {
	mu    sync.Mutex
	diags []recordedDiag
}

// recordedDiag is one diagnostic and the call that returned it.
type recordedDiag struct {
	call string
	*tfprotov6.Diagnostic
}

func (r *diagRecorder) record(call string, diags []*tfprotov6.Diagnostic) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range diags {
		r.diags = append(r.diags, recordedDiag{call: call, Diagnostic: d})
	}
}

// factories serve the provider with every diagnostic recorded.
func (r *diagRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"score": func() (tfprotov6.ProviderServer, error) {
			return recordingServer{ProviderServer: NewServer("test")(), rec: r}, nil
		},
	}
}

// warnings are the recorded warnings, each as "call: summary: detail".
func (r *diagRecorder) warnings() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, d := range r.diags {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			out = append(out, d.call+": "+d.Summary+": "+d.Detail)
		}
	}
	return out
}

// expectWarnings is a Check that fails unless, for each group of fragments, some recorded
// warning contains all of them, and that no warning contains any of forbid.
func (r *diagRecorder) expectWarnings(forbid []string, want ...[]string) resource.TestCheckFunc {
	return func(_ *terraform.State) error {
		got := r.warnings()
		for _, w := range got {
			for _, f := range forbid {
				if strings.Contains(w, f) {
					return fmt.Errorf("a warning contains %q: %s", f, w)
				}
			}
		}
	next:
		for _, fragments := range want {
			for _, w := range got {
				all := true
				for _, f := range fragments {
					all = all && strings.Contains(w, f)
				}
				if all {
					continue next
				}
			}
			return fmt.Errorf("no warning contains all of %q; warnings:\n  %s", fragments, strings.Join(got, "\n  "))
		}
		return nil
	}
}

// runRecorded runs the steps against the in-process provider, recording its diagnostics.
func runRecorded(t *testing.T, rec *diagRecorder, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: rec.factories(), Steps: steps})
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *diagRecorder
}

func (s recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.record("configure", resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.record("plan "+req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.record("apply "+req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

func (s recordingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	resp, err := s.ProviderServer.ReadDataSource(ctx, req)
	if resp != nil {
		s.rec.record("read "+req.TypeName, resp.Diagnostics)
	}
	return resp, err
}

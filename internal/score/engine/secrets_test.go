package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/secret"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// A provisioner whose check quotes a param: the shape of every built-in `fail` that names the
// value it refused.
const quotingProvisioner = `
- uri: template://test/checker
  type: checker
  outputs: |
    {{ fail (printf "domain %q is not a domain" .Params.domain) }}
- uri: template://test/self-quoting
  type: self-quoting
  init: |
    token: {{ randAlphaNum 24 }}
  state: |
    password: {{ dig "password" (randAlphaNum 20) .State }}
  outputs: |
    {{ fail (printf "generated %s and %s" .Init.token .State.password) }}
`

func secretsWorkload(extra string) string {
	return `apiVersion: score.dev/v1b1
metadata:
  name: web
containers:
  main:
    image: nginx
resources:
  db:
    type: postgres
` + extra
}

// An error must never show a secret value the engine knows: here a check quoting a param that
// a placeholder filled with the password of a postgres the same workload provisioned earlier.
func TestRenderWorkloadErrorsHideSecrets(t *testing.T) {
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			s := wlSettings(t, target, quotingProvisioner)
			first, err := RenderWorkload(context.Background(), s, WorkloadRequest{Workload: wlLoadText(t, secretsWorkload("")), Random: wlRandom(1)})
			if err != nil {
				t.Fatal(err)
			}
			password := first.ResourceOutputs["db"].Secrets["password"]
			if len(password) < 8 {
				t.Fatalf("no generated password: %+v", first.ResourceOutputs["db"])
			}
			failing := wlLoadText(t, secretsWorkload(`  check:
    type: checker
    params:
      domain: ${resources.db.password}
`))
			_, err = RenderWorkload(context.Background(), s, WorkloadRequest{Workload: failing, Prior: first.State, Random: wlRandom(2)})
			wantHidden(t, err, password)
		})
	}
}

// Bound secrets are hidden too, and so are the values a failing template generated itself.
func TestRenderWorkloadErrorsHideBoundAndGeneratedSecrets(t *testing.T) {
	s := wlSettings(t, targets.Compose, quotingProvisioner)
	w := wlLoadText(t, secretsWorkload(`  check:
    type: checker
    params:
      domain: ${resources.db.password}
`))
	_, err := RenderWorkload(context.Background(), s, WorkloadRequest{
		Workload: w, Random: wlRandom(3),
		Bindings: map[string]Binding{"db": {Outputs: map[string]string{"host": "h"}, Secrets: map[string]string{"password": "bound-s3cret-value"}}},
	})
	wantHidden(t, err, "bound-s3cret-value")

	self := wlLoadText(t, `apiVersion: score.dev/v1b1
metadata:
  name: web
containers:
  main:
    image: nginx
resources:
  own:
    type: self-quoting
`)
	_, err = RenderWorkload(context.Background(), s, WorkloadRequest{Workload: self, Random: wlRandom(4)})
	if err == nil || strings.Count(err.Error(), secret.Hidden) != 2 {
		t.Fatalf("want the generated token and password hidden, got %v", err)
	}
}

// score_resource's provisioning hides what the resource stored.
func TestProvisionResourceErrorsHideStoredSecrets(t *testing.T) {
	s := wlSettings(t, targets.Kubernetes, quotingProvisioner)
	req := ResourceRequest{Type: "self-quoting", Name: "own", SourceWorkload: "web", Random: wlRandom(5),
		Prior: ResourceState{State: map[string]any{"password": "stored-pa55word"}}}
	_, err := ProvisionResource(context.Background(), s, req)
	wantHidden(t, err, "stored-pa55word")
}

func wantHidden(t *testing.T, err error, value string) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), value) {
		t.Fatalf("the error shows the secret %q: %v", value, err)
	}
	if !strings.Contains(err.Error(), secret.Hidden) {
		t.Fatalf("want %q in place of the secret, got %v", secret.Hidden, err)
	}
}

// info_logs reach the caller as messages, in provisioning order, with every secret hidden.
func TestRenderWorkloadMessagesHideSecrets(t *testing.T) {
	s := wlSettings(t, targets.Compose, `
- uri: template://test/chatty
  type: chatty
  state: |
    password: {{ dig "password" (randAlphaNum 20) .State }}
  outputs: |
    password: {{ .State.password }}
  info_logs: |
    - "{{ .Uid }}: connect with password {{ .State.password }}"
`)
	w := wlLoadText(t, `apiVersion: score.dev/v1b1
metadata:
  name: web
containers:
  main:
    image: nginx
resources:
  talk:
    type: chatty
`)
	out, err := RenderWorkload(context.Background(), s, WorkloadRequest{Workload: w, Random: wlRandom(6)})
	if err != nil {
		t.Fatal(err)
	}
	password := out.ResourceOutputs["talk"].Secrets["password"]
	want := "chatty.default#web.talk: connect with password " + secret.Hidden
	if len(out.Messages) != 1 || out.Messages[0] != want || password == "" {
		t.Fatalf("messages %q, want [%q]", out.Messages, want)
	}
	res, err := ProvisionResource(context.Background(), s, ResourceRequest{Type: "chatty", Name: "talk", SourceWorkload: "web", Random: wlRandom(7)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Messages) != 1 || res.Messages[0] != want {
		t.Fatalf("score_resource messages %q, want [%q]", res.Messages, want)
	}
}

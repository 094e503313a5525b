package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// secretRefProvisioners are score-k8s-style provisioners (as in score-k8s's default
// provisioners): outputs refer to Secret keys with encodeSecretRef. `db` creates its Secret
// (data, base64) in its manifests; `vault` refers to a Secret that exists in the cluster already.
const secretRefProvisioners = `
- uri: template://test/db
  type: db
  init: |
    service: db-{{ .SourceWorkload }}
  outputs: |
    host: {{ .Init.service }}
    password: {{ encodeSecretRef .Init.service "password" }}
    dsn: "postgres://app:{{ encodeSecretRef .Init.service "password" }}@{{ .Init.service }}:5432/app"
  manifests: |
    - apiVersion: v1
      kind: Secret
      metadata:
        name: {{ .Init.service }}
      data:
        password: {{ "s3cr3t-pw" | b64enc }}
- uri: template://test/vault
  type: vault
  outputs: |
    token: {{ encodeSecretRef "vault-token" "token" }}
`

const secretRefWorkload = `apiVersion: score.dev/v1b1
metadata:
  name: api
containers:
  main:
    image: app:1
    variables:
      DB_PASSWORD: ${resources.db.password}
      TOKEN: ${resources.vault.token}
resources:
  db:
    type: db
  vault:
    type: vault
`

// TestWorkloadSecretRefOutputs: resource_outputs never show the secret reference marker. A
// reference to a Secret the provisioner creates shows the key's value, as a secret output; one
// to a Secret it does not create is left out, with a message naming it; the manifests still
// read both Secrets (secretKeyRef).
func TestWorkloadSecretRefOutputs(t *testing.T) {
	in := wlCall{
		Settings:        wlSettings(t, targets.Kubernetes, secretRefProvisioners),
		WorkloadRequest: WorkloadRequest{Workload: wlLoadText(t, secretRefWorkload), Random: wlRandom(1)},
	}
	out := wlRender(t, in)
	db := out.ResourceOutputs["db"]
	if got, want := db.Secrets["password"], "s3cr3t-pw"; got != want {
		t.Errorf("db secrets.password = %q, want %q", got, want)
	}
	if got, want := db.Secrets["dsn"], "postgres://app:s3cr3t-pw@db-api:5432/app"; got != want {
		t.Errorf("db secrets.dsn = %q, want %q", got, want)
	}
	if _, ok := db.Outputs["password"]; ok {
		t.Errorf("db password is in the plain outputs: %v", db.Outputs)
	}
	if db.Outputs["host"] != "db-api" {
		t.Errorf("db outputs.host = %q", db.Outputs["host"])
	}
	vault := out.ResourceOutputs["vault"]
	if _, ok := vault.Secrets["token"]; ok {
		t.Errorf("vault token shown: %v", vault.Secrets)
	}
	if _, ok := vault.Outputs["token"]; ok {
		t.Errorf("vault token shown: %v", vault.Outputs)
	}
	for name, ro := range out.ResourceOutputs {
		for k, v := range ro.Outputs {
			if provisioner.ContainsSecretRef(v) {
				t.Errorf("%s outputs.%s holds a secret reference marker: %q", name, k, v)
			}
		}
		for k, v := range ro.Secrets {
			if provisioner.ContainsSecretRef(v) {
				t.Errorf("%s secrets.%s holds a secret reference marker: %q", name, k, v)
			}
		}
	}
	msgs := strings.Join(out.Messages, "\n")
	for _, want := range []string{`resource "vault" output "token"`, "vault-token/token", "not shown", "secretKeyRef"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("messages do not contain %q:\n%s", want, msgs)
		}
	}
	if strings.Contains(msgs, provisioner.SecretRefStart) {
		t.Errorf("a message shows the marker:\n%s", msgs)
	}
	text := wlText(out)
	for _, want := range []string{"secretKeyRef", "vault-token"} {
		if !strings.Contains(text, want) {
			t.Errorf("the manifests do not contain %q", want)
		}
	}
}

// TestResourceSecretRefOutputs: score_resource's outputs follow the same rule.
func TestResourceSecretRefOutputs(t *testing.T) {
	s := wlSettings(t, targets.Kubernetes, secretRefProvisioners)
	res, err := ProvisionResource(context.Background(), s, ResourceRequest{Type: "db", Name: "db", SourceWorkload: "api", Random: wlRandom(2)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Secrets["password"] != "s3cr3t-pw" || res.Outputs["password"] != "" {
		t.Errorf("outputs %v, secrets %v: want password only in secrets, resolved", res.Outputs, res.Secrets)
	}
	res, err = ProvisionResource(context.Background(), s, ResourceRequest{Type: "vault", Name: "vault", SourceWorkload: "api", Random: wlRandom(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs)+len(res.Secrets) != 0 {
		t.Errorf("vault token shown: outputs %v, secrets %v", res.Outputs, res.Secrets)
	}
	if msgs := strings.Join(res.Messages, "\n"); !strings.Contains(msgs, `output "token"`) || !strings.Contains(msgs, "vault-token/token") {
		t.Errorf("no message says why the token is not shown: %q", msgs)
	}
}

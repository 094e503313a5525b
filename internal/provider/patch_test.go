package provider

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Patch templates (provider `patch_templates`, score_project `patch_templates`): applied at plan
// and apply alike, so keys are known at plan (a changed kind shows in them) and the second plan
// is empty; secret values never leave a Secret; bad templates are diagnostics naming them.

// communityPatcher is file("<path>") of a score-spec/community-patchers template (kept in the
// engine's testdata, unchanged).
func communityPatcher(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "score", "engine", "testdata", "community-patchers", name))
	if err != nil {
		t.Fatal(err)
	}
	return "file(" + hclString(p) + ")"
}

// patchWeb is a workload with a service port and a postgres whose password reaches a variable.
const patchWeb = `apiVersion: score.dev/v1b1
metadata:
  name: web
containers:
  main:
    image: nginx
    variables:
      DB_PASSWORD: ${resources.db.password}
service:
  ports:
    http: {port: 80, targetPort: 8080}
resources:
  db:
    type: postgres
`

const patchWorkloadAddr = "score_workload.web"

func patchWorkloadConfig(provider string) string {
	return provider + `
resource "score_workload" "web" {
  content = ` + hclString(patchWeb) + `
}
`
}

func TestAccPatch_workloadKubernetes(t *testing.T) {
	t.Parallel()
	// unprivileged, then statefulset: the Deployment gets its security contexts, then becomes a
	// StatefulSet, which changes its key; the postgres objects are left alone.
	config := patchWorkloadConfig(providerBlock("kubernetes", `namespace = "shop"`,
		"patch_templates = ["+communityPatcher(t, "score-k8s/unprivileged.tpl")+", "+communityPatcher(t, "score-k8s/statefulset.tpl")+"]"))
	pg := "pg-web-db-" + nameHash("postgres.default#web.db")
	asPlanned := expectAppliedAsPlanned(patchWorkloadAddr)
	runTest(t,
		resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				asPlanned,
				expectMapKeys(patchWorkloadAddr, "manifests",
					"apps/v1/StatefulSet/shop/web", "core/v1/Service/shop/web",
					"apps/v1/StatefulSet/shop/"+pg, "core/v1/Service/shop/"+pg),
				expectMapKeys(patchWorkloadAddr, "secret_manifests", "core/v1/Secret/shop/"+pg, "core/v1/Secret/shop/web-main-env"),
				expectKnownAtPlan(patchWorkloadAddr, attrPath("manifests", "apps/v1/StatefulSet/shop/web"), yamlLines(
					"kind: StatefulSet", "...", "automountServiceAccountToken: false", "containers:", "...",
					"securityContext:", "allowPrivilegeEscalation: false", "capabilities:", "drop:", "- ALL", "...",
					"securityContext:", "fsGroup: 65532")),
				expectKnownAtPlan(patchWorkloadAddr, attrPath("manifests", "apps/v1/StatefulSet/shop/"+pg),
					stringWithout("securityContext")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{asPlanned},
		},
		resource.TestStep{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
	)
}

func TestAccPatch_workloadCompose(t *testing.T) {
	t.Parallel()
	config := patchWorkloadConfig(providerBlock("compose", "patch_templates = ["+communityPatcher(t, "score-compose/unprivileged.tpl")+"]"))
	asPlanned := expectAppliedAsPlanned(patchWorkloadAddr)
	runTest(t,
		resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				asPlanned,
				expectKnownAtPlan(patchWorkloadAddr, attrPath("compose_yaml"), yamlLines(
					"web-main:", "...", "cap_drop:", "- ALL", "...", "environment:", "re:DB_PASSWORD: \\$\\{POSTGRES_[A-Z_]+PASSWORD\\}", "...",
					"read_only: true", "user: \"65532\"")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{asPlanned},
		},
		resource.TestStep{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
	)
}

// projectPatchConfig is a score_project of web (and worker) with the project's patch templates.
func projectPatchConfig(provider string, patches ...string) string {
	return provider + `
resource "score_project" "p" {
  workloads = {
    web = { content = ` + hclString(patchWeb) + ` }
  }
  patch_templates = [` + strings.Join(patches, ", ") + `]
}
`
}

func TestAccPatch_projectKnative(t *testing.T) {
	t.Parallel()
	// The knative patcher deletes the workload's Service and turns its Deployment into a Knative
	// Service: a kind the provider does not know, passed through with its key.
	config := projectPatchConfig(providerBlock("kubernetes", `namespace = "shop"`), communityPatcher(t, "score-k8s/knative-service.tpl"))
	addr := "score_project.p"
	pg := "pg-web-db-" + nameHash("postgres.default#web.db")
	asPlanned := expectAppliedAsPlanned(addr)
	runTest(t,
		resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				asPlanned,
				expectMapKeys(addr, "manifests", "serving.knative.dev/v1/Service/shop/web", "apps/v1/StatefulSet/shop/"+pg, "core/v1/Service/shop/"+pg),
				expectKnownAtPlan(addr, attrPath("manifests", "serving.knative.dev/v1/Service/shop/web"), yamlLines(
					"apiVersion: serving.knative.dev/v1", "kind: Service", "...", "name: web", "namespace: shop", "spec:", "template:")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{asPlanned},
		},
		resource.TestStep{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
	)
}

func TestAccPatch_projectAfterProvider(t *testing.T) {
	t.Parallel()
	// The provider's template labels the Deployment; the project's sees the label and copies it.
	provider := providerBlock("kubernetes", `patch_templates = [<<-EOT
  {{ range $i, $m := .Manifests }}{{ if eq $m.kind "Deployment" }}
  - {op: set, path: "{{ $i }}.metadata.labels.team", value: shop}
  {{ end }}{{ end }}
  EOT
  ]`)
	project := hclString(`{{ range $i, $m := .Manifests }}{{ if eq $m.kind "Deployment" }}
- {op: set, path: "{{ $i }}.metadata.labels.seen", value: "{{ $m.metadata.labels.team }}-{{ keys $.Workloads | join "," }}"}
{{ end }}{{ end }}`)
	config := projectPatchConfig(provider, project)
	runTest(t, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			expectKnownAtPlan("score_project.p", attrPath("manifests", "apps/v1/Deployment/_/web"), yamlLines("labels:", "...", "seen: shop-web", "team: shop")),
		}},
	})
}

func TestAccPatch_secretLeak(t *testing.T) {
	t.Parallel()
	leak := hclString(`{{ range $m := .Manifests }}{{ if eq $m.kind "Secret" }}
- op: set
  path: -1
  value: {apiVersion: v1, kind: ConfigMap, metadata: {name: "leak-{{ $m.metadata.name }}"}, data: {{ toJson $m.data }}}
{{ end }}{{ end }}`)
	runTest(t, resource.TestStep{
		Config:      patchWorkloadConfig(providerBlock("kubernetes", "patch_templates = ["+leak+"]")),
		ExpectError: errorMatching("Cannot apply patch template", "provider patch_templates[0]: it puts a secret value into core/v1/ConfigMap/_/leak-", "which is not a Secret"),
	})
	runTest(t, resource.TestStep{
		Config:      projectPatchConfig(providerBlock("kubernetes"), `"[]"`, leak),
		ExpectError: errorMatching("Cannot apply patch template", `with score_project.p`, "patch_templates[1]: it puts a secret value into core/v1/ConfigMap/_/leak-"),
	})
}

func TestAccPatch_badTemplates(t *testing.T) {
	t.Parallel()
	// Syntax errors are found at validation, with the element and the line.
	runTest(t, resource.TestStep{
		Config:      patchWorkloadConfig(providerBlock("kubernetes", `patch_templates = ["[]", "- op: set\n{{ .Manifests "]`)),
		ExpectError: errorMatching("Invalid patch template", "patch_templates[1]: line 2: unclosed action"),
	})
	runTest(t, resource.TestStep{
		Config:      projectPatchConfig(providerBlock("compose"), `"{{ end }}"`),
		ExpectError: errorMatching("Invalid patch template", `patch_templates[0]: line 1: unexpected {{end}}`),
	})
	// What the output holds is found at plan.
	runTest(t, resource.TestStep{
		Config:      projectPatchConfig(providerBlock("compose"), `"- {op: add, path: services.x, value: 1}"`),
		ExpectError: errorMatching("patch_templates[0]: operation 1 (line 1 of its output): unknown operation: add (set or delete)"),
	})
	runTest(t, resource.TestStep{
		Config:      patchWorkloadConfig(providerBlock("compose", `patch_templates = ["- {op: set, path: services.web-main.image}"]`)),
		ExpectError: errorMatching("provider patch_templates[0]: operation 1", "has no value"),
	})
}

// stringWithout is the known-value check for a string that does not contain text.
type stringWithout string

func (c stringWithout) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a string, got %T", v)
	}
	if strings.Contains(s, string(c)) {
		return fmt.Errorf("the value contains %q:\n%s", string(c), s)
	}
	return nil
}

func (c stringWithout) String() string { return "a string without " + strconv.Quote(string(c)) }

package provider

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Acceptance tests for the score_workload resource, with real terraform (TF_ACC=1,
// TF_ACC_TERRAFORM_PATH) and the provider served in-process (testProviderFactories). Each test
// runs for both targets where it applies: kubernetes (with a namespace) and compose. Besides
// the checks each step names, resource.Test checks after every apply that a second plan is
// empty, and appliedAsPlanned checks that every value the first plan called known is the value
// the apply produced (an output may be unknown at plan, never wrong).

// ---------------------------------------------------------------------------------------------
// Helpers of this file (those shared with other files are in helpers_test.go).

// targetConfig is one provider configuration to run a test against.
type targetConfig struct {
	name     string
	provider string
}

var (
	kubernetesTarget = targetConfig{name: "kubernetes", provider: `
provider "score" {
  target    = "kubernetes"
  namespace = "shop"
}
`}
	composeTarget = targetConfig{name: "compose", provider: `
provider "score" {
  target = "compose"
}
`}
	targetConfigs = []targetConfig{kubernetesTarget, composeTarget}
)

func (w targetConfig) k8s() bool { return w.name == "kubernetes" }

// servicePort is the port a service-port resource gives for api.score.yaml's port "web" (port 80,
// targetPort 8080): Kubernetes clients connect to the Service port, compose clients to the
// container's port.
func (w targetConfig) servicePort() string {
	if w.k8s() {
		return "80"
	}
	return "8080"
}

// workloadFile is the HCL string naming a file under testdata/workload_resource.
func workloadFile(t *testing.T, name string) string {
	t.Helper()
	return hclString(testdataPath(t, "workload_resource", name))
}

// base64Text is s in standard base64.
func base64Text(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// yamlLines matches YAML text holding the given lines in this order, consecutively, whatever their
// indentation (so list indentation style does not matter). "..." stands for any lines; a line
// starting with "re:" is a regular expression, any other is literal.
func yamlLines(lines ...string) knownvalue.Check {
	var b strings.Builder
	b.WriteString(`(?s)(?:^|\n)`)
	for _, l := range lines {
		switch {
		case l == "...":
			b.WriteString(`(?:.*\n)?`)
			continue
		case strings.HasPrefix(l, "re:"):
			b.WriteString(`[ \t]*` + strings.TrimPrefix(l, "re:"))
		default:
			b.WriteString(`[ \t]*` + regexp.QuoteMeta(l))
		}
		b.WriteString(`\n`)
	}
	return matchingString(b.String())
}

// expectKnownAtPlan checks a value of the resource at addr in the plan.
func expectKnownAtPlan(addr string, path tfjsonpath.Path, check knownvalue.Check) plancheck.PlanCheck {
	return plancheck.ExpectKnownValue(addr, path, check)
}

// expectUnknownAtPlan checks that a value of the resource at addr is unknown at plan.
func expectUnknownAtPlan(addr string, path tfjsonpath.Path) plancheck.PlanCheck {
	return plancheck.ExpectUnknownValue(addr, path)
}

// appliedAsPlanned records a resource's planned values (plan check, PreApply) and, as a state
// check of the same step, requires every value the plan knew to equal the applied one.
type appliedAsPlanned struct {
	addr             string
	after, afterUnkn any
	planned          bool
}

// expectAppliedAsPlanned is the appliedAsPlanned check of the resource at addr.
func expectAppliedAsPlanned(addr string) *appliedAsPlanned { return &appliedAsPlanned{addr: addr} }

func (c *appliedAsPlanned) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == c.addr {
			c.after, c.afterUnkn, c.planned = rc.Change.After, rc.Change.AfterUnknown, true
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

func (c *appliedAsPlanned) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if !c.planned {
		resp.Error = fmt.Errorf("%s: no plan was recorded", c.addr)
		return
	}
	values, err := resourceValues(req.State, c.addr)
	if err != nil {
		resp.Error = err
		return
	}
	var problems []string
	compareKnown(c.addr, c.after, c.afterUnkn, any(values), &problems)
	if len(problems) > 0 {
		resp.Error = fmt.Errorf("values known at plan differ after apply:\n%s", strings.Join(problems, "\n"))
	}
}

// compareKnown adds to problems every value known in planned (unknown marks what is not) that differs in applied.
func compareKnown(at string, planned, unknown, applied any, problems *[]string) {
	if unknown == true {
		return
	}
	switch p := planned.(type) {
	case map[string]any:
		a, ok := applied.(map[string]any)
		if !ok {
			*problems = append(*problems, fmt.Sprintf("%s: planned an object, applied %T", at, applied))
			return
		}
		um, _ := unknown.(map[string]any)
		keys := map[string]bool{}
		for k := range p {
			keys[k] = true
		}
		for k := range a {
			keys[k] = true
		}
		for k := range keys {
			if um[k] == true {
				continue
			}
			pv, inPlan := p[k]
			av, inState := a[k]
			if inPlan != inState {
				*problems = append(*problems, fmt.Sprintf("%s.%s: in plan %v, in state %v", at, k, inPlan, inState))
				continue
			}
			compareKnown(at+"."+k, pv, um[k], av, problems)
		}
	case []any:
		a, ok := applied.([]any)
		if !ok || len(a) != len(p) {
			*problems = append(*problems, fmt.Sprintf("%s: planned %d elements, applied %v", at, len(p), applied))
			return
		}
		ul, _ := unknown.([]any)
		for i := range p {
			var u any
			if i < len(ul) {
				u = ul[i]
			}
			compareKnown(fmt.Sprintf("%s[%d]", at, i), p[i], u, a[i], problems)
		}
	default:
		if !reflect.DeepEqual(planned, applied) {
			*problems = append(*problems, fmt.Sprintf("%s: planned %q, applied %q", at, fmt.Sprint(planned), fmt.Sprint(applied)))
		}
	}
}

// workloadBlock is a score_workload block.
func workloadBlock(name, body string) string {
	return fmt.Sprintf("\nresource \"score_workload\" %q {\n%s\n}\n", name, body)
}

// ---------------------------------------------------------------------------------------------
// 1. Plan-time knowledge with provisioned resources; generated values kept.

func TestAccWorkloadResource_planKnownProvisioned(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.web"
			body := "  file = " + workloadFile(t, "web.score.yaml")
			config := target.provider + workloadBlock("web", body)
			changed := target.provider + workloadBlock("web", body+`
  overrides = { "containers.main.variables.LOG_LEVEL" = "debug" }`)

			pg := "pg-web-db-" + nameHash("postgres.default#web.db")
			redis := "redis-web-cache-" + nameHash("redis.default#web.cache")
			password := statecheck.CompareValue(compare.ValuesSame())
			envSecret := statecheck.CompareValue(compare.ValuesSame())
			asPlanned := expectAppliedAsPlanned(addr)
			// What holds the database password for the workload: compared across steps.
			envPath := attrPath("compose_env")
			if target.k8s() {
				envPath = attrPath("secret_manifests", "core/v1/Secret/shop/"+pg)
			}

			common := []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				asPlanned,
				expectKnownAtPlan(addr, attrPath("name"), knownvalue.StringExact("web")),
				expectKnownAtPlan(addr, attrPath("service"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("web"), "hostname": knownvalue.StringExact("web"),
					"ports": knownvalue.MapExact(map[string]knownvalue.Check{"web": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"port": knownvalue.Int64Exact(80), "target_port": knownvalue.Int64Exact(8080), "protocol": knownvalue.StringExact("TCP"),
					})}),
				})),
				expectKnownAtPlan(addr, attrPath("resource_outputs", "db", "uid"), knownvalue.StringExact("postgres.default#web.db")),
				expectUnknownAtPlan(addr, attrPath("resource_outputs", "db", "secrets", "password")),
				expectUnknownAtPlan(addr, attrPath("resource_outputs", "cache", "secrets", "password")),
				expectUnknownAtPlan(addr, attrPath("state")),
			}
			var first []plancheck.PlanCheck
			var applied []statecheck.StateCheck
			if target.k8s() {
				first = []plancheck.PlanCheck{
					// Every key, and every non-secret value, is known on the first plan.
					expectKnownAtPlan(addr, attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps/v1/Deployment/shop/web": yamlLines("apiVersion: apps/v1", "kind: Deployment", "...", "name: web", "namespace: shop", "...",
							"- name: DB_HOST", "value: "+pg,
							"- name: DB_PASSWORD", "valueFrom:", "secretKeyRef:", "key: DB_PASSWORD", "name: web-main-env",
							"- name: DB_PORT", `value: "5432"`, "- name: DB_USER", "value: web_db", "- name: LOG_LEVEL", "value: info",
							"- name: REDIS_URL", "valueFrom:", "secretKeyRef:", "key: REDIS_URL", "name: web-main-env", "...",
							"- mountPath: /etc/web/config.yaml", "...", "- configMap:", "...", "name: web-main-files", "...", "- emptyDir: {}"),
						"core/v1/Service/shop/web": yamlLines("apiVersion: v1", "kind: Service", "...", "namespace: shop", "spec:", "ports:",
							"- name: web", "port: 80", "protocol: TCP", "targetPort: 8080"),
						"core/v1/ConfigMap/shop/web-main-files": knownvalue.StringExact("apiVersion: v1\ndata:\n  file-a56d2f1a60: |\n    database: " + pg +
							":5432/web_db\n    cache: " + redis + "\nkind: ConfigMap\nmetadata:\n  name: web-main-files\n  namespace: shop\n"),
						"apps/v1/StatefulSet/shop/" + pg:    yamlLines("kind: StatefulSet", "...", "- name: POSTGRES_PASSWORD", "valueFrom:", "secretKeyRef:", "key: password", "name: "+pg),
						"core/v1/Service/shop/" + pg:        yamlLines("kind: Service", "...", "name: "+pg, "namespace: shop", "...", "port: 5432"),
						"apps/v1/StatefulSet/shop/" + redis: yamlLines("kind: StatefulSet", "...", "- name: REDIS_PASSWORD", "valueFrom:", "secretKeyRef:", "key: password", "name: "+redis),
						"core/v1/Service/shop/" + redis:     yamlLines("kind: Service", "...", "name: "+redis, "namespace: shop", "...", "port: 6379"),
					})),
					// The Secrets hold generated passwords: unknown until apply.
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/web-main-env")),
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/"+pg)),
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/"+redis)),
					expectKnownAtPlan(addr, attrPath("compose_yaml"), knownvalue.Null()),
					expectKnownAtPlan(addr, attrPath("files"), knownvalue.Null()),
				}
				applied = []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, attrPath("secret_manifests"), knownvalue.MapSizeExact(3)),
					envSecret.AddStateValue(addr, envPath),
					stateCheckFunc(func(s *tfjson.State) error {
						pw, err := stateString(s, addr, "resource_outputs", "db", "secrets", "password")
						if err != nil {
							return err
						}
						for _, key := range []string{"core/v1/Secret/shop/web-main-env", "core/v1/Secret/shop/" + pg} {
							doc, err := stateString(s, addr, "secret_manifests", key)
							if err != nil {
								return err
							}
							if !strings.Contains(doc, ": "+base64Text(pw)+"\n") {
								return fmt.Errorf("%s does not hold the generated password:\n%s", key, doc)
							}
						}
						return nil
					}),
				}
			} else {
				first = []plancheck.PlanCheck{
					// compose_yaml refers to secrets as ${VAR}: known on the first plan.
					expectKnownAtPlan(addr, attrPath("compose_yaml"), yamlLines("configs:", "web-main-a56d2f1a60:", "content: |", "database: pg-web-db:5432/web_db", "cache: redis-web-cache",
						"name: score", "services:", "pg-web-db:", "environment:", "POSTGRES_DB: web_db", "POSTGRES_PASSWORD: ${POSTGRES_DEFAULT_WEB_DB_PASSWORD}", "...",
						"redis-web-cache:", "...", "- ${REDIS_DEFAULT_WEB_CACHE_PASSWORD}", "...",
						"web-main:", "...", "environment:", "DB_HOST: pg-web-db", "DB_PASSWORD: ${POSTGRES_DEFAULT_WEB_DB_PASSWORD}", `DB_PORT: "5432"`,
						"DB_USER: web_db", "LOG_LEVEL: info", "REDIS_URL: ${REDIS_DEFAULT_WEB_CACHE_URL}", "hostname: web", "...",
						"volumes:", "pg-web-db-data:", "...", "web-data:")),
					expectUnknownAtPlan(addr, attrPath("compose_env")),
					expectKnownAtPlan(addr, attrPath("files"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					expectKnownAtPlan(addr, attrPath("secret_files"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					expectKnownAtPlan(addr, attrPath("manifests"), knownvalue.Null()),
					expectKnownAtPlan(addr, attrPath("secret_manifests"), knownvalue.Null()),
				}
				applied = []statecheck.StateCheck{
					envSecret.AddStateValue(addr, envPath),
					stateCheckFunc(func(s *tfjson.State) error {
						pw, err := stateString(s, addr, "resource_outputs", "db", "secrets", "password")
						if err != nil {
							return err
						}
						env, err := stateString(s, addr, "compose_env")
						if err != nil {
							return err
						}
						if !regexp.MustCompile(`(?m)^POSTGRES_DEFAULT_WEB_DB_PASSWORD='` + regexp.QuoteMeta(pw) + `'$`).MatchString(env) {
							return fmt.Errorf("compose_env does not set the generated password:\n(%d lines)", strings.Count(env, "\n"))
						}
						return nil
					}),
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            config,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: append(common, first...)},
						ConfigStateChecks: append(applied, asPlanned, password.AddStateValue(addr, attrPath("resource_outputs", "db", "secrets", "password"))),
					},
					{
						// The same configuration again: nothing to do, nothing regenerated.
						Config:            config,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
						ConfigStateChecks: []statecheck.StateCheck{password.AddStateValue(addr, attrPath("resource_outputs", "db", "secrets", "password"))},
					},
					{
						// A change re-renders with the stored state: the same passwords, all known at plan.
						Config: changed,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
							expectKnownAtPlan(addr, attrPath("state"), knownvalue.NotNull()),
							expectKnownAtPlan(addr, attrPath("resource_outputs", "db", "secrets", "password"), knownvalue.NotNull()),
						}},
						ConfigStateChecks: []statecheck.StateCheck{
							password.AddStateValue(addr, attrPath("resource_outputs", "db", "secrets", "password")),
							envSecret.AddStateValue(addr, envPath),
							stateCheckFunc(func(s *tfjson.State) error {
								values, err := resourceValues(s, addr)
								if err != nil {
									return err
								}
								text, _ := json.Marshal(values["manifests"])
								if !target.k8s() {
									text = []byte(fmt.Sprint(values["compose_yaml"]))
								}
								if !strings.Contains(string(text), "LOG_LEVEL") || !strings.Contains(string(text), "debug") {
									return fmt.Errorf("the override did not reach the rendered output")
								}
								return nil
							}),
						},
					},
				},
			})
		})
	}
}

// ---------------------------------------------------------------------------------------------
// 2. Bindings: to a score_resource, to plain values, to values unknown at plan.

func TestAccWorkloadResource_bindScoreResource(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.shop"
			config := target.provider + `
resource "score_resource" "db" {
  type = "postgres"
  id   = "shop-db"
}
` + workloadBlock("shop", `  file = `+workloadFile(t, "shared-db.score.yaml")+`
  resources = {
    db = {
      uid     = score_resource.db.uid
      outputs = score_resource.db.outputs
      secrets = score_resource.db.secrets
    }
  }`)
			asPlanned := expectAppliedAsPlanned(addr)
			checks := []plancheck.PlanCheck{
				asPlanned,
				// The score_resource's password is generated at apply...
				expectUnknownAtPlan("score_resource.db", attrPath("secrets", "password")),
				expectKnownAtPlan("score_resource.db", attrPath("uid"), knownvalue.StringExact("postgres.default#shop-db")),
				expectKnownAtPlan(addr, attrPath("resource_outputs"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				expectKnownAtPlan(addr, attrPath("service", "hostname"), knownvalue.StringExact("shop")),
			}
			if target.k8s() {
				// ...yet the Deployment, which only refers to a Secret, is known.
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps/v1/Deployment/shop/shop": yamlLines("kind: Deployment", "...", "- name: DB_HOST", "re:value: pg-shop-db-[0-9a-f]{6}",
							"- name: DB_PASSWORD", "valueFrom:", "secretKeyRef:", "key: DB_PASSWORD", "name: shop-main-env", "- name: DB_PORT", `value: "5432"`),
						"core/v1/Service/shop/shop": yamlLines("kind: Service", "...", "port: 8080"),
					})),
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/shop-main-env")),
				)
			} else {
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("compose_yaml"), yamlLines("services:", "shop-main:", "...", "environment:", "DB_HOST: pg-shop-db", "DB_PASSWORD: ${POSTGRES_DEFAULT_SHOP_DB_PASSWORD}", `DB_PORT: "5432"`)),
					expectUnknownAtPlan(addr, attrPath("compose_env")),
				)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
					ConfigStateChecks: []statecheck.StateCheck{
						asPlanned,
						// The password the score_resource generated is the one the workload delivers.
						stateCheckFunc(func(s *tfjson.State) error {
							pw, err := stateString(s, "score_resource.db", "secrets", "password")
							if err != nil {
								return err
							}
							if len(pw) < 16 {
								return fmt.Errorf("implausible generated password (%d characters)", len(pw))
							}
							if target.k8s() {
								doc, err := stateString(s, addr, "secret_manifests", "core/v1/Secret/shop/shop-main-env")
								if err != nil {
									return err
								}
								if !strings.Contains(doc, "DB_PASSWORD: "+base64Text(pw)+"\n") {
									return fmt.Errorf("the workload's Secret does not hold the score_resource's password:\n%s", doc)
								}
								return nil
							}
							env, err := stateString(s, addr, "compose_env")
							if err != nil {
								return err
							}
							if env != "POSTGRES_DEFAULT_SHOP_DB_PASSWORD='"+pw+"'\n" {
								return fmt.Errorf("compose_env does not hold exactly the score_resource's password (%d bytes)", len(env))
							}
							return nil
						}),
					},
				}},
			})
		})
	}
}

func TestAccWorkloadResource_bindPlainValues(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.shop"
			// The image, through an override, holds a `$` that compose must not interpolate.
			config := target.provider + workloadBlock("shop", `  file = `+workloadFile(t, "shared-db.score.yaml")+`
  overrides = { "containers.main.image" = "registry.example.com/$REGION/shop:2.1.0" }
  resources = {
    db = {
      outputs = { host = "db.example.com", port = "5432" }
      secrets = { password = "s3cr3t-value" }
    }
  }`)
			asPlanned := expectAppliedAsPlanned(addr)
			checks := []plancheck.PlanCheck{
				asPlanned,
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				// Nothing is generated: everything is known on the first plan.
				expectKnownAtPlan(addr, attrPath("state"), matchingString(`^\{"resources":\{\},"shared":(null|\{\})\}$`)),
				expectKnownAtPlan(addr, attrPath("resource_outputs"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				expectKnownAtPlan(addr, attrPath("service"), knownvalue.NotNull()),
			}
			if target.k8s() {
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps/v1/Deployment/shop/shop": yamlLines("kind: Deployment", "...", "- name: DB_HOST", "value: db.example.com",
							"- name: DB_PASSWORD", "valueFrom:", "secretKeyRef:", "key: DB_PASSWORD", "name: shop-main-env", "...",
							"image: registry.example.com/$REGION/shop:2.1.0"),
						"core/v1/Service/shop/shop": knownvalue.NotNull(),
					})),
					expectKnownAtPlan(addr, attrPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
						"core/v1/Secret/shop/shop-main-env": yamlLines("apiVersion: v1", "data:", "DB_PASSWORD: "+base64Text("s3cr3t-value"), "kind: Secret", "...", "name: shop-main-env", "namespace: shop", "type: Opaque"),
					})),
				)
			} else {
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("compose_yaml"), yamlLines("DB_HOST: db.example.com", "DB_PASSWORD: ${POSTGRES_DEFAULT_SHOP_DB_PASSWORD}", "...",
						"image: registry.example.com/$$REGION/shop:2.1.0")),
					expectKnownAtPlan(addr, attrPath("compose_env"), knownvalue.StringExact("POSTGRES_DEFAULT_SHOP_DB_PASSWORD='s3cr3t-value'\n")),
				)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            config,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
					ConfigStateChecks: []statecheck.StateCheck{asPlanned},
				}},
			})
		})
	}
}

func TestAccWorkloadResource_bindUnknownValues(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.reports"
			config := target.provider + `
resource "terraform_data" "db_host" {
  input = "db.internal.example"
}
` + workloadBlock("reports", `  file = `+workloadFile(t, "partial.score.yaml")+`
  resources = {
    db = {
      outputs = { host = terraform_data.db_host.output, port = "5432" }
    }
  }`)
			asPlanned := expectAppliedAsPlanned(addr)
			checks := []plancheck.PlanCheck{
				asPlanned,
				expectUnknownAtPlan("terraform_data.db_host", attrPath("output")),
				expectKnownAtPlan(addr, attrPath("name"), knownvalue.StringExact("reports")),
				expectKnownAtPlan(addr, attrPath("service"), knownvalue.NotNull()),
				expectKnownAtPlan(addr, attrPath("state"), knownvalue.NotNull()),
			}
			var after statecheck.StateCheck
			if target.k8s() {
				checks = append(checks,
					// The variables do not use the host: the Deployment and the Service are known...
					expectKnownAtPlan(addr, attrPath("manifests", "apps/v1/Deployment/shop/reports"), yamlLines("- name: DB_PORT", `value: "5432"`, "- name: LOG_LEVEL", "value: info", "...", "name: reports-main-files")),
					expectKnownAtPlan(addr, attrPath("manifests", "core/v1/Service/shop/reports"), knownvalue.NotNull()),
					// ...the file does: its ConfigMap is not.
					expectUnknownAtPlan(addr, attrPath("manifests", "core/v1/ConfigMap/shop/reports-main-files")),
					expectKnownAtPlan(addr, attrPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				)
				after = statecheck.ExpectKnownValue(addr, attrPath("manifests", "core/v1/ConfigMap/shop/reports-main-files"),
					yamlLines("host=db.internal.example", "port=5432"))
			} else {
				checks = append(checks,
					// The file is inline in the compose file: all of it waits for the host.
					expectUnknownAtPlan(addr, attrPath("compose_yaml")),
					expectKnownAtPlan(addr, attrPath("compose_env"), knownvalue.StringExact("")),
					expectKnownAtPlan(addr, attrPath("files"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				)
				after = statecheck.ExpectKnownValue(addr, attrPath("compose_yaml"), yamlLines("host=db.internal.example", "port=5432"))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            config,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
					ConfigStateChecks: []statecheck.StateCheck{asPlanned, after},
				}},
			})
		})
	}
}

// ---------------------------------------------------------------------------------------------
// 3. Workload to workload: a service-port resource resolved from another workload's service.

func TestAccWorkloadResource_workloadServices(t *testing.T) {
	// How the front workload receives api's service: the documented form passes the whole
	// object; the other passes its attributes one by one.
	forms := map[string]string{
		"service-object":     `{ api = score_workload.api.service }`,
		"service-attributes": `{ api = { name = score_workload.api.service.name, hostname = score_workload.api.service.hostname, ports = score_workload.api.service.ports } }`,
	}
	for _, form := range []string{"service-object", "service-attributes"} {
		for _, target := range targetConfigs {
			t.Run(form+"/"+target.name, func(t *testing.T) {
				const addr = "score_workload.front"
				config := target.provider +
					workloadBlock("api", `  file = `+workloadFile(t, "api.score.yaml")) +
					workloadBlock("front", `  file = `+workloadFile(t, "front.score.yaml")+`
  workload_services = `+forms[form])
				port := target.servicePort()
				asPlanned := expectAppliedAsPlanned(addr)
				checks := []plancheck.PlanCheck{
					asPlanned,
					expectKnownAtPlan("score_workload.api", attrPath("service"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("api"), "hostname": knownvalue.StringExact("api"),
						"ports": knownvalue.MapExact(map[string]knownvalue.Check{
							"web": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"port": knownvalue.Int64Exact(80), "target_port": knownvalue.Int64Exact(8080), "protocol": knownvalue.StringExact("TCP"),
							}),
							"admin": knownvalue.ObjectExact(map[string]knownvalue.Check{
								"port": knownvalue.Int64Exact(9000), "target_port": knownvalue.Int64Exact(9000), "protocol": knownvalue.StringExact("TCP"),
							}),
						}),
					})),
					// The other workload's service is known at plan, so this workload is too.
					expectKnownAtPlan(addr, attrPath("resource_outputs", "api"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"uid":     knownvalue.StringExact("service-port.default#front.api"),
						"outputs": knownvalue.MapExact(map[string]knownvalue.Check{"hostname": knownvalue.StringExact("api"), "port": knownvalue.StringExact(port)}),
						"secrets": knownvalue.MapExact(map[string]knownvalue.Check{}),
					})),
				}
				if target.k8s() {
					checks = append(checks, expectKnownAtPlan(addr, attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
						"apps/v1/Deployment/shop/front": yamlLines("- name: API_HOST", "value: api", "- name: API_URL", "value: http://api:80"),
					})))
				} else {
					checks = append(checks, expectKnownAtPlan(addr, attrPath("compose_yaml"), yamlLines("front-main:", "...", "environment:", "API_HOST: api", "API_URL: http://api:8080")))
				}
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: testProviderFactories,
					Steps: []resource.TestStep{{
						Config:            config,
						ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
						ConfigStateChecks: []statecheck.StateCheck{asPlanned},
					}},
				})
			})
		}
	}
}

// ---------------------------------------------------------------------------------------------
// 4. Secrets appear only in sensitive attributes, and never in the provider's logs.

// secretsConfig renders secrets.score.yaml: a provisioned postgres and a bound shared redis
// (a score_resource), secrets in whole variables, embedded in variables and in a file.
func secretsConfig(t *testing.T, target targetConfig, logLevel string) string {
	return target.provider + `
resource "score_resource" "cache" {
  type = "redis"
  id   = "vault-cache"
}
` + workloadBlock("vault", `  file = `+workloadFile(t, "secrets.score.yaml")+`
  overrides = { "containers.main.variables.LOG_LEVEL" = "`+logLevel+`" }
  resources = {
    cache = {
      uid     = score_resource.cache.uid
      outputs = score_resource.cache.outputs
      secrets = score_resource.cache.secrets
    }
  }`)
}

// secretCollector collects the secret values of the state (score_workload and score_project
// resource_outputs secrets, score_project bound secrets, score_resource secrets), as the raw text
// and base64-encoded (how a Secret object holds it).
type secretCollector struct{ values []string }

// collect is a state check that records the secret values of the state.
func (c *secretCollector) collect() statecheck.StateCheck {
	return stateCheckFunc(func(s *tfjson.State) error {
		c.values = nil
		add := func(m any) {
			mm, _ := m.(map[string]any)
			for _, v := range mm {
				if str, ok := v.(string); ok && str != "" {
					c.values = append(c.values, str, base64Text(str))
				}
			}
		}
		for _, r := range s.Values.RootModule.Resources {
			switch r.Type {
			case "score_resource":
				add(r.AttributeValues["secrets"])
			case "score_workload", "score_project":
				outs, _ := r.AttributeValues["resource_outputs"].(map[string]any)
				for _, o := range outs {
					secrets, _ := valueAt(o, "secrets")
					add(secrets)
				}
				if r.Type == "score_project" {
					bindings, _ := r.AttributeValues["resources"].(map[string]any)
					for _, b := range bindings {
						secrets, _ := valueAt(b, "secrets")
						add(secrets)
					}
				}
			}
		}
		if len(c.values) < 8 {
			return fmt.Errorf("expected at least 4 secret values in the state, found %d", len(c.values)/2)
		}
		sort.Strings(c.values)
		return nil
	})
}

// find adds to leaks where the collected secrets occur in v outside what mask marks sensitive,
// and to hits how often they occur inside it.
func (c *secretCollector) find(at string, v, mask any, leaks *[]string, hits *int) {
	found, n := findSecrets(at, v, mask, c.values)
	for _, l := range found {
		*leaks = append(*leaks, fmt.Sprintf("%s holds a secret value (%d characters) but is not sensitive", l.path, l.secretLen))
	}
	*hits += n
}

// notInPlainPlan checks that no collected secret is in the plan outside what it marks sensitive, and that one is inside.
func (c *secretCollector) notInPlainPlan() plancheck.PlanCheck {
	return planCheckFunc(func(p *tfjson.Plan) error {
		if len(c.values) == 0 {
			return fmt.Errorf("no secrets were collected")
		}
		var leaks []string
		hits := 0
		for _, rc := range p.ResourceChanges {
			if rc.Change == nil {
				continue
			}
			c.find(rc.Address+" (after)", rc.Change.After, sensitiveMask(rc.Change.AfterSensitive), &leaks, &hits)
			c.find(rc.Address+" (before)", rc.Change.Before, sensitiveMask(rc.Change.BeforeSensitive), &leaks, &hits)
		}
		if root := plannedRoot(p); root != nil {
			for _, r := range root.Resources {
				c.find(r.Address+" (planned)", any(r.AttributeValues), sensitiveMask(r.SensitiveValues), &leaks, &hits)
			}
		}
		if root := priorRoot(p); root != nil {
			for _, r := range root.Resources {
				c.find(r.Address+" (prior)", any(r.AttributeValues), sensitiveMask(r.SensitiveValues), &leaks, &hits)
			}
		}
		if len(leaks) > 0 {
			return fmt.Errorf("secret values in non-sensitive values:\n%s", strings.Join(leaks, "\n"))
		}
		if hits == 0 {
			return fmt.Errorf("the plan holds no known secret value anywhere, so this check proves nothing")
		}
		return nil
	})
}

// notInPlainState checks that no collected secret is in the state outside what it marks sensitive.
func (c *secretCollector) notInPlainState() statecheck.StateCheck {
	return stateCheckFunc(func(s *tfjson.State) error {
		var leaks []string
		hits := 0
		for _, r := range s.Values.RootModule.Resources {
			c.find(r.Address, any(r.AttributeValues), sensitiveMask(r.SensitiveValues), &leaks, &hits)
		}
		if len(leaks) > 0 {
			return fmt.Errorf("secret values in non-sensitive attributes:\n%s", strings.Join(leaks, "\n"))
		}
		return nil
	})
}

func TestAccWorkloadResource_secretsOnlySensitive(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			secrets := &secretCollector{}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            secretsConfig(t, target, "info"),
						ConfigStateChecks: []statecheck.StateCheck{secrets.collect(), secrets.notInPlainState()},
					},
					{
						// The update plan knows every secret (they come from the state): none may be
						// in a value the plan does not mark sensitive.
						Config: secretsConfig(t, target, "debug"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("score_workload.vault", plancheck.ResourceActionUpdate),
							secrets.notInPlainPlan(),
						}},
						ConfigStateChecks: []statecheck.StateCheck{secrets.notInPlainState()},
					},
				},
			})
		})
	}
}

// TestAccWorkloadResource_secretsNotLogged runs the provider with TF_LOG=trace and requires that
// its log holds no secret value. The provider runs in this process: terraform-plugin-testing
// sends its logs to TF_LOG_PATH (Terraform's own log would need TF_ACC_LOG_PATH, which would
// also redirect the provider's). t.Setenv keeps this test sequential.
func TestAccWorkloadResource_secretsNotLogged(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "provider.log")
			t.Setenv("TF_LOG", "trace")
			t.Setenv("TF_LOG_PATH", logFile)
			// The test harness logs into the same file (the configurations it runs, for one);
			// keep the file to what the provider logs.
			t.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "off")
			secrets := &secretCollector{}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            secretsConfig(t, target, "info"),
						ConfigStateChecks: []statecheck.StateCheck{secrets.collect()},
					},
					{
						// An update: plans and applies with the stored secrets known.
						Config:            secretsConfig(t, target, "debug"),
						ConfigStateChecks: []statecheck.StateCheck{secrets.collect()},
					},
				},
			})
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatalf("no provider log was written: %v", err)
			}
			log := string(data)
			if strings.Contains(log, "sdk.helper_resource") {
				t.Fatal("the log holds the test harness's lines: TF_LOG_SDK_HELPER_RESOURCE=off did not apply")
			}
			for _, want := range []string{"score_workload", "ModifyPlan", "ApplyResourceChange"} {
				if !strings.Contains(log, want) {
					t.Fatalf("the log (%d bytes) does not mention %q: logging did not reach the file", len(log), want)
				}
			}
			if len(secrets.values) == 0 {
				t.Fatal("no secrets collected")
			}
			for _, s := range secrets.values {
				if i := strings.Index(log, s); i >= 0 {
					start := strings.LastIndex(log[:i], "\n") + 1
					t.Errorf("the provider log holds a secret value (%d characters) in the line starting %.120q", len(s), log[start:i])
				}
			}
		})
	}
}

// ---------------------------------------------------------------------------------------------
// 5. Errors are diagnostics.

func TestAccWorkloadResource_errors(t *testing.T) {
	type errCase struct {
		name   string
		target targetConfig
		config func(t *testing.T) string
		want   *regexp.Regexp
	}
	withProvisioners := func(target targetConfig, file string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return strings.Replace(target.provider, "\n}\n", "\n  provisioners = [file("+workloadFile(t, file)+")]\n}\n", 1)
		}
	}
	var cases []errCase
	for _, target := range targetConfigs {
		target := target
		cases = append(cases,
			errCase{"unbound-shared/" + target.name, target, func(t *testing.T) string {
				return target.provider + workloadBlock("shop", "  file = "+workloadFile(t, "shared-db.score.yaml"))
			}, errorMatching("Cannot render workload", `workload "shop": resources.db:`, `resource "db" is shared (id "shop-db", uid postgres.default#shop-db)`,
				"declare one score_resource for it and bind it in this workload's resources")},
			errCase{"unknown-output-key/" + target.name, target, func(t *testing.T) string {
				return target.provider + workloadBlock("shop", "  file = "+workloadFile(t, "shared-db.score.yaml")+`
  resources = { db = { outputs = { host = "db.example.com", port = "5432" } } }`)
			}, errorMatching("Cannot render workload", `workload "shop": containers.main.variables.DB_PASSWORD: invalid ref 'resources.db.password': key 'password' not found`)},
			errCase{"binding-not-declared/" + target.name, target, func(t *testing.T) string {
				return target.provider + workloadBlock("api", "  file = "+workloadFile(t, "api.score.yaml")+`
  resources = { cache = { outputs = { host = "cache" } } }`)
			}, errorMatching("Cannot render workload", `a binding is given for resource "cache", which the score file does not declare`)},
			errCase{"target-unset/" + target.name, target, func(t *testing.T) string {
				return `provider "score" {}` + "\n" + workloadBlock("api", "  file = "+workloadFile(t, "api.score.yaml"))
			}, errorMatching("Provider target not set", "`kubernetes` or `compose`")},
		)
	}
	cases = append(cases,
		errCase{"invalid-kind/kubernetes", kubernetesTarget, func(t *testing.T) string {
			return kubernetesTarget.provider + workloadBlock("batch", "  file = "+workloadFile(t, "bad-kind.score.yaml"))
		}, errorMatching("Cannot render workload", `workload "batch": metadata.annotations["k8s.score.dev/kind"]:`, `unsupported workload kind "CronJob": use Deployment or StatefulSet`)},
		errCase{"duplicate-object/kubernetes", kubernetesTarget, func(t *testing.T) string {
			return withProvisioners(kubernetesTarget, "duplicate.kubernetes.provisioners.yaml")(t) + workloadBlock("dup", "  file = "+workloadFile(t, "duplicate.score.yaml"))
		}, errorMatching("Cannot render workload", "resources.second:", "resource 'fixed-config.default#dup.first' and resource", "'fixed-config.default#dup.second' both define", "core/v1/ConfigMap/_/shared-settings, differently")},
		errCase{"duplicate-service/compose", composeTarget, func(t *testing.T) string {
			return withProvisioners(composeTarget, "duplicate.compose.provisioners.yaml")(t) + workloadBlock("dup", "  file = "+workloadFile(t, "duplicate.score.yaml"))
		}, errorMatching("Cannot render workload", "resources.second:", `service "shared-settings" is also defined, differently, by resource`, "'fixed-config.default#dup.first'")},
		errCase{"duplicate-file/compose", composeTarget, func(t *testing.T) string {
			return withProvisioners(composeTarget, "duplicate-file.compose.provisioners.yaml")(t) + workloadBlock("dup", "  file = "+workloadFile(t, "duplicate.score.yaml"))
		}, errorMatching("Cannot render workload", "resources.second:", "shared/settings.conf")},
		errCase{"secret-ref-mixed-in-file/kubernetes", kubernetesTarget, func(t *testing.T) string {
			return withProvisioners(kubernetesTarget, "secret-ref.provisioners.yaml")(t) + workloadBlock("tokens", "  file = "+workloadFile(t, "secret-ref.score.yaml"))
		}, errorMatching("Cannot render workload", `containers.main.files["/etc/tokens/token.conf"]:`, "mixes a secret reference with other text")},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:      c.config(t),
					ExpectError: c.want,
				}},
			})
		})
	}
}

// TestAccWorkloadResource_invalidScoreFileAtValidate: a broken score file given to the resource is
// reported by `terraform validate`, with its path and line, as the data source's is. Two things
// prove the error comes from validation and not from plan: the resource has `count = 0` (plan
// never calls the provider for it) and the provider has no target (plan would stop at "Provider
// target not set" before loading the file).
func TestAccWorkloadResource_invalidScoreFileAtValidate(t *testing.T) {
	t.Parallel()
	const content = `apiVersion: score.dev/v1b1
metadata:
  name: bad
containers:
  main:
    image: app:1
    resources:
      limits:
        cpu: lots
`
	runTest(t, resource.TestStep{
		Config:      `provider "score" {}` + "\n" + workloadBlock("bad", "  count = 0\n  content = "+hclString(content)),
		PlanOnly:    true,
		ExpectError: errorMatching("Error: Invalid score file", "containers.main.resources.limits.cpu (line 9):", "does not match pattern"),
	}, resource.TestStep{
		// image "." without the image argument: the message names the argument to set.
		Config: `provider "score" {}` + "\n" + workloadBlock("dot", "  count = 0\n  content = "+
			hclString("apiVersion: score.dev/v1b1\nmetadata:\n  name: dot\ncontainers:\n  main:\n    image: .\n")),
		PlanOnly: true,
		ExpectError: errorMatching("Error: Invalid score file", "containers.main.image (line 6):",
			`the image is "." (built elsewhere) but no image was given to replace it:`, "set the image argument of score_workload"),
	})
}

// TestAccWorkloadResource_secretRefOutputs: an output that refers to a Secret key
// (encodeSecretRef, as score-k8s provisioners do) never shows the reference marker in
// resource_outputs: it is a secret showing the key's value when the provisioner creates the
// Secret, and is left out (with a warning at apply) when the Secret exists elsewhere.
func TestAccWorkloadResource_secretRefOutputs(t *testing.T) {
	t.Parallel()
	const addr = "score_workload.api"
	config := strings.Replace(kubernetesTarget.provider, "\n}\n",
		"\n  provisioners = [file("+workloadFile(t, "secret-ref-outputs.provisioners.yaml")+")]\n}\n", 1) +
		workloadBlock("api", "  file = "+workloadFile(t, "secret-ref-outputs.score.yaml"))
	runTest(t, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "db", "secrets"), exactStringMap(map[string]string{"password": "s3cr3t-pw"})),
			statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "db", "outputs"), exactStringMap(map[string]string{"host": "db-api"})),
			statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "vault", "outputs"), exactStringMap(map[string]string{})),
			statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "vault", "secrets"), exactStringMap(map[string]string{})),
			checkAttrs(addr, func(attrs map[string]any) error {
				if text := fmt.Sprint(attrs["resource_outputs"]); strings.Contains(text, "🔐") {
					return fmt.Errorf("resource_outputs shows a secret reference marker: %s", text)
				}
				return nil
			}),
		},
	})
}

// ---------------------------------------------------------------------------------------------
// 7. Unknown inputs: outputs unknown at plan, right after apply, and no error.

func TestAccWorkloadResource_unknownContent(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.web"
			config := target.provider + `
resource "terraform_data" "score_file" {
  input = file(` + workloadFile(t, "web.score.yaml") + `)
}
` + workloadBlock("web", "  content = terraform_data.score_file.output")
			checks := []plancheck.PlanCheck{expectUnknownAtPlan("terraform_data.score_file", attrPath("output"))}
			for _, attr := range []string{"name", "service", "resource_outputs", "state"} {
				checks = append(checks, expectUnknownAtPlan(addr, attrPath(attr)))
			}
			var after []statecheck.StateCheck
			if target.k8s() {
				checks = append(checks, expectUnknownAtPlan(addr, attrPath("manifests")), expectUnknownAtPlan(addr, attrPath("secret_manifests")))
				after = append(after,
					statecheck.ExpectKnownValue(addr, attrPath("manifests"), knownvalue.MapSizeExact(7)),
					statecheck.ExpectKnownValue(addr, attrPath("manifests", "apps/v1/Deployment/shop/web"), yamlLines("- name: DB_PASSWORD", "valueFrom:", "secretKeyRef:")),
					statecheck.ExpectKnownValue(addr, attrPath("secret_manifests"), knownvalue.MapSizeExact(3)),
				)
			} else {
				checks = append(checks, expectUnknownAtPlan(addr, attrPath("compose_yaml")), expectUnknownAtPlan(addr, attrPath("compose_env")), expectUnknownAtPlan(addr, attrPath("files")))
				after = append(after,
					statecheck.ExpectKnownValue(addr, attrPath("compose_yaml"), matchingString(`DB_PASSWORD: \$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}\n`)),
					statecheck.ExpectKnownValue(addr, attrPath("compose_env"), matchingString(`^POSTGRES_DEFAULT_WEB_DB_PASSWORD='[A-Za-z0-9]{16,}'\n`)),
				)
			}
			after = append(after,
				statecheck.ExpectKnownValue(addr, attrPath("name"), knownvalue.StringExact("web")),
				statecheck.ExpectKnownValue(addr, attrPath("service", "hostname"), knownvalue.StringExact("web")),
			)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            config,
					ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
					ConfigStateChecks: after,
				}},
			})
		})
	}
}

func TestAccWorkloadResource_unknownWorkloadServices(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.front"
			config := target.provider + `
resource "terraform_data" "api_host" {
  input = "api.internal"
}
` + workloadBlock("front", `  file = `+workloadFile(t, "front.score.yaml")+`
  workload_services = {
    api = {
      hostname = terraform_data.api_host.output
      ports    = { web = { port = 80, target_port = 8080 } }
    }
  }`)
			port := target.servicePort()
			checks := []plancheck.PlanCheck{
				expectUnknownAtPlan(addr, attrPath("resource_outputs")),
				expectUnknownAtPlan(addr, attrPath("service")),
			}
			var after statecheck.StateCheck
			if target.k8s() {
				checks = append(checks, expectUnknownAtPlan(addr, attrPath("manifests")))
				after = statecheck.ExpectKnownValue(addr, attrPath("manifests", "apps/v1/Deployment/shop/front"), yamlLines("- name: API_URL", "value: http://api.internal:"+port))
			} else {
				checks = append(checks, expectUnknownAtPlan(addr, attrPath("compose_yaml")))
				after = statecheck.ExpectKnownValue(addr, attrPath("compose_yaml"), yamlLines("API_URL: http://api.internal:"+port))
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:           config,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
					ConfigStateChecks: []statecheck.StateCheck{
						after,
						statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "api", "outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
							"hostname": knownvalue.StringExact("api.internal"), "port": knownvalue.StringExact(port),
						})),
					},
				}},
			})
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Binary files (binaryContent): Kubernetes carries them base64-encoded in binaryData; compose
// hands them out in `files`, which must survive Terraform (strings are UTF-8) unchanged.

func TestAccWorkloadResource_binaryFile(t *testing.T) {
	logo := "iVBORw0KGgoA//6AYmluYXJ5" // \x89PNG\r\n\x1a\n\x00\xff\xfe\x80binary
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.assets"
			var check statecheck.StateCheck
			if target.k8s() {
				check = statecheck.ExpectKnownValue(addr, attrPath("manifests", "core/v1/ConfigMap/shop/assets-main-files"),
					yamlLines("apiVersion: v1", "binaryData:", "re:file-[0-9a-f]{10}: "+regexp.QuoteMeta(logo), "data:", "re:file-[0-9a-f]{10}: plain text", "kind: ConfigMap"))
			} else {
				// Either `files` holds the bytes as they are (which a Terraform string cannot, unless
				// they are UTF-8) or a base64 attribute (`binary_files`) does.
				check = stateCheckFunc(func(s *tfjson.State) error {
					values, err := resourceValues(s, addr)
					if err != nil {
						return err
					}
					want, _ := base64.StdEncoding.DecodeString(logo)
					found := 0
					files, _ := values["files"].(map[string]any)
					for path, content := range files {
						text := fmt.Sprint(content)
						if strings.ContainsRune(text, '\uFFFD') {
							return fmt.Errorf("files[%q] lost the binary content: Terraform replaced its non-UTF-8 bytes with U+FFFD (%q)", path, text)
						}
						if strings.HasSuffix(path, "/logo.png") && text == string(want) {
							found++
						}
					}
					binary, _ := values["binary_files"].(map[string]any)
					for path, content := range binary {
						data, err := base64.StdEncoding.DecodeString(fmt.Sprint(content))
						if err != nil {
							return fmt.Errorf("binary_files[%q] is not base64: %v", path, err)
						}
						if strings.HasSuffix(path, "/logo.png") && string(data) == string(want) {
							found++
						}
					}
					if found != 1 {
						return fmt.Errorf("the logo's bytes should be in files or binary_files exactly once, found %d times (files: %d, binary_files: %d)", found, len(files), len(binary))
					}
					return nil
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{{
					Config:            target.provider + workloadBlock("assets", "  file = "+workloadFile(t, "binary.score.yaml")),
					ConfigStateChecks: []statecheck.StateCheck{check},
				}},
			})
		})
	}
}

// ---------------------------------------------------------------------------------------------
// A resource added later: the existing one keeps its password (known at plan), only the new
// one's is unknown.

func TestAccWorkloadResource_addResourceKeepsGenerated(t *testing.T) {
	for _, target := range targetConfigs {
		t.Run(target.name, func(t *testing.T) {
			const addr = "score_workload.grow"
			config := func(file string) string {
				return target.provider + workloadBlock("grow", "  file = "+workloadFile(t, file))
			}
			password := statecheck.CompareValue(compare.ValuesSame())
			asPlanned := expectAppliedAsPlanned(addr)
			checks := []plancheck.PlanCheck{
				asPlanned,
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				expectKnownAtPlan(addr, attrPath("resource_outputs", "db", "secrets", "password"), knownvalue.NotNull()),
				expectUnknownAtPlan(addr, attrPath("resource_outputs", "cache", "secrets", "password")),
				expectUnknownAtPlan(addr, attrPath("state")),
			}
			if target.k8s() {
				redis := "redis-grow-cache-" + nameHash("redis.default#grow.cache")
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("manifests", "apps/v1/Deployment/shop/grow"), yamlLines("- name: CACHE_PASSWORD", "valueFrom:", "secretKeyRef:", "key: CACHE_PASSWORD", "name: grow-main-env")),
					expectKnownAtPlan(addr, attrPath("manifests", "apps/v1/StatefulSet/shop/"+redis), knownvalue.NotNull()),
					// The database's Secret is unchanged and known; the new ones are not.
					expectKnownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/pg-grow-db-"+nameHash("postgres.default#grow.db")), knownvalue.NotNull()),
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/"+redis)),
					expectUnknownAtPlan(addr, attrPath("secret_manifests", "core/v1/Secret/shop/grow-main-env")),
				)
			} else {
				checks = append(checks,
					expectKnownAtPlan(addr, attrPath("compose_yaml"), yamlLines("CACHE_PASSWORD: ${REDIS_DEFAULT_GROW_CACHE_PASSWORD}", "DB_PASSWORD: ${POSTGRES_DEFAULT_GROW_DB_PASSWORD}")),
					expectUnknownAtPlan(addr, attrPath("compose_env")),
				)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{
						Config:            config("grow-1.score.yaml"),
						ConfigStateChecks: []statecheck.StateCheck{password.AddStateValue(addr, attrPath("resource_outputs", "db", "secrets", "password"))},
					},
					{
						Config:           config("grow-2.score.yaml"),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
						ConfigStateChecks: []statecheck.StateCheck{
							asPlanned,
							password.AddStateValue(addr, attrPath("resource_outputs", "db", "secrets", "password")),
							statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "cache", "secrets", "password"), matchingString(`^[A-Za-z0-9]{16,}$`)),
						},
					},
				},
			})
		})
	}
}

// An unknown provider argument (here the namespace) leaves every output unknown, without error.
func TestAccWorkloadResource_unknownProviderConfig(t *testing.T) {
	const addr = "score_workload.api"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "namespace" {
  input = "team-a"
}

provider "score" {
  target    = "kubernetes"
  namespace = terraform_data.namespace.output
}
` + workloadBlock("api", "  file = "+workloadFile(t, "api.score.yaml")),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				expectUnknownAtPlan(addr, attrPath("manifests")),
				expectUnknownAtPlan(addr, attrPath("service")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(addr, attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
					"apps/v1/Deployment/team-a/api": yamlLines("name: api", "namespace: team-a"),
					"core/v1/Service/team-a/api":    yamlLines("name: api", "namespace: team-a"),
				})),
			},
		}},
	})
}

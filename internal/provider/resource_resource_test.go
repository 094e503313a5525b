package provider

import (
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

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
)

// Acceptance tests for the score_resource resource. They run only with TF_ACC=1 (resource.Test
// skips otherwise) against the terraform named by TF_ACC_TERRAFORM_PATH, with the provider served
// in-process by testProviderFactories. plugin-testing also checks after every applying step that
// a second plan is empty, which is how "generated values never change" is tested throughout.

// resourceUID is the uid of resourceAddr.
const resourceUID = "postgres.default#web.db"

// postgresBlock is the postgres resource `db` of workload `web`, with extra attribute lines.
func postgresBlock(lines ...string) string {
	return "resource \"score_resource\" \"db\" {\n" +
		"  type            = \"postgres\"\n" +
		"  name            = \"db\"\n" +
		"  source_workload = \"web\"\n" +
		"  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// resourceBlock is the score_resource block `x` with the given attribute lines.
func resourceBlock(lines ...string) string {
	return "resource \"score_resource\" \"x\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// k8sPostgresName is the name the built-in kubernetes postgres gives its objects: pg-<id as a DNS
// label>-<6 hex of sha256(uid)>.
func k8sPostgresName(base, uid string) string {
	return "pg-" + base + "-" + nameHash(uid)
}

// storedState decodes the `state` attribute (JSON of guid, state, shared).
func storedState(attrs map[string]any) (map[string]any, error) {
	s, err := stringAttr(attrs, "state")
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("state is not JSON: %v", err)
	}
	return out, nil
}

// --- 1. the built-in postgres, every attribute ---

// postgresChecks are the state checks for the built-in postgres `db` of workload `web`.
func postgresChecks(target, namespace string) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		expectResourceValue(attrPath("uid"), exactString(resourceUID)),
		expectResourceValue(attrPath("type"), exactString("postgres")),
		expectResourceValue(attrPath("class"), exactString("default")),
		expectResourceValue(attrPath("id"), knownvalue.Null()),
		expectResourceValue(attrPath("name"), exactString("db")),
		expectResourceValue(attrPath("source_workload"), exactString("web")),
		expectResourceValue(attrPath("params"), knownvalue.Null()),
		expectResourceValue(attrPath("annotations"), knownvalue.Null()),
		expectResourceValue(attrPath("workload_services"), knownvalue.Null()),
		expectResourceValue(attrPath("provisioner_uri"), exactString("template://score-tf/postgres")),
		statecheck.ExpectSensitiveValue(resourceAddr, attrPath("secrets")),
		statecheck.ExpectSensitiveValue(resourceAddr, attrPath("state")),
	}
	switch target {
	case "kubernetes":
		name := k8sPostgresName("web-db", resourceUID)
		ns := "_"
		if namespace != "" {
			ns = namespace
		}
		nsLine := ""
		if namespace != "" {
			nsLine = `  namespace: ` + regexp.QuoteMeta(namespace) + `\n`
		}
		checks = append(checks,
			expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
				"host": exactString(name), "port": exactString("5432"),
				"name": exactString("web_db"), "database": exactString("web_db"), "username": exactString("web_db"),
			})),
			expectResourceValue(attrPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{
				"password": matchingString(`^[A-Za-z0-9]{24}$`),
				"url":      matchingString(`^postgresql://web_db:[A-Za-z0-9]{24}@` + name + `:5432/web_db$`),
			})),
			expectResourceValue(attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
				"apps/v1/StatefulSet/" + ns + "/" + name: matchingString(`(?s)^apiVersion: apps/v1\nkind: StatefulSet\n.*name: ` + name + `\n.*` + nsLine + `.*secretKeyRef:\n\s+key: password\n\s+name: ` + name + `\n`),
				"core/v1/Service/" + ns + "/" + name:     matchingString(`(?s)^apiVersion: v1\nkind: Service\n.*name: ` + name + `\n.*` + nsLine + `.*port: 5432\n`),
			})),
			expectResourceValue(attrPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
				"core/v1/Secret/" + ns + "/" + name: matchingString(`(?s)^apiVersion: v1\n.*kind: Secret\n.*name: ` + name + `\n.*` + nsLine),
			})),
			expectResourceValue(attrPath("compose_yaml"), knownvalue.Null()),
			expectResourceValue(attrPath("compose_env"), knownvalue.Null()),
			expectResourceValue(attrPath("files"), knownvalue.Null()),
			expectResourceValue(attrPath("secret_files"), knownvalue.Null()),
			statecheck.ExpectSensitiveValue(resourceAddr, attrPath("secret_manifests")),
			checkAttrs(resourceAddr, func(attrs map[string]any) error {
				password, err := stringAttr(attrs, "secrets", "password")
				if err != nil {
					return err
				}
				for k, v := range attrs["manifests"].(map[string]any) {
					if strings.Contains(v.(string), password) || strings.Contains(v.(string), base64.StdEncoding.EncodeToString([]byte(password))) {
						return fmt.Errorf("manifests[%q] holds the password", k)
					}
				}
				secret, err := stringAttr(attrs, "secret_manifests", "core/v1/Secret/"+ns+"/"+name)
				if err != nil {
					return err
				}
				if !strings.Contains(secret, base64.StdEncoding.EncodeToString([]byte(password))) {
					return fmt.Errorf("the Secret does not hold the password:\n%s", secret)
				}
				stored, err := storedState(attrs)
				if err != nil {
					return err
				}
				want := map[string]any{"service": name, "database": "web_db", "username": "web_db", "password": password}
				if got, _ := json.Marshal(stored["state"]); string(got) != jsonText(want) {
					return fmt.Errorf("stored state %s, want %s", got, jsonText(want))
				}
				if guid, _ := stored["guid"].(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(guid) {
					return fmt.Errorf("stored guid %q is not a v4 uuid", guid)
				}
				return nil
			}),
		)
	case "compose":
		checks = append(checks,
			expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
				"host": exactString("pg-web-db"), "port": exactString("5432"),
				"name": exactString("web_db"), "database": exactString("web_db"), "username": exactString("web_db"),
			})),
			expectResourceValue(attrPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{
				"password": matchingString(`^[A-Za-z0-9]{32}$`),
				"url":      matchingString(`^postgresql://web_db:[A-Za-z0-9]{32}@pg-web-db:5432/web_db$`),
			})),
			expectResourceValue(attrPath("compose_yaml"), matchingString(`(?s)^services:\n  pg-web-db:\n.*POSTGRES_PASSWORD: \$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}\n.*image: postgres:17-alpine\n.*volumes:\n  pg-web-db-data:\n`)),
			expectResourceValue(attrPath("compose_env"), matchingString(`^POSTGRES_DEFAULT_WEB_DB_PASSWORD='[A-Za-z0-9]{32}'\nPOSTGRES_DEFAULT_WEB_DB_URL='postgresql://web_db:[A-Za-z0-9]{32}@pg-web-db:5432/web_db'\n$`)),
			expectResourceValue(attrPath("files"), knownvalue.MapSizeExact(0)),
			expectResourceValue(attrPath("secret_files"), knownvalue.MapSizeExact(0)),
			expectResourceValue(attrPath("manifests"), knownvalue.Null()),
			expectResourceValue(attrPath("secret_manifests"), knownvalue.Null()),
			statecheck.ExpectSensitiveValue(resourceAddr, attrPath("compose_env")),
			statecheck.ExpectSensitiveValue(resourceAddr, attrPath("secret_files")),
			checkAttrs(resourceAddr, func(attrs map[string]any) error {
				password, err := stringAttr(attrs, "secrets", "password")
				if err != nil {
					return err
				}
				yml, err := stringAttr(attrs, "compose_yaml")
				if err != nil {
					return err
				}
				if strings.Contains(yml, password) {
					return fmt.Errorf("compose_yaml holds the password:\n%s", yml)
				}
				env, err := stringAttr(attrs, "compose_env")
				if err != nil {
					return err
				}
				if !strings.Contains(env, "POSTGRES_DEFAULT_WEB_DB_PASSWORD='"+password+"'\n") {
					return fmt.Errorf("compose_env does not hold the password:\n%s", env)
				}
				stored, err := storedState(attrs)
				if err != nil {
					return err
				}
				if got, _ := stringAttr(stored, "state", "password"); got != password {
					return fmt.Errorf("stored state password %q, want the secrets password", got)
				}
				return nil
			}),
		)
	}
	checks = append(checks, checkAttrs(resourceAddr, func(attrs map[string]any) error {
		password, err := stringAttr(attrs, "secrets", "password")
		if err != nil {
			return err
		}
		url, err := stringAttr(attrs, "secrets", "url")
		if err != nil {
			return err
		}
		if !strings.Contains(url, ":"+password+"@") {
			return fmt.Errorf("url %q does not hold the password", url)
		}
		return nil
	}))
	return checks
}

// jsonText is v encoded as JSON; it panics when v cannot be.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestAccResource_postgres provisions the built-in postgres for each target and checks every
// attribute: outputs, secrets, what the target gets, and the other target's attributes null.
func TestAccResource_postgres(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		password := statecheck.CompareValue(compare.ValuesSame())
		steps := []resource.TestStep{{
			Config:            providerBlock(target) + postgresBlock(),
			ConfigStateChecks: append(postgresChecks(target, ""), password.AddStateValue(resourceAddr, attrPath("secrets", "password"))),
		}}
		if target == "kubernetes" {
			// The provider namespace lands in every object and in the keys; an in-place update
			// that keeps the password.
			steps = append(steps, resource.TestStep{
				Config: providerBlock(target, `namespace = "shop"`) + postgresBlock(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: append(postgresChecks(target, "shop"), password.AddStateValue(resourceAddr, attrPath("secrets", "password"))),
			})
		}
		runTest(t, steps...)
	})
}

// --- 2. generated values are stable; identity changes replace ---

func TestAccResource_passwordStability(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		same := statecheck.CompareValue(compare.ValuesSame())
		differ := statecheck.CompareValue(compare.ValuesDiffer())
		keep := func() statecheck.StateCheck { return same.AddStateValue(resourceAddr, attrPath("secrets", "password")) }
		change := func() statecheck.StateCheck {
			return differ.AddStateValue(resourceAddr, attrPath("secrets", "password"))
		}
		prov := providerBlock(target)
		params := `params = { version = "17", extensions = ["pgcrypto"], replicas = 2, tuning = { shared_buffers = "128MB" } }`
		annotations := `annotations = { "compose.score.dev/publish-port" = "15432", team = "platform" }`
		update := func(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
			return resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
			}, checks...)}
		}
		replace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionReplace),
			plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}}
		var publishCheck []statecheck.StateCheck
		if target == "compose" {
			// The annotation re-renders the service (published port) with the stored password.
			publishCheck = append(publishCheck, expectResourceValue(attrPath("compose_yaml"), matchingString(`(?s)ports:\n\s+- published: "15432"\n\s+target: 5432\n`)))
		}
		runTest(t,
			resource.TestStep{Config: prov + postgresBlock(), ConfigStateChecks: []statecheck.StateCheck{keep()}},
			resource.TestStep{
				Config:            prov + postgresBlock(),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{keep()},
			},
			resource.TestStep{
				Config:           prov + postgresBlock(params),
				ConfigPlanChecks: update(plancheck.ExpectKnownValue(resourceAddr, attrPath("secrets", "password"), knownvalue.NotNull())),
				ConfigStateChecks: []statecheck.StateCheck{keep(),
					expectResourceValue(attrPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"version":    exactString("17"),
						"extensions": knownvalue.TupleExact([]knownvalue.Check{exactString("pgcrypto")}),
						"replicas":   knownvalue.Int64Exact(2),
						"tuning":     knownvalue.ObjectExact(map[string]knownvalue.Check{"shared_buffers": exactString("128MB")}),
					})),
				},
			},
			resource.TestStep{
				Config:            prov + postgresBlock(params, annotations),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: append([]statecheck.StateCheck{keep(), change(), expectResourceValue(attrPath("uid"), exactString(resourceUID))}, publishCheck...),
			},
			resource.TestStep{
				Config:           prov + postgresBlock(params, annotations, `class = "large"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					expectResourceValue(attrPath("uid"), exactString("postgres.large#web.db")),
				},
			},
			resource.TestStep{
				Config:           prov + postgresBlock(params, annotations, `class = "large"`, `id = "main-db"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					expectResourceValue(attrPath("uid"), exactString("postgres.large#main-db")),
				},
			},
			resource.TestStep{
				Config:           prov + postgresBlock(params, annotations, `class = "large"`, `id = "other-db"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					expectResourceValue(attrPath("uid"), exactString("postgres.large#other-db")),
				},
			},
		)
	})
}

// --- 3. what is known at plan ---

func TestAccResource_planKnown(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		checks := []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(resourceAddr, attrPath("uid"), exactString(resourceUID)),
			plancheck.ExpectKnownValue(resourceAddr, attrPath("provisioner_uri"), exactString("template://score-tf/postgres")),
			plancheck.ExpectKnownValue(resourceAddr, attrPath("outputs", "port"), exactString("5432")),
			plancheck.ExpectKnownValue(resourceAddr, attrPath("outputs", "username"), exactString("web_db")),
			expectFullyKnown("outputs"),
			expectMapKeys(resourceAddr, "secrets", "password", "url"),
			plancheck.ExpectUnknownValue(resourceAddr, attrPath("secrets", "password")),
			plancheck.ExpectUnknownValue(resourceAddr, attrPath("secrets", "url")),
			plancheck.ExpectUnknownValue(resourceAddr, attrPath("state")),
		}
		switch target {
		case "kubernetes":
			name := k8sPostgresName("web-db", resourceUID)
			sts, svc, secret := "apps/v1/StatefulSet/_/"+name, "core/v1/Service/_/"+name, "core/v1/Secret/_/"+name
			checks = append(checks,
				plancheck.ExpectKnownValue(resourceAddr, attrPath("outputs", "host"), exactString(name)),
				expectMapKeys(resourceAddr, "manifests", sts, svc),
				expectFullyKnown("manifests"),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("manifests", sts), matchingString(`(?s)kind: StatefulSet\n.*name: `+name+`\n`)),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("manifests", svc), matchingString(`(?s)kind: Service\n.*name: `+name+`\n`)),
				expectMapKeys(resourceAddr, "secret_manifests", secret),
				plancheck.ExpectUnknownValue(resourceAddr, attrPath("secret_manifests", secret)),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("compose_yaml"), knownvalue.Null()),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("compose_env"), knownvalue.Null()),
			)
		case "compose":
			checks = append(checks,
				plancheck.ExpectKnownValue(resourceAddr, attrPath("outputs", "host"), exactString("pg-web-db")),
				expectFullyKnown("compose_yaml", "files", "secret_files"),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("compose_yaml"), matchingString(`\$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}`)),
				plancheck.ExpectUnknownValue(resourceAddr, attrPath("compose_env")),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("manifests"), knownvalue.Null()),
				plancheck.ExpectKnownValue(resourceAddr, attrPath("secret_manifests"), knownvalue.Null()),
			)
		}
		runTest(t, resource.TestStep{
			Config:           providerBlock(target) + postgresBlock(`params = { version = "17" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
		})
	})
}

// TestAccResource_unknownParams: params unknown at plan (they come from another resource's
// generated guid) make the dependent attributes unknown, never wrong; apply fills them in and the
// next plan is empty.
func TestAccResource_unknownParams(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		cfg := providerBlock(target) + `
resource "score_resource" "seed" {
  type = "dns"
  id   = "seed"
}
` + postgresBlock(`params = { seed = nonsensitive(jsondecode(score_resource.seed.state).guid) }`)
		runTest(t, resource.TestStep{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(resourceAddr, attrPath("params").AtMapKey("seed")),
				plancheck.ExpectUnknownValue(resourceAddr, attrPath("outputs")),
				plancheck.ExpectUnknownValue(resourceAddr, attrPath("secrets")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectResourceValue(attrPath("uid"), exactString(resourceUID)),
				expectResourceValue(attrPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{"seed": matchingString(`^[0-9a-f-]{36}$`)})),
				expectResourceValue(attrPath("outputs", "username"), exactString("web_db")),
			},
		})
	})
}

// --- 4. import from score-compose and score-k8s state.yaml ---

// The values the imported state files below hold.
const (
	composeImportedPassword = "Imp0rtedC0mposePassw0rd"
	k8sImportedPassword     = "Imp0rtedK8sPassw0rd"
	k8sImportedGUID         = "7a3c1f2e-9b8d-4c6e-a5f4-3b2a1c0d9e8f"
	k8sImportedService      = "pg-web-7a3c1f2e"
)

// composeStateYAML is a .score-compose/state.yaml as score-compose writes it (project extras,
// workload with build_configs, resources by uid without guid, shared_state of the upstream
// postgres provisioner), holding the postgres `db` of workload `web` and a redis.
const composeStateYAML = `workloads:
  web:
    spec:
      apiVersion: score.dev/v1b1
      metadata:
        name: web
      containers:
        main:
          image: nginx:latest
          variables:
            DB_HOST: ${resources.db.host}
      resources:
        db:
          type: postgres
        cache:
          type: redis
    file: score.yaml
    build_configs: {}
resources:
  postgres.default#web.db:
    type: postgres
    class: default
    id: web.db
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/postgres
    state:
      database: db-AbCdEfGh
      username: user-XyZwVuTs
      password: ` + composeImportedPassword + `
    outputs:
      database: db-AbCdEfGh
      host: pg-a1B2c3
      name: db-AbCdEfGh
      password: ` + composeImportedPassword + `
      port: 5432
      username: user-XyZwVuTs
  redis.default#web.cache:
    type: redis
    class: default
    id: web.cache
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/redis
    state:
      password: RedisPassw0rdXYZ
      serviceName: redis-Qw3rTy
    outputs:
      host: redis-Qw3rTy
      password: RedisPassw0rdXYZ
      port: 6379
      username: default
shared_state:
  default-provisioners-postgres-instance:
    instancePassword: SharedInstancePw
    instanceServiceName: pg-a1B2c3
compose_project: myproject
mounts_directory: .score-compose/mounts
`

// k8sStateYAML is a .score-k8s/state.yaml as score-k8s writes it (workload instance_suffix,
// resources by uid with guid; outputs hold secret references, the state the values), with
// params and annotations on the postgres resource.
const k8sStateYAML = `workloads:
  web:
    spec:
      apiVersion: score.dev/v1b1
      metadata:
        name: web
      containers:
        main:
          image: nginx:latest
      resources:
        db:
          type: postgres
          metadata:
            annotations:
              team: platform
          params:
            version: "17"
            replicas: 1
            tags: [a, b]
            tuning:
              shared_buffers: 128MB
    file: score.yaml
    instance_suffix: -0123456789
resources:
  postgres.default#web.db:
    guid: ` + k8sImportedGUID + `
    type: postgres
    class: default
    id: web.db
    metadata:
      annotations:
        team: platform
    params:
      version: "17"
      replicas: 1
      tags: [a, b]
      tuning:
        shared_buffers: 128MB
    source_workload: web
    provisioner: template://default-provisioners/postgres
    state:
      service: ` + k8sImportedService + `
      database: db-abcdefgh
      username: user-ijklmnop
      password: ` + k8sImportedPassword + `
    outputs:
      host: ` + k8sImportedService + `
      port: 5432
      name: db-abcdefgh
      database: db-abcdefgh
      username: user-ijklmnop
      password: "🔐💬` + k8sImportedService + `_password💬🔐"
  redis.default#main-cache:
    guid: 0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f
    type: redis
    class: default
    id: main-cache
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/redis
    state:
      service: redis-web-0b1c2d3e
      username: default
      password: SharedRedisPassw0rd
    outputs:
      host: redis-web-0b1c2d3e
      port: 6379
      username: default
      password: "🔐💬redis-web-0b1c2d3e_password💬🔐"
shared_state: {}
`

// writeStateFile writes a state.yaml into a fresh temporary directory and returns its path.
func writeStateFile(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), dir, "state.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// importSteps imports resourceUID from statePath, then applies cfg, which must plan nothing, and
// checks the imported state with checks.
func importSteps(cfg, statePath string, checks ...statecheck.StateCheck) []resource.TestStep {
	return []resource.TestStep{
		{
			Config:             cfg,
			ResourceName:       resourceAddr,
			ImportState:        true,
			ImportStateId:      statePath + "#" + resourceUID,
			ImportStatePersist: true,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 {
					return fmt.Errorf("imported %d instances, want 1", len(states))
				}
				if got := states[0].Attributes["uid"]; got != resourceUID {
					return fmt.Errorf("imported uid %q, want %q", got, resourceUID)
				}
				return nil
			},
		},
		{
			Config:            cfg,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: checks,
		},
	}
}

func TestAccResource_importScoreCompose(t *testing.T) {
	t.Parallel()
	statePath := writeStateFile(t, ".score-compose", composeStateYAML)
	cfg := providerBlock("compose") + postgresBlock()
	runTest(t, importSteps(cfg, statePath,
		expectResourceValue(attrPath("secrets", "password"), exactString(composeImportedPassword)),
		expectResourceValue(attrPath("secrets", "url"), exactString("postgresql://web_db:"+composeImportedPassword+"@pg-web-db:5432/web_db")),
		expectResourceValue(attrPath("uid"), exactString(resourceUID)),
		expectResourceValue(attrPath("class"), exactString("default")),
		expectResourceValue(attrPath("name"), exactString("db")),
		expectResourceValue(attrPath("source_workload"), exactString("web")),
		expectResourceValue(attrPath("id"), knownvalue.Null()),
		expectResourceValue(attrPath("params"), knownvalue.Null()),
		expectResourceValue(attrPath("annotations"), knownvalue.Null()),
		expectResourceValue(attrPath("provisioner_uri"), exactString("template://score-tf/postgres")),
		expectResourceValue(attrPath("compose_env"), matchingString(`POSTGRES_DEFAULT_WEB_DB_PASSWORD='`+composeImportedPassword+`'`)),
		checkAttrs(resourceAddr, func(attrs map[string]any) error {
			stored, err := storedState(attrs)
			if err != nil {
				return err
			}
			if got, _ := stringAttr(stored, "state", "password"); got != composeImportedPassword {
				return fmt.Errorf("stored password %q", got)
			}
			// The upstream shared_state comes along: a later shared provisioner sees it.
			if got, _ := stringAttr(stored, "shared", "default-provisioners-postgres-instance", "instanceServiceName"); got != "pg-a1B2c3" {
				return fmt.Errorf("stored shared state %v, want the imported shared_state", stored["shared"])
			}
			return nil
		}),
	)...)
}

func TestAccResource_importScoreK8s(t *testing.T) {
	t.Parallel()
	statePath := writeStateFile(t, ".score-k8s", k8sStateYAML)
	cfg := providerBlock("kubernetes") + postgresBlock(
		`params = { version = "17", replicas = 1, tags = ["a", "b"], tuning = { shared_buffers = "128MB" } }`,
		`annotations = { team = "platform" }`,
	)
	svc := k8sImportedService
	runTest(t, importSteps(cfg, statePath,
		expectResourceValue(attrPath("secrets", "password"), exactString(k8sImportedPassword)),
		// The built-in kubernetes postgres keeps the names score-k8s generated.
		expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
			"host": exactString(svc), "port": exactString("5432"), "name": exactString("db-abcdefgh"),
			"database": exactString("db-abcdefgh"), "username": exactString("user-ijklmnop"),
		})),
		expectResourceValue(attrPath("secrets", "url"), exactString("postgresql://user-ijklmnop:"+k8sImportedPassword+"@"+svc+":5432/db-abcdefgh")),
		expectResourceValue(attrPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
			"apps/v1/StatefulSet/_/" + svc: matchingString(`kind: StatefulSet`),
			"core/v1/Service/_/" + svc:     matchingString(`kind: Service`),
		})),
		expectResourceValue(attrPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
			"core/v1/Secret/_/" + svc: matchingString(base64.StdEncoding.EncodeToString([]byte(k8sImportedPassword))),
		})),
		expectResourceValue(attrPath("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{"team": exactString("platform")})),
		expectResourceValue(attrPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"version":  exactString("17"),
			"replicas": knownvalue.Int64Exact(1),
			"tags":     knownvalue.TupleExact([]knownvalue.Check{exactString("a"), exactString("b")}),
			"tuning":   knownvalue.ObjectExact(map[string]knownvalue.Check{"shared_buffers": exactString("128MB")}),
		})),
		checkAttrs(resourceAddr, func(attrs map[string]any) error {
			stored, err := storedState(attrs)
			if err != nil {
				return err
			}
			if got, _ := stringAttr(stored, "guid"); got != k8sImportedGUID {
				return fmt.Errorf("stored guid %q, want the imported %q", got, k8sImportedGUID)
			}
			return nil
		}),
	)...)
}

func TestAccResource_importErrors(t *testing.T) {
	t.Parallel()
	statePath := writeStateFile(t, ".score-compose", composeStateYAML)
	cfg := providerBlock("compose") + postgresBlock()
	step := func(id string, err *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config: cfg, ResourceName: resourceAddr, ImportState: true, ImportStateId: id, ExpectError: err,
		}
	}
	missing := filepath.Join(filepath.Dir(statePath), "nope", "state.yaml")
	runTest(t,
		step("just-a-path.yaml", errorMatching("Invalid import id", "expected <path to state.yaml>#<resource uid>", "just-a-path.yaml")),
		step(statePath+"#postgres.default", errorMatching("Invalid import id", "expected <path to state.yaml>#<resource uid>")),
		step("#postgres.default#web.db", errorMatching("Invalid import id")),
		step(missing+"#"+resourceUID, errorMatching("Cannot import resource", "nope/state.yaml", "no such file or directory")),
		step(statePath+"#postgres.default#web.other", errorMatching("Cannot import resource", "has no resource 'postgres.default#web.other'", "it has: postgres.default#web.db, redis.default#web.cache")),
	)
}

// --- 5. secrets only in sensitive attributes ---

func TestAccResource_secretsOnlySensitive(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		sensitive := []string{"secrets", "state"}
		plain := []string{"outputs", "uid", "provisioner_uri", "params"}
		switch target {
		case "kubernetes":
			sensitive = append(sensitive, "secret_manifests")
			plain = append(plain, "manifests")
		case "compose":
			sensitive = append(sensitive, "compose_env", "secret_files")
			plain = append(plain, "compose_yaml", "files")
		}
		// With the generated values in the prior state, an update plan knows everything.
		known := append(append([]string{}, sensitive...), plain...)
		runTest(t,
			resource.TestStep{Config: providerBlock(target) + postgresBlock()},
			resource.TestStep{
				Config: providerBlock(target) + postgresBlock(`params = { version = "17" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectSensitiveValue(resourceAddr, attrPath("secrets")),
					expectSecretsOnlySensitive(resourceAddr, sensitive, plain),
					expectFullyKnown(known...),
				}},
			},
		)
	})
}

// --- 6. diagnostics ---

func TestAccResource_diagnostics(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		custom := func(file, body string) string {
			return providerBlock(target, provisionersFromFiles(t, file)) + "resource \"score_resource\" \"x\" {\n" + body + "\n}\n"
		}
		runTest(t,
			resource.TestStep{
				Config: custom("bad-field.provisioners.yaml", `type = "bad"
id = "x"`),
				ExpectError: errorMatching("Invalid provisioner definition", "provisioners[0] entry 0 (template://custom/bad, line 1)", `unknown field "bogus_field"`),
			},
			resource.TestStep{
				Config: custom("failing.provisioners.yaml", `type = "failing"
name = "db"
source_workload = "web"`),
				ExpectError: errorMatching("Provisioning failed", "provisioner template://custom/failing for resource 'failing.default#web.db'", "outputs template, line 2", "boom"),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "nosuch"`, `id = "x"`),
				ExpectError: errorMatching("No provisioner for this resource", "resource 'nosuch.default#x'", "not supported by any provisioner for the "+target+" target", "available types:", "postgres", "redis", "volume"),
			},
			resource.TestStep{
				Config:      custom("command.provisioners.yaml", `type = "greeting"`+"\n"+`id = "hello"`),
				ExpectError: errorMatching("Provisioning failed", "cmd://bash", "allow_command_provisioners = true"),
			},
			resource.TestStep{
				Config:      providerBlock("") + postgresBlock(),
				ExpectError: errorMatching("Provider target not set", "score_resource needs the provider's `target` (`kubernetes` or `compose`)"),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "postgres"`, `name = "db"`),
				ExpectError: errorMatching("Invalid Attribute Combination", `Attribute "source_workload" must be specified when "name" is specified`),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "postgres"`),
				ExpectError: errorMatching("Missing Attribute Configuration", "At least one of these attributes must be configured: [id,name]"),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "postgres"`, `id = "x"`, `params = "not an object"`),
				ExpectError: errorMatching("Invalid params", "params must be an object"),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "postgres"`, `id = "x"`, `params = ["a", "b"]`),
				ExpectError: errorMatching("Invalid params", "params must be an object"),
			},
			resource.TestStep{
				Config:      providerBlock(target) + resourceBlock(`type = "post_gres"`, `id = "Bad_ID"`),
				ExpectError: errorMatching("must be a Score resource type", "must be a Score resource id"),
			},
		)
	})
}

// TestAccResource_commandProvisioner: with allow_command_provisioners a cmd:// provisioner runs,
// reads the request on stdin and its JSON answer becomes outputs and secrets.
func TestAccResource_commandProvisioner(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		runTest(t, resource.TestStep{
			Config: providerBlock(target, "allow_command_provisioners = true", provisionersFromFiles(t, "command.provisioners.yaml")) + `
resource "score_resource" "db" {
  type = "greeting"
  id   = "hello"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				expectResourceValue(attrPath("provisioner_uri"), exactString("cmd://bash")),
				expectResourceValue(attrPath("uid"), exactString("greeting.default#hello")),
				expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
					"greeting": exactString("hello"), "uid_seen": exactString("greeting.default#hello"),
				})),
				expectResourceValue(attrPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"token": exactString("cmd-t0ken")})),
				checkAttrs(resourceAddr, func(attrs map[string]any) error {
					stored, err := storedState(attrs)
					if err != nil {
						return err
					}
					if got, _ := json.Marshal(stored["state"]); string(got) != `{"calls":1}` {
						return fmt.Errorf("stored state %s", got)
					}
					return nil
				}),
			},
		})
	})
}

// --- 7. custom provisioners ---

// upstreamProvisioners returns the path of an upstream default provisioners file from
// ../shared/conformance/provisioners (next to the repository), or skips the test.
func upstreamProvisioners(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "conformance", "provisioners", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("upstream provisioners file %s is not present (it lives in ../shared/conformance/provisioners next to the repository): %v", p, err)
	}
	return p
}

func TestAccResource_upstreamProvisioners(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"compose":    "score-compose.default.provisioners.yaml",
		"kubernetes": "score-k8s.default.provisioners.yaml",
	}
	eachTarget(t, func(t *testing.T, target string) {
		file := upstreamProvisioners(t, files[target])
		checks := []statecheck.StateCheck{
			expectResourceValue(attrPath("provisioner_uri"), exactString("template://default-provisioners/redis")),
			expectResourceValue(attrPath("uid"), exactString("redis.default#web.cache")),
		}
		switch target {
		case "compose":
			checks = append(checks,
				expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
					"host": matchingString(`^redis-[A-Za-z0-9]{6}$`), "port": exactString("6379"), "username": exactString("default"),
				})),
				expectResourceValue(attrPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"password": matchingString(`^[A-Za-z0-9]{16}$`)})),
				expectResourceValue(attrPath("compose_yaml"), matchingString(`(?s)services:\n  redis-[A-Za-z0-9]{6}:\n.*image: mirror.gcr.io/redis:7-alpine\n`)),
				expectResourceValue(attrPath("compose_env"), matchingString(`^REDIS_DEFAULT_WEB_CACHE_PASSWORD='[A-Za-z0-9]{16}'\n$`)),
				// redis.conf holds the password: it is a secret file.
				expectResourceValue(attrPath("files"), knownvalue.MapSizeExact(0)),
				expectResourceValue(attrPath("secret_files"), knownvalue.MapSizeExact(1)),
				checkAttrs(resourceAddr, func(attrs map[string]any) error {
					password, _ := stringAttr(attrs, "secrets", "password")
					host, _ := stringAttr(attrs, "outputs", "host")
					conf, err := stringAttr(attrs, "secret_files", "mounts/"+host+"/redis.conf")
					if err != nil {
						return fmt.Errorf("%v (secret_files: %v)", err, attrs["secret_files"])
					}
					if !strings.Contains(conf, "requirepass "+password+"\n") {
						return fmt.Errorf("redis.conf does not hold the password:\n%s", conf)
					}
					yml, _ := stringAttr(attrs, "compose_yaml")
					if strings.Contains(yml, password) {
						return fmt.Errorf("compose_yaml holds the password")
					}
					return nil
				}),
			)
		case "kubernetes":
			checks = append(checks,
				expectResourceValue(attrPath("outputs"), knownvalue.MapPartial(map[string]knownvalue.Check{
					"host": matchingString(`^redis-web-[0-9a-f]{8}$`), "port": exactString("6379"), "username": exactString("default"),
				})),
				expectResourceValue(attrPath("secrets"), knownvalue.MapSizeExact(1)),
				checkAttrs(resourceAddr, func(attrs map[string]any) error {
					host, _ := stringAttr(attrs, "outputs", "host")
					var keys []string
					for k := range attrs["manifests"].(map[string]any) {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					if want := []string{"apps/v1/StatefulSet/_/" + host, "core/v1/Service/_/" + host}; strings.Join(keys, ",") != strings.Join(want, ",") {
						return fmt.Errorf("manifests keys %q, want %q", keys, want)
					}
					if _, err := stringAttr(attrs, "secret_manifests", "core/v1/Secret/_/"+host); err != nil {
						return err
					}
					return nil
				}),
			)
		}
		runTest(t, resource.TestStep{
			Config: providerBlock(target, provisionersFromFiles(t, file)) + `
resource "score_resource" "db" {
  type            = "redis"
  name            = "cache"
  source_workload = "web"
}
`,
			ConfigStateChecks: checks,
		})
	})
}

// TestAccResource_customProvisioners: custom provisioners are matched before the built-in ones
// (by type, then class and id), and default_provisioners = false leaves only them.
func TestAccResource_customProvisioners(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		files := provisionersFromFiles(t, "custom.provisioners.yaml")
		twoResources := `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "real" {
  type            = "postgres"
  name            = "db"
  source_workload = "web"
}
resource "score_resource" "hello" {
  type   = "greeting"
  class  = "friendly"
  id     = "hello"
  params = { name = "score" }
}
`
		runTest(t,
			resource.TestStep{
				Config: providerBlock(target, files) + twoResources,
				ConfigStateChecks: []statecheck.StateCheck{
					// class stub: the custom stub; any other class: the built-in postgres.
					expectResourceValue(attrPath("provisioner_uri"), exactString("template://custom/postgres-stub")),
					expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
						"host": exactString("stub.example.internal"), "port": exactString("5432"),
					})),
					expectResourceValue(attrPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"key": exactString("not-really-secret")})),
					statecheck.ExpectKnownValue("score_resource.real", attrPath("provisioner_uri"), exactString("template://score-tf/postgres")),
					statecheck.ExpectKnownValue("score_resource.hello", attrPath("provisioner_uri"), exactString("template://custom/greeting")),
					statecheck.ExpectKnownValue("score_resource.hello", attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"message": exactString("hello score")})),
					statecheck.ExpectKnownValue("score_resource.hello", attrPath("secrets", "token"), matchingString(`^[A-Za-z0-9]{12}$`)),
				},
			},
			resource.TestStep{
				Config: providerBlock(target, files, "default_provisioners = false") + `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "real" {
  type            = "postgres"
  name            = "db"
  source_workload = "web"
}
`,
				ExpectError: errorMatching("No provisioner for this resource", "resource 'postgres.default#web.db'", "available types: greeting, postgres."),
			},
			resource.TestStep{
				Config: providerBlock(target, files, "default_provisioners = false") + `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "vol" {
  type = "volume"
  id   = "data"
}
`,
				ExpectError: errorMatching("No provisioner for this resource", "resource 'volume.default#data'", "available types: greeting, postgres."),
			},
		)
	})
}

// --- unit tests of the import helpers (no TF_ACC) ---

func TestSplitImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, file, uid string
		ok            bool
	}{
		{".score-compose/state.yaml#postgres.default#web.db", ".score-compose/state.yaml", "postgres.default#web.db", true},
		{"/abs/path/state.yaml#redis.cache#main-cache", "/abs/path/state.yaml", "redis.cache#main-cache", true},
		{"state.yaml#t.c#id", "state.yaml", "t.c#id", true},
		// A '#' in the path is fine: the uid holds exactly one '#', so the split is from the right.
		{"dir#1/state.yaml#postgres.default#web.db", "dir#1/state.yaml", "postgres.default#web.db", true},
		{"C:\\work\\.score-k8s\\state.yaml#postgres.default#web.db", "C:\\work\\.score-k8s\\state.yaml", "postgres.default#web.db", true},
		{"", "", "", false},
		{"state.yaml", "", "", false},
		{"state.yaml#postgres.default", "", "", false},
		{"#postgres.default#web.db", "", "", false}, // no path
		{"postgres.default#web.db", "", "", false},  // no path: "postgres.default" is not taken for one
	} {
		file, uid, err := splitImportID(tc.id)
		if tc.ok {
			if err != nil || file != tc.file || uid != tc.uid {
				t.Errorf("splitImportID(%q) = %q, %q, %v; want %q, %q", tc.id, file, uid, err, tc.file, tc.uid)
			}
			continue
		}
		if err == nil {
			t.Errorf("splitImportID(%q) = %q, %q; want an error", tc.id, file, uid)
		} else if !strings.Contains(err.Error(), "<path to state.yaml>#<resource uid>") {
			t.Errorf("splitImportID(%q): error %q does not explain the format", tc.id, err)
		}
	}
}

func TestReadStateFile(t *testing.T) {
	t.Parallel()
	compose := writeStateFile(t, ".score-compose", composeStateYAML)
	k8s := writeStateFile(t, ".score-k8s", k8sStateYAML)

	res, err := provisioner.ReadStateFile(compose, resourceUID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Type != "postgres" || res.Class != "default" || res.ID != "web.db" || res.SourceWorkload != "web" || res.GUID != "" {
		t.Errorf("compose resource = %+v", res)
	}
	if res.State["password"] != composeImportedPassword || res.State["username"] != "user-XyZwVuTs" {
		t.Errorf("compose state = %v", res.State)
	}
	if inst, _ := res.Shared["default-provisioners-postgres-instance"].(map[string]any); inst["instancePassword"] != "SharedInstancePw" {
		t.Errorf("compose shared = %v", res.Shared)
	}

	res, err = provisioner.ReadStateFile(k8s, resourceUID)
	if err != nil {
		t.Fatal(err)
	}
	if res.GUID != k8sImportedGUID || res.State["service"] != k8sImportedService || res.State["password"] != k8sImportedPassword {
		t.Errorf("k8s resource = %+v", res)
	}
	if ann, _ := res.Metadata["annotations"].(map[string]any); ann["team"] != "platform" {
		t.Errorf("k8s metadata = %v", res.Metadata)
	}
	if res.Params["replicas"] != 1 || !reflect.DeepEqual(res.Params["tags"], []any{"a", "b"}) {
		t.Errorf("k8s params = %#v", res.Params)
	}

	// type, class and id default from the uid when the entry leaves them out.
	minimal := writeStateFile(t, "minimal", "resources:\n  redis.cache#shared:\n    state: {password: x}\n")
	res, err = provisioner.ReadStateFile(minimal, "redis.cache#shared")
	if err != nil {
		t.Fatal(err)
	}
	if res.Type != "redis" || res.Class != "cache" || res.ID != "shared" {
		t.Errorf("minimal resource = %+v", res)
	}

	for _, tc := range []struct {
		name, file, uid string
		want            []string
	}{
		{"missing file", filepath.Join(t.TempDir(), "none.yaml"), resourceUID, []string{"none.yaml", "no such file"}},
		{"missing uid", compose, "postgres.default#web.other", []string{"has no resource 'postgres.default#web.other'", "it has: postgres.default#web.db, redis.default#web.cache"}},
		{"missing uid, k8s", k8s, "redis.default#other", []string{"it has: postgres.default#web.db, redis.default#main-cache"}},
		{"not YAML", writeStateFile(t, "bad", "resources: [\n"), resourceUID, []string{"is not a score-compose or score-k8s state file"}},
		{"wrong shape", writeStateFile(t, "shape", "resources: [a, b]\n"), resourceUID, []string{"is not a score-compose or score-k8s state file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := provisioner.ReadStateFile(tc.file, tc.uid)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestAccResource_workloadServices: workload_services reach the templates as .WorkloadServices,
// ports indexed by name and by number.
func TestAccResource_workloadServices(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		// Compose connects to the container's target port; Kubernetes to the Service port.
		want := map[string]string{"compose": "8080", "kubernetes": "80"}[target]
		cfg := func(hostname, port string) string {
			return providerBlock(target) + `
resource "score_resource" "db" {
  type            = "service-port"
  name            = "api"
  source_workload = "web"
  params          = { workload = "api", port = ` + port + ` }
  workload_services = {
    api = {
      name     = "api"
      hostname = "` + hostname + `"
      ports = {
        web     = { port = 80, target_port = 8080 }
        metrics = { port = 9090, protocol = "TCP" }
      }
    }
  }
}
`
		}
		outputs := func(host, port string) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				expectResourceValue(attrPath("provisioner_uri"), exactString("template://score-tf/service-port")),
				expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"hostname": exactString(host), "port": exactString(port)})),
				expectResourceValue(attrPath("secrets"), knownvalue.MapSizeExact(0)),
			}
		}
		runTest(t,
			resource.TestStep{
				Config:            cfg("api", `"web"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{expectFullyKnown("outputs")}},
				ConfigStateChecks: outputs("api", want),
			},
			resource.TestStep{Config: cfg("api", `80`), ConfigStateChecks: outputs("api", want)},
			resource.TestStep{Config: cfg("api", `"metrics"`), ConfigStateChecks: outputs("api", "9090")},
			resource.TestStep{
				Config: cfg("api.internal", `"metrics"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: outputs("api.internal", "9090"),
			},
			resource.TestStep{
				Config:      cfg("api", `"admin"`),
				ExpectError: errorMatching("Provisioning failed", `workload "api" has no service port "admin"`, "metrics", "web"),
			},
		)
	})
}

// TestAccResource_importSharedResource imports a shared resource (declared with an id): the
// import sets id (not name) and keeps source_workload, and a configuration saying so plans
// nothing and keeps the password.
func TestAccResource_importSharedResource(t *testing.T) {
	t.Parallel()
	statePath := writeStateFile(t, ".score-k8s", k8sStateYAML)
	cfg := providerBlock("kubernetes") + `
resource "score_resource" "db" {
  type            = "redis"
  id              = "main-cache"
  source_workload = "web"
}
`
	const uid = "redis.default#main-cache"
	runTest(t,
		resource.TestStep{
			Config: cfg, ResourceName: resourceAddr, ImportState: true, ImportStatePersist: true,
			ImportStateId: statePath + "#" + uid,
		},
		resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectResourceValue(attrPath("uid"), exactString(uid)),
				expectResourceValue(attrPath("id"), exactString("main-cache")),
				expectResourceValue(attrPath("name"), knownvalue.Null()),
				expectResourceValue(attrPath("provisioner_uri"), exactString("template://score-tf/redis")),
				expectResourceValue(attrPath("outputs", "host"), exactString("redis-web-0b1c2d3e")),
				expectResourceValue(attrPath("secrets", "password"), exactString("SharedRedisPassw0rd")),
			},
		},
	)
}

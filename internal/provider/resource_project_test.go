package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"gopkg.in/yaml.v3"
)

// Acceptance tests for the score_project resource: the workloads of testdata/project (api, web,
// worker; api and worker share the postgres `orders-db`, each has its own redis `cache`, web
// reaches api through a service-port resource, api and web have routes) rendered as one project.
// As in resource_workload_test.go, resource.Test checks after every apply that a second plan is
// empty, and appliedAsPlanned that every value the plan knew is the value the apply produced.

// projectAddr is the score_project every test declares.
const projectAddr = "score_project.shop"

// projectEntry is one `workloads` entry on a line of its own: label = { file = the testdata/project
// score file of name, and the extra attributes }.
func projectEntry(t *testing.T, label, name string, extra ...string) string {
	attrs := append([]string{"file = " + hclString(testdataPath(t, "project", name+".score.yaml"))}, extra...)
	return fmt.Sprintf("%s = { %s }", label, strings.Join(attrs, ", "))
}

// projectHCL is a provider block (lines) and score_project "shop" with the workload entries and
// the extra attribute lines.
func projectHCL(provider string, entries []string, extra ...string) string {
	var b strings.Builder
	b.WriteString(provider)
	b.WriteString("resource \"score_project\" \"shop\" {\n  workloads = {\n")
	for _, e := range entries {
		b.WriteString("    " + e + "\n")
	}
	b.WriteString("  }\n")
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// projectConfig is score_project "shop" of the testdata/project workloads named in labels (each
// under its own name), for target with namespace "shop".
func projectConfig(t *testing.T, target string, labels []string, extra ...string) string {
	entries := make([]string, len(labels))
	for i, l := range labels {
		entries[i] = projectEntry(t, l, l)
	}
	return projectHCL(providerBlock(target, `namespace = "shop"`), entries, extra...)
}

// The resources of the testdata project, and the names the built-in provisioners give them.
const (
	uidOrdersDB    = "postgres.default#orders-db"
	uidAPICache    = "redis.default#api.cache"
	uidWorkerCache = "redis.default#worker.cache"
	uidAPIRoute    = "route.default#api.route"
	uidWebRoute    = "route.default#web.route"
	uidWebAPI      = "service-port.default#web.api"
)

var (
	k8sOrdersDB    = "pg-orders-db-" + nameHash(uidOrdersDB)
	k8sAPICache    = "redis-api-cache-" + nameHash(uidAPICache)
	k8sWorkerCache = "redis-worker-cache-" + nameHash(uidWorkerCache)
)

// projectManifestKeys are the manifests keys of the testdata workloads in namespace ns: each
// workload's own objects and those of the resources they use (each uid once).
func projectManifestKeys(ns string, workloads ...string) []string {
	var keys []string
	add := func(k ...string) { keys = append(keys, k...) }
	statefulSet := func(name string) {
		add("apps/v1/StatefulSet/"+ns+"/"+name, "core/v1/Service/"+ns+"/"+name)
	}
	for _, w := range workloads {
		add("apps/v1/Deployment/" + ns + "/" + w)
		switch w {
		case "api":
			add("core/v1/Service/"+ns+"/api", "gateway.networking.k8s.io/v1/HTTPRoute/"+ns+"/route-api-route-"+nameHash(uidAPIRoute))
			statefulSet(k8sAPICache)
		case "web":
			add("core/v1/Service/"+ns+"/web", "gateway.networking.k8s.io/v1/HTTPRoute/"+ns+"/route-web-route-"+nameHash(uidWebRoute))
		case "worker":
			statefulSet(k8sWorkerCache)
		}
	}
	if slices.Contains(workloads, "api") || slices.Contains(workloads, "worker") {
		statefulSet(k8sOrdersDB)
	}
	sort.Strings(keys)
	return keys
}

// projectSecretKeys are the secret_manifests keys of the testdata workloads in namespace ns.
func projectSecretKeys(ns string, workloads ...string) []string {
	var keys []string
	for _, w := range workloads {
		switch w {
		case "api":
			keys = append(keys, "core/v1/Secret/"+ns+"/api-main-env", "core/v1/Secret/"+ns+"/"+k8sAPICache)
		case "worker":
			keys = append(keys, "core/v1/Secret/"+ns+"/worker-main-env", "core/v1/Secret/"+ns+"/"+k8sWorkerCache)
		}
	}
	if slices.Contains(workloads, "api") || slices.Contains(workloads, "worker") {
		keys = append(keys, "core/v1/Secret/"+ns+"/"+k8sOrdersDB)
	}
	sort.Strings(keys)
	return keys
}

// projectUIDs are the resource uids of the testdata workloads.
func projectUIDs(workloads ...string) []string {
	var uids []string
	for _, w := range workloads {
		switch w {
		case "api":
			uids = append(uids, uidAPICache, uidAPIRoute)
		case "web":
			uids = append(uids, uidWebRoute, uidWebAPI)
		case "worker":
			uids = append(uids, uidWorkerCache)
		}
	}
	if slices.Contains(workloads, "api") || slices.Contains(workloads, "worker") {
		uids = append(uids, uidOrdersDB)
	}
	sort.Strings(uids)
	return uids
}

// expectProjectKnown checks that attributes of projectAddr are not null and hold nothing unknown
// at plan.
func expectProjectKnown(attrs ...string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		rc, err := resourceChange(plan, projectAddr)
		if err != nil {
			return err
		}
		for _, attr := range attrs {
			if anyTrue(topLevelAttr(rc.Change.AfterUnknown, attr)) {
				return fmt.Errorf("%s: partly unknown at plan: %v", attr, topLevelAttr(rc.Change.AfterUnknown, attr))
			}
			if topLevelAttr(rc.Change.After, attr) == nil {
				return fmt.Errorf("%s: null at plan", attr)
			}
		}
		return nil
	})
}

// projectState is what one step left of the project: the state attribute's resource entries
// (raw JSON, by uid) and the generated secrets, by uid and key.
type projectState struct {
	entries map[string]string
	secrets map[string]map[string]string
}

// projectStates records a projectState per step (record) and compares them (expect).
type projectStates map[string]*projectState

// record is a state check saving the project's state as step.
func (ps projectStates) record(step string) statecheck.StateCheck {
	return checkAttrs(projectAddr, func(attrs map[string]any) error {
		var state struct {
			Resources map[string]json.RawMessage `json:"resources"`
		}
		if err := json.Unmarshal([]byte(fmt.Sprint(attrs["state"])), &state); err != nil {
			return fmt.Errorf("state is not JSON: %v", err)
		}
		st := &projectState{entries: map[string]string{}, secrets: map[string]map[string]string{}}
		for uid, raw := range state.Resources {
			st.entries[uid] = string(raw)
		}
		outs, _ := attrs["resource_outputs"].(map[string]any)
		for uid, o := range outs {
			secrets, _ := valueAt(o, "secrets")
			st.secrets[uid] = map[string]string{}
			for k, v := range secrets.(map[string]any) {
				st.secrets[uid][k] = fmt.Sprint(v)
			}
		}
		ps[step] = st
		return nil
	})
}

// expect is a state check, after record(step), that the uids are exactly those of the state
// and of resource_outputs, that same keep the entries and secrets they had at step from, and
// that fresh have secrets that differ from those they had then.
func (ps projectStates) expect(step, from string, uids, same, fresh []string) statecheck.StateCheck {
	return stateCheckFunc(func(*tfjson.State) error {
		now, then := ps[step], ps[from]
		if now == nil || then == nil {
			return fmt.Errorf("steps %q and %q were not recorded", step, from)
		}
		var problems []string
		if got := slices.Sorted(maps.Keys(now.entries)); !slices.Equal(got, uids) {
			problems = append(problems, fmt.Sprintf("state holds %q, want %q", got, uids))
		}
		if got := slices.Sorted(maps.Keys(now.secrets)); !slices.Equal(got, uids) {
			problems = append(problems, fmt.Sprintf("resource_outputs holds %q, want %q", got, uids))
		}
		for _, uid := range same {
			if now.entries[uid] == "" || now.entries[uid] != then.entries[uid] {
				problems = append(problems, fmt.Sprintf("the state entry of %s changed since %s", uid, from))
			}
			if !reflect.DeepEqual(now.secrets[uid], then.secrets[uid]) {
				problems = append(problems, fmt.Sprintf("the generated secrets of %s changed since %s", uid, from))
			}
			// Routes and service ports generate nothing; the others must have something to compare.
			if generates := !strings.HasPrefix(uid, "route.") && !strings.HasPrefix(uid, "service-port."); generates && len(now.secrets[uid]) == 0 {
				problems = append(problems, fmt.Sprintf("%s has no generated secret to compare", uid))
			}
		}
		for _, uid := range fresh {
			if then.secrets[uid]["password"] == "" || now.secrets[uid]["password"] == "" || now.secrets[uid]["password"] == then.secrets[uid]["password"] {
				problems = append(problems, fmt.Sprintf("%s: want a newly generated password (the old one was forgotten with the resource)", uid))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "\n"))
		}
		return nil
	})
}

// composeDoc decodes the project's compose_yaml from the state.
func composeDoc(attrs map[string]any) (map[string]any, error) {
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(fmt.Sprint(attrs["compose_yaml"])), &doc); err != nil {
		return nil, fmt.Errorf("compose_yaml is not YAML: %v", err)
	}
	return doc, nil
}

// ---------------------------------------------------------------------------------------------
// The smoke test: every workload, fewer, and a second plan empty each time.

func TestAccProjectBasics(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		all := []string{"api", "web", "worker"}
		runTest(t,
			resource.TestStep{Config: projectConfig(t, target, all)},
			resource.TestStep{Config: projectConfig(t, target, all), PlanOnly: true},
			resource.TestStep{Config: projectConfig(t, target, []string{"api", "web"})},
			resource.TestStep{Config: projectConfig(t, target, []string{"api", "web"}), PlanOnly: true},
		)
	})
}

// ---------------------------------------------------------------------------------------------
// Plan-time knowledge: with every input known, the first plan knows every manifest key and the
// compose file, every value that does not hold a generated secret, each workload's name and
// service (by label), and resource_outputs by uid; the second plan is empty.

func TestAccProject_planKnown(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		// Labels other than the workload names: name and service come from metadata.name.
		config := projectHCL(providerBlock(target, `namespace = "shop"`), []string{
			projectEntry(t, "backend", "api"), projectEntry(t, "frontend", "web"), projectEntry(t, "jobs", "worker"),
		})
		asPlanned := expectAppliedAsPlanned(projectAddr)
		port := func(p, tp int64) knownvalue.Check {
			return knownvalue.ObjectExact(map[string]knownvalue.Check{
				"port": knownvalue.Int64Exact(p), "target_port": knownvalue.Int64Exact(tp), "protocol": exactString("TCP"),
			})
		}
		service := func(name string, ports map[string]knownvalue.Check) knownvalue.Check {
			return knownvalue.ObjectExact(map[string]knownvalue.Check{
				"name": exactString(name), "hostname": exactString(name), "ports": knownvalue.MapExact(ports),
			})
		}
		dbHost := k8sOrdersDB
		if target == "compose" {
			dbHost = "pg-orders-db"
		}
		checks := []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionCreate),
			asPlanned,
			expectKnownAtPlan(projectAddr, attrPath("workloads", "backend", "name"), exactString("api")),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "frontend", "name"), exactString("web")),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "jobs", "name"), exactString("worker")),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "backend", "service"), service("api", map[string]knownvalue.Check{"http": port(8080, 8080)})),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "frontend", "service"), service("web", map[string]knownvalue.Check{"http": port(80, 3000)})),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "jobs", "service"), service("worker", map[string]knownvalue.Check{})),
			// resource_outputs is keyed by uid; what is not generated is known.
			expectMapKeys(projectAddr, "resource_outputs", projectUIDs("api", "web", "worker")...),
			expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidOrdersDB, "outputs"), exactStringMap(map[string]string{
				"host": dbHost, "port": "5432", "name": "orders_db", "database": "orders_db", "username": "orders_db",
			})),
			expectUnknownAtPlan(projectAddr, attrPath("resource_outputs", uidOrdersDB, "secrets", "password")),
			expectUnknownAtPlan(projectAddr, attrPath("resource_outputs", uidWorkerCache, "secrets", "password")),
			expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidWebAPI), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"outputs": exactStringMap(map[string]string{"hostname": "api", "port": "8080"}), "secrets": exactStringMap(map[string]string{}),
			})),
			expectUnknownAtPlan(projectAddr, attrPath("state")),
		}
		if target == "kubernetes" {
			checks = append(checks,
				expectMapKeys(projectAddr, "manifests", projectManifestKeys("shop", "api", "web", "worker")...),
				// No manifest holds a generated value: the Deployments refer to Secrets.
				expectProjectKnown("manifests"),
				expectKnownAtPlan(projectAddr, attrPath("manifests", "apps/v1/Deployment/shop/web"), yamlLines("- name: API_URL", "value: http://api:8080")),
				expectKnownAtPlan(projectAddr, attrPath("manifests", "apps/v1/Deployment/shop/worker"), yamlLines(
					"- name: CACHE_HOST", "value: "+k8sWorkerCache, "- name: DATABASE_URL", "valueFrom:", "secretKeyRef:", "key: DATABASE_URL", "name: worker-main-env")),
				expectMapKeys(projectAddr, "secret_manifests", projectSecretKeys("shop", "api", "worker")...),
				expectUnknownAtPlan(projectAddr, attrPath("secret_manifests", "core/v1/Secret/shop/"+k8sOrdersDB)),
				expectUnknownAtPlan(projectAddr, attrPath("secret_manifests", "core/v1/Secret/shop/worker-main-env")),
				expectKnownAtPlan(projectAddr, attrPath("compose_yaml"), knownvalue.Null()),
			)
		} else {
			checks = append(checks,
				expectProjectKnown("compose_yaml", "files", "secret_files", "binary_files"),
				expectKnownAtPlan(projectAddr, attrPath("compose_yaml"), yamlLines("name: score", "services:", "api-main:", "...",
					"environment:", "CACHE_HOST: redis-api-cache", "DB_HOST: pg-orders-db", "DB_NAME: orders_db",
					"DB_PASSWORD: ${POSTGRES_DEFAULT_ORDERS_DB_PASSWORD}", "DB_USER: orders_db", "...",
					"web-main:", "...", "depends_on:", "api-main:", "condition: service_started", "required: true", "...",
					"worker-main:", "...", "environment:", "CACHE_HOST: redis-worker-cache",
					"DATABASE_URL: postgres://orders_db:${POSTGRES_DEFAULT_ORDERS_DB_PASSWORD}@pg-orders-db:5432/orders_db")),
				// api's and web's routes are served by one router, with one configuration.
				expectMapKeys(projectAddr, "files", "mounts/router/nginx.conf"),
				expectKnownAtPlan(projectAddr, attrPath("files", "mounts/router/nginx.conf"), matchingString(
					`(?s)# route\.default#api\.route: Prefix /api\n\s*location ~ \^/api\(/\|\$\) \{\n\s*set \$backend http://api:8080;.*`+
						`# route\.default#web\.route: Prefix /\n\s*location / \{\n\s*set \$backend http://web:3000;`)),
				expectKnownAtPlan(projectAddr, attrPath("compose_yaml"), yamlLines("router:", "...", "image: nginx:1.27-alpine", "labels:",
					"dev.score-tf.router: \"true\"", "ports:", "- published: \"8080\"", "target: 80", "...", "web-main:")),
				expectUnknownAtPlan(projectAddr, attrPath("compose_env")),
				expectKnownAtPlan(projectAddr, attrPath("manifests"), knownvalue.Null()),
			)
		}
		runTest(t,
			resource.TestStep{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
				ConfigStateChecks: []statecheck.StateCheck{asPlanned},
			},
			resource.TestStep{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		)
	})
}

// ---------------------------------------------------------------------------------------------
// Stability: workloads removed and added keep every generated value of what stays.

func TestAccProject_addRemoveWorkload(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		all, noWorker := []string{"api", "web", "worker"}, []string{"api", "web"}
		states := projectStates{}
		keys := func(workloads ...string) []plancheck.PlanCheck {
			if target == "kubernetes" {
				return []plancheck.PlanCheck{
					expectMapKeys(projectAddr, "manifests", projectManifestKeys("shop", workloads...)...),
					expectMapKeys(projectAddr, "secret_manifests", projectSecretKeys("shop", workloads...)...),
				}
			}
			return []plancheck.PlanCheck{expectProjectKnown("compose_yaml")}
		}
		// services checks the compose services of the workloads: each workload's and each of its
		// resources' (the shared postgres while one of api and worker is there, the router of the
		// routes while one of api and web is there).
		services := func(workloads ...string) statecheck.StateCheck {
			return checkAttrs(projectAddr, func(attrs map[string]any) error {
				if target != "compose" {
					return nil
				}
				doc, err := composeDoc(attrs)
				if err != nil {
					return err
				}
				var want []string
				for _, w := range workloads {
					want = append(want, w+"-main")
					switch w {
					case "api":
						want = append(want, "redis-api-cache")
					case "worker":
						want = append(want, "redis-worker-cache")
					}
				}
				if slices.Contains(workloads, "api") || slices.Contains(workloads, "worker") {
					want = append(want, "pg-orders-db")
				}
				if slices.Contains(workloads, "api") || slices.Contains(workloads, "web") {
					want = append(want, "router")
				}
				sort.Strings(want)
				svcs, _ := doc["services"].(map[string]any)
				if got := slices.Sorted(maps.Keys(svcs)); !slices.Equal(got, want) {
					return fmt.Errorf("compose services %q, want %q", got, want)
				}
				return nil
			})
		}
		asPlanned := []*appliedAsPlanned{expectAppliedAsPlanned(projectAddr), expectAppliedAsPlanned(projectAddr), expectAppliedAsPlanned(projectAddr)}
		// rendered are the target's attributes.
		rendered := []string{"compose_yaml", "compose_env", "files"}
		if target == "kubernetes" {
			rendered = []string{"manifests", "secret_manifests"}
		}
		runTest(t,
			resource.TestStep{
				Config:            projectConfig(t, target, all),
				ConfigStateChecks: []statecheck.StateCheck{states.record("all"), services(all...)},
			},
			resource.TestStep{
				// worker removed: its objects and its redis go; the shared postgres stays (api uses
				// it), and everything is known at plan: nothing new is generated.
				Config: projectConfig(t, target, noWorker),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(keys(noWorker...),
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionUpdate), asPlanned[0],
					expectMapKeys(projectAddr, "resource_outputs", projectUIDs(noWorker...)...),
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidOrdersDB, "secrets", "password"), knownvalue.NotNull()),
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidAPICache, "secrets", "password"), knownvalue.NotNull()),
					expectKnownAtPlan(projectAddr, attrPath("state"), knownvalue.NotNull()),
					expectProjectKnown(append(rendered, "resource_outputs", "workloads")...),
				)},
				ConfigStateChecks: []statecheck.StateCheck{asPlanned[0], states.record("no worker"), services(noWorker...),
					states.expect("no worker", "all", projectUIDs(noWorker...), projectUIDs(noWorker...), nil)},
			},
			resource.TestStep{
				// worker back: its redis is new (its old password went with it); the rest is kept.
				Config: projectConfig(t, target, all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(keys(all...), asPlanned[1],
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidOrdersDB, "secrets", "password"), knownvalue.NotNull()),
					expectUnknownAtPlan(projectAddr, attrPath("resource_outputs", uidWorkerCache, "secrets", "password")),
				)},
				ConfigStateChecks: []statecheck.StateCheck{asPlanned[1], states.record("worker back"), services(all...),
					states.expect("worker back", "all", projectUIDs(all...), projectUIDs(noWorker...), []string{uidWorkerCache})},
			},
			resource.TestStep{
				// worker alone: api and web go with their resources; the shared postgres stays, as
				// long as one workload uses it.
				Config: projectConfig(t, target, []string{"worker"}),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(keys("worker"), asPlanned[2],
					expectProjectKnown(append(rendered, "resource_outputs", "workloads", "state")...),
				)},
				ConfigStateChecks: []statecheck.StateCheck{asPlanned[2], states.record("worker alone"), services("worker"),
					states.expect("worker alone", "worker back", projectUIDs("worker"), projectUIDs("worker"), nil),
					states.expect("worker alone", "all", projectUIDs("worker"), []string{uidOrdersDB}, nil)},
			},
		)
	})
}

// ---------------------------------------------------------------------------------------------
// Changing a resource's params re-renders it with its generated values kept.

// queueProvisioner is a template provisioner whose outputs show its params and a generated token.
const queueProvisioner = `
- uri: template://test/queue
  type: queue
  init: |
    token: {{ randAlphaNum 24 | quote }}
  state: |
    token: {{ dig "token" .Init.token .State | quote }}
  outputs: |
    name: {{ .Params.name | quote }}
    token: {{ .State.token | quote }}
  expected_outputs: [name, token]
  secret_outputs: [token]
`

func TestAccProject_paramsChangeKeepsGenerated(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		const uidQueue = "queue.default#jobs"
		queueWorkload := func(name string, params string) string {
			text := "apiVersion: score.dev/v1b1\nmetadata: {name: " + name + "}\n" +
				"containers: {main: {image: busybox, variables: {QUEUE: \"${resources.jobs.name}\", TOKEN: \"${resources.jobs.token}\"}}}\n" +
				"resources:\n  jobs: {type: queue, id: jobs" + params + "}\n"
			return name + " = { content = " + hclString(text) + " }"
		}
		config := func(queue, size string) string {
			return projectHCL(providerBlock(target, `namespace = "shop"`, "provisioners = ["+hclString(queueProvisioner)+"]"), []string{
				// api declares the shared postgres with params, worker without: api's count.
				projectEntry(t, "api", "api", `overrides = { "resources.db.params" = "{size: `+size+`}" }`),
				projectEntry(t, "worker", "worker"),
				queueWorkload("producer", ", params: {name: "+queue+"}"),
				queueWorkload("consumer", ""),
			})
		}
		states := projectStates{}
		asPlanned := expectAppliedAsPlanned(projectAddr)
		same := []string{uidOrdersDB, uidQueue}
		rendered := []string{"compose_yaml", "compose_env"}
		if target == "kubernetes" {
			rendered = []string{"manifests", "secret_manifests"}
		}
		runTest(t,
			resource.TestStep{
				Config: config("orders-v1", "small"),
				ConfigStateChecks: []statecheck.StateCheck{states.record("v1"),
					statecheck.ExpectKnownValue(projectAddr, attrPath("resource_outputs", uidQueue, "outputs"), exactStringMap(map[string]string{"name": "orders-v1"}))},
			},
			resource.TestStep{
				Config: config("orders-v2", "large"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionUpdate), asPlanned,
					// The new params are known, and so are the kept generated values.
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidQueue, "outputs"), exactStringMap(map[string]string{"name": "orders-v2"})),
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidQueue, "secrets", "token"), knownvalue.NotNull()),
					expectKnownAtPlan(projectAddr, attrPath("resource_outputs", uidOrdersDB, "secrets", "password"), knownvalue.NotNull()),
					expectProjectKnown(append(rendered, "state")...),
				}},
				ConfigStateChecks: []statecheck.StateCheck{asPlanned, states.record("v2"),
					states.expect("v2", "v1", states1UIDs(), same, nil),
					checkAttrs(projectAddr, func(attrs map[string]any) error {
						text := fmt.Sprint(attrs["compose_yaml"])
						if target == "kubernetes" {
							raw, _ := json.Marshal(attrs["manifests"])
							text = string(raw)
						}
						if !strings.Contains(text, "orders-v2") || strings.Contains(text, "orders-v1") {
							return fmt.Errorf("the new params did not reach the rendered workloads")
						}
						return nil
					})},
			},
		)
	})
}

// states1UIDs are the uids of the params test's project.
func states1UIDs() []string {
	uids := append(projectUIDs("api", "worker"), "queue.default#jobs")
	sort.Strings(uids)
	return uids
}

// ---------------------------------------------------------------------------------------------
// Secrets: only in sensitive values of the plan and state, never in the provider's log.

// projectSecretsConfig is the testdata project with worker's redis bound by uid to a secret
// given in the configuration, which worker uses in a variable; logLevel changes api.
func projectSecretsConfig(t *testing.T, target, logLevel string) string {
	return projectHCL(providerBlock(target, `namespace = "shop"`), []string{
		projectEntry(t, "api", "api", `overrides = { "containers.main.variables.LOG_LEVEL" = "`+logLevel+`" }`),
		projectEntry(t, "web", "web"),
		projectEntry(t, "worker", "worker", `overrides = { "containers.main.variables.CACHE_URL" = "redis://:$${resources.cache.password}@$${resources.cache.host}:6379" }`),
	}, `resources = {`,
		`  "`+uidWorkerCache+`" = { outputs = { host = "cache.example.com" }, secrets = { password = "bound-cache-secret-0123456789" } }`,
		`}`)
}

func TestAccProject_secretsOnlySensitive(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		secrets := &secretCollector{}
		runTest(t,
			resource.TestStep{
				Config:            projectSecretsConfig(t, target, "info"),
				ConfigStateChecks: []statecheck.StateCheck{secrets.collect(), secrets.notInPlainState()},
			},
			resource.TestStep{
				// The update plan knows every secret (from the state and the configuration): none
				// may be in a value the plan does not mark sensitive.
				Config: projectSecretsConfig(t, target, "debug"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(projectAddr, plancheck.ResourceActionUpdate),
					expectProjectKnown(map[string]string{"kubernetes": "secret_manifests", "compose": "compose_env"}[target], "state"),
					secrets.notInPlainPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{secrets.notInPlainState()},
			},
		)
	})
}

// TestAccProject_secretsNotLogged: as TestAccWorkloadResource_secretsNotLogged, for a project.
// t.Setenv keeps it sequential.
func TestAccProject_secretsNotLogged(t *testing.T) {
	for _, target := range targetNames {
		t.Run(target, func(t *testing.T) {
			logFile := filepath.Join(t.TempDir(), "provider.log")
			t.Setenv("TF_LOG", "trace")
			t.Setenv("TF_LOG_PATH", logFile)
			t.Setenv("TF_LOG_SDK_HELPER_RESOURCE", "off")
			secrets := &secretCollector{}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviderFactories,
				Steps: []resource.TestStep{
					{Config: projectSecretsConfig(t, target, "info"), ConfigStateChecks: []statecheck.StateCheck{secrets.collect()}},
					{Config: projectSecretsConfig(t, target, "debug"), ConfigStateChecks: []statecheck.StateCheck{secrets.collect()}},
				},
			})
			data, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatalf("no provider log was written: %v", err)
			}
			log := string(data)
			for _, want := range []string{"score_project", "ModifyPlan", "ApplyResourceChange"} {
				if !strings.Contains(log, want) {
					t.Fatalf("the log (%d bytes) does not mention %q: logging did not reach the file", len(log), want)
				}
			}
			if !slices.Contains(secrets.values, "bound-cache-secret-0123456789") {
				t.Fatal("the bound secret was not collected")
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
// Bad input: each a diagnostic on the attribute and key it is about (terraform shows that line).

func TestAccProject_errors(t *testing.T) {
	type errCase struct {
		name, target string
		config       func(t *testing.T) string
		want         *regexp.Regexp
	}
	all := func(t *testing.T, target string, extra ...string) string {
		return projectConfig(t, target, []string{"api", "web", "worker"}, extra...)
	}
	list := func(attr string, items ...string) []string {
		lines := []string{attr + " = ["}
		for _, i := range items {
			lines = append(lines, "  "+hclString(i)+",")
		}
		return append(lines, "]")
	}
	build := func(entries ...string) []string {
		return append(append([]string{"build = {"}, entries...), "}")
	}
	cases := []errCase{
		{"duplicate-name", "compose", func(t *testing.T) string {
			return projectHCL(providerBlock("compose"), []string{projectEntry(t, "api", "api"), projectEntry(t, "api2", "api")})
		}, errorMatching("Duplicate workload name", "api2 = {", `workloads["api"] and workloads["api2"] are both named "api": workload names (metadata.name) must be unique in a project.`)},
		{"binding-undeclared-uid", "kubernetes", func(t *testing.T) string {
			return all(t, "kubernetes", "resources = {", `  "postgres.default#nope" = { outputs = { host = "db.example.com" } }`, "}")
		}, errorMatching("Cannot render project", `"postgres.default#nope" = {`,
			`a binding is given for resource uid "postgres.default#nope", which no workload declares (declared uids of type postgres: postgres.default#orders-db)`)},
		{"publish-unknown-workload", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "3000:web:3000", "8081:nope:80")...)
		}, errorMatching("Cannot render project", `"8081:nope:80",`, `publish 8081:nope:80: no workload is named "nope" (workloads: api, web, worker)`)},
		{"publish-router-port", "compose", func(t *testing.T) string {
			// The router of api's and web's routes publishes 8080: the diagnostic is on the
			// publish entry that collides with it.
			return all(t, "compose", list("publish", "8080:web:3000")...)
		}, errorMatching("Cannot render project", `"8080:web:3000",`, `publish 8080:web:3000: services "router" and "web-main" both publish host port 8080/tcp`)},
		{"publish-unknown-uid", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "15432:postgres#nope.host:5432")...)
		}, errorMatching("Cannot render project", `"15432:postgres#nope.host:5432",`, `no resource has uid "postgres.default#nope"`)},
		{"publish-output-not-a-service", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "15432:postgres#orders-db.username:5432")...)
		}, errorMatching("Cannot render project", `"15432:postgres#orders-db.username:5432",`, `publish 15432:postgres.default#orders-db.username:5432: no service "orders_db"`)},
		{"publish-secret-output", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "15432:postgres#orders-db.password:5432")...)
		}, errorMatching("Cannot render project", `"15432:postgres#orders-db.password:5432",`, `has no non-secret text output "password" naming a service`)},
		{"publish-malformed", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "3000:web:3000", "x:y")...)
		}, errorMatching("Invalid publish", `"x:y",`, `"x:y" is not HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT`)},
		{"publish-port-0", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "0:web:3000")...)
		}, errorMatching("Invalid publish", `"0:web:3000",`, `"0:web:3000": host port: "0" is not a port number (1-65535)`)},
		{"publish-port-70000", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "8080:web:70000")...)
		}, errorMatching("Invalid publish", `"8080:web:70000",`, `"8080:web:70000": container port: "70000" is not a port number (1-65535)`)},
		{"publish-nothing-named", "compose", func(t *testing.T) string {
			return all(t, "compose", list("publish", "8080::3000")...)
		}, errorMatching("Invalid publish", `"8080::3000",`, `"8080::3000": names no workload or resource uid.output between the ports`)},
		{"build-missing-container", "compose", func(t *testing.T) string {
			return all(t, "compose", build(`  "api.main" = "./api"`, `  "api.sidecar" = "./sidecar"`)...)
		}, errorMatching("Cannot render project", `"api.sidecar" = "./sidecar"`, `workload "api" has no container "sidecar"`)},
		{"build-malformed-key", "compose", func(t *testing.T) string {
			return all(t, "compose", build(`  "api" = "./api"`)...)
		}, errorMatching("Invalid build", `"api" = "./api"`, `"api" is not <workload>.<container>`)},
		{"build-malformed-object", "compose", func(t *testing.T) string {
			return all(t, "compose", build(`  "api.main" = "{ context: ./api"`)...)
		}, errorMatching("Invalid build", `"api.main" = "{ context: ./api"`, `"api.main": the build object does not parse`)},
		{"publish-on-kubernetes", "kubernetes", func(t *testing.T) string {
			return all(t, "kubernetes", list("publish", "8080:web:3000")...)
		}, errorMatching("Cannot render project", "publish", "publish is for the compose target; the provider's target is kubernetes")},
		{"build-on-kubernetes", "kubernetes", func(t *testing.T) string {
			return all(t, "kubernetes", build(`  "api.main" = "./api"`)...)
		}, errorMatching("Cannot render project", "build", "build is for the compose target; the provider's target is kubernetes")},
		{"namespace-on-compose", "compose", func(t *testing.T) string {
			return all(t, "compose", `namespace = "orders"`)
		}, errorMatching("Cannot render project", `namespace = "orders"`, "namespace is for the kubernetes target; the provider's target is compose")},
		{"generate-namespace-on-compose", "compose", func(t *testing.T) string {
			return all(t, "compose", `generate_namespace = true`)
		}, errorMatching("Cannot render project", "generate_namespace = true", "generate_namespace is for the kubernetes target; the provider's target is compose")},
		{"generate-namespace-without-namespace", "kubernetes", func(t *testing.T) string {
			return projectHCL(providerBlock("kubernetes"), []string{projectEntry(t, "api", "api")}, `generate_namespace = true`)
		}, errorMatching("Cannot render project", "generate_namespace = true", "generate_namespace needs a namespace (the project's or the provider's)")},
		{"neither-file-nor-content", "compose", func(t *testing.T) string {
			return projectHCL(providerBlock("compose"), []string{projectEntry(t, "api", "api"), "web = { image = \"web:1\" }"})
		}, errorMatching("Invalid workload", `web = { image = "web:1" }`, "Set exactly one of `file` and `content`.")},
		{"both-file-and-content", "compose", func(t *testing.T) string {
			return projectHCL(providerBlock("compose"), []string{projectEntry(t, "api", "api", `content = "apiVersion: score.dev/v1b1"`)})
		}, errorMatching("Invalid workload", "api = {", "Set exactly one of `file` and `content`.")},
		{"shared-resource-different-params", "kubernetes", func(t *testing.T) string {
			return projectHCL(providerBlock("kubernetes", `namespace = "shop"`), []string{
				projectEntry(t, "backend", "api", `overrides = { "resources.db.params" = "{size: small}" }`),
				projectEntry(t, "jobs", "worker", `overrides = { "resources.orders.params" = "{size: large}" }`),
			})
		}, errorMatching("Cannot render project", "backend = {",
			`workload "api": resources.db: resource 'postgres.default#orders-db' is also declared by workload "worker" (as "orders") with different params or metadata`)},
		{"image-dot-without-build", "compose", func(t *testing.T) string {
			return projectHCL(providerBlock("compose"), []string{projectEntry(t, "api", "api", `overrides = { "containers.main.image" = "." }`)})
		}, errorMatching("Invalid score file", "containers.main.image", `the image is "." (built elsewhere) but no image was given to replace it`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			runTest(t, resource.TestStep{Config: c.config(t), ExpectError: c.want})
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Features.

// publish puts host ports on the right services, next to the router's 8080 (which web therefore
// is not published on: TestAccProject_errors); build replaces images by builds (and lets a
// score file's image be "."), as a context or a compose build object.
func TestAccProject_publishAndBuild(t *testing.T) {
	t.Parallel()
	tool := "apiVersion: score.dev/v1b1\nmetadata: {name: tool}\ncontainers: {main: {image: .}}\n"
	config := projectHCL(providerBlock("compose"), []string{
		projectEntry(t, "api", "api"), projectEntry(t, "web", "web"), projectEntry(t, "worker", "worker"),
		"tool = { content = " + hclString(tool) + " }",
	},
		`publish = ["3000:web:3000", "15432:postgres#orders-db.host:5432"]`,
		`build = {`,
		`  "api.main"  = "./api"`,
		`  "tool.main" = "{ context: ./x, dockerfile: D }"`,
		`}`)
	asPlanned := expectAppliedAsPlanned(projectAddr)
	runTest(t, resource.TestStep{
		Config: config,
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			asPlanned, expectProjectKnown("compose_yaml"),
			expectKnownAtPlan(projectAddr, attrPath("workloads", "tool", "name"), exactString("tool")),
		}},
		ConfigStateChecks: []statecheck.StateCheck{asPlanned, checkAttrs(projectAddr, func(attrs map[string]any) error {
			doc, err := composeDoc(attrs)
			if err != nil {
				return err
			}
			svcs, _ := doc["services"].(map[string]any)
			svc := func(name string) map[string]any {
				m, _ := svcs[name].(map[string]any)
				return m
			}
			var problems []string
			want := map[string]any{
				"web-main":     []any{map[string]any{"published": "3000", "target": 3000}},
				"pg-orders-db": []any{map[string]any{"published": "15432", "target": 5432}},
				"router":       []any{map[string]any{"published": "8080", "target": 80}},
			}
			for name, ports := range want {
				if got := svc(name)["ports"]; !reflect.DeepEqual(got, ports) {
					problems = append(problems, fmt.Sprintf("%s: ports %v, want %v", name, got, ports))
				}
			}
			for _, name := range []string{"api-main", "worker-main", "tool-main", "redis-api-cache"} {
				if ports, ok := svc(name)["ports"]; ok {
					problems = append(problems, fmt.Sprintf("%s publishes %v: nothing asked for it", name, ports))
				}
			}
			builds := map[string]any{
				"api-main":  map[string]any{"context": "./api"},
				"tool-main": map[string]any{"context": "./x", "dockerfile": "D"},
			}
			for name, b := range builds {
				if got := svc(name)["build"]; !reflect.DeepEqual(got, b) {
					problems = append(problems, fmt.Sprintf("%s: build %v, want %v", name, got, b))
				}
				if image, ok := svc(name)["image"]; ok {
					problems = append(problems, fmt.Sprintf("%s is built, yet has image %v", name, image))
				}
			}
			if svc("web-main")["image"] != "ghcr.io/example/web:1.0" || svc("web-main")["build"] != nil {
				problems = append(problems, "web-main lost its image")
			}
			if len(problems) > 0 {
				return fmt.Errorf("%s", strings.Join(problems, "\n"))
			}
			return nil
		})},
	})
}

// namespace replaces the provider's; generate_namespace adds the Namespace object (of the
// project's namespace, else the provider's).
func TestAccProject_namespace(t *testing.T) {
	t.Parallel()
	workloads := []string{"api", "web", "worker"}
	keys := func(ns string, namespaceObject bool) []string {
		k := append(projectManifestKeys(ns, workloads...), func() []string {
			if namespaceObject {
				return []string{"core/v1/Namespace/_/" + ns}
			}
			return nil
		}()...)
		sort.Strings(k)
		return k
	}
	step := func(ns string, namespaceObject bool, extra ...string) resource.TestStep {
		checks := []plancheck.PlanCheck{
			expectMapKeys(projectAddr, "manifests", keys(ns, namespaceObject)...),
			expectMapKeys(projectAddr, "secret_manifests", projectSecretKeys(ns, workloads...)...),
			expectProjectKnown("manifests"),
			expectKnownAtPlan(projectAddr, attrPath("manifests", "apps/v1/Deployment/"+ns+"/api"), yamlLines("name: api", "namespace: "+ns)),
		}
		if namespaceObject {
			checks = append(checks, expectKnownAtPlan(projectAddr, attrPath("manifests", "core/v1/Namespace/_/"+ns), knownvalue.StringExact(
				"apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    app.kubernetes.io/managed-by: score-tf\n  name: "+ns+"\n")))
		}
		return resource.TestStep{
			Config:           projectConfig(t, "kubernetes", workloads, extra...),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
		}
	}
	runTest(t,
		step("orders", true, `namespace = "orders"`, `generate_namespace = true`),
		step("orders", false, `namespace = "orders"`),
		step("shop", true, `generate_namespace = true`),
		step("shop", false, `generate_namespace = false`),
	)
}

// A binding by uid replaces provisioning: the workloads that declare the uid use the bound
// values, the bound secret only through a Secret or compose_env, and the project provisions
// nothing for it.
func TestAccProject_bindByUID(t *testing.T) {
	const password = "bound-db-secret-value-42"
	eachTarget(t, func(t *testing.T, target string) {
		config := projectConfig(t, target, []string{"api", "web", "worker"},
			`resources = {`,
			`  "`+uidOrdersDB+`" = {`,
			`    outputs = { host = "db.example.com", port = "5432", name = "orders", database = "orders", username = "shop" }`,
			`    secrets = { password = "`+password+`" }`,
			`  }`,
			`}`)
		asPlanned := expectAppliedAsPlanned(projectAddr)
		uids := slices.DeleteFunc(projectUIDs("api", "web", "worker"), func(u string) bool { return u == uidOrdersDB })
		checks := []plancheck.PlanCheck{asPlanned, expectMapKeys(projectAddr, "resource_outputs", uids...)}
		var after []statecheck.StateCheck
		if target == "kubernetes" {
			var manifests []string
			for _, k := range projectManifestKeys("shop", "api", "web", "worker") {
				if !strings.Contains(k, k8sOrdersDB) {
					manifests = append(manifests, k)
				}
			}
			checks = append(checks,
				expectMapKeys(projectAddr, "manifests", manifests...),
				expectProjectKnown("manifests"),
				expectKnownAtPlan(projectAddr, attrPath("manifests", "apps/v1/Deployment/shop/api"), yamlLines(
					"- name: CACHE_HOST", "value: "+k8sAPICache, "- name: DB_HOST", "value: db.example.com", "- name: DB_NAME", "value: orders",
					"- name: DB_PASSWORD", "valueFrom:", "secretKeyRef:", "key: DB_PASSWORD", "name: api-main-env", "- name: DB_USER", "value: shop")),
				expectMapKeys(projectAddr, "secret_manifests", "core/v1/Secret/shop/api-main-env", "core/v1/Secret/shop/worker-main-env",
					"core/v1/Secret/shop/"+k8sAPICache, "core/v1/Secret/shop/"+k8sWorkerCache),
			)
			after = append(after,
				statecheck.ExpectKnownValue(projectAddr, attrPath("secret_manifests", "core/v1/Secret/shop/api-main-env"),
					yamlLines("data:", "DB_PASSWORD: "+base64Text(password))),
				checkAttrs(projectAddr, func(attrs map[string]any) error {
					text, _ := json.Marshal(attrs["manifests"])
					if strings.Contains(string(text), password) || strings.Contains(string(text), base64Text(password)) {
						return fmt.Errorf("manifests hold the bound password")
					}
					return nil
				}))
		} else {
			checks = append(checks,
				expectProjectKnown("compose_yaml"),
				expectKnownAtPlan(projectAddr, attrPath("compose_yaml"), yamlLines("api-main:", "...", "environment:", "CACHE_HOST: redis-api-cache",
					"DB_HOST: db.example.com", "DB_NAME: orders", "DB_PASSWORD: ${POSTGRES_DEFAULT_ORDERS_DB_PASSWORD}", "DB_USER: shop")),
				expectKnownAtPlan(projectAddr, attrPath("compose_yaml"), yamlLines("worker-main:", "...", "environment:", "CACHE_HOST: redis-worker-cache",
					"DATABASE_URL: postgres://shop:${POSTGRES_DEFAULT_ORDERS_DB_PASSWORD}@db.example.com:5432/orders")),
			)
			after = append(after,
				statecheck.ExpectKnownValue(projectAddr, attrPath("compose_env"), matchingString(`(?m)^POSTGRES_DEFAULT_ORDERS_DB_PASSWORD='`+password+`'$`)),
				checkAttrs(projectAddr, func(attrs map[string]any) error {
					if text := fmt.Sprint(attrs["compose_yaml"]); strings.Contains(text, "pg-orders-db") || strings.Contains(text, password) {
						return fmt.Errorf("compose_yaml provisions the bound postgres or holds its password")
					}
					return nil
				}),
			)
		}
		runTest(t, resource.TestStep{
			Config:            config,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: checks},
			ConfigStateChecks: append(after, asPlanned),
		})
	})
}

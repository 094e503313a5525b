package engine

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	yamlv3 "gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/render/document"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

const pjAPI = `apiVersion: score.dev/v1b1
metadata: {name: api}
containers:
  main:
    image: ghcr.io/example/api:1.0
    variables:
      DB_HOST: ${resources.db.host}
      DB_PASSWORD: ${resources.db.password}
      CACHE: ${resources.cache.host}
service:
  ports:
    http: {port: 8080}
resources:
  db: {type: postgres, id: orders-db}
  cache: {type: redis}
  route: {type: route, params: {host: shop.localhost, path: /api, port: http}}
`

const pjWeb = `apiVersion: score.dev/v1b1
metadata: {name: web}
containers:
  main:
    image: ghcr.io/example/web:1.0
    variables:
      API: http://${resources.api.hostname}:${resources.api.port}
service:
  ports:
    http: {port: 80, targetPort: 3000}
resources:
  api: {type: service-port, params: {workload: api, port: http}}
  route: {type: route, params: {host: shop.localhost, path: /, port: http}}
`

const pjWorker = `apiVersion: score.dev/v1b1
metadata: {name: worker}
containers:
  main:
    image: ghcr.io/example/worker:1.0
    variables:
      DB: postgres://${resources.orders.username}:${resources.orders.password}@${resources.orders.host}/${resources.orders.database}
      CACHE: ${resources.cache.host}
resources:
  orders: {type: postgres, id: orders-db}
  cache: {type: redis}
`

func pjWorkloads(tb testing.TB, texts ...string) []*loader.Workload {
	var ws []*loader.Workload
	for _, t := range texts {
		ws = append(ws, wlLoadText(tb, t))
	}
	return ws
}

func pjRender(tb testing.TB, target targets.Target, req ProjectRequest) *Project {
	tb.Helper()
	out, err := RenderProject(context.Background(), wlSettings(tb, target, ""), req)
	if err != nil {
		tb.Fatalf("RenderProject(%s): %v", target, err)
	}
	return out
}

// pjFlatten is everything a render produced, one entry per independently meaningful piece:
// each manifest, each compose service/volume/config/network by name, each compose_env variable,
// each file, each resource's outputs, each resource's stored state, the shared state, each
// workload's service, and the messages.
func pjFlatten(tb testing.TB, p *Project) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for k, v := range p.Manifests {
		out["manifests/"+k] = v
	}
	for k, v := range p.SecretManifests {
		out["secret_manifests/"+k] = v
	}
	if p.ComposeYAML != "" {
		var doc map[string]any
		if err := yamlv3.Unmarshal([]byte(p.ComposeYAML), &doc); err != nil {
			tb.Fatalf("compose_yaml: %v", err)
		}
		for section, v := range doc {
			m, ok := v.(map[string]any)
			if !ok {
				out["compose_yaml/"+section] = fmt.Sprint(v)
				continue
			}
			for name, e := range m {
				text, err := yamlv3.Marshal(e)
				if err != nil {
					tb.Fatal(err)
				}
				out["compose_yaml/"+section+"/"+name] = string(text)
			}
		}
	}
	env, err := dotenv.UnmarshalBytesWithLookup([]byte(p.ComposeEnv), nil)
	if err != nil {
		tb.Fatalf("compose_env: %v", err)
	}
	for k, v := range env {
		out["compose_env/"+k] = v
	}
	for name, m := range map[string]map[string]string{"files": p.Files, "secret_files": p.SecretFiles, "binary_files": p.BinaryFiles} {
		for k, v := range m {
			out[name+"/"+k] = v
		}
	}
	for uid, ro := range p.ResourceOutputs {
		text, _ := json.Marshal(ro)
		out["resource_outputs/"+uid] = string(text)
	}
	for uid, st := range p.State.Resources {
		text, _ := json.Marshal(st)
		out["state/resources/"+uid] = string(text)
	}
	if len(p.State.Shared) > 0 {
		text, _ := json.Marshal(p.State.Shared)
		out["state/shared"] = string(text)
	}
	for name, svc := range p.Services {
		text, _ := json.Marshal(svc)
		out["services/"+name] = string(text)
	}
	if len(p.Messages) > 0 {
		out["messages"] = strings.Join(p.Messages, "\n")
	}
	return out
}

// pjHash is the 6 hex digits of sha256(uid) the built-in kubernetes provisioners append to names.
func pjHash(uid string) string {
	sum := sha256.Sum256([]byte(uid))
	return hex.EncodeToString(sum[:])[:6]
}

// pjCompose decodes a project's compose file as plain values.
func pjCompose(tb testing.TB, p *Project) map[string]any {
	tb.Helper()
	var doc map[string]any
	if err := yamlv3.Unmarshal([]byte(p.ComposeYAML), &doc); err != nil {
		tb.Fatalf("compose_yaml: %v\n%s", err, p.ComposeYAML)
	}
	return doc
}

// pjService is one service of a project's compose file.
func pjService(tb testing.TB, p *Project, name string) map[string]any {
	tb.Helper()
	svc, ok := wlDig(pjCompose(tb, p), "services", name).(map[string]any)
	if !ok {
		tb.Fatalf("no service %q in compose_yaml:\n%s", name, p.ComposeYAML)
	}
	return svc
}

// The project of the three fixtures renders, for each target, exactly the objects or services
// score-k8s / score-compose would: every workload's own, every resource uid's once (the shared
// postgres once), and the target's own loader accepts the result.
func TestProjectRendersEachUIDOnce(t *testing.T) {
	pg, apiCache, workerCache := "pg-orders-db-"+pjHash("postgres.default#orders-db"),
		"redis-api-cache-"+pjHash("redis.default#api.cache"), "redis-worker-cache-"+pjHash("redis.default#worker.cache")
	want := map[targets.Target][]string{
		targets.Kubernetes: {
			"manifests/apps/v1/Deployment/demo/api", "manifests/apps/v1/Deployment/demo/web", "manifests/apps/v1/Deployment/demo/worker",
			"manifests/apps/v1/StatefulSet/demo/" + pg, "manifests/apps/v1/StatefulSet/demo/" + apiCache, "manifests/apps/v1/StatefulSet/demo/" + workerCache,
			"manifests/core/v1/Service/demo/api", "manifests/core/v1/Service/demo/web",
			"manifests/core/v1/Service/demo/" + pg, "manifests/core/v1/Service/demo/" + apiCache, "manifests/core/v1/Service/demo/" + workerCache,
			"manifests/gateway.networking.k8s.io/v1/HTTPRoute/demo/route-api-route-" + pjHash("route.default#api.route"),
			"manifests/gateway.networking.k8s.io/v1/HTTPRoute/demo/route-web-route-" + pjHash("route.default#web.route"),
			"secret_manifests/core/v1/Secret/demo/api-main-env", "secret_manifests/core/v1/Secret/demo/worker-main-env",
			"secret_manifests/core/v1/Secret/demo/" + pg, "secret_manifests/core/v1/Secret/demo/" + apiCache, "secret_manifests/core/v1/Secret/demo/" + workerCache,
		},
		targets.Compose: {
			"compose_yaml/name",
			"compose_yaml/services/api-main", "compose_yaml/services/web-main", "compose_yaml/services/worker-main",
			"compose_yaml/services/pg-orders-db", "compose_yaml/services/redis-api-cache", "compose_yaml/services/redis-worker-cache",
			// Both routes are served by the one router, with one configuration.
			"compose_yaml/services/router",
			"compose_yaml/volumes/pg-orders-db-data", "compose_yaml/volumes/redis-api-cache-data", "compose_yaml/volumes/redis-worker-cache-data",
			"compose_env/POSTGRES_DEFAULT_ORDERS_DB_PASSWORD", "compose_env/REDIS_DEFAULT_API_CACHE_PASSWORD", "compose_env/REDIS_DEFAULT_WORKER_CACHE_PASSWORD",
			"files/mounts/router/nginx.conf",
		},
	}
	uids := []string{"postgres.default#orders-db", "redis.default#api.cache", "redis.default#worker.cache",
		"route.default#api.route", "route.default#web.route", "service-port.default#web.api"}
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			out := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
			wlCheckTarget(t, target, pjAsWorkload(out), nil)
			var got []string
			for k := range pjFlatten(t, out) {
				if strings.HasPrefix(k, "manifests/") || strings.HasPrefix(k, "secret_manifests/") || strings.HasPrefix(k, "compose_") || strings.HasPrefix(k, "files/") || strings.HasPrefix(k, "secret_files/") {
					got = append(got, k)
				}
			}
			slices.Sort(got)
			if w := slices.Sorted(slices.Values(want[target])); !slices.Equal(got, w) {
				t.Errorf("rendered pieces:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(w, "\n  "))
			}
			if got := wlSortedKeys(out.ResourceOutputs); !slices.Equal(got, uids) {
				t.Errorf("resource_outputs keys %q, want the uids %q", got, uids)
			}
			if got := wlSortedKeys(out.State.Resources); !slices.Equal(got, uids) {
				t.Errorf("state keys %q, want the uids %q", got, uids)
			}
			for _, name := range []string{"api", "web", "worker"} {
				if svc := out.Services[name]; svc.Name != name || svc.Hostname != name {
					t.Errorf("services[%q] = %+v", name, svc)
				}
			}
			// One provisioning: both declarers see the same outputs.
			if out.ResourceOutputs["postgres.default#orders-db"].Secrets["password"] == "" {
				t.Errorf("the shared postgres has no password")
			}
			if target == targets.Compose {
				pjCheckRouter(t, out, pjRouterAPI, pjRouterWeb)
			}
		})
	}
}

// pjRoute is a route as the compose router's nginx.conf serves it: its uid, and the lines the
// configuration gives it (the comment naming it, its location, its backend).
type pjRoute struct{ uid, lines string }

// The routes of pjAPI and pjWeb.
var (
	pjRouterAPI = pjRoute{"route.default#api.route", "    # route.default#api.route: Prefix /api\n    location ~ ^/api(/|$) {\n      set $backend http://api:8080;\n"}
	pjRouterWeb = pjRoute{"route.default#web.route", "    # route.default#web.route: Prefix /\n    location / {\n      set $backend http://web:3000;\n"}
)

// pjCheckRouter checks the compose router of a project whose routes are those given: one service
// labelled as the router, "router", publishing host port 8080 on 80 and mounting
// mounts/router/nginx.conf, which serves exactly those routes, as does the shared state.
func pjCheckRouter(tb testing.TB, p *Project, routes ...pjRoute) {
	tb.Helper()
	var routers []string
	for name, svc := range pjCompose(tb, p)["services"].(map[string]any) {
		if labels, _ := svc.(map[string]any)["labels"].(map[string]any); labels["dev.score-tf.router"] != nil {
			routers = append(routers, name)
		}
	}
	if !slices.Equal(routers, []string{"router"}) {
		tb.Fatalf("router services %q, want one, \"router\"", routers)
	}
	router := pjService(tb, p, "router")
	if ports := fmt.Sprint(router["ports"]); ports != "[map[published:8080 target:80]]" {
		tb.Errorf("the router publishes %s, want host port 8080 on 80", ports)
	}
	if volumes := fmt.Sprint(router["volumes"]); !strings.Contains(volumes, "source:./mounts/router/nginx.conf target:/etc/nginx/nginx.conf") {
		tb.Errorf("the router does not mount mounts/router/nginx.conf: %s", volumes)
	}
	conf := p.Files["mounts/router/nginx.conf"]
	var uids []string
	for _, r := range routes {
		uids = append(uids, r.uid)
		if !strings.Contains(conf, r.lines) {
			tb.Errorf("the router's nginx.conf does not serve %s with\n%s\nit is:\n%s", r.uid, r.lines, conf)
		}
	}
	if n := strings.Count(conf, "    # route."); n != len(routes) {
		tb.Errorf("the router's nginx.conf serves %d routes, want %d:\n%s", n, len(routes), conf)
	}
	var shared []string
	if r, ok := p.State.Shared["score-tf-router"].(map[string]any); ok {
		if rs, ok := r["routes"].(map[string]any); ok {
			shared = wlSortedKeys(rs)
		}
	}
	if slices.Sort(uids); !slices.Equal(shared, uids) {
		tb.Errorf("the shared state holds the routes %q, want %q", shared, uids)
	}
}

// ---------------------------------------------------------------------------------------------
// Bad inputs.
// ---------------------------------------------------------------------------------------------

// Each bad input fails RenderProject with the message given (every word checked), of the type the
// provider turns into a diagnostic on the right attribute: ProjectProblems by workload (and
// `resources` key), OptionError by publish index or build key, or a plain error.
func TestProjectBadInputs(t *testing.T) {
	all := func(t *testing.T) []*loader.Workload { return pjWorkloads(t, pjAPI, pjWeb, pjWorker) }
	probe := `
- uri: template://test/probe
  type: probe
  outputs: |
    who: {{ dig "who" "" .Params | quote }}
`
	shared := func(name, params string) string {
		return "apiVersion: score.dev/v1b1\nmetadata: {name: " + name + "}\ncontainers: {main: {image: busybox}}\n" +
			"resources:\n  shared: {type: probe, id: common" + params + "}\n"
	}
	cases := []struct {
		name        string
		target      targets.Target
		noNamespace bool
		extra       string
		req         func(t *testing.T) ProjectRequest
		// want is the whole error text; kind is the error's type.
		want string
		kind any
	}{
		{"duplicate name", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjAPI)}
		}, `two workloads are named "api": workload names must be unique in a project`, nil},
		{"binding for an undeclared uid", targets.Kubernetes, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Bindings: map[string]Binding{"postgres.default#nope": {Outputs: map[string]string{"host": "db"}}}}
		}, `resources["postgres.default#nope"]: a binding is given for resource uid "postgres.default#nope", which no workload declares (declared uids of type postgres: postgres.default#orders-db)`, ProjectProblems{}},
		{"binding by resource name, not uid", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Bindings: map[string]Binding{"db": {Outputs: map[string]string{"host": "db"}}}}
		}, `resources.db: a binding is given for resource uid "db", which no workload declares`, ProjectProblems{}},
		{"publish: unknown workload", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 8080, Workload: "nope", ContainerPort: 80}}}
		}, `publish 8080:nope:80: no workload is named "nope" (workloads: api, web, worker)`, &OptionError{}},
		{"publish: unknown uid", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{
				{HostPort: 3000, Workload: "web", ContainerPort: 3000},
				{HostPort: 5432, UID: "postgres.default#nope", Output: "host", ContainerPort: 5432}}}
		}, `publish 5432:postgres.default#nope.host:5432: no resource has uid "postgres.default#nope"`, &OptionError{}},
		{"publish: output naming no service", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 5432, UID: "postgres.default#orders-db", Output: "username", ContainerPort: 5432}}}
		}, `publish 5432:postgres.default#orders-db.username:5432: no service "orders_db"`, &OptionError{}},
		{"publish: output not text", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 5432, UID: "postgres.default#orders-db", Output: "port", ContainerPort: 5432}}}
		}, `publish 5432:postgres.default#orders-db.port:5432: resource 'postgres.default#orders-db' has no non-secret text output "port" naming a service`, &OptionError{}},
		{"publish: secret output", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 5432, UID: "postgres.default#orders-db", Output: "password", ContainerPort: 5432}}}
		}, `publish 5432:postgres.default#orders-db.password:5432: resource 'postgres.default#orders-db' has no non-secret text output "password" naming a service`, &OptionError{}},
		{"publish: missing output", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 5432, UID: "postgres.default#orders-db", Output: "hostname", ContainerPort: 5432}}}
		}, `publish 5432:postgres.default#orders-db.hostname:5432: resource 'postgres.default#orders-db' has no non-secret text output "hostname" naming a service`, &OptionError{}},
		{"build: missing container", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Builds: []Build{{Workload: "api", Container: "sidecar", Context: map[string]any{"context": "."}}}}
		}, `workload "api" has no container "sidecar"`, &OptionError{}},
		{"build: missing workload", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Builds: []Build{{Workload: "nope", Container: "main", Context: map[string]any{"context": "."}}}}
		}, `workload "nope" has no container "main"`, &OptionError{}},
		{"build: a resource's service", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			// pg-orders-db is not <workload>-<container> of a workload: no build can replace its image.
			return ProjectRequest{Workloads: all(t), Builds: []Build{{Workload: "pg", Container: "orders-db", Context: map[string]any{"context": "."}}}}
		}, `workload "pg" has no container "orders-db"`, &OptionError{}},
		{"publish on kubernetes", targets.Kubernetes, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 8080, Workload: "web", ContainerPort: 3000}}}
		}, `publish is for the compose target; the provider's target is kubernetes`, &OptionError{}},
		{"build on kubernetes", targets.Kubernetes, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Builds: []Build{{Workload: "api", Container: "main", Context: map[string]any{"context": "."}}}}
		}, `build is for the compose target; the provider's target is kubernetes`, &OptionError{}},
		{"namespace on compose", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Namespace: "orders"}
		}, `namespace is for the kubernetes target; the provider's target is compose`, &OptionError{}},
		{"generate_namespace on compose", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), GenerateNamespace: true}
		}, `generate_namespace is for the kubernetes target; the provider's target is compose`, &OptionError{}},
		{"generate_namespace without a namespace", targets.Kubernetes, true, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), GenerateNamespace: true}
		}, `generate_namespace needs a namespace (the project's or the provider's)`, &OptionError{}},
		{"service-port to a workload outside the project", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: pjWorkloads(t, pjWeb, pjWorker)}
		}, `workload "web": resources.api: provisioner template://score-tf/service-port for resource 'service-port.default#web.api': outputs template, line 7: unknown workload "api" (workloads with services: web, worker); pass its service in workload_services, or render both workloads in one score_project`, ProjectProblems{}},
		{"service-port to a workload outside the project (kubernetes)", targets.Kubernetes, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: pjWorkloads(t, pjWeb, pjWorker)}
		}, `workload "web": resources.api: provisioner template://score-tf/service-port for resource 'service-port.default#web.api': outputs template, line 7: service-port: unknown workload "api" in params.workload (known workloads: web, worker); pass its service in workload_services, or render both workloads in one score_project`, ProjectProblems{}},
		{"publish: the router's host port", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			// The router of the routes publishes host port 8080: a publish of it would only fail
			// at docker compose up.
			return ProjectRequest{Workloads: all(t), Publish: []Publish{{HostPort: 8080, Workload: "web", ContainerPort: 3000}}}
		}, `publish 8080:web:3000: services "router" and "web-main" both publish host port 8080/tcp`, &OptionError{}},
		{"publish: one host port twice", targets.Compose, false, "", func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: all(t), Publish: []Publish{
				{HostPort: 3000, Workload: "web", ContainerPort: 3000},
				{HostPort: 3000, UID: "postgres.default#orders-db", Output: "host", ContainerPort: 5432}}}
		}, `publish 3000:postgres.default#orders-db.host:5432: services "pg-orders-db" and "web-main" both publish host port 3000/tcp`, &OptionError{}},
		{"shared resource with different params", targets.Compose, false, probe, func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: pjWorkloads(t, shared("alpha", ", params: {who: x}"), shared("bravo", ""), shared("charlie", ", params: {who: y}"))}
		}, `workload "alpha": resources.shared: resource 'probe.default#common' is also declared by workload "charlie" (as "shared") with different params or metadata: a shared resource has one definition`, ProjectProblems{}},
		{"shared resource with different metadata", targets.Kubernetes, false, probe, func(t *testing.T) ProjectRequest {
			return ProjectRequest{Workloads: pjWorkloads(t, shared("alpha", ", metadata: {annotations: {team: red}}"), shared("bravo", ", metadata: {annotations: {team: blue}}"))}
		}, `workload "bravo": resources.shared: resource 'probe.default#common' is also declared by workload "alpha" (as "shared") with different params or metadata: a shared resource has one definition`, ProjectProblems{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewSettings(Config{Target: c.target, Namespace: wlNamespace, ComposeProjectName: wlProject})
			if c.noNamespace {
				s.Namespace = ""
			}
			if c.extra != "" {
				if err := s.AddProvisioners([]byte(c.extra), "test"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.AddBuiltinProvisioners(); err != nil {
				t.Fatal(err)
			}
			req := c.req(t)
			req.Random = wlRandom(1)
			out, err := RenderProject(context.Background(), s, req)
			if err == nil {
				t.Fatalf("RenderProject succeeded (%d manifests, %d bytes of compose); want %q", len(out.Manifests), len(out.ComposeYAML), c.want)
			}
			if err.Error() != c.want {
				t.Errorf("error:\n  %s\nwant:\n  %s", err, c.want)
			}
			switch c.kind.(type) {
			case ProjectProblems:
				var problems ProjectProblems
				if !errors.As(err, &problems) {
					t.Errorf("error is %T, want ProjectProblems (the provider reports each at its workload)", err)
				}
			case *OptionError:
				var option *OptionError
				if !errors.As(err, &option) {
					t.Errorf("error is %T, want *OptionError (the provider reports it at its option, publish index or build key)", err)
				} else if option.Index < 0 && option.Key == "" {
					if !strings.HasPrefix(c.want, option.Option+" ") {
						t.Errorf("option %q for a %s error", option.Option, c.name)
					}
				} else if wantPublish := strings.HasPrefix(c.want, "publish "); wantPublish != (option.Option == "publish") {
					t.Errorf("option %q for a %s error", option.Option, c.name)
				} else if wantPublish && option.Index != len(req.Publish)-1 {
					t.Errorf("publish index %d, want %d (the failing entry)", option.Index, len(req.Publish)-1)
				} else if !wantPublish && option.Key != req.Builds[0].Workload+"."+req.Builds[0].Container {
					t.Errorf("build key %q", option.Key)
				}
			}
		})
	}
}

func TestParsePublish(t *testing.T) {
	good := map[string]Publish{
		"8080:web:3000":                              {HostPort: 8080, Workload: "web", ContainerPort: 3000},
		"1:web:65535":                                {HostPort: 1, Workload: "web", ContainerPort: 65535},
		"15432:postgres#orders-db.host:5432":         {HostPort: 15432, UID: "postgres.default#orders-db", Output: "host", ContainerPort: 5432},
		"15432:postgres.default#orders-db.host:5432": {HostPort: 15432, UID: "postgres.default#orders-db", Output: "host", ContainerPort: 5432},
		"15432:postgres.large#orders-db.host:5432":   {HostPort: 15432, UID: "postgres.large#orders-db", Output: "host", ContainerPort: 5432},
		// A uid without id (type.class#workload.name): the output is after the last dot.
		"6379:redis#api.cache.host:6379": {HostPort: 6379, UID: "redis.default#api.cache", Output: "host", ContainerPort: 6379},
	}
	for in, want := range good {
		got, err := ParsePublish(in)
		if err != nil || got != want {
			t.Errorf("ParsePublish(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                        `"" is not HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT`,
		"x:y":                     `"x:y" is not HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT`,
		"8080:web":                `"8080:web" is not HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT`,
		"0:web:80":                `"0:web:80": host port: "0" is not a port number (1-65535)`,
		"70000:web:80":            `"70000:web:80": host port: "70000" is not a port number (1-65535)`,
		"8080:web:0":              `"8080:web:0": container port: "0" is not a port number (1-65535)`,
		"8080:web:70000":          `"8080:web:70000": container port: "70000" is not a port number (1-65535)`,
		"-1:web:80":               `"-1:web:80": host port: "-1" is not a port number (1-65535)`,
		"http:web:80":             `"http:web:80": host port: "http" is not a port number (1-65535)`,
		"8080:web:http":           `"8080:web:http": container port: "http" is not a port number (1-65535)`,
		"127.0.0.1:8080:web:80":   `"127.0.0.1:8080:web:80": host port: "127.0.0.1" is not a port number (1-65535)`,
		"5432:postgres#db:5432":   `"5432:postgres#db:5432": "postgres#db" names a resource but no output (write <uid>.<output>, e.g. postgres.default#db.host)`,
		"5432:postgres.x#db:5432": `"5432:postgres.x#db:5432": "postgres.x#db" names a resource but no output (write <uid>.<output>, e.g. postgres.default#db.host)`,
		"8080::80":                `"8080::80": names no workload or resource uid.output between the ports`,
		"5432:postgres#db.:5432":  `"5432:postgres#db.:5432": "postgres#db." names a resource but no output (write <uid>.<output>, e.g. postgres.default#db.host)`,
	}
	for in, want := range bad {
		got, err := ParsePublish(in)
		if err == nil {
			t.Errorf("ParsePublish(%q) = %+v; want the error %s", in, got, want)
		} else if err.Error() != want {
			t.Errorf("ParsePublish(%q):\n  %s\nwant:\n  %s", in, err, want)
		}
	}
}

func TestParseBuild(t *testing.T) {
	good := []struct {
		key, value string
		want       Build
	}{
		{"api.main", "./api", Build{Workload: "api", Container: "main", Context: map[string]any{"context": "./api"}}},
		{"api.main", "https://github.com/example/api.git#main", Build{Workload: "api", Container: "main", Context: map[string]any{"context": "https://github.com/example/api.git#main"}}},
		{"api.main", "{ context: ./x, dockerfile: D }", Build{Workload: "api", Container: "main", Context: map[string]any{"context": "./x", "dockerfile": "D"}}},
		{"api.main", `  {"context": "./x", "args": {"V": "1"}}`, Build{Workload: "api", Container: "main", Context: map[string]any{"context": "./x", "args": map[string]any{"V": "1"}}}},
	}
	for _, c := range good {
		got, err := ParseBuild(c.key, c.value)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseBuild(%q, %q) = %#v, %v; want %#v", c.key, c.value, got, err, c.want)
		}
	}
	bad := []struct{ key, value, want string }{
		{"api", "./api", `"api" is not <workload>.<container>`},
		{"", "./api", `"" is not <workload>.<container>`},
		{".main", "./api", `".main" is not <workload>.<container>`},
		{"api.", "./api", `"api." is not <workload>.<container>`},
		{"api.main", "", `"api.main": the build context is empty`},
		{"api.main", "{ context: [", `"api.main": the build object does not parse: yaml: line 1: did not find expected node content`},
		{"api.main", "{ context: ./x", `"api.main": the build object does not parse: yaml: line 1: did not find expected ',' or '}'`},
		{"api.main", "{ [a]: b }", "\"api.main\": the build object does not parse: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string"},
	}
	for _, c := range bad {
		got, err := ParseBuild(c.key, c.value)
		if err == nil {
			t.Errorf("ParseBuild(%q, %q) = %#v; want the error %s", c.key, c.value, got, c.want)
		} else if err.Error() != c.want {
			t.Errorf("ParseBuild(%q, %q):\n  %s\nwant:\n  %s", c.key, c.value, err, c.want)
		}
	}
}

// pjFormatPublish writes a Publish back in --publish form.
func pjFormatPublish(p Publish) string {
	ref := p.Workload
	if p.UID != "" || p.Output != "" {
		ref = p.UID + "." + p.Output
	}
	return fmt.Sprintf("%d:%s:%d", p.HostPort, ref, p.ContainerPort)
}

// FuzzParsePublish: any text either fails with a message naming it, or gives ports in range and
// exactly one target (a workload, or a uid with a class and an output), which written back in
// --publish form parses to the same value.
//
//	go test -run '^$' -fuzz '^FuzzParsePublish$' -fuzztime 1m ./internal/score/engine
func FuzzParsePublish(f *testing.F) {
	for _, s := range []string{"8080:web:3000", "15432:postgres#orders-db.host:5432", "6379:redis#api.cache.host:6379",
		"5432:postgres.large#db.host:5432", "x:y", "0:web:80", "70000:web:80", "8080::80", "5432:postgres#db:5432",
		"8080:a:b:80", "08080:web:+80", "5432:#.x:1", "1:a#b.c#d:2", "1:a.b#c:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePublish(s)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("ParsePublish(%q): the error does not quote the input: %v", s, err)
			}
			return
		}
		if p.HostPort < 1 || p.HostPort > 65535 || p.ContainerPort < 1 || p.ContainerPort > 65535 {
			t.Fatalf("ParsePublish(%q) = %+v: a port out of range", s, p)
		}
		switch {
		case p.Workload != "" && p.UID == "" && p.Output == "":
			if strings.Contains(p.Workload, "#") {
				t.Fatalf("ParsePublish(%q) = %+v: a workload name holding '#'", s, p)
			}
		case p.Workload == "" && p.UID != "" && p.Output != "":
			typ, _, ok := strings.Cut(p.UID, "#")
			if !ok || !strings.Contains(typ, ".") {
				t.Fatalf("ParsePublish(%q) = %+v: the uid has no type.class#", s, p)
			}
		default:
			t.Fatalf("ParsePublish(%q) = %+v: not exactly one of a workload and a uid with an output", s, p)
		}
		again, err := ParsePublish(pjFormatPublish(p))
		if err != nil || again != p {
			t.Fatalf("ParsePublish(%q) = %+v, written back %q, parses to %+v, %v", s, p, pjFormatPublish(p), again, err)
		}
	})
}

// pjFlowYAML writes a build object in flow style (`{context: ./x}`), as a user would give it.
func pjFlowYAML(tb testing.TB, v any) string {
	tb.Helper()
	var n yamlv3.Node
	if err := n.Encode(v); err != nil {
		tb.Fatalf("encoding %#v: %v", v, err)
	}
	n.Style = yamlv3.FlowStyle
	text, err := yamlv3.Marshal(&n)
	if err != nil {
		tb.Fatalf("encoding %#v: %v", v, err)
	}
	return string(text)
}

// FuzzParseBuild: any key and value either fail with a message naming the key, or give the
// key's workload and container (which join back to the key) and a compose build object: the
// value as its context, or the object the value writes, which the compose file holds as text
// that reads back as the same object, and which written back as a flow object parses again.
//
//	go test -run '^$' -fuzz '^FuzzParseBuild$' -fuzztime 1m ./internal/score/engine
func FuzzParseBuild(f *testing.F) {
	for _, c := range [][2]string{{"api.main", "./api"}, {"api.main", "{ context: ./x, dockerfile: D }"}, {"api.main", `{"context": "./x"}`},
		{"api", "./x"}, {"api.main", ""}, {"api.main", "{ context: ["}, {"a..b", "{}"}, {"api.main", "{a: .nan, b: [1, {c: d}], e: null}"},
		{"api.main", " {a: 2001-12-14, b: !!binary aGVsbG8=}"}, {"api.main", "{&a x: *a}"}} {
		f.Add(c[0], c[1])
	}
	f.Fuzz(func(t *testing.T, key, value string) {
		b, err := ParseBuild(key, value)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprintf("%q", key)) {
				t.Fatalf("ParseBuild(%q, %q): the error does not quote the key: %v", key, value, err)
			}
			return
		}
		if b.Workload == "" || b.Container == "" || strings.Contains(b.Workload, ".") || b.Workload+"."+b.Container != key {
			t.Fatalf("ParseBuild(%q, %q) = %+v: not the key's workload and container", key, value, b)
		}
		if value == "" {
			t.Fatalf("ParseBuild(%q, %q) accepted an empty context", key, value)
		}
		obj, ok := b.Context.(map[string]any)
		if !ok {
			t.Fatalf("ParseBuild(%q, %q): context %#v is not a compose build object", key, value, b.Context)
		}
		if !strings.HasPrefix(strings.TrimSpace(value), "{") {
			if !reflect.DeepEqual(obj, map[string]any{"context": value}) {
				t.Fatalf("ParseBuild(%q, %q) = %#v, want the value as the context", key, value, obj)
			}
			return
		}
		// What the compose file will hold reads back as the same object (YAML's meaning of
		// the text, as compose itself reads it: 3.10 is a number there too).
		text, err := document.YAML(map[string]any{"build": obj})
		if err != nil {
			t.Fatalf("ParseBuild(%q, %q) = %#v, which does not encode: %v", key, value, obj, err)
		}
		var back map[string]any
		if err := yamlv3.Unmarshal([]byte(text), &back); err != nil {
			t.Fatalf("ParseBuild(%q, %q): the compose text of %#v does not parse: %v\n%s", key, value, obj, err, text)
		}
		if again, _ := document.YAML(back); again != text {
			t.Fatalf("ParseBuild(%q, %q): the compose text\n%s\nreads back as\n%s", key, value, text, again)
		}
		// Written back as a flow object, it parses again (same keys).
		if again, err := ParseBuild(key, pjFlowYAML(t, obj)); err != nil || !slices.Equal(wlSortedKeys(again.Context.(map[string]any)), wlSortedKeys(obj)) {
			t.Fatalf("ParseBuild(%q, %q) = %#v, written back as %q: %#v, %v", key, value, obj, pjFlowYAML(t, obj), again.Context, err)
		}
	})
}

// ---------------------------------------------------------------------------------------------
// Determinism and stability.
// ---------------------------------------------------------------------------------------------

// pjDiff lists the pieces (pjFlatten keys) only in a, only in b, and in both but different.
func pjDiff(a, b map[string]string) (onlyA, onlyB, changed []string) {
	for _, k := range wlSortedKeys(a) {
		if v, ok := b[k]; !ok {
			onlyA = append(onlyA, k)
		} else if v != a[k] {
			changed = append(changed, k)
		}
	}
	for _, k := range wlSortedKeys(b) {
		if _, ok := a[k]; !ok {
			onlyB = append(onlyB, k)
		}
	}
	return onlyA, onlyB, changed
}

// The same inputs render byte-identically, whatever the order of the workloads (the provider
// passes them by label, not by name); with the first render's state as prior, another random
// source changes nothing (a second plan is empty).
func TestProjectIsDeterministic(t *testing.T) {
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			first := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
			renders := map[string]*Project{
				"again":              pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)}),
				"workloads reversed": pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjWorker, pjWeb, pjAPI), Random: wlRandom(1)}),
				"prior state, other random": pjRender(t, target, ProjectRequest{
					Workloads: pjWorkloads(t, pjWeb, pjAPI, pjWorker), Random: wlRandom(99), Prior: first.State}),
			}
			want := pjFlatten(t, first)
			for name, r := range renders {
				onlyA, onlyB, changed := pjDiff(want, pjFlatten(t, r))
				if len(onlyA)+len(onlyB)+len(changed) > 0 {
					t.Errorf("%s: missing %q, extra %q, changed %q", name, onlyA, onlyB, changed)
				}
				if r.ComposeYAML != first.ComposeYAML || r.ComposeEnv != first.ComposeEnv || !maps.Equal(r.Manifests, first.Manifests) ||
					!maps.Equal(r.SecretManifests, first.SecretManifests) || !slices.Equal(r.Messages, first.Messages) {
					t.Errorf("%s: the rendered text differs", name)
				}
			}
			// Without the prior state, another random source changes the generated values, and
			// only what holds them.
			fresh := pjFlatten(t, pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(2)}))
			_, _, changed := pjDiff(want, fresh)
			var wantChanged []string
			if target == targets.Kubernetes {
				wantChanged = []string{
					"resource_outputs/postgres.default#orders-db", "resource_outputs/redis.default#api.cache", "resource_outputs/redis.default#worker.cache",
					"secret_manifests/core/v1/Secret/demo/api-main-env",
					"secret_manifests/core/v1/Secret/demo/pg-orders-db-" + pjHash("postgres.default#orders-db"),
					"secret_manifests/core/v1/Secret/demo/redis-api-cache-" + pjHash("redis.default#api.cache"),
					"secret_manifests/core/v1/Secret/demo/redis-worker-cache-" + pjHash("redis.default#worker.cache"),
					"secret_manifests/core/v1/Secret/demo/worker-main-env",
				}
			} else {
				wantChanged = []string{
					"compose_env/POSTGRES_DEFAULT_ORDERS_DB_PASSWORD", "compose_env/REDIS_DEFAULT_API_CACHE_PASSWORD", "compose_env/REDIS_DEFAULT_WORKER_CACHE_PASSWORD",
					"resource_outputs/postgres.default#orders-db", "resource_outputs/redis.default#api.cache", "resource_outputs/redis.default#worker.cache",
				}
			}
			// Every stored state holds a generated guid (as score-go's does).
			for _, uid := range wlSortedKeys(first.State.Resources) {
				wantChanged = append(wantChanged, "state/resources/"+uid)
			}
			slices.Sort(wantChanged)
			if !slices.Equal(changed, wantChanged) {
				t.Errorf("a new random source changed\n  %s\nwant only what holds generated values:\n  %s", strings.Join(changed, "\n  "), strings.Join(wantChanged, "\n  "))
			}
		})
	}
}

// A workload removed from the project (rendered with the state the full project left) removes
// exactly its own pieces and those of the resources only it declares; every other piece is
// byte-identical: the shared postgres and the other workloads' redis keep their generated values.
// Added back (rendered with the smaller project's state), it adds exactly those pieces, and
// nothing else changes. The removed pieces are listed one by one, so a change in what a
// workload brings (a shared router, cross-workload waits) has to be stated here. On compose,
// web's route is served by the router that api's route keeps: removing web changes exactly the
// router's nginx.conf and the shared state, each losing web's route and nothing else, and adding
// it back restores both byte for byte.
func TestProjectWorkloadRemovedOrAdded(t *testing.T) {
	fixtures := map[string]string{"api": pjAPI, "web": pjWeb, "worker": pjWorker}
	without := func(t *testing.T, drop string) []*loader.Workload {
		var ws []*loader.Workload
		for _, name := range []string{"api", "web", "worker"} {
			if name != drop {
				ws = append(ws, wlLoadText(t, fixtures[name]))
			}
		}
		return ws
	}
	workerRedis, webRoute := "redis-worker-cache-"+pjHash("redis.default#worker.cache"), "route-web-route-"+pjHash("route.default#web.route")
	own := map[targets.Target]map[string][]string{
		targets.Kubernetes: {
			"worker": {
				"manifests/apps/v1/Deployment/demo/worker", "manifests/apps/v1/StatefulSet/demo/" + workerRedis, "manifests/core/v1/Service/demo/" + workerRedis,
				"resource_outputs/redis.default#worker.cache",
				"secret_manifests/core/v1/Secret/demo/" + workerRedis, "secret_manifests/core/v1/Secret/demo/worker-main-env",
				"services/worker", "state/resources/redis.default#worker.cache",
			},
			"web": {
				"manifests/apps/v1/Deployment/demo/web", "manifests/core/v1/Service/demo/web",
				"manifests/gateway.networking.k8s.io/v1/HTTPRoute/demo/" + webRoute,
				"resource_outputs/route.default#web.route", "resource_outputs/service-port.default#web.api",
				"services/web", "state/resources/route.default#web.route", "state/resources/service-port.default#web.api",
			},
		},
		targets.Compose: {
			"worker": {
				"compose_env/REDIS_DEFAULT_WORKER_CACHE_PASSWORD",
				"compose_yaml/services/redis-worker-cache", "compose_yaml/services/worker-main", "compose_yaml/volumes/redis-worker-cache-data",
				"resource_outputs/redis.default#worker.cache", "services/worker", "state/resources/redis.default#worker.cache",
			},
			"web": {
				"compose_yaml/services/web-main",
				"messages/route.default#web.route: http://shop.localhost:8080/ (make sure shop.localhost resolves to this machine)",
				"resource_outputs/route.default#web.route", "resource_outputs/service-port.default#web.api",
				"services/web", "state/resources/route.default#web.route", "state/resources/service-port.default#web.api",
			},
		},
	}
	// The pieces the removal changes (rather than removes): those of what web shares with api.
	shares := map[targets.Target]map[string][]string{
		targets.Compose: {"web": {"files/mounts/router/nginx.conf", "state/shared"}},
	}
	for _, target := range wlTargets {
		for _, drop := range []string{"worker", "web"} {
			t.Run(string(target)+"/"+drop, func(t *testing.T) {
				full := pjRender(t, target, ProjectRequest{Workloads: without(t, ""), Random: wlRandom(1)})
				less := pjRender(t, target, ProjectRequest{Workloads: without(t, drop), Random: wlRandom(2), Prior: full.State})
				want, wantChanged := own[target][drop], shares[target][drop]
				removed, added, changed := pjDiff(pjFlattenMessages(t, full), pjFlattenMessages(t, less))
				if !slices.Equal(removed, want) || len(added) > 0 || !slices.Equal(changed, wantChanged) {
					t.Errorf("removing %s removed\n  %s\nadded %q, changed %q; want it to remove exactly\n  %s\nand change exactly %q",
						drop, strings.Join(removed, "\n  "), added, changed, strings.Join(want, "\n  "), wantChanged)
				}
				if _, ok := less.State.Resources["postgres.default#orders-db"]; !ok {
					t.Errorf("the shared postgres left the state while api still declares it")
				}
				if target == targets.Compose {
					// The router stays (api's route is left), serving what it served but web's route.
					pjCheckRouter(t, full, pjRouterAPI, pjRouterWeb)
					if drop == "web" {
						pjCheckRouter(t, less, pjRouterAPI)
					} else {
						pjCheckRouter(t, less, pjRouterAPI, pjRouterWeb)
					}
					wantShared := pjCloneJSON(t, full.State.Shared)
					if drop == "web" {
						delete(wantShared["score-tf-router"].(map[string]any)["routes"].(map[string]any), "route.default#web.route")
					}
					if got, exp := pjJSON(t, less.State.Shared), pjJSON(t, wantShared); got != exp {
						t.Errorf("removing %s left the shared state\n%s\nwant the full project's without web's route:\n%s", drop, got, exp)
					}
				}
				// Added back, from the smaller project's state: its own pieces are new, what it
				// shares is as it was, the rest is unchanged (the shared postgres keeps its password).
				again := pjRender(t, target, ProjectRequest{Workloads: without(t, ""), Random: wlRandom(3), Prior: less.State})
				removed, added, changed = pjDiff(pjFlattenMessages(t, less), pjFlattenMessages(t, again))
				if !slices.Equal(added, want) || len(removed) > 0 || !slices.Equal(changed, wantChanged) {
					t.Errorf("adding %s added\n  %s\nremoved %q, changed %q; want it to add exactly\n  %s\nand change exactly %q",
						drop, strings.Join(added, "\n  "), removed, changed, strings.Join(want, "\n  "), wantChanged)
				}
				fullPieces, againPieces := pjFlatten(t, full), pjFlatten(t, again)
				for _, k := range wantChanged {
					if againPieces[k] != fullPieces[k] {
						t.Errorf("adding %s back: %s is not what the full project had:\n%s\nwant:\n%s", drop, k, againPieces[k], fullPieces[k])
					}
				}
			})
		}
	}
}

// The compose router lives while a route does: with web's route gone it serves api's; with
// api's gone too, the router service and its configuration go, and no route stays in the shared
// state; with api's route back, the router is back, as it was with api's route alone.
func TestProjectComposeRouterLivesWhileARouteIs(t *testing.T) {
	full := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
	pjCheckRouter(t, full, pjRouterAPI, pjRouterWeb)
	apiOnly := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWorker), Random: wlRandom(2), Prior: full.State})
	pjCheckRouter(t, apiOnly, pjRouterAPI)
	if got, want := pjService(t, apiOnly, "router"), pjService(t, full, "router"); !reflect.DeepEqual(got, want) {
		t.Errorf("the router service changed when web's route went:\n%v\nwant:\n%v", got, want)
	}

	none := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, pjWorker), Random: wlRandom(3), Prior: apiOnly.State})
	if svc, ok := pjCompose(t, none)["services"].(map[string]any)["router"]; ok {
		t.Errorf("no route is left, yet the router stays: %v", svc)
	}
	if files := wlSortedKeys(none.Files); len(files) > 0 {
		t.Errorf("no route is left, yet files %q stay", files)
	}
	for _, m := range none.Messages {
		if strings.Contains(m, "route") {
			t.Errorf("no route is left, yet a message names one: %s", m)
		}
	}
	// What stays of the router in the shared state is its own settings, not keyed by a route's
	// uid; no route is left, and nothing renders the router.
	if got, want := pjJSON(t, none.State.Shared), `{"score-tf-router":{"publishPort":"8080","service":"router"}}`; got != want {
		t.Errorf("no route is left; shared state %s, want %s", got, want)
	}

	back := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWorker), Random: wlRandom(4), Prior: none.State})
	pjCheckRouter(t, back, pjRouterAPI)
	if got, want := pjService(t, back, "router"), pjService(t, apiOnly, "router"); !reflect.DeepEqual(got, want) {
		t.Errorf("the router is back as\n%v\nwant:\n%v", got, want)
	}
	if back.Files["mounts/router/nginx.conf"] != apiOnly.Files["mounts/router/nginx.conf"] {
		t.Errorf("the router's nginx.conf is back as\n%s\nwant:\n%s", back.Files["mounts/router/nginx.conf"], apiOnly.Files["mounts/router/nginx.conf"])
	}
	if got, want := pjJSON(t, back.State.Shared), pjJSON(t, apiOnly.State.Shared); got != want {
		t.Errorf("the shared state is back as %s, want %s", got, want)
	}
}

// pjJSON is v as JSON (maps in key order).
func pjJSON(tb testing.TB, v any) string {
	tb.Helper()
	text, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(text)
}

// pjCloneJSON is a deep copy of a JSON-like map.
func pjCloneJSON(tb testing.TB, m map[string]any) map[string]any {
	tb.Helper()
	var out map[string]any
	if err := json.Unmarshal([]byte(pjJSON(tb, m)), &out); err != nil {
		tb.Fatal(err)
	}
	return out
}

// pjFlattenMessages is pjFlatten with each message a piece of its own.
func pjFlattenMessages(tb testing.TB, p *Project) map[string]string {
	out := pjFlatten(tb, p)
	delete(out, "messages")
	for _, m := range p.Messages {
		out["messages/"+m] = ""
	}
	return out
}

// The shared postgres lives as long as one workload declares it: worker alone keeps it, with its
// password; once no workload declares it, it leaves the state and the rendered output.
func TestProjectSharedResourceLivesWhileDeclared(t *testing.T) {
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			full := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
			password := full.ResourceOutputs["postgres.default#orders-db"].Secrets["password"]
			onlyWorker := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjWorker), Random: wlRandom(2), Prior: full.State})
			if got := onlyWorker.ResourceOutputs["postgres.default#orders-db"].Secrets["password"]; got != password || got == "" {
				t.Errorf("worker alone: the shared postgres's password changed (or vanished) while worker still declares it")
			}
			if got, want := wlSortedKeys(onlyWorker.State.Resources), []string{"postgres.default#orders-db", "redis.default#worker.cache"}; !slices.Equal(got, want) {
				t.Errorf("worker alone: state keys %q, want %q", got, want)
			}
			noDB := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjWeb, pjReplace(t, pjAPI, "  db: {type: postgres, id: orders-db}\n", "", "      DB_HOST: ${resources.db.host}\n      DB_PASSWORD: ${resources.db.password}\n", "")), Random: wlRandom(3), Prior: full.State})
			if _, ok := noDB.State.Resources["postgres.default#orders-db"]; ok {
				t.Errorf("no workload declares the postgres, yet it stays in the state")
			}
			for k, v := range pjFlatten(t, noDB) {
				if strings.Contains(k, "pg-orders-db") || strings.Contains(k, "ORDERS_DB") || strings.Contains(v, "pg-orders-db") || strings.Contains(v, password) {
					t.Errorf("no workload declares the postgres, yet %s refers to it", k)
				}
			}
		})
	}
}

// pjReplace is text with each old/new pair replaced once (failing when old is missing).
func pjReplace(tb testing.TB, text string, pairs ...string) string {
	tb.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(text, pairs[i]) {
			tb.Fatalf("%q is not in the fixture", pairs[i])
		}
		text = strings.Replace(text, pairs[i], pairs[i+1], 1)
	}
	return text
}

// The shared state a removed resource left is pruned: every entry (at any depth) keyed by the uid
// of a resource the prior run stored and no workload declares now, and maps that leaves empty.
// Entries keyed by a uid still declared, or by one the prior run never stored, stay. The pruning
// comes before provisioning: the compose router's entry of a removed route, for the host and
// path web's route now takes, is gone before web's route looks for routes it would clash with.
func TestProjectPrunesSharedStateOfRemovedResources(t *testing.T) {
	const gone, kept, goneRoute = "redis.default#worker.cache", "postgres.default#orders-db", "route.default#old.route"
	// Whatever the template wrote: plain values, nested maps, a map holding only gone's entry;
	// and, as the compose route provisioner writes it, the router's entry of a removed route.
	prior := State{
		Resources: map[string]ResourceState{
			gone:      {State: map[string]any{"password": "old-worker-cache-password"}},
			kept:      {State: map[string]any{"password": "kept-orders-db-password"}},
			goneRoute: {State: map[string]any{}},
		},
		Shared: map[string]any{
			gone: map[string]any{"service": "redis-worker-cache"},
			"router": map[string]any{
				"routes":  map[string]any{gone: "/worker", kept: "/db", "route.default#never.stored": "/x"},
				"only":    map[string]any{gone: true},
				"deeper":  map[string]any{"a": map[string]any{"b": map[string]any{gone: 1}}, "c": 2},
				"port":    8080,
				"aliases": []any{gone},
			},
			"route.default#never.stored": "kept: no prior run stored this uid",
			"score-tf-router": map[string]any{
				"service": "router", "publishPort": "8080",
				"routes": map[string]any{goneRoute: map[string]any{
					"host": "shop.localhost", "path": "/", "pathType": "Prefix", "backend": "http://old:80", "publishPort": "",
				}},
			},
		},
	}
	want := map[string]any{
		"router": map[string]any{
			"routes":  map[string]any{kept: "/db", "route.default#never.stored": "/x"},
			"deeper":  map[string]any{"c": 2},
			"port":    8080,
			"aliases": []any{gone}, // a value, not a key: not pruned
		},
		"route.default#never.stored": "kept: no prior run stored this uid",
	}
	wantRouter := map[targets.Target]any{
		// The kubernetes routes do not use the router: what is left of it once the removed
		// route's entry (and the map it leaves empty) is pruned.
		targets.Kubernetes: map[string]any{"service": "router", "publishPort": "8080"},
		// The compose routes write the router's entry afresh: api's and web's routes.
		targets.Compose: map[string]any{
			"service": "router", "publishPort": "8080",
			"routes": map[string]any{
				"route.default#api.route": map[string]any{
					"host": "shop.localhost", "path": "/api", "pathType": "Prefix", "backend": "http://api:8080", "publishPort": "",
				},
				"route.default#web.route": map[string]any{
					"host": "shop.localhost", "path": "/", "pathType": "Prefix", "backend": "http://web:3000", "publishPort": "",
				},
			},
		},
	}
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			out := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb), Random: wlRandom(1), Prior: prior})
			want := maps.Clone(want)
			want["score-tf-router"] = wantRouter[target]
			got, _ := json.MarshalIndent(out.State.Shared, "", "  ")
			exp, _ := json.MarshalIndent(want, "", "  ")
			if string(got) != string(exp) {
				t.Errorf("shared state:\n%s\nwant:\n%s", got, exp)
			}
			for _, uid := range []string{gone, goneRoute} {
				if _, ok := out.State.Resources[uid]; ok {
					t.Errorf("the removed resource %s's own state stays", uid)
				}
			}
			if target == targets.Compose {
				pjCheckRouter(t, out, pjRouterAPI, pjRouterWeb)
				if conf := out.Files["mounts/router/nginx.conf"]; strings.Contains(conf, goneRoute) || strings.Contains(conf, "http://old:80") {
					t.Errorf("the router still serves the removed route:\n%s", conf)
				}
			}
			if got := out.ResourceOutputs[kept].Secrets["password"]; got != "kept-orders-db-password" {
				t.Errorf("the declared resource's stored password was not kept (%d characters)", len(got))
			}
			// The prior value is not modified (the provider keeps it as the planned prior).
			if _, ok := prior.Shared[gone]; !ok {
				t.Errorf("pruning modified the prior shared state")
			}
			if routes := prior.Shared["score-tf-router"].(map[string]any)["routes"].(map[string]any); len(routes) != 1 {
				t.Errorf("pruning or the render modified the prior shared state's router: routes %v", routes)
			}
		})
	}
}

// The source workload of a shared resource is score-go's: of the declaring workloads in name
// order, the last that gives params, else the first; its params are expanded in its context
// (${metadata.name} is its name). Two different params are an error naming both workloads.
func TestProjectSourceWorkload(t *testing.T) {
	probe := `
- uri: template://test/probe
  type: probe
  outputs: |
    source: {{ .SourceWorkload | quote }}
    who: {{ dig "who" "-" .Params | quote }}
`
	decl := func(name string, params bool) string {
		text := "apiVersion: score.dev/v1b1\nmetadata: {name: " + name + "}\ncontainers: {main: {image: busybox, variables: {S: \"${resources.shared.source}\"}}}\n" +
			"resources:\n  shared:\n    type: probe\n    id: common\n"
		if params {
			text += "    params: {who: \"${metadata.name}\"}\n"
		}
		return text
	}
	cases := []struct {
		params      [3]bool // of workloads alpha, bravo, charlie
		source, who string
	}{
		{[3]bool{false, false, false}, "alpha", "-"},
		{[3]bool{true, false, false}, "alpha", "alpha"},
		{[3]bool{false, true, false}, "bravo", "bravo"},
		{[3]bool{false, false, true}, "charlie", "charlie"},
		{[3]bool{true, false, true}, "charlie", "charlie"},
		{[3]bool{true, true, false}, "bravo", "bravo"},
		{[3]bool{true, true, true}, "charlie", "charlie"},
	}
	for _, target := range wlTargets {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/%v", target, c.params), func(t *testing.T) {
				// Given in reverse name order: the rule is by name, not by input order.
				req := ProjectRequest{Workloads: pjWorkloads(t, decl("charlie", c.params[2]), decl("bravo", c.params[1]), decl("alpha", c.params[0])), Random: wlRandom(1)}
				out, err := RenderProject(context.Background(), wlSettings(t, target, probe), req)
				if err != nil {
					t.Fatal(err)
				}
				got := out.ResourceOutputs["probe.default#common"].Outputs
				if got["source"] != c.source || got["who"] != c.who {
					t.Errorf("source %q, params.who %q; want %q, %q", got["source"], got["who"], c.source, c.who)
				}
				if len(out.ResourceOutputs) != 1 {
					t.Errorf("resource_outputs %q: one uid, provisioned once", wlSortedKeys(out.ResourceOutputs))
				}
			})
		}
	}
	// Different params: the error is on each workload whose params differ from the source's,
	// naming the source.
	req := ProjectRequest{Workloads: pjWorkloads(t, pjReplace(t, decl("alpha", true), "${metadata.name}", "x"), decl("bravo", false), decl("charlie", true)), Random: wlRandom(1)}
	_, err := RenderProject(context.Background(), wlSettings(t, targets.Compose, probe), req)
	var problems ProjectProblems
	if !errors.As(err, &problems) || len(problems) != 1 || len(problems["alpha"]) != 1 {
		t.Fatalf("error %v (%T), want one problem, on workload alpha", err, err)
	}
	if want := `resources.shared: resource 'probe.default#common' is also declared by workload "charlie" (as "shared") with different params or metadata: a shared resource has one definition`; problems["alpha"][0].Error() != want {
		t.Errorf("problem:\n  %s\nwant:\n  %s", problems["alpha"][0].Error(), want)
	}
}

// Compose: a workload waits for the workloads its resources point at (web's service-port names
// api's host), started or healthy as each allows. A cycle (a points at b, b at a) keeps the
// first edge in name order and leaves the other out, with a message: compose refuses cycles.
func TestProjectComposeWaitsAcrossWorkloads(t *testing.T) {
	out := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
	project := wlCheckCompose(t, pjAsWorkload(out), nil)
	deps := func(service string) []string {
		var names []string
		for name := range project.Services[service].DependsOn {
			names = append(names, name)
		}
		slices.Sort(names)
		return names
	}
	for service, want := range map[string][]string{
		// Each workload with a route waits for the one router that serves them all.
		"web-main":    {"api-main", "router"},
		"api-main":    {"pg-orders-db", "redis-api-cache", "router"},
		"worker-main": {"pg-orders-db", "redis-worker-cache"},
	} {
		if got := deps(service); !slices.Equal(got, want) {
			t.Errorf("%s depends on %q, want %q", service, got, want)
		}
	}
	if d := project.Services["web-main"].DependsOn["api-main"]; d.Condition != "service_started" || !d.Required {
		t.Errorf("web waits for api %+v, want service_started (api has no healthcheck), required", d)
	}
	for _, service := range []string{"web-main", "api-main"} {
		if d := project.Services[service].DependsOn["router"]; d.Condition != "service_healthy" || !d.Required {
			t.Errorf("%s waits for the router %+v, want service_healthy (the router has a healthcheck), required", service, d)
		}
	}
	if d := project.Services["router"].DependsOn; len(d) != 0 {
		t.Errorf("the router waits for %v: it looks its backends up per request, and they wait for it", d)
	}

	peer := func(name, other string) string {
		return "apiVersion: score.dev/v1b1\nmetadata: {name: " + name + "}\n" +
			"containers: {main: {image: busybox, variables: {PEER: \"${resources.peer.hostname}:${resources.peer.port}\"}}}\n" +
			"service: {ports: {http: {port: 80}}}\n" +
			"resources: {peer: {type: service-port, params: {workload: " + other + ", port: http}}}\n"
	}
	for _, order := range [][]string{{"aa", "bb"}, {"bb", "aa"}} {
		ws := map[string]string{"aa": peer("aa", "bb"), "bb": peer("bb", "aa")}
		cyc := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjWorkloads(t, ws[order[0]], ws[order[1]]), Random: wlRandom(1)})
		p := wlCheckCompose(t, pjAsWorkload(cyc), nil)
		if _, ok := p.Services["aa-main"].DependsOn["bb-main"]; !ok {
			t.Errorf("%v: aa does not wait for bb", order)
		}
		if len(p.Services["bb-main"].DependsOn) != 0 {
			t.Errorf("%v: bb waits for %v: a cycle", order, p.Services["bb-main"].DependsOn)
		}
		want := []string{`workload "bb": does not wait for workload "aa" (resource "peer"), which already waits for it`}
		if !slices.Equal(cyc.Messages, want) {
			t.Errorf("%v: messages %q, want %q", order, cyc.Messages, want)
		}
	}
}

// Every secret value of the project (generated, or bound by uid) appears only in compose_env or
// secret_manifests: never in a manifest, the compose file, a file, a message, a service or a
// non-secret output; a secret two workloads use is one compose variable, and both refer to it.
func TestProjectSecretsOnlyInSensitiveOutputs(t *testing.T) {
	const bound = "bound-redis-secret-0123456789"
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			out := pjRender(t, target, ProjectRequest{
				Workloads: pjWorkloads(t, pjAPI, pjWeb, pjReplace(t, pjWorker, "CACHE: ${resources.cache.host}", "CACHE: redis://:${resources.cache.password}@${resources.cache.host}")),
				Bindings: map[string]Binding{"redis.default#worker.cache": {
					Outputs: map[string]string{"host": "cache.example.com"}, Secrets: map[string]string{"password": bound},
				}},
				Random: wlRandom(1),
			})
			var secrets []string
			for _, ro := range out.ResourceOutputs {
				for _, v := range ro.Secrets {
					secrets = append(secrets, v)
				}
			}
			secrets = append(secrets, bound)
			if len(secrets) < 5 {
				t.Fatalf("only %d secret values: the check would prove little", len(secrets))
			}
			plain := map[string]string{"compose_yaml": out.ComposeYAML, "messages": strings.Join(out.Messages, "\n")}
			for k, v := range out.Manifests {
				plain["manifests/"+k] = v
			}
			for attr, m := range map[string]map[string]string{"files": out.Files, "binary_files": out.BinaryFiles} {
				for k, v := range m {
					plain[attr+"/"+k] = v
				}
			}
			for uid, ro := range out.ResourceOutputs {
				text, _ := json.Marshal(ro.Outputs)
				plain["resource_outputs/"+uid+"/outputs"] = string(text)
			}
			text, _ := json.Marshal(out.Services)
			plain["services"] = string(text)
			for _, s := range secrets {
				for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s))} {
					for k, v := range plain {
						if strings.Contains(v, form) {
							t.Errorf("%s holds a secret value (%d characters)", k, len(s))
						}
					}
				}
			}
			if _, ok := out.ResourceOutputs["redis.default#worker.cache"]; ok {
				t.Errorf("the bound resource is in resource_outputs, which lists what the project provisions")
			}
			password := out.ResourceOutputs["postgres.default#orders-db"].Secrets["password"]
			if target == targets.Compose {
				env := wlComposeEnv(t, pjAsWorkload(out))
				if env["POSTGRES_DEFAULT_ORDERS_DB_PASSWORD"] != password || env["REDIS_DEFAULT_WORKER_CACHE_PASSWORD"] != bound {
					t.Errorf("compose_env does not hold the shared password and the bound one under their variables: %q", wlSortedKeys(env))
				}
				if n := strings.Count(out.ComposeEnv, password); n != 1 {
					t.Errorf("compose_env holds the shared password %d times, want once", n)
				}
				for _, svc := range []string{"api-main", "worker-main", "pg-orders-db"} {
					if !strings.Contains(fmt.Sprint(pjService(t, out, svc)["environment"]), "${POSTGRES_DEFAULT_ORDERS_DB_PASSWORD}") {
						t.Errorf("%s does not refer to the shared password's variable", svc)
					}
				}
				if !strings.Contains(fmt.Sprint(pjService(t, out, "worker-main")["environment"]), "redis://:${REDIS_DEFAULT_WORKER_CACHE_PASSWORD}@cache.example.com") {
					t.Errorf("worker does not refer to the bound password's variable: %v", pjService(t, out, "worker-main")["environment"])
				}
				return
			}
			// Which Secrets hold the shared password and the bound one (decoded: base64 hides a
			// substring unless it happens to align).
			var holders []string
			for _, k := range wlSortedKeys(out.SecretManifests) {
				obj := wlDecodeManifest(t, k, out.SecretManifests[k])
				for _, v := range wlStringMap(obj["data"]) {
					raw, err := base64.StdEncoding.DecodeString(v)
					if err != nil {
						t.Fatalf("%s: %v", k, err)
					}
					if strings.Contains(string(raw), password) {
						holders = append(holders, k+": shared")
					}
					if strings.Contains(string(raw), bound) {
						holders = append(holders, k+": bound")
					}
				}
			}
			slices.Sort(holders)
			want := []string{"core/v1/Secret/demo/api-main-env: shared", "core/v1/Secret/demo/pg-orders-db-" + pjHash("postgres.default#orders-db") + ": shared",
				"core/v1/Secret/demo/worker-main-env: bound", "core/v1/Secret/demo/worker-main-env: shared"}
			if !slices.Equal(holders, want) {
				t.Errorf("the shared and bound passwords are in %q, want %q", holders, want)
			}
		})
	}
}

// Compose: publish puts host ports on the services asked for, next to the router's 8080 (web is
// published on 3000: 8080 is the router's, TestProjectBadInputs), build replaces the image by a
// build (a context or a compose build object; an image "." then needs nothing else), and
// compose-go loads the result.
func TestProjectComposePublishAndBuild(t *testing.T) {
	const toolText = "apiVersion: score.dev/v1b1\nmetadata: {name: tool}\ncontainers: {main: {image: .}, helper: {image: busybox}}\n"
	if _, err := loader.Load(loader.Input{Content: []byte(toolText), BaseDir: t.TempDir()}); err == nil {
		t.Fatal(`a score file with image "." loads with neither a build nor an image`)
	}
	tool, err := loader.Load(loader.Input{Content: []byte(toolText), BaseDir: t.TempDir(), Built: map[string]bool{"tool.main": true}})
	if err != nil {
		t.Fatalf(`a score file with image "." does not load with a build for it: %v`, err)
	}
	var pubs []Publish
	for _, s := range []string{"3000:web:3000", "15432:postgres#orders-db.host:5432"} {
		p, err := ParsePublish(s)
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, p)
	}
	var builds []Build
	for key, value := range map[string]string{"api.main": "./api", "tool.main": "{ context: ./x, dockerfile: D }"} {
		b, err := ParseBuild(key, value)
		if err != nil {
			t.Fatal(err)
		}
		builds = append(builds, b)
	}
	out := pjRender(t, targets.Compose, ProjectRequest{
		Workloads: append(pjWorkloads(t, pjAPI, pjWeb, pjWorker), tool), Publish: pubs, Builds: builds, Random: wlRandom(1),
	})
	project := wlCheckCompose(t, pjAsWorkload(out), nil)
	ports := map[string][]string{}
	for name, svc := range project.Services {
		for _, p := range svc.Ports {
			ports[name] = append(ports[name], fmt.Sprintf("%s->%d", p.Published, p.Target))
		}
	}
	want := map[string][]string{"web-main": {"3000->3000"}, "pg-orders-db": {"15432->5432"}, "router": {"8080->80"}}
	if !reflect.DeepEqual(ports, want) {
		t.Errorf("published ports %v, want %v", ports, want)
	}
	for name, context := range map[string]string{"api-main": "api", "tool-main": "x"} {
		svc := project.Services[name]
		if svc.Build == nil || filepath.Base(svc.Build.Context) != context || svc.Image != "" {
			t.Errorf("%s: build %+v, image %q; want a build of ./%s and no image", name, svc.Build, svc.Image, context)
		}
	}
	if b := project.Services["tool-main"].Build; b == nil || b.Dockerfile != "D" {
		t.Errorf("tool-main: the build object's dockerfile is lost: %+v", b)
	}
	if svc := project.Services["tool-helper"]; svc.Build != nil || svc.Image != "busybox" {
		t.Errorf("tool-helper, not built, has build %+v, image %q", svc.Build, svc.Image)
	}
	if raw := pjService(t, out, "api-main"); !reflect.DeepEqual(raw["build"], map[string]any{"context": "./api"}) || raw["image"] != nil {
		t.Errorf("api-main: build %v, image %v; want build {context: ./api} and no image", raw["build"], raw["image"])
	}
}

// Compose: the project's services publish distinct host ports, so `docker compose up` can bind
// them all: the routes are served by one router on one host port (PRODUCT.md), not by a proxy per
// route on the same port; with publish, each published port is the only one on its host port.
func TestProjectComposeHostPortsAreDistinct(t *testing.T) {
	var pubs []Publish
	for _, s := range []string{"3000:web:3000", "8081:api:8080", "15432:postgres#orders-db.host:5432", "16379:redis#worker.cache.host:6379"} {
		p, err := ParsePublish(s)
		if err != nil {
			t.Fatal(err)
		}
		pubs = append(pubs, p)
	}
	for name, req := range map[string]ProjectRequest{
		"routes":              {Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)},
		"routes and publish":  {Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1), Publish: pubs},
		"a route and publish": {Workloads: pjWorkloads(t, pjAPI, pjWorker), Random: wlRandom(1), Publish: pubs[1:]},
	} {
		t.Run(name, func(t *testing.T) {
			out := pjRender(t, targets.Compose, req)
			project := wlCheckCompose(t, pjAsWorkload(out), nil)
			byPort := map[string][]string{}
			for _, name := range wlSortedKeys(project.Services) {
				for _, p := range project.Services[name].Ports {
					byPort[p.HostIP+":"+p.Published+"/"+p.Protocol] = append(byPort[p.HostIP+":"+p.Published+"/"+p.Protocol], name)
				}
			}
			// The router's, and one per publish.
			if want := 1 + len(req.Publish); len(byPort) != want {
				t.Errorf("host ports %q, want %d", wlSortedKeys(byPort), want)
			}
			for port, services := range byPort {
				if len(services) > 1 {
					t.Errorf("host port %s is published by %q", port, services)
				}
			}
			if services := byPort[":8080/tcp"]; !slices.Equal(services, []string{"router"}) {
				t.Errorf("host port 8080 is published by %q, want the router alone", services)
			}
		})
	}
}

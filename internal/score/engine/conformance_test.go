package engine

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	composetypes "github.com/compose-spec/compose-go/v2/types"
	"github.com/score-spec/score-go/types"
	yamlv3 "gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Conformance: every score file of score-compose's examples (../shared/conformance, next to the
// repository) renders for both targets with the built-in library, with structural checks.

// wlExamplesDir finds ../shared/conformance/score-compose-examples from the repository root (the
// directory holding go.mod), or skips the test.
func wlExamplesDir(t *testing.T) string {
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
			t.Skip("conformance: no go.mod above the test directory, so ../shared cannot be located")
		}
		dir = parent
	}
	examples := filepath.Join(dir, "..", "shared", "conformance", "score-compose-examples")
	if _, err := os.Stat(examples); err != nil {
		t.Skipf("conformance: score-compose examples not found at %s (they live beside the repository, in ../shared/conformance): %v", examples, err)
	}
	return examples
}

// wlRendered is one rendered score file of an example.
type wlRendered struct {
	workload *loader.Workload
	out      *Workload
	project  *composetypes.Project // compose only
}

// wlExample renders the score files of one example for one target. Files render in name order
// (scoreA before scoreB), each seeing the services of those before it.
type wlExample struct {
	t        *testing.T
	dir      string
	target   targets.Target
	services map[string]provisioner.WorkloadService
}

func (e *wlExample) load(file string) *loader.Workload {
	if !filepath.IsAbs(file) {
		file = filepath.Join(e.dir, file)
	}
	return wlLoadFile(e.t, file, "busybox")
}

func (e *wlExample) input(w *loader.Workload, bindings map[string]resources.Binding) wlCall {
	in := wlInput(e.t, w, e.target, wlRandom(11))
	in.WorkloadServices = e.services
	in.Bindings = bindings
	return in
}

// render renders file and runs the generic checks.
func (e *wlExample) render(file string, bindings map[string]resources.Binding) *wlRendered {
	e.t.Helper()
	w := e.load(file)
	out, err := wlRenderCall(e.input(w, bindings))
	if err != nil {
		e.t.Fatalf("%s does not render for %s: %v", file, e.target, err)
	}
	r := &wlRendered{workload: w, out: out}
	if e.target == targets.Compose {
		r.project = wlCheckCompose(e.t, out, wlComposeEnvironment)
	} else {
		wlCheckKubernetes(e.t, out)
	}
	wlConformanceChecks(e.t, e.target, r)
	for k, v := range wlServicesOf(out) {
		e.services[k] = v
	}
	return r
}

// renderError renders file without bindings and returns its problems, failing when it renders.
func (e *wlExample) renderError(file string) problem.List {
	e.t.Helper()
	out, err := wlRenderCall(e.input(e.load(file), nil))
	if err == nil {
		e.t.Fatalf("%s renders for %s, want an error:\n%s", file, e.target, wlText(out))
	}
	return wlProblems(e.t, err)
}

// wlConformanceChecks are the structural checks every rendered example passes: images, every
// placeholder resolved, mounts for every file and volume, service ports, before as depends_on,
// secrets only in sensitive outputs.
func wlConformanceChecks(t *testing.T, target targets.Target, r *wlRendered) {
	t.Helper()
	spec, out := r.workload.Spec, r.out
	for _, s := range wlSecretValues(t, out) {
		for k, v := range wlPublic(out) {
			if strings.Contains(v, s) {
				t.Errorf("secret %q appears in %s", s, k)
			}
		}
	}
	for k, v := range wlPublic(out) {
		for _, leftover := range []string{"${resources.", "${metadata.", "🔐💬"} {
			if strings.Contains(v, leftover) {
				t.Errorf("%s holds an unresolved %q", k, leftover)
			}
		}
	}
	if spec.Service != nil {
		for name, p := range spec.Service.Ports {
			got, ok := out.Service.Ports[name]
			if !ok || got.Port != p.Port {
				t.Errorf("service port %s = %+v, want port %d", name, got, p.Port)
			}
		}
	}
	if target == targets.Kubernetes {
		obj := wlWorkloadObject(t, out)
		for cname, c := range spec.Containers {
			kc := wlContainer(t, obj, cname, r.workload.StartsFirst(cname) != "")
			if kc["image"] != c.Image {
				t.Errorf("container %s image %v, want %s", cname, kc["image"], c.Image)
			}
			mounts := map[string]bool{}
			for _, m := range wlAnyList(kc["volumeMounts"]) {
				mounts[fmt.Sprint(m.(map[string]any)["mountPath"])] = true
			}
			for target := range c.Files {
				if !mounts[target] {
					t.Errorf("container %s: no mount for file %s", cname, target)
				}
			}
			for target := range c.Volumes {
				if !mounts[target] {
					t.Errorf("container %s: no mount for volume %s", cname, target)
				}
			}
			env := map[string]bool{}
			for _, e := range wlAnyList(kc["env"]) {
				env[fmt.Sprint(e.(map[string]any)["name"])] = true
			}
			for v := range c.Variables {
				if !env[v] {
					t.Errorf("container %s: no env var %s", cname, v)
				}
			}
		}
		if spec.Service != nil && len(spec.Service.Ports) > 0 {
			svc := wlDecodeManifest(t, "svc", out.Manifests["core/v1/Service/"+wlNamespace+"/"+out.Service.Hostname])
			ports := map[string]bool{}
			for _, p := range wlAnyList(wlDig(svc, "spec", "ports")) {
				ports[fmt.Sprint(p.(map[string]any)["name"])] = true
			}
			for name := range spec.Service.Ports {
				if !ports[name] {
					t.Errorf("Service %s has no port %s", out.Service.Hostname, name)
				}
			}
		}
		return
	}
	for cname, c := range spec.Containers {
		svc, ok := r.project.Services[out.Name+"-"+cname]
		if !ok {
			t.Errorf("no compose service %s-%s: %v", out.Name, cname, r.project.ServiceNames())
			continue
		}
		if svc.Image != c.Image {
			t.Errorf("service %s image %q, want %q", svc.Name, svc.Image, c.Image)
		}
		targets := map[string]bool{}
		for _, cfg := range svc.Configs {
			targets[cfg.Target] = true
		}
		for _, v := range svc.Volumes {
			targets[v.Target] = true
		}
		for target := range c.Files {
			if !targets[target] {
				t.Errorf("service %s: no config or bind for file %s", svc.Name, target)
			}
		}
		for target := range c.Volumes {
			if !targets[target] {
				t.Errorf("service %s: no volume for %s", svc.Name, target)
			}
		}
		for v := range c.Variables {
			if _, ok := svc.Environment[v]; !ok {
				t.Errorf("service %s: no environment variable %s", svc.Name, v)
			}
		}
		for other, b := range c.Before {
			dep := r.project.Services[out.Name+"-"+other].DependsOn[svc.Name]
			want := map[string]string{"started": composetypes.ServiceConditionStarted, "healthy": composetypes.ServiceConditionHealthy, "complete": composetypes.ServiceConditionCompletedSuccessfully}[string(b.Ready)]
			if dep.Condition != want {
				t.Errorf("before: %s-%s depends_on %s = %+v, want %s", out.Name, other, svc.Name, dep, want)
			}
		}
	}
}

func wlAnyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// wlComposeRaw is the compose file as written (before compose's interpolation).
type wlComposeRaw struct {
	Services map[string]struct {
		Environment map[string]string `yaml:"environment"`
		Command     []string          `yaml:"command"`
		Entrypoint  []string          `yaml:"entrypoint"`
	} `yaml:"services"`
}

func wlRaw(t *testing.T, out *Workload) wlComposeRaw {
	t.Helper()
	var raw wlComposeRaw
	if err := yamlv3.Unmarshal([]byte(out.ComposeYAML), &raw); err != nil {
		t.Fatal(err)
	}
	return raw
}

// wlEnv is a Kubernetes container's env by name: the value, or "secretKeyRef:<name>/<key>".
func wlEnv(t *testing.T, out *Workload, container string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, e := range wlAnyList(wlContainer(t, wlWorkloadObject(t, out), container, false)["env"]) {
		m := e.(map[string]any)
		if ref, ok := wlDig(m, "valueFrom", "secretKeyRef").(map[string]any); ok {
			env[fmt.Sprint(m["name"])] = fmt.Sprintf("secretKeyRef:%v/%v", ref["name"], ref["key"])
			continue
		}
		env[fmt.Sprint(m["name"])] = fmt.Sprint(m["value"])
	}
	return env
}

func wlComposeValue(svc composetypes.ServiceConfig, key string) string {
	if v := svc.Environment[key]; v != nil {
		return *v
	}
	return "<unset>"
}

// wlWantProblem asserts that list holds a problem at path whose message holds every part.
func wlWantProblem(t *testing.T, list problem.List, path []string, parts ...string) {
	t.Helper()
	for _, p := range list {
		if problem.FormatPath(p.Path) != problem.FormatPath(path) {
			continue
		}
		ok := true
		for _, m := range parts {
			ok = ok && strings.Contains(p.Message, m)
		}
		if ok {
			return
		}
	}
	t.Errorf("no problem at %s mentioning %q; got:\n%v", problem.FormatPath(path), parts, list)
}

var wlExampleChecks = map[string]func(t *testing.T, e *wlExample){
	"01-hello": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		if e.target == targets.Compose {
			svc := r.project.Services["hello-world-hello"]
			if fmt.Sprint(svc.Entrypoint, svc.Command) != "[/bin/sh] [-c while true; do echo Hello World!; sleep 5; done]" {
				t.Errorf("entrypoint/command = %v %v", svc.Entrypoint, svc.Command)
			}
			if svc.Hostname != "hello-world" || svc.Annotations["your.custom/annotation"] != "value" {
				t.Errorf("hostname %q annotations %v", svc.Hostname, svc.Annotations)
			}
			return
		}
		dep := wlWorkloadObject(t, r.out)
		c := wlContainer(t, dep, "hello", false)
		if fmt.Sprint(c["command"], c["args"]) != "[/bin/sh] [-c while true; do echo Hello World!; sleep 5; done]" {
			t.Errorf("command/args = %v %v", c["command"], c["args"])
		}
		if wlDig(dep, "spec", "template", "metadata", "annotations", "your.custom/annotation") != "value" {
			t.Errorf("pod annotations lack your.custom/annotation")
		}
	},
	"02-environment": func(t *testing.T, e *wlExample) {
		if e.target == targets.Kubernetes {
			// The built-in kubernetes environment provisioner's outputs are its params (nothing is
			// read from the machine running Terraform); this example gives none, so NAME is an
			// unknown key. With the param given, it resolves.
			wlWantProblem(t, e.renderError("score.yaml"), []string{"containers", "hello", "variables", "NAME"}, "resources.env.NAME", "'NAME' not found")
			w := wlLoadFile(t, filepath.Join(e.dir, "score.yaml"), "")
			w.Spec.Resources["env"] = wlWithParams(w.Spec.Resources["env"], map[string]any{"NAME": "World"})
			out := wlRender(t, wlInput(t, w, e.target, wlRandom(1)))
			wlCheckKubernetes(t, out)
			env := wlEnv(t, out, "hello")
			for k, want := range map[string]string{"GREETING": "Hello", "NAME": "World", "WORKLOAD_NAME": "hello-world", "ESCAPED": "$_${fizzbuzz}"} {
				if env[k] != want {
					t.Errorf("env %s = %q, want %q", k, env[k], want)
				}
			}
			return
		}
		r := e.render("score.yaml", nil)
		raw := wlRaw(t, r.out).Services["hello-world-hello"].Environment
		for k, want := range map[string]string{"GREETING": "Hello", "NAME": "${NAME}", "WORKLOAD_NAME": "hello-world", "ESCAPED": "$$_$${fizzbuzz}"} {
			if raw[k] != want {
				t.Errorf("compose environment %s = %q, want %q", k, raw[k], want)
			}
		}
		svc := r.project.Services["hello-world-hello"]
		for k, want := range map[string]string{"NAME": "World", "ESCAPED": "$_${fizzbuzz}"} {
			if got := wlComposeValue(svc, k); got != want {
				t.Errorf("environment %s = %q after compose interpolation, want %q", k, got, want)
			}
		}
		// Args are not Score placeholders: they reach the container as written.
		if got := svc.Command[1]; got != "while true; do echo $${GREETING} $${NAME}!; sleep 5; done" {
			t.Errorf("args = %q", got)
		}
	},
	"03-files": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		want := map[string]string{"/fileA.txt": "This is fileA.\n", "/fileB.txt": "I am hello-world\n", "/fileC.bin": "hello world"}
		got := map[string]string{}
		if e.target == targets.Compose {
			svc := r.project.Services["hello-world-hello"]
			for _, c := range svc.Configs {
				got[c.Target] = r.project.Configs[c.Source].Content
			}
		} else {
			got = wlKubernetesFiles(t, r.out, "hello")
		}
		for target, content := range want {
			if got[target] != content {
				t.Errorf("file %s = %q, want %q", target, got[target], content)
			}
		}
	},
	"04-multiple-workloads": func(t *testing.T, e *wlExample) {
		one := e.render("score.yaml", nil)
		two := e.render("score2.yaml", nil)
		if e.target == targets.Compose {
			for svc, port := range map[*composetypes.Project]map[string]string{
				one.project: {"hello-world-first": "8080", "hello-world-second": "8081"},
				two.project: {"hello-world-2-first": "8080"},
			} {
				for name, want := range port {
					if got := wlComposeValue(svc.Services[name], "NGINX_PORT"); got != want {
						t.Errorf("%s NGINX_PORT = %q, want %s", name, got, want)
					}
				}
			}
			if one.project.Services["hello-world-second"].NetworkMode != "service:hello-world-first" {
				t.Errorf("second container does not share the first's network")
			}
			return
		}
		if wlEnv(t, one.out, "first")["NGINX_PORT"] != "8080" || wlEnv(t, one.out, "second")["NGINX_PORT"] != "8081" || wlEnv(t, two.out, "first")["NGINX_PORT"] != "8080" {
			t.Errorf("NGINX_PORT values are wrong")
		}
	},
	"05-volume-mounts": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		if e.target == targets.Compose {
			svc := r.project.Services["hello-world-first"]
			if len(svc.Volumes) != 1 || svc.Volumes[0].Type != "volume" || svc.Volumes[0].Target != "/data" || svc.Volumes[0].Source != r.out.ResourceOutputs["data"].Outputs["source"] {
				t.Errorf("volumes = %+v", svc.Volumes)
			}
			if _, ok := r.project.Volumes[svc.Volumes[0].Source]; !ok {
				t.Errorf("volume %s is not declared: %v", svc.Volumes[0].Source, r.project.Volumes)
			}
			return
		}
		dep := wlWorkloadObject(t, r.out)
		mount := wlContainer(t, dep, "first", false)["volumeMounts"].([]any)[0].(map[string]any)
		vol := wlDig(dep, "spec", "template", "spec", "volumes").([]any)[0].(map[string]any)
		if mount["mountPath"] != "/data" || vol["name"] != mount["name"] || vol["emptyDir"] == nil {
			t.Errorf("mount %v volume %v", mount, vol)
		}
	},
	"06-resource-provisioning": func(t *testing.T, e *wlExample) {
		// A shared resource (id main-cache) is never provisioned inside a workload.
		wlWantProblem(t, e.renderError("score.yaml"), []string{"resources", "cache-a"}, "main-cache", "declare one score_resource", "bind it")
		list := e.renderError("score2.yaml")
		wlWantProblem(t, list, []string{"resources", "cache-b"}, "main-cache", "declare one score_resource")
		for _, p := range list {
			if problem.FormatPath(p.Path) == "resources.cache-c" {
				t.Errorf("the unshared cache-c is reported: %v", p)
			}
		}
		// Bound (as a score_resource would be), both render and share the one redis.
		shared := resources.Binding{
			UID:     "redis.default#main-cache",
			Outputs: map[string]string{"host": "redis-main-cache", "port": "6379", "username": "default"},
			Secrets: map[string]string{"password": "main-cache-password-0123456789"},
		}
		one := e.render("score.yaml", map[string]resources.Binding{"cache-a": shared})
		two := e.render("score2.yaml", map[string]resources.Binding{"cache-b": shared})
		if _, ok := two.out.ResourceOutputs["cache-c"]; !ok || len(two.out.ResourceOutputs) != 1 {
			t.Errorf("workload-two provisions %v, want only cache-c", wlSortedKeys(two.out.ResourceOutputs))
		}
		wantURL := "redis://default:main-cache-password-0123456789@redis-main-cache:6379"
		if e.target == targets.Compose {
			for r, key := range map[*wlRendered][2]string{one: {"workload-one-example", "CONNECTION"}, two: {"workload-two-example", "CONNECTION_A"}} {
				if got := wlComposeValue(r.project.Services[key[0]], key[1]); got != wantURL {
					t.Errorf("%s %s = %q, want %q", key[0], key[1], got, wantURL)
				}
				if raw := wlRaw(t, r.out).Services[key[0]].Environment[key[1]]; strings.Contains(raw, "main-cache-password") {
					t.Errorf("the bound secret is in compose_yaml: %s", raw)
				}
			}
			return
		}
		for r, key := range map[*wlRendered][2]string{one: {"example", "CONNECTION"}, two: {"example", "CONNECTION_A"}} {
			env := wlEnv(t, r.out, key[0])
			if !strings.HasPrefix(env[key[1]], "secretKeyRef:") {
				t.Errorf("%s = %q, want a secretKeyRef", key[1], env[key[1]])
			}
		}
	},
	"07-overrides": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		if e.target == targets.Compose {
			if r.project.Services["hello-world-web"].Image != "nginx" {
				t.Errorf("no hello-world-web nginx service")
			}
		}
	},
	"08-service-port-resource": func(t *testing.T, e *wlExample) {
		// Without workload-a's service, the service-port resource says what is missing.
		wlWantProblem(t, e.renderError("scoreB.yaml"), []string{"resources", "dependency"}, `"workload-a"`)
		a := e.render("scoreA.yaml", nil)
		if p := a.out.Service.Ports["web"]; p.Port != 8080 || p.TargetPort != 80 || p.Protocol != "TCP" {
			t.Errorf("workload-a service port web = %+v", p)
		}
		b := e.render("scoreB.yaml", nil)
		if e.target == targets.Compose {
			hc := a.project.Services["workload-a-example"].HealthCheck
			if hc == nil || fmt.Sprint(hc.Test) != "[CMD /usr/bin/curl -f -m 5 http://localhost]" {
				t.Errorf("workload-a healthcheck = %+v", hc)
			}
			// Compose containers are reached on their target port.
			if got := wlComposeValue(b.project.Services["workload-b-example"], "DEPENDENCY_URL"); got != "http://workload-a:80" {
				t.Errorf("DEPENDENCY_URL = %q", got)
			}
			return
		}
		if got := fmt.Sprint(wlDig(wlContainer(t, wlWorkloadObject(t, a.out), "example", false), "readinessProbe", "exec", "command")); got != "[/usr/bin/curl -f -m 5 http://localhost]" {
			t.Errorf("workload-a readinessProbe = %s", got)
		}
		// Kubernetes clients go through the Service port.
		if got := wlEnv(t, b.out, "example")["DEPENDENCY_URL"]; got != "http://workload-a:8080" {
			t.Errorf("DEPENDENCY_URL = %q", got)
		}
	},
	"09-dns-and-route": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		host := r.out.ResourceOutputs["dns"].Outputs["host"]
		files := map[string]string{}
		if e.target == targets.Compose {
			for _, c := range r.project.Services["hello-world-web"].Configs {
				files[c.Target] = r.project.Configs[c.Source].Content
			}
			if !strings.Contains(strings.Join(wlMapValues(r.out.Files), "\n"), "server_name "+host+";") {
				t.Errorf("no nginx configuration routes %s", host)
			}
		} else {
			files = wlKubernetesFiles(t, r.out, "web")
			var routes []string
			for k, v := range r.out.Manifests {
				if strings.Contains(k, "/HTTPRoute/") {
					routes = append(routes, v)
				}
			}
			if len(routes) != 1 || !strings.Contains(routes[0], "- "+host+"\n") || !strings.Contains(routes[0], "port: 8080\n") {
				t.Errorf("HTTPRoutes for %s:\n%s", host, strings.Join(routes, "---\n"))
			}
		}
		// Two files with the same base name in different directories keep their own content.
		if files["/usr/share/nginx/html/my/fizz/path/index.html"] != "fizz" || files["/usr/share/nginx/html/my/buzz/path/index.html"] != "buzz" {
			t.Errorf("files = %v", files)
		}
	},
	"10-amqp-rabbitmq": func(t *testing.T, e *wlExample) {
		file := "score.yaml"
		if e.target == targets.Compose {
			// Both resources ask for the management UI on host port 15672. score-compose runs one
			// broker for every amqp resource, ours runs one each: two brokers cannot both publish
			// 15672, and the render says so rather than leave `docker compose up` to fail. With
			// another port for amqp2 the example renders.
			problems := e.renderError(file)
			if len(problems) != 1 || !strings.Contains(problems[0].Message, `services "rabbitmq-hello-world-amqp1" and "rabbitmq-hello-world-amqp2" both publish host port 15672/tcp`) {
				t.Fatalf("problems %v: want the host port collision", problems)
			}
			content, err := os.ReadFile(filepath.Join(e.dir, file))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file = filepath.Join(dir, file)
			fixed := strings.Replace(string(content), `"15672"`, `"15673"`, 2)
			fixed = strings.Replace(fixed, `"15673"`, `"15672"`, 1)
			if err := os.WriteFile(file, []byte(fixed), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		r := e.render(file, nil)
		if r.out.ResourceOutputs["amqp1"].Outputs["host"] == r.out.ResourceOutputs["amqp2"].Outputs["host"] {
			t.Logf("amqp1 and amqp2 share host %s", r.out.ResourceOutputs["amqp1"].Outputs["host"])
		}
		wlWantURLs(t, e.target, r, "first", map[string]string{
			"CONNECT_1": wlOutputsURL(r.out.ResourceOutputs["amqp1"], "amqp://%username:%password@%host:%port/%vhost"),
			"CONNECT_2": wlOutputsURL(r.out.ResourceOutputs["amqp2"], "amqp://%username:%password@%host:%port/%vhost"),
		})
	},
	"11-mongodb-document-database": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		wlWantURLs(t, e.target, r, "first", map[string]string{"CONNECT_1": wlOutputsURL(r.out.ResourceOutputs["db"], "%connection")})
	},
	"12-mysql-database": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		wlWantURLs(t, e.target, r, "first", map[string]string{"CONNECTION_STRING": wlOutputsURL(r.out.ResourceOutputs["db"], "mysql://%username:%password@%host:%port/%name")})
	},
	"13-kafka-topic": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		bus := r.out.ResourceOutputs["bus"]
		wlWantURLs(t, e.target, r, "main", map[string]string{
			"KAFKA_BROKERS": bus.Outputs["host"] + ":" + bus.Outputs["port"], "_KAFKA_TOPIC": bus.Outputs["name"], "_KAFKA_PARTITIONS": bus.Outputs["num_partitions"],
		})
		if bus.Outputs["num_partitions"] == "" || bus.Outputs["name"] == "" {
			t.Errorf("kafka-topic outputs %v", bus.Outputs)
		}
	},
	"14-elasticsearch": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		ecs := r.out.ResourceOutputs["ecs"]
		wlWantURLs(t, e.target, r, "hello", map[string]string{
			"ECS_HOST": ecs.Outputs["host"], "ECS_PORT": ecs.Outputs["port"], "ECS_USER": ecs.Outputs["username"], "ECS_PASS": ecs.Secrets["password"],
		})
		arg := "curl --cacert /tmp/ca.crt -u $ECS_USER:$ECS_PASS https://$ECS_HOST:$ECS_PORT"
		if e.target == targets.Compose {
			if got := r.project.Services["example-hello"].Command; len(got) != 2 || got[1] != arg {
				t.Errorf("command = %q, want the args verbatim", got)
			}
		} else if got := wlContainer(t, wlWorkloadObject(t, r.out), "hello", false)["args"]; fmt.Sprint(got) != "[echo "+arg+"]" {
			t.Errorf("args = %v", got)
		}
	},
	"15-mssql-database": func(t *testing.T, e *wlExample) {
		r := e.render("score.yaml", nil)
		db := r.out.ResourceOutputs["db"]
		wlWantURLs(t, e.target, r, "first", map[string]string{
			"MSSQL_CONNECTION_STRING": fmt.Sprintf("Server=%s; Database=%s; User=%s; Password=%s;", db.Outputs["server"], db.Outputs["database"], db.Outputs["username"], db.Secrets["password"]),
		})
	},
}

func wlWithParams(r types.Resource, params map[string]any) types.Resource {
	r.Params = params
	return r
}

func wlB64(t *testing.T, s string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not base64: %q", s)
	}
	return string(b)
}

// wlOutputsURL fills %key with the resource's outputs (secret or not).
func wlOutputsURL(ro ResourceOutputs, pattern string) string {
	all := map[string]string{}
	for k, v := range ro.Outputs {
		all[k] = v
	}
	for k, v := range ro.Secrets {
		all[k] = v
	}
	keys := wlSortedKeys(all)
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, k := range keys {
		pattern = strings.ReplaceAll(pattern, "%"+k, all[k])
	}
	return pattern
}

// wlWantURLs checks the final values of a container's variables: for compose after the env file
// is applied, for Kubernetes by following secretKeyRefs into the Secrets.
func wlWantURLs(t *testing.T, target targets.Target, r *wlRendered, container string, want map[string]string) {
	t.Helper()
	if target == targets.Compose {
		svc := r.project.Services[r.out.Name+"-"+container]
		for k, v := range want {
			if got := wlComposeValue(svc, k); got != v {
				t.Errorf("environment %s = %q, want %q", k, got, v)
			}
		}
		return
	}
	for _, e := range wlAnyList(wlContainer(t, wlWorkloadObject(t, r.out), container, false)["env"]) {
		m := e.(map[string]any)
		name := fmt.Sprint(m["name"])
		v, ok := want[name]
		if !ok {
			continue
		}
		got := fmt.Sprint(m["value"])
		if m["valueFrom"] != nil {
			got = wlSecretData(t, r.out, m)
		}
		if got != v {
			t.Errorf("env %s = %q, want %q", name, got, v)
		}
		delete(want, name)
	}
	for k := range want {
		t.Errorf("no env var %s", k)
	}
}

// wlKubernetesFiles reads a container's mounted files back from the ConfigMaps and Secrets.
func wlKubernetesFiles(t *testing.T, out *Workload, container string) map[string]string {
	t.Helper()
	obj := wlWorkloadObject(t, out)
	volumes := map[string]map[string]any{}
	for _, v := range wlAnyList(wlDig(obj, "spec", "template", "spec", "volumes")) {
		m := v.(map[string]any)
		volumes[fmt.Sprint(m["name"])] = m
	}
	files := map[string]string{}
	for _, m := range wlAnyList(wlContainer(t, obj, container, false)["volumeMounts"]) {
		mount := m.(map[string]any)
		vol := volumes[fmt.Sprint(mount["name"])]
		var key, doc string
		if cm, ok := vol["configMap"].(map[string]any); ok {
			key = "core/v1/ConfigMap/" + wlNamespace + "/" + fmt.Sprint(cm["name"])
			doc = out.Manifests[key]
		} else if s, ok := vol["secret"].(map[string]any); ok {
			key = "core/v1/Secret/" + wlNamespace + "/" + fmt.Sprint(s["secretName"])
			doc = out.SecretManifests[key]
		} else {
			continue
		}
		src := wlDecodeManifest(t, key, doc)
		item := fmt.Sprint(mount["subPath"])
		for _, it := range wlAnyList(wlDig(vol, "configMap", "items")) {
			if it.(map[string]any)["path"] == item {
				item = fmt.Sprint(it.(map[string]any)["key"])
			}
		}
		if v, ok := wlStringMap(src["data"])[item]; ok {
			if src["kind"] == "Secret" {
				v = wlB64(t, v)
			}
			files[fmt.Sprint(mount["mountPath"])] = v
		} else if v, ok := wlStringMap(src["binaryData"])[item]; ok {
			files[fmt.Sprint(mount["mountPath"])] = wlB64(t, v)
		}
	}
	return files
}

func TestConformanceScoreComposeExamples(t *testing.T) {
	root := wlExamplesDir(t)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, entry := range entries {
		name := entry.Name()
		if !entry.IsDir() {
			continue
		}
		if name == "16-patching-templates" {
			continue // its patch files target score-compose's own output
		}
		check, ok := wlExampleChecks[name]
		if !ok {
			t.Errorf("example %s has no checks here", name)
			continue
		}
		seen++
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				check(t, &wlExample{t: t, dir: filepath.Join(root, name), target: target, services: map[string]provisioner.WorkloadService{}})
			})
		}
	}
	if seen != len(wlExampleChecks) {
		t.Errorf("%d examples found, %d checked", seen, len(wlExampleChecks))
	}
}

// Every score file of the examples (16 included) loads: the other examples' loader guarantees.
func TestConformanceExamplesLoad(t *testing.T) {
	root := wlExamplesDir(t)
	files, _ := filepath.Glob(filepath.Join(root, "*", "score*.yaml"))
	if len(files) == 0 {
		t.Fatalf("no score files under %s", root)
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loader.Load(loader.Input{Content: content, BaseDir: filepath.Dir(f)}); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

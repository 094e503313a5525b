// Command render is the Go half of `make e2e-kubernetes` (tools/e2e/kubernetes.mk): it renders,
// with the provider's engine, every Kubernetes example under examples/ and one synthetic
// workload per built-in kubernetes provisioner, and compares what a real API server read back
// with what was rendered.
//
//	render -examples examples -out DIR
//	    Writes one directory per case (examples/project-kubernetes is one case, rendered as a
//	    project): DIR/<case>/namespace (the namespace its objects are in),
//	    DIR/<case>/manifests/*.yaml and DIR/<case>/secret_manifests/*.yaml, one object per file,
//	    named after its key (<group>_<version>_<Kind>_<namespace>_<name>.yaml).
//
//	render -compare CASEDIR -live FILE.json
//	    FILE.json is `kubectl get -f CASEDIR/... -o json` (a List). Every field the renderer wrote
//	    must come back with the same value (the server may add fields, never change ours):
//	    a changed value is drift that kubernetes_manifest and kubectl_manifest would show on
//	    every plan. Values of Secret objects are never printed.
//
// It is a tool, not part of the provider: nothing imports it.
package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// builtinTypes are the built-in provisioner types PRODUCT.md promises. The synthetic cases come
// from the built-in library itself (so a new provisioner is covered without editing this file);
// this list makes a missing one an error instead of a silently skipped case.
var builtinTypes = []string{
	"volume", "service-port", "dns", "route", "postgres", "postgres-instance", "mysql", "redis",
	"mongodb", "amqp", "s3", "kafka-topic", "mssql", "elasticsearch", "environment",
}

func main() {
	examples := flag.String("examples", "examples", "the repository's examples directory")
	out := flag.String("out", "", "render: the directory to write the cases to")
	compare := flag.String("compare", "", "compare: a case directory written by render")
	live := flag.String("live", "", "compare: `kubectl get -o json` output for the case")
	flag.Parse()
	var err error
	switch {
	case *compare != "" && *live != "":
		err = compareCase(*compare, *live)
	case *out != "":
		err = renderAll(*examples, *out)
	default:
		err = errors.New("usage: render -examples DIR -out DIR | render -compare CASEDIR -live FILE.json")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

// A workloadCase is one score file rendered like a score_workload resource.
type workloadCase struct {
	name      string // the case (directory and namespace suffix)
	file      string // score file path, or "" with content
	content   string
	image     string
	bindings  map[string]resources.Binding
	services  map[string]provisioner.WorkloadService
	custom    string // a provisioners file matched before the built-ins (provider `provisioners`)
	namespace string
	patches   []string // patch template files (provider `patch_templates`)
}

// A resourceCase is one resource rendered like a score_resource resource.
type resourceCase struct {
	sourceWorkload, name, typ string
	id                        *string
	annotations               map[string]any
}

type writer struct {
	out   string
	cases []string
}

func renderAll(examples, out string) error {
	ctx := context.Background()
	w := &writer{out: out}
	builtins, err := provisioner.Builtins(targets.Kubernetes)
	if err != nil {
		return err
	}

	// examples/kubernetes: a workload with a postgres and a redis, both provisioned inside it.
	if err := w.workload(ctx, workloadCase{name: "example-kubernetes", file: filepath.Join(examples, "kubernetes", "score.yaml")}); err != nil {
		return err
	}
	// examples/kubernetes again, patched with score-spec/community-patchers' unprivileged and
	// service-account templates (the provider example's copy, and the engine's testdata copy):
	// the server must accept the security contexts and the ServiceAccount.
	if err := w.workload(ctx, workloadCase{
		name: "example-kubernetes-patched", file: filepath.Join(examples, "kubernetes", "score.yaml"),
		patches: []string{
			filepath.Join(examples, "provider", "unprivileged.tpl"),
			filepath.Join(examples, "..", "internal", "score", "engine", "testdata", "community-patchers", "score-k8s", "service-account.tpl"),
		},
	}); err != nil {
		return err
	}
	// examples/quickstart: written for compose, but a score file is portable; it exercises files
	// (one from a source file), probes, resources, a volume and a `before: healthy` sidecar.
	if err := w.workload(ctx, workloadCase{name: "example-quickstart", file: filepath.Join(examples, "quickstart", "score.yaml")}); err != nil {
		return err
	}
	// examples/compose: the same portability argument.
	if err := w.workload(ctx, workloadCase{name: "example-compose", file: filepath.Join(examples, "compose", "score.yaml")}); err != nil {
		return err
	}
	// examples/project-kubernetes: its three score files as one project (score_project), with
	// the Namespace object generate_namespace adds.
	if err := w.project(ctx, "example-project-kubernetes", filepath.Join(examples, "project-kubernetes")); err != nil {
		return err
	}
	// examples/resources/score_resource: the two score_resource blocks.
	ns := "e2e-example-score-resource"
	shared := "shared-cache"
	if _, err := w.resource(ctx, "example-score-resource", ns, resourceCase{sourceWorkload: "web", name: "db", typ: "postgres"}); err != nil {
		return err
	}
	// examples/resources/score_workload: cache bound to a score_resource (redis, id
	// shared-cache, rendered here too, as resource.tf does), search bound to plain values, db
	// provisioned inside the workload.
	ns = "e2e-example-score-workload"
	cache, err := w.resource(ctx, "example-score-workload", ns, resourceCase{typ: "redis", id: &shared, annotations: map[string]any{"team": "checkout"}})
	if err != nil {
		return err
	}
	if err := w.workload(ctx, workloadCase{
		name: "example-score-workload", namespace: ns,
		file:  filepath.Join(examples, "resources", "score_workload", "score.yaml"),
		image: "ghcr.io/example/web:1.4.2",
		bindings: map[string]resources.Binding{
			"cache":  {UID: "redis.default#shared-cache", Outputs: cache.Outputs, Secrets: cache.Secrets},
			"search": {Outputs: map[string]string{"host": "search.internal", "port": "9200"}},
		},
	}); err != nil {
		return err
	}
	// examples/custom-provisioner: its provisioners.yaml before the built-ins, and the workload
	// main.tf builds with yamlencode (transcribed here).
	if err := w.workload(ctx, workloadCase{
		name: "example-custom-provisioner", custom: filepath.Join(examples, "custom-provisioner", "provisioners.yaml"),
		content: `apiVersion: score.dev/v1b1
metadata:
  name: uploader
containers:
  main:
    image: ghcr.io/example/uploader:2.0.0
    variables:
      BUCKET: ${resources.assets.bucket}
      PREFIX: ${resources.assets.prefix}
      TOKEN: ${resources.assets.token}
resources:
  assets:
    type: bucket
`,
	}); err != nil {
		return err
	}

	// One workload per built-in provisioner type.
	seen := map[string]bool{}
	for _, def := range builtins {
		if seen[def.Type] {
			continue
		}
		seen[def.Type] = true
		c, err := provisionerCase(def)
		if err != nil {
			return err
		}
		if err := w.workload(ctx, c); err != nil {
			return err
		}
	}
	var missing []string
	for _, t := range builtinTypes {
		if !seen[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the built-in kubernetes library has no provisioner of type %s", strings.Join(missing, ", "))
	}

	// The workload renderer's own features, with the real server's eye on them.
	if err := w.workload(ctx, workloadCase{name: "workload-features", content: featuresWorkload}); err != nil {
		return err
	}
	sort.Strings(w.cases)
	fmt.Printf("rendered %d cases into %s\n", len(w.cases), out)
	return nil
}

// provisionerCase is a workload using one resource of def's type, with a variable per output.
func provisionerCase(def *provisioner.Definition) (workloadCase, error) {
	label := provisioner.DNSLabel(def.Type)
	wl := "wl-" + label
	c := workloadCase{name: "provisioner-" + label}
	spec := map[string]any{
		"apiVersion": "score.dev/v1b1",
		"metadata":   map[string]any{"name": wl},
		"service":    map[string]any{"ports": map[string]any{"http": map[string]any{"port": 80, "targetPort": 8080}}},
	}
	container := map[string]any{"image": "ghcr.io/example/" + wl + ":1.0.0"}
	vars := map[string]any{}
	res := map[string]any{"type": def.Type}
	outputs := def.ExpectedOutputs
	switch def.Type {
	case "volume":
		container["volumes"] = map[string]any{
			"/data":    map[string]any{"source": "${resources.res}"},
			"/scratch": map[string]any{"source": "${resources.res}", "path": "scratch", "readOnly": true},
		}
		outputs = nil
	case "service-port":
		// The other workload is rendered in the same case, so its Service exists too.
		backend := `apiVersion: score.dev/v1b1
metadata:
  name: backend
containers:
  main:
    image: ghcr.io/example/backend:1.0.0
service:
  ports:
    http:
      port: 80
      targetPort: 8080
`
		w, err := loader.Load(loader.Input{Content: []byte(backend)})
		if err != nil {
			return c, fmt.Errorf("service-port case: %w", err)
		}
		c.services = map[string]provisioner.WorkloadService{"backend": resources.OwnService(w, targets.Kubernetes)}
		res["params"] = map[string]any{"workload": "backend", "port": "http"}
		c.content = backend // rendered first, see workload()
	case "route":
		res["params"] = map[string]any{"host": "app.example.com", "port": "http", "path": "/api"}
		spec["resources"] = map[string]any{
			"res2": map[string]any{"type": "route", "params": map[string]any{
				"host": "*.example.com", "port": 80, "path": "/exact", "path_type": "Exact",
				"gateway": "public", "gateway_namespace": "gateways",
			}},
		}
	case "dns":
		spec["resources"] = map[string]any{"res2": map[string]any{"type": "dns", "params": map[string]any{"domain": "example.com"}}}
		vars["OTHER_HOST"] = "${resources.res2.host}"
	case "environment":
		res["params"] = map[string]any{"LOG_LEVEL": "debug", "REPLICAS": 3, "FEATURES": map[string]any{"beta": true}}
		outputs = []string{"LOG_LEVEL", "REPLICAS", "FEATURES"}
	}
	for _, k := range outputs {
		vars["OUT_"+strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(k))] = "${resources.res." + k + "}"
	}
	if len(vars) > 0 {
		container["variables"] = vars
	}
	spec["containers"] = map[string]any{"main": container}
	all, _ := spec["resources"].(map[string]any)
	if all == nil {
		all = map[string]any{}
	}
	all["res"] = res
	spec["resources"] = all
	doc, err := yaml.Marshal(spec)
	if err != nil {
		return c, err
	}
	if c.content != "" {
		// service-port: two workloads, separated by a marker workload() understands.
		c.content += "---\n" + string(doc)
	} else {
		c.content = string(doc)
	}
	return c, nil
}

// featuresWorkload uses what the kubernetes workload renderer does beyond the examples:
// StatefulSet kind, init containers and native sidecars, files (secret, binary, noExpand, mode),
// volume sub-paths, secret and mixed variables, `$(...)` escaping, UDP ports, unusual quantities
// and every probe form.
const featuresWorkload = `apiVersion: score.dev/v1b1
metadata:
  name: features
  annotations:
    k8s.score.dev/kind: StatefulSet
    example.com/owner: team-a
containers:
  migrate:
    image: ghcr.io/example/migrate:1.0.0
    command: ["/migrate"]
    args: ["--dsn", "$(DB_DSN)"]
    variables:
      DB_DSN: ${resources.db.url}
    before:
      main:
        ready: complete
  proxy:
    image: ghcr.io/example/proxy:1.0.0
    readinessProbe:
      httpGet:
        port: 15000
        path: /ready
    before:
      main:
        ready: healthy
  logs:
    image: ghcr.io/example/logs:1.0.0
    before:
      main:
        ready: started
  main:
    image: ghcr.io/example/features:1.0.0
    variables:
      DB_PASSWORD: ${resources.db.password}
      DB_SUMMARY: "user=${resources.db.username} password=${resources.db.password}"
      LITERAL: "$(NOT_EXPANDED) and $$HOME"
      PORT: "8080"
      lower.case-name: "ok"
    files:
      /etc/app/password:
        content: ${resources.db.password}
        mode: "0400"
      /etc/app/app.ini:
        mode: "0644"
        content: |
          [db]
          host = ${resources.db.host}
          password = ${resources.db.password}
      /etc/app/motd.txt:
        content: hello from ${metadata.name}
      /etc/app/logo.bin:
        binaryContent: iVBORw0KGgo=
      /etc/app/template.txt:
        content: "${resources.db.host} stays literal"
        noExpand: true
    volumes:
      /data:
        source: ${resources.data}
      /data-ro:
        source: ${resources.data}
        path: sub/dir
        readOnly: true
    resources:
      requests:
        cpu: "0.25"
        memory: 1G
      limits:
        cpu: "1"
        memory: 1.5Gi
    livenessProbe:
      httpGet:
        scheme: HTTPS
        host: 127.0.0.1
        port: 8443
        path: /healthz
        httpHeaders:
          - name: X-Probe
            value: liveness
    readinessProbe:
      exec:
        command: ["/bin/check", "--ready"]
service:
  ports:
    http:
      port: 80
      targetPort: 8080
    metrics:
      port: 9090
      protocol: UDP
resources:
  db:
    type: postgres
  data:
    type: volume
`

func (w *writer) workload(ctx context.Context, c workloadCase) error {
	var custom []byte
	if c.custom != "" {
		data, err := os.ReadFile(c.custom)
		if err != nil {
			return err
		}
		custom = data
	}
	if c.namespace == "" {
		c.namespace = "e2e-" + c.name
	}

	var docs []string
	baseDir := ""
	if c.file != "" {
		data, err := os.ReadFile(c.file)
		if err != nil {
			return err
		}
		docs, baseDir = []string{string(data)}, filepath.Dir(c.file)
	} else {
		docs = strings.Split(c.content, "---\n")
	}
	for _, doc := range docs {
		wl, err := loader.Load(loader.Input{Content: []byte(doc), BaseDir: baseDir, Image: c.image})
		if err != nil {
			return fmt.Errorf("%s: loading the score file: %w", c.name, err)
		}
		settings := engine.NewSettings(engine.Config{Target: targets.Kubernetes, Namespace: c.namespace})
		if custom != nil {
			if err := settings.AddProvisioners(custom, c.custom); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
		}
		if err := settings.AddBuiltinProvisioners(); err != nil {
			return err
		}
		for _, p := range c.patches {
			text, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := settings.AddPatchTemplate(string(text)); err != nil {
				return fmt.Errorf("%s: %s: %w", c.name, p, err)
			}
		}
		out, err := engine.RenderWorkload(ctx, settings, engine.WorkloadRequest{
			Workload: wl, Bindings: c.bindings, WorkloadServices: c.services, Random: rand.Reader,
		})
		if err != nil {
			return fmt.Errorf("%s: rendering workload %q: %w", c.name, wl.Name(), err)
		}
		if err := w.write(c.name, c.namespace, out.Manifests, out.SecretManifests); err != nil {
			return err
		}
	}
	return nil
}

// project renders every *.score.yaml of dir as one project, as score_project does with
// generate_namespace, in the case's own namespace.
func (w *writer) project(ctx context.Context, caseName, dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.score.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("%s: no score files in %s (%v)", caseName, dir, err)
	}
	sort.Strings(files)
	var workloads []*loader.Workload
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		wl, err := loader.Load(loader.Input{Content: data, BaseDir: dir})
		if err != nil {
			return fmt.Errorf("%s: loading %s: %w", caseName, f, err)
		}
		workloads = append(workloads, wl)
	}
	namespace := "e2e-" + caseName
	settings := engine.NewSettings(engine.Config{Target: targets.Kubernetes})
	if err := settings.AddBuiltinProvisioners(); err != nil {
		return err
	}
	out, err := engine.RenderProject(ctx, settings, engine.ProjectRequest{
		Workloads: workloads, Random: rand.Reader, Namespace: namespace, GenerateNamespace: true,
	})
	if err != nil {
		return fmt.Errorf("%s: rendering the project: %w", caseName, err)
	}
	return w.write(caseName, namespace, out.Manifests, out.SecretManifests)
}

// resource renders one resource as score_resource does and returns it (for bindings).
func (w *writer) resource(ctx context.Context, caseName, namespace string, rc resourceCase) (*engine.Resource, error) {
	settings := engine.NewSettings(engine.Config{Target: targets.Kubernetes, Namespace: namespace})
	if err := settings.AddBuiltinProvisioners(); err != nil {
		return nil, err
	}
	metadata := map[string]any{}
	if rc.annotations != nil {
		metadata["annotations"] = rc.annotations
	}
	req := engine.ResourceRequest{
		Type: rc.typ, ID: rc.id, Name: rc.name, SourceWorkload: rc.sourceWorkload,
		Params: map[string]any{}, Metadata: metadata, Random: rand.Reader,
	}
	out, err := engine.ProvisionResource(ctx, settings, req)
	if err != nil {
		return nil, fmt.Errorf("%s: provisioning %s: %w", caseName, req.UID(), err)
	}
	return out, w.write(caseName, namespace, out.Manifests, out.SecretManifests)
}

func (w *writer) write(caseName, namespace string, manifests, secrets map[string]string) error {
	dir := filepath.Join(w.out, caseName)
	if !contains(w.cases, caseName) {
		w.cases = append(w.cases, caseName)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "namespace"), []byte(namespace+"\n"), 0o644); err != nil {
			return err
		}
	}
	for sub, m := range map[string]map[string]string{"manifests": manifests, "secret_manifests": secrets} {
		if len(m) == 0 {
			continue
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
		for key, doc := range m {
			name := strings.ReplaceAll(key, "/", "_") + ".yaml"
			path := filepath.Join(dir, sub, name)
			if prev, err := os.ReadFile(path); err == nil && string(prev) != doc {
				return fmt.Errorf("%s: two different objects with key %s", caseName, key)
			}
			if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// compareCase checks that every rendered object came back from the server with every field the
// renderer set, unchanged.
func compareCase(caseDir, liveFile string) error {
	data, err := os.ReadFile(liveFile)
	if err != nil {
		return err
	}
	// `kubectl get -f` prints a List, or the object itself when there is only one.
	var list struct {
		Kind  string           `json:"kind"`
		Items []map[string]any `json:"items"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return fmt.Errorf("%s: %w", liveFile, err)
	}
	if list.Kind != "List" {
		var one map[string]any
		if err := json.Unmarshal(data, &one); err != nil {
			return fmt.Errorf("%s: %w", liveFile, err)
		}
		list.Items = []map[string]any{one}
	}
	live := map[string]map[string]any{}
	for _, item := range list.Items {
		live[identity(item)] = item
	}
	var problems []string
	for _, sub := range []string{"manifests", "secret_manifests"} {
		files, _ := filepath.Glob(filepath.Join(caseDir, sub, "*.yaml"))
		sort.Strings(files)
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			var obj map[string]any
			if err := yaml.Unmarshal(raw, &obj); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			// Compare as JSON values (what the server sees): numbers as float64, and so on.
			obj, err = asJSON(obj)
			if err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			got, ok := live[identity(obj)]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: %s was not read back from the server", f, identity(obj)))
				continue
			}
			var diffs []string
			subset(obj, got, "", sub == "secret_manifests" || obj["kind"] == "Secret", &diffs)
			for _, d := range diffs {
				problems = append(problems, fmt.Sprintf("%s: %s", f, d))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("the server changed rendered values (drift on every plan):\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func identity(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	return fmt.Sprintf("%v %v %v/%v", obj["apiVersion"], obj["kind"], meta["namespace"], meta["name"])
}

func asJSON(v map[string]any) (map[string]any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = json.Unmarshal(data, &out)
	return out, err
}

// subset reports where want (rendered) is not contained in got (live). Maps: every key of want
// must be in got with a contained value. Lists: same length, element by element. Scalars: equal.
func subset(want, got any, path string, secret bool, diffs *[]string) {
	show := func(v any) string {
		if secret {
			return "(secret value)"
		}
		data, _ := json.Marshal(v)
		return string(data)
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, fmt.Sprintf("%s: rendered an object, server has %s", orRoot(path), show(got)))
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				if isEmpty(w[k]) {
					continue // an empty map or list the server omits is not drift
				}
				*diffs = append(*diffs, fmt.Sprintf("%s.%s: rendered %s, the server dropped it", orRoot(path), k, show(w[k])))
				continue
			}
			subset(w[k], gv, path+"."+k, secret, diffs)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			*diffs = append(*diffs, fmt.Sprintf("%s: rendered %s, server has %s", orRoot(path), show(want), show(got)))
			return
		}
		for i := range w {
			subset(w[i], g[i], fmt.Sprintf("%s[%d]", path, i), secret, diffs)
		}
	default:
		if !reflect.DeepEqual(want, got) {
			*diffs = append(*diffs, fmt.Sprintf("%s: rendered %s, server has %s", orRoot(path), show(want), show(got)))
		}
	}
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	case nil:
		return true
	}
	return false
}

func orRoot(path string) string {
	if path == "" {
		return "."
	}
	return path
}

// Command render writes the compose projects `make e2e-compose` checks with the real
// `docker compose`: every score file under examples/, every score-compose conformance example
// (../shared/conformance/score-compose-examples, 16 excepted), the engine's golden-test
// workloads (internal/score/engine/testdata/workloads), one synthetic workload per built-in
// compose provisioner type (plus one with all of them), and the small workload the target runs
// for real.
//
// Each case is a directory under -out holding what a Terraform user writes next to each other
// (compose.yaml from compose_yaml, .env from compose_env, files and secret_files at their
// relative paths) plus two files for the harness:
//
//	compose-files  the compose files of the case, one per line, in -f order
//	shell.env      (optional) variables the shell running `docker compose` would provide, for
//	               `environment` resources
//
// Rendering goes through the engine exactly as the provider does: loader.Load, then
// engine.RenderWorkload with the built-in compose provisioners.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// The run case binds two secrets the harness chooses (so it can check they come back from the
// container unchanged and appear nowhere else): their values are in these environment variables.
// One holds a single quote and one does not: the env file quotes the two differently.
const (
	RunSecretEnv = "E2E_COMPOSE_RUN_SECRET"
	RunTokenEnv  = "E2E_COMPOSE_RUN_TOKEN"
)

// exampleSettings are what each examples/ score file is rendered with: what its Terraform
// configuration sets (compose_project, image, resources bindings). Score files not listed here
// render with the defaults (project "score", the provider's default, and no bindings).
var exampleSettings = map[string]settings{
	"compose/score.yaml":    {project: "shop"},
	"quickstart/score.yaml": {project: "quickstart"},
	// examples/resources/score_workload/resource.tf: cache is bound to a score_resource (redis,
	// id shared-cache), search to plain values; db is provisioned inside the workload.
	"resources/score_workload/score.yaml": {
		project: "score",
		image:   "ghcr.io/example/web:1.4.2",
		bindings: map[string]resources.Binding{
			"cache": {
				UID:     "redis.default#shared-cache",
				Outputs: map[string]string{"host": "redis-shared-cache", "port": "6379", "username": "default"},
				Secrets: map[string]string{"password": "e2e-cache-password-0123456789", "url": "redis://default:e2e-cache-password-0123456789@redis-shared-cache:6379"},
			},
			"search": {Outputs: map[string]string{"host": "search.internal", "port": "9200"}},
		},
	},
	// A kubernetes example, rendered for compose too: score files are portable between targets.
	"kubernetes/score.yaml": {project: "score"},
}

// conformanceBindings bind the shared resources of the conformance examples, as a
// score_resource would (a shared resource is never provisioned inside a workload). Each score
// file gets the bindings of the resources it declares.
var conformanceBindings = map[string]map[string]resources.Binding{
	"06-resource-provisioning": {
		"cache-a": sharedCache,
		"cache-b": sharedCache,
	},
}

var sharedCache = resources.Binding{
	UID:     "redis.default#main-cache",
	Outputs: map[string]string{"host": "redis-main-cache", "port": "6379", "username": "default"},
	Secrets: map[string]string{"password": "main-cache-password-0123456789"},
}

// conformanceEdits change a conformance score file (by <example>/<file>) before it is rendered,
// where what it asks for is an error here on purpose. The unedited file must fail with want first,
// so the case still proves the error.
var conformanceEdits = map[string]struct{ want, old, new string }{
	// Both brokers ask for the management UI on host port 15672. score-compose runs one broker for
	// the project; here each resource has its own, and two services cannot publish one host port
	// (`docker compose up` would fail): the second asks for 15673.
	"10-amqp-rabbitmq/score.yaml": {
		want: `services "rabbitmq-hello-world-amqp1" and "rabbitmq-hello-world-amqp2" both publish host port 15672/tcp`,
		old:  `"15672"`, new: `"15673"`,
	},
}

// edited is content with the last occurrence of old replaced by new.
func edited(content, old, new string) (string, error) {
	i := strings.LastIndex(content, old)
	if i < 0 {
		return "", fmt.Errorf("%q does not occur in the file any more", old)
	}
	return content[:i] + new + content[i+len(old):], nil
}

// conformanceShellEnv is what the user's shell gives `docker compose` for environment resources.
var conformanceShellEnv = map[string]map[string]string{
	"02-environment": {"NAME": "World"},
}

type settings struct {
	project  string
	image    string
	bindings map[string]resources.Binding
	services map[string]provisioner.WorkloadService
	patches  []string // patch template files (provider `patch_templates`)
}

// patchedExamples are examples rendered again with score-spec/community-patchers' compose
// templates (the engine's testdata copies) as the provider's patch_templates: `docker compose
// config` must accept what they make of the project. (dapr.tpl is left out: it binds
// directories the user creates.)
var patchedExamples = map[string][]string{
	"compose/score.yaml": {"unprivileged.tpl", "microcks.tpl", "ollama.tpl"},
}

func main() {
	out := flag.String("out", "", "directory to write the cases into (created)")
	examples := flag.String("examples", "examples", "the repository's examples directory")
	conformance := flag.String("conformance", "../shared/conformance/score-compose-examples", "score-compose's examples; skipped with a message when absent")
	fixtures := flag.String("fixtures", "internal/score/engine/testdata/workloads", "the engine's own test workloads (empty: none)")
	runImage := flag.String("run-image", "score-e2e/hello:1", "image of the workload the harness runs for real")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "render: -out is required")
		os.Exit(2)
	}
	r := &renderer{out: *out}
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		fatal(err)
	}
	r.examples(*examples)
	r.conformance(*conformance)
	if *fixtures != "" {
		r.fixtures(*fixtures)
	}
	r.synthetic()
	r.run(*runImage)
	if len(r.failed) > 0 {
		fmt.Fprintf(os.Stderr, "render: %d case(s) did not render: %s\n", len(r.failed), strings.Join(r.failed, ", "))
		os.Exit(1)
	}
	fmt.Printf("render: %d cases written to %s\n", r.count, r.out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "render:", err)
	os.Exit(1)
}

type renderer struct {
	out    string
	count  int
	failed []string
}

// workload renders one loaded workload for compose.
func (r *renderer) workload(w *loader.Workload, s settings) (*engine.Workload, error) {
	es := engine.NewSettings(engine.Config{Target: targets.Compose, ComposeProjectName: s.project})
	if err := es.AddBuiltinProvisioners(); err != nil {
		return nil, err
	}
	for _, p := range s.patches {
		text, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if err := es.AddPatchTemplate(string(text)); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	return engine.RenderWorkload(context.Background(), es, engine.WorkloadRequest{
		Workload: w, Bindings: s.bindings, WorkloadServices: s.services, Random: rand.Reader,
	})
}

func loadFile(path, image string) (*loader.Workload, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	w, err := loader.Load(loader.Input{Content: content, BaseDir: filepath.Dir(path), Image: image})
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", path, err)
	}
	return w, nil
}

func loadText(content string) (*loader.Workload, error) {
	return loader.Load(loader.Input{Content: []byte(content), BaseDir: os.TempDir()})
}

func (r *renderer) fail(name string, err error) {
	fmt.Fprintf(os.Stderr, "render: case %s: %v\n", name, err)
	r.failed = append(r.failed, name)
}

// write writes a case: the rendered workloads' compose files (compose.yaml, compose-2.yaml, ...),
// their env files joined as .env, and their files.
func (r *renderer) write(name string, outs []*engine.Workload, shellEnv map[string]string) {
	dir := filepath.Join(r.out, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fatal(err)
	}
	var list, env []string
	for i, w := range outs {
		file := "compose.yaml"
		if i > 0 {
			file = fmt.Sprintf("compose-%d.yaml", i+1)
		}
		list = append(list, file)
		mustWrite(dir, file, w.ComposeYAML, 0o644)
		env = append(env, w.ComposeEnv)
		for _, files := range []map[string]string{w.Files, w.SecretFiles} {
			for p, content := range files {
				if !filepath.IsLocal(filepath.FromSlash(p)) {
					r.fail(name, fmt.Errorf("file %q is not a relative path inside the project directory", p))
					continue
				}
				mustWrite(dir, p, content, 0o644)
			}
		}
	}
	mustWrite(dir, ".env", strings.Join(env, ""), 0o600)
	mustWrite(dir, "compose-files", strings.Join(list, "\n")+"\n", 0o644)
	if len(shellEnv) > 0 {
		var lines []string
		for _, k := range sortedKeys(shellEnv) {
			lines = append(lines, k+"="+shellEnv[k])
		}
		mustWrite(dir, "shell.env", strings.Join(lines, "\n")+"\n", 0o644)
	}
	r.count++
	fmt.Printf("render: %-48s %s\n", name, strings.Join(list, " "))
}

func mustWrite(dir, rel, content string, mode os.FileMode) {
	full := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), mode); err != nil {
		fatal(err)
	}
}

// examples renders every score*.yaml under dir, with its example's settings.
func (r *renderer) examples(dir string) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), "score") && (strings.HasSuffix(d.Name(), ".yaml") || strings.HasSuffix(d.Name(), ".yml")) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		fatal(err)
	}
	if len(files) == 0 {
		fatal(fmt.Errorf("no score files under %s", dir))
	}
	sort.Strings(files)
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		rel = filepath.ToSlash(rel)
		name := "examples-" + strings.NewReplacer("/", "-", "_", "-", ".yaml", "", ".yml", "").Replace(rel)
		s, ok := exampleSettings[rel]
		if !ok {
			s = settings{project: "score", image: "busybox:latest"}
		}
		w, err := loadFile(f, s.image)
		if err != nil {
			r.fail(name, err)
			continue
		}
		out, err := r.workload(w, s)
		if err != nil {
			r.fail(name, err)
			continue
		}
		r.write(name, []*engine.Workload{out}, nil)
		if patchers, ok := patchedExamples[rel]; ok {
			name += "-patched"
			for _, p := range patchers {
				s.patches = append(s.patches, filepath.Join(dir, "..", "internal", "score", "engine", "testdata", "community-patchers", "score-compose", p))
			}
			if out, err = r.workload(w, s); err != nil {
				r.fail(name, err)
				continue
			}
			r.write(name, []*engine.Workload{out}, nil)
		}
	}
}

// fixtureShellEnv is what the engine's golden tests give `docker compose` for the fixtures'
// environment resources.
var fixtureShellEnv = map[string]string{"REGION": "eu-west-1", "LOG_LEVEL": "debug", "NAME": "World"}

// fixtures renders the engine's own golden-test workloads (every *.yaml in dir), as the golden
// tests do: project "demo", the other workload `backend` known.
func (r *renderer) fixtures(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) == 0 {
		r.fail("fixtures", fmt.Errorf("no workloads in %s", dir))
		return
	}
	sort.Strings(files)
	for _, f := range files {
		name := "fixture-" + strings.TrimSuffix(filepath.Base(f), ".yaml")
		w, err := loadFile(f, "")
		if err != nil {
			r.fail(name, err)
			continue
		}
		out, err := r.workload(w, settings{project: "demo", services: backendServices()})
		if err != nil {
			r.fail(name, err)
			continue
		}
		r.write(name, []*engine.Workload{out}, fixtureShellEnv)
	}
}

// conformance renders score-compose's examples: each score file of an example as its own case,
// in name order (each sees the services of those before it, as Terraform's workload_services
// would), and, when an example has several, all of them together as one project (as
// score-compose runs them, and as workloads that reach each other by service name must run).
func (r *renderer) conformance(root string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		fmt.Printf("render: SKIP conformance examples: %s is not readable (they live beside the repository, in ../shared/conformance): %v\n", root, err)
		return
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if e.Name() == "16-patching-templates" {
			fmt.Printf("render: skip conformance %s (its patch templates target score-compose's own output)\n", e.Name())
			continue
		}
		files, _ := filepath.Glob(filepath.Join(root, e.Name(), "score*.yaml"))
		sort.Strings(files)
		if len(files) == 0 {
			r.fail("conformance-"+e.Name(), fmt.Errorf("no score files in %s", filepath.Join(root, e.Name())))
			continue
		}
		s := settings{project: strings.ToLower(e.Name()), image: "busybox:latest", bindings: conformanceBindings[e.Name()], services: map[string]provisioner.WorkloadService{}}
		var outs []*engine.Workload
		ok := true
		for _, f := range files {
			base := strings.TrimSuffix(filepath.Base(f), ".yaml")
			name := "conformance-" + e.Name() + "-" + base
			w, err := loadFile(f, s.image)
			if err != nil {
				r.fail(name, err)
				ok = false
				continue
			}
			if edit, found := conformanceEdits[e.Name()+"/"+filepath.Base(f)]; found {
				if w, err = r.conformanceEdited(w, f, s, edit.want, edit.old, edit.new); err != nil {
					r.fail(name, err)
					ok = false
					continue
				}
			}
			fs := s
			fs.bindings = map[string]resources.Binding{}
			for res, b := range s.bindings {
				if _, declared := w.Spec.Resources[res]; declared {
					fs.bindings[res] = b
				}
			}
			out, err := r.workload(w, fs)
			if err != nil {
				r.fail(name, err)
				ok = false
				continue
			}
			r.write(name, []*engine.Workload{out}, conformanceShellEnv[e.Name()])
			outs = append(outs, out)
			s.services[out.Name] = serviceOf(out)
		}
		if ok && len(outs) > 1 {
			r.write("conformance-"+e.Name()+"-together", outs, conformanceShellEnv[e.Name()])
		}
	}
}

// conformanceEdited checks that w (loaded from file f) fails to render with want, then loads the
// file with the last old replaced by new.
func (r *renderer) conformanceEdited(w *loader.Workload, f string, s settings, want, old, new string) (*loader.Workload, error) {
	if _, err := r.workload(w, settings{project: s.project, image: s.image, services: s.services}); err == nil || !strings.Contains(err.Error(), want) {
		return nil, fmt.Errorf("unedited, it should fail with %q, got: %v", want, err)
	}
	content, err := os.ReadFile(f)
	if err != nil {
		return nil, err
	}
	text, err := edited(string(content), old, new)
	if err != nil {
		return nil, err
	}
	fmt.Printf("render: %s fails as it should (%s); rendered with its last %s as %s\n", f, want, old, new)
	return loader.Load(loader.Input{Content: []byte(text), BaseDir: filepath.Dir(f), Image: s.image})
}

// serviceOf is a rendered workload's service as other workloads see it (ports by name and number).
func serviceOf(out *engine.Workload) provisioner.WorkloadService {
	ws := provisioner.WorkloadService{ServiceName: out.Service.Hostname, Ports: map[string]provisioner.ServicePort{}}
	for name, p := range out.Service.Ports {
		ws.Ports[name] = p
		ws.Ports[fmt.Sprint(p.Port)] = p
	}
	return ws
}

// backendServices is the other workload the synthetic service-port resources point at.
func backendServices() map[string]provisioner.WorkloadService {
	api := provisioner.ServicePort{Name: "api", Port: 8080, TargetPort: 3000, Protocol: "TCP"}
	return map[string]provisioner.WorkloadService{"backend": {ServiceName: "backend", Ports: map[string]provisioner.ServicePort{"api": api, "8080": api}}}
}

// syntheticParams are the params each built-in type needs; types not listed get none.
var syntheticParams = map[string]map[string]any{
	"service-port": {"workload": "backend", "port": "api"},
	"route":        {"host": "synthetic.localhost", "path": "/", "port": "http"},
}

// synthetic renders one workload per built-in compose provisioner type, using every expected
// output in a variable (and mounting volumes), then one workload using all of them at once.
func (r *renderer) synthetic() {
	defs, err := provisioner.Builtins(targets.Compose)
	if err != nil {
		fatal(err)
	}
	seen := map[string]bool{}
	var types []*provisioner.Definition
	for _, d := range defs {
		if !seen[d.Type] {
			seen[d.Type] = true
			types = append(types, d)
		}
	}
	shell := map[string]string{}
	var all strings.Builder
	var allResources, allVariables, allVolumes []string
	for _, d := range types {
		resName := "r-" + d.Type
		vars, vols, env := syntheticUses(d, resName)
		for k, v := range env {
			shell[k] = v
		}
		res := syntheticResource(d, resName)
		name := "builtin-" + d.Type
		doc := syntheticWorkload(name, []string{res}, vars, vols)
		s := settings{project: "e2e-" + d.Type, services: backendServices()}
		w, err := loadText(doc)
		if err != nil {
			r.fail(name, fmt.Errorf("%w\n%s", err, doc))
			continue
		}
		out, err := r.workload(w, s)
		if err != nil {
			r.fail(name, err)
			continue
		}
		r.write(name, []*engine.Workload{out}, env)
		allResources = append(allResources, res)
		allVariables = append(allVariables, vars...)
		allVolumes = append(allVolumes, vols...)
	}
	all.WriteString(syntheticWorkload("builtin-all", allResources, allVariables, allVolumes))
	w, err := loadText(all.String())
	if err != nil {
		r.fail("builtin-all", err)
		return
	}
	out, err := r.workload(w, settings{project: "e2e-all", services: backendServices()})
	if err != nil {
		r.fail("builtin-all", err)
		return
	}
	r.write("builtin-all", []*engine.Workload{out}, shell)
}

// syntheticUses are the variable and volume lines that use resource resName of definition d,
// and the shell environment they expect.
func syntheticUses(d *provisioner.Definition, resName string) (vars, vols []string, env map[string]string) {
	prefix := strings.ToUpper(strings.ReplaceAll(d.Type, "-", "_"))
	for _, key := range d.ExpectedOutputs {
		vars = append(vars, fmt.Sprintf("%s_%s: ${resources.%s.%s}", prefix, strings.ToUpper(key), resName, key))
	}
	switch d.Type {
	case "environment":
		vars = append(vars, fmt.Sprintf("%s_VALUE: ${resources.%s.E2E_FROM_SHELL}", prefix, resName))
		env = map[string]string{"E2E_FROM_SHELL": "from-the-shell"}
	case "volume":
		vols = append(vols, fmt.Sprintf("/data/%s: {source: \"${resources.%s}\"}", resName, resName))
	}
	return vars, vols, env
}

func syntheticResource(d *provisioner.Definition, resName string) string {
	res := fmt.Sprintf("%s: {type: %s", resName, d.Type)
	if p := syntheticParams[d.Type]; len(p) > 0 {
		var kv []string
		for _, k := range sortedKeys(p) {
			kv = append(kv, fmt.Sprintf("%s: %q", k, p[k]))
		}
		res += ", params: {" + strings.Join(kv, ", ") + "}"
	}
	return res + "}"
}

func syntheticWorkload(name string, res, vars, vols []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: score.dev/v1b1\nmetadata:\n  name: %s\n", name)
	b.WriteString("containers:\n  main:\n    image: busybox:latest\n    variables:\n      WORKLOAD: ${metadata.name}\n")
	for _, v := range vars {
		b.WriteString("      " + v + "\n")
	}
	if len(vols) > 0 {
		b.WriteString("    volumes:\n")
		for _, v := range vols {
			b.WriteString("      " + v + "\n")
		}
	}
	b.WriteString("service:\n  ports:\n    http: {port: 80, targetPort: 8080}\n")
	if len(res) > 0 {
		b.WriteString("resources:\n")
		for _, r := range res {
			b.WriteString("  " + r + "\n")
		}
	}
	return b.String()
}

// RunRegion is the value the shell running `docker compose` gives the run case's environment
// resource (its shell.env): a file's content refers to it.
const RunRegion = "eu-north-1"

// run renders the workload the harness starts for real: its container prints its environment
// (a variable with a metadata placeholder, a secret from a bound resource, a value that must
// stay literal) and the files it was given (a compose config, a secret-bearing file bound from
// the project directory, a config compose interpolates from the shell's environment and the
// env file), and writes to a provisioned volume.
func (r *renderer) run(image string) {
	secret, token := os.Getenv(RunSecretEnv), os.Getenv(RunTokenEnv)
	if secret == "" || token == "" {
		fatal(fmt.Errorf("%s and %s must be set (the harness sets them)", RunSecretEnv, RunTokenEnv))
	}
	const doc = `apiVersion: score.dev/v1b1
metadata:
  name: e2e-hello
containers:
  main:
    image: score-e2e/hello:1
    args: ["/etc/hello/message.txt", "/etc/hello/secret.txt", "/etc/hello/region.txt", "/data/stamp"]
    variables:
      E2E_GREETING: hello ${metadata.name}
      E2E_SECRET: ${resources.creds.password}
      E2E_TOKEN: ${resources.creds.token}
      E2E_LITERAL: "$$HOME and $${NOT_A_VAR}"
    files:
      /etc/hello/message.txt:
        mode: "0640"
        content: "message for ${metadata.name}\n"
      /etc/hello/secret.txt:
        content: "token=${resources.creds.password}\n"
      /etc/hello/region.txt:
        content: "region=${resources.env.E2E_REGION} token=${resources.creds.token} $$HOME\n"
    volumes:
      /data:
        source: ${resources.data}
resources:
  creds:
    type: postgres
  data:
    type: volume
  env:
    type: environment
`
	w, err := loader.Load(loader.Input{Content: []byte(strings.Replace(doc, "score-e2e/hello:1", image, 1)), BaseDir: os.TempDir()})
	if err != nil {
		r.fail("run-hello", err)
		return
	}
	out, err := r.workload(w, settings{project: "e2e-run", bindings: map[string]resources.Binding{
		"creds": {UID: "postgres.default#e2e-creds", Outputs: map[string]string{"host": "db.internal"}, Secrets: map[string]string{"password": secret, "token": token}},
	}})
	if err != nil {
		r.fail("run-hello", err)
		return
	}
	r.write("run-hello", []*engine.Workload{out}, map[string]string{"E2E_REGION": RunRegion})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

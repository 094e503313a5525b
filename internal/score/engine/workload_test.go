package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/dotenv"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	composetypes "github.com/compose-spec/compose-go/v2/types"
	yamlv3 "gopkg.in/yaml.v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// ---------------------------------------------------------------------------------------------
// Harness shared by the golden, conformance, determinism and benchmark tests of this package.
// Every helper is prefixed wl so it cannot collide with other test files of the package.
// ---------------------------------------------------------------------------------------------

const (
	wlNamespace = "demo"
	wlProject   = "demo"
)

var wlTargets = []targets.Target{targets.Kubernetes, targets.Compose}

// wlRandom is a deterministic random source: ChaCha8 seeded from n.
func wlRandom(n uint64) io.Reader {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], n)
	copy(seed[8:], "terraform-provider-score/render")
	return rand.NewChaCha8(seed)
}

// wlSettings are the settings the tests use: extra provisioners (if any) before the built-in
// library of target, namespace and project "demo".
func wlSettings(tb testing.TB, target targets.Target, extra string) Settings {
	tb.Helper()
	s := NewSettings(Config{Target: target, Namespace: wlNamespace, ComposeProjectName: wlProject})
	if extra != "" {
		if err := s.AddProvisioners([]byte(extra), "test"); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.AddBuiltinProvisioners(); err != nil {
		tb.Fatalf("Builtins(%s): %v", target, err)
	}
	return s
}

// wlCall is one RenderWorkload call.
type wlCall struct {
	Settings
	WorkloadRequest
}

// wlLoadFile loads a score file; relative file sources resolve against its directory.
func wlLoadFile(tb testing.TB, path, image string) *loader.Workload {
	tb.Helper()
	content, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	w, err := loader.Load(loader.Input{Content: content, BaseDir: filepath.Dir(path), Image: image})
	if err != nil {
		tb.Fatalf("loading %s: %v", path, err)
	}
	return w
}

// wlLoadText loads a score file given as text.
func wlLoadText(tb testing.TB, content string) *loader.Workload {
	tb.Helper()
	w, err := loader.Load(loader.Input{Content: []byte(content), BaseDir: tb.TempDir()})
	if err != nil {
		tb.Fatalf("loading workload: %v\n%s", err, content)
	}
	return w
}

// wlBackendServices are the other workloads every test render sees: `backend`, with a named
// port `api` (8080 → 3000).
func wlBackendServices() map[string]provisioner.WorkloadService {
	api := provisioner.ServicePort{Name: "api", Port: 8080, TargetPort: 3000, Protocol: "TCP"}
	return map[string]provisioner.WorkloadService{
		"backend": {ServiceName: "backend", Ports: map[string]provisioner.ServicePort{"api": api, "8080": api}},
	}
}

// wlServicesOf turns a rendered workload's service into what another workload's
// workload_services holds (ports indexed by name and by number, as OwnService does).
func wlServicesOf(out *Workload) map[string]provisioner.WorkloadService {
	ws := provisioner.WorkloadService{ServiceName: out.Service.Hostname, Ports: map[string]provisioner.ServicePort{}}
	for name, p := range out.Service.Ports {
		ws.Ports[name] = p
		ws.Ports[fmt.Sprint(p.Port)] = p
	}
	return map[string]provisioner.WorkloadService{out.Name: ws}
}

// wlInput is the render input the tests use: built-in library, namespace and project "demo".
func wlInput(tb testing.TB, w *loader.Workload, target targets.Target, random io.Reader) wlCall {
	return wlCall{
		Settings:        wlSettings(tb, target, ""),
		WorkloadRequest: WorkloadRequest{Workload: w, WorkloadServices: wlBackendServices(), Random: random},
	}
}

func wlRenderCall(in wlCall) (*Workload, error) {
	return RenderWorkload(context.Background(), in.Settings, in.WorkloadRequest)
}

func wlRender(tb testing.TB, in wlCall) *Workload {
	tb.Helper()
	out, err := wlRenderCall(in)
	if err != nil {
		tb.Fatalf("RenderWorkload(%s): %v", in.Target, err)
	}
	return out
}

// wlFixtures lists testdata/workloads/*.yaml by name (without extension).
func wlFixtures(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "workloads", "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no fixtures: %v", err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".yaml"))
	}
	sort.Strings(names)
	return names
}

func wlFixture(tb testing.TB, name string) *loader.Workload {
	return wlLoadFile(tb, filepath.Join("testdata", "workloads", name+".yaml"), "")
}

func wlSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// wlText is the stable text form of everything a render produced (the golden file format):
// one section per output, `=== <attribute>[: <key>]`, sections and keys sorted.
func wlText(out *Workload) string {
	var b strings.Builder
	section := func(title, body string) {
		b.WriteString("=== " + title + "\n")
		b.WriteString(body)
		if body != "" && !strings.HasSuffix(body, "\n") {
			b.WriteString("\n=== (no newline at end of " + title + ")\n")
		}
	}
	fmt.Fprintf(&b, "# workload %s\n", out.Name)
	for _, k := range wlSortedKeys(out.Manifests) {
		section("manifests: "+k, out.Manifests[k])
	}
	for _, k := range wlSortedKeys(out.SecretManifests) {
		section("secret_manifests: "+k, out.SecretManifests[k])
	}
	if out.ComposeYAML != "" {
		section("compose_yaml", out.ComposeYAML)
	}
	if out.ComposeEnv != "" {
		section("compose_env", out.ComposeEnv)
	}
	for _, k := range wlSortedKeys(out.Files) {
		section("files: "+k, out.Files[k])
	}
	for _, k := range wlSortedKeys(out.SecretFiles) {
		section("secret_files: "+k, out.SecretFiles[k])
	}
	for _, k := range wlSortedKeys(out.BinaryFiles) {
		section("binary_files: "+k, out.BinaryFiles[k])
	}
	var svc strings.Builder
	fmt.Fprintf(&svc, "name: %s\nhostname: %s\n", out.Service.Name, out.Service.Hostname)
	for _, k := range wlSortedKeys(out.Service.Ports) {
		p := out.Service.Ports[k]
		fmt.Fprintf(&svc, "ports.%s: port=%d target_port=%d protocol=%s\n", k, p.Port, p.TargetPort, p.Protocol)
	}
	section("service", svc.String())
	for _, name := range wlSortedKeys(out.ResourceOutputs) {
		ro := out.ResourceOutputs[name]
		var body strings.Builder
		fmt.Fprintf(&body, "uid: %s\n", ro.UID)
		for _, k := range wlSortedKeys(ro.Outputs) {
			fmt.Fprintf(&body, "outputs.%s: %q\n", k, ro.Outputs[k])
		}
		for _, k := range wlSortedKeys(ro.Secrets) {
			fmt.Fprintf(&body, "secrets.%s: %q\n", k, ro.Secrets[k])
		}
		section("resource_outputs: "+name, body.String())
	}
	state, err := json.MarshalIndent(out.State, "", "  ")
	if err != nil {
		state = []byte("error: " + err.Error())
	}
	section("state", string(state)+"\n")
	return b.String()
}

// wlSecretValues collects every secret value of a render: the secret outputs of its resources
// and the decoded data of its Secret objects.
func wlSecretValues(tb testing.TB, out *Workload) []string {
	tb.Helper()
	seen := map[string]bool{}
	for _, ro := range out.ResourceOutputs {
		for _, v := range ro.Secrets {
			seen[v] = true
		}
	}
	for key, doc := range out.SecretManifests {
		var obj map[string]any
		if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
			tb.Fatalf("%s: %v", key, err)
		}
		if obj["kind"] != "Secret" {
			continue
		}
		data, _ := obj["data"].(map[string]any)
		for k, v := range data {
			raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(v))
			if err != nil {
				tb.Fatalf("%s: data.%s is not base64: %v", key, k, err)
			}
			seen[string(raw)] = true
		}
		for _, v := range wlStringMap(obj["stringData"]) {
			seen[v] = true
		}
	}
	var values []string
	for v := range seen {
		// Short values (a port, "default") are not secret in any useful sense and would match
		// everywhere; the built-in secrets are 24 or more characters.
		if len(v) >= 8 {
			values = append(values, v)
		}
	}
	sort.Strings(values)
	return values
}

func wlStringMap(v any) map[string]string {
	out := map[string]string{}
	m, _ := v.(map[string]any)
	for k, e := range m {
		out[k] = fmt.Sprint(e)
	}
	return out
}

// wlDecodeManifest decodes one rendered document.
func wlDecodeManifest(tb testing.TB, key, doc string) map[string]any {
	tb.Helper()
	var obj map[string]any
	if err := sigsyaml.Unmarshal([]byte(doc), &obj); err != nil {
		tb.Fatalf("%s: not YAML: %v\n%s", key, err, doc)
	}
	return obj
}

// wlCheckKubernetes checks every rendered object: one document, its key is its identity, it is
// in the namespace (when namespaced), it decodes strictly into k8s.io/api types (registered
// kinds), and an HTTPRoute's backendRefs ports are integers.
func wlCheckKubernetes(tb testing.TB, out *Workload) {
	tb.Helper()
	if out.ComposeYAML != "" || out.ComposeEnv != "" || len(out.Files) > 0 || len(out.SecretFiles) > 0 {
		tb.Errorf("a kubernetes render has compose outputs")
	}
	if len(out.Manifests) == 0 {
		tb.Fatalf("no manifests")
	}
	for _, m := range []map[string]string{out.Manifests, out.SecretManifests} {
		for key, doc := range m {
			if strings.Contains(doc, "\n---") {
				tb.Errorf("%s holds more than one document", key)
			}
			obj := wlDecodeManifest(tb, key, doc)
			if got := kubernetes.Key(obj); got != key {
				tb.Errorf("manifest key %s, object identity %s", key, got)
			}
			if err := kube.Validate(obj); err != nil {
				tb.Errorf("%s: %v", key, err)
			}
			apiVersion, _ := obj["apiVersion"].(string)
			kind, _ := obj["kind"].(string)
			meta, _ := obj["metadata"].(map[string]any)
			if ns, _ := meta["namespace"].(string); ns != wlNamespace {
				tb.Errorf("%s: namespace %q, want %q", key, ns, wlNamespace)
			}
			if !kube.Known(apiVersion, kind) && kind != "HTTPRoute" {
				tb.Errorf("%s: kind %s/%s is neither validated strictly nor checked structurally here", key, apiVersion, kind)
			}
			if kind == "HTTPRoute" {
				wlCheckHTTPRoute(tb, key, doc)
			}
		}
	}
}

var (
	wlGatewayPath     = regexp.MustCompile(`^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`)
	wlGatewayHostname = regexp.MustCompile(`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// wlCheckHTTPRoute checks the parts of a Gateway API HTTPRoute the API server would reject.
func wlCheckHTTPRoute(tb testing.TB, key, doc string) {
	tb.Helper()
	var route struct {
		APIVersion string `yaml:"apiVersion"`
		Spec       struct {
			ParentRefs []struct {
				Name string `yaml:"name"`
			} `yaml:"parentRefs"`
			Hostnames []string `yaml:"hostnames"`
			Rules     []struct {
				Matches []struct {
					Path struct {
						Type  string `yaml:"type"`
						Value string `yaml:"value"`
					} `yaml:"path"`
				} `yaml:"matches"`
				BackendRefs []struct {
					Name string      `yaml:"name"`
					Port yamlv3.Node `yaml:"port"`
				} `yaml:"backendRefs"`
			} `yaml:"rules"`
		} `yaml:"spec"`
	}
	dec := yamlv3.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(false)
	if err := dec.Decode(&route); err != nil {
		tb.Errorf("%s: %v", key, err)
		return
	}
	if route.APIVersion != "gateway.networking.k8s.io/v1" {
		tb.Errorf("%s: apiVersion %s", key, route.APIVersion)
	}
	if len(route.Spec.ParentRefs) == 0 || route.Spec.ParentRefs[0].Name == "" {
		tb.Errorf("%s: no parentRefs", key)
	}
	for _, h := range route.Spec.Hostnames {
		if !wlGatewayHostname.MatchString(h) {
			tb.Errorf("%s: hostname %q is rejected by the Gateway API", key, h)
		}
	}
	if len(route.Spec.Rules) == 0 {
		tb.Errorf("%s: no rules", key)
	}
	for i, rule := range route.Spec.Rules {
		for _, m := range rule.Matches {
			if m.Path.Type != "PathPrefix" && m.Path.Type != "Exact" && m.Path.Type != "RegularExpression" {
				tb.Errorf("%s: rules[%d] path type %q", key, i, m.Path.Type)
			}
			// The Gateway API's validation of Exact and PathPrefix values (HTTPPathMatch CEL rules);
			// RegularExpression values are left to the implementation.
			if m.Path.Type != "RegularExpression" && (!strings.HasPrefix(m.Path.Value, "/") || !wlGatewayPath.MatchString(m.Path.Value) ||
				strings.Contains(m.Path.Value, "//") || strings.Contains(m.Path.Value, "/./") || strings.Contains(m.Path.Value, "/../")) {
				tb.Errorf("%s: rules[%d] path %s %q is rejected by the Gateway API (must match %s)", key, i, m.Path.Type, m.Path.Value, wlGatewayPath)
			}
		}
		if len(rule.BackendRefs) == 0 {
			tb.Errorf("%s: rules[%d] has no backendRefs", key, i)
		}
		for j, ref := range rule.BackendRefs {
			if ref.Port.Tag != "!!int" {
				tb.Errorf("%s: rules[%d].backendRefs[%d].port is %s %q; the Gateway API requires an integer", key, i, j, ref.Port.Tag, ref.Port.Value)
			}
			if ref.Name == "" {
				tb.Errorf("%s: rules[%d].backendRefs[%d] has no name", key, i, j)
			}
		}
	}
}

// wlCheckCompose loads the rendered compose file with compose-go as `docker compose` would:
// the env file parsed by compose-go's dotenv, environment variables (environment resources)
// from env, the files written next to it. It also checks every relative bind source exists.
func wlCheckCompose(tb testing.TB, out *Workload, env map[string]string) *composetypes.Project {
	tb.Helper()
	if len(out.Manifests) > 0 || len(out.SecretManifests) > 0 {
		tb.Errorf("a compose render has manifests")
	}
	dir := tb.TempDir()
	binary := map[string]string{}
	for p, b64 := range out.BinaryFiles {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			tb.Errorf("binary file %q is not base64: %v", p, err)
		}
		binary[p] = string(raw)
	}
	for _, files := range []map[string]string{out.Files, out.SecretFiles, binary} {
		for p, content := range files {
			if !filepath.IsLocal(filepath.FromSlash(p)) {
				tb.Errorf("file %q is not a relative path inside the project directory", p)
				continue
			}
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				tb.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
				tb.Fatal(err)
			}
		}
	}
	environment := composetypes.Mapping{}
	parsed, err := dotenv.UnmarshalBytesWithLookup([]byte(out.ComposeEnv), nil)
	if err != nil {
		tb.Fatalf("compose_env does not parse as a dotenv file: %v\n%s", err, out.ComposeEnv)
	}
	for k, v := range parsed {
		environment[k] = v
	}
	for k, v := range env {
		environment[k] = v
	}
	project, err := composeloader.LoadWithContext(context.Background(), composetypes.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []composetypes.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: []byte(out.ComposeYAML)}},
		Environment: environment,
	}, func(o *composeloader.Options) {
		o.SetProjectName(wlProject, true)
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		tb.Fatalf("compose-go rejects the compose file: %v\n%s", err, out.ComposeYAML)
	}
	for name, svc := range project.Services {
		for _, v := range svc.Volumes {
			if v.Type != composetypes.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				tb.Errorf("service %s: bind source %s does not exist: %v", name, v.Source, err)
			}
		}
	}
	return project
}

// wlCheckTarget runs the target's structural check.
func wlCheckTarget(tb testing.TB, target targets.Target, out *Workload, env map[string]string) {
	tb.Helper()
	if target == targets.Kubernetes {
		wlCheckKubernetes(tb, out)
	} else {
		wlCheckCompose(tb, out, env)
	}
}

// wlComposeEnvironment is what a user's shell gives `docker compose up` for the environment
// resources of the fixtures.
var wlComposeEnvironment = map[string]string{"REGION": "eu-west-1", "LOG_LEVEL": "debug", "NAME": "World"}

// wlPublic is every non-secret output of a render, by attribute and key.
func wlPublic(out *Workload) map[string]string {
	m := map[string]string{"compose_yaml": out.ComposeYAML}
	for k, v := range out.Manifests {
		m["manifests/"+k] = v
	}
	for k, v := range out.Files {
		m["files/"+k] = v
	}
	return m
}

// wlSensitive is every sensitive output of a render, by attribute and key.
func wlSensitive(out *Workload) map[string]string {
	m := map[string]string{"compose_env": out.ComposeEnv}
	for k, v := range out.SecretManifests {
		m["secret_manifests/"+k] = v
	}
	for k, v := range out.SecretFiles {
		m["secret_files/"+k] = v
	}
	return m
}

// ---------------------------------------------------------------------------------------------
// Determinism and stability.
// ---------------------------------------------------------------------------------------------

func TestWorkloadRenderIsDeterministic(t *testing.T) {
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				w := wlFixture(t, name)
				first := wlText(wlRender(t, wlInput(t, w, target, wlRandom(1))))
				for i := 0; i < 3; i++ {
					again := wlText(wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(1))))
					if again != first {
						t.Fatalf("render %d differs from the first:\n%s", i+2, wlDiff(first, again))
					}
				}
			})
		}
	}
}

// With the first render's state as Prior, a render with another random source gives the same
// output: generated values are created once.
func TestWorkloadRenderIsStableWithPriorState(t *testing.T) {
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				first := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(1)))
				// Round-trip the state through JSON, as Terraform stores it.
				raw, err := json.Marshal(first.State)
				if err != nil {
					t.Fatal(err)
				}
				var prior State
				if err := json.Unmarshal(raw, &prior); err != nil {
					t.Fatal(err)
				}
				in := wlInput(t, wlFixture(t, name), target, wlRandom(99))
				in.Prior = prior
				second := wlRender(t, in)
				if a, b := wlText(first), wlText(second); a != b {
					t.Fatalf("a render with the prior state and another random source differs:\n%s", wlDiff(a, b))
				}
			})
		}
	}
}

// Two renders with different random sources and no prior state differ only in secret-bearing
// outputs: manifest keys, non-secret manifests, compose_yaml and files are known at plan.
func TestWorkloadRenderSeedsOnlyChangeSecrets(t *testing.T) {
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				a := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(1)))
				b := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(2)))
				pa, pb := wlPublic(a), wlPublic(b)
				for _, k := range wlSortedKeys(pa) {
					if pa[k] != pb[k] {
						t.Errorf("%s depends on the random source:\n%s", k, wlDiff(pa[k], pb[k]))
					}
				}
				if len(pa) != len(pb) {
					t.Errorf("public outputs %v vs %v", wlSortedKeys(pa), wlSortedKeys(pb))
				}
				for _, attr := range []struct {
					name string
					a, b map[string]string
				}{{"secret_manifests", a.SecretManifests, b.SecretManifests}, {"secret_files", a.SecretFiles, b.SecretFiles}} {
					if ka, kb := strings.Join(wlSortedKeys(attr.a), ","), strings.Join(wlSortedKeys(attr.b), ","); ka != kb {
						t.Errorf("%s keys depend on the random source: %s vs %s", attr.name, ka, kb)
					}
				}
				if a.Service.Hostname != b.Service.Hostname {
					t.Errorf("service depends on the random source")
				}
				for rname, ra := range a.ResourceOutputs {
					rb := b.ResourceOutputs[rname]
					if ra.UID != rb.UID {
						t.Errorf("resource %s uid %s vs %s", rname, ra.UID, rb.UID)
					}
					for k, v := range ra.Outputs {
						if rb.Outputs[k] != v {
							t.Errorf("non-secret output %s.%s depends on the random source: %q vs %q", rname, k, v, rb.Outputs[k])
						}
					}
					if strings.Join(wlSortedKeys(ra.Secrets), ",") != strings.Join(wlSortedKeys(rb.Secrets), ",") {
						t.Errorf("resource %s secret keys differ", rname)
					}
				}
				// And the secrets themselves do change (the seed reaches the generator).
				if len(wlSecretValues(t, a)) > 0 {
					sa, sb := wlSensitive(a), wlSensitive(b)
					same := true
					for k := range sa {
						if sa[k] != sb[k] {
							same = false
						}
					}
					if same {
						t.Errorf("the sensitive outputs do not depend on the random source")
					}
				}
			})
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Secrets.
// ---------------------------------------------------------------------------------------------

func TestWorkloadSecretsStayInSensitiveOutputs(t *testing.T) {
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				w := wlFixture(t, name)
				out := wlRender(t, wlInput(t, w, target, wlRandom(7)))
				secrets := wlSecretValues(t, out)
				public := wlPublic(out)
				for _, s := range secrets {
					for k, v := range public {
						if strings.Contains(v, s) {
							t.Errorf("secret value %q appears in %s", s, k)
						}
					}
				}
				// Every secret output the workload's variables or files use is in a sensitive
				// output (as is, or base64 in a Secret).
				sensitive := strings.Join(wlMapValues(wlSensitive(out)), "\n")
				for rname, ro := range out.ResourceOutputs {
					for k, v := range ro.Secrets {
						if !wlUses(w, rname, k) {
							continue
						}
						if !strings.Contains(sensitive, v) && !strings.Contains(sensitive, base64.StdEncoding.EncodeToString([]byte(v))) {
							t.Errorf("secret %s.%s is used by the workload but is in no sensitive output", rname, k)
						}
					}
				}
				// Variables that use a secret refer to it: secretKeyRef / ${VAR}.
				for cname, c := range w.Spec.Containers {
					for vname, raw := range c.Variables {
						uses := false
						for rname, ro := range out.ResourceOutputs {
							for k := range ro.Secrets {
								uses = uses || strings.Contains(raw, "${resources."+rname+"."+k+"}")
							}
						}
						if !uses {
							continue
						}
						if target == targets.Kubernetes {
							obj := wlWorkloadObject(t, out)
							for _, e := range wlContainer(t, obj, cname, w.StartsFirst(cname) != "")["env"].([]any) {
								m := e.(map[string]any)
								if m["name"] == vname && wlDig(m, "valueFrom", "secretKeyRef") == nil {
									t.Errorf("containers.%s.variables.%s uses a secret but is %v, not a secretKeyRef", cname, vname, m)
								}
							}
						} else {
							var doc struct {
								Services map[string]struct {
									Environment map[string]string `yaml:"environment"`
								} `yaml:"services"`
							}
							if err := yamlv3.Unmarshal([]byte(out.ComposeYAML), &doc); err != nil {
								t.Fatal(err)
							}
							if v := doc.Services[out.Name+"-"+cname].Environment[vname]; !regexp.MustCompile(`\$\{[A-Z0-9_]+\}`).MatchString(v) {
								t.Errorf("containers.%s.variables.%s uses a secret but is %q, with no ${VAR} reference", cname, vname, v)
							}
						}
					}
				}
			})
		}
	}
}

// wlUses tells whether the workload's variables or files refer to output key of resource rname.
func wlUses(w *loader.Workload, rname, key string) bool {
	ref := "${resources." + rname + "." + key + "}"
	for cname, c := range w.Spec.Containers {
		for _, v := range c.Variables {
			if strings.Contains(v, ref) {
				return true
			}
		}
		for _, f := range w.Files[cname] {
			if f.Expand && strings.Contains(string(f.Content), ref) {
				return true
			}
		}
	}
	return false
}

// wlWorkloadObject is the rendered Deployment or StatefulSet of the workload.
func wlWorkloadObject(tb testing.TB, out *Workload) map[string]any {
	tb.Helper()
	for _, kind := range []string{"Deployment", "StatefulSet"} {
		key := "apps/v1/" + kind + "/" + wlNamespace + "/" + out.Name
		if doc, ok := out.Manifests[key]; ok {
			return wlDecodeManifest(tb, key, doc)
		}
	}
	tb.Fatalf("no Deployment or StatefulSet %s: %v", out.Name, wlSortedKeys(out.Manifests))
	return nil
}

func wlMapValues(m map[string]string) []string {
	var out []string
	for _, k := range wlSortedKeys(m) {
		out = append(out, m[k])
	}
	return out
}

// The kitchen-sink workload's secret variables reach Kubernetes as secretKeyRefs and compose as
// ${VAR} references whose values are in compose_env.
func TestWorkloadSecretReferences(t *testing.T) {
	t.Run("kubernetes", func(t *testing.T) {
		out := wlRender(t, wlInput(t, wlFixture(t, "web"), targets.Kubernetes, wlRandom(3)))
		dep := wlDecodeManifest(t, "deployment", out.Manifests["apps/v1/Deployment/demo/web"])
		app := wlContainer(t, dep, "app", false)
		env := map[string]map[string]any{}
		for _, e := range app["env"].([]any) {
			m := e.(map[string]any)
			env[m["name"].(string)] = m
		}
		for _, name := range []string{"DB_PASSWORD", "DATABASE_URL", "REDIS_URL"} {
			ref, _ := wlDig(env[name], "valueFrom", "secretKeyRef").(map[string]any)
			if ref == nil || ref["name"] == "" || ref["key"] == "" {
				t.Errorf("env %s = %v, want a secretKeyRef", name, env[name])
				continue
			}
			secretKey := "core/v1/Secret/demo/" + ref["name"].(string)
			doc, ok := out.SecretManifests[secretKey]
			if !ok {
				t.Errorf("env %s refers to Secret %s, which is not rendered (secret manifests: %v)", name, ref["name"], wlSortedKeys(out.SecretManifests))
				continue
			}
			data, _ := wlDecodeManifest(t, secretKey, doc)["data"].(map[string]any)
			if _, ok := data[ref["key"].(string)]; !ok {
				t.Errorf("Secret %s has no key %s", ref["name"], ref["key"])
			}
		}
		for _, name := range []string{"DB_HOST", "DB_PORT", "WORKLOAD", "TEAM"} {
			if _, ok := env[name]["value"]; !ok {
				t.Errorf("env %s = %v, want a plain value", name, env[name])
			}
		}
		password := out.ResourceOutputs["db"].Secrets["password"]
		gotURL := wlSecretData(t, out, env["DATABASE_URL"])
		wantURL := "postgres://" + out.ResourceOutputs["db"].Outputs["username"] + ":" + password + "@" +
			out.ResourceOutputs["db"].Outputs["host"] + ":5432/" + out.ResourceOutputs["db"].Outputs["database"]
		if gotURL != wantURL {
			t.Errorf("DATABASE_URL secret = %q, want %q", gotURL, wantURL)
		}
		if got := wlSecretData(t, out, env["DB_PASSWORD"]); got != password {
			t.Errorf("DB_PASSWORD secret = %q, want the db password", got)
		}
	})
	t.Run("compose", func(t *testing.T) {
		out := wlRender(t, wlInput(t, wlFixture(t, "web"), targets.Compose, wlRandom(3)))
		project := wlCheckCompose(t, out, nil)
		env := wlComposeEnv(t, out)
		var raw struct {
			Services map[string]struct {
				Environment map[string]string `yaml:"environment"`
			} `yaml:"services"`
		}
		if err := yamlv3.Unmarshal([]byte(out.ComposeYAML), &raw); err != nil {
			t.Fatal(err)
		}
		appEnv := raw.Services["web-app"].Environment
		refPattern := regexp.MustCompile(`^\$\{([A-Z0-9_]+)\}$`)
		m := refPattern.FindStringSubmatch(appEnv["DB_PASSWORD"])
		if m == nil {
			t.Fatalf("DB_PASSWORD = %q, want a ${VAR} reference", appEnv["DB_PASSWORD"])
		}
		if got, want := env[m[1]], out.ResourceOutputs["db"].Secrets["password"]; got != want {
			t.Errorf("compose_env %s = %q, want the db password %q", m[1], got, want)
		}
		// compose-go resolves the reference from the env file.
		resolved := project.Services["web-app"].Environment["DATABASE_URL"]
		if resolved == nil || !strings.Contains(*resolved, out.ResourceOutputs["db"].Secrets["password"]) {
			t.Errorf("DATABASE_URL does not resolve to a URL with the password: %v", resolved)
		}
		if !strings.Contains(appEnv["DATABASE_URL"], "${") {
			t.Errorf("DATABASE_URL = %q, want ${VAR} references", appEnv["DATABASE_URL"])
		}
	})
}

func wlComposeEnv(tb testing.TB, out *Workload) map[string]string {
	tb.Helper()
	env, err := dotenv.UnmarshalBytesWithLookup([]byte(out.ComposeEnv), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return env
}

// wlSecretData reads the value a secretKeyRef env var points at.
func wlSecretData(tb testing.TB, out *Workload, envVar map[string]any) string {
	tb.Helper()
	ref, _ := wlDig(envVar, "valueFrom", "secretKeyRef").(map[string]any)
	if ref == nil {
		tb.Fatalf("%v is not a secretKeyRef", envVar)
	}
	key := "core/v1/Secret/demo/" + fmt.Sprint(ref["name"])
	data, _ := wlDecodeManifest(tb, key, out.SecretManifests[key])["data"].(map[string]any)
	raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(data[fmt.Sprint(ref["key"])]))
	if err != nil {
		tb.Fatal(err)
	}
	return string(raw)
}

func wlDig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// wlContainer finds a container (or init container) of a workload object.
func wlContainer(tb testing.TB, obj map[string]any, name string, init bool) map[string]any {
	tb.Helper()
	field := "containers"
	if init {
		field = "initContainers"
	}
	list, _ := wlDig(obj, "spec", "template", "spec", field).([]any)
	for _, c := range list {
		if m := c.(map[string]any); m["name"] == name {
			return m
		}
	}
	tb.Fatalf("no %s %q", field, name)
	return nil
}

// ---------------------------------------------------------------------------------------------
// What the kitchen-sink workload renders to, field by field.
// ---------------------------------------------------------------------------------------------

func TestWorkloadWebKubernetes(t *testing.T) {
	out := wlRender(t, wlInput(t, wlFixture(t, "web"), targets.Kubernetes, wlRandom(5)))
	wlCheckKubernetes(t, out)
	for _, key := range []string{
		"apps/v1/Deployment/demo/web", "core/v1/Service/demo/web-svc", "core/v1/ConfigMap/demo/web-app-files",
	} {
		if _, ok := out.Manifests[key]; !ok {
			t.Errorf("no manifest %s; have %v", key, wlSortedKeys(out.Manifests))
		}
	}
	if out.Service.Hostname != "web-svc" || out.Service.Name != "web" {
		t.Errorf("service = %+v, want name web, hostname web-svc (k8s.score.dev/service-name)", out.Service)
	}
	svc := wlDecodeManifest(t, "svc", out.Manifests["core/v1/Service/demo/web-svc"])
	ports := map[string]map[string]any{}
	for _, p := range wlDig(svc, "spec", "ports").([]any) {
		m := p.(map[string]any)
		ports[m["name"].(string)] = m
	}
	for name, want := range map[string][3]any{"http": {80.0, 8080.0, "TCP"}, "metrics": {9090.0, 9090.0, "TCP"}, "syslog": {514.0, 5514.0, "UDP"}} {
		p := ports[name]
		if p["port"] != want[0] || p["targetPort"] != want[1] || p["protocol"] != want[2] {
			t.Errorf("service port %s = %v, want port %v target %v %v", name, p, want[0], want[1], want[2])
		}
	}

	dep := wlDecodeManifest(t, "dep", out.Manifests["apps/v1/Deployment/demo/web"])
	if ann := wlDig(dep, "spec", "template", "metadata", "annotations").(map[string]any); ann["my.org/team"] != "platform" || ann["k8s.score.dev/service-name"] != nil {
		t.Errorf("pod annotations = %v: want the workload's minus k8s.score.dev/*", ann)
	}
	app := wlContainer(t, dep, "app", false)
	if got := fmt.Sprint(app["command"], app["args"]); got != "[/bin/sh -c] [echo $HOME $(HOSTNAME) ${NOT_A_PLACEHOLDER} && exec web --port 8080]" {
		t.Errorf("command/args = %s: must be verbatim", got)
	}
	env := map[string]any{}
	for _, e := range app["env"].([]any) {
		m := e.(map[string]any)
		env[m["name"].(string)] = m["value"]
	}
	for k, want := range map[string]string{
		"WORKLOAD": "web", "TEAM": "platform", "TIER": "frontend", "REPLICAS": "3", "DB_PORT": "5432",
		"PUBLIC_HOST": "web-dns.localhost", "DB_NAME": "web_db",
		// $$ unescapes to $; $( is escaped as $$( so Kubernetes does not expand it.
		"PRICE": "costs $5, literally ${HOME} and $$(NOT_EXPANDED)",
	} {
		if env[k] != want {
			t.Errorf("env %s = %v, want %q", k, env[k], want)
		}
	}
	if res := fmt.Sprint(app["resources"]); res != "map[limits:map[cpu:500m memory:1536Mi] requests:map[cpu:250m memory:256Mi]]" {
		t.Errorf("resources = %s", res)
	}
	if got := fmt.Sprint(wlDig(app, "livenessProbe", "httpGet")); got != "map[httpHeaders:[map[name:X-Probe value:liveness] map[name:Authorization value:Bearer it's-public]] path:/healthz port:8080]" {
		t.Errorf("livenessProbe = %s", got)
	}
	if got := fmt.Sprint(wlDig(app, "readinessProbe", "exec", "command")); got != "[/bin/check --ready $HOME]" {
		t.Errorf("readinessProbe = %s", got)
	}
	sidecar := wlContainer(t, dep, "sidecar", false)
	if got := fmt.Sprint(wlDig(sidecar, "readinessProbe", "httpGet")); got != "map[host:localhost path:/ready port:8443 scheme:HTTPS]" {
		t.Errorf("sidecar readinessProbe = %s", got)
	}

	// Files: every file on its own path; the secret one from a Secret; the two files of
	// /etc/web do not hide each other.
	mounts := map[string]map[string]any{}
	for _, m := range app["volumeMounts"].([]any) {
		mm := m.(map[string]any)
		mounts[mm["mountPath"].(string)] = mm
	}
	for _, target := range []string{"/etc/web/config.yaml", "/etc/web/template.txt", "/etc/web/secret.env", "/etc/web/logo.png", "/etc/motd", "/srv/raw.tpl", "/data", "/cache"} {
		if mounts[target] == nil {
			t.Errorf("no volume mount at %s; mounts: %v", target, wlSortedKeys(mounts))
		}
	}
	if m := mounts["/data"]; m["subPath"] != "web" || m["readOnly"] != nil {
		t.Errorf("/data mount = %v, want subPath web, writable", m)
	}
	if m := mounts["/cache"]; m["readOnly"] != true || m["subPath"] != nil {
		t.Errorf("/cache mount = %v, want read-only", m)
	}
	volumes := map[string]map[string]any{}
	for _, v := range wlDig(dep, "spec", "template", "spec", "volumes").([]any) {
		m := v.(map[string]any)
		volumes[m["name"].(string)] = m
	}
	if v := volumes[mounts["/data"]["name"].(string)]; fmt.Sprint(v["emptyDir"]) != "map[]" {
		t.Errorf("/data volume = %v, want emptyDir", v)
	}
	if v := volumes[mounts["/etc/web/secret.env"]["name"].(string)]; v["secret"] == nil {
		t.Errorf("/etc/web/secret.env volume = %v, want a Secret volume", v)
	}
	cm := wlDecodeManifest(t, "cm", out.Manifests["core/v1/ConfigMap/demo/web-app-files"])
	var texts []string
	for _, v := range wlStringMap(cm["data"]) {
		texts = append(texts, v)
	}
	all := strings.Join(texts, "\n---\n")
	for _, want := range []string{
		"workload: web\nteam: platform\ndatabase: pg-web-db-",   // expanded content
		"kept as written: ${metadata.name} $$ $(X)",             // noExpand
		"Welcome to web (team platform).\n",                     // expanded source
		"{{ .Values.name }} ${not.a.placeholder} $(NOR_THIS)\n", // noExpand source
		"price: $5\n", // $$ unescaped in content
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the files ConfigMap holds no %q:\n%s", want, all)
		}
	}
	if bin := wlStringMap(cm["binaryData"]); len(bin) != 1 || wlMapValues(bin)[0] != "iVBORw0KGgoAAAANSUhEUg==" {
		t.Errorf("binaryData = %v, want the PNG bytes", bin)
	}
	var modes []string
	for _, it := range wlDig(volumes[mounts["/etc/web/config.yaml"]["name"].(string)], "configMap", "items").([]any) {
		if m, ok := it.(map[string]any)["mode"]; ok {
			modes = append(modes, fmt.Sprint(m))
		}
	}
	if fmt.Sprint(modes) != "[420]" {
		t.Errorf("configMap item modes = %v, want [420] (0644)", modes)
	}

	// The route sends web-dns.localhost to the renamed Service's port number.
	var route string
	for k, v := range out.Manifests {
		if strings.Contains(k, "/HTTPRoute/") {
			route = v
		}
	}
	if !strings.Contains(route, "- web-dns.localhost") || !strings.Contains(route, "name: web-svc\n") || !strings.Contains(route, "port: 80\n") {
		t.Errorf("HTTPRoute:\n%s", route)
	}
}

func TestWorkloadWebCompose(t *testing.T) {
	out := wlRender(t, wlInput(t, wlFixture(t, "web"), targets.Compose, wlRandom(5)))
	project := wlCheckCompose(t, out, nil)
	app, ok := project.Services["web-app"]
	if !ok {
		t.Fatalf("no service web-app: %v", project.ServiceNames())
	}
	if app.Image != "ghcr.io/example/web:1.2.3" || app.Hostname != "web" {
		t.Errorf("web-app image %q hostname %q", app.Image, app.Hostname)
	}
	if got := fmt.Sprint(app.Entrypoint, app.Command); got != "[/bin/sh -c] [echo $HOME $(HOSTNAME) ${NOT_A_PLACEHOLDER} && exec web --port 8080]" {
		t.Errorf("entrypoint/command after compose interpolation = %s: must be verbatim", got)
	}
	env := func(k string) string {
		if v := app.Environment[k]; v != nil {
			return *v
		}
		return "<unset>"
	}
	for k, want := range map[string]string{
		"WORKLOAD": "web", "TEAM": "platform", "TIER": "frontend", "REPLICAS": "3", "DB_PORT": "5432",
		"PUBLIC_HOST": "web-dns.localhost", "DB_HOST": "pg-web-db", "REDIS_HOST": "redis-web-cache",
		"PRICE": "costs $5, literally ${HOME} and $(NOT_EXPANDED)",
	} {
		if got := env(k); got != want {
			t.Errorf("environment %s = %q after compose interpolation, want %q", k, got, want)
		}
	}
	if app.HealthCheck == nil || len(app.HealthCheck.Test) == 0 || app.HealthCheck.Test[0] != "CMD" {
		t.Errorf("healthcheck = %+v, want the exec readiness probe", app.HealthCheck)
	} else if got := fmt.Sprint(app.HealthCheck.Test); got != "[CMD /bin/check --ready $HOME]" {
		t.Errorf("healthcheck test = %s", got)
	}
	sidecar := project.Services["web-sidecar"]
	if sidecar.NetworkMode != "service:web-app" {
		t.Errorf("sidecar network_mode = %q", sidecar.NetworkMode)
	}
	// The sidecar's only probe is httpGet, and web does not opt in to HTTP healthchecks: none,
	// and a warning saying how to opt in.
	if sidecar.HealthCheck != nil {
		t.Errorf("sidecar healthcheck = %+v, want none (httpGet without the annotation)", sidecar.HealthCheck)
	}
	if !slices.ContainsFunc(out.Messages, func(m string) bool { return strings.HasPrefix(m, "containers.sidecar: the httpGet probe") }) {
		t.Errorf("messages %q: want a warning about the sidecar's httpGet probe", out.Messages)
	}
	for _, svc := range []string{"web-app", "web-sidecar"} {
		deps := project.Services[svc].DependsOn
		for _, res := range []string{"pg-web-db", "redis-web-cache", "router"} {
			if _, ok := deps[res]; !ok {
				t.Errorf("%s does not depend on resource service %s: %v", svc, res, deps)
			}
		}
	}
	// Files: text files are configs, the secret and binary ones bound from files.
	targets := map[string]string{}
	for _, c := range app.Configs {
		targets[c.Target] = "config:" + c.Source
	}
	for _, v := range app.Volumes {
		targets[v.Target] = string(v.Type) + ":" + v.Source
		if v.Target == "/data" && (v.Volume == nil || v.Volume.Subpath != "web") {
			t.Errorf("/data volume = %+v, want subpath web", v)
		}
		if v.Target == "/cache" && !v.ReadOnly {
			t.Errorf("/cache volume is not read-only")
		}
	}
	for _, target := range []string{"/etc/web/config.yaml", "/etc/web/template.txt", "/etc/motd", "/srv/raw.tpl"} {
		if !strings.HasPrefix(targets[target], "config:") {
			t.Errorf("%s mounted as %q, want a config", target, targets[target])
		}
	}
	for _, target := range []string{"/etc/web/secret.env", "/etc/web/logo.png"} {
		if !strings.HasPrefix(targets[target], "bind:") {
			t.Errorf("%s mounted as %q, want a bind", target, targets[target])
		}
	}
	for _, target := range []string{"/data", "/cache"} {
		if targets[target] != "volume:web-data" {
			t.Errorf("%s mounted as %q, want volume web-data", target, targets[target])
		}
	}
	if len(out.SecretFiles) != 1 {
		t.Errorf("secret files = %v, want the secret.env", wlSortedKeys(out.SecretFiles))
	}
	for p, content := range out.SecretFiles {
		if content != "DB_PASSWORD="+out.ResourceOutputs["db"].Secrets["password"]+"\n" {
			t.Errorf("secret file %s = %q", p, content)
		}
	}
	configs := map[string]string{}
	for name, c := range project.Configs {
		configs[name] = c.Content
	}
	joined := strings.Join(wlMapValues(configs), "\n---\n")
	for _, want := range []string{"price: $5\n", "kept as written: ${metadata.name} $$ $(X)", "Welcome to web (team platform).\n", "{{ .Values.name }} ${not.a.placeholder} $(NOR_THIS)\n"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no config holds %q after compose interpolation:\n%s", want, joined)
		}
	}
	for _, c := range app.Configs {
		if c.Target == "/etc/web/config.yaml" && (c.Mode == nil || *c.Mode != 0o644) {
			t.Errorf("config.yaml mode = %v, want 0644", c.Mode)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Other workloads, by feature.
// ---------------------------------------------------------------------------------------------

func TestWorkloadStatefulSet(t *testing.T) {
	out := wlRender(t, wlInput(t, wlFixture(t, "ledger"), targets.Kubernetes, wlRandom(1)))
	wlCheckKubernetes(t, out)
	sts, ok := out.Manifests["apps/v1/StatefulSet/demo/ledger"]
	if !ok {
		t.Fatalf("no StatefulSet: %v", wlSortedKeys(out.Manifests))
	}
	if _, ok := out.Manifests["apps/v1/Deployment/demo/ledger"]; ok {
		t.Errorf("a Deployment too")
	}
	obj := wlDecodeManifest(t, "sts", sts)
	headless := wlDig(obj, "spec", "serviceName").(string)
	hs := wlDecodeManifest(t, "headless", out.Manifests["core/v1/Service/demo/"+headless])
	if wlDig(hs, "spec", "clusterIP") != "None" {
		t.Errorf("headless Service %s = %v", headless, hs)
	}
	if _, ok := out.Manifests["core/v1/Service/demo/ledger"]; !ok {
		t.Errorf("no Service ledger")
	}
	c := wlContainer(t, obj, "ledger", false)
	if fmt.Sprint(c["resources"]) != "map[limits:map[memory:1G] requests:map[cpu:1 memory:512M]]" {
		t.Errorf("resources = %v", c["resources"])
	}
}

func TestWorkloadBeforeKubernetes(t *testing.T) {
	out := wlRender(t, wlInput(t, wlFixture(t, "jobs"), targets.Kubernetes, wlRandom(1)))
	wlCheckKubernetes(t, out)
	dep := wlDecodeManifest(t, "dep", out.Manifests["apps/v1/Deployment/demo/jobs"])
	var inits []string
	for _, c := range wlDig(dep, "spec", "template", "spec", "initContainers").([]any) {
		inits = append(inits, c.(map[string]any)["name"].(string))
	}
	if fmt.Sprint(inits) != "[logger migrate proxy]" {
		t.Errorf("init containers = %v, want [logger migrate proxy]", inits)
	}
	if c := wlContainer(t, dep, "migrate", true); c["restartPolicy"] != nil || c["readinessProbe"] != nil {
		t.Errorf("migrate (complete) = %v, want a plain init container", c)
	}
	if c := wlContainer(t, dep, "proxy", true); c["restartPolicy"] != "Always" || c["startupProbe"] == nil {
		t.Errorf("proxy (healthy) = %v, want a sidecar with a startup probe", c)
	}
	if c := wlContainer(t, dep, "logger", true); c["restartPolicy"] != "Always" {
		t.Errorf("logger (started) = %v, want a sidecar", c)
	}
	wlContainer(t, dep, "worker", false)
}

func TestWorkloadBeforeCompose(t *testing.T) {
	out := wlRender(t, wlInput(t, wlFixture(t, "jobs"), targets.Compose, wlRandom(1)))
	project := wlCheckCompose(t, out, nil)
	worker := project.Services["jobs-worker"]
	for dep, cond := range map[string]string{
		"jobs-migrate": composetypes.ServiceConditionCompletedSuccessfully,
		"jobs-proxy":   composetypes.ServiceConditionHealthy,
		"jobs-logger":  composetypes.ServiceConditionStarted,
	} {
		if got := worker.DependsOn[dep]; got.Condition != cond || !got.Required {
			t.Errorf("jobs-worker depends_on %s = %+v, want %s", dep, got, cond)
		}
	}
	// The migration runs alone (its own network); the others share the primary's namespace.
	primary := ""
	for name, svc := range project.Services {
		if svc.Hostname == "jobs" {
			primary = name
		}
	}
	if primary == "" || primary == "jobs-migrate" {
		t.Fatalf("primary service = %q", primary)
	}
	if project.Services["jobs-migrate"].NetworkMode != "" {
		t.Errorf("the init container shares a network namespace: %q", project.Services["jobs-migrate"].NetworkMode)
	}
	for _, name := range []string{"jobs-proxy", "jobs-logger", "jobs-worker"} {
		if name != primary && project.Services[name].NetworkMode != "service:"+primary {
			t.Errorf("%s network_mode = %q, want service:%s", name, project.Services[name].NetworkMode, primary)
		}
	}
}

func TestWorkloadServicePortAndEnvironment(t *testing.T) {
	t.Run("kubernetes", func(t *testing.T) {
		out := wlRender(t, wlInput(t, wlFixture(t, "client"), targets.Kubernetes, wlRandom(1)))
		wlCheckKubernetes(t, out)
		dep := wlDecodeManifest(t, "dep", out.Manifests["apps/v1/Deployment/demo/client"])
		env := map[string]any{}
		for _, e := range wlContainer(t, dep, "main", false)["env"].([]any) {
			m := e.(map[string]any)
			env[m["name"].(string)] = m["value"]
		}
		// Kubernetes clients connect to the Service port (8080), which forwards to 3000.
		for k, want := range map[string]string{
			"BACKEND_URL": "http://backend:8080/api", "BACKEND_PORT": "8080", "REGION": "eu-west-1", "LOG_LEVEL": "level=debug",
		} {
			if env[k] != want {
				t.Errorf("env %s = %v, want %q", k, env[k], want)
			}
		}
	})
	t.Run("compose", func(t *testing.T) {
		out := wlRender(t, wlInput(t, wlFixture(t, "client"), targets.Compose, wlRandom(1)))
		var raw struct {
			Services map[string]struct {
				Environment map[string]string `yaml:"environment"`
			} `yaml:"services"`
		}
		if err := yamlv3.Unmarshal([]byte(out.ComposeYAML), &raw); err != nil {
			t.Fatal(err)
		}
		// Containers are reached on their target port; environment values stay ${VAR}.
		for k, want := range map[string]string{
			"BACKEND_URL": "http://backend:3000/api", "BACKEND_PORT": "3000", "REGION": "${REGION}", "LOG_LEVEL": "level=${LOG_LEVEL}",
		} {
			if got := raw.Services["client-main"].Environment[k]; got != want {
				t.Errorf("environment %s = %q, want %q", k, got, want)
			}
		}
		if out.ComposeEnv != "" {
			t.Errorf("compose_env = %q, want nothing (no secrets)", out.ComposeEnv)
		}
		project := wlCheckCompose(t, out, wlComposeEnvironment)
		if got := project.Services["client-main"].Environment["LOG_LEVEL"]; got == nil || *got != "level=debug" {
			t.Errorf("LOG_LEVEL resolves to %v", got)
		}
		if _, ok := out.ResourceOutputs["env"]; !ok {
			t.Errorf("no resource outputs for env: %v", wlSortedKeys(out.ResourceOutputs))
		}
	})
}

func TestWorkloadLegacyArrays(t *testing.T) {
	w := wlFixture(t, "legacy")
	if len(w.Upgrades) == 0 {
		t.Errorf("no upgrades recorded")
	}
	k := wlRender(t, wlInput(t, w, targets.Kubernetes, wlRandom(1)))
	wlCheckKubernetes(t, k)
	dep := wlDecodeManifest(t, "dep", k.Manifests["apps/v1/Deployment/demo/legacy"])
	var paths []string
	for _, m := range wlContainer(t, dep, "main", false)["volumeMounts"].([]any) {
		paths = append(paths, m.(map[string]any)["mountPath"].(string))
	}
	if fmt.Sprint(paths) != "[/usr/share/nginx/html/a/index.html /usr/share/nginx/html/b/index.html /usr/share/nginx/html/index.html /var/cache/nginx]" {
		t.Errorf("mounts = %v", paths)
	}
	c := wlRender(t, wlInput(t, wlFixture(t, "legacy"), targets.Compose, wlRandom(1)))
	project := wlCheckCompose(t, c, nil)
	contents := map[string]string{}
	for _, cfg := range project.Services["legacy-main"].Configs {
		contents[cfg.Target] = project.Configs[cfg.Source].Content
	}
	if contents["/usr/share/nginx/html/a/index.html"] != "a" || contents["/usr/share/nginx/html/b/index.html"] != "b" || contents["/usr/share/nginx/html/index.html"] != "legacy" {
		t.Errorf("files with the same base name shadow each other: %v", contents)
	}
}

// ---------------------------------------------------------------------------------------------
// Bad inputs.
// ---------------------------------------------------------------------------------------------

// wlProblems returns the problems of an error (a problem.List), failing when err is of another type.
func wlProblems(tb testing.TB, err error) problem.List {
	tb.Helper()
	var list problem.List
	if !errors.As(err, &list) {
		tb.Fatalf("error %v (%T) is not a problem.List", err, err)
	}
	return list
}

// wlSecretRefProvisioner is a kubernetes provisioner whose output is a score-k8s secret reference.
const wlSecretRefProvisioner = `
- uri: template://test/secret-ref
  type: vault
  outputs: |
    token: {{ encodeSecretRef "vault-creds" "token" | quote }}
  manifests: |
    - apiVersion: v1
      kind: Secret
      metadata:
        name: vault-creds
      data:
        token: {{ "s3cr3t-t0ken-value" | b64enc }}
`

// wlClaimProvisioner is a kubernetes volume provisioner giving a claim template.
const wlClaimProvisioner = `
- uri: template://test/claim
  type: volume
  class: claim
  outputs: |
    claimSpec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`

func TestWorkloadBadInputs(t *testing.T) {
	const head = "apiVersion: score.dev/v1b1\nmetadata:\n  name: bad\n"
	cases := []struct {
		name     string
		targets  []targets.Target
		score    string
		bindings map[string]resources.Binding
		extra    string // provisioners matched before the built-ins
		path     []string
		message  []string
	}{{
		name:  "unbound shared resource",
		score: head + "containers:\n  main:\n    image: busybox\n    variables:\n      C: ${resources.cache.host}\nresources:\n  cache:\n    type: redis\n    id: main-cache\n",
		path:  []string{"resources", "cache"}, message: []string{"shared", `"main-cache"`, "declare one score_resource", "bind it"},
	}, {
		name:     "unknown key in a bound output",
		score:    head + "containers:\n  main:\n    image: busybox\n    variables:\n      X: ${resources.db.nosuch}\nresources:\n  db:\n    type: postgres\n",
		bindings: map[string]resources.Binding{"db": {Outputs: map[string]string{"host": "db.internal"}, Secrets: map[string]string{"password": "p4ssw0rd-long"}}},
		path:     []string{"containers", "main", "variables", "X"}, message: []string{"resources.db.nosuch", "'nosuch' not found"},
	}, {
		name:    "unknown workload kind",
		targets: []targets.Target{targets.Kubernetes},
		score:   "apiVersion: score.dev/v1b1\nmetadata:\n  name: bad\n  annotations:\n    k8s.score.dev/kind: DaemonSet\ncontainers:\n  main:\n    image: busybox\n",
		path:    []string{"metadata", "annotations", "k8s.score.dev/kind"}, message: []string{`"DaemonSet"`, "Deployment or StatefulSet"},
	}, {
		name:    "claimSpec volume on a Deployment",
		targets: []targets.Target{targets.Kubernetes},
		extra:   wlClaimProvisioner,
		score:   head + "containers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: ${resources.data}\nresources:\n  data:\n    type: volume\n    class: claim\n",
		path:    []string{"containers", "main", "volumes", "/data"}, message: []string{"claimSpec", "StatefulSet"},
	}, {
		name:  "volume source naming an unknown resource",
		score: head + "containers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: volume.default#nowhere.data\n",
		path:  []string{"containers", "main", "volumes", "/data"}, message: []string{"volume.default#nowhere.data", "does not exist"},
	}, {
		name:    "healthy before without a probe",
		targets: []targets.Target{targets.Compose},
		score:   head + "containers:\n  first:\n    image: busybox\n    before:\n      second:\n        ready: healthy\n  second:\n    image: busybox\n",
		path:    []string{"containers", "first", "before", "second"}, message: []string{"healthy", "probe"},
	}, {
		name:    "secret reference mixed with text in a file",
		targets: []targets.Target{targets.Kubernetes},
		extra:   wlSecretRefProvisioner,
		score:   head + "containers:\n  main:\n    image: busybox\n    files:\n      /etc/token:\n        content: \"token=${resources.vault.token}\"\nresources:\n  vault:\n    type: vault\n",
		path:    []string{"containers", "main", "files", "/etc/token"}, message: []string{"mixes a secret reference with other text"},
	}, {
		name:    "environment resource in a file, with a key below the variable",
		targets: []targets.Target{targets.Compose},
		score:   head + "containers:\n  main:\n    image: busybox\n    files:\n      /etc/region:\n        content: \"${resources.env.REGION.x}\"\nresources:\n  env:\n    type: environment\n",
		path:    []string{"containers", "main", "files", "/etc/region"}, message: []string{"resources.env.REGION.x", "exactly one key"},
	}, {
		name:     "binding for an undeclared resource",
		score:    head + "containers:\n  main:\n    image: busybox\n",
		bindings: map[string]resources.Binding{"ghost": {Outputs: map[string]string{"host": "x"}}},
		path:     []string{"resources", "ghost"}, message: []string{`"ghost"`, "does not declare"},
	}, {
		name:    "environment resource in resource params",
		targets: []targets.Target{targets.Compose},
		score:   head + "containers:\n  main:\n    image: busybox\nresources:\n  env:\n    type: environment\n  dns:\n    type: dns\n    params:\n      domain: ${resources.env.DOMAIN}\n",
		path:    []string{"resources", "dns", "params", "domain"}, message: []string{"resources.env.DOMAIN", "environment"},
	}, {
		name:  "type without a provisioner",
		score: head + "containers:\n  main:\n    image: busybox\nresources:\n  queue:\n    type: nosuch-type\n",
		path:  []string{"resources", "queue"}, message: []string{"not supported by any provisioner", "nosuch-type"},
	}, {
		name:  "provisioner failure is reported at the resource",
		score: head + "containers:\n  main:\n    image: busybox\nresources:\n  dep:\n    type: service-port\n    params:\n      workload: nowhere\n      port: web\n",
		path:  []string{"resources", "dep"}, message: []string{"nowhere"},
	}, {
		name:    "environment resource on kubernetes without the key",
		targets: []targets.Target{targets.Kubernetes},
		score:   head + "containers:\n  main:\n    image: busybox\n    variables:\n      R: ${resources.env.REGION}\nresources:\n  env:\n    type: environment\n",
		path:    []string{"containers", "main", "variables", "R"}, message: []string{"resources.env.REGION", "'REGION' not found"},
	}}
	for _, tc := range cases {
		targets := tc.targets
		if targets == nil {
			targets = wlTargets
		}
		for _, target := range targets {
			t.Run(tc.name+"/"+string(target), func(t *testing.T) {
				w := wlLoadText(t, tc.score)
				in := wlInput(t, w, target, wlRandom(1))
				in.Bindings = tc.bindings
				in.Settings = wlSettings(t, target, tc.extra)
				out, err := wlRenderCall(in)
				if err == nil {
					t.Fatalf("no error; rendered:\n%s", wlText(out))
				}
				list := wlProblems(t, err)
				for _, p := range list {
					if problem.FormatPath(p.Path) != problem.FormatPath(tc.path) {
						continue
					}
					ok := true
					for _, m := range tc.message {
						if !strings.Contains(p.Message, m) {
							ok = false
						}
					}
					if ok {
						return
					}
				}
				t.Errorf("no problem at %s mentioning %q; got:\n%v", tc.path, tc.message, err)
			})
		}
	}
}

// Binding the shared resource instead makes the same workload render, with the bound values.
func TestWorkloadSharedResourceBound(t *testing.T) {
	const score = "apiVersion: score.dev/v1b1\nmetadata:\n  name: shared\ncontainers:\n  main:\n    image: busybox\n    variables:\n      C: redis://${resources.cache.username}:${resources.cache.password}@${resources.cache.host}:${resources.cache.port}\n      NESTED: ${resources.cache.meta.zone}\nresources:\n  cache:\n    type: redis\n    id: main-cache\n"
	binding := resources.Binding{
		UID:     "redis.default#main-cache",
		Outputs: map[string]string{"host": "redis-main", "port": "6379", "username": "default", "meta": `{"zone":"eu-1"}`},
		Secrets: map[string]string{"password": "bound-secret-password"},
	}
	for _, target := range wlTargets {
		t.Run(string(target), func(t *testing.T) {
			in := wlInput(t, wlLoadText(t, score), target, wlRandom(1))
			in.Bindings = map[string]resources.Binding{"cache": binding}
			out := wlRender(t, in)
			wlCheckTarget(t, target, out, nil)
			if len(out.ResourceOutputs) != 0 || len(out.State.Resources) != 0 {
				t.Errorf("a bound resource is provisioned inside the workload: %v / %v", out.ResourceOutputs, out.State.Resources)
			}
			text := strings.Join(wlMapValues(wlPublic(out)), "\n")
			if strings.Contains(text, "bound-secret-password") {
				t.Errorf("the bound secret appears in a public output")
			}
			if !strings.Contains(text, "eu-1") {
				t.Errorf("the nested lookup ${resources.cache.meta.zone} did not resolve:\n%s", text)
			}
			sensitive := strings.Join(wlMapValues(wlSensitive(out)), "\n")
			if target == targets.Compose {
				if !strings.Contains(out.ComposeEnv, "bound-secret-password") || !strings.Contains(out.ComposeYAML, "${REDIS_DEFAULT_MAIN_CACHE_PASSWORD}") {
					t.Errorf("compose does not refer to the bound secret through the env file:\n%s\n%s", out.ComposeYAML, out.ComposeEnv)
				}
			} else if !strings.Contains(sensitive, base64.StdEncoding.EncodeToString([]byte("redis://default:bound-secret-password@redis-main:6379"))) {
				t.Errorf("no Secret holds the connection string:\n%s", sensitive)
			}
		})
	}
}

// wlDiff shows the first differing lines of two texts.
func wlDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out bytes.Buffer
	n := 0
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			fmt.Fprintf(&out, "line %d:\n  - %s\n  + %s\n", i+1, x, y)
			if n++; n >= 10 {
				out.WriteString("  ...\n")
				break
			}
		}
	}
	return out.String()
}

// Every rendered output becomes a Terraform string, and Terraform strings are UTF-8 text: an
// output with other bytes cannot round-trip through state (nor be written back by local_file).
func TestWorkloadOutputsAreUTF8(t *testing.T) {
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				out := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(1)))
				all := wlPublic(out)
				for k, v := range wlSensitive(out) {
					all[k] = v
				}
				for _, k := range wlSortedKeys(all) {
					if !utf8.ValidString(all[k]) {
						t.Errorf("%s is not valid UTF-8 (%q...): a Terraform string attribute cannot hold it", k, wlHead(all[k]))
					}
				}
			})
		}
	}
}

func wlHead(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

// wlStringLeaves decodes a YAML document and returns every string in it (keys and values), so a
// secret is found whatever quoting or escaping the encoder chose.
func wlStringLeaves(tb testing.TB, doc string) []string {
	tb.Helper()
	var v any
	if err := yamlv3.Unmarshal([]byte(doc), &v); err != nil {
		tb.Fatalf("not YAML: %v\n%s", err, doc)
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			out = append(out, t)
		case map[string]any:
			for k, e := range t {
				out = append(out, k)
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// Secret values that YAML has to quote or escape (quotes, newlines, $, non-ASCII) still never
// reach a public output, and reach the container unchanged.
func TestWorkloadTrickySecretValues(t *testing.T) {
	const score = `apiVersion: score.dev/v1b1
metadata:
  name: tricky
containers:
  main:
    image: busybox
    variables:
      PASSWORD: ${resources.db.password}
      DSN: "user=u password=${resources.db.password} host=${resources.db.host}"
    files:
      /etc/pgpass:
        content: "*:*:*:u:${resources.db.password}"
resources:
  db:
    type: postgres
`
	for _, secret := range []string{
		`it's: "quoted"`, "line1\nline2", "dollar $HOME ${X} $(Y) $$", "tab\there # not a comment", "ünïcødé 🔑 key", `back\slash`,
	} {
		for _, target := range wlTargets {
			t.Run(fmt.Sprintf("%s/%q", target, secret), func(t *testing.T) {
				in := wlInput(t, wlLoadText(t, score), target, wlRandom(1))
				in.Bindings = map[string]resources.Binding{"db": {Outputs: map[string]string{"host": "db.internal"}, Secrets: map[string]string{"password": secret}}}
				out := wlRender(t, in)
				for k, doc := range out.Manifests {
					for _, s := range wlStringLeaves(t, doc) {
						if strings.Contains(s, secret) {
							t.Errorf("the secret is in manifest %s", k)
						}
					}
				}
				if out.ComposeYAML != "" {
					for _, s := range wlStringLeaves(t, out.ComposeYAML) {
						if strings.Contains(s, secret) {
							t.Errorf("the secret is in compose_yaml: %q", s)
						}
					}
				}
				for k, v := range out.Files {
					if strings.Contains(v, secret) {
						t.Errorf("the secret is in files[%s]", k)
					}
				}
				if target == targets.Kubernetes {
					wlCheckKubernetes(t, out)
					obj := wlWorkloadObject(t, out)
					for _, e := range wlContainer(t, obj, "main", false)["env"].([]any) {
						m := e.(map[string]any)
						got := wlSecretData(t, out, m)
						want := map[string]string{"PASSWORD": secret, "DSN": "user=u password=" + secret + " host=db.internal"}[m["name"].(string)]
						if got != want {
							t.Errorf("%s = %q, want %q", m["name"], got, want)
						}
					}
					if got := wlKubernetesFiles(t, out, "main")["/etc/pgpass"]; got != "*:*:*:u:"+secret {
						t.Errorf("/etc/pgpass = %q, want %q", got, "*:*:*:u:"+secret)
					}
					return
				}
				project := wlCheckCompose(t, out, nil)
				svc := project.Services["tricky-main"]
				for k, want := range map[string]string{"PASSWORD": secret, "DSN": "user=u password=" + secret + " host=db.internal"} {
					if got := svc.Environment[k]; got == nil || *got != want {
						t.Errorf("%s resolves to %v, want %q", k, got, want)
					}
				}
				if len(out.SecretFiles) != 1 || wlMapValues(out.SecretFiles)[0] != "*:*:*:u:"+secret {
					t.Errorf("secret files %q", out.SecretFiles)
				}
			})
		}
	}
}

// TestWorkloadFileEnvironmentBothTargets: a file whose content refers to an environment resource
// reads the same on both targets: on Kubernetes the values are the resource's params, on compose
// the file is a config compose interpolates from the environment it runs in (issue 16, item 2).
func TestWorkloadFileEnvironmentBothTargets(t *testing.T) {
	const target = "/etc/client/client.conf"
	// The backend's port differs on purpose: the Service port on Kubernetes, the container's
	// target port on compose.
	content := "backend = \"http://backend:%d/api\"\nregion = \"eu-west-1\"\n# a literal $HOME stays as written\nhome = \"$HOME\"\n"

	k8s := wlRender(t, wlInput(t, wlFixture(t, "client"), targets.Kubernetes, wlRandom(1)))
	if got, want := wlKubernetesFiles(t, k8s, "main")[target], fmt.Sprintf(content, 8080); got != want {
		t.Errorf("kubernetes: %s = %q, want %q", target, got, want)
	}

	out := wlRender(t, wlInput(t, wlFixture(t, "client"), targets.Compose, wlRandom(1)))
	project := wlCheckCompose(t, out, map[string]string{"REGION": "eu-west-1", "LOG_LEVEL": "debug"})
	svc := project.Services["client-main"]
	got := "<no config>"
	for _, c := range svc.Configs {
		if c.Target == target {
			got = project.Configs[c.Source].Content
		}
	}
	if want := fmt.Sprintf(content, 3000); got != want {
		t.Errorf("compose: %s = %q after interpolation, want %q\n%s", target, got, want, out.ComposeYAML)
	}
	if !strings.Contains(out.ComposeYAML, "${REGION}") {
		t.Errorf("compose: the config does not refer to ${REGION}:\n%s", out.ComposeYAML)
	}
}

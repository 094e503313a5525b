package provisioner_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// engSharedDir finds the shared conformance material: <repo root>/../shared, where the repository
// root is the nearest directory above the test holding go.mod. It skips the test when absent.
func engSharedDir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := ""
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			root = dir
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if root == "" {
		t.Skipf("no go.mod found above %s, so the shared conformance directory (<repo root>/../shared) cannot be located", wd)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "conformance", "provisioners")
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		t.Skipf("shared conformance provisioners not found: looked for %s (repository root %s, then ../shared/conformance/provisioners)", dir, root)
	}
	return dir
}

// conformanceRequest is a plausible request for a resource of type typ used by the workload
// "web", which has a service "web" with a port named "www" (8080 → 80).
func conformanceRequest(typ string, seed uint64, d *provisioner.Definition) provisioner.Request {
	class, id := "default", "web.res"
	if d.Class != nil {
		class = *d.Class
	}
	if d.ID != nil {
		id = *d.ID
	}
	req := provisioner.Request{
		UID: typ + "." + class + "#" + id, Type: typ, Class: class, ID: id,
		SourceWorkload: "web", WorkloadMetadata: map[string]any{"name": "web"},
		Metadata:  map[string]any{"annotations": map[string]any{"team": "a"}},
		Namespace: "shop", ComposeProjectName: "proj", MountsDirectory: "./mounts",
		Random: engRandom(seed),
	}
	port := provisioner.ServicePort{Name: "www", Port: 8080, TargetPort: 80, Protocol: "TCP"}
	req.WorkloadServices = map[string]provisioner.WorkloadService{
		"web": {ServiceName: "web", Ports: map[string]provisioner.ServicePort{"www": port, "8080": port}},
	}
	switch typ {
	case "service-port":
		req.Params = map[string]any{"workload": "web", "port": "www"}
	case "route":
		req.Params = map[string]any{"host": "example.localhost", "path": "/api", "port": "www"}
	}
	return req
}

func TestConformanceUpstreamProvisionerFiles(t *testing.T) {
	dir := engSharedDir(t)
	for _, c := range []struct {
		file   string
		target targets.Target
		count  int
	}{
		{"score-compose.default.provisioners.yaml", targets.Compose, 15},
		{"score-k8s.default.provisioners.yaml", targets.Kubernetes, 15},
	} {
		t.Run(string(c.target), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			defs, err := provisioner.ParseFile(data, c.target, c.file)
			if err != nil {
				t.Fatalf("%s does not load unchanged: %v", c.file, err)
			}
			if len(defs) != c.count {
				t.Errorf("%s: %d definitions, want %d", c.file, len(defs), c.count)
			}
			// The other target rejects each file: they use each other's sections.
			other := targets.Compose
			if c.target == targets.Compose {
				other = targets.Kubernetes
			}
			if _, err := provisioner.ParseFile(data, other, c.file); err == nil {
				t.Errorf("%s loads for the %s target too", c.file, other)
			}

			knownKinds := map[string]int{}
			for i, d := range defs {
				name := d.URI
				if d.Class != nil || d.ID != nil {
					name += "/specific"
				}
				t.Run(strings.ReplaceAll(name, "://", "-"), func(t *testing.T) {
					if d.Scheme() == "cmd" {
						if _, err := exec.LookPath("bash"); err != nil {
							t.Skip("bash is not on PATH")
						}
					}
					opts := provisioner.Options{Target: c.target, AllowCommands: true}
					req := conformanceRequest(d.Type, uint64(i+1), d)
					res, err := provisioner.Provision(context.Background(), d, req, opts)
					if err != nil {
						t.Fatalf("provisioning failed: %v", err)
					}
					for _, k := range d.ExpectedOutputs {
						if _, ok := res.Outputs[k]; !ok {
							t.Errorf("expected output %q missing; outputs %v", k, res.Outputs)
						}
					}
					for j, m := range res.Manifests {
						apiVersion, _ := m["apiVersion"].(string)
						kind, _ := m["kind"].(string)
						if err := kube.Validate(m); err != nil {
							t.Errorf("manifests.%d (%s %s) is not valid: %v", j, apiVersion, kind, err)
						}
						if kube.Known(apiVersion, kind) {
							knownKinds[kind]++
						}
					}
					if want := conformanceArtifacts[c.file+" "+d.URI]; want != "" {
						if got := artifactSummary(res); got != want {
							t.Errorf("artifacts: got %s, want %s", got, want)
						}
					}
					// What the resource adds renders (Kubernetes objects encode and validate).
					if _, err := render.RenderResource(req.UID, res, c.target, req.Namespace); err != nil {
						t.Fatalf("RenderResource: %v", err)
					}

					// A second run with the stored state and another seed keeps every output.
					req2 := conformanceRequest(d.Type, uint64(i+100), d)
					req2.Prior = res.Stored
					res2, err := provisioner.Provision(context.Background(), d, req2, opts)
					if err != nil {
						t.Fatalf("second provisioning failed: %v", err)
					}
					engEqualJSON(t, "outputs after re-provisioning", res2.Outputs, string(mustJSON(t, res.Outputs)))
				})
			}
			if c.target == targets.Kubernetes && (knownKinds["Secret"] == 0 || knownKinds["StatefulSet"] == 0 || knownKinds["Service"] == 0) {
				t.Errorf("few manifests of registered kinds were validated: %v", knownKinds)
			}
		})
	}
}

// Regression: the compose YAML rendered from score-compose's own route provisioner does not load
// with compose-go (so `docker compose` rejects it): its services template writes a bind
// volume with `readOnly: true`, and the engine passes the services section through as a raw
// map. score-compose decodes the services, volumes, networks and models sections with
// compose-go's loader.Transform into typed compose structs (reference §3.3, step 3), which
// drops such keys and normalizes short syntax; this engine does neither, so an upstream file
// does not "work unchanged" for the compose target. Every other upstream compose provisioner's
// output loads.
func TestConformanceUpstreamComposeOutputLoads(t *testing.T) {
	dir := engSharedDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "score-compose.default.provisioners.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defs, err := provisioner.ParseFile(data, targets.Compose, "score-compose")
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range defs {
		t.Run(d.Type, func(t *testing.T) {
			req := conformanceRequest(d.Type, uint64(i+1), d)
			res, err := provisioner.Provision(context.Background(), d, req, provisioner.Options{Target: targets.Compose})
			if err != nil {
				t.Fatal(err)
			}
			rendered, err := render.RenderResource(req.UID, res, targets.Compose, "")
			if err != nil {
				t.Fatal(err)
			}
			if rendered.ComposeYAML == "" {
				return
			}
			for k, v := range res.Outputs {
				if s, ok := v.(string); ok && rendered.Secrets[k] != "" && len(s) > 3 && strings.Contains(rendered.ComposeYAML, s) {
					t.Errorf("secret output %s appears in the compose YAML", k)
				}
			}
			engLoadCompose(t, rendered.ComposeYAML, rendered.ComposeEnv)
		})
	}
}

// conformanceArtifacts are what some upstream provisioners add (see artifactSummary).
var conformanceArtifacts = map[string]string{
	"score-k8s.default.provisioners.yaml template://default-provisioners/postgres":            "manifests=Secret,StatefulSet,Service",
	"score-k8s.default.provisioners.yaml template://default-provisioners/route":               "manifests=HTTPRoute",
	"score-k8s.default.provisioners.yaml template://example-provisioners/example-provisioner": "manifests=ConfigMap,Secret",
	"score-k8s.default.provisioners.yaml template://default-provisioners/volume":              "none",
	"score-compose.default.provisioners.yaml template://default-provisioners/redis":           "services=1 volumes=1 files=1",
	"score-compose.default.provisioners.yaml template://default-provisioners/volume":          "volumes=1",
	"score-compose.default.provisioners.yaml template://default-provisioners/route":           "services=1 files=1",
	"score-compose.default.provisioners.yaml template://default-provisioners/dns":             "none",
}

func artifactSummary(res *provisioner.Result) string {
	var parts []string
	if len(res.Manifests) > 0 {
		var kinds []string
		for _, m := range res.Manifests {
			k, _ := m["kind"].(string)
			kinds = append(kinds, k)
		}
		parts = append(parts, "manifests="+strings.Join(kinds, ","))
	}
	for _, s := range []struct {
		name string
		m    map[string]any
	}{{"services", res.Compose.Services}, {"volumes", res.Compose.Volumes}, {"networks", res.Compose.Networks}, {"files", res.Compose.Files}} {
		if len(s.m) > 0 {
			parts = append(parts, s.name+"="+strconv.Itoa(len(s.m)))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}

// engLoadCompose loads a compose document with compose-go, as Docker Compose would, with the
// variables of dotenv.
func engLoadCompose(t testing.TB, doc, dotenvText string) *types.Project {
	t.Helper()
	env, err := dotenv.UnmarshalWithLookup(dotenvText, nil)
	if err != nil {
		t.Fatalf("dotenv does not parse: %v\n%s", err, dotenvText)
	}
	dir := t.TempDir()
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: []byte(doc)}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("conformance", true) })
	if err != nil {
		t.Fatalf("compose-go does not load the compose YAML: %v\n%s", err, doc)
	}
	return project
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

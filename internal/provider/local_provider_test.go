//go:build e2e

package provider

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"gopkg.in/yaml.v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"
)

// The chain a user builds: score_workload renders, hashicorp/local writes the result to disk.
// Providers cannot be downloaded here, so hashicorp/local is built from the Go module proxy
// (once; the binary is cached outside the repository) and served to terraform from a
// filesystem mirror named by a CLI configuration file of this test's own.
//
// hashicorp/local's go.mod still declares its old module path, and the proxy only serves
// pseudo-versions for it: localModuleVersion is what `go list -m
// github.com/terraform-providers/terraform-provider-local@latest` returned, which is the
// release localVersion (its CHANGELOG's top entry). To move on, update both.
const (
	localModule        = "github.com/terraform-providers/terraform-provider-local"
	localModuleVersion = "v1.4.1-0.20260513075820-3561e410f9fe"
	localVersion       = "2.9.0"
)

// localProviderConfig returns a CLI configuration file that installs hashicorp/local from a
// filesystem mirror, building the provider first when the cache does not hold it. A failing
// build fails the test: CI must not skip the chain silently.
func localProviderConfig(t *testing.T) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		t.Fatalf("no user cache directory for the hashicorp/local build: %v", err)
	}
	binDir := filepath.Join(cache, "terraform-provider-score-test", "terraform-provider-local", localModuleVersion, runtime.GOOS+"_"+runtime.GOARCH)
	bin := filepath.Join(binDir, "terraform-provider-local")
	if _, err := os.Stat(bin); err != nil {
		if err := os.MkdirAll(binDir, 0o755); err != nil {
			t.Fatal(err)
		}
		// Build into a fresh directory and rename: a concurrent or interrupted build never
		// leaves a half-written binary at bin.
		tmp, err := os.MkdirTemp(binDir, "build-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := os.RemoveAll(tmp); err != nil {
				t.Error(err)
			}
		})
		start := time.Now()
		cmd := exec.Command("go", "install", localModule+"@"+localModuleVersion)
		cmd.Dir = tmp // outside any module: `go install pkg@version` builds it on its own
		cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0", "GOFLAGS=-buildvcs=false")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("building hashicorp/local from the Go module proxy failed (the chaining test needs it: is the module proxy reachable? GOPROXY=%q): %v\n%s",
				os.Getenv("GOPROXY"), err, out)
		}
		if err := os.Rename(filepath.Join(tmp, "terraform-provider-local"), bin); err != nil {
			t.Fatal(err)
		}
		t.Logf("built hashicorp/local %s (%s) from the module proxy in %s; cached at %s", localVersion, localModuleVersion, time.Since(start).Round(100*time.Millisecond), bin)
	}

	// The unpacked mirror layout: <host>/<namespace>/<type>/<version>/<os>_<arch>/terraform-provider-<type>_v<version>,
	// under both registry host names: OpenTofu resolves "hashicorp/local" to its own registry.
	mirror := t.TempDir()
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		dir := filepath.Join(mirror, host, "hashicorp", "local", localVersion, runtime.GOOS+"_"+runtime.GOARCH)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "terraform-provider-local_v"+localVersion)
		if err := os.Link(bin, dst); err != nil {
			copyFile(t, bin, dst)
		}
	}
	cliConfig := filepath.Join(t.TempDir(), "terraform.rc")
	text := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %s
    include = ["registry.terraform.io/hashicorp/local", "registry.opentofu.org/hashicorp/local"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/local", "registry.opentofu.org/hashicorp/local"]
  }
}
`, hclString(mirror))
	if err := os.WriteFile(cliConfig, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return cliConfig
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = in.Close() }() // read only: a failing Close cannot lose what was copied
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// dirFiles lists the regular files under dir, relative and sorted.
func dirFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out = append(out, rel)
		return err
	})
	sort.Strings(out)
	return out, err
}

// TestAccLocalChain writes what score_workload renders to disk with hashicorp/local, for each
// target, and checks the files. The two targets run as separate configurations: with the provider
// served in-process, terraform sends every configuration of it (aliases included) to the one
// process, whose last Configure would win (terraform-plugin-framework issue #490), so one
// configuration cannot hold both targets in this harness.
func TestAccLocalChain(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", localProviderConfig(t))
	score := workloadFile(t, "chain.score.yaml")
	external := map[string]resource.ExternalProvider{
		"local": {Source: "registry.terraform.io/hashicorp/local", VersionConstraint: localVersion},
	}

	t.Run("kubernetes", func(t *testing.T) {
		k8sDir := t.TempDir()
		config := fmt.Sprintf(`
provider "score" {
  target    = "kubernetes"
  namespace = "shop"
}

# One file per object; the Secrets through local_sensitive_file. (A user would write
# for_each = score_workload.k8s.manifests; terraform-plugin-testing cannot read string-keyed
# instances back from the state (terraform-plugin-sdk issue #536), so this test counts over the
# sorted keys, which, like for_each, needs every key known at plan.)
resource "score_workload" "k8s" {
  file = %[2]s
}

locals {
  objects = sort(keys(score_workload.k8s.manifests))
  secrets = sort(nonsensitive(keys(score_workload.k8s.secret_manifests)))
}

resource "local_file" "manifest" {
  count    = length(local.objects)
  filename = "${%[1]s}/${replace(local.objects[count.index], "/", "_")}.yaml"
  content  = score_workload.k8s.manifests[local.objects[count.index]]
}

resource "local_sensitive_file" "secret_manifest" {
  count    = length(local.secrets)
  filename = "${%[1]s}/${replace(local.secrets[count.index], "/", "_")}.yaml"
  content  = score_workload.k8s.secret_manifests[local.secrets[count.index]]
}
`, hclString(k8sDir), score)
		onDisk := stateCheckFunc(func(s *tfjson.State) error {
			k8s, err := resourceValues(s, "score_workload.k8s")
			if err != nil {
				return err
			}
			password, err := stateString(s, "score_workload.k8s", "resource_outputs", "db", "secrets", "password")
			if err != nil {
				return err
			}
			// Every object is a file.
			manifests, _ := k8s["manifests"].(map[string]any)
			secretManifests, _ := k8s["secret_manifests"].(map[string]any)
			files, err := dirFiles(k8sDir)
			if err != nil {
				return err
			}
			var want []string
			for key := range manifests {
				want = append(want, strings.ReplaceAll(key, "/", "_")+".yaml")
			}
			for key := range secretManifests {
				want = append(want, strings.ReplaceAll(key, "/", "_")+".yaml")
			}
			sort.Strings(want)
			if strings.Join(files, " ") != strings.Join(want, " ") {
				return fmt.Errorf("kubernetes files on disk:\n  %s\nwant:\n  %s", strings.Join(files, "\n  "), strings.Join(want, "\n  "))
			}
			if len(files) < 8 {
				return fmt.Errorf("expected at least 8 objects, got %d: %v", len(files), files)
			}
			read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(k8sDir, name)) }

			data, err := read("apps_v1_Deployment_shop_web.yaml")
			if err != nil {
				return err
			}
			var deployment appsv1.Deployment
			if err := sigsyaml.UnmarshalStrict(data, &deployment); err != nil {
				return fmt.Errorf("the Deployment file does not decode strictly: %v", err)
			}
			if deployment.Namespace != "shop" || len(deployment.Spec.Template.Spec.Containers) != 1 {
				return fmt.Errorf("unexpected Deployment: namespace %q, %d containers", deployment.Namespace, len(deployment.Spec.Template.Spec.Containers))
			}
			var ref *corev1.SecretKeySelector
			for _, e := range deployment.Spec.Template.Spec.Containers[0].Env {
				if e.Name == "DB_PASSWORD" && e.ValueFrom != nil {
					ref = e.ValueFrom.SecretKeyRef
				}
			}
			if ref == nil {
				return fmt.Errorf("DB_PASSWORD does not come from a Secret")
			}
			data, err = read("core_v1_Secret_shop_" + ref.Name + ".yaml")
			if err != nil {
				return err
			}
			var secret corev1.Secret
			if err := sigsyaml.UnmarshalStrict(data, &secret); err != nil {
				return fmt.Errorf("the Secret file does not decode strictly: %v", err)
			}
			if string(secret.Data[ref.Key]) != password {
				return fmt.Errorf("the Secret %s does not hold the password at %s", ref.Name, ref.Key)
			}
			for _, f := range files {
				data, err := read(f)
				if err != nil {
					return err
				}
				if bytes.Contains(data, []byte(password)) {
					return fmt.Errorf("%s holds the password in clear text", f)
				}
				var obj map[string]any
				if err := yaml.Unmarshal(data, &obj); err != nil || obj["kind"] == nil {
					return fmt.Errorf("%s is not a Kubernetes object: %v", f, err)
				}
			}
			if _, err := read("gateway.networking.k8s.io_v1_HTTPRoute_shop_route-web-route-" + nameHash("route.default#web.route") + ".yaml"); err != nil {
				return fmt.Errorf("the route's HTTPRoute was not written: %v", err)
			}
			return nil
		})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviderFactories,
			ExternalProviders:        external,
			Steps: []resource.TestStep{{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The keys are known on the first plan, and so is the Deployment's content.
					plancheck.ExpectResourceAction("local_file.manifest[0]", plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue("local_file.manifest[0]", tfjsonpath.New("filename"), knownvalue.StringExact(filepath.Join(k8sDir, "apps_v1_Deployment_shop_web.yaml"))),
					plancheck.ExpectKnownValue("local_file.manifest[0]", tfjsonpath.New("content"), knownvalue.StringRegexp(regexp.MustCompile(`^apiVersion: apps/v1\nkind: Deployment\n`))),
					plancheck.ExpectResourceAction("local_sensitive_file.secret_manifest[2]", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{onDisk},
			}},
		})
	})

	t.Run("compose", func(t *testing.T) {
		composeDir := t.TempDir()
		config := fmt.Sprintf(`
provider "score" {
  target = "compose"
}

# compose.yaml, .env beside it, and the files it binds.
resource "score_workload" "compose" {
  file = %[2]s
}

resource "local_file" "compose_yaml" {
  filename = "${%[1]s}/compose.yaml"
  content  = score_workload.compose.compose_yaml
}

resource "local_sensitive_file" "env" {
  filename = "${%[1]s}/.env"
  content  = score_workload.compose.compose_env
}

locals {
  files        = sort(keys(score_workload.compose.files))
  secret_files = sort(nonsensitive(keys(score_workload.compose.secret_files)))
}

resource "local_file" "files" {
  count    = length(local.files)
  filename = "${%[1]s}/${local.files[count.index]}"
  content  = score_workload.compose.files[local.files[count.index]]
}

resource "local_sensitive_file" "secret_files" {
  count    = length(local.secret_files)
  filename = "${%[1]s}/${local.secret_files[count.index]}"
  content  = score_workload.compose.secret_files[local.secret_files[count.index]]
}
`, hclString(composeDir), score)
		onDisk := stateCheckFunc(func(s *tfjson.State) error {
			read := func(name string) ([]byte, error) {
				return os.ReadFile(filepath.Join(composeDir, filepath.FromSlash(name)))
			}
			password, err := stateString(s, "score_workload.compose", "resource_outputs", "db", "secrets", "password")
			if err != nil {
				return err
			}
			// compose.yaml refers to the secrets, .env holds them.
			composeYAML, err := read("compose.yaml")
			if err != nil {
				return err
			}
			if !bytes.Contains(composeYAML, []byte("DB_PASSWORD: ${POSTGRES_DEFAULT_WEB_DB_PASSWORD}\n")) || bytes.Contains(composeYAML, []byte(password)) {
				return fmt.Errorf("compose.yaml should refer to the password as ${POSTGRES_DEFAULT_WEB_DB_PASSWORD} and not hold it:\n%s", composeYAML)
			}
			var project map[string]any
			if err := yaml.Unmarshal(composeYAML, &project); err != nil || project["services"] == nil {
				return fmt.Errorf("compose.yaml is not a compose file: %v", err)
			}
			env, err := read(".env")
			if err != nil {
				return err
			}
			if !regexp.MustCompile(`(?m)^POSTGRES_DEFAULT_WEB_DB_PASSWORD='` + regexp.QuoteMeta(password) + `'$`).Match(env) {
				return fmt.Errorf(".env does not set POSTGRES_DEFAULT_WEB_DB_PASSWORD to the password (%d bytes)", len(env))
			}
			compose, err := resourceValues(s, "score_workload.compose")
			if err != nil {
				return err
			}
			plain, _ := compose["files"].(map[string]any)
			secretFiles, _ := compose["secret_files"].(map[string]any)
			if len(plain) == 0 || len(secretFiles) == 0 {
				return fmt.Errorf("expected both files (the route's nginx.conf) and secret_files (db.secret), got %d and %d", len(plain), len(secretFiles))
			}
			for _, m := range []map[string]any{plain, secretFiles} {
				for name, content := range m {
					data, err := read(name)
					if err != nil {
						return err
					}
					if string(data) != fmt.Sprint(content) {
						return fmt.Errorf("%s on disk differs from the attribute", name)
					}
					// compose.yaml binds it by its path relative to itself.
					if !bytes.Contains(composeYAML, []byte(strings.TrimPrefix(name, "./"))) {
						return fmt.Errorf("compose.yaml does not refer to %s", name)
					}
				}
			}
			for name, content := range secretFiles {
				if fmt.Sprint(content) != password {
					return fmt.Errorf("secret file %s should hold exactly the password", name)
				}
			}
			got, err := dirFiles(composeDir)
			if err != nil {
				return err
			}
			if len(got) != 2+len(plain)+len(secretFiles) {
				return fmt.Errorf("compose files on disk: %v", got)
			}
			return nil
		})
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: testProviderFactories,
			ExternalProviders:        external,
			Steps: []resource.TestStep{{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("local_file.compose_yaml", plancheck.ResourceActionCreate),
					plancheck.ExpectKnownValue("local_file.compose_yaml", tfjsonpath.New("content"), knownvalue.StringRegexp(regexp.MustCompile(`DB_PASSWORD: \$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}\n`))),
					plancheck.ExpectResourceAction("local_file.files[0]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("local_sensitive_file.secret_files[0]", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("local_sensitive_file.env", plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{onDisk},
			}},
		})
	})
}

// TestAccExampleCompose applies examples/compose with the hashicorp/local provider (built from the
// module proxy, served from a filesystem mirror) and checks the project it writes.
func TestAccExampleCompose(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", localProviderConfig(t))
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	out := t.TempDir()
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Errorf("%s was not written: %v", name, err)
		}
		return string(data)
	}
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, "", "compose")),
			ConfigVariables:          config.Variables{"out_dir": config.StringVariable(out)},
			Check: func(*terraform.State) error {
				compose, env := read("compose.yaml"), read(".env")
				m := regexp.MustCompile(`CACHE_PASSWORD: \$\{([A-Z0-9_]+)\}`).FindStringSubmatch(compose)
				if m == nil {
					t.Errorf("compose.yaml does not refer to the password:\n%s", compose)
					return nil
				}
				if !regexp.MustCompile(`(?m)^` + m[1] + `='[A-Za-z0-9]{16,}'$`).MatchString(env) {
					t.Errorf(".env does not hold %s:\n%s", m[1], env)
				}
				return nil
			},
		}},
	})
}

// TestAccExampleProjectCompose plans examples/project-compose with hashicorp/local and checks what
// the first plan already knows it will write: one compose file for the three workloads, the
// shared database once and its secrets as ${VAR} references, the cross-workload wait, the
// published port and the router's files. It stops at the plan: the example writes files with
// for_each, whose string-keyed instances terraform-plugin-testing cannot read back from a state
// (terraform-plugin-sdk issue #536). `make e2e-compose` applies it with terraform and runs the
// project it writes with `docker compose up`.
func TestAccExampleProjectCompose(t *testing.T) {
	t.Setenv("TF_CLI_CONFIG_FILE", localProviderConfig(t))
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	out := t.TempDir()
	planned := planCheckFunc(func(plan *tfjson.Plan) error {
		rc, err := resourceChange(plan, "local_file.compose")
		if err != nil {
			return err
		}
		compose, _ := topLevelAttr(rc.Change.After, "content").(string)
		var project struct {
			Name     string                    `yaml:"name"`
			Services map[string]map[string]any `yaml:"services"`
		}
		if err := yaml.Unmarshal([]byte(compose), &project); err != nil || compose == "" {
			return fmt.Errorf("the compose file is not known at plan, or not YAML (%v):\n%s", err, compose)
		}
		var problems []string
		var services []string
		for name := range project.Services {
			services = append(services, name)
		}
		sort.Strings(services)
		for _, want := range []string{"api-main", "pg-shop-db", "redis-api-cache", "web-main", "worker-main"} {
			if project.Services[want] == nil {
				problems = append(problems, fmt.Sprintf("no service %s (services: %v)", want, services))
			}
		}
		if project.Name != "shop" {
			problems = append(problems, fmt.Sprintf("project name %q, want shop", project.Name))
		}
		// api and worker share the database: one service, one variable for both.
		for _, svc := range []string{"api-main", "worker-main"} {
			envs, _ := project.Services[svc]["environment"].(map[string]any)
			if envs["DATABASE_URL"] != "${POSTGRES_DEFAULT_SHOP_DB_URL}" {
				problems = append(problems, fmt.Sprintf("%s: DATABASE_URL is %v, want ${POSTGRES_DEFAULT_SHOP_DB_URL}", svc, envs["DATABASE_URL"]))
			}
		}
		// web reaches api through its service-port resource, and waits for it.
		web := project.Services["web-main"]
		if envs, _ := web["environment"].(map[string]any); envs["API_URL"] != "http://api:8080" {
			problems = append(problems, fmt.Sprintf("web-main: API_URL is %v, want http://api:8080", envs["API_URL"]))
		}
		if deps, _ := web["depends_on"].(map[string]any); deps["api-main"] == nil {
			problems = append(problems, fmt.Sprintf("web-main does not wait for api-main: depends_on %v", web["depends_on"]))
		}
		// publish = ["15432:postgres#shop-db.host:5432"]
		if ports, _ := project.Services["pg-shop-db"]["ports"].([]any); len(ports) != 1 || fmt.Sprint(ports[0]) != "map[published:15432 target:5432]" {
			problems = append(problems, fmt.Sprintf("pg-shop-db: ports %v, want 15432 -> 5432", project.Services["pg-shop-db"]["ports"]))
		}
		// The router's configuration is planned at the path compose.yaml binds.
		confs := 0
		for _, rc := range plan.ResourceChanges {
			if rc.Type != "local_file" || rc.Name != "files" {
				continue
			}
			key, _ := rc.Index.(string)
			if strings.HasSuffix(key, "/nginx.conf") {
				confs++
				if want := filepath.Join(out, filepath.FromSlash(key)); topLevelAttr(rc.Change.After, "filename") != want {
					problems = append(problems, fmt.Sprintf("%s: filename %v, want %s", rc.Address, topLevelAttr(rc.Change.After, "filename"), want))
				}
				if !strings.Contains(compose, "source: ./"+key+"\n") {
					problems = append(problems, "compose.yaml does not bind "+key)
				}
			}
		}
		if confs == 0 {
			problems = append(problems, "no router configuration (mounts/.../nginx.conf) is planned")
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "\n"))
		}
		return nil
	})
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, "", "project-compose")),
			ConfigVariables:          config.Variables{"out_dir": config.StringVariable(out)},
			PlanOnly:                 true,
			ExpectNonEmptyPlan:       true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("score_project.shop", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("local_sensitive_file.env", plancheck.ResourceActionCreate),
				planned,
			}},
		}},
	})
}

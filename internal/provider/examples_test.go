package provider

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The examples under examples/ are documentation; these tests apply, with real terraform, every
// example that needs no provider but this one. The others need providers that cannot be
// downloaded offline: compose/ and project-compose/ are applied with hashicorp/local, built from
// the module proxy, by `make e2e-local` (local_provider_test.go); kubernetes/ and
// project-kubernetes/ with the kubectl provider against a real API server by
// `make e2e-kubernetes` (tools/e2e/kubernetes/terraform.sh).
// The examples name the provider score-tf/score, so the tests serve it under that namespace;
// t.Setenv keeps these tests sequential, which Go runs before the parallel ones.

func exampleDir(t *testing.T, parts ...string) string {
	t.Helper()
	return filepath.Join(append([]string{"..", "..", "examples"}, parts...)...)
}

// exampleWith writes examples' .tf files into one temporary directory, with extra configuration.
// The test framework runs terraform elsewhere with only the .tf files, so ${path.module} is
// replaced by the example's own directory, where its other files are.
func exampleWith(t *testing.T, extra string, dirs ...string) string {
	t.Helper()
	out := t.TempDir()
	for _, d := range dirs {
		dir, err := filepath.Abs(exampleDir(t, d))
		if err != nil {
			t.Fatal(err)
		}
		files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			data = []byte(strings.ReplaceAll(string(data), "${path.module}", dir))
			if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if extra != "" {
		if err := os.WriteFile(filepath.Join(out, "extra.tf"), []byte(extra), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

const exampleRequiredProviders = `
terraform {
  required_providers {
    score = {
      source = "score-tf/score"
    }
  }
}
`

func TestAccExampleQuickstart(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, "", "quickstart")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("containers", knownvalue.MapExact(map[string]knownvalue.Check{
					"api": knownvalue.StringExact("ghcr.io/example/api:1.4.2"),
					"web": knownvalue.StringExact("nginx:1.27-alpine"),
				})),
				statecheck.ExpectKnownOutputValue("database_host", knownvalue.StringExact("pg-quickstart-db")),
				statecheck.ExpectKnownOutputValue("compose_yaml", knownvalue.StringRegexp(regexp.MustCompile(`(?s)name: quickstart\n.*quickstart-api:`))),
				statecheck.ExpectKnownValue("score_workload.quickstart", tfjsonpath.New("compose_env"), knownvalue.StringRegexp(regexp.MustCompile(`^POSTGRES_DEFAULT_QUICKSTART_DB_PASSWORD='[A-Za-z0-9]{16,}'\n`))),
			},
		}},
	})
}

func TestAccExampleCustomProvisioner(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, "", "custom-provisioner")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("manifests", knownvalue.MapSizeExact(1)),
				statecheck.ExpectKnownValue("score_workload.uploader", tfjsonpath.New("secret_manifests"), knownvalue.MapSizeExact(1)),
				statecheck.ExpectKnownValue("score_workload.uploader", tfjsonpath.New("manifests").AtMapKey("apps/v1/Deployment/_/uploader"),
					knownvalue.StringRegexp(regexp.MustCompile(`(?s)name: PREFIX\n\s+value: uploader/uploader-assets\n.*secretKeyRef:\n\s+key: TOKEN\n\s+name: uploader-main-env`))),
			},
		}},
	})
}

// The compose example of the "Writing provisioners" guide: its service, the bind of the file it
// writes, the password only in compose_env and secret_files.
func TestAccExampleCustomProvisionerCompose(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, "", "custom-provisioner-compose")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("compose_yaml", knownvalue.StringRegexp(regexp.MustCompile(
					`(?s)SMTP_ADDRESS: smtp-app-mail:1025\n\s+SMTP_PASSWORD: \$\{SMTP_DEFAULT_APP_MAIL_PASSWORD\}\n\s+SMTP_USER: app\n.*`+
						`smtp-app-mail:\n.*image: axllent/mailpit:v1.21\n.*source: \./mounts/smtp-app-mail/passwords\n`))),
				statecheck.ExpectKnownValue("score_workload.app", tfjsonpath.New("compose_env"),
					knownvalue.StringRegexp(regexp.MustCompile(`^SMTP_DEFAULT_APP_MAIL_PASSWORD='[A-Za-z0-9]{24}'\n$`))),
				statecheck.ExpectKnownValue("score_workload.app", tfjsonpath.New("files"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				statecheck.ExpectKnownValue("score_workload.app", tfjsonpath.New("secret_files"), knownvalue.MapExact(map[string]knownvalue.Check{
					"mounts/smtp-app-mail/passwords": knownvalue.StringRegexp(regexp.MustCompile(`^app:[A-Za-z0-9]{24}\n$`)),
				})),
			},
		}},
	})
}

func TestAccExampleResources(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	provider := exampleRequiredProviders + `
provider "score" {
  target = "kubernetes"
}
`
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(exampleWith(t, provider, "resources/score_resource")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("db_host", knownvalue.StringRegexp(regexp.MustCompile(`^pg-web-db-[0-9a-f]{6}$`))),
				},
			},
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(exampleWith(t, provider, "resources/score_workload")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("manifest_keys", knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringExact("apps/v1/Deployment/_/web"),
					})),
				},
			},
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(exampleWith(t, exampleRequiredProviders, "provider", "data-sources/score_provisioners")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("provisioner_types", knownvalue.ListPartial(map[int]knownvalue.Check{
						0: knownvalue.StringExact("bucket: template://shop/bucket"),
						1: knownvalue.StringExact("volume: template://score-tf/volume"),
					})),
				},
			},
			{
				ProtoV6ProviderFactories: testProviderFactories,
				ConfigDirectory:          config.StaticDirectory(exampleWith(t, provider, "data-sources/score_workload")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("hello_variables", knownvalue.MapExact(map[string]knownvalue.Check{
						"GREETING":  knownvalue.StringExact("Hello from ${metadata.name}"),
						"LOG_LEVEL": knownvalue.StringExact("debug"),
					})),
				},
			},
		},
	})
}

// examples/resources/score_project (the resource page's example), for the compose target it is
// written for: both workloads in one compose file, the shared database provisioned once, the
// bound cache not provisioned, --image, --override-property, --build and --publish applied.
func TestAccExampleProject(t *testing.T) {
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "score-tf")
	provider := exampleRequiredProviders + `
provider "score" {
  target = "compose"
}
`
	compose := func(re string) knownvalue.Check {
		return knownvalue.StringRegexp(regexp.MustCompile(re))
	}
	resource.Test(t, resource.TestCase{
		Steps: []resource.TestStep{{
			ProtoV6ProviderFactories: testProviderFactories,
			ConfigDirectory:          config.StaticDirectory(exampleWith(t, provider, "resources/score_project")),
			ConfigVariables:          config.Variables{"cache_password": config.StringVariable("bound-cache-password")},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("hostnames", knownvalue.MapExact(map[string]knownvalue.Check{
					"api": knownvalue.StringExact("api"),
					"web": knownvalue.StringExact("web"),
				})),
				statecheck.ExpectKnownOutputValue("database_host", knownvalue.StringExact("pg-shop-db")),
				// One postgres service, the api image and published port, web built from ./web.
				statecheck.ExpectKnownValue("score_project.shop", tfjsonpath.New("compose_yaml"), knownvalue.StringRegexp(regexp.MustCompile(
					`(?s)^name: score\nservices:\n  api-main:\n.*REDIS_HOST: cache\.internal\n\s+REDIS_PASSWORD: \$\{REDIS_DEFAULT_API_CACHE_PASSWORD\}\n.*`+
						`image: ghcr\.io/example/api:1\.4\.2\n\s+ports:\n\s+- published: "8081"\n\s+target: 8080\n  pg-shop-db:\n.*`+
						`  web-main:\n.*build:\n\s+context: \./web\n.*API_URL: http://api:8080\n\s+LOG_LEVEL: debug\n`))),
				statecheck.ExpectKnownValue("score_project.shop", tfjsonpath.New("compose_env"),
					compose(`(?m)^REDIS_DEFAULT_API_CACHE_PASSWORD='bound-cache-password'$`)),
				// The bound cache is not provisioned.
				statecheck.ExpectKnownValue("score_project.shop", tfjsonpath.New("resource_outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
					"postgres.default#shop-db":     knownvalue.NotNull(),
					"service-port.default#web.api": knownvalue.NotNull(),
				})),
			},
		}},
	})
}

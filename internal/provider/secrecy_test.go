package provider

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"gopkg.in/yaml.v3"
)

// Issue 16, item 3: which outputs are secret, for provisioner files without the secret_outputs
// extension (the files score-compose and score-k8s load). Secret values reach only sensitive
// attributes; the guess considers names (keys included) and values (a URL with a password), and
// the provider's provisioner_outputs overrides it without touching the file.

const (
	secrecyKey       = "hcaik_01hexamplewritekey0000"
	secrecyBrokerPW  = "br0ker-pa55"
	secrecyQueueURL  = "https://sqs.eu-west-1.amazonaws.com/123456789012/checkout-orders"
	secrecyWorkload  = "score_workload.checkout"
	secrecyProviders = "data.score_provisioners.all"
)

// secrecyConfig is the workload with secrecy.provisioners.yaml, for target, with extra provider
// lines.
func secrecyConfig(t *testing.T, target string, extra ...string) string {
	lines := append([]string{"provisioners = [file(" + workloadFile(t, "secrecy.provisioners.yaml") + ")]"}, extra...)
	return providerBlock(target, lines...) + workloadBlock("checkout", "  file = "+workloadFile(t, "secrecy.score.yaml")) +
		"\ndata \"score_provisioners\" \"all\" {}\n"
}

// secrecyAttrs splits the workload's rendered attributes of a target into the text a plan shows
// and the sensitive text.
func secrecyAttrs(attrs map[string]any, target string) (public, sensitive string) {
	if target == "kubernetes" {
		// Secrets hold their values base64-encoded under data.
		var decoded []string
		secrets, _ := attrs["secret_manifests"].(map[string]any)
		for _, doc := range secrets {
			var obj struct {
				Data map[string]string `yaml:"data"`
			}
			if err := yaml.Unmarshal([]byte(fmt.Sprint(doc)), &obj); err == nil {
				for _, v := range obj.Data {
					b, _ := base64.StdEncoding.DecodeString(v)
					decoded = append(decoded, string(b))
				}
			}
		}
		return fmt.Sprint(attrs["manifests"]), fmt.Sprint(attrs["secret_manifests"], decoded)
	}
	return fmt.Sprint(attrs["compose_yaml"], attrs["files"]), fmt.Sprint(attrs["compose_env"], attrs["secret_files"])
}

// secrecyPlacement checks which values are in the public and which in the sensitive attributes.
func secrecyPlacement(target string, secret, public []string) statecheck.StateCheck {
	return checkAttrs(secrecyWorkload, func(attrs map[string]any) error {
		pub, sens := secrecyAttrs(attrs, target)
		for _, v := range secret {
			if strings.Contains(pub, v) || !strings.Contains(sens, v) {
				return fmt.Errorf("%q must be in the sensitive attributes only", v)
			}
		}
		for _, v := range public {
			if !strings.Contains(pub, v) {
				return fmt.Errorf("%q must be in the public attributes:\n%s", v, pub)
			}
		}
		return nil
	})
}

func secrecyOutputs(name string, outputs, secrets []string) []statecheck.StateCheck {
	return outputsOf(secrecyWorkload, name, outputs, secrets)
}

// outputsOf checks the output keys of resource name in the resource_outputs of workload addr.
func outputsOf(addr, name string, outputs, secrets []string) []statecheck.StateCheck {
	keys := func(list []string) knownvalue.Check {
		m := map[string]knownvalue.Check{}
		for _, k := range list {
			m[k] = knownvalue.NotNull()
		}
		return knownvalue.MapExact(m)
	}
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", name, "outputs"), keys(outputs)),
		statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", name, "secrets"), keys(secrets)),
	}
}

func TestAccSecretOutputs_guess(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		checks := []statecheck.StateCheck{
			// HONEYCOMB_KEY is a key; the broker URL holds a password; the SQS queue URL and the
			// URL scheme hold none.
			secrecyPlacement(target, []string{secrecyKey, secrecyBrokerPW}, []string{secrecyQueueURL, "https"}),
			statecheck.ExpectKnownValue(secrecyProviders, tfjsonpath.New("provisioners").AtSliceIndex(0).AtMapKey("uri"), knownvalue.StringExact("template://community/honeycomb")),
		}
		checks = append(checks, secrecyOutputs("honeycomb", []string{"HONEYCOMB_DATASET", "HONEYCOMB_API_ENDPOINT"}, []string{"HONEYCOMB_KEY"})...)
		checks = append(checks, secrecyOutputs("orders", []string{"url", "arn"}, nil)...)
		checks = append(checks, secrecyOutputs("ext", []string{"EXTERNAL_URL_SCHEME", "EXTERNAL_URL_HOST"}, []string{"BROKER_URL"})...)
		runTest(t, resource.TestStep{Config: secrecyConfig(t, target), ConfigStateChecks: checks})
	})
}

func TestAccSecretOutputs_provisionerOutputs(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		rec := &diagRecorder{}
		config := secrecyConfig(t, target, `provisioner_outputs = {
    "template://community/honeycomb" = { public = ["HONEYCOMB_KEY"], secret = ["HONEYCOMB_DATASET"] }
    "sqs-queue"                      = { secret = ["url"] }
    "external-url"                   = { public = ["BROKER_URL"] }
    "sqs_queue"                      = { secret = ["arn"] }
  }`)
		checks := []statecheck.StateCheck{
			secrecyPlacement(target, []string{secrecyQueueURL, "frontend"}, []string{secrecyKey, secrecyBrokerPW}),
			// What score_provisioners lists as secret follows the rules too.
			statecheck.ExpectKnownValue(secrecyProviders, tfjsonpath.New("provisioners").AtSliceIndex(1).AtMapKey("secret_outputs"), exactStringList("url")),
		}
		checks = append(checks, secrecyOutputs("honeycomb", []string{"HONEYCOMB_KEY", "HONEYCOMB_API_ENDPOINT"}, []string{"HONEYCOMB_DATASET"})...)
		checks = append(checks, secrecyOutputs("orders", []string{"arn"}, []string{"url"})...)
		checks = append(checks, secrecyOutputs("ext", []string{"EXTERNAL_URL_SCHEME", "EXTERNAL_URL_HOST", "BROKER_URL"}, nil)...)
		runRecorded(t, rec, resource.TestStep{
			Config:            config,
			ConfigStateChecks: checks,
			// A key that names no provisioner (a typo of sqs-queue) is a warning.
			Check: rec.expectWarnings(nil, []string{"configure: provisioner_outputs names no provisioner", `"sqs_queue"`}),
		})
	})
}

func TestAccSecretOutputs_bothListed(t *testing.T) {
	runTest(t, resource.TestStep{
		Config:      secrecyConfig(t, "kubernetes", `provisioner_outputs = { "sqs-queue" = { secret = ["url"], public = ["url"] } }`),
		PlanOnly:    true,
		ExpectError: errorMatching("Invalid provisioner_outputs", `"sqs-queue": output "url" is listed both secret and public`),
	})
}

// TestAccSecretOutputs_unknownAtPlan: whether an output is secret may depend on its value (a URL
// with a password). When that value comes from a binding unknown at plan, the plan cannot know
// where the value goes (outputs or secrets, a ConfigMap or a Secret): it leaves the rendered
// attributes unknown, and the apply is consistent with it.
func TestAccSecretOutputs_unknownAtPlan(t *testing.T) {
	const provisioners = `- uri: template://team/broker-link
  type: broker-link
  outputs: |
    url: {{ .Params.url | quote }}
    vhost: shop
`
	const score = `apiVersion: score.dev/v1b1
metadata:
  name: shop
containers:
  main:
    image: ghcr.io/example/shop:1.0.0
    variables:
      BROKER_URL: ${resources.link.url}
resources:
  broker:
    type: amqp
  link:
    type: broker-link
    params:
      url: ${resources.broker.url}
`
	eachTarget(t, func(t *testing.T, target string) {
		const addr = "score_workload.shop"
		config := providerBlock(target, "provisioners = ["+hclString(provisioners)+"]") + `
resource "score_resource" "broker" {
  type = "amqp"
  id   = "shop-broker"
}
` + workloadBlock("shop", "  content = "+hclString(score)+`
  resources = {
    # The broker's url holds its password, generated at apply: unknown at plan.
    broker = { outputs = { url = score_resource.broker.secrets["url"] } }
  }`)
		asPlanned := expectAppliedAsPlanned(addr)
		projectAddr := "score_project.shop"
		projectPlanned := expectAppliedAsPlanned(projectAddr)
		// The same workload in a score_project, the broker bound by uid.
		config += `
resource "score_project" "shop" {
  workloads = { shop = { content = ` + hclString(score) + ` } }
  resources = {
    "amqp.default#shop.broker" = { outputs = { url = score_resource.broker.secrets["url"] } }
  }
}
`
		runTest(t, resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				asPlanned, expectUnknownAtPlan(addr, attrPath("resource_outputs")), expectUnknownAtPlan(addr, attrPath("service")),
				projectPlanned, expectUnknownAtPlan(projectAddr, attrPath("resource_outputs")),
			}},
			ConfigStateChecks: append(outputsOf(addr, "link", []string{"vhost"}, []string{"url"}), asPlanned, projectPlanned,
				statecheck.ExpectKnownValue(projectAddr, attrPath("resource_outputs", "broker-link.default#shop.link", "secrets"),
					knownvalue.MapExact(map[string]knownvalue.Check{"url": knownvalue.NotNull()}))),
		})
	})
}

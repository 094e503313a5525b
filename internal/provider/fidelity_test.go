package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Issue 16: what real-world score files hit first, as Terraform sees it (items 2, 6 and 7; item
// 3 is in secrecy_test.go).

// Item 2: a file whose content uses an environment resource renders on compose as a config that
// compose interpolates, instead of an error.
func TestAccComposeFileUsesEnvironment(t *testing.T) {
	const score = `apiVersion: score.dev/v1b1
metadata:
  name: api
containers:
  main:
    image: ghcr.io/example/api:2.1.0
    files:
      /etc/api/config.yaml:
        content: |
          region: ${resources.env.AWS_REGION}
          database: ${resources.db.host}
resources:
  env:
    type: environment
  db:
    type: postgres
`
	const addr = "score_workload.api"
	runTest(t, resource.TestStep{
		Config: providerBlock("compose") + workloadBlock("api", "  content = "+hclString(score)),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, attrPath("compose_yaml"), yamlLines("configs:", "re:api-main-[0-9a-f]+:", "content: |", "region: ${AWS_REGION}", "database: pg-api-db")),
			statecheck.ExpectKnownValue(addr, attrPath("files"), knownvalue.MapExact(map[string]knownvalue.Check{})),
		},
	})
}

// Item 6: params a built-in provisioner does not read are warnings naming them; postgres honours
// params.version and dns params.hostname.

const paramsScore = `apiVersion: score.dev/v1b1
metadata:
  name: shop
containers:
  main:
    image: ghcr.io/example/shop:1.0.0
    variables:
      DB_HOST: ${resources.db.host}
      CACHE_HOST: ${resources.cache.host}
      PUBLIC_HOST: ${resources.dns.host}
resources:
  db:
    type: postgres
    params:
      version: 16
      storage: 10Gi
  cache:
    type: redis
    params:
      version: "7"
  dns:
    type: dns
    params:
      hostname: shop.example.com
`

func TestAccBuiltinParams(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		rec := &diagRecorder{}
		const addr = "score_workload.shop"
		image := checkAttrs(addr, func(attrs map[string]any) error {
			text := fmt.Sprint(attrs["compose_yaml"], attrs["manifests"])
			if !strings.Contains(text, "image: postgres:16-alpine") || strings.Contains(text, "postgres:17") {
				return fmt.Errorf("postgres does not run the version asked for (16):\n%s", text)
			}
			return nil
		})
		runRecorded(t, rec, resource.TestStep{
			Config: providerBlock(target) + workloadBlock("shop", "  content = "+hclString(paramsScore)),
			ConfigStateChecks: []statecheck.StateCheck{
				image,
				statecheck.ExpectKnownValue(addr, attrPath("resource_outputs", "dns", "outputs", "host"), knownvalue.StringExact("shop.example.com")),
			},
			Check: rec.expectWarnings(
				// Read params (postgres version, dns hostname) are never named.
				[]string{"params.hostname", "reads only params.version (did"},
				[]string{"apply score_workload: Provisioner message", "resource 'postgres.default#shop.db': params.storage is not used: provisioner template://score-tf/postgres reads only params.version"},
				[]string{"apply score_workload: Provisioner message", "resource 'redis.default#shop.cache': params.version is not used: provisioner template://score-tf/redis reads no params"},
			),
		})
		for _, w := range rec.warnings() {
			if strings.Contains(w, "postgres") && strings.Contains(w, "params.version is not used") {
				t.Errorf("postgres's version reported unused: %s", w)
			}
		}
	})
}

// Issue 16, item 7: a template that prints "<no value>" outside its outputs (a typo in a key) is
// a warning at apply naming the resource, the provisioner, the section and a close key.
func TestAccTemplateNoValueWarning(t *testing.T) {
	const provisioners = `- uri: template://team/queue
  type: queue
  init: |
    queue_name: jobs-{{ .SourceWorkload }}
  outputs: |
    name: {{ .Init.queue_name }}
  manifests: |
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: {{ .Init.queue_name }}
      data:
        queue: {{ .Init.queue_nme }}
`
	const score = `apiVersion: score.dev/v1b1
metadata:
  name: worker
containers:
  main:
    image: ghcr.io/example/worker:1.0.0
    variables:
      QUEUE: ${resources.jobs.name}
resources:
  jobs:
    type: queue
`
	rec := &diagRecorder{}
	runRecorded(t, rec, resource.TestStep{
		Config: providerBlock("kubernetes", "provisioners = ["+hclString(provisioners)+"]") + workloadBlock("worker", "  content = "+hclString(score)),
		Check: rec.expectWarnings(nil, []string{
			"apply score_workload: Provisioner message",
			`resource 'queue.default#worker.jobs': provisioner template://team/queue: manifests template: a missing map key printed "<no value>" on line 6 of its output (key "queue")`,
			`.Init.queue_nme (line 6) has no key "queue_nme" (did you mean queue_name?)`,
		}),
	})
}

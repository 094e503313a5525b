package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// Issue 16, item 6: params a built-in provisioner does not read are warnings naming them;
// postgres honours params.version and dns params.hostname.

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

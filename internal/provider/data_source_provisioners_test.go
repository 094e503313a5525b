package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Acceptance tests for the score_provisioners data source (TF_ACC=1).

// provisionersAddr is the score_provisioners data source the tests declare.
const provisionersAddr = "data.score_provisioners.all"

// nonEmpty matches any text that is not only white space.
var nonEmpty = regexp.MustCompile(`\S`)

// provisionersDataBlock declares provisionersAddr.
const provisionersDataBlock = "data \"score_provisioners\" \"all\" {}\n"

// secondProvisionersDoc is a second custom provisioners document, inline: it proves that documents are
// numbered in order and that a custom `volume` comes before the built-in one.
const secondProvisionersDoc = `<<-EOT
    - uri: template://second/volume
      type: volume
      outputs: |
        source: custom
    EOT`

// customProvisionerChecks are the entries of testdata/resource/custom.provisioners.yaml (provisioners[0])
// and of secondProvisionersDoc (provisioners[1]), every attribute.
var customProvisionerChecks = []knownvalue.Check{
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              exactString("template://custom/greeting"),
		"type":             exactString("greeting"),
		"class":            exactString("friendly"),
		"id":               exactString("hello"),
		"description":      exactString("Says hello, and keeps a generated token."),
		"expected_outputs": exactStringList("message", "token"),
		"supported_params": exactStringList("name"),
		// No secret_outputs list: the expected outputs whose name suggests a credential.
		"secret_outputs": exactStringList("token"),
		"source":         exactString("provisioners[0] entry 0 (template://custom/greeting, line 4)"),
	}),
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              exactString("template://custom/postgres-stub"),
		"type":             exactString("postgres"),
		"class":            exactString("stub"),
		"id":               knownvalue.Null(),
		"description":      exactString("A postgres that is not one, with an explicit secret_outputs list."),
		"expected_outputs": exactStringList("host", "port", "key"),
		"supported_params": knownvalue.Null(),
		"secret_outputs":   exactStringList("key"),
		"source":           exactString("provisioners[0] entry 1 (template://custom/postgres-stub, line 18)"),
	}),
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              exactString("template://second/volume"),
		"type":             exactString("volume"),
		"class":            knownvalue.Null(),
		"id":               knownvalue.Null(),
		"description":      exactString(""),
		"expected_outputs": knownvalue.Null(),
		"supported_params": knownvalue.Null(),
		"secret_outputs":   knownvalue.ListSizeExact(0),
		"source":           exactString("provisioners[1] entry 0 (template://second/volume, line 1)"),
	}),
}

// builtinProvisionerChecks are the built-in provisioners of target, in library order.
func builtinProvisionerChecks(t *testing.T, target string) []knownvalue.Check {
	t.Helper()
	defs, err := provisioner.Builtins(targets.Target(target))
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) < 15 {
		t.Fatalf("%d built-in %s provisioners, want at least the 15 types PRODUCT.md lists", len(defs), target)
	}
	checks := make([]knownvalue.Check, len(defs))
	for i, d := range defs {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"uri":         exactString(d.URI),
			"type":        exactString(d.Type),
			"source":      exactString(d.Source),
			"description": knownvalue.StringRegexp(nonEmpty),
		})
	}
	return checks
}

func TestAccProvisionersDataSource_list(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		all := append(append([]knownvalue.Check{}, customProvisionerChecks...), builtinProvisionerChecks(t, target)...)
		provisioners := "provisioners = [file(" + hclString(testdataPath(t, "resource", "custom.provisioners.yaml")) + "), " + secondProvisionersDoc + "\n  ]"
		runTest(t,
			resource.TestStep{
				Config: providerBlock(target, provisioners) + provisionersDataBlock,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(provisionersAddr, tfjsonpath.New("target"), exactString(target)),
					statecheck.ExpectKnownValue(provisionersAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(all)),
				},
			},
			// Without custom provisioners: the built-ins alone, and every type PRODUCT.md names.
			resource.TestStep{
				Config: providerBlock(target) + provisionersDataBlock,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(provisionersAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(builtinProvisionerChecks(t, target))),
					expectProvisionerTypes(target, "volume", "service-port", "dns", "route", "postgres", "postgres-instance", "mysql",
						"redis", "mongodb", "amqp", "s3", "kafka-topic", "mssql", "elasticsearch", "environment"),
				},
			},
			// A custom volume provisioner comes first, so it provisions volumes.
			resource.TestStep{
				Config: providerBlock(target, provisioners) + `
resource "score_resource" "db" {
  type = "volume"
  id   = "data"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					expectResourceValue(attrPath("provisioner_uri"), exactString("template://second/volume")),
					expectResourceValue(attrPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"source": exactString("custom")})),
				},
			},
		)
	})
}

func TestAccProvisionersDataSource_noDefaults(t *testing.T) {
	t.Parallel()
	eachTarget(t, func(t *testing.T, target string) {
		runTest(t, resource.TestStep{
			Config: providerBlock(target, provisionersFromFiles(t, "custom.provisioners.yaml"), "default_provisioners = false") + provisionersDataBlock,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(provisionersAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(customProvisionerChecks[:2])),
			},
		}, resource.TestStep{
			// No custom provisioners and no built-ins: an empty list, not an error.
			Config: providerBlock(target, "default_provisioners = false") + provisionersDataBlock,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(provisionersAddr, tfjsonpath.New("provisioners"), knownvalue.ListSizeExact(0)),
			},
		})
	})
}

func TestAccProvisionersDataSource_errors(t *testing.T) {
	t.Parallel()
	runTest(t,
		resource.TestStep{
			Config:      providerBlock("") + provisionersDataBlock,
			ExpectError: errorMatching("Provider target not set", "set `target` to `kubernetes` or `compose`"),
		},
		resource.TestStep{
			Config:      providerBlock("compose", provisionersFromFiles(t, "bad-field.provisioners.yaml")) + provisionersDataBlock,
			ExpectError: errorMatching("Invalid provisioner definition", "provisioners[0] entry 0 (template://custom/bad, line 1)", `line 5: unknown field "bogus_field"`),
		},
		resource.TestStep{
			// manifests are a kubernetes section: the compose target refuses them.
			Config: providerBlock("compose", `provisioners = [<<-EOT
    - uri: template://x/k8s-only
      type: thing
      manifests: |
        - kind: ConfigMap
    EOT
  ]`) + provisionersDataBlock,
			ExpectError: errorMatching("provisioners[0] entry 0 (template://x/k8s-only, line 1)", "manifests is not supported for the compose target"),
		},
		resource.TestStep{
			Config:      providerBlock("kubernetes", `provisioners = ["- uri: local-env://x/env\n"]`) + provisionersDataBlock,
			ExpectError: errorMatching("provisioners[0] entry 0", `unsupported provisioner scheme "local-env" for the kubernetes target`),
		},
		resource.TestStep{
			// A path where the content belongs (the --provisioners habit): the hint shows file().
			Config: providerBlock("kubernetes", `provisioners = ["- uri: template://x/ok\n  type: ok\n", "./prov.yaml"]`) + provisionersDataBlock,
			ExpectError: errorMatching("provisioners[1] looks like a file path; pass the file's content:",
				`provisioners = [file("./prov.yaml")]`),
		},
	)
}

// expectProvisionerTypes checks that the list holds a provisioner of each type.
func expectProvisionerTypes(target string, types ...string) statecheck.StateCheck {
	return checkAttrs(provisionersAddr, func(attrs map[string]any) error {
		have := map[string]bool{}
		list, _ := attrs["provisioners"].([]any)
		for _, p := range list {
			if m, ok := p.(map[string]any); ok {
				if s, ok := m["type"].(string); ok {
					have[s] = true
				}
			}
		}
		var missing []string
		for _, ty := range types {
			if !have[ty] {
				missing = append(missing, ty)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("the built-in %s library lacks %v", target, missing)
		}
		return nil
	})
}

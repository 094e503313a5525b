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
)

// Acceptance tests for the score_provisioners data source (TF_ACC=1).

const resPvAddr = "data.score_provisioners.all"

var resPvNonEmpty = regexp.MustCompile(`\S`)

const resPvDataSource = "data \"score_provisioners\" \"all\" {}\n"

// resPvSecond is a second custom provisioners document, inline: it proves that documents are
// numbered in order and that a custom `volume` comes before the built-in one.
const resPvSecond = `<<-EOT
    - uri: template://second/volume
      type: volume
      outputs: |
        source: custom
    EOT`

func resPvStrList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

// resPvCustom are the entries of testdata/resource/custom.provisioners.yaml (provisioners[0])
// and of resPvSecond (provisioners[1]), every attribute.
var resPvCustom = []knownvalue.Check{
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              resStr("template://custom/greeting"),
		"type":             resStr("greeting"),
		"class":            resStr("friendly"),
		"id":               resStr("hello"),
		"description":      resStr("Says hello, and keeps a generated token."),
		"expected_outputs": resPvStrList("message", "token"),
		"supported_params": resPvStrList("name"),
		// No secret_outputs list: the expected outputs whose name suggests a credential.
		"secret_outputs": resPvStrList("token"),
		"source":         resStr("provisioners[0] entry 0 (template://custom/greeting, line 4)"),
	}),
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              resStr("template://custom/postgres-stub"),
		"type":             resStr("postgres"),
		"class":            resStr("stub"),
		"id":               knownvalue.Null(),
		"description":      resStr("A postgres that is not one, with an explicit secret_outputs list."),
		"expected_outputs": resPvStrList("host", "port", "key"),
		"supported_params": knownvalue.Null(),
		"secret_outputs":   resPvStrList("key"),
		"source":           resStr("provisioners[0] entry 1 (template://custom/postgres-stub, line 18)"),
	}),
	knownvalue.ObjectExact(map[string]knownvalue.Check{
		"uri":              resStr("template://second/volume"),
		"type":             resStr("volume"),
		"class":            knownvalue.Null(),
		"id":               knownvalue.Null(),
		"description":      resStr(""),
		"expected_outputs": knownvalue.Null(),
		"supported_params": knownvalue.Null(),
		"secret_outputs":   knownvalue.ListSizeExact(0),
		"source":           resStr("provisioners[1] entry 0 (template://second/volume, line 1)"),
	}),
}

// resPvBuiltins are the built-in provisioners of target, in library order.
func resPvBuiltins(t *testing.T, target string) []knownvalue.Check {
	t.Helper()
	defs, err := provisioner.Builtins(provisioner.Target(target))
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) < 15 {
		t.Fatalf("%d built-in %s provisioners, want at least the 15 types PRODUCT.md lists", len(defs), target)
	}
	checks := make([]knownvalue.Check, len(defs))
	for i, d := range defs {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"uri":         resStr(d.URI),
			"type":        resStr(d.Type),
			"source":      resStr(d.Source),
			"description": knownvalue.StringRegexp(resPvNonEmpty),
		})
	}
	return checks
}

func TestAccProvisionersDataSource_list(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		all := append(append([]knownvalue.Check{}, resPvCustom...), resPvBuiltins(t, target)...)
		provisioners := "provisioners = [file(" + resHCLString(resTestdata(t, "custom.provisioners.yaml")) + "), " + resPvSecond + "\n  ]"
		resRun(t,
			resource.TestStep{
				Config: resProvider(target, provisioners) + resPvDataSource,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resPvAddr, tfjsonpath.New("target"), resStr(target)),
					statecheck.ExpectKnownValue(resPvAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(all)),
				},
			},
			// Without custom provisioners: the built-ins alone, and every type PRODUCT.md names.
			resource.TestStep{
				Config: resProvider(target) + resPvDataSource,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(resPvAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(resPvBuiltins(t, target))),
					resPvHasTypes(target, "volume", "service-port", "dns", "route", "postgres", "postgres-instance", "mysql",
						"redis", "mongodb", "amqp", "s3", "kafka-topic", "mssql", "elasticsearch", "environment"),
				},
			},
			// A custom volume provisioner comes first, so it provisions volumes.
			resource.TestStep{
				Config: resProvider(target, provisioners) + `
resource "score_resource" "db" {
  type = "volume"
  id   = "data"
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					resExpect(resPath("provisioner_uri"), resStr("template://second/volume")),
					resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"source": resStr("custom")})),
				},
			},
		)
	})
}

func TestAccProvisionersDataSource_noDefaults(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		resRun(t, resource.TestStep{
			Config: resProvider(target, resFileList(t, "custom.provisioners.yaml"), "default_provisioners = false") + resPvDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resPvAddr, tfjsonpath.New("provisioners"), knownvalue.ListExact(resPvCustom[:2])),
			},
		}, resource.TestStep{
			// No custom provisioners and no built-ins: an empty list, not an error.
			Config: resProvider(target, "default_provisioners = false") + resPvDataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(resPvAddr, tfjsonpath.New("provisioners"), knownvalue.ListSizeExact(0)),
			},
		})
	})
}

func TestAccProvisionersDataSource_errors(t *testing.T) {
	t.Parallel()
	resRun(t,
		resource.TestStep{
			Config:      resProvider("") + resPvDataSource,
			ExpectError: resErrorRE("Provider target not set", "set `target` to `kubernetes` or `compose`"),
		},
		resource.TestStep{
			Config:      resProvider("compose", resFileList(t, "bad-field.provisioners.yaml")) + resPvDataSource,
			ExpectError: resErrorRE("Invalid provisioner definition", "provisioners[0] entry 0 (template://custom/bad, line 1)", `line 5: unknown field "bogus_field"`),
		},
		resource.TestStep{
			// manifests are a kubernetes section: the compose target refuses them.
			Config: resProvider("compose", `provisioners = [<<-EOT
    - uri: template://x/k8s-only
      type: thing
      manifests: |
        - kind: ConfigMap
    EOT
  ]`) + resPvDataSource,
			ExpectError: resErrorRE("provisioners[0] entry 0 (template://x/k8s-only, line 1)", "manifests is not supported for the compose target"),
		},
		resource.TestStep{
			Config:      resProvider("kubernetes", `provisioners = ["- uri: local-env://x/env\n"]`) + resPvDataSource,
			ExpectError: resErrorRE("provisioners[0] entry 0", `unsupported provisioner scheme "local-env" for the kubernetes target`),
		},
	)
}

// resPvHasTypes checks that the list holds a provisioner of each type.
func resPvHasTypes(target string, types ...string) statecheck.StateCheck {
	return resStateFunc{addr: resPvAddr, f: func(attrs map[string]any) error {
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
	}}
}

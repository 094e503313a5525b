package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// projectConfig is a score_project "shop" of the testdata/project workloads named in labels.
func projectConfig(t *testing.T, target string, labels []string, extra ...string) string {
	var b strings.Builder
	b.WriteString(providerBlock(target, `namespace = "shop"`))
	b.WriteString("resource \"score_project\" \"shop\" {\n  workloads = {\n")
	for _, l := range labels {
		fmt.Fprintf(&b, "    %s = { file = %s }\n", l, hclString(testdataPath(t, "project", l+".score.yaml")))
	}
	b.WriteString("  }\n")
	for _, e := range extra {
		b.WriteString("  " + e + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func TestAccProjectBasics(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		all := []string{"api", "web", "worker"}
		runTest(t,
			resource.TestStep{
				Config:           projectConfig(t, target, all),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{}},
			},
			resource.TestStep{Config: projectConfig(t, target, all), PlanOnly: true},
			resource.TestStep{Config: projectConfig(t, target, []string{"api", "web"})},
			resource.TestStep{Config: projectConfig(t, target, []string{"api", "web"}), PlanOnly: true},
		)
	})
}

package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// ReadResource hands back the state and private data it was given, byte for byte, for every
// resource type, without asking the framework.
func TestServerReadKeepsState(t *testing.T) {
	server := NewServer("test")()
	state := &tfprotov6.DynamicValue{MsgPack: []byte{0x81, 0xa1, 'a', 0x01}}
	private := []byte(`{"k":"v"}`)
	for _, typeName := range []string{"score_workload", "score_resource", "score_project"} {
		resp, err := server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: state, Private: private})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: %v %v", typeName, err, resp.Diagnostics)
		}
		if resp.NewState != state || string(resp.Private) != string(private) {
			t.Errorf("%s: the state or private data changed", typeName)
		}
	}
}

// A plan that changes no argument of a score_project is answered from the prior state only when
// rendering again reproduces it: a score file changed on disk (same path, so the same arguments)
// still plans its change, and the plan after applying it is empty again.
func TestAccProjectPlanSeesScoreFileChanges(t *testing.T) {
	eachTarget(t, func(t *testing.T, target string) {
		dir := t.TempDir()
		file := filepath.Join(dir, "api.score.yaml")
		write := func(value string) {
			content, err := os.ReadFile(testdataPath(t, "project", "api.score.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Replace(string(content), "    variables:\n", "    variables:\n      GREETING: "+value+"\n", 1)
			if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("hello")
		config := providerBlock(target, `namespace = "shop"`) + fmt.Sprintf(`
resource "score_project" "shop" {
  workloads = { api = { file = %s } }
}
`, hclString(file))
		runTest(t,
			resource.TestStep{Config: config},
			resource.TestStep{Config: config, PlanOnly: true},
			resource.TestStep{PreConfig: func() { write("bonjour") }, Config: config, PlanOnly: true, ExpectNonEmptyPlan: true},
			resource.TestStep{Config: config, ConfigStateChecks: []statecheck.StateCheck{checkAttrs("score_project.shop", func(attrs map[string]any) error {
				if !strings.Contains(fmt.Sprint(attrs["manifests"])+fmt.Sprint(attrs["compose_yaml"]), "bonjour") {
					return fmt.Errorf("the applied output does not hold the new value")
				}
				return nil
			})}},
			resource.TestStep{Config: config, PlanOnly: true},
		)
	})
}

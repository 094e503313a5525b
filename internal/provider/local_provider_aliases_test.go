package provider

import (
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// The old names local_provider_test.go uses for helpers that now live in helpers_test.go (and
// workloadFile in resource_workload_test.go). That file is being moved behind a build tag
// elsewhere and is left as it is; once it uses the new names, delete this file.

// wrQuote is hclString.
func wrQuote(s string) string { return hclString(s) }

// wrFile is workloadFile.
func wrFile(t *testing.T, name string) string { t.Helper(); return workloadFile(t, name) }

// wrHash6 is nameHash.
func wrHash6(uid string) string { return nameHash(uid) }

// wrStateFunc is stateCheckFunc.
type wrStateFunc = stateCheckFunc

// wrValues is resourceValues.
func wrValues(s *tfjson.State, addr string) (map[string]any, error) { return resourceValues(s, addr) }

// wrString is stateString.
func wrString(s *tfjson.State, addr string, keys ...string) (string, error) {
	return stateString(s, addr, keys...)
}

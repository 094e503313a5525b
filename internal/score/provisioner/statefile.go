package provisioner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// ImportedResource is a resource entry of a score-compose or score-k8s state.yaml: what adopting
// it needs to render again with the same generated values.
type ImportedResource struct {
	GUID           string
	Type           string
	Class          string
	ID             string
	Metadata       map[string]any
	Params         map[string]any
	SourceWorkload string
	State          map[string]any
	// Shared is the file's shared state (all resources').
	Shared map[string]any
}

// OwnedName tells whether the resource belongs to its source workload (its id is
// `<workload>.<name>`) rather than being shared, and its name in that workload.
func (r *ImportedResource) OwnedName() (string, bool) {
	if r.SourceWorkload == "" {
		return "", false
	}
	return strings.CutPrefix(r.ID, r.SourceWorkload+".")
}

// Prior is what the resource stored, as the next provisioning reads it.
func (r *ImportedResource) Prior() Stored {
	return Stored{GUID: r.GUID, State: r.State, Shared: r.Shared}
}

// MaxStateFileSize bounds the state file an import reads: a whole project's state.yaml, far more
// than a score file, but never a device or an endless stream.
const MaxStateFileSize = 64 << 20

// ReadStateFile reads the resource uid from a score-compose or score-k8s state file.
func ReadStateFile(file, uid string) (*ImportedResource, error) {
	data, err := loader.ReadFile(file, MaxStateFileSize)
	if err != nil {
		return nil, err
	}
	// Decoded like a score file: dates stay text, odd values are errors.
	plain, err := loader.DecodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("%s is not a score-compose or score-k8s state file: %v", file, err)
	}
	top, _ := plain.(map[string]any)
	entries, ok := top["resources"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not a score-compose or score-k8s state file: it has no resources mapping", file)
	}
	entry, ok := entries[uid].(map[string]any)
	if !ok {
		known := make([]string, 0, len(entries))
		for k := range entries {
			known = append(known, k)
		}
		sort.Strings(known)
		return nil, fmt.Errorf("%s has no resource '%s' (it has: %s)", file, uid, strings.Join(known, ", "))
	}
	r := &ImportedResource{}
	r.GUID, _ = entry["guid"].(string)
	r.Type, _ = entry["type"].(string)
	r.Class, _ = entry["class"].(string)
	r.ID, _ = entry["id"].(string)
	r.SourceWorkload, _ = entry["source_workload"].(string)
	r.Metadata, _ = entry["metadata"].(map[string]any)
	r.Params, _ = entry["params"].(map[string]any)
	r.State, _ = entry["state"].(map[string]any)
	r.Shared, _ = top["shared_state"].(map[string]any)
	parsed := framework.ResourceUid(uid)
	if r.Type == "" {
		r.Type = parsed.Type()
	}
	if r.Class == "" {
		r.Class = parsed.Class()
	}
	if r.ID == "" {
		r.ID = parsed.Id()
	}
	return r, nil
}

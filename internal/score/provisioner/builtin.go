package provisioner

import (
	"embed"
	"fmt"
	"sync"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

//go:embed builtin/*.yaml
var builtinFiles embed.FS

// builtins parses the built-in library of each target once per process.
var builtins = sync.OnceValues(func() (map[targets.Target][]*Definition, error) {
	out := map[targets.Target][]*Definition{}
	for _, t := range targets.All {
		name := "builtin/" + string(t) + ".yaml"
		data, err := builtinFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		defs, err := ParseFile(data, t, "built-in "+string(t)+" provisioners")
		if err != nil {
			return nil, fmt.Errorf("internal error: %w", err)
		}
		out[t] = defs
	}
	return out, nil
})

// Builtins returns the built-in provisioners for target, in match order.
func Builtins(target targets.Target) ([]*Definition, error) {
	all, err := builtins()
	if err != nil {
		return nil, err
	}
	return all[target], nil
}

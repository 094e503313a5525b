package compose

import (
	"context"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// Check loads a compose file with compose-go's loader, as `docker compose config` would, without
// reading anything from the machine: no interpolation (secret values and the environment stay
// `${VAR}`), no env_file, label_file, extends or include, no remote resources. What passes has
// compose's shape: known keys, right types, services that exist where others name them.
func Check(ctx context.Context, text, projectName string) error {
	_, err := loader.LoadWithContext(ctx, types.ConfigDetails{
		WorkingDir:  "/nonexistent/score",
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: []byte(text)}},
		Environment: types.Mapping{},
	}, func(o *loader.Options) {
		o.SetProjectName(projectName, true)
		o.SkipInterpolation = true
		o.SkipResolveEnvironment = true
		o.SkipResolveLabels = true
		o.SkipExtends = true
		o.SkipInclude = true
		o.ResolvePaths = false
		o.ResourceLoaders = nil
	})
	if err != nil {
		return fmt.Errorf("compose-go does not load it: %s", strings.TrimSpace(err.Error()))
	}
	return nil
}

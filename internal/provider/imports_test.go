package provider

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// allowedEngineImports are the internal/score packages the provider may import directly: the
// engine's front door, the loader (the data source parses with it) and the target value type.
// Everything else is reached through the engine, so each engine rule has one caller-facing home.
var allowedEngineImports = map[string]bool{
	"github.com/score-tf/terraform-provider-score/internal/score/engine": true,
	"github.com/score-tf/terraform-provider-score/internal/score/loader": true,
	"github.com/score-tf/terraform-provider-score/internal/score/target": true,
}

func TestProviderImportsOnlyTheEngineFrontDoor(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const score = "github.com/score-tf/terraform-provider-score/internal/score"
	for _, imp := range strings.Fields(string(out)) {
		if (imp == score || strings.HasPrefix(imp, score+"/")) && !allowedEngineImports[imp] {
			t.Errorf("internal/provider imports %s; reach it through internal/score/engine", imp)
		}
	}
}

package provider

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// allowedEngineImports are the internal/score packages the provider may import directly: the
// engine's front door, the loader (the data source parses with it) and the target value type.
// Everything else is reached through the engine, so each engine rule has one caller-facing home.
var allowedEngineImports = map[string]bool{
	"github.com/score-tf/terraform-provider-score/internal/score/engine":  true,
	"github.com/score-tf/terraform-provider-score/internal/score/loader":  true,
	"github.com/score-tf/terraform-provider-score/internal/score/targets": true,
}

func TestProviderImportsOnlyTheEngineFrontDoor(t *testing.T) {
	out, err := exec.Command(goCommand(t), "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
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

// goCommand is the go command to run: the one on PATH, where `go test` puts its own GOROOT/bin
// first, or else $GOROOT/bin/go.
func goCommand(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	t.Fatal("no go command: none on PATH and GOROOT is not set")
	return ""
}

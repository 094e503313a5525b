package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Hostile placeholder use, end to end (load, then render for each target): every case must end
// in one clear problem at the right path, in bounded time and memory. Self-contained on purpose.

const (
	hostileTime  = 2 * time.Second
	hostileAlloc = 512 << 20
	hostileKB    = 100 << 10
)

type hostileCase struct {
	name      string
	variables map[string]string
	files     map[string]string // target → content
	// bigOutput binds resource "big" with an output "out" of hostileKB bytes (loading cannot
	// see its size; only rendering can).
	bigOutput bool
	// params are the params of a postgres resource "db" provisioned by the built-in library.
	params map[string]any
	// path and message of the one problem expected (none when path is empty); atLoad tells
	// whether loading finds it.
	path, message string
	atLoad        bool
	// slow replaces hostileTime for a case whose time goes to parsing and encoding, not expansion.
	slow time.Duration
}

func hostileCases() []hostileCase {
	many := func(ref string, n int) map[string]string {
		vars := map[string]string{}
		for i := range n {
			vars[fmt.Sprintf("V%04d", i)] = ref
		}
		return vars
	}
	return []hostileCase{
		{name: "an annotation referenced 10,000 times", atLoad: true,
			variables: map[string]string{"BIG": strings.Repeat("${metadata.annotations.big}", 10_000)},
			path:      "containers.web.variables.BIG", message: "passes the limit of 1048576 bytes (1 MiB) for one value"},
		{name: "an annotation in 1,000 variables", atLoad: true,
			variables: many("${metadata.annotations.big}", 1_000),
			path:      "containers.web.variables.V0163", message: "past the limit of 16777216 bytes (16 MiB) for one workload"},
		{name: "one million unclosed ${", atLoad: true,
			variables: map[string]string{"OPEN": strings.Repeat("${", 1_000_000)},
			path:      "containers.web.variables.OPEN", message: "adding literal text (2000000 bytes) to the 0 bytes expanded so far"},
		{name: "an output referenced 10,000 times", bigOutput: true,
			variables: map[string]string{"BIG": strings.Repeat("${resources.big.out}", 10_000)},
			path:      "containers.web.variables.BIG", message: "adding ${resources.big.out} (102400 bytes) to the 1024000 bytes"},
		{name: "an output in 1,000 variables", bigOutput: true,
			variables: many("${resources.big.out}", 1_000),
			path:      "containers.web.variables.V0163", message: "past the limit of 16777216 bytes (16 MiB) for one workload"},
		{name: "an output in 1,000 files", bigOutput: true,
			files: func() map[string]string {
				files := map[string]string{}
				for i := range 1_000 {
					files[fmt.Sprintf("/etc/f%04d", i)] = "x=${resources.big.out}"
				}
				return files
			}(),
			path: `containers.web.files["/etc/f0163"]`, message: "past the limit of 16777216 bytes (16 MiB) for one workload"},
		{name: "an output referenced 100 times in params", bigOutput: true,
			params: map[string]any{"x": strings.Repeat("${resources.big.out}", 100)},
			path:   "resources.db.params.x", message: "passes the limit of 1048576 bytes (1 MiB) for one value"},
		// Not expanded at all, just under the score file's size limit (a larger file is refused
		// before it is parsed: loader's TestLoadRefusesOversizedContent): the time goes to parsing
		// the score file and encoding the output.
		{name: "3.8 MB without placeholders", variables: map[string]string{"PLAIN": strings.Repeat("plain text ", 360_000)}, slow: 8 * time.Second},
	}
}

func (tc hostileCase) score() []byte {
	container := map[string]any{"image": "nginx"}
	if tc.variables != nil {
		container["variables"] = tc.variables
	}
	if tc.files != nil {
		files := map[string]any{}
		for target, content := range tc.files {
			files[target] = map[string]any{"content": content}
		}
		container["files"] = files
	}
	doc := map[string]any{
		"apiVersion": "score.dev/v1b1",
		"metadata":   map[string]any{"name": "web", "annotations": map[string]any{"big": strings.Repeat("a", hostileKB)}},
		"containers": map[string]any{"web": container},
	}
	res := map[string]any{}
	if tc.bigOutput {
		res["big"] = map[string]any{"type": "thing"}
	}
	if tc.params != nil {
		res["db"] = map[string]any{"type": "postgres", "params": tc.params}
	}
	doc["resources"] = res
	out, _ := json.Marshal(doc)
	return out
}

// run loads and renders tc for target, returning the problems found.
func (tc hostileCase) run(tg targets.Target) (problem.List, error) {
	w, err := loader.Load(loader.Input{Content: tc.score()})
	if err == nil {
		settings := NewSettings(Config{Target: tg, Namespace: "demo", ComposeProjectName: "demo"})
		if berr := settings.AddBuiltinProvisioners(); berr != nil {
			return nil, berr
		}
		req := WorkloadRequest{Workload: w}
		if tc.bigOutput {
			req.Bindings = map[string]Binding{"big": {Outputs: map[string]string{"out": strings.Repeat("b", hostileKB)}}}
		}
		_, err = RenderWorkload(context.Background(), settings, req)
	}
	var loadProblems *loader.Problems
	var list problem.List
	switch {
	case errors.As(err, &loadProblems):
		return loadProblems.List, nil
	case errors.As(err, &list):
		return list, nil
	}
	return nil, err
}

func TestRenderHostilePlaceholders(t *testing.T) {
	for _, tc := range hostileCases() {
		for _, tg := range targets.All {
			if tc.atLoad && tg == targets.Compose {
				continue // loading fails the same way for both targets
			}
			t.Run(tc.name+"/"+string(tg), func(t *testing.T) {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				start := time.Now()
				problems, err := tc.run(tg)
				took := time.Since(start)
				runtime.ReadMemStats(&after)
				alloc := after.TotalAlloc - before.TotalAlloc
				t.Logf("%v, %d MiB allocated", took.Round(time.Millisecond), alloc>>20)
				limit := hostileTime
				if tc.slow > 0 {
					limit = tc.slow
				}
				if took > limit || alloc > hostileAlloc {
					t.Errorf("took %v and allocated %d bytes; the bounds are %v and %d", took, alloc, limit, hostileAlloc)
				}
				if err != nil {
					t.Fatalf("not a list of problems: %v", err)
				}
				if tc.path == "" {
					if len(problems) > 0 {
						t.Errorf("problems:\n%.2000s", problems.Error())
					}
					return
				}
				var found bool
				for _, p := range problems {
					found = found || (problem.FormatPath(p.Path) == tc.path && strings.Contains(p.Message, tc.message))
				}
				if !found || len(problems) > 2 {
					t.Errorf("want one problem at %s holding %q; got %d:\n%.2000s", tc.path, tc.message, len(problems), problems.Error())
				}
			})
		}
	}
}

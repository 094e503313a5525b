package engine

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// FuzzRenderWorkload renders every score file that loads, for both targets with the built-in
// library, and checks what the unit tests check of the fixtures: a render either fails with a
// message or gives output the target's own loader accepts (strict k8s.io/api decoding,
// compose-go); the same input renders byte-identically; with the first render's state as prior,
// another random source changes nothing (a second plan is empty); without it, only
// secret-bearing outputs change (plan-time knowledge); and no secret value reaches a
// non-sensitive output.
//
//	go test -run '^$' -fuzz '^FuzzRenderWorkload$' -fuzztime 5m ./internal/score/engine
func FuzzRenderWorkload(f *testing.F) {
	f.Add(wlTypical)
	for _, name := range wlFixtures(f) {
		raw, err := os.ReadFile(filepath.Join("testdata", "workloads", name+".yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(raw))
	}
	settings := map[targets.Target]Settings{}
	for _, target := range wlTargets {
		settings[target] = wlSettings(f, target, "")
	}
	baseDir := filepath.Join("testdata", "workloads")
	f.Fuzz(func(t *testing.T, content string) {
		load := func() *loader.Workload {
			w, err := loader.Load(loader.Input{Content: []byte(content), BaseDir: baseDir, Image: "nginx:1.27"})
			if err != nil {
				return nil
			}
			return w
		}
		if load() == nil {
			return
		}
		for _, target := range wlTargets {
			input := func(random uint64) wlCall {
				in := wlInput(t, load(), target, wlRandom(random))
				in.Settings = settings[target]
				return in
			}
			first, err := wlRenderCall(input(1))
			if err != nil {
				if strings.TrimSpace(err.Error()) == "" {
					t.Fatalf("%s: a failed render has no message", target)
				}
				continue
			}
			wlCheckTarget(t, target, first, wlComposeEnvironment)
			text := wlText(first)
			if again := wlText(wlRender(t, input(1))); again != text {
				t.Fatalf("%s: a second render differs:\n%s", target, wlDiff(text, again))
			}

			raw, err := json.Marshal(first.State)
			if err != nil {
				t.Fatalf("%s: state does not encode: %v", target, err)
			}
			withPrior := input(2)
			if err := json.Unmarshal(raw, &withPrior.Prior); err != nil {
				t.Fatalf("%s: state does not decode: %v", target, err)
			}
			if again := wlText(wlRender(t, withPrior)); again != text {
				t.Fatalf("%s: a render with the prior state differs:\n%s", target, wlDiff(text, again))
			}

			public, other := wlPublic(first), wlPublic(wlRender(t, input(2)))
			if len(public) != len(other) {
				t.Fatalf("%s: the random source changes which outputs exist: %v vs %v", target, wlSortedKeys(public), wlSortedKeys(other))
			}
			for _, key := range wlSortedKeys(public) {
				if public[key] != other[key] {
					t.Fatalf("%s: %s depends on the random source:\n%s", target, key, wlDiff(public[key], other[key]))
				}
			}
			for _, secret := range wlSecretValues(t, first) {
				for key, value := range public {
					if strings.Contains(value, secret) {
						t.Fatalf("%s: a secret value appears in %s", target, key)
					}
				}
			}
		}
	})
}

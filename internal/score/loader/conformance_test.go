package loader_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
)

// sharedDir finds the shared conformance material: <repo root>/../shared, where the repository
// root is the nearest directory above the test holding go.mod. It skips the test when absent.
func sharedDir(t *testing.T) string {
	t.Helper()
	shared, missing := findShared()
	if missing != "" {
		t.Skip(missing)
	}
	return shared
}

// findShared is sharedDir for tests that go on without the material: missing says why it was not
// found.
func findShared() (shared, missing string) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err.Error()
	}
	root := ""
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			root = dir
			break
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	if root == "" {
		return "", fmt.Sprintf("no go.mod found above %s, so the shared conformance directory (<repo root>/../shared) cannot be located", wd)
	}
	shared = filepath.Join(filepath.Dir(root), "shared")
	if info, err := os.Stat(filepath.Join(shared, "conformance")); err != nil || !info.IsDir() {
		return "", fmt.Sprintf("shared conformance material not found: looked for %s (the repository root %s, then ../shared/conformance)", filepath.Join(shared, "conformance"), root)
	}
	return shared, ""
}

// fakeOutputs resolves any resource output key to a fixed string, the way a provisioner's outputs
// would, so every placeholder of a valid workload resolves.
func fakeOutputs(w *loader.Workload) placeholder.Resolver {
	r := placeholder.Resolver{Metadata: w.Spec.Metadata, Resources: map[string]placeholder.Lookup{}}
	for name := range w.Spec.Resources {
		r.Resources[name] = func(keys ...string) (any, error) {
			return "<" + name + "." + strings.Join(keys, ".") + ">", nil
		}
	}
	return r
}

func TestConformanceScoreComposeExamples(t *testing.T) {
	examples := filepath.Join(sharedDir(t), "conformance", "score-compose-examples")
	files, err := filepath.Glob(filepath.Join(examples, "*", "score*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no score*.yaml under %s", examples)
	}
	sort.Strings(files)
	for _, file := range files {
		rel, _ := filepath.Rel(examples, file)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			content, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			w := mustLoad(t, loader.Input{Content: content, BaseDir: filepath.Dir(file), Image: "busybox:latest"})
			if name, _ := w.Spec.Metadata["name"].(string); name == "" {
				t.Error("no metadata.name")
			}
			if len(w.Spec.Containers) == 0 {
				t.Error("no containers")
			}
			// Only examples written with the legacy array form (09-dns-and-route) need upgrades.
			if legacy := strings.Contains(string(content), "- target:"); legacy != (len(w.Upgrades) > 0) {
				t.Errorf("legacy form %v, but upgrades %q", legacy, w.Upgrades)
			}
			// Everything that is expanded resolves once resources have outputs.
			r := fakeOutputs(w)
			for cname, c := range w.Spec.Containers {
				if c.Image == "." || c.Image == "" {
					t.Errorf("container %s image %q", cname, c.Image)
				}
				for k, v := range c.Variables {
					if _, err := placeholder.Expand(v, r.Resolve); err != nil {
						t.Errorf("containers.%s.variables.%s: %v", cname, k, err)
					}
				}
				for target, f := range w.Files[cname] {
					if f.Expand {
						if _, err := placeholder.Expand(string(f.Content), r.Resolve); err != nil {
							t.Errorf("containers.%s.files[%s]: %v", cname, target, err)
						}
					}
				}
				if len(w.Files[cname]) != len(c.Files) {
					t.Errorf("container %s: %d files read, %d declared", cname, len(w.Files[cname]), len(c.Files))
				}
			}
		})
	}

	// Spot checks on examples whose content matters.
	t.Run("03-files contents", func(t *testing.T) {
		dir := filepath.Join(examples, "03-files")
		content, err := os.ReadFile(filepath.Join(dir, "score.yaml"))
		if err != nil {
			t.Skipf("03-files not present: %v", err)
		}
		w := mustLoad(t, loader.Input{Content: content, BaseDir: dir})
		wantA, err := os.ReadFile(filepath.Join(dir, "fileA.txt"))
		if err != nil {
			t.Fatal(err)
		}
		files := w.Files["hello"]
		if f := files["/fileA.txt"]; string(f.Content) != string(wantA) || !f.Expand || f.Source != "fileA.txt" {
			t.Errorf("/fileA.txt = %+v", f)
		}
		if f := files["/fileC.bin"]; string(f.Content) != "hello world" || f.Expand {
			t.Errorf("/fileC.bin = %+v", f)
		}
		r := fakeOutputs(w)
		got, err := placeholder.Expand(string(files["/fileB.txt"].Content), r.Resolve)
		if err != nil || got != "I am hello-world\n" {
			t.Errorf("/fileB.txt expands to %q, %v", got, err)
		}
	})
	t.Run("02-environment escapes", func(t *testing.T) {
		content, err := os.ReadFile(filepath.Join(examples, "02-environment", "score.yaml"))
		if err != nil {
			t.Skipf("02-environment not present: %v", err)
		}
		w := mustLoad(t, loader.Input{Content: content})
		r := fakeOutputs(w)
		vars := w.Spec.Containers["hello"].Variables
		for k, want := range map[string]string{
			"ESCAPED":       "$_${fizzbuzz}",
			"NAME":          "<env.NAME>",
			"WORKLOAD_NAME": "hello-world",
		} {
			if got, err := placeholder.Expand(vars[k], r.Resolve); err != nil || got != want {
				t.Errorf("%s = %q, %v; want %q", k, got, err, want)
			}
		}
	})
}

func TestConformanceLegacyFullSample(t *testing.T) {
	src := filepath.Join(sharedDir(t), "conformance", "score-full.legacy.yaml")
	content, err := os.ReadFile(src)
	if err != nil {
		t.Skipf("legacy sample not found at %s: %v", src, err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "score.yaml"), content)

	// Without its source file it fails, and the problem points into the legacy files array.
	_, err = load(t, loader.Input{Content: content, BaseDir: dir, Image: "busybox:latest"})
	ps := problemsOf(t, err)
	if len(ps.List) != 1 || ps.List[0].Location() != `containers.container-one1.files["/my/file"].source (line 32)` ||
		!strings.Contains(ps.List[0].Message, `cannot read source "file.txt"`) {
		t.Errorf("without file.txt:%s", dump(ps.List))
	}

	writeFile(t, filepath.Join(dir, "file.txt"), []byte("file for ${metadata.name}\n"))
	w := mustLoad(t, loader.Input{Content: content, BaseDir: dir, Image: "busybox:latest"})
	wantUpgrades := []string{
		"containers.container-one1.files: migrated to object",
		"containers.container-one1.volumes: migrated to object",
	}
	if !reflect.DeepEqual(w.Upgrades, wantUpgrades) {
		t.Errorf("Upgrades = %q, want %q", w.Upgrades, wantUpgrades)
	}
	one := w.Spec.Containers["container-one1"]
	if got := len(one.Files); got != 3 {
		t.Errorf("container-one1 has %d files, want 3", got)
	}
	if f := w.Files["container-one1"]["/my/file"]; string(f.Content) != "file for ${metadata.name}\n" || f.Mode != "0600" || !f.Expand {
		t.Errorf("/my/file = %+v", f)
	}
	if f := w.Files["container-one1"]["/my/other/binaryfile"]; string(f.Content) != "\x00\x30\x60\xc2\x90" || f.Expand {
		t.Errorf("/my/other/binaryfile = %+v", f)
	}
	if v := one.Volumes["/mnt/something"]; v.Source != "volume-name" || v.Path == nil || *v.Path != "/sub/path" || v.ReadOnly == nil || *v.ReadOnly {
		t.Errorf("/mnt/something = %+v", v)
	}
	if got := w.Spec.Containers["container-two2"].Image; got != "busybox:latest" {
		t.Errorf("container-two2 image = %q", got)
	}
	if r := w.Spec.Resources["resource-three"]; r.Id == nil || *r.Id != "shared-type-three" {
		t.Errorf("resource-three = %+v", r)
	}
	// The upgraded document has no legacy shape left.
	files := w.Document["containers"].(map[string]any)["container-one1"].(map[string]any)["files"]
	if _, ok := files.(map[string]any); !ok {
		t.Errorf("files is %T after the upgrade", files)
	}
}

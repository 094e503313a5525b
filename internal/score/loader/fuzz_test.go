package loader_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"unicode/utf8"

	scoreloader "github.com/score-spec/score-go/loader"
	"github.com/score-spec/score-go/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// knownFuzzBugs are signatures of bugs already reported (see the failing tests
// "override path through a missing list element" and TestLoadNonFiniteNumbers). With
// SCORE_FUZZ_SKIP_KNOWN=1 the fuzzer skips inputs that hit them so it can look for new ones;
// without it (plain `go test`), the crashers kept under testdata/fuzz fail as regressions.
var knownFuzzBugs = []string{
	"framework.overridePathInArray", // score-go indexes a list without a bounds check
	"json: unsupported value",       // .inf / .nan are accepted but cannot be encoded as JSON
}

func skipKnown(t *testing.T, text string) {
	if os.Getenv("SCORE_FUZZ_SKIP_KNOWN") == "" {
		return
	}
	for _, sig := range knownFuzzBugs {
		if strings.Contains(text, sig) {
			t.Skipf("known bug: %s", sig)
		}
	}
}

var fuzzSeeds = []string{
	head,
	head + "    variables:\n      A: ${metadata.name}\n      B: $${literal}\n",
	head + "    command: [a, b]\n    args: [\"${x}\"]\n",
	head + "    files:\n      /etc/a:\n        content: ${metadata.name}\n        mode: \"0644\"\n      /etc/b:\n        binaryContent: aGVsbG8=\n      /etc/c:\n        source: file.txt\n",
	head + "    files:\n      - target: /etc/a\n        content: [a, b]\n    volumes:\n      - source: v\n        target: /data\n        read_only: true\n",
	head + "    volumes:\n      /data:\n        source: ${resources.data}\nresources:\n  data:\n    type: volume\n",
	head + "    livenessProbe:\n      httpGet:\n        port: 8080\n        path: /livez\n        httpHeaders:\n          - name: X\n            value: y\n      exec:\n        command: [true]\n",
	head + "    before:\n      side:\n        ready: started\n  side:\n    image: busybox\n",
	head + "    resources:\n      limits:\n        cpu: 250m\n        memory: 128Mi\n      requests:\n        cpu: \"0.5\"\n",
	head + "service:\n  ports:\n    www:\n      port: 80\n      targetPort: 8080\n      protocol: TCP\n",
	head + "resources:\n  db:\n    type: postgres\n    class: large\n    id: shared-db\n    params:\n      size: 10\n      list: [\"${metadata.name}\", {a: b}]\n    metadata:\n      annotations:\n        example.com/x: y\n  cache:\n    type: redis\n    params:\n      host: ${resources.db.host}\n",
	"apiVersion: score.dev/v1b1\nmetadata:\n  name: hello-world\n  annotations:\n    my.org/team: platform\ncontainers:\n  hello:\n    image: .\n    variables:\n      TEAM: ${metadata.annotations.my\\.org/team}\n",
	`{"apiVersion":"score.dev/v1b1","metadata":{"name":"web-app","u":"a\/b"},"containers":{"web":{"image":"nginx"}}}`,
	"{\n  \"apiVersion\": \"score.dev/v1b1\",\n  \"metadata\": {\"name\": \"web-app\"},\n  \"containers\": {\"web\": {\"image\": \"nginx\"}}\n}",
	"x: &a [1, 2]\ny: [*a, *a]\n<<: {z: 1}\n",
	manyErrors,
	"", "---\n", "- a\n", "a: b\n---\nc: d\n", "key: [unclosed\n", "\tbad: tab\n",
}

// FuzzLoad checks that no input makes Load panic, that a failure is always a located list of
// problems, that a successful Load's Document is itself a valid score file that loads to the
// same Document, and that its typed spec is what score-go's MapSpec makes of that Document.
//
//	go test -run '^$' -fuzz '^FuzzLoad$' -fuzztime 5m ./internal/score/loader
func FuzzLoad(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, "", "")
		switch i % 4 {
		case 0:
			f.Add(s, "containers.web.image", "nginx:1")
		case 1:
			f.Add(s, `metadata.annotations.a\.b/c`, "x")
		case 2:
			f.Add(s, "containers.web.command.-1", "[x]")
		case 3:
			f.Add(s, "containers.web.variables", "")
		}
	}
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "file.txt"), []byte("from ${metadata.name}\n"), 0o644); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, content, key, value string) {
		if !utf8.ValidString(key) || !utf8.ValidString(value) {
			// Terraform strings are UTF-8; json.Marshal would rewrite such a key as U+FFFD.
			t.Skip()
		}
		in := loader.Input{Content: []byte(content), BaseDir: dir}
		if key != "" || value != "" {
			in.Overrides = map[string]string{key: value}
		}
		w, err := fuzzLoad(t, in)
		if err != nil {
			var ps *loader.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not *loader.Problems: %v", err, err)
			}
			if len(ps.List) == 0 {
				t.Fatal("*loader.Problems with no problem")
			}
			switch ps.Input {
			case "", loader.InputOverrides, loader.InputOverridesYAML:
			default:
				t.Fatalf("Problems.Input = %q", ps.Input)
			}
			for _, p := range ps.List {
				if p.Message == "" {
					t.Fatalf("problem at %q without a message", p.Location())
				}
				if p.Line < 0 {
					t.Fatalf("negative line: %+v", p)
				}
			}
			if !sortedProblems(ps.List) {
				t.Fatalf("problems not sorted:%s", dump(ps.List))
			}
			return
		}
		if w == nil {
			t.Fatal("nil workload and nil error")
		}
		doc, err := json.Marshal(w.Document)
		if err != nil {
			skipKnown(t, err.Error())
			t.Fatalf("the loaded Document cannot be encoded as JSON: %v\ncontent: %q", err, content)
		}
		w2, err := fuzzLoad(t, loader.Input{Content: doc, BaseDir: dir})
		if err != nil {
			var ps *loader.Problems
			errors.As(err, &ps)
			t.Fatalf("the loaded Document does not load again: %v\ncontent: %q\ndocument: %s", err, content, doc)
		}
		doc2, err := json.Marshal(w2.Document)
		if err != nil || !bytes.Equal(doc, doc2) {
			t.Fatalf("reloading changes the Document:\n%s\n%s (%v)", doc, doc2, err)
		}
		var mapped types.Workload
		if err := scoreloader.MapSpec(&mapped, w.Document); err != nil || !reflect.DeepEqual(w.Spec, mapped) {
			t.Fatalf("the typed spec differs from score-go's MapSpec (%v):\n got %#v\nwant %#v", err, w.Spec, mapped)
		}
		for cname, c := range w.Spec.Containers {
			if c.Image == "." || c.Image == "" {
				t.Fatalf("container %s has image %q after a successful Load", cname, c.Image)
			}
			if len(w.Files[cname]) != len(c.Files) {
				t.Fatalf("container %s: %d files declared, %d read", cname, len(c.Files), len(w.Files[cname]))
			}
		}
	})
}

func fuzzLoad(t *testing.T, in loader.Input) (w *loader.Workload, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			stack := string(debug.Stack())
			skipKnown(t, stack)
			t.Fatalf("Load panicked: %v\ncontent: %q\noverrides: %q\n%s", r, in.Content, in.Overrides, stack)
		}
	}()
	w, err = loader.Load(in)
	if err != nil {
		_ = fmt.Sprint(err) // Error() must not panic either
	}
	return w, err
}

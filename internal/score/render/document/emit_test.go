package document

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
	k8syaml "sigs.k8s.io/yaml"
)

// trickyStrings are texts YAML could misread if written plain, and some it should not.
var trickyStrings = []string{
	"", " ", "a", "nginx:1.25", "8080:80", "1:20", ":9000", "127.0.0.1", "1.42.0", "0.5", ".5", ".env", "./mounts/x", ".", ".Inf", "+.inf", ".nanx", "-.5",
	"1e3", "1E3", "1e+21", "12e", "0x1F", "0o17", "0b101", "0755", "1_000", "+1", "-1", "-", "--", "---",
	"...", "--- x", "-c", "--flag", "-Xmx512m", "- x", "512Mi", "250m", "10s", "8080/tcp", "2001-12-14",
	"2001-12-14t21:59:43.10-05:00", ".inf", "-.inf", ".NaN", "~", "null", "Null", "NULL", "true", "True",
	"false", "yes", "No", "on", "OFF", "y", "n", "Y", "<<", "=", "a: b", "a:", "a:b", "a #b", "a#b",
	"#comment", "&anchor", "*alias", "!tag", "|", ">", "'single'", `"double"`, "%x", "@x", "`x`", "{a}",
	"[a]", "a, b", "?x", "? x", "trailing ", " leading", "tab\there", "back\\slash", "ünïcødé", "🔑",
	"line1\nline2", "line1\nline2\n", "line1\nline2\n\n", "a\n\n\nb", "\nleading newline", " indented\nx",
	"x\n indented", "x\n\ty", "x\n   \ny", "x\n  ", "x\r\ny", "nul\x00", "bell\a", "del\x7f", "nbsp\u00a0",
	"ls\u2028x", "bom\ufeff", "x\n#not a comment\n", "x\n---\ny\n", "x\n...\n", "echo $HOME $(HOSTNAME) ${X} && exec web",
	"$$ESCAPED", "quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)", "http://127.0.0.1:9200/_health?wait=yellow&timeout=5s",
}

// sameAfterRoundTrip encodes v with the emitter and checks that yaml.v3, and the YAML 1.1
// reader Kubernetes tooling uses (sigs.k8s.io/yaml), both read it back as v.
func sameAfterRoundTrip(t *testing.T, v any) {
	t.Helper()
	var e emitter
	if err := e.value(v, 0, atTop); err != nil {
		t.Fatalf("emitter: %v for %#v", err, v)
	}
	readsBackAs(t, e.b.String(), v)
}

func readsBackAs(t *testing.T, text string, v any) {
	t.Helper()
	var back any
	if err := yaml.Unmarshal([]byte(text), &back); err != nil {
		t.Fatalf("yaml.v3 cannot read the output: %v\n%s", err, text)
	}
	if !reflect.DeepEqual(back, v) {
		t.Fatalf("yaml.v3 reads back\n%#v\nfor\n%#v\nfrom\n%s", back, v, text)
	}
	want, err := json.Marshal(v)
	if err != nil {
		return // .inf and .nan: JSON, and so Kubernetes, has no such numbers
	}
	asJSON, err := k8syaml.YAMLToJSON([]byte(text))
	if err != nil {
		t.Fatalf("sigs.k8s.io/yaml cannot read the output: %v\n%s", err, text)
	}
	if !jsonEqual(t, asJSON, want) {
		t.Fatalf("sigs.k8s.io/yaml reads back\n%s\nfor\n%s\nfrom\n%s", asJSON, want, text)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	dx, dy := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	dx.UseNumber()
	dy.UseNumber()
	if err := dx.Decode(&x); err != nil {
		t.Fatal(err)
	}
	if err := dy.Decode(&y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestEmitterStrings(t *testing.T) {
	for _, s := range trickyStrings {
		if !utf8.ValidString(s) {
			continue
		}
		sameAfterRoundTrip(t, map[string]any{"k": s})
		sameAfterRoundTrip(t, map[string]any{s: "v"})
		sameAfterRoundTrip(t, map[string]any{"list": []any{s, map[string]any{"k": s, s: []any{s}}, []any{s, s}}})
	}
}

func TestEmitterShapes(t *testing.T) {
	for _, v := range []any{
		map[string]any{},
		map[string]any{"empty": map[string]any{}, "none": []any{}, "null": nil},
		map[string]any{"n": 1, "neg": -7, "f": 1.5, "whole": 2.0, "big": 1e21, "tiny": 5e-324, "t": true, "off": false},
		map[string]any{"inf": math.Inf(1), "ninf": math.Inf(-1)},
		map[string]any{"a": map[string]any{"b": map[string]any{"c": []any{[]any{[]any{"deep"}}, map[string]any{}}}}},
		map[string]any{"items": []any{map[string]any{"name": "x", "env": []any{map[string]any{"name": "A", "value": "1"}}}, []any{}, nil}},
		map[string]any{"block": []any{"one\ntwo\n", map[string]any{"inner": "a\nb"}}},
		map[string]any{"a10": 1, "a9": 2, "B": 3, "_": 4, "": 5},
	} {
		sameAfterRoundTrip(t, v)
	}
}

func TestEmitterTypedCollections(t *testing.T) {
	var e emitter
	v := map[string]any{"labels": map[string]string{"b": "2", "a": "x"}, "args": []string{"-c", "echo"}, "items": []map[string]any{{"k": 1}}}
	if err := e.value(v, 0, atTop); err != nil {
		t.Fatal(err)
	}
	want := "args:\n  - -c\n  - echo\nitems:\n  - k: 1\nlabels:\n  a: x\n  b: \"2\"\n"
	if got := e.b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestEmitterRefusesWhatItCannotWrite(t *testing.T) {
	for _, v := range []any{
		map[string]any{"k": "\xff not UTF-8"},
		map[string]any{"\xff": "v"},
		map[string]any{"k": struct{}{}},
		map[string]any{"k": []int{1}},
		map[int]any{1: "x"},
		map[string]any{strings.Repeat("k", 1025): "a key too long for YAML's implicit form"},
	} {
		var e emitter
		if err := e.value(v, 0, atTop); err != errUnsupported {
			t.Errorf("%#v: err = %v, want errUnsupported", v, err)
		}
		// YAML still encodes it, through yaml.v3.
		if _, err := YAML(v); err != nil {
			t.Errorf("YAML(%#v): %v", v, err)
		}
	}
}

// TestEmitterWritesEveryGolden checks the emitter handles (without falling back) and round-trips
// every document of the workload render goldens (internal/score/engine/testdata/golden).
func TestEmitterWritesEveryGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "engine", "testdata", "golden", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	docs := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "\n=== ") {
			_, body, _ := strings.Cut(part, "\n")
			var v any
			if err := yaml.Unmarshal([]byte(body), &v); err != nil || v == nil {
				continue
			}
			if _, ok := v.(map[string]any); !ok {
				continue
			}
			sameAfterRoundTrip(t, v)
			docs++
		}
	}
	if docs < 20 {
		t.Errorf("only %d golden documents", docs)
	}
}

// FuzzEmitter puts arbitrary text in every position a string takes and checks both YAML
// readers read the document back unchanged.
//
//	go test -run '^$' -fuzz '^FuzzEmitter$' -fuzztime 2m ./internal/score/render/document
func FuzzEmitter(f *testing.F) {
	for i, s := range trickyStrings {
		f.Add(s, trickyStrings[(i+7)%len(trickyStrings)])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			var e emitter
			if err := e.value(map[string]any{a: b}, 0, atTop); err != errUnsupported {
				t.Fatalf("non-UTF-8 text: err = %v", err)
			}
			return
		}
		v := map[string]any{a: b, "list": []any{a, []any{b}, map[string]any{b: a}}, "m": map[string]any{a: map[string]any{b: b}}}
		if len(strconv.Quote(a)) > maxImplicitKey || len(strconv.Quote(b)) > maxImplicitKey {
			// Possibly too long a key for the emitter: whichever encodes it must get it right.
			text, err := YAML(v)
			if err != nil {
				t.Fatal(err)
			}
			readsBackAs(t, text, v)
			return
		}
		sameAfterRoundTrip(t, v)
	})
}

package patch

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// fuzzManifests is a rendered manifest list, as the engine gives templates.
const fuzzManifests = `[{"apiVersion":"v1","data":{"password":"c2VjcmV0"},"kind":"Secret","metadata":{"name":"pg","namespace":"demo"}},` +
	`{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"labels":{"app.kubernetes.io/name":"web"},"name":"web","namespace":"demo"},` +
	`"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"spec":{"containers":[{"image":"nginx","name":"main"},{"image":"busybox","name":"sidecar"}]}}}},` +
	`{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80,"targetPort":8080}]}}]`

// fuzzCompose is a rendered compose document.
const fuzzCompose = `{"name":"demo","services":{"web-main":{"environment":{"A":"${X}"},"hostname":"web","image":"nginx"},` +
	`"web-sidecar":{"image":"busybox","network_mode":"service:web-main"}},"volumes":{"data":{}}}`

// FuzzApply: any operations (as a template would write them) on any document: no panic, the
// input is left alone, and the result is the same every time.
func FuzzApply(f *testing.F) {
	seeds := []struct{ doc, ops string }{
		{fuzzManifests, "- {op: set, path: 1.kind, value: StatefulSet}\n"},
		{fuzzManifests, "- {op: delete, path: 2}\n- {op: set, path: 1.spec.template.spec.containers.-1, value: {name: x}}\n"},
		{fuzzManifests, "- {op: set, path: 5.kind, value: X}\n- {op: delete, path: -1}\n"},
		{fuzzManifests, "- {op: set, path: '1.metadata.labels.a\\.b', value: 1}\n- {op: set, path: ':0', value: 1}\n"},
		{fuzzManifests, "- {op: set, path: '#(kind==\"Service\").spec', value: null}\n- {op: delete, path: '#.kind'}\n"},
		{fuzzManifests, "- {op: set, path: '1.spec.template.spec.containers.#(name==\"main\").image', value: x}\n"},
		{fuzzManifests, "- {op: set, path: '@reverse', value: 1}\n- {op: set, path: '..0', value: 1}\n- {op: set, path: 'a|b', value: 1}\n"},
		{fuzzCompose, "- {op: set, path: services.web-main.read_only, value: true}\n- {op: delete, path: volumes.data}\n"},
		{fuzzCompose, "- {op: set, path: services.x.ports.3.target, value: 80}\n- {op: set, path: 'services.*', value: 1}\n"},
		{`[]`, "- {op: set, path: 99999999999999999999999, value: 1}\n"},
		{`{}`, "- {op: set, path: a.1.b.2, value: [1, 2.5, -3, 1e300]}\n"},
		{`"scalar"`, "- {op: set, path: a, value: 1}\n"},
		{`[1,2`, "- {op: delete, path: 0}\n"},
	}
	for _, s := range seeds {
		f.Add(s.doc, s.ops)
	}
	f.Fuzz(func(t *testing.T, doc, text string) {
		ops, err := Decode([]byte(text))
		if err != nil {
			return
		}
		in := []byte(doc)
		keep := bytes.Clone(in)
		a, errA := Apply(context.Background(), in, ops)
		b, errB := Apply(context.Background(), in, ops)
		if !bytes.Equal(in, keep) {
			t.Fatalf("Apply changed its input")
		}
		if (errA == nil) != (errB == nil) || !bytes.Equal(a, b) {
			t.Fatalf("two runs differ: %v / %v\n%s\n%s", errA, errB, a, b)
		}
		if errA == nil && json.Valid(in) {
			// What the engine does next: decode it (an error, never a panic).
			if _, err := decodeJSON(a); err == nil && len(a) > MaxDocument {
				t.Fatalf("the document grew past the limit")
			}
		}
	})
}

// FuzzDecode: any template output decodes to operations or an error, never a panic.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"- {op: set, path: 0.kind, value: X}\n", "[]", "- op: delete\n  path: -1\n", "op: set", "- &a {op: set, path: x, value: *a}",
		"- {op: set, path: [1], value: 1}", "- {op: set, path: 1.5, value: .nan}", "---\n- {}\n---\n- {}", "- {op: set, path: x, value: <no value>}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ops, err := Decode([]byte(text))
		if err == nil {
			for _, op := range ops {
				if op.Op != "set" && op.Op != "delete" || op.Path == "" || (op.Op == "set" && !op.HasValue) {
					t.Fatalf("decoded an invalid operation %+v", op)
				}
			}
		}
	})
}

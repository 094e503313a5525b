package patch

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestApplyPathSemantics holds the applier to the path semantics upstream has (sjson v1.2.5, as
// score-compose and score-k8s pin it), case by case as reference/project-semantics.md §4.4
// records them from running both CLIs.
func TestApplyPathSemantics(t *testing.T) {
	const two = `[{"kind":"Deployment","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"c"}]}},{"kind":"Service","metadata":{"name":"a"}}]`
	cases := []struct {
		name, doc string
		ops       []Op
		want      string
		err       string
	}{
		{name: "set into a new map key", doc: two,
			ops:  []Op{set("0.metadata.labels.team", "shop")},
			want: `[{"kind":"Deployment","metadata":{"name":"a","labels":{"x":"1","team":"shop"}},"spec":{"containers":[{"name":"c"}]}},{"kind":"Service","metadata":{"name":"a"}}]`},
		{name: "set replaces an existing value", doc: two,
			ops:  []Op{set("1.kind", "Ingress")},
			want: `[{"kind":"Deployment","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"c"}]}},{"kind":"Ingress","metadata":{"name":"a"}}]`},
		{name: "escaped dots are one key", doc: `{"labels":{}}`,
			ops:  []Op{set(`labels.pod-security\.kubernetes\.io/enforce`, "restricted")},
			want: `{"labels":{"pod-security.kubernetes.io/enforce":"restricted"}}`},
		{name: "a list index", doc: two,
			ops:  []Op{set("0.spec.containers.0.securityContext", map[string]any{"privileged": false})},
			want: `[{"kind":"Deployment","metadata":{"name":"a","labels":{"x":"1"}},"spec":{"containers":[{"name":"c","securityContext":{"privileged":false}}]}},{"kind":"Service","metadata":{"name":"a"}}]`},
		{name: "index == len appends a fragment", doc: `[{"a":1},{"b":2}]`,
			ops:  []Op{set("2.kind", "X")},
			want: `[{"a":1},{"b":2},{"kind":"X"}]`},
		{name: "set past the end pads with null", doc: `[1]`,
			ops:  []Op{set("3", 4)},
			want: `[1,null,null,4]`},
		{name: "-1 appends", doc: `[{"a":1}]`,
			ops:  []Op{set("-1", map[string]any{"kind": "NetworkPolicy"})},
			want: `[{"a":1},{"kind":"NetworkPolicy"}]`},
		{name: "-1 appends to an empty list", doc: `[]`,
			ops:  []Op{set("-1", "x")},
			want: `["x"]`},
		{name: "delete -1 removes the last element", doc: `[1,2,3]`,
			ops:  []Op{del("-1")},
			want: `[1,2]`},
		{name: "a number on an object is a key", doc: `{"data":{}}`,
			ops:  []Op{set("data.0", "zero")},
			want: `{"data":{"0":"zero"}}`},
		{name: ":0 forces a key where a list would be created", doc: `{}`,
			ops:  []Op{set("a.:0", "x")},
			want: `{"a":{"0":"x"}}`},
		{name: "missing parents become objects", doc: `{}`,
			ops:  []Op{set("a.b.c", true)},
			want: `{"a":{"b":{"c":true}}}`},
		{name: "missing parents become lists before a number", doc: `{}`,
			ops:  []Op{set("a.1.c", true)},
			want: `{"a":[null,{"c":true}]}`},
		{name: "missing parents become lists before -1", doc: `{}`,
			ops:  []Op{set("a.-1", "x")},
			want: `{"a":["x"]}`},
		{name: "a scalar in the way is replaced", doc: `{"a":"text"}`,
			ops:  []Op{set("a.b", 1)},
			want: `{"a":{"b":1}}`},
		{name: "a non-numeric key on a list is an error", doc: `[1]`,
			ops: []Op{set("x", 1)},
			err: "cannot set array element for non-numeric key 'x'"},
		{name: "delete of a missing path is nothing", doc: `{"a":1}`,
			ops:  []Op{del("b.c")},
			want: `{"a":1}`},
		{name: "delete out of range is nothing", doc: `[1]`,
			ops:  []Op{del("5")},
			want: `[1]`},
		{name: "delete shifts later indices; later ops are not re-indexed", doc: `[{"n":0},{"n":1},{"n":2}]`,
			ops:  []Op{del("0"), set("1.seen", true)},
			want: `[{"n":1},{"n":2,"seen":true}]`},
		{name: "each op sees the result of those before", doc: `{}`,
			ops:  []Op{set("a", map[string]any{"b": 1}), set("a.c", 2), del("a.b")},
			want: `{"a":{"c":2}}`},
		{name: "a query path sets only the first existing match", doc: `{"items":[{"k":"a","v":1},{"k":"a","v":2}]}`,
			ops:  []Op{set(`items.#(k=="a").v`, 9)},
			want: `{"items":[{"k":"a","v":9},{"k":"a","v":2}]}`},
		{name: "a query path matching nothing changes nothing", doc: `{"a":1}`,
			ops:  []Op{set(`b.*`, 9)},
			want: `{"a":1}`},
		{name: "delete with a query path is an error", doc: `{"a":{"b":1}}`,
			ops: []Op{del(`a.*`)},
			err: "cannot delete value from a complex path"},
		{name: "an escaped query character is a key", doc: `{}`,
			ops:  []Op{set(`a\*b`, 1)},
			want: `{"a*b":1}`},
		{name: "set without value writes null", doc: `{"a":1}`,
			ops:  []Op{{Op: "set", Path: "a", HasValue: true}},
			want: `{"a":null}`},
		{name: "the empty path is an error", doc: `{}`,
			ops: []Op{set("", 1)},
			err: "path cannot be empty"},
		{name: "an unknown operation is an error", doc: `{}`,
			ops: []Op{{Op: "add", Path: "a"}},
			err: "unknown operation: add"},
		{name: "numbers keep their type", doc: `{}`,
			ops:  []Op{set("i", 3), set("f", 1.5), set("s", "3")},
			want: `{"i":3,"f":1.5,"s":"3"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Apply(context.Background(), []byte(tc.doc), tc.ops)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error = %v, want one containing %q (result %s)", err, tc.err, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, string(out), tc.want) {
				t.Errorf("got  %s\nwant %s", out, tc.want)
			}
		})
	}
}

func TestApplyLimits(t *testing.T) {
	cases := []struct {
		name, doc string
		op        Op
		err       string
	}{
		{"padding an existing list", `[1]`, set("20000", 1), "pad a list with 19999 nulls"},
		{"padding a new list", `{}`, set("a.b.1000000000", 1), "pad a list with 1000000000 nulls"},
		{"padding lists in a row", `{}`, set("a.6000.6000", 1), "pad a list with 12000 nulls"},
		{"a scalar becoming a padded list", `{"a":"x"}`, set("a.50000", 1), "pad a list with 50000 nulls"},
		{"not a number", `{}`, set("a", map[string]any{"x": []any{1.0, nan()}}), "not a number JSON can hold"},
		{"a huge value", `{}`, set("a", strings.Repeat("x", MaxDocument)), "grow past"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Apply(context.Background(), []byte(tc.doc), []Op{tc.op})
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error = %v, want one containing %q", err, tc.err)
			}
		})
	}
	// Within the limit, padding works as upstream.
	out, err := Apply(context.Background(), []byte(`[]`), []Op{set("3", 1)})
	if err != nil || string(out) != `[null,null,null,1]` {
		t.Fatalf("got %s, %v", out, err)
	}
	// A stopped context stops between operations.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Apply(ctx, []byte(`{}`), []Op{set("a", 1)}); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Fatalf("a cancelled apply: %v", err)
	}
}

func TestApplyDoesNotModifyItsInput(t *testing.T) {
	doc := []byte(`{"a":{"b":1},"c":[1,2,3]}`)
	before := string(doc)
	for _, op := range []Op{set("a.b", 2), del("c.1"), set("c.-1", 4), set("a", "x")} {
		if _, err := Apply(context.Background(), doc[:len(doc):len(doc)], []Op{op}); err != nil {
			t.Fatal(err)
		}
		if string(doc) != before {
			t.Fatalf("%s %s changed its input: %s", op.Op, op.Path, doc)
		}
	}
}

func set(path string, value any) Op { return Op{Op: "set", Path: path, Value: value, HasValue: true} }
func del(path string) Op            { return Op{Op: "delete", Path: path} }

func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

package placeholder_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

func testMetadata() map[string]any {
	return map[string]any{
		"name":  "test-name",
		"other": map[string]any{"key": "value", "deeper": map[string]any{"x": "y"}},
		"annotations": map[string]any{
			"key.com/foo-bar": "thing",
			"my.org/team":     "platform",
		},
		"port":  6379,
		"flag":  true,
		"ratio": 1.5,
		"list":  []any{"a", 1, false},
		"empty": nil,
	}
}

func testResources() map[string]placeholder.Lookup {
	return map[string]placeholder.Lookup{
		"db": placeholder.MapLookup(map[string]any{
			"host":       "db.internal",
			"port":       5432,
			"nested":     map[string]any{"example": "nested-value", "n": 2},
			"dotted.key": "dotted-value",
		}),
		"cache-a": placeholder.MapLookup(map[string]any{"some.key": "cached"}),
	}
}

func testResolver() placeholder.Resolver {
	return placeholder.Resolver{Metadata: testMetadata(), Resources: testResources()}
}

const unknownRoot = "unknown reference root, use $$ to escape the substitution"

func TestExpand(t *testing.T) {
	r := testResolver()
	for _, tc := range []struct {
		in, want, err string
	}{
		// score-go's framework/substitution_test.go table.
		{in: "", want: ""},
		{in: "abc", want: "abc"},
		{in: "$abc", want: "$abc"},
		{in: "abc $$ abc", want: "abc $ abc"},
		{in: "$${abc}", want: "${abc}"},
		{in: "$$${abc}", err: "invalid ref 'abc': " + unknownRoot},
		{in: "$$$${abc}", want: "$${abc}"},
		{in: "$$$$${abc}", err: "invalid ref 'abc': " + unknownRoot},
		{in: "${}", err: "invalid ref '': " + unknownRoot},
		{in: "my name is ${}", err: "invalid ref '': " + unknownRoot},
		// Lone and trailing dollars.
		{in: "$", want: "$"},
		{in: "a$", want: "a$"},
		{in: "$$", want: "$"},
		{in: "$$$", want: "$$"},
		{in: "$$$$", want: "$$"},
		{in: "$ {metadata.name}", want: "$ {metadata.name}"},
		{in: "$$_$${fizzbuzz}", want: "$_${fizzbuzz}"},
		{in: "$${abc", want: "${abc"},
		{in: "$${", want: "${"},
		// Unterminated references are left alone (Scan reports them).
		{in: "${abc", want: "${abc"},
		{in: "x ${metadata.name", want: "x ${metadata.name"},
		{in: "${metadata.name} ${", want: "test-name ${"},
		// References.
		{in: "${metadata.name}", want: "test-name"},
		{in: "my name is ${metadata.name}!", want: "my name is test-name!"},
		{in: "${metadata.name}${metadata.name}", want: "test-nametest-name"},
		{in: "${metadata.name}}", want: "test-name}"},
		{in: "$${metadata.name}=${metadata.name}", want: "${metadata.name}=test-name"},
		{in: "${metadata.other.key}", want: "value"},
		{in: "${metadata.other.deeper.x}", want: "y"},
		{in: `${metadata.annotations.key\.com/foo-bar}`, want: "thing"},
		{in: `${metadata.annotations.my\.org/team}`, want: "platform"},
		{in: "${resources.db.host}:${resources.db.port}", want: "db.internal:5432"},
		{in: "${resources.db.nested.example}", want: "nested-value"},
		{in: `${resources.db.dotted\.key}`, want: "dotted-value"},
		{in: `${resources.cache-a.some\.key}`, want: "cached"},
		{in: "multi\nline ${metadata.name}\n", want: "multi\nline test-name\n"},
		{in: "ünïcödé ${metadata.name} ✓", want: "ünïcödé test-name ✓"},
		// Non-strings are JSON-encoded.
		{in: "${metadata.port}", want: "6379"},
		{in: "${metadata.flag}", want: "true"},
		{in: "${metadata.ratio}", want: "1.5"},
		{in: "${metadata.list}", want: `["a",1,false]`},
		{in: "${metadata.other}", want: `{"deeper":{"x":"y"},"key":"value"}`},
		{in: "${metadata.empty}", want: "null"},
		{in: "${resources.db.nested}", want: `{"example":"nested-value","n":2}`},
		{in: "port=${resources.db.nested.n}", want: "port=2"},
		// Errors.
		{in: "${metadata}", err: "invalid ref 'metadata': requires at least a metadata key to lookup"},
		{in: "${metadata.missing}", err: "invalid ref 'metadata.missing': key 'missing' not found"},
		{in: "${metadata.name.foo}", err: "invalid ref 'metadata.name.foo': cannot lookup key 'foo', context is not a map"},
		{in: `${metadata.thing\.two}`, err: `invalid ref 'metadata.thing\.two': key 'thing.two' not found`},
		{in: "${resources}", err: "invalid ref 'resources': requires at least a resource name to lookup"},
		{in: "${resources.missing}", err: "invalid ref 'resources.missing': no known resource 'missing'"},
		{in: "${resources.missing.host}", err: "invalid ref 'resources.missing.host': no known resource 'missing'"},
		{in: "${resources.db.y}", err: "invalid ref 'resources.db.y': key 'y' not found"},
		{in: "${resources.db.host.x}", err: "invalid ref 'resources.db.host.x': cannot lookup key 'x', context is not a map"},
		{in: "${foo.bar}", err: "invalid ref 'foo.bar': " + unknownRoot},
		{in: "${ metadata.name }", err: "invalid ref ' metadata.name ': " + unknownRoot},
		{in: "${resources..x}", err: "invalid ref 'resources..x': empty element between dots"},
		{in: "${metadata.}", err: "invalid ref 'metadata.': empty element between dots"},
		{in: "${metadata.name}-${foo}-${metadata.nope}", err: "invalid ref 'foo': " + unknownRoot + "\ninvalid ref 'metadata.nope': key 'nope' not found"},
	} {
		got, err := placeholder.Expand(tc.in, r.Resolve)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("Expand(%q) error = %v, want %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("Expand(%q) error: %v", tc.in, err)
		case got != tc.want:
			t.Errorf("Expand(%q) = %q, want %q", tc.in, got, tc.want)
		}

		// Same answer as score-go's own substituter on the same lookups.
		upstream, uerr := framework.SubstituteString(tc.in, framework.BuildSubstitutionFunction(testMetadata(), upstreamResources()))
		if strings.Contains(tc.in, "..") || strings.HasSuffix(tc.in, ".}") {
			continue // we reject empty elements; score-go looks up the key "".
		}
		if (uerr != nil) != (err != nil) || (err == nil && upstream != got) {
			t.Errorf("Expand(%q) = %q, %v; score-go gives %q, %v", tc.in, got, err, upstream, uerr)
		}
		if err != nil && uerr != nil && err.Error() != uerr.Error() {
			t.Errorf("Expand(%q) error %q; score-go's is %q", tc.in, err, uerr)
		}
	}
}

func upstreamResources() map[string]framework.OutputLookupFunc {
	out := map[string]framework.OutputLookupFunc{}
	for name, l := range testResources() {
		out[name] = framework.OutputLookupFunc(l)
	}
	return out
}

func TestExpandWithoutDollarDoesNotCallResolve(t *testing.T) {
	called := false
	s := "plain text with {braces} and } and {"
	got, err := placeholder.Expand(s, func(string) (string, error) { called = true; return "", nil })
	if got != s || err != nil || called {
		t.Errorf("Expand = %q, %v, called %v", got, err, called)
	}
}

func TestExpandPassesRefVerbatim(t *testing.T) {
	var refs []string
	_, err := placeholder.Expand(`${a}${b.c}${d\.e.f}${ sp }${}${$}`, func(ref string) (string, error) {
		refs = append(refs, ref)
		return "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b.c", `d\.e.f`, " sp ", "", "$"}; !reflect.DeepEqual(refs, want) {
		t.Errorf("refs = %q, want %q", refs, want)
	}
}

func TestExpandJoinsEveryError(t *testing.T) {
	fail := func(ref string) (string, error) { return "", fmt.Errorf("bad %s", ref) }
	_, err := placeholder.Expand("${a} ${b} $${c} ${d}", fail)
	if err == nil {
		t.Fatal("no error")
	}
	if got, want := err.Error(), "bad a\nbad b\nbad d"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Errorf("error is not a join of 3 errors: %#v", err)
	}
}

func TestResolveErrorForms(t *testing.T) {
	r := testResolver()
	for ref, want := range map[string]string{
		"metadata":                 "invalid ref 'metadata': requires at least a metadata key to lookup",
		"metadata.missing":         "invalid ref 'metadata.missing': key 'missing' not found",
		"metadata.name.foo":        "invalid ref 'metadata.name.foo': cannot lookup key 'foo', context is not a map",
		"metadata.other.key.x":     "invalid ref 'metadata.other.key.x': cannot lookup key 'x', context is not a map",
		"resources":                "invalid ref 'resources': requires at least a resource name to lookup",
		"resources.missing":        "invalid ref 'resources.missing': no known resource 'missing'",
		"resources.db.y":           "invalid ref 'resources.db.y': key 'y' not found",
		"foo.bar":                  "invalid ref 'foo.bar': " + unknownRoot,
		"foo":                      "invalid ref 'foo': " + unknownRoot,
		"":                         "invalid ref '': " + unknownRoot,
		"Metadata.name":            "invalid ref 'Metadata.name': " + unknownRoot,
		"resources..x":             "invalid ref 'resources..x': empty element between dots",
		".metadata":                "invalid ref '.metadata': " + unknownRoot,
		"metadata..name":           "invalid ref 'metadata..name': empty element between dots",
		`metadata.annotations.x\.`: `invalid ref 'metadata.annotations.x\.': key 'x.' not found`,
	} {
		got, err := r.Resolve(ref)
		if err == nil || err.Error() != want {
			t.Errorf("Resolve(%q) = %q, %v; want error %q", ref, got, err, want)
		}
	}
	// A resource lookup's own error is wrapped with the ref.
	r.Resources["custom"] = func(keys ...string) (any, error) {
		return nil, errors.New("at least one lookup key is required")
	}
	if _, err := r.Resolve("resources.custom"); err == nil || err.Error() != "invalid ref 'resources.custom': at least one lookup key is required" {
		t.Errorf("custom lookup error = %v", err)
	}
	// Nil metadata: every metadata key is missing, no panic.
	if _, err := (placeholder.Resolver{}).Resolve("metadata.name"); err == nil || err.Error() != "invalid ref 'metadata.name': key 'name' not found" {
		t.Errorf("nil metadata: %v", err)
	}
	if _, err := (placeholder.Resolver{}).Resolve("resources.db.host"); err == nil || !strings.Contains(err.Error(), "no known resource 'db'") {
		t.Errorf("nil resources: %v", err)
	}
}

func TestResolveLookupGetsRemainingKeys(t *testing.T) {
	var got []string
	r := placeholder.Resolver{Resources: map[string]placeholder.Lookup{
		"vol": func(keys ...string) (any, error) { got = keys; return "uid", nil },
	}}
	if v, err := r.Resolve("resources.vol"); err != nil || v != "uid" || len(got) != 0 {
		t.Errorf("bare resource = %q, %v, keys %q", v, err, got)
	}
	if _, err := r.Resolve(`resources.vol.a.b\.c.d`); err != nil || !reflect.DeepEqual(got, []string{"a", "b.c", "d"}) {
		t.Errorf("keys = %q, %v", got, err)
	}
}

func TestSplitRef(t *testing.T) {
	for in, want := range map[string][]string{
		"metadata.name":                          {"metadata", "name"},
		`metadata.annotations.key\.com/foo-bar`:  {"metadata", "annotations", "key.com/foo-bar"},
		`resources.db.a\.b\.c`:                   {"resources", "db", "a.b.c"},
		"":                                       {""},
		"a..b":                                   {"a", "", "b"},
		`a.`:                                     {"a", ""},
		`\.a`:                                    {".a"},
		"resources.x.nested.example.deeper.than": {"resources", "x", "nested", "example", "deeper", "than"},
	} {
		if got := placeholder.SplitRef(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitRef(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMapLookup(t *testing.T) {
	m := map[string]any{"a": map[string]any{"b": 1}, "s": "x"}
	l := placeholder.MapLookup(m)
	if v, err := l(); err != nil || !reflect.DeepEqual(v, m) {
		t.Errorf("no keys = %v, %v", v, err)
	}
	if v, err := l("a", "b"); err != nil || v != 1 {
		t.Errorf("a.b = %v, %v", v, err)
	}
	if _, err := l("a", "c"); err == nil || err.Error() != "key 'c' not found" {
		t.Errorf("a.c: %v", err)
	}
	if _, err := l("s", "t"); err == nil || err.Error() != "cannot lookup key 't', context is not a map" {
		t.Errorf("s.t: %v", err)
	}
	if _, err := placeholder.MapLookup(nil)("x"); err == nil {
		t.Error("nil map lookup succeeded")
	}
}

func TestStringify(t *testing.T) {
	type named string
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"text", "text"},
		{"", ""},
		{`"quoted"`, `"quoted"`},
		{6379, "6379"},
		{-1, "-1"},
		{int64(1) << 40, "1099511627776"},
		{uint8(7), "7"},
		{1.5, "1.5"},
		{float64(3), "3"},
		{1e21, "1e+21"},
		{true, "true"},
		{false, "false"},
		{nil, "null"},
		{[]any{"a", 1, nil}, `["a",1,null]`},
		{[]string{}, `[]`},
		{map[string]any{"b": 1, "a": "x"}, `{"a":"x","b":1}`},
		{map[string]any{}, `{}`},
		{map[string]any{"n": map[string]any{"m": []any{true}}}, `{"n":{"m":[true]}}`},
		{named("x"), `"x"`},
	} {
		got, err := placeholder.Stringify(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Stringify(%#v) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []any{math.NaN(), math.Inf(1), make(chan int), map[string]any{"f": func() {}}} {
		if got, err := placeholder.Stringify(bad); err == nil || !strings.Contains(err.Error(), "cannot encode value as JSON") {
			t.Errorf("Stringify(%T) = %q, %v; want an encoding error", bad, got, err)
		}
	}
}

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		in           string
		refs         []string
		unterminated bool
	}{
		{"", nil, false},
		{"no dollars { }", nil, false},
		{"${a}", []string{"a"}, false},
		{"x ${a} y ${b.c} z ${a}", []string{"a", "b.c", "a"}, false},
		{`${metadata.annotations.my\.org/team}`, []string{`metadata.annotations.my\.org/team`}, false},
		{"${}", []string{""}, false},
		{"$${x}", nil, false},
		{"$$_$${x}", nil, false},
		{"$${x", nil, false},
		{"$$", nil, false},
		{"$", nil, false},
		{"$$${x}", []string{"x"}, false},
		{"$$$${x}", nil, false},
		{"${abc", nil, true},
		{"${a} ${b", []string{"a"}, true},
		{"$$${abc", nil, true},
		{"${a${b}", []string{"a${b"}, false},
		{"${a}}", []string{"a"}, false},
		{"{${a}}", []string{"a"}, false},
		{"${ ${", nil, true},
	} {
		refs, unterminated := placeholder.Scan(tc.in)
		if !reflect.DeepEqual(refs, tc.refs) || unterminated != tc.unterminated {
			t.Errorf("Scan(%q) = %q, %v; want %q, %v", tc.in, refs, unterminated, tc.refs, tc.unterminated)
		}
	}
}

func TestExpandValue(t *testing.T) {
	r := testResolver()
	input := map[string]any{
		"a": "1",
		"b": "${metadata.name}",
		"c": []any{"1", "${metadata.unknown}", map[string]any{"d": "${metadata.name}", "e": "${foo}"}},
		"d": map[string]any{
			"e": 1,
			"f": "${metadata.name}",
			"g": "${resources.missing.x}",
			"h": nil,
			"i": true,
		},
		"with.dot": "${metadata.nope}",
	}
	snapshot := deepCopy(input)
	// A base path with spare capacity catches paths that share a backing array.
	base := make([]string, 2, 16)
	base[0], base[1] = "resources", "db"
	var problems problem.List
	out := placeholder.ExpandValue(input, base, expander(r), &problems)

	if !reflect.DeepEqual(input, snapshot) {
		t.Errorf("input modified: %v", input)
	}
	// Strings that failed hold whatever Expand made of them; every other value is expanded.
	o := out.(map[string]any)
	c, d := o["c"].([]any), o["d"].(map[string]any)
	for what, pair := range map[string][2]any{
		"a":     {o["a"], "1"},
		"b":     {o["b"], "test-name"},
		"c.0":   {c[0], "1"},
		"c.2.d": {c[2].(map[string]any)["d"], "test-name"},
		"d.e":   {d["e"], 1},
		"d.f":   {d["f"], "test-name"},
		"d.h":   {d["h"], nil},
		"d.i":   {d["i"], true},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("out.%s = %#v, want %#v", what, pair[0], pair[1])
		}
	}
	if len(o) != len(input) || len(c) != 3 || len(d) != 5 {
		t.Errorf("out has a different shape: %#v", out)
	}
	var got []string
	for _, p := range problems {
		got = append(got, problem.FormatPath(p.Path)+": "+p.Message)
	}
	want := []string{
		"resources.db.c.1: invalid ref 'metadata.unknown': key 'unknown' not found",
		"resources.db.c.2.e: invalid ref 'foo': " + unknownRoot,
		"resources.db.d.g: invalid ref 'resources.missing.x': no known resource 'missing'",
		`resources.db["with.dot"]: invalid ref 'metadata.nope': key 'nope' not found`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if base[0] != "resources" || base[1] != "db" || len(base) != 2 {
		t.Errorf("base path modified: %q", base)
	}

	// The output is a copy: changing it leaves the input alone.
	out.(map[string]any)["c"].([]any)[0] = "changed"
	out.(map[string]any)["d"].(map[string]any)["e"] = "changed"
	if !reflect.DeepEqual(input, snapshot) {
		t.Errorf("output shares storage with the input: %v", input)
	}

	// Deterministic problem order across runs.
	for i := 0; i < 20; i++ {
		var again problem.List
		placeholder.ExpandValue(input, base, expander(r), &again)
		if !reflect.DeepEqual(again, problems) {
			t.Fatalf("run %d: problems differ", i)
		}
	}
}

func TestExpandValueLeaves(t *testing.T) {
	r := testResolver()
	var problems problem.List
	if got := placeholder.ExpandValue("${metadata.name}", nil, expander(r), &problems); got != "test-name" {
		t.Errorf("string = %v", got)
	}
	for _, v := range []any{nil, 1, 2.5, true, []string{"${metadata.name}"}} {
		if got := placeholder.ExpandValue(v, nil, expander(r), &problems); !reflect.DeepEqual(got, v) {
			t.Errorf("ExpandValue(%#v) = %#v", v, got)
		}
	}
	placeholder.ExpandValue("${x}", nil, expander(r), &problems)
	if len(problems) != 1 || problems[0].Location() != "" || problems[0].Line != 0 {
		t.Errorf("problems = %v", problems)
	}
	placeholder.ExpandValue([]any{[]any{"${y}"}}, []string{"top"}, expander(r), &problems)
	if len(problems) != 2 || problems[1].Location() != "top.0.0" {
		t.Errorf("problems = %v", problems)
	}
}

// expander expands a whole string with r, the function ExpandValue takes.
func expander(r placeholder.Resolver) func(string) (string, error) {
	return func(s string) (string, error) { return placeholder.Expand(s, r.Resolve) }
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

func TestRender(t *testing.T) {
	r := testResolver()
	r.Metadata["price"] = "$5 ${not.a.ref}"
	escape := func(s string) string { return strings.ReplaceAll(s, "$", "$$") }
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"cost $5", "cost $$5"},
		{"a $$ b", "a $$ b"},
		{"$${x}", "$${x}"},
		{"$$_$${fizzbuzz}", "$$_$${fizzbuzz}"},
		{"${metadata.name}", "test-name"},
		// Resolved values are not literal text: they are not escaped.
		{"p=${metadata.price}", "p=$5 ${not.a.ref}"},
		{"a $$ ${metadata.name} $${x} $", "a $$ test-name $${x} $$"},
		{"${abc", "$${abc"},
	} {
		got, err := placeholder.Render(tc.in, escape, r.Resolve)
		if err != nil || got != tc.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// A nil literal is Expand.
	for _, s := range []string{"", "x", "a $$ ${metadata.name} $${x} $", "${abc"} {
		got, err := placeholder.Render(s, nil, r.Resolve)
		want, werr := placeholder.Expand(s, r.Resolve)
		if got != want || (err == nil) != (werr == nil) {
			t.Errorf("Render(%q, nil) = %q, %v; Expand = %q, %v", s, got, err, want, werr)
		}
	}
	// Errors are joined like Expand's.
	if _, err := placeholder.Render("${a} ${metadata.name} ${b}", escape, r.Resolve); err == nil ||
		err.Error() != "invalid ref 'a': "+unknownRoot+"\ninvalid ref 'b': "+unknownRoot {
		t.Errorf("Render errors = %v", err)
	}
}

package provisioner

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
)

// Template mistakes: upstream (score-compose, score-k8s) run provisioner templates with
// text/template's default options, where a missing map key prints "<no value>"; upstream files
// rely on absent keys being empty inside `default`, `dig` and `if`, so missingkey=error would
// break them. A "<no value>" in a section's rendered YAML, however, is always a bug (a typo such
// as `.Init.queue_nme`): it is an error naming the section, the output line's key and, when the
// template prints a missing key directly, the expression and its template line.

//
// An error only in the outputs section, which users see: upstream's own example provisioner
// (score-k8s's template://example-provisioners/example-provisioner) prints `{{ .Shared.foo }}`
// into shared state and `{{ .State.service }}` into its manifests on a first run, and upstream
// files must run unchanged. In every other section it is a warning with the same text (Result
// Warnings); a typo in init or state that reaches an output is still an error there.

// noValue is what text/template prints for a missing map key.
var noValue = []byte("<no value>")

// noValueError explains a "<no value>" in the output of section (t, run on data).
func noValueError(section string, t *template.Template, data *Data, out []byte) error {
	at := max(bytes.Index(out, noValue), 0) // the caller checked that out holds it
	line := bytes.Count(out[:at], []byte("\n")) + 1
	text := string(out[bytes.LastIndexByte(out[:at], '\n')+1:])
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	where := fmt.Sprintf("line %d of its output", line)
	// Only the key is quoted: the rest of the line may hold a generated secret.
	if key, _, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "- ")), ":"); ok && key != "" && !strings.ContainsAny(key, " <{") {
		where += fmt.Sprintf(" (key %q)", key)
	}
	msg := fmt.Sprintf("%s template: a missing map key printed \"<no value>\" on %s", section, where)
	if exprs := missingKeyActions(t, data); len(exprs) > 0 {
		msg += ": " + strings.Join(exprs, "; ")
	}
	return fmt.Errorf("%s; check the spelling, or give a default (`default`, `dig`, `if`)", msg)
}

// missingKeyActions lists the actions `{{ .Field.key... }}` outside range/with that print a
// missing map key of data, each with its template line and close keys.
func missingKeyActions(t *template.Template, data *Data) []string {
	if t == nil || t.Tree == nil {
		return nil
	}
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.ActionNode:
			// A printed field, or a variable declared from one ({{ $q := .Init.queue_nme }}) that
			// prints "<no value>" where it is used.
			if len(n.Pipe.Decl) > 1 || len(n.Pipe.Cmds) != 1 || len(n.Pipe.Cmds[0].Args) != 1 {
				return
			}
			f, ok := n.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
			if !ok {
				return
			}
			if missing, keys := missingKey(reflect.ValueOf(data), f.Ident); missing != "" {
				loc, _ := t.ErrorContext(n)
				expr := f.String()
				if len(n.Pipe.Decl) == 1 {
					expr = n.Pipe.Decl[0].String() + " := " + expr
				}
				s := fmt.Sprintf("%s (%s) has no key %q", expr, templateLine(loc), missing)
				if close := closeNames(missing, keys); len(close) > 0 {
					s += fmt.Sprintf(" (did you mean %s?)", strings.Join(close, " or "))
				}
				out = append(out, s)
			}
		}
	}
	walk(t.Root)
	return out
}

// templateLine turns text/template's "name:line:col" into "line N".
func templateLine(loc string) string {
	parts := strings.Split(loc, ":")
	if len(parts) >= 3 {
		return "line " + parts[len(parts)-2]
	}
	return loc
}

// missingKey follows idents from v (fields, then map keys) and returns the first missing map key
// with the keys that map has.
func missingKey(v reflect.Value, idents []string) (string, []string) {
	for _, id := range idents {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return "", nil
			}
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Struct:
			v = v.FieldByName(id)
			if !v.IsValid() {
				return "", nil
			}
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return "", nil
			}
			e := v.MapIndex(reflect.ValueOf(id).Convert(v.Type().Key()))
			if !e.IsValid() {
				var keys []string
				for _, k := range v.MapKeys() {
					keys = append(keys, k.String())
				}
				return id, keys
			}
			v = e
		default:
			return "", nil
		}
	}
	return "", nil
}

// unknownField matches text/template's error for an unknown field of a struct the templates see:
// the data (.Namespace), a workload service (.ServiceName) or a port (.TargetPort).
var unknownField = regexp.MustCompile(`can't evaluate field (\w+) in type \*?provisioner\.(\w+)`)

// dataTypes are the structs templates see, by name.
var dataTypes = map[string]reflect.Type{
	"Data": reflect.TypeFor[Data](), "WorkloadService": reflect.TypeFor[WorkloadService](), "ServicePort": reflect.TypeFor[ServicePort](),
}

// unknownFunction matches text/template's parse error for a function that does not exist.
var unknownFunction = regexp.MustCompile(`function "(\w+)" not defined`)

// fieldSuggestion adds "did you mean" to a template message about an unknown field of a struct
// the templates see, or about an unknown function.
func fieldSuggestion(msg string) string {
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		t, ok := dataTypes[m[2]]
		if !ok {
			return msg
		}
		names := make([]string, t.NumField())
		for i := range names {
			names[i] = t.Field(i).Name
		}
		return withSuggestions(msg, m[1], names, ".")
	}
	if m := unknownFunction.FindStringSubmatch(msg); m != nil {
		names := make([]string, 0, len(parseFuncs))
		for name := range parseFuncs {
			if !strings.HasPrefix(name, "_") {
				names = append(names, name)
			}
		}
		msg = withSuggestions(msg, m[1], names, "")
		if slices.Contains(removedFuncs, m[1]) {
			msg += " (it is removed here: templates cannot read the machine running Terraform or the clock)"
		}
	}
	return msg
}

// withSuggestions is msg with "(did you mean <prefix>x or <prefix>y?)" for the names close to name.
func withSuggestions(msg, name string, names []string, prefix string) string {
	close := closeNames(name, names)
	if len(close) == 0 {
		return msg
	}
	for i, c := range close {
		close[i] = prefix + c
	}
	return fmt.Sprintf("%s (did you mean %s?)", msg, strings.Join(close, " or "))
}

// maxSuggestedName bounds the names closeNames compares (the distance costs their product): a
// longer name is no typo of a field or a param.
const maxSuggestedName = 100

// closeNames are the names close to name: a small edit distance, or one containing the other
// (case-insensitively), best first.
func closeNames(name string, names []string) []string {
	type scored struct {
		name string
		d    int
	}
	var found []scored
	lower := strings.ToLower(name)
	if len(name) > maxSuggestedName {
		return nil
	}
	for _, n := range names {
		if len(n) > maxSuggestedName {
			continue
		}
		ln := strings.ToLower(n)
		d := levenshtein(lower, ln)
		switch {
		case ln == lower && n != name:
			d = 0
		case d <= max(1, len(name)/4):
		case len(ln) >= 3 && (strings.HasPrefix(lower, ln) || strings.HasSuffix(lower, ln) || strings.HasPrefix(ln, lower)):
			d = 10 + abs(len(ln)-len(lower))
		default:
			continue
		}
		found = append(found, scored{n, d})
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < 3; i++ {
		out = append(out, found[i].name)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// levenshtein is the edit distance between a and b (bytes; names are ASCII), counting a swap of
// two adjacent letters (vresion, version) as one edit: the optimal string alignment distance.
func levenshtein(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

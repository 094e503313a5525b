// Package placeholder implements Score's ${...} references: ${metadata.a.b}, ${resources.NAME.KEY...},
// `$$` escapes and `\.` escaped dots inside a reference, with non-string values JSON-encoded.
//
// The tokenizer follows score-go's framework.Substituter exactly (a `$` followed by `{...}`, `${...}`
// or `$`), but is written without regular expressions because it runs on every string of every
// workload; reference splitting is score-go's own framework.SplitRefParts.
package placeholder

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// Expand returns s with every ${ref} replaced by resolve(ref), `$$` replaced by `$` and `$${` by
// `${`. Errors from every placeholder in s are joined; the result is then meaningless.
func Expand(s string, resolve func(ref string) (string, error)) (string, error) {
	if strings.IndexByte(s, '$') < 0 {
		return s, nil
	}
	return Render(s, nil, resolve)
}

// Render is Expand with control over literal text: every piece of s that is not a reference
// (escapes already undone) passes through literal, when it is not nil. Renderers use it to
// re-escape text for a format that interpolates `$` itself, such as compose files.
func Render(s string, literal func(string) string, resolve func(ref string) (string, error)) (string, error) {
	var errs []error
	out, _ := walk(s, literal, func(ref string) string {
		v, err := resolve(ref)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	})
	return out, errors.Join(errs...)
}

// Scan returns every reference in s in order of appearance, and whether s holds a `${` that is
// never closed (upstream leaves such text alone; it is almost always a typo).
func Scan(s string) (refs []string, unterminated bool) {
	if strings.IndexByte(s, '$') < 0 {
		return nil, false
	}
	_, unterminated = walk(s, nil, func(ref string) string {
		refs = append(refs, ref)
		return ""
	})
	return refs, unterminated
}

// walk performs the tokenizing: onRef maps each reference to its replacement; escapes are undone
// and literal text goes through literal (when not nil). It also tells whether a `${` was left
// without its `}`.
func walk(s string, literal func(string) string, onRef func(ref string) string) (out string, unterminated bool) {
	var b strings.Builder
	b.Grow(len(s))
	text := func(t string) {
		if literal != nil {
			t = literal(t)
		}
		b.WriteString(t)
	}
	last, i := 0, 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '$')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(s) {
			break
		}
		switch s[i+1] {
		case '{':
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				text(s[last:i])
				b.WriteString(onRef(s[i+2 : i+2+end]))
				i += 2 + end + 1
				last = i
				continue
			}
			unterminated = true
		case '$':
			text(s[last:i])
			if i+2 < len(s) && s[i+2] == '{' {
				if end := strings.IndexByte(s[i+3:], '}'); end >= 0 {
					// $${ref} is the literal text ${ref}.
					text(s[i+1 : i+3+end+1])
					i += 3 + end + 1
					last = i
					continue
				}
			}
			text("$")
			i += 2
			last = i
			continue
		}
		i++
	}
	text(s[last:])
	return b.String(), unterminated
}

// SplitRef splits a reference on dots; `\.` is a dot inside an element.
func SplitRef(ref string) []string {
	return framework.SplitRefParts(ref)
}

// Lookup finds a value below a resource's outputs by successive keys.
type Lookup func(keys ...string) (any, error)

// MapLookup walks nested maps: the lookup a plain map of outputs gets.
func MapLookup(m map[string]any) Lookup {
	return func(keys ...string) (any, error) {
		var v any = m
		for _, k := range keys {
			mv, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("cannot lookup key '%s', context is not a map", k)
			}
			if v, ok = mv[k]; !ok {
				return nil, fmt.Errorf("key '%s' not found", k)
			}
		}
		return v, nil
	}
}

// Resolver resolves references against a workload's metadata and its resources' outputs.
type Resolver struct {
	Metadata  map[string]any
	Resources map[string]Lookup
}

// Resolve returns the text a reference stands for. Messages match score-go's
// (`invalid ref 'metadata.x': key 'x' not found`) so users can search for them.
func (r Resolver) Resolve(ref string) (string, error) {
	parts := SplitRef(ref)
	for _, p := range parts[1:] {
		if p == "" {
			return "", fmt.Errorf("invalid ref '%s': empty element between dots", ref)
		}
	}
	var v any
	switch parts[0] {
	case "metadata":
		if len(parts) < 2 {
			return "", fmt.Errorf("invalid ref '%s': requires at least a metadata key to lookup", ref)
		}
		found, err := MapLookup(r.Metadata)(parts[1:]...)
		if err != nil {
			return "", fmt.Errorf("invalid ref '%s': %w", ref, err)
		}
		v = found
	case "resources":
		if len(parts) < 2 {
			return "", fmt.Errorf("invalid ref '%s': requires at least a resource name to lookup", ref)
		}
		lookup, ok := r.Resources[parts[1]]
		if !ok {
			return "", fmt.Errorf("invalid ref '%s': no known resource '%s'", ref, parts[1])
		}
		found, err := lookup(parts[2:]...)
		if err != nil {
			return "", fmt.Errorf("invalid ref '%s': %w", ref, err)
		}
		v = found
	default:
		return "", fmt.Errorf("invalid ref '%s': unknown reference root, use $$ to escape the substitution", ref)
	}
	return Stringify(v)
}

// Stringify renders a resolved value: strings as they are, anything else JSON-encoded
// (6379 → "6379", a map → {"k":"v"}).
func Stringify(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return t, nil
	case int:
		return strconv.Itoa(t), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot encode value as JSON: %w", err)
	}
	return string(raw), nil
}

// ExpandValue expands every string inside v (maps and slices are walked) and returns a copy.
// Every failing string is added to problems at its path below path; map keys are visited in
// sorted order so problems come out deterministically.
func ExpandValue(v any, path []string, expand func(string) (string, error), problems *problem.List) any {
	switch t := v.(type) {
	case string:
		out, err := expand(t)
		if err != nil {
			problems.Add(path, err.Error())
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out[k] = ExpandValue(t[k], append(path[:len(path):len(path)], k), expand, problems)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = ExpandValue(e, append(path[:len(path):len(path)], strconv.Itoa(i)), expand, problems)
		}
		return out
	default:
		return v
	}
}

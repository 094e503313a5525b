// Package placeholder implements Score's ${...} references: ${metadata.a.b}, ${resources.NAME.KEY...},
// `$$` escapes and `\.` escaped dots inside a reference, with non-string values JSON-encoded.
//
// The tokenizer follows score-go's framework.Substituter exactly (a `$` followed by `{...}`, `${...}`
// or `$`), but is written without regular expressions because it runs on every string of every
// workload, and in time linear in the text; reference splitting is score-go's own
// framework.SplitRefParts. What expansion produces is bounded (MaxValueBytes, MaxWorkloadBytes).
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

// MaxValueBytes bounds one expanded value: 1 MiB, what a Kubernetes ConfigMap holds, far more than
// any environment variable can (Linux caps one at 128 KiB). A value that would grow past it is an
// error, found before the bytes are allocated.
const MaxValueBytes = 1 << 20

// MaxWorkloadBytes bounds the bytes expansion produces for all values of one workload together,
// so a value referenced many times, or spread over many variables, cannot exhaust memory.
const MaxWorkloadBytes = 16 << 20

// MaxErrors bounds the failing placeholders reported for one value: the expansion stops at the
// next one, so a value of nothing but bad references costs no more than a short one.
const MaxErrors = 20

var errTooManyErrors = fmt.Errorf("more placeholders fail; expansion stopped after %d", MaxErrors)

// ErrBudgetSpent is what expanding gives once an earlier value of the same workload went past
// MaxWorkloadBytes. That overrun was reported with its own value; callers may leave this one out.
var ErrBudgetSpent = fmt.Errorf("not expanded: the workload's expanded values already went past the limit of %d bytes (16 MiB)", MaxWorkloadBytes)

// Budget is what is left of one workload's MaxWorkloadBytes; share one across all expansions
// of a workload. A nil *Budget gives each expansion a budget of its own.
type Budget struct {
	left int // negative once spent
}

// NewBudget returns a full budget for one workload.
func NewBudget() *Budget {
	return &Budget{left: MaxWorkloadBytes}
}

// Spent tells whether an expansion went past the budget; every later one fails with ErrBudgetSpent.
func (b *Budget) Spent() bool {
	return b != nil && b.left < 0
}

// Expand returns s with every ${ref} replaced by resolve(ref), `$$` replaced by `$` and `$${` by
// `${`. Errors from every placeholder in s (up to MaxErrors) are joined; the result is then
// meaningless. The result is bounded by MaxValueBytes and by a budget of its own.
func Expand(s string, resolve func(ref string) (string, error)) (string, error) {
	return (*Budget)(nil).Render(s, nil, resolve)
}

// Render is Expand with control over literal text: every piece of s that is not a reference
// (escapes already undone) passes through literal, when it is not nil. Renderers use it to
// re-escape text for a format that interpolates `$` itself, such as compose files.
func Render(s string, literal func(string) string, resolve func(ref string) (string, error)) (string, error) {
	return (*Budget)(nil).Render(s, literal, resolve)
}

// Expand is Expand drawing on b.
func (b *Budget) Expand(s string, resolve func(ref string) (string, error)) (string, error) {
	return b.Render(s, nil, resolve)
}

// Render is Render drawing on b. A value without `$` is returned as it is and costs nothing: it
// is no larger than the input it already is.
func (b *Budget) Render(s string, literal func(string) string, resolve func(ref string) (string, error)) (string, error) {
	if strings.IndexByte(s, '$') >= 0 {
		return b.expand(s, literal, resolve)
	}
	if literal != nil {
		s = literal(s)
	}
	return s, nil
}

// expand is Render for a value that holds a `$`; kept apart so Render inlines.
func (b *Budget) expand(s string, literal func(string) string, resolve func(ref string) (string, error)) (string, error) {
	if b.Spent() {
		return "", ErrBudgetSpent
	}
	left := MaxWorkloadBytes
	if b != nil {
		left = b.left
	}
	// The loop writes to locals only: through a pointer every write would pay a GC write barrier.
	var out strings.Builder
	out.Grow(min(len(s), MaxValueBytes))
	var errs []error
	tok := newTokenizer(s)
	for piece, isRef, ok := tok.next(); ok; piece, isRef, ok = tok.next() {
		ref := ""
		if isRef {
			ref = piece
			var err error
			if piece, err = resolve(ref); err != nil {
				if len(errs) == MaxErrors {
					errs = append(errs, errTooManyErrors)
					break
				}
				errs = append(errs, err)
			}
		} else if literal != nil {
			piece = literal(piece)
		}
		// The budget is charged even for a refused piece: producing it was work already done.
		if left -= len(piece); left < 0 || out.Len()+len(piece) > MaxValueBytes {
			errs = append(errs, refusal(piece, ref, out.Len(), left))
			break
		}
		out.WriteString(piece)
	}
	if b != nil {
		b.left = left
	}
	return out.String(), errors.Join(errs...)
}

// refusal says which limit adding piece (what ${ref} stands for, or literal text when ref is
// empty) to done bytes would pass, left being what remains of the budget after it.
func refusal(piece, ref string, done, left int) error {
	if left < 0 {
		return fmt.Errorf("expanded values too large: adding %s (%d bytes) takes the workload's expanded values to %d bytes, past the limit of %d bytes (16 MiB) for one workload",
			describe(ref), len(piece), MaxWorkloadBytes-left, MaxWorkloadBytes)
	}
	return fmt.Errorf("expanded value too large: adding %s (%d bytes) to the %d bytes expanded so far passes the limit of %d bytes (1 MiB) for one value",
		describe(ref), len(piece), done, MaxValueBytes)
}

func describe(ref string) string {
	if ref == "" {
		return "literal text"
	}
	return "${" + ref + "}"
}

// Scan returns every reference in s in order of appearance, and whether s holds a `${` that is
// never closed (upstream leaves such text alone; it is almost always a typo).
func Scan(s string) (refs []string, unterminated bool) {
	if strings.IndexByte(s, '$') < 0 {
		return nil, false
	}
	tok := newTokenizer(s)
	for {
		piece, isRef, ok := tok.next()
		if !ok {
			return refs, tok.unterminated
		}
		if isRef {
			refs = append(refs, piece)
		}
	}
}

// tokenizer splits s into literal text (escapes undone) and references, in order. A step that
// finds a reference or an escape yields the text before it and queues what it found.
type tokenizer struct {
	s       string
	i, last int // where the search for the next `$` resumes; where the pending text began
	closing braces
	queued  string
	queue   int // what queued holds: nothing, text or a reference
	done    bool
	// unterminated tells, once s is used up, whether a `${` was left without its `}`.
	unterminated bool
}

const (
	queueNone = iota
	queueText
	queueRef
)

func newTokenizer(s string) tokenizer {
	return tokenizer{s: s, closing: braces{s: s, next: -1}}
}

// next returns the next piece and whether it is a reference; ok is false once s is used up.
func (t *tokenizer) next() (piece string, isRef, ok bool) {
	if q := t.queue; q != queueNone {
		t.queue = queueNone
		return t.queued, q == queueRef, true
	}
	s := t.s
	for !t.done {
		j := strings.IndexByte(s[t.i:], '$')
		if j < 0 || t.i+j+1 >= len(s) {
			t.done = true
			return s[t.last:], false, true
		}
		i := t.i + j
		switch s[i+1] {
		case '{':
			if end := t.closing.after(i + 2); end >= 0 {
				return t.emit(i, s[i+2:end], queueRef, end+1), false, true
			}
			t.unterminated = true
		case '$':
			if i+2 < len(s) && s[i+2] == '{' {
				if end := t.closing.after(i + 3); end >= 0 {
					// $${ref} is the literal text ${ref}.
					return t.emit(i, s[i+1:end+1], queueText, end+1), false, true
				}
			}
			// $$ is the literal text $: the text before it and its first $.
			text := s[t.last : i+1]
			t.i, t.last = i+2, i+2
			return text, false, true
		}
		t.i = i + 1
	}
	return "", false, false
}

// emit returns the text before index i and queues what was found there; scanning resumes at
// resume.
func (t *tokenizer) emit(i int, found string, kind, resume int) string {
	text := t.s[t.last:i]
	t.queued, t.queue = found, kind
	t.i, t.last = resume, resume
	return text
}

// braces finds each `}` that closes a reference. Searching the rest of s after every `${` would
// make text full of unclosed `${` quadratic; instead the last answer is kept, and a search only
// starts past it, so s is read once. Calls must come in nondecreasing order of from.
type braces struct {
	s    string
	next int // the first `}` at or after the last search's start, len(s) for none, -1 before any
}

// after returns the index of the first `}` at or after from, or -1.
func (b *braces) after(from int) int {
	if b.next < from && b.next < len(b.s) {
		b.next = len(b.s)
		if j := strings.IndexByte(b.s[from:], '}'); j >= 0 {
			b.next = from + j
		}
	}
	if b.next == len(b.s) {
		return -1
	}
	return b.next
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
// sorted order so problems come out deterministically. ErrBudgetSpent is added only when it is
// the first problem of v, so a spent budget does not repeat itself for every string.
func ExpandValue(v any, path []string, expand func(string) (string, error), problems *problem.List) any {
	w := valueExpander{expand: expand, problems: problems}
	return w.value(v, path)
}

type valueExpander struct {
	expand   func(string) (string, error)
	problems *problem.List
	reported bool
}

func (w *valueExpander) value(v any, path []string) any {
	switch t := v.(type) {
	case string:
		out, err := w.expand(t)
		// A spent budget is reported only as v's first problem (see ExpandValue).
		repeatsBudget := w.reported && errors.Is(err, ErrBudgetSpent)
		if err != nil && !repeatsBudget {
			w.problems.Add(path, err.Error())
			w.reported = true
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
			out[k] = w.value(t[k], append(path[:len(path):len(path)], k))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = w.value(e, append(path[:len(path):len(path)], strconv.Itoa(i)))
		}
		return out
	default:
		return v
	}
}

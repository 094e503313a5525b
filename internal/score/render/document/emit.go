package document

import (
	"errors"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// emitter writes the plain values rendering builds (maps with string keys, lists, strings,
// numbers, booleans, null) as block YAML. yaml.v3's encoder takes most of a render's time
// (reflection, key sorting, and an event-driven emitter built for every YAML feature); these
// documents need none of that. emit_test.go holds every output to yaml.v3's decoder: it must
// read back as the same value. Anything else (another Go type, text that is not UTF-8) is
// errUnsupported, and YAML falls back to yaml.v3.
type emitter struct {
	b strings.Builder
}

var errUnsupported = errors.New("value outside the emitter's plain subset")

// maxImplicitKey is the longest key YAML reads without the explicit "? key" form (1024
// characters; counted here in bytes, which is stricter).
const maxImplicitKey = 1024

// place tells where a value starts: alone (the document), after "key:", or after "- ".
type place int

const (
	atTop place = iota
	afterKey
	afterDash
)

// value writes v. indent is the column of v's own lines (entries of a mapping, items of a list,
// lines of a literal block).
func (e *emitter) value(v any, indent int, at place) error {
	switch t := v.(type) {
	case map[string]any:
		return emitMapping(e, t, indent, at)
	case map[string]string:
		return emitMapping(e, t, indent, at)
	case []any:
		return emitSequence(e, t, indent, at)
	case []string:
		return emitSequence(e, t, indent, at)
	case []map[string]any:
		return emitSequence(e, t, indent, at)
	case string:
		return e.text(t, indent, at)
	case nil:
		e.scalar("null", at)
	case bool:
		e.scalar(strconv.FormatBool(t), at)
	case int:
		e.scalar(strconv.Itoa(t), at)
	case int64:
		e.scalar(strconv.FormatInt(t, 10), at)
	case uint64:
		e.scalar(strconv.FormatUint(t, 10), at)
	case float64:
		e.scalar(formatFloat(t), at)
	default:
		return errUnsupported
	}
	return nil
}

func emitMapping[V any](e *emitter, m map[string]V, indent int, at place) error {
	if len(m) == 0 {
		e.scalar("{}", at)
		return nil
	}
	if at == afterKey {
		e.b.WriteByte('\n')
	}
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 || at != afterDash {
			e.indent(indent)
		}
		key, ok := quoteIfNeeded(k)
		if !ok || len(key) > maxImplicitKey {
			return errUnsupported
		}
		e.b.WriteString(key)
		e.b.WriteByte(':')
		if err := e.value(m[k], indent+2, afterKey); err != nil {
			return err
		}
	}
	return nil
}

func emitSequence[V any](e *emitter, items []V, indent int, at place) error {
	if len(items) == 0 {
		e.scalar("[]", at)
		return nil
	}
	if at == afterKey {
		e.b.WriteByte('\n')
	}
	for i, item := range items {
		if i > 0 || at != afterDash {
			e.indent(indent)
		}
		e.b.WriteString("- ")
		if err := e.value(item, indent+2, afterDash); err != nil {
			return err
		}
	}
	return nil
}

// scalar writes a one-line value and ends the line.
func (e *emitter) scalar(s string, at place) {
	if at == afterKey {
		e.b.WriteByte(' ')
	}
	e.b.WriteString(s)
	e.b.WriteByte('\n')
}

func (e *emitter) indent(n int) {
	for range n {
		e.b.WriteByte(' ')
	}
}

// text writes a string: plain when YAML reads it back as the same string, as a literal block
// when it has several lines, double-quoted otherwise.
func (e *emitter) text(s string, indent int, at place) error {
	if literalBlock(s) {
		if at == atTop {
			indent = 2
		}
		if at == afterKey {
			e.b.WriteByte(' ')
		}
		e.b.WriteByte('|')
		switch body := strings.TrimRight(s, "\n"); len(s) - len(body) {
		case 0:
			e.b.WriteByte('-')
		case 1:
		default:
			e.b.WriteByte('+')
		}
		e.b.WriteByte('\n')
		for line := range strings.Lines(s) {
			if line != "\n" {
				e.indent(indent)
			}
			e.b.WriteString(line)
		}
		if !strings.HasSuffix(s, "\n") {
			e.b.WriteByte('\n')
		}
		return nil
	}
	q, ok := quoteIfNeeded(s)
	if !ok {
		return errUnsupported
	}
	e.scalar(q, at)
	return nil
}

// literalBlock reports whether s is best written as a literal block (|): several lines, each
// printable, the first neither empty nor indented (a block's indentation comes from its first
// line).
func literalBlock(s string) bool {
	if !strings.Contains(s, "\n") || !utf8.ValidString(s) {
		return false
	}
	if s[0] == ' ' || s[0] == '\t' || s[0] == '\n' {
		return false
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// quoteIfNeeded returns s as written in YAML: plain when that reads back as the same string in
// YAML 1.2 and 1.1 (which Kubernetes tooling still speaks), double-quoted otherwise. ok is false
// for text that is not UTF-8.
func quoteIfNeeded(s string) (string, bool) {
	if !utf8.ValidString(s) {
		return "", false
	}
	if plainSafe(s) {
		return s, true
	}
	// Go's escapes (\n, \t, \x7f, \u2028, \U0001f600...) are all YAML double-quoted escapes,
	// with the same meaning for valid UTF-8.
	return strconv.Quote(s), true
}

// plainSafe is deliberately conservative: printable ASCII only, no leading or trailing space,
// no indicator first, no ": " or " #", and nothing YAML would read as null, a boolean, a
// number or a timestamp.
func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' {
			return false
		}
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}
	switch s[0] {
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '~', '=', '<':
		return false
	case '-':
		// "-c" and "--flag" are plain; "-", "- x", "---" and "-1" are not.
		rest := strings.TrimLeft(s, "-")
		if len(s)-len(rest) > 2 || rest == "" || !isLetter(rest[0]) {
			return false
		}
	}
	if s == "---" || s == "..." || strings.HasPrefix(s, "--- ") || strings.HasPrefix(s, "... ") {
		return false
	}
	switch strings.ToLower(s) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n":
		return false
	}
	return !numeric(s)
}

// numeric reports whether YAML 1.1 or 1.2 might read s as a number or timestamp: it starts like
// one (a digit, or a sign or dot before a digit or dot) and holds no letter that no number,
// base prefix or timestamp uses.
func numeric(s string) bool {
	body := strings.TrimLeft(s, "+-")
	if body == "" {
		return false
	}
	if body[0] == '.' {
		// .5, .inf, .NaN; not ./path or .env
		rest := strings.ToLower(body[1:])
		return rest == "" || (rest[0] >= '0' && rest[0] <= '9') || strings.HasPrefix(rest, "inf") || strings.HasPrefix(rest, "nan")
	}
	if body[0] < '0' || body[0] > '9' {
		return false
	}
	if len(body) > 1 && body[0] == '0' && isLetter(body[1]) {
		return true // 0x1F, 0o17, 0b101
	}
	if strings.ContainsAny(body[1:], ":-+") {
		return true // 1:20 (sexagesimal), 2001-12-14, 1e+3
	}
	for i := 0; i < len(body); i++ {
		if c := body[i] | 0x20; c >= 'g' && c <= 'z' {
			return false // 512Mi, 250m, 10s
		}
	}
	return true
}

func isLetter(c byte) bool {
	return (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

// formatFloat writes f so that it reads back as a float: with a fraction or exponent, or as
// YAML's .inf and .nan.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case math.IsNaN(f):
		return ".nan"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

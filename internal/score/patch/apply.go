package patch

import (
	"context"
	"fmt"
	"math"

	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Apply applies ops in order to the JSON document doc with tidwall/sjson, as score-compose and
// score-k8s do (`sjson.SetBytes` for set, `sjson.DeleteBytes` for delete): each operation sees
// the result of those before it. Beyond upstream, it refuses a `set` that would pad a list with
// more than MaxPadding nulls, a document growing past MaxDocument, and non-finite numbers; a
// panic inside sjson is an error. doc is not modified.
func Apply(ctx context.Context, doc []byte, ops []Op) ([]byte, error) {
	out := doc
	for i, op := range ops {
		if err := ctx.Err(); err != nil {
			return nil, &Error{Operation: i + 1, OutputLine: op.Line, Message: "stopped: " + err.Error(), cause: err}
		}
		next, err := applyOne(out, op)
		if err != nil {
			return nil, &Error{Operation: i + 1, OutputLine: op.Line, Message: fmt.Sprintf("%s %s: %v", op.Op, quote(op.Path), err)}
		}
		if len(next) > MaxDocument {
			return nil, &Error{Operation: i + 1, OutputLine: op.Line, Message: fmt.Sprintf("%s %s: the document would grow past %d bytes", op.Op, quote(op.Path), MaxDocument)}
		}
		out = next
	}
	return out, nil
}

func applyOne(doc []byte, op Op) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("the path cannot be applied (sjson: %v)", p)
		}
	}()
	// sjson may write into the array it is given: work on a copy.
	in := append([]byte(nil), doc...)
	switch op.Op {
	case "set":
		if err := finite(op.Value); err != nil {
			return nil, err
		}
		if n := padding(string(in), op.Path); n > MaxPadding {
			return nil, fmt.Errorf("the index would pad a list with %d nulls, more than %d", n, MaxPadding)
		}
		return sjson.SetBytes(in, op.Path, op.Value)
	case "delete":
		return sjson.DeleteBytes(in, op.Path)
	}
	return nil, fmt.Errorf("unknown operation: %s", op.Op)
}

// finite rejects NaN and infinities, which sjson would write as invalid JSON.
func finite(v any) error {
	switch t := v.(type) {
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return fmt.Errorf("the value %v is not a number JSON can hold", t)
		}
	case map[string]any:
		for _, e := range t {
			if err := finite(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := finite(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// pathPart is one part of an sjson path, as sjson's parsePath splits it.
type pathPart struct {
	part  string // the key, escapes removed
	gpart string // the gjson path of the key, escapes kept
	force bool   // a leading ':' makes a number a key
}

// splitPath splits path as sjson does; ok is false for a path sjson treats as a gjson query (an
// unescaped | # @ * ?), where set only replaces an existing match and never pads.
func splitPath(path string) ([]pathPart, bool) {
	var parts []pathPart
	for {
		var p pathPart
		if len(path) > 0 && path[0] == ':' {
			p.force = true
			path = path[1:]
		}
		var part, gpart []byte
		rest, more := "", false
		for i := 0; i < len(path); i++ {
			c := path[i]
			if c == '.' {
				rest, more = path[i+1:], true
				break
			}
			switch c {
			case '|', '#', '@', '*', '?':
				return nil, false
			case '\\':
				gpart = append(gpart, '\\')
				i++
				if i < len(path) {
					part = append(part, path[i])
					gpart = append(gpart, path[i])
				}
				continue
			}
			part = append(part, c)
			gpart = append(gpart, c)
		}
		p.part, p.gpart = string(part), string(gpart)
		parts = append(parts, p)
		if !more {
			return parts, true
		}
		path = rest
	}
}

// index is sjson's atoui: the part as a list index (with sjson's arithmetic), or false.
func (p pathPart) index() (int, bool) {
	if p.force {
		return 0, false
	}
	n := 0
	for i := 0; i < len(p.part); i++ {
		if p.part[i] < '0' || p.part[i] > '9' {
			return 0, false
		}
		n = n*10 + int(p.part[i]-'0')
	}
	return n, true
}

// padding is how many nulls `set path` would add to doc: walking the path as sjson does, the
// first missing part of a list pads it up to the index, and every numeric part after it builds
// a new list padded up to its index.
func padding(doc, path string) int {
	parts, simple := splitPath(path)
	if !simple || path == "" {
		return 0
	}
	cur := doc
	for k, p := range parts {
		res := gjson.Get(cur, p.gpart)
		if res.Index > 0 {
			if k == len(parts)-1 {
				return 0 // replaces an existing value
			}
			cur = res.Raw
			continue
		}
		total := 0
		if n, numeric := p.index(); numeric {
			if parsed := gjson.Parse(cur); parsed.IsArray() {
				total += max(0, n-int(parsed.Get("#").Int()))
			} else if !parsed.IsObject() {
				total += max(0, n) // the scalar in the way becomes a list
			}
		}
		for _, later := range parts[k+1:] {
			if n, numeric := later.index(); numeric {
				total += max(0, n)
			}
		}
		return total
	}
	return 0
}

package loader

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// maxNodes bounds how many values one document may expand to, so an alias bomb
// ("billion laughs") or a huge document is an error rather than an out-of-memory crash.
const maxNodes = 200_000

// parseDocument decodes YAML or JSON text into plain Go values (map[string]any, []any, string,
// int, float64, bool, nil) and keeps the YAML node tree for line numbers. JSON that YAML cannot
// read (it is not quite a subset) falls back to encoding/json, without line numbers.
func parseDocument(data []byte) (any, *yaml.Node, *problem.Problem) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, &problem.Problem{Message: emptyDocument}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	yerr := dec.Decode(&root)
	if errors.Is(yerr, io.EOF) || (yerr == nil && len(root.Content) == 0) {
		return nil, nil, &problem.Problem{Message: emptyDocument}
	}
	if yerr == nil {
		var extra yaml.Node
		if err := dec.Decode(&extra); err == nil && !emptyNode(&extra) {
			return nil, nil, &problem.Problem{Line: extra.Line, Message: "the document holds more than one YAML document; give one workload per score file"}
		}
		c := converter{}
		v, p := c.value(&root)
		if p != nil {
			return nil, nil, p
		}
		return v, &root, nil
	}
	if first := bytes.TrimLeft(data, " \t\r\n"); len(first) > 0 && (first[0] == '{' || first[0] == '[') {
		// JSON that YAML cannot read (it is not quite a subset: `\/`, surrogate pairs).
		if err := checkJSON(data); err != nil {
			var syntax *json.SyntaxError
			if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				return nil, nil, yamlProblem(yerr, data)
			}
			return nil, nil, &problem.Problem{Message: "invalid JSON: " + err.Error()}
		}
		jdec := json.NewDecoder(bytes.NewReader(data))
		jdec.UseNumber()
		var v any
		if err := jdec.Decode(&v); err == nil {
			out, err := PlainJSON(v)
			if err != nil {
				return nil, nil, &problem.Problem{Message: "invalid JSON: " + err.Error()}
			}
			return out, nil, nil
		}
	}
	return nil, nil, yamlProblem(yerr, data)
}

// DecodeYAML decodes one YAML (or JSON) document into plain values exactly as Load reads a score
// file: timestamps and binary values stay text, duplicate keys and non-finite numbers are
// errors. Empty input (or only comments) decodes to nil.
func DecodeYAML(data []byte) (any, error) {
	v, _, p := parseDocument(data)
	if p != nil {
		if p.Message == emptyDocument {
			return nil, nil
		}
		return nil, p
	}
	return v, nil
}

// emptyNode reports whether a document holds nothing (a trailing "---" gives one).
func emptyNode(n *yaml.Node) bool {
	return len(n.Content) == 0 || (len(n.Content) == 1 && n.Content[0].Kind == yaml.ScalarNode && n.Content[0].ShortTag() == "!!null" && n.Content[0].Value == "")
}

// emptyDocument is the message for a document with nothing in it (or only comments).
const emptyDocument = "the document is empty"

// checkJSON rejects what encoding/json lets through silently: duplicate keys and data after the
// document.
func checkJSON(data []byte) error {
	type frame struct {
		object  bool
		keys    map[string]bool
		wantKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				if _, err := dec.Token(); !errors.Is(err, io.EOF) {
					return fmt.Errorf("unexpected data after the document (offset %d)", dec.InputOffset())
				}
				return nil
			}
			if parent := stack[len(stack)-1]; parent.object {
				parent.wantKey = true
			}
			continue
		}
		if top != nil && top.object && top.wantKey {
			key, _ := tok.(string)
			if top.keys[key] {
				return fmt.Errorf("duplicate key %q (offset %d)", key, dec.InputOffset())
			}
			top.keys[key], top.wantKey = true, false
			continue
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', keys: map[string]bool{}, wantKey: d == '{'})
			continue
		}
		if top == nil {
			return errors.New("the document must be an object")
		}
		if top.object {
			top.wantKey = true
		}
	}
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlProblem turns a yaml.v3 error ("yaml: line 3: mapping values are not allowed...") into a
// problem carrying the line.
func yamlProblem(err error, data []byte) *problem.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := &problem.Problem{Message: "invalid YAML: " + msg}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		lines := bytes.Count(data, []byte("\n"))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if strings.Contains(msg, "did not find expected") && p.Line < lines {
			// yaml.v3 reports these parser errors at the 0-based line of the construct being
			// parsed (the 1-based line only when it falls back to the end of the input).
			p.Line++
		}
		p.Message = "invalid YAML: " + strings.TrimPrefix(strings.TrimPrefix(msg, m[0]), ": ")
	}
	return p
}

// converter turns a yaml.v3 node tree into plain values. path is the stack of keys down to the
// value being converted, copied only into a problem.
type converter struct {
	nodes int
	// viaAlias counts the values reached through an alias; aliasDepth is how many aliases the
	// conversion is inside. They tell an alias bomb from a document that is merely large.
	viaAlias, aliasDepth int
	path                 []string
}

func (c *converter) problem(line int, message string) *problem.Problem {
	return &problem.Problem{Path: append([]string(nil), c.path...), Line: line, Message: message}
}

func (c *converter) tooManyNodes(line int) *problem.Problem {
	msg := fmt.Sprintf("the document holds more than %d values, too large for a score file", maxNodes)
	if 2*c.viaAlias > c.nodes {
		msg = fmt.Sprintf("aliases expand the document to more than %d values (too many aliases: an alias bomb?)", maxNodes)
	}
	return &problem.Problem{Line: line, Message: msg}
}

func (c *converter) value(n *yaml.Node) (any, *problem.Problem) {
	c.nodes++
	if c.aliasDepth > 0 {
		c.viaAlias++
	}
	if c.nodes > maxNodes {
		return nil, c.tooManyNodes(n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return c.value(n.Content[0])
	case yaml.AliasNode:
		c.aliasDepth++
		v, p := c.value(n.Alias)
		c.aliasDepth--
		return v, p
	case yaml.SequenceNode:
		out := make([]any, len(n.Content))
		for i, item := range n.Content {
			c.path = append(c.path, strconv.Itoa(i))
			v, p := c.value(item)
			c.path = c.path[:len(c.path)-1]
			if p != nil {
				return nil, p
			}
			out[i] = v
		}
		return out, nil
	case yaml.MappingNode:
		return c.mapping(n)
	case yaml.ScalarNode:
		return c.scalar(n)
	}
	return nil, &problem.Problem{Line: n.Line, Message: "invalid YAML: unsupported node"}
}

func (c *converter) mapping(n *yaml.Node) (any, *problem.Problem) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			if p := c.merge(out, v); p != nil {
				return nil, p
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, &problem.Problem{Line: k.Line, Message: "invalid YAML: a mapping key must be a plain value, not a list or mapping"}
		}
		if _, seen := out[k.Value]; seen {
			if first := explicitKey(n.Content[:i], k.Value); first != nil {
				return nil, &problem.Problem{Line: k.Line, Message: fmt.Sprintf("invalid YAML: mapping key %q already defined at line %d", k.Value, first.Line)}
			}
			// Otherwise a merge key (<<) brought it in, and an explicit key wins.
		}
		c.path = append(c.path, k.Value)
		val, p := c.value(v)
		c.path = c.path[:len(c.path)-1]
		if p != nil {
			return nil, p
		}
		out[k.Value] = val
	}
	return out, nil
}

// explicitKey finds key among the keys (not merge keys) of a mapping's content.
func explicitKey(content []*yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(content); i += 2 {
		if k := content[i]; k.Kind == yaml.ScalarNode && k.Value == key && k.ShortTag() != "!!merge" {
			return k
		}
	}
	return nil
}

// merge applies a YAML merge key (<<: *anchor or <<: [*a, *b]); explicit keys win.
func (c *converter) merge(into map[string]any, v *yaml.Node) *problem.Problem {
	sources := []*yaml.Node{v}
	if v.Kind == yaml.SequenceNode {
		sources = v.Content
	}
	for _, s := range sources {
		val, p := c.value(s)
		if p != nil {
			return p
		}
		m, ok := val.(map[string]any)
		if !ok {
			return &problem.Problem{Line: s.Line, Message: "invalid YAML: a merge key (<<) must refer to a mapping"}
		}
		for k, e := range m {
			if _, exists := into[k]; !exists {
				into[k] = e
			}
		}
	}
	return nil
}

func (c *converter) scalar(n *yaml.Node) (any, *problem.Problem) {
	switch n.ShortTag() {
	case "!!str", "!!binary", "!!timestamp":
		// Keep the text as written: a score file has no use for decoded timestamps or bytes.
		return n.Value, nil
	case "!!null":
		return nil, nil
	case "!!bool", "!!int", "!!float":
		if i, ok := plainDecimal(n); ok {
			return i, nil
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, c.problem(n.Line, "invalid YAML: "+err.Error())
		}
		switch t := v.(type) {
		case float64:
			if math.IsInf(t, 0) || math.IsNaN(t) {
				return nil, c.problem(n.Line, fmt.Sprintf("%s is not a number a score file can hold (infinite or not a number); quote it for a string", n.Value))
			}
		case int64:
			if t >= math.MinInt && t <= math.MaxInt {
				return int(t), nil
			}
		case uint64:
			if t <= math.MaxInt {
				return int(t), nil
			}
			return float64(t), nil
		}
		return v, nil
	default:
		// Custom tags (!Ref, !!set...) carry no meaning in Score: keep the text.
		return n.Value, nil
	}
}

// plainDecimal reads the common case of an integer written in decimal, as yaml.v3 would,
// without building a decoder per number. Leading zeros (octal to yaml.v3), signs, underscores,
// other bases and explicit tags take the decoder.
func plainDecimal(n *yaml.Node) (int, bool) {
	v := n.Value
	if n.Tag != "!!int" || v == "" || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	i := 0
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, false
		}
		i = i*10 + int(r-'0')
	}
	return i, true
}

// PlainJSON converts encoding/json output decoded with UseNumber into the value shapes YAML gives:
// an integer that fits is an int, any other number a float64 (an infinite one is an error). It
// changes maps and lists in place.
func PlainJSON(v any) (any, error) {
	switch t := v.(type) {
	case json.Number:
		if i, err := strconv.Atoi(t.String()); err == nil {
			return i, nil
		}
		f, err := strconv.ParseFloat(t.String(), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("number %s is out of range", t)
		}
		return f, nil
	case map[string]any:
		for k, e := range t {
			x, err := PlainJSON(e)
			if err != nil {
				return nil, err
			}
			t[k] = x
		}
	case []any:
		for i, e := range t {
			x, err := PlainJSON(e)
			if err != nil {
				return nil, err
			}
			t[i] = x
		}
	}
	return v, nil
}

// lineOf finds the line of the value at path in the YAML node tree, or of the deepest part of the
// path that exists there. With atKey, it gives the line of the last key instead of its value
// (for "unknown field" problems the key is what the user must look at).
func lineOf(root *yaml.Node, path []string, atKey bool) int {
	if root == nil {
		return 0
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for i, key := range path {
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		keyNode, value := child(n, key)
		if value == nil {
			return n.Line
		}
		if atKey && keyNode != nil && i == len(path)-1 {
			return keyNode.Line
		}
		n = value
	}
	return n.Line
}

// child finds key below n. Sequences are indexed by number, or searched by their items' `target`
// key, which is how the legacy array forms of files and volumes are addressed after the upgrade.
func child(n *yaml.Node, key string) (keyNode, value *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i], n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return nil, n.Content[i]
		}
		for _, item := range n.Content {
			if _, t := child(item, "target"); t != nil && t.Value == key {
				return t, item
			}
		}
	}
	return nil, nil
}

// locator attaches line numbers to problems found in a document parsed from text.
type locator struct {
	root *yaml.Node
}

func (l locator) add(list *problem.List, path []string, message string) {
	*list = append(*list, problem.Problem{Path: append([]string(nil), path...), Line: lineOf(l.root, path, false), Message: message})
}

func (l locator) addAtKey(list *problem.List, path []string, message string) {
	*list = append(*list, problem.Problem{Path: append([]string(nil), path...), Line: lineOf(l.root, path, true), Message: message})
}

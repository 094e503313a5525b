package patch

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// Op is one patch operation, as a template writes it.
type Op struct {
	// Op is "set" or "delete".
	Op string
	// Path is an sjson path: keys and list indices separated by dots, `\` escaping the next
	// character, -1 the end of a list.
	Path string
	// Value is what `set` writes (plain values: maps, lists, strings, numbers, booleans, nil).
	Value any
	// HasValue tells whether the template gave `value` (null included).
	HasValue bool
	// Description is for people; it changes nothing.
	Description string
	// Line is the line of the template's output the operation starts at (0 if unknown).
	Line int
}

// opKeys are the keys an operation may have (upstream decodes into a struct with exactly these).
var opKeys = []string{"op", "path", "value", "description"}

// noValue is what text/template prints for a missing map key.
const noValue = "<no value>"

// Decode reads a template's output: nothing (only white space) is no operation; otherwise a YAML
// or JSON list of operations, each a map with exactly the keys op, path, value and description
// (as upstream's strict decoding demands). A scalar op, path or description is taken as written
// (`path: 3` is the path "3"). `set` needs a value (`value: null` writes null).
func Decode(out []byte) ([]Op, error) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	root, err := outputNodes(out)
	if err != nil {
		return nil, err
	}
	v, err := loader.DecodeYAML(out)
	if err != nil {
		return nil, outputError(err)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &Error{Message: fmt.Sprintf("the output is %s, not a list of operations ({op: set|delete, path, value, description})", describe(v))}
	}
	if len(list) > MaxOperations {
		return nil, &Error{Message: fmt.Sprintf("the output holds %d operations, more than %d", len(list), MaxOperations)}
	}
	ops := make([]Op, 0, len(list))
	for i, item := range list {
		var node *yaml.Node
		if root != nil && i < len(root.Content) {
			node = root.Content[i]
		}
		op, err := decodeOp(item, node)
		if err != nil {
			err.Operation = i + 1
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func decodeOp(item any, node *yaml.Node) (Op, *Error) {
	op := Op{}
	if node != nil {
		op.Line = node.Line
	}
	fail := func(format string, args ...any) (Op, *Error) {
		return Op{}, &Error{OutputLine: op.Line, Message: fmt.Sprintf(format, args...)}
	}
	m, ok := item.(map[string]any)
	if !ok {
		return fail("the operation is %s, not a map with op, path, value and description", describe(item))
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(opKeys, k) {
			return fail("unknown key %s (an operation has op, path, value and description)", quote(k))
		}
	}
	var err error
	if op.Op, err = scalarText(m, node, "op"); err != nil {
		return fail("%v", err)
	}
	if op.Path, err = scalarText(m, node, "path"); err != nil {
		return fail("%v", err)
	}
	if op.Description, err = scalarText(m, node, "description"); err != nil {
		return fail("%v", err)
	}
	op.Value, op.HasValue = m["value"]
	switch {
	case op.Op == "":
		return fail("no op (set or delete)")
	case op.Op != "set" && op.Op != "delete":
		return fail("unknown operation: %s (set or delete)", op.Op)
	case op.Path == "":
		return fail("no path (path cannot be empty)")
	case strings.Contains(op.Path, noValue):
		return fail("the path %s holds %q: the template printed a missing map key", quote(op.Path), noValue)
	case op.Op == "set" && !op.HasValue:
		return fail("`set %s` has no value (give `value: null` to write null)", op.Path)
	case holdsNoValue(op.Value):
		return fail("the value of `set %s` holds %q: the template printed a missing map key", op.Path, noValue)
	}
	return op, nil
}

// scalarText is m[key] as written in the output (the node's text), "" when absent or null; a
// map or a list is an error.
func scalarText(m map[string]any, node *yaml.Node, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	switch v.(type) {
	case map[string]any, []any:
		return "", fmt.Errorf("%s is %s, not text", key, describe(v))
	}
	if n := valueNode(node, key); n != nil {
		return n.Value, nil
	}
	return fmt.Sprint(v), nil
}

// valueNode is the scalar node of key in the mapping node (aliases followed), or nil.
func valueNode(node *yaml.Node, key string) *yaml.Node {
	for node != nil && node.Kind == yaml.AliasNode {
		node = node.Alias
	}
	if node == nil || node.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			n := node.Content[i+1]
			for n.Kind == yaml.AliasNode {
				n = n.Alias
			}
			if n.Kind == yaml.ScalarNode {
				return n
			}
			return nil
		}
	}
	return nil
}

// outputNodes is the output's top-level sequence node, for line numbers (nil if the output is
// not a YAML sequence, e.g. JSON that YAML does not read). A second document is an error:
// upstream would silently ignore it.
func outputNodes(out []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil || len(doc.Content) == 0 {
		return nil, nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil && len(extra.Content) > 0 && (extra.Content[0].Kind != yaml.ScalarNode || extra.Content[0].Tag != "!!null") {
		return nil, &Error{OutputLine: extra.Line, Message: "the output holds more than one YAML document (---); write one list of operations"}
	}
	if n := doc.Content[0]; n.Kind == yaml.SequenceNode {
		return n, nil
	}
	return nil, nil
}

// outputError reports an output that does not decode, with its line when known; the output
// itself is not quoted (it may hold secret values).
func outputError(err error) error {
	var p *problem.Problem
	if errors.As(err, &p) {
		return &Error{OutputLine: p.Line, Message: "the output is not a YAML or JSON list of operations: " + p.Message}
	}
	return &Error{Message: "the output is not a YAML or JSON list of operations: " + err.Error()}
}

func holdsNoValue(v any) bool {
	switch t := v.(type) {
	case string:
		return strings.Contains(t, noValue)
	case map[string]any:
		for _, e := range t {
			if holdsNoValue(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if holdsNoValue(e) {
				return true
			}
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

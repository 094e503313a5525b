// Package document encodes rendered documents (Kubernetes objects, compose files) as YAML: keys
// sorted, two-space indentation, lists indented under their key, several-line strings as
// literal blocks, so the same input always gives the same bytes.
package document

import (
	"bytes"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// YAML encodes v. Plain values (what rendering builds) take the emitter; anything else goes
// through yaml.v3.
func YAML(v any) (string, error) {
	var e emitter
	if err := e.value(v, 0, atTop); err == nil {
		return e.b.String(), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("encoding YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// Holds reports whether any string inside v (maps and lists are walked) contains one of the
// values; empty values never match.
func Holds(v any, values []string) bool {
	switch t := v.(type) {
	case string:
		for _, s := range values {
			if s != "" && strings.Contains(t, s) {
				return true
			}
		}
	case map[string]any:
		for _, e := range t {
			if Holds(e, values) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if Holds(e, values) {
				return true
			}
		}
	}
	return false
}

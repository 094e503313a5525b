// Package patch runs patch templates in score-compose's and score-k8s's `--patch-templates`
// format on rendered output: a Go text/template (with the provisioner templates' functions and
// limits) whose output is a YAML or JSON list of `{op: set|delete, path, value, description}`,
// applied in order with tidwall/sjson to the JSON of the document, exactly as upstream applies
// them. Kubernetes templates see `.Manifests` (the list of objects), `.Namespace` and
// `.Workloads`; compose templates see `.Compose` (the compose document) and `.Workloads`.
//
// The package knows nothing of secrets or of what a valid object is: the engine checks the
// result (see engine's patch.go).
package patch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
)

// Limits of one template's patch (beside the template run's own, see provisioner.Sandboxed).
const (
	// MaxOperations bounds the operations one template's output may hold.
	MaxOperations = 10_000
	// MaxPadding bounds the nulls one `set` may add to reach a list index past the end (sjson
	// pads with null): `set 1000000000.kind` would otherwise build gigabytes.
	MaxPadding = 10_000
	// MaxDocument bounds the JSON of the document being patched, after every operation.
	MaxDocument = 32 << 20
)

// noRandom is what random functions answer in a patch template.
const noRandom = "patch templates have no random source: their output must be the same on every run " +
	"(generate values in a provisioner, whose state keeps them)"

// Template is a parsed patch template; safe for concurrent use.
type Template struct {
	s *provisioner.Sandboxed
}

// Error is a problem with a patch template: in its text (Line), in its output (OutputLine,
// Operation), or in the document it leaves.
type Error struct {
	// Line is the line of the template's text (parse and execution errors), 0 if unknown.
	Line int
	// Operation counts from 1 the operation that failed, 0 if none.
	Operation int
	// OutputLine is the line of the template's output the problem is at, 0 if unknown.
	OutputLine int
	Message    string
	cause      error
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	case e.Operation > 0 && e.OutputLine > 0:
		return fmt.Sprintf("operation %d (line %d of its output): %s", e.Operation, e.OutputLine, e.Message)
	case e.Operation > 0:
		return fmt.Sprintf("operation %d: %s", e.Operation, e.Message)
	case e.OutputLine > 0:
		return fmt.Sprintf("line %d of its output: %s", e.OutputLine, e.Message)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.cause }

// Parse parses a patch template, with the functions provisioner templates have.
func Parse(text string) (*Template, error) {
	s, err := provisioner.ParseSandboxed("patch", text, noRandom)
	if err != nil {
		return nil, templateError(err, "")
	}
	return &Template{s: s}, nil
}

// kubernetesData is what a kubernetes patch template sees (score-k8s's names).
type kubernetesData struct {
	Manifests []map[string]any
	Namespace string
	Workloads map[string]any
}

// composeData is what a compose patch template sees (score-compose's names).
type composeData struct {
	Compose   map[string]any
	Workloads map[string]any
}

// Kubernetes runs the template on objects (in .Manifests order) and returns the patched list.
// workloads are the workloads' score specs by name; namespace is what the template sees as
// .Namespace. The arguments are not modified.
func (t *Template) Kubernetes(ctx context.Context, objects []map[string]any, namespace string, workloads map[string]any) ([]map[string]any, error) {
	doc, err := json.Marshal(objects)
	if err != nil {
		return nil, &Error{Message: "the manifests do not encode as JSON: " + err.Error()}
	}
	data := kubernetesData{Namespace: namespace}
	if data.Manifests, err = decodeObjects(doc); err != nil {
		return nil, err
	}
	if data.Workloads, err = copyValue(workloads); err != nil {
		return nil, err
	}
	out, changed, err := t.run(ctx, doc, data, "kubernetes", ".Manifests, .Namespace and .Workloads")
	if err != nil || !changed {
		return objects, err
	}
	return decodeObjects(out)
}

// Compose runs the template on a compose document and returns the patched document. The
// arguments are not modified.
func (t *Template) Compose(ctx context.Context, project map[string]any, workloads map[string]any) (map[string]any, error) {
	doc, err := json.Marshal(project)
	if err != nil {
		return nil, &Error{Message: "the compose document does not encode as JSON: " + err.Error()}
	}
	data := composeData{}
	if data.Compose, err = decodeDocument(doc); err != nil {
		return nil, err
	}
	if data.Workloads, err = copyValue(workloads); err != nil {
		return nil, err
	}
	out, changed, err := t.run(ctx, doc, data, "compose", ".Compose and .Workloads")
	if err != nil || !changed {
		return project, err
	}
	return decodeDocument(out)
}

// run executes the template on data and applies its operations to doc; changed is false when
// its output holds none.
func (t *Template) run(ctx context.Context, doc []byte, data any, target, fields string) ([]byte, bool, error) {
	text, err := t.s.Execute(ctx, data)
	if err != nil {
		return nil, false, templateError(err, fmt.Sprintf("(a %s patch template sees %s)", target, fields))
	}
	ops, err := Decode(text)
	if err != nil || len(ops) == 0 {
		return nil, false, err
	}
	out, err := Apply(ctx, doc, ops)
	return out, err == nil, err
}

// unknownField matches text/template's error for a field the template data does not have.
var unknownField = regexp.MustCompile(`can't evaluate field (\w+) in type patch\.\w+`)

// templatePosition is a position text/template gives in a message ("started at patch:3").
var templatePosition = regexp.MustCompile(`\bpatch:(\d+)(:\d+)?`)

// templateError is a sandboxed template's error as an Error; fields says what the data has.
func templateError(err error, fields string) error {
	var te *provisioner.TemplateError
	if !errors.As(err, &te) {
		return &Error{Message: err.Error(), cause: err}
	}
	msg := templatePosition.ReplaceAllString(te.Message, "line $1")
	if m := unknownField.FindStringSubmatch(msg); m != nil && fields != "" {
		msg = fmt.Sprintf("the template data has no field .%s %s", m[1], fields)
	}
	return &Error{Line: te.Line, Message: msg, cause: err}
}

// decodeObjects reads a patched manifest list: every element must be an object.
func decodeObjects(doc []byte) ([]map[string]any, error) {
	v, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, &Error{Message: fmt.Sprintf("the manifests are no longer a list but %s", describe(v))}
	}
	out := make([]map[string]any, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &Error{Message: fmt.Sprintf("manifest %d is %s, not an object (a `set` past the end of the list pads it with null)", i, describe(e))}
		}
		out[i] = m
	}
	return out, nil
}

// decodeDocument reads a patched compose document: it must be an object.
func decodeDocument(doc []byte) (map[string]any, error) {
	v, err := decodeJSON(doc)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Message: fmt.Sprintf("the compose document is no longer an object but %s", describe(v))}
	}
	return m, nil
}

// copyValue is a deep copy of v as plain values (templates may change what they are given:
// sprig's set and unset do).
func copyValue(v map[string]any) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Message: "the workloads do not encode as JSON: " + err.Error()}
	}
	return decodeDocument(raw)
}

// decodeJSON decodes doc into plain values: numbers become int when they are integers that fit,
// else float64.
func decodeJSON(doc []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{Message: "the patched document is not valid JSON: " + err.Error()}
	}
	if dec.More() {
		return nil, &Error{Message: "the patched document is not valid JSON: data after the document"}
	}
	out, err := loader.PlainJSON(v)
	if err != nil {
		return nil, &Error{Message: "the patched document holds a " + err.Error()}
	}
	return out, nil
}

// describe names a value's kind for messages (never its content: it may be secret).
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	}
	return "a number"
}

// quote shows a path or an op in a message, shortened.
func quote(s string) string {
	const max = 200
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strings.ToValidUTF8(strconv.Quote(s), "")
}

package provisioner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"text/template"
)

// Sandboxed is a template that is not part of a provisioner (a patch template), parsed and run
// with the same functions and limits as provisioner templates: sprig without the functions that
// read the environment, the host or the clock, the bounded replacements, and a run's limits on
// time (TemplateRunTimeout), steps (MaxTemplateSteps), nesting (MaxTemplateDepth), values
// (MaxTemplateValue, MaxTemplateAllocation) and output (MaxTemplateOutput). It has no random
// source: its output must be the same on every run, so random functions fail with noRandom.
// Safe for concurrent use.
type Sandboxed struct {
	name     string
	noRandom string
	bindings *sync.Pool
}

// TemplateError is a problem in a sandboxed template, at a line of its text when Line > 0.
type TemplateError struct {
	Line    int
	Message string
	// cause is why a run stopped (a cancellation, a limit), for errors.Is.
	cause error
}

func (e *TemplateError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

func (e *TemplateError) Unwrap() error { return e.cause }

// ParseSandboxed parses text as a template; name is its name in text/template's messages (the
// errors returned carry the line, not the name), noRandom what random functions answer.
func ParseSandboxed(name, text, noRandom string) (*Sandboxed, error) {
	t, err := template.New(name).Funcs(parseFuncs).Parse(text)
	if err != nil {
		return nil, sandboxError(err, nil)
	}
	instrument(t)
	return &Sandboxed{name: name, noRandom: noRandom, bindings: newBindings(map[string]*template.Template{name: t})}, nil
}

// Execute runs the template on data and returns what it wrote (at most MaxTemplateOutput bytes).
// ctx can stop it; TemplateRunTimeout does in any case.
func (s *Sandboxed) Execute(ctx context.Context, data any) ([]byte, error) {
	b, release := bindFrom(ctx, s.bindings, &run{section: s.name, noRandom: s.noRandom})
	defer release()
	w := &limitedWriter{n: MaxTemplateOutput, run: b.run}
	if err := b.templates[s.name].Execute(w, data); err != nil {
		var ee template.ExecError
		if !errors.As(err, &ee) { // a write error: the output limit, or the run stopping
			return nil, &TemplateError{Message: err.Error(), cause: err}
		}
		return nil, sandboxError(err, b.run.stopped)
	}
	return w.buf.Bytes(), nil
}

// sandboxError is text/template's error as a TemplateError.
func sandboxError(err, cause error) *TemplateError {
	_, line, msg, ok := splitTemplateError(err)
	if !ok {
		return &TemplateError{Message: msg, cause: cause}
	}
	return &TemplateError{Line: line, Message: msg, cause: cause}
}

// randomFuncNames are the functions that read a run's random source.
var randomFuncNames = slices.Sorted(maps.Keys(randomFuncs(nil)))

func randomFunc(name string) bool {
	_, found := slices.BinarySearch(randomFuncNames, name)
	return found
}

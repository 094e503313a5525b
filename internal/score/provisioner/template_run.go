package provisioner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sync"
	"text/template"
	"text/template/parse"
	"time"
)

// Limits of one template provisioning (all its sections together). text/template cannot be
// interrupted, so every construct that can loop or recurse passes through a check of the run:
// every function call (each function in the map is wrapped), every range iteration and template
// call (instrument adds a step at the start of each range body and each template), every write.
const (
	// TemplateRunTimeout bounds the time a provisioning may spend in its templates; the caller's
	// context can stop it sooner.
	TemplateRunTimeout = 10 * time.Second
	// MaxTemplateSteps bounds the function calls, range iterations and template calls of a
	// provisioning: a bound on the work that does not depend on the machine's speed.
	MaxTemplateSteps = 10_000_000
	// MaxTemplateValue bounds the size of a value a template function returns: a string's bytes,
	// a list's or map's elements with their contents.
	MaxTemplateValue = MaxTemplateOutput
	// MaxTemplateAllocation bounds the total size of the values template functions return
	// during a provisioning.
	MaxTemplateAllocation = 64 << 20
	// MaxTemplateDepth bounds how deep template calls nest: text/template's own bound (100000)
	// takes seconds and hundreds of megabytes of stack to reach.
	MaxTemplateDepth = 1000
	// maxValueDepth bounds how deep a function's result nests: a map that holds itself (set can
	// make one) would nest forever, and deep nesting multiplies what toPrettyJson writes.
	maxValueDepth = 100
)

// runTimeout is TemplateRunTimeout; tests shorten it.
var runTimeout = TemplateRunTimeout

// errRunTimeout is the cause of a provisioning's context ending at runTimeout.
var errRunTimeout = errors.New("the time limit for a provisioning's templates")

// run is one provisioning of a template provisioner: where its randomness comes from and what it
// has spent of its limits.
type run struct {
	ctx     context.Context
	random  io.Reader
	section string
	// noRandom, when set, is why the run has no random source: random functions fail with it
	// (sandboxed templates, whose output must be the same on every run).
	noRandom string
	steps    int
	depth    int
	alloc    int
	// stopped is why the run was stopped, kept so the error can wrap it.
	stopped error
	// warnings are what the sections' output shows is probably wrong (a "<no value>").
	warnings []string
}

// step counts one unit of work and stops a run that has done too much or was cancelled.
func (r *run) step() error {
	if r.stopped != nil {
		return r.stopped
	}
	r.steps++
	switch {
	case r.steps > MaxTemplateSteps:
		r.stopped = fmt.Errorf("stopped after %d steps (function calls, range iterations and template calls), the limit for a provisioning", MaxTemplateSteps)
	case r.ctx.Err() != nil:
		r.stopped = stopCause(r.ctx)
	}
	return r.stopped
}

func stopCause(ctx context.Context) error {
	if cause := context.Cause(ctx); errors.Is(cause, errRunTimeout) {
		return fmt.Errorf("stopped after %s: %w", runTimeout, cause)
	}
	return fmt.Errorf("stopped: %w", ctx.Err())
}

// enter counts a template call; leave ends it.
func (r *run) enter() error {
	if r.depth++; r.depth > MaxTemplateDepth && r.stopped == nil {
		r.stopped = fmt.Errorf("template calls nest deeper than %d, the limit", MaxTemplateDepth)
	}
	return r.step()
}

func (r *run) leave() {
	r.depth--
}

// charge counts a function's result against MaxTemplateValue and MaxTemplateAllocation.
func (r *run) charge(v reflect.Value) error {
	n, err := sizeOf(v, MaxTemplateValue)
	if err != nil {
		return err
	}
	if n > MaxTemplateValue {
		return fmt.Errorf("the result is larger than %d bytes, the limit for one value", MaxTemplateValue)
	}
	if r.alloc += n; r.alloc > MaxTemplateAllocation {
		return fmt.Errorf("template functions returned more than %d bytes in all, the limit for a provisioning", MaxTemplateAllocation)
	}
	return nil
}

// sizeOf estimates the memory a value holds: a string's bytes, 8 bytes a scalar or a list slot,
// 16 a map entry, with what they refer to; it stops counting above limit.
func sizeOf(v reflect.Value, limit int) (int, error) {
	n := 0
	var walk func(v reflect.Value, depth int) error
	walk = func(v reflect.Value, depth int) error {
		if depth > maxValueDepth {
			return fmt.Errorf("the result nests deeper than %d levels", maxValueDepth)
		}
		switch v.Kind() {
		case reflect.Invalid:
		case reflect.String:
			n += v.Len()
		case reflect.Interface, reflect.Pointer:
			if !v.IsNil() {
				return walk(v.Elem(), depth+1)
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				n += v.Len()
				return nil
			}
			for i := 0; i < v.Len() && n <= limit; i++ {
				n += 8
				if err := walk(v.Index(i), depth+1); err != nil {
					return err
				}
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next() && n <= limit; {
				n += 16
				if err := walk(it.Key(), depth+1); err != nil {
					return err
				}
				if err := walk(it.Value(), depth+1); err != nil {
					return err
				}
			}
		case reflect.Struct:
			for i := 0; i < v.NumField() && n <= limit; i++ {
				if err := walk(v.Field(i), depth+1); err != nil {
					return err
				}
			}
		default:
			n += 8
		}
		return nil
	}
	return n, walk(v, 0)
}

// binding is a definition's templates with their functions bound to one run at a time. A pool
// hands each provisioning its own binding, so concurrent provisionings of a definition neither
// share a random source or limits nor wait for each other, and templates are cloned and their
// functions wrapped once per binding, not once per run.
type binding struct {
	run       *run
	templates map[string]*template.Template
}

// Read makes the binding the random source of its random functions.
func (b *binding) Read(p []byte) (int, error) {
	if b.run.random == nil {
		return 0, errors.New("no random source")
	}
	return b.run.random.Read(p)
}

func newBindings(parsed map[string]*template.Template) *sync.Pool {
	return &sync.Pool{New: func() any {
		b := &binding{templates: make(map[string]*template.Template, len(parsed))}
		funcs := b.funcs()
		for name, t := range parsed {
			c, err := t.Clone()
			if err != nil {
				panic(err) // text/template's Clone does not fail
			}
			b.templates[name] = c.Funcs(funcs)
		}
		return b
	}}
}

// bind takes a binding for one provisioning; release returns it.
func (d *Definition) bind(ctx context.Context, random io.Reader) (b *binding, release func()) {
	return bindFrom(ctx, d.bindings, &run{random: random})
}

// bindFrom takes a binding from pool for the run r (its context set here, limited to
// runTimeout); release returns it.
func bindFrom(ctx context.Context, pool *sync.Pool, r *run) (b *binding, release func()) {
	ctx, cancel := context.WithTimeoutCause(ctx, runTimeout, errRunTimeout)
	b = pool.Get().(*binding)
	r.ctx = ctx
	b.run = r
	return b, func() {
		cancel()
		b.run = nil
		pool.Put(b)
	}
}

// funcs is every template function, wrapped to check the run before each call and to charge
// its result, plus the functions instrument calls.
func (b *binding) funcs() template.FuncMap {
	all := templateFuncs(b)
	fm := make(template.FuncMap, len(all)+3)
	for name, fn := range all {
		fm[name] = b.wrap(name, fn)
	}
	fm[stepFunc] = func() (bool, error) { return true, b.run.step() }
	fm[enterFunc] = func() (bool, error) { return true, b.run.enter() }
	fm[leaveFunc] = func() bool { b.run.leave(); return true }
	return fm
}

var errorType = reflect.TypeFor[error]()

// wrap returns fn with an error result (if it has none), checking the run before each call and
// charging the result.
func (b *binding) wrap(name string, fn any) any {
	fv := reflect.ValueOf(fn)
	ft := withError(fv.Type())
	initOrStateOnly := slices.Contains(freshRandomFuncs, name)
	slow := slices.Contains(slowFuncs, name)
	fail := func(err error) []reflect.Value { return failure(ft, err) }
	return reflect.MakeFunc(ft, func(args []reflect.Value) []reflect.Value {
		r := b.run
		if err := r.step(); err != nil {
			return fail(err)
		}
		if (initOrStateOnly || randomFunc(name)) && r.noRandom != "" {
			return fail(fmt.Errorf("%s: %s", name, r.noRandom))
		}
		if initOrStateOnly && r.section != "init" && r.section != "state" {
			return fail(fmt.Errorf("%s makes a new value on every run (it cannot use the provisioner's random source), so it may only be called in the init or state template; keep its result in state, e.g. {{ dig \"key\" .Init.key .State }}", name))
		}
		call := func() []reflect.Value {
			if ft.IsVariadic() {
				return fv.CallSlice(args)
			}
			return fv.Call(args)
		}
		if slow {
			call = func() []reflect.Value { return callAbandonable(r, ft, fv, args) }
		}
		out := call()
		if len(out) == 2 && !out[1].IsNil() {
			return out
		}
		if err := r.charge(out[0]); err != nil {
			return fail(err)
		}
		if len(out) == 2 {
			return out
		}
		return append(out, reflect.Zero(errorType))
	}).Interface()
}

func failure(ft reflect.Type, err error) []reflect.Value {
	return []reflect.Value{reflect.Zero(ft.Out(0)), reflect.ValueOf(&err).Elem()}
}

// slowFuncs take from a tenth of a second to seconds a call (key derivation, key generation),
// longer than a cancelled run should wait.
var slowFuncs = []string{
	"derivePassword", "bcrypt", "htpasswd", "genPrivateKey", "genCA", "genCAWithKey",
	"genSelfSignedCert", "genSelfSignedCertWithKey", "genSignedCert", "genSignedCertWithKey",
}

// callAbandonable calls fv in a goroutine and returns when it does or when the run stops; a
// stopped run abandons the call, which finishes on its own.
func callAbandonable(r *run, ft reflect.Type, fv reflect.Value, args []reflect.Value) []reflect.Value {
	done := make(chan []reflect.Value, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil { // text/template recovers panics only in its own goroutine
				done <- failure(ft, fmt.Errorf("%v", p))
			}
		}()
		done <- fv.Call(args)
	}()
	select {
	case out := <-done:
		return out
	case <-r.ctx.Done():
		r.stopped = stopCause(r.ctx)
		return failure(ft, r.stopped)
	}
}

// withError is t with an error as its second result, so a wrapper can fail.
func withError(t reflect.Type) reflect.Type {
	if t.NumOut() == 2 {
		return t
	}
	in := make([]reflect.Type, t.NumIn())
	for i := range in {
		in[i] = t.In(i)
	}
	return reflect.FuncOf(in, []reflect.Type{t.Out(0), errorType}, t.IsVariadic())
}

// The functions instrument adds: templates are parsed without them, so a template cannot
// call them itself.
const (
	stepFunc  = "_step"
	enterFunc = "_enter"
	leaveFunc = "_leave"
)

// instrument makes every range iteration and every template call of t check its run, so a loop
// or a recursion that calls no function and writes nothing still stops: each range body starts
// with a step, each template with an enter and ends with a leave.
func instrument(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Root != nil {
			instrumentList(tt.Root)
			root := tt.Root
			root.Nodes = append(slices.Insert(root.Nodes, 0, checkNode(enterFunc, root.Pos)), checkNode(leaveFunc, root.Pos))
		}
	}
}

func instrumentList(l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.IfNode:
			instrumentList(n.List)
			instrumentList(n.ElseList)
		case *parse.WithNode:
			instrumentList(n.List)
			instrumentList(n.ElseList)
		case *parse.RangeNode:
			if n.List == nil {
				n.List = &parse.ListNode{NodeType: parse.NodeList, Pos: n.Pos}
			}
			instrumentList(n.List)
			n.List.Nodes = slices.Insert(n.List.Nodes, 0, checkNode(stepFunc, n.Pos))
			instrumentList(n.ElseList)
		}
	}
}

// checkNode is {{ $· := fn }} at pos: it assigns a variable no template can name, so it
// writes nothing. Its tree is left nil so that an error reports the line of the instrumented
// template's text at pos.
func checkNode(fn string, pos parse.Pos) parse.Node {
	cmd := &parse.CommandNode{NodeType: parse.NodeCommand, Pos: pos, Args: []parse.Node{parse.NewIdentifier(fn).SetPos(pos)}}
	decl := &parse.VariableNode{NodeType: parse.NodeVariable, Pos: pos, Ident: []string{"$·"}}
	pipe := &parse.PipeNode{NodeType: parse.NodePipe, Pos: pos, Decl: []*parse.VariableNode{decl}, Cmds: []*parse.CommandNode{cmd}}
	return &parse.ActionNode{NodeType: parse.NodeAction, Pos: pos, Pipe: pipe}
}

// stopError is a template error caused by the run stopping; it unwraps to the cause so callers
// can tell a cancellation.
type stopError struct {
	msg   string
	cause error
}

func (e *stopError) Error() string { return e.msg }
func (e *stopError) Unwrap() error { return e.cause }

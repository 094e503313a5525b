package provisioner

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// MaxTemplateOutput bounds what one template section may produce; a larger output is an error
// rather than a provider exhausting memory.
const MaxTemplateOutput = 4 << 20

// removedFuncs are sprig functions templates must not have: they read the provider's environment
// or the host (a template could otherwise exfiltrate credentials), or the clock (rendering must
// be a pure function of configuration and state, or plans would never settle).
var removedFuncs = []string{"env", "expandenv", "getHostByName", "now", "ago"}

// baseFuncs is sprig's function map without removedFuncs, with our bounded replacements and
// extras. Random functions are added per definition (see randomSource).
var baseFuncs = func() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range removedFuncs {
		delete(fm, name)
	}
	fm["encodeSecretRef"] = EncodeSecretRef
	fm["dnsLabel"] = DNSLabel
	for name, fn := range boundedFuncs {
		fm[name] = fn
	}
	return fm
}()

// runState is what a definition's templates see of the provisioning running them: the
// request's random source and its context. Templates are parsed once with their functions bound
// to it; the lock makes concurrent provisionings of one definition take turns instead of
// re-binding the whole function map for every execution.
type runState struct {
	mu  sync.Mutex
	r   io.Reader
	ctx context.Context
}

func (s *runState) Read(p []byte) (int, error) {
	if s.r == nil {
		return 0, errors.New("no random source")
	}
	return s.r.Read(p)
}

// cancelled reports a cancelled provisioning; loops check it, as text/template cannot be stopped.
func (s *runState) cancelled() error {
	if s.ctx == nil {
		return nil
	}
	return s.ctx.Err()
}

// loopFuncs replace sprig's list builders with bounded ones that also stop a cancelled run.
func loopFuncs(s *runState) template.FuncMap {
	rng := func(start, stop, step int) ([]int, error) {
		if err := s.cancelled(); err != nil {
			return nil, err
		}
		return boundedRange(start, stop, step)
	}
	return template.FuncMap{
		"until":     func(n int) ([]int, error) { return rng(0, n, 1) },
		"untilStep": rng,
		"seq": func(params ...int) (string, error) {
			start, stop, step := 1, 0, 1
			switch len(params) {
			case 1:
				stop = params[0]
			case 2:
				start, stop = params[0], params[1]
				if stop < start {
					step = -1
				}
			case 3:
				start, step, stop = params[0], params[1], params[2]
			default:
				return "", fmt.Errorf("seq takes 1 to 3 numbers, got %d", len(params))
			}
			end := stop + 1
			if step < 0 {
				end = stop - 1
			}
			list, err := rng(start, end, step)
			if err != nil {
				return "", err
			}
			out := make([]string, len(list))
			for i, v := range list {
				out[i] = fmt.Sprint(v)
			}
			return strings.Join(out, " "), nil
		},
	}
}

// maxListLength bounds the lists until/untilStep/seq build: templates shape configuration, and a
// larger list would only exhaust the provider's memory before any output limit applies.
const maxListLength = 100_000

// boundedFuncs replace the sprig functions that build a large value in memory from a small
// argument, so a template fails with a message instead of exhausting memory.
var boundedFuncs = template.FuncMap{
	"repeat": func(count int, s string) (string, error) {
		if count < 0 || (len(s) > 0 && count > MaxTemplateOutput/len(s)) {
			return "", fmt.Errorf("repeat: %d copies of %d bytes exceed %d bytes", count, len(s), MaxTemplateOutput)
		}
		return strings.Repeat(s, count), nil
	},
	"indent": func(spaces int, s string) (string, error) {
		if spaces < 0 || spaces > 1024 {
			return "", fmt.Errorf("indent: %d spaces is out of range", spaces)
		}
		pad := strings.Repeat(" ", spaces)
		return pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
	},
	"nindent": func(spaces int, s string) (string, error) {
		if spaces < 0 || spaces > 1024 {
			return "", fmt.Errorf("nindent: %d spaces is out of range", spaces)
		}
		pad := strings.Repeat(" ", spaces)
		return "\n" + pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
	},
}

func boundedRange(start, stop, step int) ([]int, error) {
	if step == 0 || (step > 0 && start >= stop) || (step < 0 && start <= stop) {
		return []int{}, nil
	}
	n := (stop - start) / step
	if (stop-start)%step != 0 {
		n++
	}
	if n > maxListLength {
		return nil, fmt.Errorf("a list of %d numbers exceeds %d", n, maxListLength)
	}
	out := make([]int, 0, n)
	for i := start; (step > 0 && i < stop) || (step < 0 && i > stop); i += step {
		out = append(out, i)
	}
	return out, nil
}

const (
	alphaChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	numericChars = "0123456789"
	asciiChars   = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
)

// randomFuncs replaces sprig's random functions with ones reading r.
func randomFuncs(r io.Reader) template.FuncMap {
	pick := func(n int, chars string) (string, error) {
		if n < 0 || n > 1<<16 {
			return "", fmt.Errorf("length %d out of range", n)
		}
		out := make([]byte, n)
		for i := range out {
			k, err := randIntn(r, len(chars))
			if err != nil {
				return "", err
			}
			out[i] = chars[k]
		}
		return string(out), nil
	}
	return template.FuncMap{
		"randAlphaNum": func(n int) (string, error) { return pick(n, alphaChars+numericChars) },
		"randAlpha":    func(n int) (string, error) { return pick(n, alphaChars) },
		"randNumeric":  func(n int) (string, error) { return pick(n, numericChars) },
		"randAscii":    func(n int) (string, error) { return pick(n, asciiChars) },
		"randBytes": func(n int) (string, error) {
			if n < 0 || n > 1<<16 {
				return "", fmt.Errorf("length %d out of range", n)
			}
			b := make([]byte, n)
			if _, err := io.ReadFull(r, b); err != nil {
				return "", err
			}
			return base64.StdEncoding.EncodeToString(b), nil
		},
		"randInt": func(min, max int) (int, error) {
			if max <= min {
				return 0, fmt.Errorf("randInt: max (%d) must be greater than min (%d)", max, min)
			}
			k, err := randIntn(r, max-min)
			return min + k, err
		},
		"uuidv4": func() (string, error) { return NewGUID(r) },
		"shuffle": func(s string) (string, error) {
			runes := []rune(s)
			for i := len(runes) - 1; i > 0; i-- {
				j, err := randIntn(r, i+1)
				if err != nil {
					return "", err
				}
				runes[i], runes[j] = runes[j], runes[i]
			}
			return string(runes), nil
		},
	}
}

// randIntn draws a uniform integer in [0, n) from r, without modulo bias.
func randIntn(r io.Reader, n int) (int, error) {
	if r == nil {
		return 0, errors.New("no random source")
	}
	if n <= 0 || n > math.MaxUint32 {
		return 0, fmt.Errorf("invalid range %d", n)
	}
	limit := uint32(math.MaxUint32 - math.MaxUint32%uint32(n))
	var b [4]byte
	for {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return 0, err
		}
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		if v < limit {
			return int(v % uint32(n)), nil
		}
	}
}

// NewGUID returns a random RFC 4122 version 4 UUID read from r (with the variant bits set,
// which score-go forgets).
func NewGUID(r io.Reader) (string, error) {
	var b [16]byte
	if r == nil {
		return "", errors.New("no random source")
	}
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// Secret references: score-k8s's format, so its provisioner files work unchanged.
const (
	SecretRefStart = "🔐💬"
	secretRefEnd   = "💬🔐"
)

// EncodeSecretRef refers to key in the Kubernetes Secret named secret, for use in outputs.
func EncodeSecretRef(secret, key string) string {
	return SecretRefStart + secret + "_" + key + secretRefEnd
}

// parseTemplates parses every template section of d once, at load time, so syntax errors are
// reported when the provisioners are configured.
func parseTemplates(d *Definition) error {
	var errs []string
	d.run = &runState{}
	funcs := make(template.FuncMap, len(baseFuncs)+16)
	for k, v := range baseFuncs {
		funcs[k] = v
	}
	for k, v := range randomFuncs(d.run) {
		funcs[k] = v
	}
	for k, v := range loopFuncs(d.run) {
		funcs[k] = v
	}
	d.parsed = map[string]*template.Template{}
	for _, name := range sortedSectionNames(d.Templates) {
		t, err := template.New(name).Funcs(funcs).Parse(d.Templates[name])
		if err != nil {
			errs = append(errs, templateMessage(err))
			continue
		}
		d.parsed[name] = t
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

// templateMessage shortens text/template's "template: outputs:3:5: executing \"outputs\" at
// <fail \"x\">: error calling fail: x" to "outputs template, line 3: x".
func templateMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "template: ")
	name, rest, ok := strings.Cut(msg, ":")
	if !ok {
		return msg
	}
	line, rest, ok := strings.Cut(rest, ":")
	if !ok || strings.Trim(line, "0123456789") != "" {
		return msg
	}
	if col, after, found := strings.Cut(rest, ":"); found && col != "" && strings.Trim(col, "0123456789") == "" {
		rest = after
	}
	rest = strings.TrimSpace(rest)
	if _, failed, found := strings.Cut(rest, "error calling fail: "); found {
		rest = failed
	}
	return fmt.Sprintf("%s template, line %s: %s", name, line, rest)
}

// limitedWriter fails once more than n bytes are written.
type limitedWriter struct {
	buf  bytes.Buffer
	n    int
	full bool
	run  *runState
}

var errTooLarge = fmt.Errorf("output exceeds %d bytes", MaxTemplateOutput)

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		w.full = true
		return 0, errTooLarge
	}
	if w.run != nil {
		if err := w.run.cancelled(); err != nil {
			return 0, err
		}
	}
	return w.buf.Write(p)
}

// execute runs one section and decodes its YAML output; an empty output decodes to nil. The
// caller holds d.run's lock.
func execute(d *Definition, section string, data *Data) (any, error) {
	t, ok := d.parsed[section]
	if !ok {
		return nil, nil
	}
	w := &limitedWriter{n: MaxTemplateOutput, run: d.run}
	if err := t.Execute(w, data); err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("%s template: %w", section, errTooLarge)
		}
		return nil, errors.New(templateMessage(err))
	}
	out := w.buf.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	v, err := loader.DecodeYAML(out)
	if err != nil {
		// The output is not quoted: it may hold generated secrets, and diagnostics end up in CI logs.
		return nil, fmt.Errorf("%s template produced invalid YAML (%d bytes): %v", section, len(out), err)
	}
	return v, nil
}

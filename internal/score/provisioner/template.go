package provisioner

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"gopkg.in/yaml.v3"
)

// MaxTemplateOutput bounds what one template section may produce; a larger output is an error
// rather than a provider exhausting memory.
const MaxTemplateOutput = 4 << 20

// removedFuncs are sprig functions templates must not have: they read the provider's environment
// or the host (a template could otherwise exfiltrate credentials), or the clock (rendering must
// be a pure function of configuration and state, or plans would never settle).
var removedFuncs = []string{"env", "expandenv", "getHostByName", "now", "ago"}

// baseFuncs is sprig's function map without removedFuncs; random functions are bound per
// execution to the request's random source, so plans can tell generated values from fixed ones.
var baseFuncs = func() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range removedFuncs {
		delete(fm, name)
	}
	fm["encodeSecretRef"] = EncodeSecretRef
	fm["dnsLabel"] = DNSLabel
	for name, fn := range randomFuncs(nil) {
		fm[name] = fn
	}
	return fm
}()

// funcsFor returns the template functions with randomness drawn from r.
func funcsFor(r io.Reader) template.FuncMap {
	fm := make(template.FuncMap, len(baseFuncs))
	for k, v := range baseFuncs {
		fm[k] = v
	}
	for name, fn := range randomFuncs(r) {
		fm[name] = fn
	}
	return fm
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
	secretRefStart = "🔐💬"
	secretRefEnd   = "💬🔐"
)

// EncodeSecretRef refers to key in the Kubernetes Secret named secret, for use in outputs.
func EncodeSecretRef(secret, key string) string {
	return secretRefStart + secret + "_" + key + secretRefEnd
}

// parseTemplates parses every template section of d once, at load time, so syntax errors are
// reported when the provisioners are configured.
func parseTemplates(d *Definition) error {
	var errs []string
	d.parsed = map[string]*template.Template{}
	for _, name := range sortedSectionNames(d.Templates) {
		t, err := template.New(name).Funcs(baseFuncs).Parse(d.Templates[name])
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
	buf bytes.Buffer
	n   int
}

var errTooLarge = fmt.Errorf("output exceeds %d bytes", MaxTemplateOutput)

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		return 0, errTooLarge
	}
	return w.buf.Write(p)
}

// execute runs one section and decodes its YAML output; an empty output decodes to nil.
func execute(d *Definition, section string, data *Data, funcs template.FuncMap) (any, error) {
	t, ok := d.parsed[section]
	if !ok {
		return nil, nil
	}
	clone, err := t.Clone()
	if err != nil {
		return nil, err
	}
	w := &limitedWriter{n: MaxTemplateOutput}
	if err := clone.Funcs(funcs).Execute(w, data); err != nil {
		if errors.Is(err, errTooLarge) {
			return nil, fmt.Errorf("%s template: %w", section, errTooLarge)
		}
		return nil, errors.New(templateMessage(err))
	}
	out := w.buf.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	var v any
	if err := yaml.Unmarshal(out, &v); err != nil {
		return nil, fmt.Errorf("%s template produced invalid YAML: %s\n--- output ---\n%s", section, strings.TrimPrefix(err.Error(), "yaml: "), excerpt(out))
	}
	return normalize(v), nil
}

func excerpt(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + "\n..."
	}
	return string(b)
}

// normalize makes YAML output JSON-shaped: map[string]any with string keys throughout.
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = normalize(e)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	default:
		return v
	}
}

package provisioner

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
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

// sprigFuncs is sprig's function map; the bounded replacements call its originals.
var sprigFuncs = sprig.TxtFuncMap()

// baseFuncs is sprig's function map without removedFuncs, with our bounded replacements and
// extras. Random functions are added per binding (see templateFuncs).
var baseFuncs = func() template.FuncMap {
	fm := template.FuncMap{}
	for name, fn := range sprigFuncs {
		fm[name] = fn
	}
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

// templateFuncs is every function a template may call, the random ones reading random.
func templateFuncs(random io.Reader) template.FuncMap {
	fm := make(template.FuncMap, len(baseFuncs)+8)
	for k, v := range baseFuncs {
		fm[k] = v
	}
	for k, v := range randomFuncs(random) {
		fm[k] = v
	}
	return fm
}

// parseFuncs tells the parser which functions exist; templates run with a binding's instead.
var parseFuncs = templateFuncs(nil)

// freshRandomFuncs read crypto/rand or the clock whatever the provisioner's random source: Go
// 1.26's rsa, ecdsa and ed25519 key generation ignore the reader they are given (unless
// GODEBUG=cryptocustomrand=1), and certificates take their validity from the clock. Called in
// outputs or manifests they would change on every plan, so they may only be called in init and
// state, whose results a template keeps in state.
var freshRandomFuncs = []string{
	"genPrivateKey", "genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey", "bcrypt", "htpasswd", "encryptAES",
}

// maxListLength bounds the lists until/untilStep/seq build: templates shape configuration, and a
// larger list would only exhaust the provider's memory before any output limit applies.
const maxListLength = 100_000

// maxIndent bounds indent's and nindent's spaces.
const maxIndent = 1024

// boundedFuncs replace the functions that can build a large value in one call from small
// arguments, checking the size first, so a template fails with a message instead of exhausting
// memory. Results are checked after every call too (see binding.wrap); these checks stop what
// would be too large to build at all.
var boundedFuncs = template.FuncMap{
	"repeat": func(count int, s string) (string, error) {
		if count < 0 || (len(s) > 0 && count > MaxTemplateOutput/len(s)) {
			return "", fmt.Errorf("repeat: %d copies of %d bytes exceed %d bytes", count, len(s), MaxTemplateOutput)
		}
		return strings.Repeat(s, count), nil
	},
	"indent":  indenter("indent", ""),
	"nindent": indenter("nindent", "\n"),
	"replace": func(old, new, s string) (string, error) {
		if err := fits(len(s) + strings.Count(s, old)*(len(new)-len(old))); err != nil {
			return "", err
		}
		return strings.ReplaceAll(s, old, new), nil
	},
	"regexReplaceAll":            regexReplacer(false),
	"mustRegexReplaceAll":        regexReplacer(false),
	"regexReplaceAllLiteral":     regexReplacer(true),
	"mustRegexReplaceAllLiteral": regexReplacer(true),
	"join": func(sep string, v any) (string, error) {
		n, err := sizeOf(reflect.ValueOf(v), MaxTemplateValue)
		if err != nil {
			return "", err
		}
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array {
			n += rv.Len() * len(sep)
		}
		if err := fits(n); err != nil {
			return "", err
		}
		return sprigFuncs["join"].(func(string, any) string)(sep, v), nil
	},
	"wrapWith": func(width int, sep, s string) (string, error) {
		if err := fits(len(s) + (len(s)/max(width, 1)+1)*len(sep)); err != nil {
			return "", err
		}
		return sprigFuncs["wrapWith"].(func(int, string, string) string)(width, sep, s), nil
	},
	"genPrivateKey": func(kind string) (string, error) {
		if kind == "dsa" {
			return "", errors.New("DSA keys take seconds to generate and are deprecated; use rsa, ecdsa or ed25519")
		}
		return sprigFuncs["genPrivateKey"].(func(string) string)(kind), nil
	},
	// Builtins of text/template: a function of the same name overrides them.
	"print":     flattening(fmt.Sprint),
	"println":   flattening(fmt.Sprintln),
	"printf":    printf,
	"html":      flattening(template.HTMLEscaper),
	"js":        flattening(template.JSEscaper),
	"urlquery":  flattening(template.URLQueryEscaper),
	"cat":       flattening(sprigFuncs["cat"].(func(...any) string)),
	"quote":     flattening(sprigFuncs["quote"].(func(...any) string)),
	"squote":    flattening(sprigFuncs["squote"].(func(...any) string)),
	"until":     func(n int) ([]int, error) { return boundedRange(0, n, 1) },
	"untilStep": boundedRange,
	"seq":       seq,
}

// fits fails if a result of n bytes would exceed MaxTemplateValue.
func fits(n int) error {
	if n < 0 || n > MaxTemplateValue {
		return fmt.Errorf("the result would be larger than %d bytes, the limit for one value", MaxTemplateValue)
	}
	return nil
}

func indenter(name, prefix string) func(int, string) (string, error) {
	return func(spaces int, s string) (string, error) {
		if spaces < 0 || spaces > maxIndent {
			return "", fmt.Errorf("%s: %d spaces is out of range", name, spaces)
		}
		if err := fits(len(prefix) + len(s) + (strings.Count(s, "\n")+1)*spaces); err != nil {
			return "", err
		}
		pad := strings.Repeat(" ", spaces)
		return prefix + pad + strings.ReplaceAll(s, "\n", "\n"+pad), nil
	}
}

// regexReplacer is regexReplaceAll (or its Literal form): it counts the matches first, as an
// empty or short pattern with a long replacement multiplies the text's size.
func regexReplacer(literal bool) func(pattern, s, repl string) (string, error) {
	return func(pattern, s, repl string) (string, error) {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return "", err
		}
		refs := 0
		if !literal { // each $reference expands to at most its match
			refs = strings.Count(repl, "$")
		}
		if err := replacementFits(re, s, len(repl), refs); err != nil {
			return "", err
		}
		if literal {
			return re.ReplaceAllLiteralString(s, repl), nil
		}
		return re.ReplaceAllString(s, repl), nil
	}
}

// errTooManyMatches stops replacementFits' walk over the matches.
var errTooManyMatches = errors.New("too many matches")

// replacementFits fails if replacing re's matches in s would exceed MaxTemplateValue; it stops
// at the first match that would, as the matches can be a million.
func replacementFits(re *regexp.Regexp, s string, replLen, refs int) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p != errTooManyMatches {
				panic(p)
			}
			err = fits(-1)
		}
	}()
	n := len(s)
	re.ReplaceAllStringFunc(s, func(m string) string {
		if n += replLen + refs*len(m); n > MaxTemplateValue {
			panic(errTooManyMatches)
		}
		return ""
	})
	return fits(n)
}

// flattening bounds a function that writes its arguments out as text.
func flattening(f func(...any) string) func(...any) (string, error) {
	return func(args ...any) (string, error) {
		if err := argsFit(0, args); err != nil {
			return "", err
		}
		return f(args...), nil
	}
}

func printf(format string, args ...any) (string, error) {
	if err := argsFit(len(format)+formatPadding(format, args), args); err != nil {
		return "", err
	}
	return fmt.Sprintf(format, args...), nil
}

// argsFit fails if n bytes and the arguments' sizes exceed MaxTemplateValue.
func argsFit(n int, args []any) error {
	for _, a := range args {
		size, err := sizeOf(reflect.ValueOf(a), MaxTemplateValue)
		if err != nil {
			return err
		}
		n += size
	}
	return fits(n)
}

// formatPadding sums the widths and precisions a format asks for ("%1000000d" pads to a
// million bytes); with `*` they come from the arguments, so every integer argument counts.
func formatPadding(format string, args []any) int {
	n, num, inVerb, star := 0, 0, false, false
	for i := 0; i < len(format); i++ {
		c := format[i]
		switch {
		case !inVerb:
			inVerb = c == '%'
		case c >= '0' && c <= '9':
			num = min(num*10+int(c-'0'), MaxTemplateValue+1)
		case c == '*':
			star = true
		case strings.IndexByte("+-# .[]", c) >= 0:
			n, num = n+num, 0
		default: // the verb
			n, num, inVerb = n+num, 0, false
		}
	}
	n += num
	for _, a := range args {
		if v := reflect.ValueOf(a); star && v.CanInt() {
			n += int(min(max(v.Int(), -v.Int()), MaxTemplateValue+1))
		}
	}
	return n
}

func seq(params ...int) (string, error) {
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
	list, err := boundedRange(start, end, step)
	if err != nil {
		return "", err
	}
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, " "), nil
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
	if n <= 0 || uint64(n) > math.MaxUint32 {
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
	d.parsed = map[string]*template.Template{}
	for _, name := range sortedSectionNames(d.Templates) {
		t, err := template.New(name).Funcs(parseFuncs).Parse(d.Templates[name])
		if err != nil {
			errs = append(errs, templateMessage(err))
			continue
		}
		instrument(t)
		d.parsed[name] = t
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	d.bindings = newBindings(d.parsed)
	return nil
}

// templateMessage shortens text/template's "template: outputs:3:5: executing \"outputs\" at
// <fail \"x\">: error calling fail: x" to "outputs template, line 3: x".
func templateMessage(err error) string {
	name, line, rest, ok := splitTemplateError(err)
	if !ok {
		return rest
	}
	return fmt.Sprintf("%s template, line %d: %s", name, line, fieldSuggestion(rest))
}

// splitTemplateError splits text/template's "template: NAME:LINE:COL: MESSAGE" into the name, the
// line and the message (without the position of an execution error, and without "error calling
// fail: "); ok is false (and msg the whole text) when err has no position.
func splitTemplateError(err error) (name string, line int, msg string, ok bool) {
	msg = strings.TrimPrefix(err.Error(), "template: ")
	name, rest, found := strings.Cut(msg, ":")
	if !found {
		return "", 0, msg, false
	}
	lineText, rest, found := strings.Cut(rest, ":")
	if !found || lineText == "" || strings.Trim(lineText, "0123456789") != "" {
		return "", 0, msg, false
	}
	line, convErr := strconv.Atoi(lineText)
	if convErr != nil {
		return "", 0, msg, false
	}
	if col, after, found := strings.Cut(rest, ":"); found && col != "" && strings.Trim(col, "0123456789") == "" {
		rest = after
	}
	rest = strings.TrimSpace(rest)
	for _, fn := range []string{"fail", stepFunc, enterFunc} { // what the template author wrote, or nothing
		if _, after, found := strings.Cut(rest, "error calling "+fn+": "); found {
			rest = after
		}
	}
	return name, line, rest, true
}

// limitedWriter fails once more than n bytes are written, or when its run (if any) stops.
type limitedWriter struct {
	buf  bytes.Buffer
	n    int
	full bool
	run  *run
}

var errTooLarge = fmt.Errorf("output exceeds %d bytes", MaxTemplateOutput)

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		w.full = true
		return 0, errTooLarge
	}
	if w.run != nil {
		if err := w.run.step(); err != nil {
			return 0, err
		}
	}
	return w.buf.Write(p)
}

// execute runs one section and decodes its YAML output; an empty output decodes to nil.
func (b *binding) execute(section string, data *Data) (any, error) {
	t, ok := b.templates[section]
	if !ok {
		return nil, nil
	}
	b.run.section = section
	w := &limitedWriter{n: MaxTemplateOutput, run: b.run}
	if err := t.Execute(w, data); err != nil {
		return nil, b.run.explain(section, err)
	}
	out := w.buf.Bytes()
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	if bytes.Contains(out, noValue) {
		if section == "outputs" {
			return nil, noValueError(section, t, data, out)
		}
		b.run.warnings = append(b.run.warnings, noValueError(section, t, data, out).Error())
	}
	v, err := loader.DecodeYAML(out)
	if err != nil {
		// The output is not quoted: it may hold generated secrets, and diagnostics end up in CI logs.
		return nil, fmt.Errorf("%s template produced invalid YAML (%d bytes): %v", section, len(out), err)
	}
	return v, nil
}

// explain turns a section's execution error into a message naming the section and, where
// text/template knows it, the line.
func (r *run) explain(section string, err error) error {
	var ee template.ExecError
	if !errors.As(err, &ee) { // a write error: text/template returns it without a position
		return fmt.Errorf("%s template: %w", section, err)
	}
	if r.stopped != nil {
		return &stopError{msg: templateMessage(err), cause: r.stopped}
	}
	return errors.New(templateMessage(err))
}

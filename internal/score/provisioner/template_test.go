package provisioner_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// badTemplates parse but fail when provisioned; each message names the provisioner uri, the
// resource, the section (with its line when the template engine knows it) and the problem.
var badTemplates = []struct {
	name   string
	target targets.Target
	text   string
	wants  []string
}{
	{"fail in outputs", targets.Kubernetes, "- uri: template://t/fail\n  type: pg\n  outputs: |\n    host: db\n    port: 5432\n    {{ fail \"boom\" }}\n",
		[]string{"provisioner template://t/fail for resource 'pg.default#web.db'", "outputs template, line 3", "boom"}},
	{"fail in init", targets.Compose, "- uri: template://t/fail\n  type: pg\n  init: |\n    {{ if not .Params.size }}{{ fail \"params.size is required\" }}{{ end }}\n",
		[]string{"template://t/fail", "init template, line 1", "params.size is required"}},
	{"outputs produce invalid YAML", targets.Kubernetes, "- uri: template://t/yaml\n  type: pg\n  outputs: |\n    host: [unclosed\n",
		[]string{"template://t/yaml", "outputs template produced invalid YAML", "line 1"}},
	{"services produce invalid YAML", targets.Compose, "- uri: template://t/yaml\n  type: pg\n  services: |\n    a:\n      image: x\n     b: y\n",
		[]string{"template://t/yaml", "services template produced invalid YAML"}},
	{"state produces a scalar", targets.Kubernetes, "- uri: template://t/scalar\n  type: pg\n  state: |\n    just text\n",
		[]string{"template://t/scalar", "state template must produce a YAML mapping", "string"}},
	{"init produces a list", targets.Compose, "- uri: template://t/list\n  type: pg\n  init: |\n    - a\n    - b\n",
		[]string{"template://t/list", "init template must produce a YAML mapping", "[]interface {}"}},
	{"shared produces a list", targets.Kubernetes, "- uri: template://t/list\n  type: pg\n  shared: '[1, 2]'\n",
		[]string{"shared template must produce a YAML mapping"}},
	{"outputs produce a list", targets.Compose, "- uri: template://t/list\n  type: pg\n  outputs: '- host'\n",
		[]string{"outputs template must produce a YAML mapping"}},
	{"volumes produce a list", targets.Compose, "- uri: template://t/list\n  type: pg\n  volumes: '- data'\n",
		[]string{"volumes template must produce a YAML mapping"}},
	{"manifests produce a mapping", targets.Kubernetes, "- uri: template://t/map\n  type: pg\n  manifests: |\n    apiVersion: v1\n    kind: ConfigMap\n",
		[]string{"template://t/map", "manifests template must produce a YAML list of objects", "map[string]interface {}"}},
	{"manifest is a string", targets.Kubernetes, "- uri: template://t/str\n  type: pg\n  manifests: |\n    - apiVersion: v1\n      kind: ConfigMap\n      metadata: {name: a}\n    - just a string\n",
		[]string{"template://t/str", "manifests.1: must be an object, got string"}},
	{"info_logs produce a mapping", targets.Compose, "- uri: template://t/logs\n  type: pg\n  info_logs: 'a: b'\n",
		[]string{"info_logs template must produce a YAML list"}},
	{"output too large", targets.Kubernetes, "- uri: template://t/big\n  type: pg\n  outputs: |\n    a: {{ range until 50000 }}{{ repeat 100 \"x\" }}{{ end }}\n",
		[]string{"template://t/big", "outputs template", "output exceeds 4194304 bytes"}},
	{"manifests too large", targets.Kubernetes, "- uri: template://t/big\n  type: pg\n  manifests: |\n    {{ range until 90000 }}- {apiVersion: v1, kind: ConfigMap, metadata: {name: a-long-enough-name}}\n    {{ end }}\n",
		[]string{"manifests template", "output exceeds"}},
	{"missing key lookup on a nil map", targets.Kubernetes, "- uri: template://t/nil\n  type: pg\n  outputs: |\n    a: 1\n    b: {{ index .Params.missing \"deeper\" }}\n",
		[]string{"template://t/nil", "outputs template, line 2", "index of untyped nil"}},
	{"nested index through a missing key", targets.Compose, "- uri: template://t/nil\n  type: pg\n  outputs: |\n    a: {{ index .State \"missing\" \"x\" }}\n",
		[]string{"template://t/nil", "outputs template, line 1", "index of nil pointer"}},
	{"field of a scalar", targets.Kubernetes, "- uri: template://t/nil\n  type: pg\n  init: |\n    a: {{ .Uid.x }}\n",
		[]string{"init template, line 1", "can't evaluate field x"}},
	{"randAlphaNum with a huge length", targets.Kubernetes, "- uri: template://t/rand\n  type: pg\n  init: |\n    pw: {{ randAlphaNum 100000000 }}\n",
		[]string{"template://t/rand", "init template, line 1", "length 100000000 out of range"}},
	{"randAlpha with a negative length", targets.Compose, "- uri: template://t/rand\n  type: pg\n  init: 'pw: {{ randAlpha -1 }}'\n",
		[]string{"init template, line 1", "length -1 out of range"}},
	{"randBytes with a huge length", targets.Kubernetes, "- uri: template://t/rand\n  type: pg\n  init: 'pw: {{ randBytes 1000000000 }}'\n",
		[]string{"init template, line 1", "out of range"}},
	{"randInt with an empty range", targets.Kubernetes, "- uri: template://t/rand\n  type: pg\n  init: 'n: {{ randInt 5 5 }}'\n",
		[]string{"init template, line 1", "randInt: max (5) must be greater than min (5)"}},
	{"wrong argument type", targets.Compose, "- uri: template://t/arg\n  type: pg\n  outputs: |\n    a: {{ randAlphaNum \"six\" }}\n",
		[]string{"template://t/arg", "outputs template, line 1"}},
	{"fail in manifests", targets.Kubernetes, "- uri: template://t/fail\n  type: pg\n  manifests: |\n    - {{ fail (printf \"no manifests for %s\" .Uid) }}\n",
		[]string{"template://t/fail", "manifests template, line 1", "no manifests for pg.default#web.db"}},
	{"typo in an init key", targets.Kubernetes, "- uri: template://t/typo\n  type: pg\n  init: |\n    queue_name: jobs\n  outputs: |\n    host: db\n    queue: {{ .Init.queue_nme }}\n",
		[]string{"template://t/typo", `outputs template: a missing map key printed "<no value>" on line 2 of its output (key "queue")`,
			`.Init.queue_nme (line 2) has no key "queue_nme" (did you mean queue_name?)`, "check the spelling"}},
	{"unknown top-level field", targets.Compose, "- uri: template://t/typo\n  type: pg\n  outputs: |\n    ns: {{ .WorkloadNamespace }}\n",
		[]string{"outputs template, line 1", "can't evaluate field WorkloadNamespace", "(did you mean .Namespace?)"}},
	{"unknown top-level field, a typo", targets.Compose, "- uri: template://t/typo\n  type: pg\n  outputs: |\n    ns: {{ .SourceWorkoad }}\n",
		[]string{"(did you mean .SourceWorkload?)"}},
	{"unknown field of a workload service", targets.Kubernetes, "- uri: template://t/typo\n  type: pg\n  outputs: |\n    host: {{ (index .WorkloadServices \"web\").ServiceNme }}\n",
		[]string{"outputs template, line 1", "can't evaluate field ServiceNme in type provisioner.WorkloadService", "(did you mean .ServiceName?)"}},
	{"a variable declared from a missing key", targets.Compose, "- uri: template://t/typo\n  type: pg\n  init: |\n    queue_name: jobs\n  outputs: |\n    {{ $q := .Init.queue_nme }}\n    queue: {{ $q }}\n",
		[]string{`outputs template: a missing map key printed "<no value>" on line 2 of its output (key "queue")`,
			`$q := .Init.queue_nme (line 1) has no key "queue_nme" (did you mean queue_name?)`}},
	{"fail in files", targets.Compose, "- uri: template://t/fail\n  type: pg\n  files: |\n\n\n    {{ fail \"no files\" }}\n",
		[]string{"files template, line 3", "no files"}},
}

func TestProvisionTemplateFailures(t *testing.T) {
	req := engRequest("pg", 1)
	req.WorkloadServices = map[string]provisioner.WorkloadService{"web": {ServiceName: "web"}}
	for _, tc := range badTemplates {
		t.Run(tc.name, func(t *testing.T) {
			res, err := engProvision(t, tc.target, tc.text, req)
			engWantAll(t, err, tc.wants...)
			if res != nil {
				t.Errorf("want no result with an error, got %+v", res)
			}
		})
	}
}

// A "<no value>" printed in any section but outputs is a warning naming the resource, the
// provisioner, the section, the output line's key and the expression with close keys; the
// provisioning goes on, as upstream (issue 16, item 7).
func TestNoValueWarnings(t *testing.T) {
	res, err := engProvision(t, targets.Kubernetes, `- uri: template://t/typo
  type: pg
  init: |
    name: db-{{ .SourceWorkload }}
  state: |
    service: {{ .Init.nme }}
  outputs: |
    host: db
  manifests: |
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: {{ .Init.name }}
      data:
        owner: {{ .State.servce }}
`, engRequest("pg", 1))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`resource 'pg.default#web.db': provisioner template://t/typo: state template: a missing map key printed "<no value>" on line 1 of its output (key "service"): .Init.nme (line 1) has no key "nme" (did you mean name?); check the spelling, or give a default`,
		`resource 'pg.default#web.db': provisioner template://t/typo: manifests template: a missing map key printed "<no value>" on line 6 of its output (key "owner"): .State.servce (line 6) has no key "servce" (did you mean service?); check the spelling, or give a default`,
	}
	if len(res.Warnings) != len(want) {
		t.Fatalf("warnings:\n  %s", strings.Join(res.Warnings, "\n  "))
	}
	for i, w := range want {
		if !strings.HasPrefix(res.Warnings[i], w) {
			t.Errorf("warning %d:\n  %s\nwant it to start with\n  %s", i, res.Warnings[i], w)
		}
	}
	// Compose sections and info_logs too.
	res, err = engProvision(t, targets.Compose, "- uri: template://t/typo\n  type: pg\n  services: |\n    db:\n      image: {{ .Params.imag }}\n  info_logs: |\n    - \"connect to {{ .Init.host }}\"\n", engRequest("pg", 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 2 || !strings.Contains(res.Warnings[0], "services template") || !strings.Contains(res.Warnings[1], "info_logs template") {
		t.Errorf("compose warnings:\n  %s", strings.Join(res.Warnings, "\n  "))
	}
}

// Keys absent from maps stay usable the upstream way (default, dig, if, with): only a printed
// "<no value>" is an error.
func TestMissingKeysGuardedStillWork(t *testing.T) {
	res, err := engProvision(t, targets.Kubernetes, "- uri: template://t/ok\n  type: pg\n  outputs: |\n"+
		"    a: {{ .Params.size | default 5 }}\n    b: {{ dig \"x\" \"y\" .State }}\n    c: \"{{ if .Params.flag }}on{{ end }}\"\n"+
		"    d: \"{{ with .Init.nothing }}{{ . }}{{ end }}\"\n", engRequest("pg", 1))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(res.Outputs) != "map[a:5 b:y c: d:]" {
		t.Errorf("outputs = %v", res.Outputs)
	}
}

// Invalid output is not quoted in the message: it may hold a generated secret, and a huge bad
// output must not make a huge message.
func TestInvalidYAMLMessageDoesNotQuoteOutput(t *testing.T) {
	_, err := engProvision(t, targets.Compose, "- uri: template://t/yaml\n  type: pg\n  init: |\n    pw: {{ randAlphaNum 16 }}\n  outputs: |\n    a: [secret-{{ .Init.pw }}{{ range until 100000 }}x{{ end }}\n", engRequest("pg", 1))
	engWantAll(t, err, "outputs template produced invalid YAML")
	if strings.Contains(err.Error(), "secret-") {
		t.Errorf("the message quotes the template output: %v", err)
	}
	if len(err.Error()) > 4000 {
		t.Errorf("message is %d bytes long", len(err.Error()))
	}
}

func TestRemovedFunctionsAreNotAvailable(t *testing.T) {
	for _, fn := range []string{"env", "expandenv", "getHostByName", "now", "ago"} {
		text := "- uri: template://t/x\n  type: x\n  outputs: '{{ " + fn + " }}'\n"
		_, err := provisioner.ParseFile([]byte(text), targets.Kubernetes, engSource)
		engWantAll(t, err, `function "`+fn+`" not defined`)
	}
	// A sample of sprig stays: what the upstream defaults use.
	d := engOne(t, targets.Kubernetes, `
- uri: template://t/sprig
  type: x
  outputs: |
    a: {{ dig "k" "default" .State | quote }}
    b: {{ "Hello" | lower | squote }}
    c: {{ list 1 2 | toJson | b64enc }}
    d: {{ merge (dict "x" 1) (dict "y" 2) | toRawJson | quote }}
    e: {{ regexMatch "^a+$" "aaa" }}
    f: {{ substr 0 3 "abcdef" }}
    g: {{ "a.b.c" | replace "." "-" }}
    h: {{ atoi "42" }}
    i: {{ "x-" | trimSuffix "-" }}
    j: {{ "one" | indent 2 | quote }}
    k: {{ default "fallback" .Params.none }}
    l: {{ append (list 1) 2 | len }}
`)
	res, err := provisioner.Provision(context.Background(), d, engRequest("x", 1), provisioner.Options{Target: targets.Kubernetes})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"a": "default", "b": "hello", "c": "WzEsMl0=", "d": `{"x":1,"y":2}`, "e": true,
		"f": "abc", "g": "a-b-c", "h": 42, "i": "x", "j": "  one", "k": "fallback", "l": 2}
	for k, v := range want {
		if res.Outputs[k] != v {
			t.Errorf("output %s = %#v, want %#v", k, res.Outputs[k], v)
		}
	}
}

func TestRandomFunctionsUseTheRequestSource(t *testing.T) {
	text := `
- uri: template://t/rand
  type: x
  outputs: |
    alnum: {{ randAlphaNum 32 | quote }}
    alpha: {{ randAlpha 32 | quote }}
    num: {{ randNumeric 32 | quote }}
    ascii: {{ randAscii 32 | toJson }}
    bytes: {{ randBytes 16 | quote }}
    int: {{ randInt 10 20 }}
    uuid: {{ uuidv4 | quote }}
    shuffled: {{ shuffle "abcdefghijklmnopqrstuvwxyz" | quote }}
`
	run := func(seed uint64) map[string]any {
		res, err := engProvision(t, targets.Kubernetes, text, engRequest("x", seed))
		if err != nil {
			t.Fatal(err)
		}
		return res.Outputs
	}
	a, b, c := run(7), run(7), run(8)
	for k := range a {
		if a[k] != b[k] {
			t.Errorf("%s differs with the same seed: %v vs %v", k, a[k], b[k])
		}
		if k != "int" && a[k] == c[k] {
			t.Errorf("%s is the same with two seeds: %v", k, a[k])
		}
	}
	checks := map[string]string{"alnum": alnum, "alpha": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "num": "0123456789"}
	for k, chars := range checks {
		s := a[k].(string)
		if len(s) != 32 || strings.Trim(s, chars) != "" {
			t.Errorf("%s = %q", k, s)
		}
	}
	if n := a["int"].(int); n < 10 || n >= 20 {
		t.Errorf("randInt 10 20 = %d", n)
	}
	if !guidPattern.MatchString(a["uuid"].(string)) {
		t.Errorf("uuidv4 = %v", a["uuid"])
	}
	if s := a["shuffled"].(string); len(s) != 26 || s == "abcdefghijklmnopqrstuvwxyz" {
		t.Errorf("shuffle = %q", s)
	}

	// Without a random source, a random function is an error, not a panic.
	req := engRequest("x", 1)
	req.Random = nil
	req.Prior.GUID = "00000000-0000-4000-8000-000000000000"
	_, err := engProvision(t, targets.Kubernetes, text, req)
	engWantAll(t, err, "outputs template, line 1", "no random source")
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func TestEncodeSecretRef(t *testing.T) {
	if got := provisioner.EncodeSecretRef("pg-web-1234", "password"); got != "🔐💬pg-web-1234_password💬🔐" {
		t.Errorf("EncodeSecretRef = %q", got)
	}
	if !provisioner.ContainsSecretRef("postgres://u:" + provisioner.EncodeSecretRef("s", "k") + "@h") {
		t.Error("ContainsSecretRef misses a reference")
	}
	if provisioner.ContainsSecretRef("plain") {
		t.Error("ContainsSecretRef finds a reference in plain text")
	}
	res, err := engProvision(t, targets.Kubernetes, `
- uri: template://t/ref
  type: x
  outputs: |
    password: {{ encodeSecretRef (printf "secret-%s" .Id) "password" }}
    literal: 🔐💬secret-{{ .Id }}_password💬🔐
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outputs["password"] != "🔐💬secret-web.db_password💬🔐" || res.Outputs["password"] != res.Outputs["literal"] {
		t.Errorf("outputs = %v", res.Outputs)
	}
}

func TestTemplateDNSLabelFunction(t *testing.T) {
	res, err := engProvision(t, targets.Compose, `
- uri: template://t/names
  type: x
  outputs: |
    name: {{ dnsLabel "pg" .SourceWorkload .Id }}
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	if res.Outputs["name"] != "pg-web-web-db" {
		t.Errorf("name = %v", res.Outputs["name"])
	}
}

// Regression: template execution ignores the context. Provision takes a ctx (Terraform cancels it on
// interrupt or timeout), but nothing bounds the run time of a template:
// `{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}` produces no output (so
// MaxTemplateOutput never trips) and keeps `terraform plan` busy for hours with no way to stop
// it short of killing the provider. On the original code even a context cancelled before the
// call was ignored; checking ctx between sections (the first fix) covers that case but not a
// context cancelled while one section runs: text/template cannot be interrupted, so Provision
// would have to run the section in a goroutine and return when ctx is done.
func TestProvisionTemplateHonoursCancelledContext(t *testing.T) {
	t.Run("cancelled before", func(t *testing.T) {
		d := engOne(t, targets.Kubernetes, "- uri: template://t/busy\n  type: x\n  outputs: |\n    {{ range until 200 }}{{ range until 1000 }}{{ end }}{{ end }}a: 1\n")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		res, err := provisioner.Provision(ctx, d, engRequest("x", 1), provisioner.Options{Target: targets.Kubernetes})
		if err == nil {
			t.Errorf("Provision with a cancelled context succeeded after %s (outputs %v); want an error", time.Since(start), res.Outputs)
		}
	})
	t.Run("cancelled during a section", func(t *testing.T) {
		// About 3·10^7 empty iterations: several seconds of work, writing nothing.
		d := engOne(t, targets.Compose, "- uri: template://t/busy\n  type: x\n  outputs: |\n    {{ range until 30000 }}{{ range until 1000 }}{{ end }}{{ end }}a: 1\n")
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		res, err := provisioner.Provision(ctx, d, engRequest("x", 1), provisioner.Options{Target: targets.Compose})
		if elapsed := time.Since(start); elapsed > 1500*time.Millisecond || err == nil {
			var outputs map[string]any
			if res != nil {
				outputs = res.Outputs
			}
			t.Errorf("Provision returned after %s (context deadline 100ms) with error %v, outputs %v; want an error soon after the deadline", elapsed.Round(time.Millisecond), err, outputs)
		}
	})
}

// Regression: MaxTemplateOutput bounds what a section writes, not what it allocates. sprig's `repeat`
// (strings.Repeat), `until`/`untilStep`/`seq` build their whole result in memory first, so
// `{{ $x := repeat 2000000000 "x" }}` allocates 2 GB (and a larger count exhausts the
// provider's memory: a fatal error, not a diagnostic) while writing nothing. Here a 64 MB
// string is built and thrown away without any error.
func TestTemplateMemoryIsBounded(t *testing.T) {
	d := engOne(t, targets.Compose, "- uri: template://t/mem\n  type: x\n  outputs: |\n    {{ $x := repeat 64000000 \"x\" }}a: {{ len $x }}\n")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := provisioner.Provision(context.Background(), d, engRequest("x", 1), provisioner.Options{Target: targets.Compose})
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	if err == nil && allocated > 4*provisioner.MaxTemplateOutput {
		t.Errorf("a template allocated %d MB (outputs %v) with no error; MaxTemplateOutput is %d bytes", allocated>>20, res.Outputs, provisioner.MaxTemplateOutput)
	}
}

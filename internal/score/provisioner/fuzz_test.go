package provisioner_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// FuzzParseFile: any provisioners file text, for either target, gives definitions or an error,
// never a panic; every definition it returns is usable.
func FuzzParseFile(f *testing.F) {
	for _, tc := range badFiles {
		f.Add([]byte(tc.text), tc.target == targets.Kubernetes)
	}
	f.Add([]byte(passwordTemplate), true)
	f.Add([]byte(passwordTemplate), false)
	f.Add([]byte(orderTemplate), true)
	f.Add([]byte("- uri: local-env://x/env\n"), false)
	f.Add([]byte("- uri: cmd://bash#x\n  type: t\n  class: c\n  id: i\n  args: [-c, 'echo {}']\n  outputs: [a]\n  params: [b]\n"), true)
	f.Add([]byte("- &a {uri: 'template://x/y', type: t}\n- *a\n"), false)
	f.Add([]byte("- uri: template://x/y\n  type: t\n  outputs: !!binary aGVsbG8=\n"), true)
	f.Add([]byte("- {uri: template://x/y, type: t, secret_outputs: [a, b], expected_outputs: [a], supported_params: [p]}\n"), false)
	f.Add([]byte("- uri: template://x/y\n  type: t\n  outputs: |\n    {{ define \"x\" }}a: 1{{ end }}{{ template \"x\" }}\n"), true)
	if dir := fuzzSharedDir(); dir != "" {
		for _, c := range []struct {
			file string
			k8s  bool
		}{{"score-compose.default.provisioners.yaml", false}, {"score-k8s.default.provisioners.yaml", true}} {
			if data, err := os.ReadFile(filepath.Join(dir, c.file)); err == nil {
				f.Add(data, c.k8s)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, k8s bool) {
		target := targets.Compose
		if k8s {
			target = targets.Kubernetes
		}
		defs, err := provisioner.ParseFile(data, target, "fuzz")
		if err != nil && err.Error() == "" {
			t.Fatal("empty error message")
		}
		for _, d := range defs {
			if d == nil {
				t.Fatal("nil definition")
			}
			if d.URI == "" || d.Type == "" {
				t.Fatalf("definition without uri or type: %+v", d)
			}
			switch d.Scheme() {
			case "template", "cmd":
			case "local-env":
				if target != targets.Compose {
					t.Fatalf("local-env accepted for %s", target)
				}
			default:
				t.Fatalf("scheme %q accepted", d.Scheme())
			}
			_ = d.Matches(d.Type, "default", "w.r")
			_ = d.SecretOutputNames(nil)
			_ = d.IsSecretOutput("password")
		}
	})
}

// fuzzSharedDir is engSharedDir without a *testing.T (seeds are added before any test runs).
func fuzzSharedDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "conformance", "provisioners")
		}
	}
	return ""
}

// fuzzRequest gives templates something to read in every field.
func fuzzRequest() provisioner.Request {
	port := provisioner.ServicePort{Name: "www", Port: 8080, TargetPort: 80, Protocol: "TCP"}
	return provisioner.Request{
		UID: "x.default#web.db", Type: "x", Class: "default", ID: "web.db", SourceWorkload: "web",
		Params:           map[string]any{"s": "str", "n": 3, "l": []any{1, "a"}, "m": map[string]any{"k": "v"}, "path": "/a", "host": "h"},
		Metadata:         map[string]any{"annotations": map[string]any{"a": "b"}},
		WorkloadMetadata: map[string]any{"name": "web"},
		WorkloadServices: map[string]provisioner.WorkloadService{"web": {ServiceName: "web", Ports: map[string]provisioner.ServicePort{"www": port, "8080": port}}},
		Namespace:        "ns", ComposeProjectName: "p", MountsDirectory: "./mounts",
		Prior: provisioner.Stored{GUID: "11111111-2222-4333-8444-555555555555",
			State: map[string]any{"password": "pw", "n": 1}, Shared: map[string]any{"sk": map[string]any{"hosts": map[string]any{}}}},
	}
}

// fuzzTemplateTimeout is how long one fuzzed template may run.
const fuzzTemplateTimeout = 5 * time.Second

// FuzzTemplate: any outputs template, through ParseFile and Provision with a seeded random
// source, gives a result or an error, never a panic.
func FuzzTemplate(f *testing.F) {
	// Templates that run until the deadline would slow the fuzzer down to one input a second.
	defer provisioner.SetRunTimeout(time.Second)()
	for _, s := range []string{
		"host: db\nport: 5432\n",
		"{{ fail \"boom\" }}",
		"a: {{ randAlphaNum 16 | quote }}\nb: {{ randInt 1 10 }}\nc: {{ uuidv4 }}\nd: {{ shuffle \"abc\" }}",
		"a: {{ dig \"password\" \"x\" .State | quote }}\nb: {{ .Params.m.k }}\nc: {{ index .Params.l 1 }}",
		"{{ range $k, $v := .Params }}{{ $k }}: {{ toJson $v }}\n{{ end }}",
		"data: {{ toJson . }}",
		"{{ $w := index .WorkloadServices \"web\" }}port: {{ (index $w.Ports \"www\").TargetPort }}",
		"a: {{ encodeSecretRef \"s\" \"k\" }}\nb: {{ dnsLabel .Uid .Id }}",
		"a: {{ .Params.missing.deeper }}",
		"a: {{ index .Params.missing \"x\" }}",
		"- a\n- b",
		"a: [unclosed",
		"a: {{ b64enc \"x\" | b64dec }}\nb: {{ list 1 2 3 | join \",\" }}\nc: {{ regexReplaceAll \"a+\" \"caaat\" \"x\" }}",
		"{{ define \"t\" }}a: 1{{ end }}{{ template \"t\" }}",
		"a: {{ printf \"%v\" .Guid | sha256sum }}",
		"a: {{ range until 3 }}x{{ end }}",
		"a: &x [1, 2]\nb: *x",
		"a: {{ randAlphaNum 99999999 }}",
		"a: {{ repeat 5000000 \"x\" }}",
		"{{ range until 150000 }}{{ end }}a: 1",
		"a: {{ seq 1 2 9 }}\nb: {{ untilStep 0 10 3 | toJson }}\nc: {{ \"x\" | nindent 4 | quote }}",
		"a: {{ \"x\" | indent 3000 | len }}",
		"released: 2024-01-15\nn: .nan\nbig: 99999999999999999999\n~: null-key",
		"{{ if not (regexMatch \"^/|(/([^/]+))+$\" .Params.path) }}{{ fail \"bad path\" }}{{ end }}a: 1",
		// Size and time amplifiers: each must end with a limit's error, quickly.
		`{{ $s := "x" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}a: {{ len $s }}`,
		`{{ $l := list 1 }}{{ range until 40 }}{{ $l = concat $l $l }}{{ end }}a: {{ len $l }}`,
		`{{ $l := list }}{{ range until 100000 }}{{ $l = append $l "abcdefgh" }}{{ end }}a: 1`,
		`{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}a: 1`,
		`{{ $l := until 100000 }}{{ range $l }}{{ range $l }}{{ end }}{{ end }}a: 1`,
		`{{ range 1000000000 }}{{ end }}a: 1`,
		`{{ define "a" }}{{ if lt (len .) 40 }}{{ template "a" (append . 1) }}{{ template "a" (append . 1) }}{{ end }}{{ end }}{{ template "a" list }}a: 1`,
		`{{ define "a" }}{{ template "a" . }}{{ end }}{{ template "a" . }}`,
		`a: {{ regexReplaceAll "" (repeat 100000 "x") (repeat 100000 "y") | len }}`,
		`a: {{ replace "" (repeat 100000 "y") (repeat 100000 "x") | len }}`,
		`a: {{ printf "%*d" 1000000000 1 | len }}`,
		`a: {{ join (repeat 100000 "x") (until 1000) | len }}`,
		`a: {{ indent 1000 (repeat 100000 "\n") | len }}`,
		`{{ $d := dict }}{{ $_ := set $d "self" $d }}a: {{ toJson $d }}`,
		`a: {{ genPrivateKey "ed25519" | len }}\nb: {{ bcrypt "pw" | len }}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tmpl string) {
		text, err := yaml.Marshal([]map[string]string{{"uri": "template://fuzz/t", "type": "x", "outputs": tmpl}})
		if err != nil {
			return
		}
		for _, target := range targets.All {
			defs, err := provisioner.ParseFile(text, target, "fuzz")
			if err != nil {
				if len(defs) != 0 {
					t.Fatalf("definitions with an error: %v", defs)
				}
				return
			}
			req := fuzzRequest()
			req.Random = engRandom(1)
			// A template that runs too long is a finding (a hang in terraform plan), so it is
			// reported (and saved under testdata/fuzz) rather than left to stall the fuzzer.
			type outcome struct {
				res *provisioner.Result
				err error
			}
			done := make(chan outcome, 1)
			ctx, cancel := context.WithTimeout(context.Background(), fuzzTemplateTimeout)
			go func() {
				res, err := provisioner.Provision(ctx, defs[0], req, provisioner.Options{Target: target})
				done <- outcome{res, err}
			}()
			var o outcome
			select {
			case o = <-done:
				cancel()
			case <-time.After(fuzzTemplateTimeout + 2*time.Second):
				cancel()
				t.Fatalf("template still running after %s:\n%s", fuzzTemplateTimeout+2*time.Second, tmpl)
			}
			res, err := o.res, o.err
			if err == nil && res == nil {
				t.Fatal("no result and no error")
			}
			if err == nil {
				if _, err := yaml.Marshal(res.Outputs); err != nil {
					t.Fatalf("outputs do not encode: %v", err)
				}
			}
		}
	})
}

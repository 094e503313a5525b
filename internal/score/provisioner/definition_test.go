package provisioner_test

import (
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Helpers shared by this package's engine tests. Their names start with "eng" so they cannot
// clash with helpers other test files of the package define.

// engSource is the name ParseFile reports in messages, as the provider names a provisioners entry.
const engSource = "provisioners[0]"

// engRandom is a deterministic random source.
func engRandom(seed uint64) io.Reader {
	var key [32]byte
	for i := range 8 {
		key[i] = byte(seed >> (8 * i))
	}
	return rand.NewChaCha8(key)
}

// engParse parses a provisioners file that must be valid.
func engParse(t testing.TB, target targets.Target, text string) []*provisioner.Definition {
	t.Helper()
	defs, err := provisioner.ParseFile([]byte(text), target, engSource)
	if err != nil {
		t.Fatalf("ParseFile: %v\n--- file ---\n%s", err, text)
	}
	return defs
}

// engOne parses a provisioners file holding exactly one definition.
func engOne(t testing.TB, target targets.Target, text string) *provisioner.Definition {
	t.Helper()
	defs := engParse(t, target, text)
	if len(defs) != 1 {
		t.Fatalf("want 1 definition, got %d", len(defs))
	}
	return defs[0]
}

// engRequest is a typical request for a resource "db" of the workload "web".
func engRequest(resType string, seed uint64) provisioner.Request {
	return provisioner.Request{
		UID: resType + ".default#web.db", Type: resType, Class: "default", ID: "web.db",
		SourceWorkload: "web", Namespace: "shop", ComposeProjectName: "proj", MountsDirectory: "./mounts",
		Random: engRandom(seed),
	}
}

// engProvision provisions one request with the only definition of text.
func engProvision(t testing.TB, target targets.Target, text string, req provisioner.Request) (*provisioner.Result, error) {
	t.Helper()
	def := engOne(t, target, text)
	return provisioner.Provision(context.Background(), def, req, provisioner.Options{Target: target})
}

// engWantAll fails unless err is non-nil and its message holds every want.
func engWantAll(t testing.TB, err error, wants ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error containing %q, got none", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not contain %q:\n%v", w, err)
		}
	}
}

// badFiles are provisioners files ParseFile must reject, each with the message parts that tell
// the user where (entry index, uri, line) and what is wrong.
var badFiles = []struct {
	name   string
	target targets.Target
	text   string
	wants  []string
}{
	{"not a list (mapping)", targets.Kubernetes, "uri: template://a/b\ntype: x\n",
		[]string{"provisioners[0] (line 1)", "must be a list of provisioner definitions"}},
	{"not a list (scalar)", targets.Compose, "just a string\n",
		[]string{"provisioners[0] (line 1)", "must be a list"}},
	{"a path (relative)", targets.Kubernetes, "./prov.yaml",
		[]string{`provisioners[0] looks like a file path; pass the file's content: provisioners = [file("./prov.yaml")]`}},
	{"a path (absolute, .yml)", targets.Compose, "/etc/score/prov.yml\n",
		[]string{`provisioners[0] looks like a file path; pass the file's content: provisioners = [file("/etc/score/prov.yml")]`}},
	{"a path (bare file name)", targets.Compose, "provisioners.yaml",
		[]string{`provisioners[0] looks like a file path`, `[file("provisioners.yaml")]`}},
	{"a path (directory prefix, no extension)", targets.Kubernetes, "../shared/provisioners",
		[]string{`provisioners[0] looks like a file path`}},
	{"entry is a scalar", targets.Kubernetes, "- uri: template://a/ok\n  type: x\n- hello\n",
		[]string{"provisioners[0] entry 1 (line 3)", "must be a mapping"}},
	{"entry is a list", targets.Compose, "- [uri, template://a/b]\n",
		[]string{"entry 0 (line 1)", "must be a mapping"}},
	{"unknown field", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  ouputs: |\n    a: b\n",
		[]string{"entry 0 (template://a/b, line 1)", "line 3", `unknown field "ouputs"`}},
	{"unknown field in second entry", targets.Compose, "- uri: template://a/ok\n  type: x\n\n- uri: template://a/bad\n  type: y\n  description: d\n  colour: red\n",
		[]string{"entry 1 (template://a/bad, line 4)", "line 7", `unknown field "colour"`}},
	{"missing uri", targets.Kubernetes, "- type: postgres\n  outputs: 'a: b'\n",
		[]string{"entry 0 (line 1)", "uri is required"}},
	{"uri without scheme", targets.Kubernetes, "- uri: my-provisioners/postgres\n  type: postgres\n",
		[]string{"entry 0 (my-provisioners/postgres, line 1)", "uri must have a scheme"}},
	{"uri with colon but no //", targets.Compose, "- uri: 'template:x'\n  type: postgres\n",
		[]string{"entry 0 (template:x, line 1)", "uri must have a scheme"}},
	{"unparsable uri", targets.Compose, "- uri: '%zz://x'\n  type: postgres\n",
		[]string{"entry 0 (%zz://x, line 1)", "uri must have a scheme"}},
	{"local-env on kubernetes", targets.Kubernetes, "- uri: local-env://x/env\n  type: environment\n",
		[]string{"entry 0 (local-env://x/env, line 1)", `unsupported provisioner scheme "local-env" for the kubernetes target`, "supported: template, cmd"}},
	{"helm on kubernetes", targets.Kubernetes, "- uri: helm://charts/postgres\n  type: postgres\n",
		[]string{"entry 0 (helm://charts/postgres, line 1)", `unsupported provisioner scheme "helm"`}},
	{"terraform on compose", targets.Compose, "- uri: terraform://mod/pg\n  type: postgres\n",
		[]string{"entry 0 (terraform://mod/pg", `unsupported provisioner scheme "terraform" for the compose target`, "supported: template, cmd, local-env"}},
	{"missing type", targets.Kubernetes, "- uri: template://a/b\n  outputs: 'a: b'\n",
		[]string{"entry 0 (template://a/b, line 1)", "type is required"}},
	{"missing type on cmd", targets.Compose, "- uri: cmd://bash\n",
		[]string{"entry 0 (cmd://bash, line 1)", "type is required"}},
	{"manifests on compose", targets.Compose, "- uri: template://a/b\n  type: x\n  manifests: '- {}'\n",
		[]string{"entry 0 (template://a/b, line 1)", "manifests is not supported for the compose target"}},
	{"services on kubernetes", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  services: 'a: {}'\n",
		[]string{"entry 0 (template://a/b, line 1)", "services is not supported for the kubernetes target"}},
	{"files on kubernetes", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  files: 'a: b'\n  info_logs: '- hi'\n",
		[]string{"files is not supported for the kubernetes target", "info_logs is not supported for the kubernetes target"}},
	{"init on cmd", targets.Kubernetes, "- uri: cmd://bash\n  type: x\n  init: 'a: b'\n",
		[]string{"entry 0 (cmd://bash, line 1)", "init is only supported by template:// provisioners"}},
	{"outputs template on cmd", targets.Compose, "- uri: cmd://bash\n  type: x\n  outputs: 'a: b'\n  services: 'a: {}'\n",
		[]string{"entry 0 (cmd://bash, line 1)", "outputs is only supported by template:// provisioners", "services is only supported by template:// provisioners"}},
	{"state on local-env", targets.Compose, "- uri: local-env://x/env\n  state: 'a: b'\n",
		[]string{"entry 0 (local-env://x/env, line 1)", "state is only supported by template:// provisioners"}},
	{"args on template", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  args: [-c, echo]\n",
		[]string{"entry 0 (template://a/b, line 1)", "args is only supported by cmd:// provisioners"}},
	{"outputs as a mapping", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  outputs:\n    host: db\n",
		[]string{"entry 0 (template://a/b, line 1)", "outputs must be a template string"}},
	{"outputs as a list on a template", targets.Compose, "- uri: template://a/b\n  type: x\n  outputs: [host, port]\n",
		[]string{"entry 0 (template://a/b, line 1)", "outputs must be a template string"}},
	{"type is a list", targets.Kubernetes, "- uri: template://a/b\n  type: [x, y]\n",
		[]string{"entry 0 (template://a/b, line 1)", "cannot unmarshal"}},
	{"class is a mapping", targets.Compose, "- uri: template://a/b\n  type: x\n  class: {a: b}\n",
		[]string{"entry 0 (template://a/b, line 1)", "line 3", "cannot unmarshal"}},
	{"secret_outputs is a string", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  secret_outputs: password\n",
		[]string{"entry 0 (template://a/b, line 1)", "cannot unmarshal"}},
	{"init is a mapping", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  init:\n    a: b\n",
		[]string{"entry 0 (template://a/b, line 1)", "cannot unmarshal"}},
	{"invalid YAML (bad indentation)", targets.Kubernetes, "- uri: template://a/b\n type: x\n",
		[]string{"provisioners[0]: invalid YAML", "line 1", "did not find expected '-' indicator"}},
	{"invalid YAML (unclosed quote)", targets.Compose, "- uri: \"template://a/b\n  type: x\n",
		[]string{"provisioners[0]: invalid YAML"}},
	{"invalid YAML (tab indentation)", targets.Compose, "- uri: template://a/b\n\ttype: x\n",
		[]string{"provisioners[0]: invalid YAML"}},
	{"duplicate key", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  type: y\n",
		[]string{"entry 0 (template://a/b, line 1)", "line 3", `mapping key "type" already defined at line 2`}},
	{"template syntax error", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  outputs: |\n    a: 1\n    b: 2\n    c: {{ if }}\n",
		[]string{"entry 0 (template://a/b, line 1)", "outputs template, line 3", "missing value for if"}},
	{"template unclosed action", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  outputs: |\n    a: 1\n    b: 2\n    c: {{ .Params.x\n",
		[]string{"entry 0 (template://a/b, line 1)", "outputs template, line 4", "unclosed action started at outputs:3"}},
	{"template syntax error in manifests", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  manifests: |\n    - {{ end }}\n",
		[]string{"entry 0 (template://a/b, line 1)", "manifests template, line 1", "unexpected {{end}}"}},
	{"unknown function", targets.Compose, "- uri: template://a/b\n  type: x\n  init: |\n    a: {{ nosuchfunc 1 }}\n",
		[]string{"entry 0 (template://a/b, line 1)", "init template, line 1", `function "nosuchfunc" not defined`}},
	{"unknown function, a typo", targets.Kubernetes, "- uri: template://a/b\n  type: x\n  outputs: |\n    a: {{ randAlphaNun 8 | quot }}\n",
		[]string{"outputs template, line 1", `function "randAlphaNun" not defined (did you mean randAlphaNum or`}},
	{"env is not available", targets.Kubernetes, "- uri: template://a/env\n  type: x\n  outputs: |\n    home: {{ env \"HOME\" }}\n",
		[]string{"entry 0 (template://a/env, line 1)", "outputs template, line 1", `function "env" not defined`, "it is removed here"}},
	{"expandenv is not available", targets.Compose, "- uri: template://a/env\n  type: x\n  state: |\n    a: 1\n    home: {{ expandenv \"$HOME\" }}\n",
		[]string{"state template, line 2", `function "expandenv" not defined`}},
	{"getHostByName is not available", targets.Kubernetes, "- uri: template://a/dns\n  type: x\n  shared: |\n    ip: {{ getHostByName \"localhost\" }}\n",
		[]string{"entry 0 (template://a/dns, line 1)", "shared template, line 1", `function "getHostByName" not defined`}},
	{"now is not available", targets.Compose, "- uri: template://a/clock\n  type: x\n  services: |\n    a: {{ now }}\n",
		[]string{"services template, line 1", `function "now" not defined`}},
	{"ago is not available", targets.Kubernetes, "- uri: template://a/clock\n  type: x\n  outputs: '{{ ago 1 }}'\n",
		[]string{"outputs template, line 1", `function "ago" not defined`}},
	{"two errors in one entry", targets.Kubernetes, "- uri: template://a/b\n  services: 'a: {}'\n  args: [x]\n",
		[]string{"type is required", "services is not supported for the kubernetes target", "args is only supported by cmd:// provisioners"}},
	{"two bad entries are both reported", targets.Compose, "- uri: template://a/one\n- type: x\n- uri: template://a/three\n  type: x\n",
		[]string{"entry 0 (template://a/one, line 1): type is required", "entry 1 (line 2): uri is required"}},
}

func TestParseFileRejectsBadFiles(t *testing.T) {
	if len(badFiles) < 30 {
		t.Fatalf("the table should hold at least 30 bad files, has %d", len(badFiles))
	}
	for _, tc := range badFiles {
		t.Run(tc.name, func(t *testing.T) {
			defs, err := provisioner.ParseFile([]byte(tc.text), tc.target, engSource)
			engWantAll(t, err, tc.wants...)
			// A file with one bad entry still returns the good ones, never a nil entry.
			for _, d := range defs {
				if d == nil {
					t.Error("nil definition returned")
				}
			}
		})
	}
}

func TestParseFileGoodEntriesSurviveBadOnes(t *testing.T) {
	text := "- uri: template://a/good\n  type: redis\n- uri: template://a/bad\n"
	defs, err := provisioner.ParseFile([]byte(text), targets.Kubernetes, engSource)
	engWantAll(t, err, "entry 1 (template://a/bad, line 3): type is required")
	if len(defs) != 1 || defs[0].URI != "template://a/good" {
		t.Fatalf("want the good entry back, got %+v", defs)
	}
}

func TestParseFileEmpty(t *testing.T) {
	for _, text := range []string{"", "\n", "# only a comment\n"} {
		defs, err := provisioner.ParseFile([]byte(text), targets.Compose, engSource)
		if err != nil || len(defs) != 0 {
			t.Errorf("%q: want no definitions and no error, got %v, %v", text, defs, err)
		}
	}
	// An empty list is fine too.
	defs, err := provisioner.ParseFile([]byte("[]"), targets.Kubernetes, engSource)
	if err != nil || len(defs) != 0 {
		t.Errorf("[]: got %v, %v", defs, err)
	}
}

// Regression: a file that is an explicitly empty YAML document ("---" followed only by comments, as
// left behind when every entry of such a file is commented out) or "null" is rejected with "must
// be a list", although an empty or comment-only file is accepted: ParseFile checks for a
// document without content but not for a document holding a null scalar.
func TestParseFileNullDocumentIsEmpty(t *testing.T) {
	for _, text := range []string{"---\n", "---\n# - uri: template://a/b\n#   type: x\n", "null\n", "~\n"} {
		defs, err := provisioner.ParseFile([]byte(text), targets.Compose, engSource)
		if err != nil || len(defs) != 0 {
			t.Errorf("%q: want no definitions and no error, got %v, %v", text, defs, err)
		}
	}
}

func TestParseFileFields(t *testing.T) {
	text := `
- uri: template://mine/postgres
  type: postgres
  class: large
  id: shared-db
  description: A database.
  expected_outputs: [host, port, password]
  supported_params: [version]
  secret_outputs: [password]
  init: |
    a: 1
  outputs: |
    host: db
- uri: template://mine/any
  type: redis
  class: null
  id: null
- uri: cmd://bash
  type: thing
  args: ["-c", "echo {}"]
  outputs: [legacy, names]
  params: [legacy]
`
	defs := engParse(t, targets.Kubernetes, text)
	if len(defs) != 3 {
		t.Fatalf("want 3, got %d", len(defs))
	}
	pg := defs[0]
	if pg.URI != "template://mine/postgres" || pg.Type != "postgres" || pg.Class == nil || *pg.Class != "large" ||
		pg.ID == nil || *pg.ID != "shared-db" || pg.Description != "A database." {
		t.Errorf("fields not read: %+v", pg)
	}
	if strings.Join(pg.ExpectedOutputs, ",") != "host,port,password" || strings.Join(pg.SupportedParams, ",") != "version" {
		t.Errorf("lists not read: %+v", pg)
	}
	if pg.Scheme() != "template" || pg.Templates["init"] == "" || pg.Templates["outputs"] == "" || len(pg.Templates) != 2 {
		t.Errorf("templates not read: %+v", pg.Templates)
	}
	if !strings.Contains(pg.Source, "provisioners[0] entry 0 (template://mine/postgres, line 2)") {
		t.Errorf("Source = %q", pg.Source)
	}
	if defs[1].Class != nil || defs[1].ID != nil {
		t.Errorf("null class/id should be nil (any): %+v", defs[1])
	}
	if defs[2].Scheme() != "cmd" || strings.Join(defs[2].Args, " ") != "-c echo {}" {
		t.Errorf("cmd entry: %+v", defs[2])
	}

	// Matching: type, then class and id when set.
	for _, c := range []struct {
		d              *provisioner.Definition
		typ, class, id string
		want           bool
	}{
		{pg, "postgres", "large", "shared-db", true},
		{pg, "postgres", "default", "shared-db", false},
		{pg, "postgres", "large", "web.db", false},
		{pg, "mysql", "large", "shared-db", false},
		{defs[1], "redis", "anything", "web.cache", true},
		{defs[1], "Redis", "default", "web.cache", false},
	} {
		if got := c.d.Matches(c.typ, c.class, c.id); got != c.want {
			t.Errorf("%s Matches(%s, %s, %s) = %v", c.d.URI, c.typ, c.class, c.id, got)
		}
	}
}

func TestParseFileLocalEnvDefaultsType(t *testing.T) {
	d := engOne(t, targets.Compose, "- uri: local-env://x/env\n")
	if d.Type != "environment" || d.Scheme() != "local-env" {
		t.Fatalf("got %+v", d)
	}
	res, err := provisioner.Provision(context.Background(), d, engRequest("environment", 1), provisioner.Options{Target: targets.Compose})
	if err != nil || !res.Environment || len(res.Outputs) != 0 {
		t.Fatalf("local-env: %+v, %v", res, err)
	}
}

func TestLibraryMatch(t *testing.T) {
	defs := engParse(t, targets.Kubernetes, `
- uri: template://a/specific
  type: postgres
  class: default
  id: shared
- uri: template://a/large
  type: postgres
  class: large
- uri: template://a/any
  type: postgres
- uri: template://a/redis
  type: redis
`)
	lib := &provisioner.Library{Target: targets.Kubernetes, Provisioners: defs}
	for _, c := range []struct{ class, id, want string }{
		{"default", "shared", "template://a/specific"},
		{"large", "shared", "template://a/large"},
		{"default", "web.db", "template://a/any"},
		{"small", "web.db", "template://a/any"},
	} {
		d, err := lib.Match("uid", "postgres", c.class, c.id)
		if err != nil || d.URI != c.want {
			t.Errorf("Match(postgres, %s, %s) = %v, %v; want %s", c.class, c.id, d, err, c.want)
		}
	}

	_, err := lib.Match("mysql.large#web.db", "mysql", "large", "web.db")
	engWantAll(t, err, "resource 'mysql.large#web.db'", `type "mysql"`, `class "large"`, "kubernetes target", "available types: postgres, redis")

	empty := &provisioner.Library{Target: targets.Compose}
	_, err = empty.Match("x.default#w.x", "x", "default", "w.x")
	engWantAll(t, err, "resource 'x.default#w.x'", "compose target", "available types: ")
}

// A provisioner keeps a shared instance when its templates use .Shared (or it has a shared
// section), or when it is a cmd:// program; the upstream files' route and postgres do, their
// elasticsearch (fixed names, nothing shared) does not.
func TestKeepsSharedInstance(t *testing.T) {
	defs := engParse(t, targets.Compose, `
- uri: template://t/reads
  type: a
  outputs: "host: {{ .Shared.host }}"
- uri: template://t/writes
  type: b
  shared: "x: 1"
- uri: template://t/alone
  type: c
  outputs: "host: {{ .Id }}"
- uri: cmd://echo
  type: d
`)
	want := map[string]bool{"a": true, "b": true, "c": false, "d": true}
	for _, d := range defs {
		if got := d.KeepsSharedInstance(); got != want[d.Type] {
			t.Errorf("%s: KeepsSharedInstance() = %v, want %v", d.URI, got, want[d.Type])
		}
	}
	text, err := os.ReadFile(filepath.Join(engSharedDir(t), "score-compose.default.provisioners.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	upstream := engParse(t, targets.Compose, string(text))
	for _, d := range upstream {
		switch d.Type {
		case "route", "postgres":
			if !d.KeepsSharedInstance() {
				t.Errorf("upstream %s keeps a shared instance", d.URI)
			}
		case "elasticsearch":
			if d.KeepsSharedInstance() {
				t.Errorf("upstream %s shares nothing: two of them colliding is an error", d.URI)
			}
		}
	}
}

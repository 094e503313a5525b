package loader_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

// head is the smallest valid workload; cases append to it, so their first own line is line 7.
const head = `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  web:
    image: nginx
`

// load runs loader.Load and turns a panic into a test failure with the input, so one bad case
// does not hide the others.
func load(t *testing.T, in loader.Input) (w *loader.Workload, err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Load panicked: %v\ncontent:\n%s\noverrides: %q\noverrides_yaml: %q\n%s", r, in.Content, in.Overrides, in.OverridesYAML, debug.Stack())
			w, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return loader.Load(in)
}

// problemsOf asserts err is a *loader.Problems and returns it.
func problemsOf(t *testing.T, err error) *loader.Problems {
	t.Helper()
	var ps *loader.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is %T (%v), want *loader.Problems", err, err)
	}
	if len(ps.List) == 0 {
		t.Fatalf("*loader.Problems holds no problem")
	}
	if ps.Error() == "" {
		t.Errorf("Problems.Error() is empty")
	}
	return ps
}

func dump(l problem.List) string {
	var b strings.Builder
	for _, p := range l {
		fmt.Fprintf(&b, "\n    [%s] %s", p.Location(), p.Message)
	}
	return b.String()
}

type want struct {
	loc string // exact problem.Problem.Location()
	msg string // substring of the message
}

type invalidCase struct {
	name    string
	content string
	// prepare adjusts the input; dir is a fresh directory, already set as BaseDir.
	prepare func(t *testing.T, dir string, in *loader.Input)
	input   string // expected Problems.Input
	want    []want
	count   int // when > 0, the exact number of problems
}

func withOverrides(kv ...string) func(*testing.T, string, *loader.Input) {
	return func(_ *testing.T, _ string, in *loader.Input) {
		in.Overrides = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			in.Overrides[kv[i]] = kv[i+1]
		}
	}
}

func withOverridesYAML(doc string) func(*testing.T, string, *loader.Input) {
	return func(_ *testing.T, _ string, in *loader.Input) { in.OverridesYAML = []byte(doc) }
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sourceFile is a workload whose only file comes from source; lines: files 7, target 8, source 9.
func sourceFile(source string) string {
	return head + `    files:
      /etc/app.conf:
        source: ` + source + "\n"
}

const twoFileFields = head + `    files:
      /etc/app.conf:
        content: hello
        source: app.conf
`

func invalidCases() []invalidCase {
	return []invalidCase{
		// ---- schema: the document's shape ----
		{
			name:    "wrong apiVersion",
			content: strings.Replace(head, "score.dev/v1b1", "score.dev/v2", 1),
			want:    []want{{"apiVersion (line 1)", `does not match pattern '^score\\.dev/v1b1$'`}},
			count:   1,
		},
		{
			name:    "apiVersion not a string",
			content: strings.Replace(head, "score.dev/v1b1", "1", 1),
			want:    []want{{"apiVersion (line 1)", "expected string, but got number"}},
		},
		{
			name:    "missing apiVersion",
			content: strings.Replace(head, "apiVersion: score.dev/v1b1\n", "", 1),
			want:    []want{{"line 1", `missing required field "apiVersion"`}},
			count:   1,
		},
		{
			name:    "missing metadata",
			content: "apiVersion: score.dev/v1b1\ncontainers:\n  web:\n    image: nginx\n",
			want:    []want{{"line 1", `missing required field "metadata"`}},
			count:   1,
		},
		{
			name:    "missing containers",
			content: "apiVersion: score.dev/v1b1\nmetadata:\n  name: web-app\n",
			want:    []want{{"line 1", `missing required field "containers"`}},
			count:   1,
		},
		{
			name:    "missing everything",
			content: "service: {}\n",
			want:    []want{{"line 1", `missing required field "apiVersion", "metadata", "containers"`}},
		},
		{
			name:    "empty containers",
			content: "apiVersion: score.dev/v1b1\nmetadata:\n  name: web-app\ncontainers: {}\n",
			want:    []want{{"containers (line 4)", "minimum 1 properties"}},
			count:   1,
		},
		{
			name:    "containers is a list",
			content: "apiVersion: score.dev/v1b1\nmetadata:\n  name: web-app\ncontainers:\n  - image: nginx\n",
			want:    []want{{"containers (line 5)", "expected object, but got array"}},
		},
		{
			name:    "metadata.name not a DNS label",
			content: strings.Replace(head, "web-app", "Web_App", 1),
			want:    []want{{"metadata.name (line 3)", "does not match pattern"}},
			count:   1,
		},
		{
			name:    "metadata.name too long",
			content: strings.Replace(head, "web-app", strings.Repeat("a", 64), 1),
			want:    []want{{"metadata.name (line 3)", "length must be <= 63"}},
		},
		{
			name:    "metadata without name",
			content: strings.Replace(head, "name: web-app", "team: x", 1),
			want:    []want{{"metadata (line 3)", `missing required field "name"`}},
			count:   1,
		},
		{
			name: "bad annotation key",
			content: `apiVersion: score.dev/v1b1
metadata:
  name: web-app
  annotations:
    _bad: x
containers:
  web:
    image: nginx
`,
			want:  []want{{"metadata.annotations._bad (line 5)", `invalid name "_bad"`}},
			count: 1,
		},
		{
			name: "annotation value not a string",
			content: `apiVersion: score.dev/v1b1
metadata:
  name: web-app
  annotations:
    example.com/replicas: 3
containers:
  web:
    image: nginx
`,
			want:  []want{{`metadata.annotations["example.com/replicas"] (line 5)`, "expected string, but got number"}},
			count: 1,
		},
		{
			name:    "unknown top-level field",
			content: head + "extra: 1\n",
			want:    []want{{"extra (line 7)", `unknown field "extra" is not allowed here`}},
			count:   1,
		},
		{
			name:    "unknown container field",
			content: head + "    imagePullPolicy: Always\n",
			want:    []want{{"containers.web.imagePullPolicy (line 7)", `unknown field "imagePullPolicy"`}},
			count:   1,
		},
		{
			name: "unknown file field",
			content: head + `    files:
      /etc/app.conf:
        content: hi
        owner: root
`,
			want:  []want{{`containers.web.files["/etc/app.conf"].owner (line 10)`, `unknown field "owner"`}},
			count: 1,
		},
		{
			name: "target inside a map-form file",
			content: head + `    files:
      /etc/app.conf:
        target: /etc/app.conf
        content: hi
`,
			want: []want{{`containers.web.files["/etc/app.conf"].target (line 9)`, `unknown field "target"`}},
		},
		{
			name: "unknown volume field",
			content: head + `    volumes:
      /data:
        source: data
        size: 1Gi
`,
			want:  []want{{`containers.web.volumes["/data"].size (line 10)`, `unknown field "size"`}},
			count: 1,
		},
		{
			name: "volume without source",
			content: head + `    volumes:
      /data:
        readOnly: true
`,
			want: []want{{`containers.web.volumes["/data"] (line 9)`, `missing required field "source"`}},
		},
		{
			name: "unknown probe field",
			content: head + `    livenessProbe:
      httpGet:
        port: 8080
        path: /healthz
        timeout: 5
      tcpSocket:
        port: 8080
`,
			want: []want{
				{"containers.web.livenessProbe.httpGet.timeout (line 11)", `unknown field "timeout"`},
				{"containers.web.livenessProbe.tcpSocket (line 12)", `unknown field "tcpSocket"`},
			},
			count: 2,
		},
		{
			name: "unknown resource field",
			content: head + `resources:
  db:
    type: postgres
    version: 14
`,
			want:  []want{{"resources.db.version (line 10)", `unknown field "version"`}},
			count: 1,
		},
		{
			name: "unknown service field",
			content: head + `service:
  hostname: web
`,
			want: []want{{"service.hostname (line 8)", `unknown field "hostname"`}},
		},
		{
			name: "variable value is a number",
			content: head + `    variables:
      PORT: 8080
      DEBUG: true
`,
			want: []want{
				{"containers.web.variables.PORT (line 8)", "expected string, but got number"},
				{"containers.web.variables.DEBUG (line 9)", "expected string, but got boolean"},
			},
			count: 2,
		},
		{
			name: "variable name holds =",
			content: head + `    variables:
      "A=B": x
`,
			want:  []want{{`containers.web.variables["A=B"] (line 8)`, `invalid name "A=B"`}},
			count: 1,
		},
		{
			name: "port out of range",
			content: head + `service:
  ports:
    www:
      port: 70000
      targetPort: 0
`,
			want: []want{
				{"service.ports.www.port (line 10)", "must be <= 65535 but found 70000"},
				{"service.ports.www.targetPort (line 11)", "must be >= 1 but found 0"},
			},
			count: 2,
		},
		{
			name: "bad protocol",
			content: head + `service:
  ports:
    www:
      port: 80
      protocol: SCTP
`,
			want:  []want{{"service.ports.www.protocol (line 11)", "value must be one of"}},
			count: 1,
		},
		{
			name: "service port name invalid",
			content: head + `service:
  ports:
    Www_Port:
      port: 80
`,
			want:  []want{{"service.ports.Www_Port (line 9)", `invalid name "Www_Port"`}},
			count: 1,
		},
		{
			name: "service port without port",
			content: head + `service:
  ports:
    www:
      protocol: TCP
`,
			want: []want{{"service.ports.www (line 10)", `missing required field "port"`}},
		},
		{
			name:    "file with content and source",
			content: twoFileFields,
			want:    []want{{`containers.web.files["/etc/app.conf"] (line 9)`, "exactly one of content, binaryContent or source must be set"}},
			count:   1,
		},
		{
			name: "file with all three contents",
			content: head + `    files:
      /etc/app.conf:
        content: hello
        binaryContent: aGVsbG8=
        source: app.conf
`,
			want: []want{{`containers.web.files["/etc/app.conf"] (line 9)`, "exactly one of content, binaryContent or source must be set"}},
		},
		{
			name: "file without content",
			content: head + `    files:
      /etc/app.conf:
        mode: "0644"
`,
			want:  []want{{`containers.web.files["/etc/app.conf"] (line 9)`, "one of content, binaryContent or source is required"}},
			count: 1,
		},
		{
			name: "file content not a string",
			content: head + `    files:
      /etc/app.conf:
        content: 5
`,
			want:  []want{{`containers.web.files["/etc/app.conf"].content (line 9)`, "expected string, but got number"}},
			count: 1,
		},
		{
			name: "bad file mode",
			content: head + `    files:
      /etc/app.conf:
        content: hi
        mode: "0999"
`,
			want:  []want{{`containers.web.files["/etc/app.conf"].mode (line 10)`, "does not match pattern"}},
			count: 1,
		},
		{
			name: "bad cpu and memory",
			content: head + `    resources:
      limits:
        cpu: lots
        memory: 1gb
      requests:
        memory: 512Mi
        cpu: "0.5"
        gpu: "1"
`,
			want: []want{
				{"containers.web.resources.limits.cpu (line 9)", "does not match pattern"},
				{"containers.web.resources.limits.memory (line 10)", "does not match pattern"},
				{"containers.web.resources.requests.gpu (line 14)", `unknown field "gpu"`},
			},
			count: 3,
		},
		{
			name: "http probe without path",
			content: head + `    livenessProbe:
      httpGet:
        port: 8080
`,
			want:  []want{{"containers.web.livenessProbe.httpGet (line 9)", `missing required field "path"`}},
			count: 1,
		},
		{
			name: "http probe without port",
			content: head + `    readinessProbe:
      httpGet:
        path: /ready
`,
			want:  []want{{"containers.web.readinessProbe.httpGet (line 9)", `missing required field "port"`}},
			count: 1,
		},
		{
			name: "http probe bad scheme",
			content: head + `    readinessProbe:
      httpGet:
        path: /ready
        port: 8080
        scheme: FTP
`,
			want:  []want{{"containers.web.readinessProbe.httpGet.scheme (line 11)", "value must be one of"}},
			count: 1,
		},
		{
			name: "http probe bad header name",
			content: head + `    readinessProbe:
      httpGet:
        path: /ready
        port: 8080
        httpHeaders:
          - name: X Bad Header
            value: v
          - name: X-Good
`,
			want: []want{
				{"containers.web.readinessProbe.httpGet.httpHeaders.0.name (line 12)", "does not match pattern"},
				{"containers.web.readinessProbe.httpGet.httpHeaders.1 (line 14)", `missing required field "value"`},
			},
			count: 2,
		},
		{
			name: "exec probe without command",
			content: head + `    livenessProbe:
      exec:
        cmd: [true]
`,
			want: []want{
				{"containers.web.livenessProbe.exec (line 9)", `missing required field "command"`},
				{"containers.web.livenessProbe.exec.cmd (line 9)", `unknown field "cmd"`},
			},
			count: 2,
		},
		{
			name: "before with bad ready value",
			content: head + `    before:
      init:
        ready: done
  init:
    image: busybox
`,
			want:  []want{{"containers.web.before.init.ready (line 9)", "value must be one of"}},
			count: 1,
		},
		{
			name: "resource missing type",
			content: head + `resources:
  db:
    class: large
`,
			want:  []want{{"resources.db (line 9)", `missing required field "type"`}},
			count: 1,
		},
		{
			name: "bad resource type, class and id",
			content: head + `resources:
  db:
    type: _postgres
    class: "-large"
    id: Shared_DB
`,
			want: []want{
				{"resources.db.type (line 9)", "does not match pattern"},
				{"resources.db.class (line 10)", "does not match pattern"},
				{"resources.db.id (line 11)", "does not match pattern"},
			},
			count: 3,
		},
		{
			name: "bad resource and container names",
			content: `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  Web_1:
    image: nginx
resources:
  DB_1:
    type: postgres
`,
			want: []want{
				{"containers.Web_1 (line 5)", `invalid name "Web_1"`},
				{"resources.DB_1 (line 8)", `invalid name "DB_1"`},
			},
			count: 2,
		},
		{
			name: "bad resource annotation key",
			content: head + `resources:
  db:
    type: postgres
    metadata:
      annotations:
        "bad key": x
`,
			want: []want{{`resources.db.metadata.annotations["bad key"] (line 12)`, `invalid name "bad key"`}},
		},

		// ---- YAML and JSON syntax ----
		{
			name:    "YAML syntax error",
			content: strings.Replace(head, "  web:\n    image: nginx", "  web: image: nginx", 1),
			want:    []want{{"line 5", "invalid YAML: mapping values are not allowed in this context"}},
			count:   1,
		},
		{
			name:    "YAML with a tab for indentation",
			content: strings.Replace(head, "  name: web-app", "\tname: web-app", 1),
			want:    []want{{"line 3", "invalid YAML: found character that cannot start any token"}},
			count:   1,
		},
		{
			name:    "duplicate keys name both lines",
			content: head + "    image: busybox\n",
			want:    []want{{"line 7", `invalid YAML: mapping key "image" already defined at line 6`}},
			count:   1,
		},
		{
			name:    "duplicate top-level keys",
			content: head + "metadata:\n  name: other\n",
			want:    []want{{"line 7", `mapping key "metadata" already defined at line 2`}},
		},
		{
			name:    "list at the root",
			content: "- apiVersion: score.dev/v1b1\n- metadata: {}\n",
			want:    []want{{"line 1", "a score file must be a mapping"}},
			count:   1,
		},
		{
			name:    "scalar at the root",
			content: "\n\nhello\n",
			want:    []want{{"line 3", "a score file must be a mapping"}},
			count:   1,
		},
		{
			name:    "null document",
			content: "~\n",
			want:    []want{{"line 1", "a score file must be a mapping"}},
		},
		{
			name:    "empty document",
			content: "",
			want:    []want{{"", "the document is empty"}},
			count:   1,
		},
		{
			name:    "blank document",
			content: "  \n\n\t\n",
			want:    []want{{"", "the document is empty"}},
			count:   1,
		},
		{
			// A file holding only comments has no workload in it: that is an empty document, not
			// a YAML syntax error ("invalid YAML: EOF").
			name:    "comment-only document",
			content: "# TODO: write the workload\n",
			want:    []want{{"", "the document is empty"}},
			count:   1,
		},
		{
			name:    "two documents",
			content: head + "---\n" + head,
			want:    []want{{"line 7", "more than one YAML document"}},
			count:   1,
		},
		{
			name:    "YAML key that is a mapping",
			content: head + "? {a: b}\n: c\n",
			want:    []want{{"line 7", "a mapping key must be a plain value"}},
		},
		{
			name:    "merge key of a scalar",
			content: head + "x: &s hello\nservice:\n  <<: *s\n",
			want:    []want{{"line 9", "a merge key (<<) must refer to a mapping"}},
		},
		{
			name: "JSON schema violation has lines",
			content: `{
  "apiVersion": "score.dev/v1b1",
  "metadata": {"name": "web-app"},
  "containers": {
    "web": {"image": 5}
  }
}`,
			want:  []want{{"containers.web.image (line 5)", "expected string, but got number"}},
			count: 1,
		},
		{
			// The missing ':' is on line 3; the problem must point there.
			name: "bad JSON",
			content: `{
  "apiVersion": "score.dev/v1b1",
  "metadata" {"name": "web-app"},
  "containers": {"web": {"image": "nginx"}}
}`,
			want:  []want{{"line 3", "invalid"}},
			count: 1,
		},
		{
			name:    "unclosed JSON",
			content: `{"apiVersion": "score.dev/v1b1", "metadata": {"name": "web-app"}`,
			want:    []want{{"line 1", "invalid YAML: did not find expected ',' or '}'"}},
			count:   1,
		},

		// ---- placeholders ----
		{
			name:    "placeholder with an empty element",
			content: head + "    variables:\n      A: ${resources..x}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'resources..x': empty element between dots"}},
			count:   1,
		},
		{
			name:    "empty placeholder",
			content: head + "    variables:\n      A: x${}y\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref '': unknown reference root, use $$ to escape the substitution"}},
			count:   1,
		},
		{
			name:    "unknown placeholder root",
			content: head + "    variables:\n      A: ${foo.bar}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'foo.bar': unknown reference root, use $$ to escape the substitution"}},
			count:   1,
		},
		{
			name:    "unknown resource",
			content: head + "    variables:\n      A: ${resources.cache.host}\nresources:\n  db:\n    type: postgres\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'resources.cache.host': no known resource 'cache'"}},
			count:   1,
		},
		{
			name:    "resource reference without a key in variables",
			content: head + "    variables:\n      A: ${resources.db}\nresources:\n  db:\n    type: postgres\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'resources.db': at least one lookup key is required"}},
			count:   1,
		},
		{
			name:    "resources without a name",
			content: head + "    variables:\n      A: ${resources}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'resources': requires at least a resource name to lookup"}},
		},
		{
			name:    "missing metadata key",
			content: head + "    variables:\n      A: ${metadata.missing}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'metadata.missing': key 'missing' not found"}},
			count:   1,
		},
		{
			name:    "metadata key below a string",
			content: head + "    variables:\n      A: ${metadata.name.x}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'metadata.name.x': cannot lookup key 'x', context is not a map"}},
			count:   1,
		},
		{
			name:    "metadata without a key",
			content: head + "    variables:\n      A: ${metadata}\n",
			want:    []want{{"containers.web.variables.A (line 8)", "invalid ref 'metadata': requires at least a metadata key to lookup"}},
		},
		{
			name:    "unterminated placeholder",
			content: head + "    variables:\n      A: ${abc\n",
			want:    []want{{"containers.web.variables.A (line 8)", "is never closed"}},
			count:   1,
		},
		{
			name:    "two bad placeholders in one string",
			content: head + "    variables:\n      A: ${metadata.x}-${foo}\n",
			want: []want{
				{"containers.web.variables.A (line 8)", "invalid ref 'metadata.x'"},
				{"containers.web.variables.A (line 8)", "invalid ref 'foo'"},
			},
			count: 2,
		},
		{
			name: "bad placeholder in file content",
			content: head + `    files:
      /etc/app.conf:
        content: |
          host=${resources.nope.host}
`,
			want:  []want{{`containers.web.files["/etc/app.conf"].content (line 9)`, "no known resource 'nope'"}},
			count: 1,
		},
		{
			name: "bad placeholder in volume source",
			content: head + `    volumes:
      /data:
        source: ${resources.nope}
`,
			want:  []want{{`containers.web.volumes["/data"].source (line 9)`, "no known resource 'nope'"}},
			count: 1,
		},
		{
			name: "bad placeholder deep in resource params",
			content: head + `resources:
  db:
    type: postgres
    params:
      hosts:
        - ok
        - ${metadata.nope}
`,
			want:  []want{{"resources.db.params.hosts.1 (line 13)", "invalid ref 'metadata.nope'"}},
			count: 1,
		},

		// ---- before ----
		{
			name:    "before self reference",
			content: head + "    before:\n      web:\n        ready: started\n",
			want:    []want{{"containers.web.before.web (line 8)", `container "web" has a self-referencing before entry`}},
			count:   1,
		},
		{
			name:    "before unknown container",
			content: head + "    before:\n      db:\n        ready: started\n",
			want:    []want{{"containers.web.before.db (line 8)", `container "web" before refers to unknown container "db"`}},
			count:   1,
		},
		{
			name: "before 3-container cycle",
			content: `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  aa:
    image: x
    before:
      bb:
        ready: started
  bb:
    image: x
    before:
      cc:
        ready: healthy
  cc:
    image: x
    before:
      aa:
        ready: complete
`,
			want:  []want{{"containers.aa.before (line 8)", "containers before relationships contain a cycle: aa → bb → cc → aa"}},
			count: 1,
		},
		{
			name: "resource params cycle",
			content: head + `resources:
  aa:
    type: thing
    params:
      x: ${resources.bb.v}
  bb:
    type: thing
    params:
      y: ["${resources.aa.v}"]
`,
			want:  []want{{"resources.aa.params (line 11)", "a cycle exists involving resource param placeholders: aa → bb → aa"}},
			count: 1,
		},
		{
			name: "resource params self cycle",
			content: head + `resources:
  aa:
    type: thing
    params:
      x: ${resources.aa.v}
`,
			want:  []want{{"resources.aa.params (line 11)", "aa → aa"}},
			count: 1,
		},

		// ---- overrides ----
		{
			name:    "override path into a string",
			content: head,
			prepare: withOverrides("containers.web.image.tag", "x"),
			input:   loader.InputOverrides,
			want:    []want{{`["containers.web.image.tag"]`, "cannot apply override: containers: web: image: cannot set path in non-map/non-array"}},
			count:   1,
		},
		{
			name:    "override bad array index",
			content: head + "    command: [a]\n",
			prepare: withOverrides("containers.web.command.first", "x"),
			input:   loader.InputOverrides,
			want:    []want{{`["containers.web.command.first"]`, "failed to parse 'first' as array index"}},
			count:   1,
		},
		{
			name:    "override array index out of range",
			content: head + "    command: [a]\n",
			prepare: withOverrides("containers.web.command.5", "x", "containers.web.command.7", ""),
			input:   loader.InputOverrides,
			want: []want{
				{`["containers.web.command.5"]`, "cannot set '5' in array: out of range"},
				{`["containers.web.command.7"]`, "cannot remove '7' in array: out of range"},
			},
			count: 2,
		},
		{
			// Reaching through a list element that does not exist must be a problem, not a
			// panic (score-go's OverridePathInMap indexes the list without a bounds check).
			name:    "override path through a missing list element",
			content: head + "    command: [a]\n",
			prepare: withOverrides("containers.web.command.3.x", "y"),
			input:   loader.InputOverrides,
			want:    []want{{`["containers.web.command.3.x"]`, "cannot apply override"}},
			count:   1,
		},
		{
			name:    "override path through list index -1",
			content: head + "    command: [a]\n",
			prepare: withOverrides("containers.web.command.-1.x", "y"),
			input:   loader.InputOverrides,
			want:    []want{{`["containers.web.command.-1.x"]`, "cannot apply override"}},
			count:   1,
		},
		{
			name:    "override invalid YAML value",
			content: head,
			prepare: withOverrides("containers.web.command", "[unclosed"),
			input:   loader.InputOverrides,
			want:    []want{{`["containers.web.command"]`, "the value is not valid YAML"}},
			count:   1,
		},
		{
			name:    "override empty path",
			content: head,
			prepare: withOverrides("", "x", "containers..image", "y", "containers.web.", "z"),
			input:   loader.InputOverrides,
			want: []want{
				{`[""]`, "an override path needs non-empty elements"},
				{`["containers..image"]`, "an override path needs non-empty elements"},
				{`["containers.web."]`, "an override path needs non-empty elements"},
			},
			count: 3,
		},
		{
			name:    "overrides_yaml not a mapping",
			content: head,
			prepare: withOverridesYAML("- a\n- b\n"),
			input:   loader.InputOverridesYAML,
			want:    []want{{"", "the overrides document must be a mapping"}},
			count:   1,
		},
		{
			name:    "overrides_yaml scalar",
			content: head,
			prepare: withOverridesYAML("hello"),
			input:   loader.InputOverridesYAML,
			want:    []want{{"", "the overrides document must be a mapping"}},
			count:   1,
		},
		{
			name:    "overrides_yaml invalid YAML",
			content: head,
			prepare: withOverridesYAML("containers:\n  web:\n    image: nginx\n    command: {a: 1 b: 2}\n"),
			input:   loader.InputOverridesYAML,
			want:    []want{{"line 4", "invalid YAML"}},
			count:   1,
		},
		{
			name:    "overrides_yaml duplicate key",
			content: head,
			prepare: withOverridesYAML("metadata:\n  name: a\n  name: b\n"),
			input:   loader.InputOverridesYAML,
			want:    []want{{"line 3", `mapping key "name" already defined at line 2`}},
			count:   1,
		},
		{
			name:    "override makes the document invalid",
			content: head,
			prepare: withOverrides("containers.web.variables.PORT", "8080"),
			want:    []want{{"containers.web.variables.PORT (line 6)", "expected string, but got number"}},
			count:   1,
		},

		// ---- image ----
		{
			name:    `image "." without an image`,
			content: strings.Replace(head, "image: nginx", "image: .", 1),
			want:    []want{{"containers.web.image (line 6)", `the image is "." (built elsewhere) but no image was given to replace it: set the image argument of score_workload`}},
			count:   1,
		},

		// ---- file sources ----
		{
			name:    "absolute file source",
			content: sourceFile("/etc/passwd"),
			want:    []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "/etc/passwd" must be a relative path inside the score file's directory`}},
			count:   1,
		},
		{
			name:    "file source outside the directory",
			content: sourceFile("../secret.txt"),
			prepare: func(t *testing.T, dir string, in *loader.Input) {
				writeFile(t, filepath.Join(dir, "secret.txt"), []byte("secret"))
				in.BaseDir = filepath.Join(dir, "app")
				if err := os.Mkdir(in.BaseDir, 0o755); err != nil {
					t.Fatal(err)
				}
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "../secret.txt" must be a relative path inside`}},
			count: 1,
		},
		{
			name:    "file source sneaking out with ..",
			content: sourceFile("conf/../../secret.txt"),
			prepare: func(t *testing.T, dir string, in *loader.Input) {
				writeFile(t, filepath.Join(dir, "secret.txt"), []byte("secret"))
				in.BaseDir = filepath.Join(dir, "app")
				writeFile(t, filepath.Join(in.BaseDir, "conf", "x"), nil)
			},
			want: []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, "must be a relative path inside"}},
		},
		{
			name:    "file source symlink pointing outside",
			content: sourceFile("link.txt"),
			prepare: func(t *testing.T, dir string, in *loader.Input) {
				writeFile(t, filepath.Join(dir, "secret.txt"), []byte("secret"))
				in.BaseDir = filepath.Join(dir, "app")
				if err := os.Mkdir(in.BaseDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(in.BaseDir, "link.txt")); err != nil {
					t.Skipf("cannot create a symbolic link: %v", err)
				}
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "link.txt" must be a relative path inside the score file's directory`}},
			count: 1,
		},
		{
			name:    "file source relative symlink pointing outside",
			content: sourceFile("link.txt"),
			prepare: func(t *testing.T, dir string, in *loader.Input) {
				writeFile(t, filepath.Join(dir, "secret.txt"), []byte("secret"))
				in.BaseDir = filepath.Join(dir, "app")
				if err := os.Mkdir(in.BaseDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("../secret.txt", filepath.Join(in.BaseDir, "link.txt")); err != nil {
					t.Skipf("cannot create a symbolic link: %v", err)
				}
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "link.txt" must be a relative path inside the score file's directory`}},
			count: 1,
		},
		{
			name:    "missing file source",
			content: sourceFile("missing.txt"),
			want:    []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `cannot read source "missing.txt"`}},
			count:   1,
		},
		{
			name:    "file source is a directory",
			content: sourceFile("conf"),
			prepare: func(t *testing.T, dir string, _ *loader.Input) {
				if err := os.Mkdir(filepath.Join(dir, "conf"), 0o755); err != nil {
					t.Fatal(err)
				}
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "conf" is not a regular file`}},
			count: 1,
		},
		{
			name:    "file source is a named pipe",
			content: sourceFile("pipe"),
			prepare: func(t *testing.T, dir string, _ *loader.Input) {
				// Nothing ever writes to it: reading it would block forever.
				if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
					t.Skipf("no named pipes here: %v", err)
				}
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, `source "pipe" is not a regular file`}},
			count: 1,
		},
		{
			name:    "non-UTF-8 file source without noExpand",
			content: sourceFile("blob.bin"),
			prepare: func(t *testing.T, dir string, _ *loader.Input) {
				writeFile(t, filepath.Join(dir, "blob.bin"), []byte{0xff, 0xfe, 0x00, 0x80})
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, "source content contains non-utf8 bytes; set noExpand=true or use binaryContent"}},
			count: 1,
		},
		{
			name:    "file source too big",
			content: sourceFile("big.txt"),
			prepare: func(t *testing.T, dir string, _ *loader.Input) {
				writeFile(t, filepath.Join(dir, "big.txt"), []byte(strings.Repeat("a", loader.MaxFileSize+1)))
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, fmt.Sprintf("files may be at most %d bytes", loader.MaxFileSize)}},
			count: 1,
		},
		{
			name:    "bad placeholder in a file source",
			content: sourceFile("app.conf"),
			prepare: func(t *testing.T, dir string, _ *loader.Input) {
				writeFile(t, filepath.Join(dir, "app.conf"), []byte("name=${metadata.name}\nhost=${resources.db.host}\n"))
			},
			want:  []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, "invalid ref 'resources.db.host': no known resource 'db'"}},
			count: 1,
		},
		{
			name:    "empty file source",
			content: sourceFile(`""`),
			want:    []want{{`containers.web.files["/etc/app.conf"].source (line 9)`, "length must be >= 1"}},
		},
		{
			name: "invalid binaryContent",
			content: head + `    files:
      /etc/app.bin:
        binaryContent: "not base64!"
`,
			want:  []want{{`containers.web.files["/etc/app.bin"].binaryContent (line 9)`, "binaryContent is not valid standard base64"}},
			count: 1,
		},

		{
			// A key with a space must come out as written, not URL-escaped ("bad%20key"), and
			// its line must be its own.
			name: "unknown field below a file target with a space",
			content: head + `    files:
      /etc/my app.conf:
        content: hi
        owner: root
`,
			want:  []want{{`containers.web.files["/etc/my app.conf"].owner (line 10)`, `unknown field "owner"`}},
			count: 1,
		},
		{
			name: "bad variable name with a space and =",
			content: head + `    variables:
      OK: x
      "MY VAR=1": y
`,
			want:  []want{{`containers.web.variables["MY VAR=1"] (line 9)`, `invalid name "MY VAR=1"`}},
			count: 1,
		},
		{
			name: "non-ASCII annotation key",
			content: `apiVersion: score.dev/v1b1
metadata:
  name: web-app
  annotations:
    ok-key: x
    équipe: platform
containers:
  web:
    image: nginx
`,
			want:  []want{{`metadata.annotations["équipe"] (line 6)`, `invalid name "équipe"`}},
			count: 1,
		},
		{
			// yaml.v3 reports parser errors with 0-based lines; the problem must carry the real one.
			name: "unclosed flow sequence",
			content: head + `    command: [sh, -c
    args: [x]
`,
			want:  []want{{"line 7", "invalid YAML"}},
			count: 1,
		},

		// ---- legacy array forms ----
		{
			name: "legacy files item without target",
			content: head + `    files:
      - target: /etc/a
        content: a
      - source: b.txt
`,
			want:  []want{{"containers.web.files.1.target (line 10)", "is missing or is not a string"}},
			count: 1,
		},
		{
			name: "legacy volumes item without target",
			content: head + `    volumes:
      - source: data
        path: /x
`,
			want:  []want{{"containers.web.volumes.0.target (line 8)", "is missing or is not a string"}},
			count: 1,
		},
		{
			name: "legacy files problem found by target",
			content: head + `    files:
      - target: /etc/a
        content: a
      - target: /etc/b
        mode: "999"
        content: [b, c]
`,
			want:  []want{{`containers.web.files["/etc/b"].mode (line 11)`, "does not match pattern"}},
			count: 1,
		},
	}
}

func TestLoadInvalid(t *testing.T) {
	cases := invalidCases()
	if len(cases) < 45 {
		t.Fatalf("only %d invalid cases", len(cases))
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := loader.Input{Content: []byte(tc.content), BaseDir: dir}
			if tc.prepare != nil {
				tc.prepare(t, dir, &in)
			}
			w, err := load(t, in)
			if err == nil {
				t.Fatalf("Load succeeded, want problems; document: %v", w.Document)
			}
			ps := problemsOf(t, err)
			if ps.Input != tc.input {
				t.Errorf("Problems.Input = %q, want %q", ps.Input, tc.input)
			}
			for _, wp := range tc.want {
				found := false
				for _, p := range ps.List {
					if p.Location() == wp.loc && strings.Contains(p.Message, wp.msg) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("no problem at %q containing %q; got:%s", wp.loc, wp.msg, dump(ps.List))
				}
			}
			if tc.count > 0 && len(ps.List) != tc.count {
				t.Errorf("got %d problems, want %d:%s", len(ps.List), tc.count, dump(ps.List))
			}
			if !sortedProblems(ps.List) {
				t.Errorf("problems are not sorted:%s", dump(ps.List))
			}
			for _, p := range ps.List {
				if p.Message == "" {
					t.Errorf("problem at %q has no message", p.Location())
				}
			}
		})
	}
}

func sortedProblems(l problem.List) bool {
	return sort.SliceIsSorted(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if pa, pb := problem.FormatPath(a.Path), problem.FormatPath(b.Path); pa != pb {
			return pa < pb
		}
		return a.Message < b.Message
	})
}

// manyErrors has seven independent problems of different kinds.
const manyErrors = `apiVersion: score.dev/v1
metadata:
  name: web-app
containers:
  web:
    image: .
    variables:
      PORT: 8080
      URL: http://${resources.db.host}:${foo.bar}
    before:
      ghost:
        ready: started
service:
  ports:
    www:
      port: 70000
resources:
  db:
    type: postgres
    flavor: large
unknown: true
`

func TestLoadReportsEveryProblem(t *testing.T) {
	in := loader.Input{Content: []byte(manyErrors), BaseDir: t.TempDir()}
	_, err := load(t, in)
	ps := problemsOf(t, err)
	wantAll := []want{
		{"apiVersion (line 1)", "does not match pattern"},
		{"containers.web.image (line 6)", `the image is "."`},
		{"containers.web.variables.PORT (line 8)", "expected string, but got number"},
		{"containers.web.variables.URL (line 9)", "invalid ref 'foo.bar'"},
		{"containers.web.before.ghost (line 11)", `unknown container "ghost"`},
		{"service.ports.www.port (line 16)", "must be <= 65535"},
		{"resources.db.flavor (line 20)", `unknown field "flavor"`},
		{"unknown (line 21)", `unknown field "unknown"`},
	}
	if len(ps.List) != len(wantAll) {
		t.Errorf("got %d problems, want %d:%s", len(ps.List), len(wantAll), dump(ps.List))
	}
	// Sorted by line, each wanted problem is at its index.
	for i, wp := range wantAll {
		if i >= len(ps.List) {
			break
		}
		if p := ps.List[i]; p.Location() != wp.loc || !strings.Contains(p.Message, wp.msg) {
			t.Errorf("problem %d = [%s] %s, want [%s] …%s…", i, p.Location(), p.Message, wp.loc, wp.msg)
		}
	}

	// Deterministic: map iteration order must not leak into the result.
	for i := 0; i < 20; i++ {
		_, err2 := load(t, in)
		ps2 := problemsOf(t, err2)
		if !reflect.DeepEqual(ps.List, ps2.List) {
			t.Fatalf("run %d differs:%s\nvs:%s", i, dump(ps.List), dump(ps2.List))
		}
		if ps.Error() != ps2.Error() {
			t.Fatalf("run %d: Error() differs", i)
		}
	}
}

func TestLoadProblemsSortedAcrossPasses(t *testing.T) {
	// Problems from the schema, the image check, `before`, placeholders and files interleave by line.
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  zz:
    image: .
    files:
      /a:
        source: missing.txt
  aa:
    image: nginx
    variables:
      A: ${metadata.nope}
    before:
      aa:
        ready: later
`
	in := loader.Input{Content: []byte(content), BaseDir: t.TempDir()}
	_, err := load(t, in)
	ps := problemsOf(t, err)
	var lines []int
	for _, p := range ps.List {
		lines = append(lines, p.Line)
	}
	if want := []int{6, 9, 13, 15, 16}; !reflect.DeepEqual(lines, want) {
		t.Errorf("problem lines = %v, want %v:%s", lines, want, dump(ps.List))
	}
}

// ---- valid inputs ----

func mustLoad(t *testing.T, in loader.Input) *loader.Workload {
	t.Helper()
	w, err := load(t, in)
	if err != nil {
		var ps *loader.Problems
		if errors.As(err, &ps) {
			t.Fatalf("Load failed (input %q):%s", ps.Input, dump(ps.List))
		}
		t.Fatalf("Load failed: %v", err)
	}
	if w == nil {
		t.Fatal("Load returned a nil workload and no error")
	}
	return w
}

func container(t *testing.T, w *loader.Workload, name string) map[string]any {
	t.Helper()
	c, ok := w.Document["containers"].(map[string]any)[name].(map[string]any)
	if !ok {
		t.Fatalf("no container %q in %v", name, w.Document)
	}
	return c
}

func TestLoadAnnotationPlaceholderWithEscapedDot(t *testing.T) {
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
  annotations:
    my.org/team: platform
containers:
  web:
    image: nginx
    variables:
      TEAM: ${metadata.annotations.my\.org/team}
      LITERAL: $${metadata.nope} costs $$5
`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	r := placeholder.Resolver{Metadata: w.Spec.Metadata}
	vars := w.Spec.Containers["web"].Variables
	got, err := placeholder.Expand(vars["TEAM"], r.Resolve)
	if err != nil || got != "platform" {
		t.Errorf("TEAM = %q, %v; want platform", got, err)
	}
	got, err = placeholder.Expand(vars["LITERAL"], r.Resolve)
	if err != nil || got != "${metadata.nope} costs $5" {
		t.Errorf("LITERAL = %q, %v", got, err)
	}
}

func TestLoadJSON(t *testing.T) {
	content := `{
  "apiVersion": "score.dev/v1b1",
  "metadata": {"name": "web-app", "replicas": 3},
  "service": {"ports": {"www": {"port": 80, "targetPort": 8080}}},
  "containers": {"web": {"image": "nginx", "variables": {"A": "${metadata.name}"}}}
}`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	if w.Spec.Containers["web"].Image != "nginx" {
		t.Errorf("image = %q", w.Spec.Containers["web"].Image)
	}
	if p := w.Spec.Service.Ports["www"]; p.Port != 80 || p.TargetPort == nil || *p.TargetPort != 8080 {
		t.Errorf("service port = %+v", p)
	}
	// Numbers come out as int, like YAML's.
	if v := w.Document["metadata"].(map[string]any)["replicas"]; v != 3 {
		t.Errorf("metadata.replicas = %#v (%T), want int 3", v, v)
	}

	// JSON that YAML cannot read (`\/` and surrogate-pair escapes, which many JSON encoders
	// write) still loads, through encoding/json.
	content2 := `{"apiVersion":"score.dev/v1b1","metadata":{"name":"web-app","url":"https:\/\/example.com"},` +
		`"containers":{"web":{"image":"nginx","variables":{"SMILE":"\ud83d\ude00"}}}}`
	w = mustLoad(t, loader.Input{Content: []byte(content2)})
	if got := w.Spec.Metadata["url"]; got != "https://example.com" {
		t.Errorf("url = %q", got)
	}
	if got := w.Spec.Containers["web"].Variables["SMILE"]; got != "\U0001F600" {
		t.Errorf("SMILE = %q", got)
	}
	// Such JSON has no line numbers, but problems still carry their path.
	_, err := load(t, loader.Input{Content: []byte(strings.Replace(content2, `"nginx"`, "5", 1))})
	ps := problemsOf(t, err)
	if len(ps.List) != 1 || ps.List[0].Location() != "containers.web.image" {
		t.Errorf("JSON fallback problems:%s", dump(ps.List))
	}
}

func TestLoadOverrides(t *testing.T) {
	base := head + `    command: [a, b]
    variables:
      KEEP: "1"
      DROP: "2"
  side:
    image: busybox
`
	run := func(t *testing.T, overrides map[string]string) *loader.Workload {
		t.Helper()
		return mustLoad(t, loader.Input{Content: []byte(base), Overrides: overrides})
	}

	t.Run("dot path sets a value", func(t *testing.T) {
		w := run(t, map[string]string{"containers.web.image": "nginx:1.27", "containers.web.variables.NEW": "x"})
		if got := w.Spec.Containers["web"].Image; got != "nginx:1.27" {
			t.Errorf("image = %q", got)
		}
		if got := w.Spec.Containers["web"].Variables["NEW"]; got != "x" {
			t.Errorf("NEW = %q", got)
		}
	})
	t.Run("escaped dot", func(t *testing.T) {
		w := run(t, map[string]string{`metadata.annotations.example\.com/team`: "platform"})
		ann, _ := w.Document["metadata"].(map[string]any)["annotations"].(map[string]any)
		if ann["example.com/team"] != "platform" {
			t.Errorf("annotations = %v", ann)
		}
	})
	t.Run("numeric index", func(t *testing.T) {
		w := run(t, map[string]string{"containers.web.command.1": "B"})
		if got := w.Spec.Containers["web"].Command; !reflect.DeepEqual(got, []string{"a", "B"}) {
			t.Errorf("command = %q", got)
		}
	})
	t.Run("-1 appends", func(t *testing.T) {
		w := run(t, map[string]string{"containers.web.command.-1": "c"})
		if got := w.Spec.Containers["web"].Command; !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Errorf("command = %q", got)
		}
	})
	t.Run("empty value deletes", func(t *testing.T) {
		w := run(t, map[string]string{"containers.web.variables.DROP": "", "containers.side": "", "containers.web.command.0": ""})
		vars := w.Spec.Containers["web"].Variables
		if _, ok := vars["DROP"]; ok || vars["KEEP"] != "1" {
			t.Errorf("variables = %v", vars)
		}
		if _, ok := w.Spec.Containers["side"]; ok {
			t.Error("container side not deleted")
		}
		if got := w.Spec.Containers["web"].Command; !reflect.DeepEqual(got, []string{"b"}) {
			t.Errorf("command = %q", got)
		}
	})
	t.Run("YAML typed value", func(t *testing.T) {
		w := run(t, map[string]string{
			"service.ports.www":               "{port: 80, targetPort: 8080}",
			"containers.web.args":             "[--verbose, '--port=80']",
			"containers.web.variables.QUOTED": `"8080"`,
		})
		p := w.Spec.Service.Ports["www"]
		if p.Port != 80 || p.TargetPort == nil || *p.TargetPort != 8080 {
			t.Errorf("port = %+v", p)
		}
		if got := w.Spec.Containers["web"].Args; !reflect.DeepEqual(got, []string{"--verbose", "--port=80"}) {
			t.Errorf("args = %q", got)
		}
		if got := w.Spec.Containers["web"].Variables["QUOTED"]; got != "8080" {
			t.Errorf("QUOTED = %q", got)
		}
	})
	t.Run("applied in sorted order", func(t *testing.T) {
		// containers.web.command is replaced first, then .-1 appends to the new list.
		for i := 0; i < 10; i++ {
			w := run(t, map[string]string{"containers.web.command.-1": "z", "containers.web.command": "[x]"})
			if got := w.Spec.Containers["web"].Command; !reflect.DeepEqual(got, []string{"x", "z"}) {
				t.Fatalf("command = %q", got)
			}
		}
	})
	t.Run("input is not modified", func(t *testing.T) {
		content := []byte(base)
		overrides := map[string]string{"containers.web.image": "x"}
		mustLoad(t, loader.Input{Content: content, Overrides: overrides})
		if string(content) != base || len(overrides) != 1 {
			t.Error("Load modified its input")
		}
	})
}

func TestLoadOverridesYAML(t *testing.T) {
	base := head + `    variables:
      KEEP: "1"
      DROP: "2"
    command: [a]
  side:
    image: busybox
resources:
  db:
    type: postgres
`
	t.Run("deep merge with null delete", func(t *testing.T) {
		w := mustLoad(t, loader.Input{Content: []byte(base), OverridesYAML: []byte(`
containers:
  web:
    variables:
      DROP: null
      ADDED: "3"
    command: [b]
  side: ~
resources:
  db:
    class: large
`)})
		web := w.Spec.Containers["web"]
		if !reflect.DeepEqual(map[string]string(web.Variables), map[string]string{"KEEP": "1", "ADDED": "3"}) {
			t.Errorf("variables = %v", web.Variables)
		}
		if !reflect.DeepEqual(web.Command, []string{"b"}) {
			t.Errorf("command = %q (lists are replaced, not merged)", web.Command)
		}
		if web.Image != "nginx" {
			t.Errorf("image = %q", web.Image)
		}
		if _, ok := w.Spec.Containers["side"]; ok {
			t.Error("side not deleted")
		}
		if db := w.Spec.Resources["db"]; db.Type != "postgres" || db.Class == nil || *db.Class != "large" {
			t.Errorf("db = %+v", db)
		}
	})
	t.Run("applied before overrides", func(t *testing.T) {
		w := mustLoad(t, loader.Input{
			Content:       []byte(base),
			OverridesYAML: []byte("containers:\n  web:\n    image: from-yaml\n    args: [x]\n"),
			Overrides:     map[string]string{"containers.web.image": "from-property", "containers.web.args.-1": "y"},
		})
		web := w.Spec.Containers["web"]
		if web.Image != "from-property" {
			t.Errorf("image = %q, want the property override to win", web.Image)
		}
		if !reflect.DeepEqual(web.Args, []string{"x", "y"}) {
			t.Errorf("args = %q, want the property override to append to the YAML override's list", web.Args)
		}
	})
	t.Run("empty and null documents change nothing", func(t *testing.T) {
		// A comment-only document (a commented-out overrides file) holds nothing: no change.
		for _, doc := range []string{"", "  \n", "~", "null\n", "# nothing\n", "---\n# all commented out\n"} {
			w, err := load(t, loader.Input{Content: []byte(base), OverridesYAML: []byte(doc)})
			if err != nil {
				t.Errorf("overrides_yaml %q: %v", doc, err)
				continue
			}
			if len(w.Spec.Containers) != 2 {
				t.Errorf("overrides_yaml %q changed the containers: %v", doc, w.Spec.Containers)
			}
		}
	})
	t.Run("JSON document", func(t *testing.T) {
		w := mustLoad(t, loader.Input{Content: []byte(base), OverridesYAML: []byte(`{"metadata": {"team": "a"}}`)})
		if w.Spec.Metadata["team"] != "a" || w.Spec.Metadata["name"] != "web-app" {
			t.Errorf("metadata = %v", w.Spec.Metadata)
		}
	})
}

func TestLoadImage(t *testing.T) {
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  web:
    image: .
  side:
    image: .
  fixed:
    image: busybox
`
	w := mustLoad(t, loader.Input{Content: []byte(content), Image: "registry.example/web:1.2"})
	for name, want := range map[string]string{"web": "registry.example/web:1.2", "side": "registry.example/web:1.2", "fixed": "busybox"} {
		if got := w.Spec.Containers[name].Image; got != want {
			t.Errorf("%s image = %q, want %q", name, got, want)
		}
		if got := container(t, w, name)["image"]; got != want {
			t.Errorf("%s Document image = %q, want %q", name, got, want)
		}
	}
	// An image override to "." is also replaced.
	w = mustLoad(t, loader.Input{Content: []byte(head), Image: "built", Overrides: map[string]string{"containers.web.image": "."}})
	if got := w.Spec.Containers["web"].Image; got != "built" {
		t.Errorf("image = %q", got)
	}
}

func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "conf", "app.conf"), []byte("name=${metadata.name}\n"))
	writeFile(t, filepath.Join(dir, "blob.bin"), []byte{0xff, 0x00, 0xfe})
	writeFile(t, filepath.Join(dir, "raw.txt"), []byte("${not.checked}"))
	content := head + `    files:
      /etc/inline.conf:
        content: host=${resources.db.host}
        mode: "0600"
      /etc/raw.conf:
        content: ${whatever}
        noExpand: true
      /etc/binary:
        binaryContent: AP8Q
      /etc/source.conf:
        source: conf/app.conf
      /etc/dot.conf:
        source: ./conf/../conf/app.conf
      /etc/blob:
        source: blob.bin
        noExpand: true
      /etc/raw-source:
        source: raw.txt
        noExpand: true
    volumes:
      /data:
        source: ${resources.data}
      /cache:
        source: named-volume
        path: sub
        readOnly: true
resources:
  db:
    type: postgres
  data:
    type: volume
`
	w := mustLoad(t, loader.Input{Content: []byte(content), BaseDir: dir})
	files := w.Files["web"]
	check := func(target string, wantContent []byte, wantExpand bool, wantMode, wantSource string) {
		t.Helper()
		f, ok := files[target]
		if !ok {
			t.Errorf("no file %s in %v", target, files)
			return
		}
		if string(f.Content) != string(wantContent) || f.Expand != wantExpand || f.Mode != wantMode || f.Source != wantSource {
			t.Errorf("%s = {Content %q Expand %v Mode %q Source %q}, want {%q %v %q %q}", target, f.Content, f.Expand, f.Mode, f.Source, wantContent, wantExpand, wantMode, wantSource)
		}
	}
	check("/etc/inline.conf", []byte("host=${resources.db.host}"), true, "0600", "")
	check("/etc/raw.conf", []byte("${whatever}"), false, "", "")
	check("/etc/binary", []byte{0x00, 0xff, 0x10}, false, "", "")
	check("/etc/source.conf", []byte("name=${metadata.name}\n"), true, "", "conf/app.conf")
	check("/etc/dot.conf", []byte("name=${metadata.name}\n"), true, "", "./conf/../conf/app.conf")
	check("/etc/blob", []byte{0xff, 0x00, 0xfe}, false, "", "blob.bin")
	check("/etc/raw-source", []byte("${not.checked}"), false, "", "raw.txt")
	if len(files) != 7 {
		t.Errorf("got %d files, want 7", len(files))
	}
	vol := w.Spec.Containers["web"].Volumes["/cache"]
	if vol.Source != "named-volume" || vol.Path == nil || *vol.Path != "sub" || vol.ReadOnly == nil || !*vol.ReadOnly {
		t.Errorf("volume /cache = %+v", vol)
	}
}

func TestLoadExternalFileSources(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "shared.conf"), []byte("shared"))
	base := filepath.Join(dir, "app")
	if err := os.Mkdir(base, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{"../shared.conf", filepath.Join(dir, "shared.conf")} {
		in := loader.Input{Content: []byte(sourceFile(source)), BaseDir: base}
		if _, err := load(t, in); err == nil {
			t.Errorf("source %q loaded without AllowExternalFileSources", source)
		}
		in.AllowExternalFileSources = true
		w := mustLoad(t, in)
		if got := string(w.Files["web"]["/etc/app.conf"].Content); got != "shared" {
			t.Errorf("source %q content = %q", source, got)
		}
	}
	// Even with external sources allowed, size and kind are checked.
	in := loader.Input{Content: []byte(sourceFile("..")), BaseDir: base, AllowExternalFileSources: true}
	_, err := load(t, in)
	ps := problemsOf(t, err)
	if !strings.Contains(ps.Error(), "not a regular file") {
		t.Errorf("directory source:%s", dump(ps.List))
	}
}

func TestLoadSourceRelativeToBaseDir(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.conf"), []byte("in base dir"))
	// A file of the same name in the working directory must not be read.
	w := mustLoad(t, loader.Input{Content: []byte(sourceFile("app.conf")), BaseDir: dir})
	if got := string(w.Files["web"]["/etc/app.conf"].Content); got != "in base dir" {
		t.Errorf("content = %q", got)
	}
}

func TestLoadVolumeSourceBareResource(t *testing.T) {
	// ${resources.NAME} without a key is the resource's uid in volumes.*.source: not an error there.
	content := head + `    volumes:
      /data:
        source: ${resources.data}
      /logs:
        source: prefix-${resources.data}-${metadata.name}
resources:
  data:
    type: volume
`
	mustLoad(t, loader.Input{Content: []byte(content)})
}

func TestLoadPlaceholderPlacesNotChecked(t *testing.T) {
	// command, args, image, probes and annotations are not expanded, so they are not checked.
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
  annotations:
    example.com/note: ${not.a.ref}
containers:
  web:
    image: nginx:${TAG}
    command: ["sh", "-c", "echo ${HOME} ${foo.bar}"]
    args: ["${abc"]
    readinessProbe:
      exec:
        command: ["${x.y}"]
    files:
      /etc/raw:
        content: ${anything} ${
        noExpand: true
`
	mustLoad(t, loader.Input{Content: []byte(content)})
}

func TestLoadLegacyArrays(t *testing.T) {
	content := head + `    files:
      - target: /etc/a.conf
        content:
          - line one
          - line two
      - target: /etc/b.conf
        mode: "0644"
        content: ${metadata.name}
    volumes:
      - source: data
        target: /data
        read_only: true
      - source: cache
        target: /cache
`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	wantUpgrades := []string{
		"containers.web.files.0.content: converted from array",
		"containers.web.files: migrated to object",
		"containers.web.volumes.0.read_only: migrated to readOnly",
		"containers.web.volumes: migrated to object",
	}
	if !reflect.DeepEqual(w.Upgrades, wantUpgrades) {
		t.Errorf("Upgrades = %q\nwant %q", w.Upgrades, wantUpgrades)
	}
	web := w.Spec.Containers["web"]
	if got := web.Files["/etc/a.conf"].Content; got == nil || *got != "line one\nline two" {
		t.Errorf("a.conf content = %v", got)
	}
	if got := web.Files["/etc/b.conf"].Mode; got == nil || *got != "0644" {
		t.Errorf("b.conf mode = %v", got)
	}
	if v := web.Volumes["/data"]; v.Source != "data" || v.ReadOnly == nil || !*v.ReadOnly {
		t.Errorf("/data volume = %+v", v)
	}
	vols := container(t, w, "web")["volumes"].(map[string]any)
	if _, ok := vols["/data"].(map[string]any)["read_only"]; ok {
		t.Error("read_only kept in the document")
	}
	if _, ok := vols["/data"].(map[string]any)["target"]; ok {
		t.Error("target kept in the document")
	}
	if got := string(w.Files["web"]["/etc/a.conf"].Content); got != "line one\nline two" {
		t.Errorf("Files a.conf = %q", got)
	}

	// Problems after the upgrade still point into the legacy array, found by target.
	bad := head + `    files:
      - target: /etc/a.conf
        content: ok
      - target: /etc/b.conf
        content: ${metadata.nope}
    volumes:
      - source: data
        target: /data
        read_only: true
        size: 1
`
	_, err := load(t, loader.Input{Content: []byte(bad)})
	ps := problemsOf(t, err)
	for _, wp := range []want{
		{`containers.web.files["/etc/b.conf"].content (line 11)`, "key 'nope' not found"},
		{`containers.web.volumes["/data"].size (line 16)`, `unknown field "size"`},
	} {
		found := false
		for _, p := range ps.List {
			found = found || (p.Location() == wp.loc && strings.Contains(p.Message, wp.msg))
		}
		if !found {
			t.Errorf("no problem [%s] …%s…:%s", wp.loc, wp.msg, dump(ps.List))
		}
	}
}

func TestLoadYAMLFeatures(t *testing.T) {
	content := `---
apiVersion: score.dev/v1b1
metadata:
  name: web-app
x-common: &common
  image: nginx
  variables:
    A: a
containers:
  web:
    <<: *common
    variables:
      B: b
  side: *common
`
	// x-common is not allowed at the top level; remove it with an override after anchors resolved.
	w := mustLoad(t, loader.Input{Content: []byte(content), Overrides: map[string]string{"x-common": ""}})
	if got := w.Spec.Containers["web"]; got.Image != "nginx" || !reflect.DeepEqual(map[string]string(got.Variables), map[string]string{"B": "b"}) {
		t.Errorf("web = %+v (explicit keys win over merged ones)", got)
	}
	if got := w.Spec.Containers["side"]; got.Image != "nginx" || got.Variables["A"] != "a" {
		t.Errorf("side = %+v", got)
	}
}

func TestDecodeYAMLScalarsAsYAMLv3(t *testing.T) {
	// DecodeYAML reads plain decimals itself; everything else goes through yaml.v3. Both must
	// give what yaml.v3 gives (ints as int).
	for _, in := range []string{
		"0", "7", "42", "00", "0755", "-3", "+5", "1_000", "0x1F", "0o17", "0b101",
		"123456789012345678", "1234567890123456789", "99999999999999999999", "!!int 12", "!!int '12'",
		"!!float 3", "3.0", "1e3", "-.5", "true", "False", "!!str 12", "'12'", "~", "null",
		"a: 1\nb: [2, '3', 0x10]", "x: &n 12\ny: *n",
	} {
		in = strings.ReplaceAll(in, `\n`, "\n")
		got, err := loader.DecodeYAML([]byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		var want any
		if err := yaml.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %#v, yaml.v3 gives %#v", in, got, want)
		}
	}
}

func TestLoadAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "x%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := load(t, loader.Input{Content: []byte(b.String())})
	ps := problemsOf(t, err)
	if !strings.Contains(ps.Error(), "too many aliases: an alias bomb?") {
		t.Errorf("alias bomb:%s", dump(ps.List))
	}
}

func TestLoadTooManyValues(t *testing.T) {
	content := head + "x: [" + strings.Repeat("1, ", 200_000) + "1]\n"
	_, err := load(t, loader.Input{Content: []byte(content)})
	ps := problemsOf(t, err)
	if msg := ps.Error(); !strings.Contains(msg, "the document holds more than 200000 values, too large for a score file") || strings.Contains(msg, "alias") {
		t.Errorf("large document:%s", dump(ps.List))
	}
}

func TestLoadDocumentIsPlainData(t *testing.T) {
	// The Document holds only JSON-like values so it can be encoded as spec_json.
	content := head + `    variables:
      A: "1"
resources:
  db:
    type: postgres
    params:
      size: 10
      ratio: 0.5
      on: true
      when: 2001-12-14
      list: [1, "two", null]
      big: 18446744073709551615
`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	params := w.Document["resources"].(map[string]any)["db"].(map[string]any)["params"].(map[string]any)
	want := map[string]any{
		"size": 10, "ratio": 0.5, "on": true, "when": "2001-12-14",
		"list": []any{1, "two", nil}, "big": float64(18446744073709551615),
	}
	if !reflect.DeepEqual(params, want) {
		t.Errorf("params = %#v\nwant %#v", params, want)
	}
}

func TestLoadNonFiniteNumbers(t *testing.T) {
	// YAML's .inf and .nan cannot be encoded as JSON, so a workload holding them cannot become
	// spec_json / metadata_json: Load must report where they are instead of accepting them.
	for _, v := range []string{".inf", "-.Inf", ".nan"} {
		content := head + "resources:\n  db:\n    type: postgres\n    params:\n      size: " + v + "\n"
		w, err := load(t, loader.Input{Content: []byte(content)})
		if err == nil {
			_, jerr := json.Marshal(w.Document)
			t.Errorf("%s: Load accepted a non-finite number; encoding the Document then fails: %v", v, jerr)
			continue
		}
		ps := problemsOf(t, err)
		if ps.List[0].Location() != "resources.db.params.size (line 11)" {
			t.Errorf("%s:%s", v, dump(ps.List))
		}
	}
}

func TestLoadJSONFallbackIsStrict(t *testing.T) {
	// `\/` makes yaml.v3 reject these documents, so they go through the encoding/json fallback,
	// which must be as strict as the YAML path.
	const valid = `{"apiVersion":"score.dev/v1b1","metadata":{"name":"web-app","url":"a\/b"},"containers":{"web":{"image":"nginx"}}`
	mustLoad(t, loader.Input{Content: []byte(valid + "}")})
	for _, tc := range []struct{ name, content, msg string }{
		{"trailing garbage", valid + "} garbage", "unexpected data after the document"},
		{"a second JSON value", valid + `} {"containers": {}}`, ""},
		{"duplicate key", valid + `,"containers":{"db":{"image":"x"}}}`, `"containers"`},
		{"number out of range", strings.Replace(valid, `"url"`, `"n":1e400,"url"`, 1) + "}", "1e400"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := load(t, loader.Input{Content: []byte(tc.content)})
			if err == nil {
				t.Fatalf("Load accepted %s; Document: %v", tc.content, w.Document)
			}
			ps := problemsOf(t, err)
			if !strings.Contains(ps.Error(), tc.msg) {
				t.Errorf("problems do not mention %q:%s", tc.msg, dump(ps.List))
			}
		})
	}
}

func TestLoadDeferExternalFileSources(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "secret.txt"), []byte("outside"))
	base := filepath.Join(dir, "app")
	writeFile(t, filepath.Join(base, "inside.txt"), []byte("inside"))
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(base, "link.txt")); err != nil {
		t.Skipf("cannot create a symbolic link: %v", err)
	}
	content := head + `    files:
      /a:
        source: ../secret.txt
      /b:
        source: /etc/hostname
      /c:
        source: link.txt
      /d:
        source: inside.txt
`
	// Deferred: external sources are neither read nor reported; local ones still are.
	w := mustLoad(t, loader.Input{Content: []byte(content), BaseDir: base, DeferExternalFileSources: true})
	files := w.Files["web"]
	if len(files) != 1 || string(files["/d"].Content) != "inside" {
		t.Errorf("files = %v", files)
	}
	// Without deferring, each external source is a problem of its own.
	_, err := load(t, loader.Input{Content: []byte(content), BaseDir: base})
	ps := problemsOf(t, err)
	if len(ps.List) != 3 {
		t.Errorf("got %d problems, want 3:%s", len(ps.List), dump(ps.List))
	}
	for _, p := range ps.List {
		if !strings.Contains(p.Message, "allow_external_file_sources") {
			t.Errorf("[%s] %s: does not say how to allow it", p.Location(), p.Message)
		}
	}
	// Deferring does not hide a missing local file, nor a bad placeholder in a local one.
	missing := strings.Replace(content, "source: inside.txt", "source: gone.txt", 1)
	_, err = load(t, loader.Input{Content: []byte(missing), BaseDir: base, DeferExternalFileSources: true})
	ps = problemsOf(t, err)
	if len(ps.List) != 1 || ps.List[0].Location() != `containers.web.files["/d"].source (line 15)` {
		t.Errorf("missing local file:%s", dump(ps.List))
	}
}

func TestWorkloadStartOrder(t *testing.T) {
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  app:
    image: app
  migrate:
    image: migrate
    before:
      app:
        ready: complete
  db-wait:
    image: busybox
    before:
      migrate:
        ready: complete
      app:
        ready: complete
  sidecar:
    image: proxy
    before:
      app:
        ready: healthy
      zz-logger:
        ready: started
    readinessProbe:
      exec:
        command: ["true"]
  zz-logger:
    image: logger
`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	first := w.StartOrder()
	if len(first) != 5 {
		t.Fatalf("StartOrder = %q", first)
	}
	pos := map[string]int{}
	for i, n := range first {
		pos[n] = i
	}
	// X.before[Y] means X starts before Y.
	for _, edge := range [][2]string{{"migrate", "app"}, {"db-wait", "migrate"}, {"db-wait", "app"}, {"sidecar", "app"}, {"sidecar", "zz-logger"}} {
		if pos[edge[0]] >= pos[edge[1]] {
			t.Errorf("StartOrder = %q: %s must come before %s", first, edge[0], edge[1])
		}
	}
	if first[0] != "db-wait" {
		t.Errorf("StartOrder = %q: ties are broken by name, so db-wait comes first", first)
	}
	for i := 0; i < 20; i++ {
		if got := w.StartOrder(); !reflect.DeepEqual(got, first) {
			t.Fatalf("StartOrder changed between calls: %q vs %q", got, first)
		}
	}
	for name, want := range map[string]string{
		"app":       "",
		"zz-logger": "",
		"migrate":   "complete",
		"db-wait":   "complete",
	} {
		if got := w.StartsFirst(name); got != want {
			t.Errorf("StartsFirst(%s) = %q, want %q", name, got, want)
		}
	}
	if got := w.StartsFirst("no-such-container"); got != "" {
		t.Errorf("StartsFirst(unknown) = %q", got)
	}
}

func TestWorkloadStartsFirstIsDeterministic(t *testing.T) {
	// A container that others wait for with different readiness: the strongest requirement wins
	// (one waiter needing it healthy means it must be healthy before the others start),
	// whatever the map order ("complete" only when all of them wait for completion).
	content := `apiVersion: score.dev/v1b1
metadata:
  name: web-app
containers:
  first:
    image: x
    before:
      aa:
        ready: healthy
      bb:
        ready: started
      cc:
        ready: complete
      dd:
        ready: healthy
    readinessProbe:
      exec:
        command: ["true"]
  aa:
    image: x
  bb:
    image: x
  cc:
    image: x
  dd:
    image: x
`
	w := mustLoad(t, loader.Input{Content: []byte(content)})
	seen := map[string]int{}
	for i := 0; i < 200; i++ {
		seen[w.StartsFirst("first")]++
	}
	if len(seen) != 1 || seen["healthy"] != 200 {
		t.Errorf("StartsFirst(first) over 200 calls: %v, want always \"healthy\" (the strongest)", seen)
	}
}

func TestWorkloadStartOrderWithoutLoad(t *testing.T) {
	// StartOrder stays total on a hand-built workload with a cycle (Load refuses those).
	var w loader.Workload
	if err := json.Unmarshal([]byte(`{"apiVersion":"score.dev/v1b1","metadata":{"name":"x"},"containers":{
		"a":{"image":"x","before":{"b":{"ready":"started"}}},
		"b":{"image":"x","before":{"a":{"ready":"started"}}},
		"c":{"image":"x"}}}`), &w.Spec); err != nil {
		t.Fatal(err)
	}
	got := w.StartOrder()
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	if !reflect.DeepEqual(sorted, []string{"a", "b", "c"}) {
		t.Errorf("StartOrder = %q", got)
	}
	if got2 := w.StartOrder(); !reflect.DeepEqual(got, got2) {
		t.Errorf("StartOrder not stable: %q vs %q", got, got2)
	}
}

func TestLoadLineEndingsAndBOM(t *testing.T) {
	crlf := strings.ReplaceAll(head+"    variables:\n      A: ${metadata.name}\n", "\n", "\r\n")
	w := mustLoad(t, loader.Input{Content: []byte(crlf)})
	if got := w.Spec.Containers["web"].Variables["A"]; got != "${metadata.name}" {
		t.Errorf("A = %q", got)
	}
	bad := strings.ReplaceAll(head+"    variables:\n      A: ${metadata.nope}\n", "\n", "\r\n")
	_, err := load(t, loader.Input{Content: []byte(bad)})
	ps := problemsOf(t, err)
	if len(ps.List) != 1 || ps.List[0].Location() != "containers.web.variables.A (line 8)" {
		t.Errorf("CRLF problems:%s", dump(ps.List))
	}
	mustLoad(t, loader.Input{Content: []byte("\ufeff" + head)})
	mustLoad(t, loader.Input{Content: []byte("\ufeff" + `{"apiVersion":"score.dev/v1b1","metadata":{"name":"web-app"},"containers":{"web":{"image":"nginx"}}}`)})
}

func TestLoadDeepNesting(t *testing.T) {
	// Deeply nested params neither crash nor hang.
	depth := 5000
	content := head + "resources:\n  db:\n    type: postgres\n    params:\n      x: " + strings.Repeat("[", depth) + "${metadata.nope}" + strings.Repeat("]", depth) + "\n"
	_, err := load(t, loader.Input{Content: []byte(content)})
	if err == nil {
		t.Fatal("Load accepted a bad placeholder deep inside params")
	}
	_ = problemsOf(t, err) // its own checks are the assertion: a *loader.Problems with a problem
}

func TestLoadTrailingDocumentSeparator(t *testing.T) {
	// A trailing `---` (or `...`) starts no second workload; YAML tools and score-compose's
	// yaml.Unmarshal accept it. A real second document is still refused (see invalidCases).
	for _, tail := range []string{"---\n", "...\n", "---\n# end\n"} {
		if _, err := load(t, loader.Input{Content: []byte(head + tail)}); err != nil {
			var ps *loader.Problems
			errors.As(err, &ps)
			t.Errorf("head + %q:%s", tail, dump(ps.List))
		}
	}
}

func TestLoadUpgradeFailureKeepsOtherProblems(t *testing.T) {
	// "every schema error is reported (not just the first)": a legacy files item without a
	// target must not hide the rest of the document's problems.
	content := strings.Replace(head, "score.dev/v1b1", "score.dev/v2", 1) + `    files:
      - source: a.txt
    variables:
      PORT: 8080
`
	_, err := load(t, loader.Input{Content: []byte(content)})
	ps := problemsOf(t, err)
	for _, wp := range []want{
		{"containers.web.files.0.target (line 8)", "is missing or is not a string"},
		{"apiVersion (line 1)", "does not match pattern"},
		{"containers.web.variables.PORT (line 10)", "expected string, but got number"},
	} {
		found := false
		for _, p := range ps.List {
			found = found || (p.Location() == wp.loc && strings.Contains(p.Message, wp.msg))
		}
		if !found {
			t.Errorf("no problem [%s] …%s…:%s", wp.loc, wp.msg, dump(ps.List))
		}
	}
}

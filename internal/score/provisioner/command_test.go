package provisioner_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

func engNeedBash(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not on PATH; cmd:// provisioner tests need it")
	}
}

// engCommand is a cmd://bash provisioner running script (with "$1" = the first extra arg).
func engCommand(t testing.TB, target targets.Target, script string, extra ...string) *provisioner.Definition {
	t.Helper()
	args := append([]string{"-c", script, "provisioner"}, extra...)
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	return engOne(t, target, "- uri: cmd://bash\n  type: thing\n  args: "+string(raw)+"\n")
}

func engRunCommand(t testing.TB, d *provisioner.Definition, target targets.Target, req provisioner.Request) (*provisioner.Result, error) {
	t.Helper()
	return provisioner.Provision(context.Background(), d, req, provisioner.Options{Target: target, AllowCommands: true})
}

// echoScript answers with its stdin (as the output "input") and its first argument.
const echoScript = `in=$(cat)
printf '{"resource_outputs":{"input":%s,"mode":"%s","password":"pw","n":2},
"resource_state":{"counter":1},
"shared_state":{"drop":null,"add":{"x":1}},
"manifests":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}],
"compose_services":{"svc":{"image":"busybox"}},"compose_volumes":{"v":{}},"compose_networks":{"n":{}},
"compose_models":{"m":{"model":"x"}},"relative_file_contents":{"a/b.txt":"hello"},"relative_directories":{"d":{}}}' "$in" "$1"`

func commandRequest() provisioner.Request {
	req := engRequest("thing", 1)
	req.Params = map[string]any{"size": "large"}
	req.Metadata = map[string]any{"annotations": map[string]any{"a": "b"}}
	req.WorkloadMetadata = map[string]any{"name": "web"}
	req.WorkloadServices = map[string]provisioner.WorkloadService{"api": {ServiceName: "api-svc", Ports: map[string]provisioner.ServicePort{
		"http": {Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"},
	}}}
	req.Prior = provisioner.Stored{GUID: "prior-guid", State: map[string]any{"old": 1}, Shared: map[string]any{"drop": "me", "keep": "k"}}
	return req
}

func TestCommandProvisionerProtocol(t *testing.T) {
	engNeedBash(t)
	common := []string{"resource_uid", "resource_type", "resource_class", "resource_id", "resource_params", "resource_metadata",
		"source_workload", "workload_services", "resource_state", "shared_state"}
	for _, c := range []struct {
		target targets.Target
		extra  []string
		mode   string
	}{
		{targets.Kubernetes, []string{"resource_guid", "workload_metadata", "namespace"}, "provision"},
		{targets.Compose, []string{"compose_project_name", "mount_directory_path"}, "<mode>"},
	} {
		t.Run(string(c.target), func(t *testing.T) {
			d := engCommand(t, c.target, echoScript, "<mode>")
			res, err := engRunCommand(t, d, c.target, commandRequest())
			if err != nil {
				t.Fatal(err)
			}
			in := res.Outputs["input"].(map[string]any)
			var keys []string
			for k := range in {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			want := append(append([]string{}, common...), c.extra...)
			sort.Strings(want)
			if !reflect.DeepEqual(keys, want) {
				t.Errorf("input keys:\n got  %v\n want %v", keys, want)
			}
			base := `"resource_uid":"thing.default#web.db","resource_type":"thing","resource_class":"default","resource_id":"web.db",
				"resource_params":{"size":"large"},"resource_metadata":{"annotations":{"a":"b"}},"source_workload":"web",
				"workload_services":{"api":{"ServiceName":"api-svc","ports":{"http":{"name":"http","port":80,"targetPort":8080,"protocol":"TCP"}}}},
				"resource_state":{"old":1},"shared_state":{"drop":"me","keep":"k"}`
			if c.target == targets.Kubernetes {
				engEqualJSON(t, "input", in, `{`+base+`,"resource_guid":"prior-guid","workload_metadata":{"name":"web"},"namespace":"shop"}`)
			} else {
				engEqualJSON(t, "input", in, `{`+base+`,"compose_project_name":"proj","mount_directory_path":"./mounts"}`)
			}
			if res.Outputs["mode"] != c.mode {
				t.Errorf("<mode> argument became %v, want %s", res.Outputs["mode"], c.mode)
			}
			engEqualJSON(t, "state", res.Stored.State, `{"counter":1}`)
			engEqualJSON(t, "shared is merge-patched", res.Stored.Shared, `{"keep":"k","add":{"x":1}}`)
			if res.Stored.GUID != "prior-guid" {
				t.Errorf("guid %q", res.Stored.GUID)
			}
			if !reflect.DeepEqual(res.SecretOutputs, []string{"password"}) {
				t.Errorf("SecretOutputs %v", res.SecretOutputs)
			}
			if c.target == targets.Kubernetes {
				engEqualJSON(t, "manifests", res.Manifests, `[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"b"}}]`)
				engEqualJSON(t, "no compose", res.Compose, `{"Services":null,"Volumes":null,"Networks":null,"Models":null,"Files":null}`)
			} else {
				if len(res.Manifests) != 0 {
					t.Errorf("manifests on compose: %v", res.Manifests)
				}
				engEqualJSON(t, "compose", res.Compose, `{"Services":{"svc":{"image":"busybox"}},"Volumes":{"v":{}},"Networks":{"n":{}},
					"Models":{"m":{"model":"x"}},"Files":{"a/b.txt":"hello","d/.keep":""}}`)
			}
		})
	}
}

func TestCommandProvisionerNewGuidAndEmptyOutput(t *testing.T) {
	engNeedBash(t)
	d := engCommand(t, targets.Kubernetes, `cat >/dev/null; echo '{}'`)
	res, err := engRunCommand(t, d, targets.Kubernetes, engRequest("thing", 3))
	if err != nil {
		t.Fatal(err)
	}
	if !guidPattern.MatchString(res.Stored.GUID) {
		t.Errorf("guid %q", res.Stored.GUID)
	}
	engEqualJSON(t, "result", map[string]any{"outputs": res.Outputs, "state": res.Stored.State, "shared": res.Stored.Shared}, `{"outputs":{},"state":{},"shared":{}}`)
}

func TestCommandProvisionerFailures(t *testing.T) {
	engNeedBash(t)
	for _, c := range []struct {
		name, script string
		wants        []string
	}{
		{"exits non-zero", `cat >/dev/null; echo "database quota exceeded" >&2; exit 3`,
			[]string{"provisioner cmd://bash for resource 'thing.default#web.db'", "command failed: exit status 3", "database quota exceeded"}},
		{"prints invalid JSON", `echo 'this is not json'`,
			[]string{"cmd://bash", "command output is not the expected JSON", "invalid character"}},
		{"prints nothing", `true`,
			[]string{"command output is not the expected JSON", "EOF"}},
		{"prints unknown fields", `echo '{"resource_outputs":{},"outputs":{"a":1}}'`,
			[]string{"command output is not the expected JSON", `unknown field "outputs"`}},
		{"prints a wrong type", `echo '{"resource_outputs":["a"]}'`,
			[]string{"command output is not the expected JSON", "cannot unmarshal array"}},
		{"prints too much", `head -c 5000000 /dev/zero | tr '\0' ' '`,
			[]string{"cmd://bash", "command output exceeds 4194304 bytes"}},
		{"killed", `kill -9 $$`,
			[]string{"command failed", "signal: killed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := engCommand(t, targets.Kubernetes, c.script)
			res, err := engRunCommand(t, d, targets.Kubernetes, engRequest("thing", 1))
			engWantAll(t, err, c.wants...)
			if res != nil {
				t.Errorf("result with an error: %+v", res)
			}
		})
	}
	t.Run("stderr is bounded", func(t *testing.T) {
		d := engCommand(t, targets.Compose, `head -c 1000000 /dev/zero | tr '\0' 'e' >&2; exit 1`)
		_, err := engRunCommand(t, d, targets.Compose, engRequest("thing", 1))
		engWantAll(t, err, "command failed: exit status 1", "eeee")
		if n := len(err.Error()); n > 70<<10 {
			t.Errorf("message is %d bytes", n)
		}
	})
	// Commands that outlive their time, and stderr that would show secrets: command_hostile_test.go.
}

// Regression (message): a cmd:// provisioner printing more than MaxTemplateOutput bytes fails with
// "command failed: exit status 141" (the program died of SIGPIPE when the limited stdout writer
// stopped reading), or whatever the program does on EPIPE; the message never says that the
// output was too large. provisionCommand returns cmd.Run's error; it should check whether the
// stdout writer hit errTooLarge first.
func TestCommandProvisionerOutputTooLargeMessage(t *testing.T) {
	engNeedBash(t)
	d := engCommand(t, targets.Kubernetes, `head -c 5000000 /dev/zero | tr '\0' ' '`)
	_, err := engRunCommand(t, d, targets.Kubernetes, engRequest("thing", 1))
	engWantAll(t, err, "cmd://bash", "output exceeds 4194304 bytes")
}

func TestCommandProvisionerRefusedByDefault(t *testing.T) {
	d := engOne(t, targets.Kubernetes, "- uri: cmd://bash\n  type: thing\n  args: [-c, 'touch should-not-exist']\n")
	for _, target := range targets.All {
		res, err := provisioner.Provision(context.Background(), d, engRequest("thing", 1), provisioner.Options{Target: target})
		engWantAll(t, err, "cmd://bash", "disabled", "allow_command_provisioners = true")
		if res != nil {
			t.Error("result with an error")
		}
	}
	if _, err := os.Stat("should-not-exist"); err == nil {
		t.Error("the command ran although commands are not allowed")
		if err := os.Remove("should-not-exist"); err != nil {
			t.Error(err)
		}
	}
}

func TestCommandProvisionerBinaryResolution(t *testing.T) {
	engNeedBash(t)
	dir := t.TempDir()
	script := "#!/usr/bin/env bash\ncat >/dev/null\necho '{\"resource_outputs\":{\"ran\":\"'\"$0\"'\"}}'\n"
	for _, p := range []string{"prov.sh", "bin/prov.sh", "home/bin/prov.sh"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(dir, "bin"))
	t.Setenv("HOME", filepath.Join(dir, "home"))

	run := func(uri string) (*provisioner.Result, error) {
		d := engOne(t, targets.Compose, "- uri: "+uri+"\n  type: thing\n")
		return engRunCommand(t, d, targets.Compose, engRequest("thing", 1))
	}
	for _, uri := range []string{"cmd://../bin/prov.sh", "cmd://~/bin/prov.sh"} {
		res, err := run(uri)
		if err != nil {
			t.Errorf("%s: %v", uri, err)
			continue
		}
		if ran, _ := res.Outputs["ran"].(string); !strings.HasSuffix(ran, "prov.sh") {
			t.Errorf("%s ran %v", uri, res.Outputs["ran"])
		}
	}
	for _, c := range []struct{ uri, want string }{
		{"cmd://bash/some/path", "must name a program"},
		{"cmd://me@bash", "may not hold a user, port or query"},
		{"cmd://bash:22", "may not hold a user, port or query"},
		{"cmd://bash?x=1", "may not hold a user, port or query"},
		{"cmd://no-such-program-for-score-tests", "executable file not found"},
		{"cmd://./missing.sh", "cmd://./missing.sh"},
	} {
		_, err := run(c.uri)
		engWantAll(t, err, c.uri, c.want)
	}
}

// Regression: `cmd://./prov.sh` (a script in the working directory, the form score-compose and
// score-k8s document: "cmd://./x is relative to the cwd") does not run. commandBinary returns
// filepath.Join(".", "/prov.sh") = "prov.sh", a name without a path separator, which os/exec
// then looks up on PATH instead of in the working directory: "exec: "prov.sh": executable file
// not found in $PATH". `cmd://./sub/prov.sh` works because the joined path keeps a separator.
func TestCommandProvisionerRelativeToWorkingDirectory(t *testing.T) {
	engNeedBash(t)
	dir := t.TempDir()
	script := "#!/usr/bin/env bash\ncat >/dev/null\necho '{\"resource_outputs\":{\"ok\":true}}'\n"
	for _, p := range []string{"prov.sh", "sub/prov.sh"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, uri := range []string{"cmd://./sub/prov.sh", "cmd://./prov.sh"} {
		d := engOne(t, targets.Compose, "- uri: "+uri+"\n  type: thing\n")
		res, err := engRunCommand(t, d, targets.Compose, engRequest("thing", 1))
		if err != nil {
			t.Errorf("%s: %v", uri, err)
			continue
		}
		if res.Outputs["ok"] != true {
			t.Errorf("%s: outputs %v", uri, res.Outputs)
		}
	}
}

// The upstream example: `cmd://bash#example-provisioner` (a fragment names it) with -c args.
func TestCommandProvisionerUpstreamExample(t *testing.T) {
	engNeedBash(t)
	d := engOne(t, targets.Kubernetes, `
- uri: cmd://bash#example-provisioner
  type: example-provisioner-resource
  class: default
  id: specific
  args: ["-c", "echo '{\"resource_outputs\":{\"key\":\"value\",\"secret\":\"🔐💬mysecret_mykey💬🔐\"},\"manifests\":[]}'"]
  expected_outputs: [key, secret]
`)
	res, err := engRunCommand(t, d, targets.Kubernetes, engRequest("example-provisioner-resource", 1))
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "outputs", res.Outputs, `{"key":"value","secret":"🔐💬mysecret_mykey💬🔐"}`)
	if len(res.Manifests) != 0 {
		t.Errorf("manifests %v", res.Manifests)
	}
}

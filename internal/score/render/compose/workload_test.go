package compose_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	composeloader "github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
)

// Unit tests of the compose workload renderer, with resources resolved by hand (no
// provisioning): each resource is given by its outputs, as a binding would give it.

func wlLoad(t *testing.T, score string) *loader.Workload {
	t.Helper()
	w, err := loader.Load(loader.Input{Content: []byte(score), BaseDir: t.TempDir()})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, score)
	}
	return w
}

func wlRes(name, uid string, outputs map[string]any, secret ...string) *resources.Resource {
	r := &resources.Resource{Name: name, UID: uid, Outputs: outputs, Secret: map[string]bool{}}
	for _, k := range secret {
		r.Secret[k] = true
	}
	return r
}

func wlEnvRes(name string) *resources.Resource {
	r := wlRes(name, "environment.default#app."+name, map[string]any{})
	r.Environment = true
	r.Provisioned = &provisioner.Result{Environment: true}
	return r
}

func wlResult(w *loader.Workload, list ...*resources.Resource) *resources.Result {
	name, _ := w.Spec.Metadata["name"].(string)
	r := &resources.Result{Workload: name, Metadata: w.Spec.Metadata, Resources: map[string]*resources.Resource{}}
	for _, res := range list {
		r.Resources[res.Name] = res
		r.Order = append(r.Order, res.Name)
	}
	sort.Strings(r.Order)
	return r
}

func wlRenderIn(t *testing.T, score string, list ...*resources.Resource) (compose.Rendered, error) {
	t.Helper()
	w := wlLoad(t, score)
	return compose.RenderWorkload(compose.WorkloadInput{Workload: w, Resources: wlResult(w, list...), ComposeProjectName: "demo", MountsDirectory: "./mounts"})
}

// wlRender renders and loads the result with compose-go (env file and environment applied, files
// written next to the compose file).
func wlRender(t *testing.T, env map[string]string, score string, list ...*resources.Resource) (compose.Rendered, *types.Project) {
	t.Helper()
	out, err := wlRenderIn(t, score, list...)
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	dir := t.TempDir()
	binary := map[string]string{}
	for p, b64 := range out.BinaryFiles {
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			t.Errorf("binary file %q is not base64: %v", p, err)
		}
		binary[p] = string(raw)
	}
	for _, files := range []map[string]string{out.Files, out.SecretFiles, binary} {
		for p, content := range files {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	environment := types.Mapping{}
	parsed, err := dotenv.UnmarshalBytesWithLookup([]byte(out.Env), nil)
	if err != nil {
		t.Fatalf("env file: %v\n%s", err, out.Env)
	}
	for k, v := range parsed {
		environment[k] = v
	}
	for k, v := range env {
		environment[k] = v
	}
	project, err := composeloader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: []byte(out.YAML)}},
		Environment: environment,
	}, func(o *composeloader.Options) {
		o.SetProjectName("demo", true)
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		t.Fatalf("compose-go: %v\n%s", err, out.YAML)
	}
	for name, svc := range project.Services {
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeBind {
				if _, err := os.Stat(v.Source); err != nil {
					t.Errorf("service %s: bind source %s missing", name, v.Source)
				}
			}
		}
	}
	return out, project
}

func wlWant(t *testing.T, err error, path []string, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one at %s", problem.FormatPath(path))
	}
	list, ok := err.(problem.List)
	if !ok {
		t.Fatalf("error %T %v is not a problem.List", err, err)
	}
	for _, p := range list {
		if problem.FormatPath(p.Path) != problem.FormatPath(path) {
			continue
		}
		ok := true
		for _, s := range parts {
			ok = ok && strings.Contains(p.Message, s)
		}
		if ok {
			return
		}
	}
	t.Errorf("no problem at %s mentioning %q: %v", problem.FormatPath(path), parts, list)
}

func wlValue(svc types.ServiceConfig, k string) string {
	if v := svc.Environment[k]; v != nil {
		return *v
	}
	return "<unset>"
}

const wlHead = "apiVersion: score.dev/v1b1\nmetadata:\n  name: app\n"

func TestWorkloadVariables(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    command: ["/bin/sh", "-c"]
    args: ["echo $HOME ${X} $$"]
    variables:
      REGION: ${resources.env.REGION}
      MIXED: region=${resources.env.REGION}/${resources.env.ZONE}
      PASSWORD: ${resources.db.password}
      URL: postgres://u:${resources.db.password}@${resources.db.host}/db
      HOST: ${resources.db.host}
      NESTED: ${resources.db.meta.zone}
      WHOLE: ${resources.db.meta}
      LITERAL: "cost $$5 ${metadata.name} $${HOME} $(X)"
resources:
  env:
    type: environment
  db:
    type: postgres
  unused:
    type: postgres
`
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55-word$x", "host": "db.internal", "meta": map[string]any{"zone": "eu-1"}}, "password")
	unused := wlRes("unused", "postgres.default#app.unused", map[string]any{"password": "never-used-secret"}, "password")
	out, project := wlRender(t, map[string]string{"REGION": "eu-west-1", "ZONE": "b"}, score, wlEnvRes("env"), db, unused)
	if fmt.Sprint(out.Environment) != "[REGION ZONE]" {
		t.Errorf("Environment = %v, want [REGION ZONE]", out.Environment)
	}
	if !strings.Contains(out.YAML, "REGION: ${REGION}") || !strings.Contains(out.YAML, "PASSWORD: ${POSTGRES_DEFAULT_APP_DB_PASSWORD}") {
		t.Errorf("compose YAML:\n%s", out.YAML)
	}
	if strings.Contains(out.YAML, "pa55-word") {
		t.Errorf("the secret is in the compose YAML")
	}
	if strings.Contains(out.Env, "never-used-secret") {
		t.Errorf("the env file holds a secret the compose file does not use:\n%s", out.Env)
	}
	svc := project.Services["app-main"]
	for k, want := range map[string]string{
		"REGION": "eu-west-1", "MIXED": "region=eu-west-1/b", "PASSWORD": "pa55-word$x",
		"URL": "postgres://u:pa55-word$x@db.internal/db", "HOST": "db.internal", "NESTED": "eu-1", "WHOLE": `{"zone":"eu-1"}`,
		"LITERAL": "cost $5 app ${HOME} $(X)",
	} {
		if got := wlValue(svc, k); got != want {
			t.Errorf("%s = %q after compose interpolation, want %q", k, got, want)
		}
	}
	if fmt.Sprint(svc.Entrypoint, svc.Command) != "[/bin/sh -c] [echo $HOME ${X} $$]" {
		t.Errorf("entrypoint/command = %v %v: must reach the container as written", svc.Entrypoint, svc.Command)
	}
	if svc.Hostname != "app" || svc.Annotations["compose.score.dev/workload-name"] != "app" {
		t.Errorf("hostname %q annotations %v", svc.Hostname, svc.Annotations)
	}
}

func TestWorkloadFiles(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    files:
      /etc/app/a.conf:
        content: "a=${resources.db.host} $$HOME"
        mode: "0640"
      /etc/other/a.conf:
        content: "other"
      /etc/app/password.conf:
        content: "password=${resources.db.password}"
      /bin/tool:
        binaryContent: AAEC/w==
      /etc/raw:
        noExpand: true
        content: "${not.expanded} $HOME"
`
	score += "resources:\n  db:\n    type: postgres\n"
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret", "host": "db.internal"}, "password")
	out, project := wlRender(t, nil, score, db)
	svc := project.Services["app-main"]
	configs := map[string]string{}
	modes := map[string]string{}
	for _, c := range svc.Configs {
		configs[c.Target] = project.Configs[c.Source].Content
		if c.Mode != nil {
			modes[c.Target] = fmt.Sprintf("%o", *c.Mode)
		}
	}
	for target, want := range map[string]string{
		"/etc/app/a.conf": "a=db.internal $HOME", "/etc/other/a.conf": "other", "/etc/raw": "${not.expanded} $HOME",
	} {
		if configs[target] != want {
			t.Errorf("config %s = %q after compose interpolation, want %q", target, configs[target], want)
		}
	}
	if modes["/etc/app/a.conf"] != "640" {
		t.Errorf("modes %v", modes)
	}
	binds := map[string]types.ServiceVolumeConfig{}
	for _, v := range svc.Volumes {
		binds[v.Target] = v
	}
	for target, want := range map[string]string{"/etc/app/password.conf": "password=pa55word-secret", "/bin/tool": "\x00\x01\x02\xff"} {
		v, ok := binds[target]
		if !ok || v.Type != types.VolumeTypeBind || !v.ReadOnly {
			t.Errorf("%s: %+v, want a read-only bind", target, v)
			continue
		}
		got, err := os.ReadFile(v.Source)
		if err != nil || string(got) != want {
			t.Errorf("%s bound from %s = %q (%v), want %q", target, v.Source, got, err, want)
		}
	}
	if len(out.SecretFiles) != 1 || len(out.Files) != 0 || len(out.BinaryFiles) != 1 {
		t.Errorf("files %v secret files %v binary files %v: the password file is secret, the binary one is binary", wlKeys(out.Files), wlKeys(out.SecretFiles), wlKeys(out.BinaryFiles))
	}
	if strings.Contains(out.YAML, "pa55word-secret") {
		t.Errorf("the secret is in the compose YAML")
	}
}

func wlKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A file whose content refers to an environment resource is a config compose interpolates:
// the variable comes from the environment compose runs in, secret values from the env file (never
// in the compose file), everything else stays as written (issue 16, item 2).
func TestWorkloadFileEnvironment(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    files:
      /etc/app/app.conf:
        content: "region=${resources.env.REGION} host=${resources.db.host} password=${resources.db.password} home=$$HOME"
        mode: "0600"
      /etc/app/raw.conf:
        noExpand: true
        content: "${resources.env.REGION}"
resources:
  env:
    type: environment
  db:
    type: postgres
`
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret", "host": "db$internal"}, "password")
	out, project := wlRender(t, map[string]string{"REGION": "eu-west-1"}, score, wlEnvRes("env"), db)
	svc := project.Services["app-main"]
	configs := map[string]string{}
	modes := map[string]string{}
	for _, c := range svc.Configs {
		configs[c.Target] = project.Configs[c.Source].Content
		if c.Mode != nil {
			modes[c.Target] = fmt.Sprintf("%o", *c.Mode)
		}
	}
	for target, want := range map[string]string{
		"/etc/app/app.conf": "region=eu-west-1 host=db$internal password=pa55word-secret home=$HOME",
		"/etc/app/raw.conf": "${resources.env.REGION}",
	} {
		if configs[target] != want {
			t.Errorf("config %s = %q after compose interpolation, want %q", target, configs[target], want)
		}
	}
	if modes["/etc/app/app.conf"] != "600" {
		t.Errorf("modes %v", modes)
	}
	if len(svc.Volumes) != 0 || len(out.Files) != 0 || len(out.SecretFiles) != 0 {
		t.Errorf("volumes %v files %v secret files %v: the files are configs", svc.Volumes, wlKeys(out.Files), wlKeys(out.SecretFiles))
	}
	if strings.Contains(out.YAML, "pa55word-secret") || !strings.Contains(out.Env, "pa55word-secret") {
		t.Errorf("the secret must be in the env file only:\n%s\n%s", out.YAML, out.Env)
	}
	if fmt.Sprint(out.Environment) != "[REGION]" {
		t.Errorf("environment %v, want [REGION]", out.Environment)
	}
}

func TestWorkloadFileErrors(t *testing.T) {
	_, err := wlRenderIn(t, wlHead+"containers:\n  main:\n    image: busybox\n    files:\n      /etc/region:\n        content: \"${resources.env.REGION.x}\"\nresources:\n  env:\n    type: environment\n", wlEnvRes("env"))
	wlWant(t, err, []string{"containers", "main", "files", "/etc/region"}, "resources.env.REGION.x", "exactly one key")
}

func TestWorkloadVolumes(t *testing.T) {
	vol := func(name string, outputs map[string]any) *resources.Resource {
		return wlRes(name, "volume.default#app."+name, outputs)
	}
	score := wlHead + `containers:
  main:
    image: busybox
    volumes:
      /named:
        source: ${resources.named}
        path: sub
        readOnly: true
      /host:
        source: ${resources.host}
        path: logs
      /tmp:
        source: volume.default#app.tmp
resources:
  named:
    type: volume
  host:
    type: volume
  tmp:
    type: volume
`
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, project := wlRender(t, nil, score,
		vol("named", map[string]any{"type": "volume", "source": "named-data"}),
		vol("host", map[string]any{"type": "bind", "source": dir}),
		vol("tmp", map[string]any{"type": "tmpfs"}))
	got := map[string]types.ServiceVolumeConfig{}
	for _, v := range project.Services["app-main"].Volumes {
		got[v.Target] = v
	}
	if v := got["/named"]; v.Type != "volume" || v.Source != "named-data" || !v.ReadOnly || v.Volume == nil || v.Volume.Subpath != "sub" {
		t.Errorf("/named = %+v", v)
	}
	if _, ok := project.Volumes["named-data"]; !ok {
		t.Errorf("volume named-data is not declared")
	}
	if v := got["/host"]; v.Type != "bind" || v.Source != filepath.Join(dir, "logs") {
		t.Errorf("/host = %+v", v)
	}
	if v := got["/tmp"]; v.Type != "tmpfs" {
		t.Errorf("/tmp = %+v", v)
	}

	for _, tc := range []struct {
		name    string
		source  string
		path    string
		outputs map[string]any
		parts   []string
	}{
		{"tmpfs with a path", "${resources.data}", "x", map[string]any{"type": "tmpfs"}, []string{"tmpfs", "path"}},
		{"unknown type", "${resources.data}", "", map[string]any{"type": "nfs", "source": "x"}, []string{`"nfs"`, "volume, bind or tmpfs"}},
		{"volume without source", "${resources.data}", "", map[string]any{"type": "volume"}, []string{"no source output"}},
		{"unknown resource", "volume.default#nowhere.data", "", map[string]any{"type": "volume", "source": "x"}, []string{"volume.default#nowhere.data", "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := wlHead + "containers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: " + tc.source + "\n"
			if tc.path != "" {
				s += "        path: " + tc.path + "\n"
			}
			s += "resources:\n  data:\n    type: volume\n"
			_, err := wlRenderIn(t, s, vol("data", tc.outputs))
			wlWant(t, err, []string{"containers", "main", "volumes", "/data"}, tc.parts...)
		})
	}
}

func TestWorkloadBefore(t *testing.T) {
	score := wlHead + "  annotations:\n    " + compose.HTTPHealthcheckAnnotation + `: curl
containers:
  init:
    image: busybox
    before:
      main: {ready: complete}
      side: {ready: complete}
  side:
    image: busybox
    readinessProbe:
      httpGet: {path: /ready, port: 8080, httpHeaders: [{name: X-A, value: "it's"}]}
    before:
      main: {ready: healthy}
  logger:
    image: busybox
    before:
      main: {ready: started}
  main:
    image: busybox
`
	_, project := wlRender(t, nil, score)
	deps := func(svc string) map[string]string {
		out := map[string]string{}
		for k, v := range project.Services[svc].DependsOn {
			out[k] = v.Condition
		}
		return out
	}
	if got := fmt.Sprint(deps("app-main")); got != "map[app-init:service_completed_successfully app-logger:service_started app-side:service_healthy]" {
		t.Errorf("app-main depends_on %s", got)
	}
	if got := fmt.Sprint(deps("app-side")); got != "map[app-init:service_completed_successfully app-logger:service_started]" { // network_mode service:app-logger implies the second
		t.Errorf("app-side depends_on %s", got)
	}
	primary := ""
	for name, svc := range project.Services {
		if svc.Hostname == "app" {
			primary = name
		}
	}
	// The primary container is the first to start among those that keep running.
	if primary != "app-logger" {
		t.Errorf("primary (hostname app) = %q, want app-logger", primary)
	}
	if project.Services["app-init"].NetworkMode != "" {
		t.Errorf("the init container shares a network namespace")
	}
	for _, name := range []string{"app-side", "app-main"} {
		if project.Services[name].NetworkMode != "service:app-logger" {
			t.Errorf("%s network_mode = %q", name, project.Services[name].NetworkMode)
		}
	}
	hc := project.Services["app-side"].HealthCheck
	if hc == nil || fmt.Sprintf("%q", hc.Test) != `["CMD" "curl" "-fsSk" "-o" "/dev/null" "-H" "X-A: it's" "http://localhost:8080/ready"]` {
		t.Errorf("httpGet healthcheck = %+v", hc)
	}

	_, err := wlRenderIn(t, wlHead+"containers:\n  first:\n    image: busybox\n    before:\n      second: {ready: healthy}\n  second:\n    image: busybox\n")
	wlWant(t, err, []string{"containers", "first", "before", "second"}, "ready 'healthy' requires a readiness or liveness probe")
}

// What provisioned resources add: their services (secrets redacted) and files; the workload
// waits for them by the right condition.
func TestWorkloadResourceServices(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\n    variables:\n      P: ${resources.db.password}\nresources:\n  db:\n    type: postgres\n  job:\n    type: custom\n  plain:\n    type: custom\n"
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret"}, "password")
	db.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{
		Services: map[string]any{"pg": map[string]any{
			"image": "postgres", "environment": map[string]any{"POSTGRES_PASSWORD": "pa55word-secret"},
			"healthcheck": map[string]any{"test": []any{"CMD", "pg_isready"}},
		}},
		Volumes: map[string]any{"pg-data": map[string]any{}},
		Files:   map[string]any{"pg/init.sql": "ALTER USER x PASSWORD 'pa55word-secret';"},
	}}
	job := wlRes("job", "custom.default#app.job", map[string]any{})
	job.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{Services: map[string]any{
		"job-init": map[string]any{"image": "busybox", "labels": map[string]any{compose.InitContainerLabel: "true"}},
	}}}
	plain := wlRes("plain", "custom.default#app.plain", map[string]any{})
	plain.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{Services: map[string]any{"plain": map[string]any{"image": "busybox"}}}}
	out, project := wlRender(t, nil, score, db, job, plain)
	conds := map[string]string{}
	for k, v := range project.Services["app-main"].DependsOn {
		conds[k] = v.Condition
	}
	if fmt.Sprint(conds) != "map[job-init:service_completed_successfully pg:service_healthy plain:service_started]" {
		t.Errorf("depends_on %v", conds)
	}
	if wlValue(project.Services["pg"], "POSTGRES_PASSWORD") != "pa55word-secret" || strings.Contains(out.YAML, "pa55word-secret") {
		t.Errorf("the resource service's secret is not a reference to the env file:\n%s", out.YAML)
	}
	if out.SecretFiles["mounts/pg/init.sql"] == "" || len(out.Files) != 0 {
		t.Errorf("files %v secret files %v: the init script holds the secret", wlKeys(out.Files), wlKeys(out.SecretFiles))
	}

	// Two resources defining one service differently are an error, unless both keep a shared
	// instance: then the last provisioned wins, as in score-compose (the router every route
	// re-renders). A resource service named like a container's is an error.
	other := wlRes("job", "custom.default#app.job", map[string]any{})
	other.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{Services: map[string]any{"pg": map[string]any{"image": "other"}}}}
	_, err := wlRenderIn(t, score, db, other, plain)
	wlWant(t, err, []string{"resources", "job"}, `service "pg" is also defined, differently, by resource 'postgres.default#app.db'`)
	db.Provisioned.SharedInstance, other.Provisioned.SharedInstance = true, true
	_, project = wlRender(t, nil, score, db, other, plain)
	if project.Services["pg"].Image != "other" {
		t.Errorf("service pg has image %q: the last shared-instance resource provisioned (job) writes it", project.Services["pg"].Image)
	}
	db.Provisioned.SharedInstance = false
	clash := wlRes("plain", "custom.default#app.plain", map[string]any{})
	clash.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{Services: map[string]any{"app-main": map[string]any{"image": "busybox"}}}}
	_, err = wlRenderIn(t, score, db, job, clash)
	wlWant(t, err, []string{"containers", "main"}, `"app-main" is also defined by resource 'custom.default#app.plain'`)
	escape := wlRes("plain", "custom.default#app.plain", map[string]any{})
	escape.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{Files: map[string]any{"../outside.txt": "x"}}}
	_, err = wlRenderIn(t, score, db, job, escape)
	wlWant(t, err, []string{"resources", "plain"}, `"../outside.txt"`)
}

func TestWorkloadIsDeterministic(t *testing.T) {
	score := wlHead + `containers:
  bb:
    image: busybox
    variables: {B: "2", A: "1", C: "${resources.db.password}", D: "${resources.db.url}"}
    files:
      /etc/b: {content: b}
      /etc/a: {content: "${resources.db.password}"}
  aa:
    image: busybox
resources:
  db:
    type: postgres
`
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret", "url": "x://pa55word-secret@h"}, "password", "url")
	first, err := wlRenderIn(t, score, db)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, err := wlRenderIn(t, score, db)
		if err != nil || fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("render %d differs (%v)", i, err)
		}
	}
}

// Compose interpolates `$` in every value of the compose file. Score means the image, annotations,
// file and volume paths literally, so they reach the project as written, whatever the environment.
func TestWorkloadLiteralDollars(t *testing.T) {
	score := `apiVersion: score.dev/v1b1
metadata:
  name: app
  annotations:
    example.com/note: "cost $5 ${X}"
containers:
  main:
    image: registry.example.com/$A/app:${TAG}
    files:
      /etc/$x/a.conf:
        content: plain
      /etc/$x/pa$s.conf:
        content: "password=${resources.db.password}"
    volumes:
      /data/$v:
        source: ${resources.named}
        path: sub$p
      /logs/$v:
        source: ${resources.host}
        path: l$g
resources:
  db:
    type: postgres
  named:
    type: volume
  host:
    type: volume
`
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "l$g"), 0o755); err != nil {
		t.Fatal(err)
	}
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret"}, "password")
	named := wlRes("named", "volume.default#app.named", map[string]any{"type": "volume", "source": "named-data"})
	host := wlRes("host", "volume.default#app.host", map[string]any{"type": "bind", "source": dir})
	env := map[string]string{"A": "WRONG", "TAG": "WRONG", "X": "WRONG", "x": "WRONG", "v": "WRONG", "p": "WRONG", "g": "WRONG", "s": "WRONG"}
	_, project := wlRender(t, env, score, db, named, host)
	svc := project.Services["app-main"]
	if svc.Image != "registry.example.com/$A/app:${TAG}" {
		t.Errorf("image = %q", svc.Image)
	}
	if got := svc.Annotations["example.com/note"]; got != "cost $5 ${X}" {
		t.Errorf("annotation = %q", got)
	}
	var configTargets []string
	for _, c := range svc.Configs {
		configTargets = append(configTargets, c.Target)
	}
	if fmt.Sprint(configTargets) != "[/etc/$x/a.conf]" {
		t.Errorf("config targets = %v", configTargets)
	}
	mounts := map[string]types.ServiceVolumeConfig{}
	for _, v := range svc.Volumes {
		mounts[v.Target] = v
	}
	if v, ok := mounts["/etc/$x/pa$s.conf"]; !ok || v.Type != "bind" || !strings.HasSuffix(v.Source, "/pa$s.conf") {
		t.Errorf("secret file mount = %+v (mounts %v)", v, wlMountTargets(mounts))
	}
	if v := mounts["/data/$v"]; v.Volume == nil || v.Volume.Subpath != "sub$p" {
		t.Errorf("/data/$v = %+v (mounts %v)", v, wlMountTargets(mounts))
	}
	if v := mounts["/logs/$v"]; v.Source != filepath.Join(dir, "l$g") {
		t.Errorf("/logs/$v = %+v (mounts %v)", v, wlMountTargets(mounts))
	}
}

func wlMountTargets(m map[string]types.ServiceVolumeConfig) []string {
	targets := make([]string, 0, len(m))
	for t := range m {
		targets = append(targets, t)
	}
	sort.Strings(targets)
	return targets
}

// TestWorkloadModels: a model a resource declares goes to the top-level models and every
// container's service uses it (score-compose PR #392); resource services do not.
func TestWorkloadModels(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\n  side:\n    image: busybox\nresources:\n  llm:\n    type: llm-model\n"
	llm := wlRes("llm", "llm-model.default#app.llm", map[string]any{"name": "app-llm"})
	llm.Provisioned = &provisioner.Result{Compose: provisioner.ComposeArtifacts{
		Models:   map[string]any{"app-llm": map[string]any{"model": "ai/smollm2", "context_size": 2048}},
		Services: map[string]any{"llm-proxy": map[string]any{"image": "busybox"}},
	}}
	out, project := wlRender(t, nil, score, llm)
	if m, ok := project.Models["app-llm"]; !ok || m.Model != "ai/smollm2" {
		t.Errorf("top-level models %v", project.Models)
	}
	for _, name := range []string{"app-main", "app-side"} {
		uses := project.Services[name].Models
		if len(uses) != 1 || uses["app-llm"] == nil {
			t.Errorf("service %s uses models %v, want app-llm:\n%s", name, uses, out.YAML)
		}
	}
	if len(project.Services["llm-proxy"].Models) != 0 {
		t.Errorf("the resource's own service uses models %v", project.Services["llm-proxy"].Models)
	}
	if !strings.Contains(out.YAML, "    models:\n      app-llm: {}\n") {
		t.Errorf("want `models: {app-llm: {}}` on the services, as score-compose writes it:\n%s", out.YAML)
	}

	// Without a model, no service gets models.
	out, _ = wlRender(t, nil, wlHead+"containers:\n  main:\n    image: busybox\n")
	if strings.Contains(out.YAML, "models") {
		t.Errorf("models without a model resource:\n%s", out.YAML)
	}
}

// TestWorkloadHTTPHealthcheck: only exec probes become healthchecks unless the workload names the
// tool that runs httpGet probes; an httpGet probe left out is a warning, and a workload waiting
// for it to be healthy an error saying how to opt in.
func TestWorkloadHTTPHealthcheck(t *testing.T) {
	probes := `containers:
  http:
    image: gcr.io/distroless/static
    readinessProbe:
      httpGet: {path: /ready, port: 8080, scheme: HTTPS, httpHeaders: [{name: X-A, value: "$b"}]}
  mixed:
    image: busybox
    readinessProbe:
      httpGet: {path: /ready, port: 8080}
    livenessProbe:
      exec: {command: [/bin/check]}
  plain:
    image: busybox
`
	out, project := wlRender(t, nil, wlHead+probes)
	if hc := project.Services["app-http"].HealthCheck; hc != nil {
		t.Errorf("httpGet probe became a healthcheck without opting in: %+v", hc)
	}
	if hc := project.Services["app-mixed"].HealthCheck; hc == nil || fmt.Sprint(hc.Test) != "[CMD /bin/check]" {
		t.Errorf("an exec liveness probe is the healthcheck when the readiness probe is httpGet: %+v", hc)
	}
	if project.Services["app-plain"].HealthCheck != nil || len(out.Warnings) != 1 ||
		!strings.Contains(out.Warnings[0], "containers.http:") || !strings.Contains(out.Warnings[0], compose.HTTPHealthcheckAnnotation) {
		t.Errorf("warnings %q: want one, for containers.http, naming the annotation", out.Warnings)
	}

	for tool, want := range map[string]string{
		"wget": `["CMD" "wget" "-q" "-O" "/dev/null" "--no-check-certificate" "--header" "X-A: $b" "https://localhost:8080/ready"]`,
		"curl": `["CMD" "curl" "-fsSk" "-o" "/dev/null" "-H" "X-A: $b" "https://localhost:8080/ready"]`,
	} {
		out, project := wlRender(t, nil, wlHead+"  annotations:\n    "+compose.HTTPHealthcheckAnnotation+": "+tool+"\n"+probes)
		if hc := project.Services["app-http"].HealthCheck; hc == nil || fmt.Sprintf("%q", hc.Test) != want {
			t.Errorf("%s: healthcheck %+v, want test %s", tool, hc, want)
		}
		if hc := project.Services["app-mixed"].HealthCheck; hc == nil || hc.Test[1] != tool {
			t.Errorf("%s: the readiness probe comes first once it can be a healthcheck: %+v", tool, hc)
		}
		if len(out.Warnings) != 0 {
			t.Errorf("%s: warnings %q", tool, out.Warnings)
		}
	}

	_, err := wlRenderIn(t, wlHead+"  annotations:\n    "+compose.HTTPHealthcheckAnnotation+": nc\n"+probes)
	wlWant(t, err, []string{"metadata", "annotations", compose.HTTPHealthcheckAnnotation}, `"wget" or "curl"`)
	_, err = wlRenderIn(t, wlHead+probes+"    before:\n      http: {ready: started}\n  other:\n    image: busybox\n    readinessProbe:\n      httpGet: {path: /, port: 80}\n    before:\n      http: {ready: healthy}\n")
	wlWant(t, err, []string{"containers", "other", "before", "http"}, "ready 'healthy'", compose.HTTPHealthcheckAnnotation)
}

// TestWorkloadResourceLimits: limits become deploy.resources.limits and requests
// deploy.resources.reservations (cpus as a decimal, memory in bytes), as compose-go reads them.
func TestWorkloadResourceLimits(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    resources:
      limits: {cpu: 1500m, memory: 512Mi}
      requests: {cpu: "0.25", memory: 128M}
  half:
    image: busybox
    resources:
      limits: {cpu: "2"}
  none:
    image: busybox
`
	out, project := wlRender(t, nil, score)
	main := project.Services["app-main"].Deploy
	if main == nil || main.Resources.Limits == nil || main.Resources.Reservations == nil {
		t.Fatalf("deploy %+v:\n%s", main, out.YAML)
	}
	if l := main.Resources.Limits; l.NanoCPUs != 1.5 || l.MemoryBytes != 512<<20 {
		t.Errorf("limits %+v", l)
	}
	if r := main.Resources.Reservations; r.NanoCPUs != 0.25 || r.MemoryBytes != 128_000_000 {
		t.Errorf("reservations %+v", r)
	}
	if !strings.Contains(out.YAML, "cpus: \"1.5\"\n") || !strings.Contains(out.YAML, "memory: \"536870912\"\n") {
		t.Errorf("want cpus as a decimal string and memory in bytes:\n%s", out.YAML)
	}
	if d := project.Services["app-half"].Deploy; d == nil || d.Resources.Limits.NanoCPUs != 2 || d.Resources.Reservations != nil {
		t.Errorf("half deploy %+v", d)
	}
	if project.Services["app-none"].Deploy != nil {
		t.Errorf("deploy without resources")
	}
}

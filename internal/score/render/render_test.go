package render_test

import (
	"context"
	"io"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// rrRandom is the random source of every provisioning here: a fixed seed, so that provisioning
// (and rendering what it made) is deterministic.
func rrRandom() io.Reader {
	var key [32]byte
	key[0] = 1
	return rand.NewChaCha8(key)
}

// rrProvision runs the only definition of text for the resource "db" of workload "web".
func rrProvision(t testing.TB, target targets.Target, text string) (*provisioner.Result, string) {
	t.Helper()
	defs, err := provisioner.ParseFile([]byte(text), target, "test")
	if err != nil {
		t.Fatal(err)
	}
	uid := defs[0].Type + ".default#web.db"
	res, err := provisioner.Provision(context.Background(), defs[0], provisioner.Request{
		UID: uid, Type: defs[0].Type, Class: "default", ID: "web.db", SourceWorkload: "web",
		Namespace: "shop", ComposeProjectName: "proj", MountsDirectory: render.MountsDirectory, Random: rrRandom(),
	}, provisioner.Options{Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return res, uid
}

func rrSortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

const kubernetesPostgres = `
- uri: template://test/postgres
  type: postgres
  init: |
    password: {{ randAlphaNum 16 | quote }}
  state: |
    password: {{ dig "password" .Init.password .State | quote }}
  outputs: |
    host: pg-{{ .SourceWorkload }}
    port: 5432
    password: {{ .State.password | quote }}
    enabled: true
    ratio: 1.5
    nested:
      a: 1
      b: [x, "y"]
    empty: ""
  manifests: |
    - apiVersion: v1
      kind: Secret
      metadata:
        name: pg-{{ .SourceWorkload }}
      stringData:
        password: {{ .State.password | quote }}
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: pg-{{ .SourceWorkload }}-url
      data:
        url: postgres://user:{{ .State.password }}@pg-{{ .SourceWorkload }}:5432/db
    - apiVersion: v1
      kind: Service
      metadata:
        name: pg-{{ .SourceWorkload }}
      spec:
        selector: {app: pg}
        ports:
          - port: 5432
            targetPort: 5432
    - apiVersion: v1
      kind: Namespace
      metadata:
        name: shop
`

func TestRenderResourceKubernetes(t *testing.T) {
	res, uid := rrProvision(t, targets.Kubernetes, kubernetesPostgres)
	out, err := render.RenderResource(uid, res, targets.Kubernetes, "shop")
	if err != nil {
		t.Fatal(err)
	}
	password := res.Outputs["password"].(string)
	if len(password) != 16 {
		t.Fatalf("password %q", password)
	}
	wantOutputs := map[string]string{"host": "pg-web", "port": "5432", "enabled": "true", "ratio": "1.5", "nested": `{"a":1,"b":["x","y"]}`, "empty": ""}
	if !reflect.DeepEqual(out.Outputs, wantOutputs) {
		t.Errorf("Outputs:\n got  %v\n want %v", out.Outputs, wantOutputs)
	}
	if !reflect.DeepEqual(out.Secrets, map[string]string{"password": password}) {
		t.Errorf("Secrets %v", out.Secrets)
	}
	if got := rrSortedKeys(out.Manifests); !reflect.DeepEqual(got, []string{"core/v1/Namespace/_/shop", "core/v1/Service/shop/pg-web"}) {
		t.Errorf("Manifests keys %v", got)
	}
	if got := rrSortedKeys(out.SecretManifests); !reflect.DeepEqual(got, []string{"core/v1/ConfigMap/shop/pg-web-url", "core/v1/Secret/shop/pg-web"}) {
		t.Errorf("SecretManifests keys %v", got)
	}
	for k, v := range out.Manifests {
		if strings.Contains(v, password) {
			t.Errorf("%s holds the password", k)
		}
	}
	if out.ComposeYAML != "" || out.ComposeEnv != "" || len(out.Files) != 0 || len(out.SecretFiles) != 0 {
		t.Errorf("compose artifacts on kubernetes: %+v", out)
	}

	// Rendering is deterministic.
	res2, _ := rrProvision(t, targets.Kubernetes, kubernetesPostgres)
	out2, err := render.RenderResource(uid, res2, targets.Kubernetes, "shop")
	if err != nil || !reflect.DeepEqual(out, out2) {
		t.Errorf("not deterministic: %v", err)
	}
}

func TestRenderResourceKubernetesErrors(t *testing.T) {
	res, uid := rrProvision(t, targets.Kubernetes, `
- uri: template://test/bad
  type: thing
  manifests: |
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicaz: 1
`)
	_, err := render.RenderResource(uid, res, targets.Kubernetes, "")
	if err == nil || !strings.Contains(err.Error(), "replicaz") {
		t.Errorf("invalid Deployment: %v", err)
	}
}

const composeRedis = `
- uri: template://test/redis
  type: redis
  init: |
    password: {{ randAlphaNum 16 | quote }}
  state: |
    password: {{ dig "password" .Init.password .State | quote }}
    service: redis-{{ .SourceWorkload }}
  outputs: |
    host: {{ .State.service }}
    port: 6379
    password: {{ .State.password | quote }}
    connection: redis://:{{ .State.password }}@{{ .State.service }}:6379
  files: |
    {{ .State.service }}/redis.conf: |
      requirepass {{ .State.password }}
    {{ .State.service }}/README: |
      plain file
  volumes: |
    {{ .State.service }}-data:
      driver: local
  services: |
    {{ .State.service }}:
      image: redis:7-alpine
      command: ["redis-server", "--requirepass", {{ .State.password | quote }}]
      environment:
        REDIS_PASSWORD: {{ .State.password | quote }}
        REDIS_URL: redis://:{{ .State.password }}@localhost:6379
        PLAIN: "no secret"
      volumes:
        - type: bind
          source: {{ .MountsDirectory }}/{{ .State.service }}/redis.conf
          target: /usr/local/etc/redis/redis.conf
        - type: volume
          source: {{ .State.service }}-data
          target: /data
`

func TestRenderResourceCompose(t *testing.T) {
	res, uid := rrProvision(t, targets.Compose, composeRedis)
	out, err := render.RenderResource(uid, res, targets.Compose, "")
	if err != nil {
		t.Fatal(err)
	}
	password := res.Outputs["password"].(string)
	if !reflect.DeepEqual(out.Outputs, map[string]string{"host": "redis-web", "port": "6379"}) {
		t.Errorf("Outputs %v", out.Outputs)
	}
	wantSecrets := map[string]string{"password": password, "connection": "redis://:" + password + "@redis-web:6379"}
	if !reflect.DeepEqual(out.Secrets, wantSecrets) {
		t.Errorf("Secrets %v", out.Secrets)
	}
	if strings.Contains(out.ComposeYAML, password) {
		t.Errorf("the compose YAML holds the password:\n%s", out.ComposeYAML)
	}
	const pwVar = "${REDIS_DEFAULT_WEB_DB_PASSWORD}"
	for _, w := range []string{"REDIS_PASSWORD: " + pwVar, "- " + pwVar, "redis://:" + pwVar + "@localhost:6379", "image: redis:7-alpine", "redis-web-data:"} {
		if !strings.Contains(out.ComposeYAML, w) {
			t.Errorf("compose YAML lacks %q:\n%s", w, out.ComposeYAML)
		}
	}
	env, err := dotenv.UnmarshalWithLookup(out.ComposeEnv, nil)
	if err != nil {
		t.Fatalf("dotenv: %v\n%s", err, out.ComposeEnv)
	}
	if !reflect.DeepEqual(env, map[string]string{"REDIS_DEFAULT_WEB_DB_PASSWORD": password, "REDIS_DEFAULT_WEB_DB_CONNECTION": wantSecrets["connection"]}) {
		t.Errorf("dotenv values %v", env)
	}

	// Files go under mounts/, secret ones apart.
	if !reflect.DeepEqual(out.Files, map[string]string{"mounts/redis-web/README": "plain file\n"}) {
		t.Errorf("Files %v", out.Files)
	}
	if !reflect.DeepEqual(out.SecretFiles, map[string]string{"mounts/redis-web/redis.conf": "requirepass " + password + "\n"}) {
		t.Errorf("SecretFiles %v", out.SecretFiles)
	}

	// compose-go loads it with the dotenv values and sees the real password.
	project := rrLoadCompose(t, out.ComposeYAML, env)
	svc, err := project.GetService("redis-web")
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.Environment["REDIS_PASSWORD"]; got == nil || *got != password {
		t.Errorf("REDIS_PASSWORD after interpolation = %v", got)
	}
	if got := strings.Join(svc.Command, " "); got != "redis-server --requirepass "+password {
		t.Errorf("command after interpolation = %q", got)
	}
	if len(svc.Volumes) != 2 || svc.Volumes[0].Type != "bind" || !strings.HasSuffix(svc.Volumes[0].Source, "mounts/redis-web/redis.conf") {
		t.Errorf("volumes %+v", svc.Volumes)
	}

	res2, _ := rrProvision(t, targets.Compose, composeRedis)
	out2, err := render.RenderResource(uid, res2, targets.Compose, "")
	if err != nil || !reflect.DeepEqual(out, out2) {
		t.Errorf("not deterministic: %v", err)
	}
}

func rrLoadCompose(t testing.TB, doc string, env map[string]string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml"), Content: []byte(doc)}},
		Environment: env,
	}, func(o *loader.Options) { o.SetProjectName("test", true) })
	if err != nil {
		t.Fatalf("compose-go does not load:\n%s\n%v", doc, err)
	}
	return project
}

func TestRenderResourceComposeFilePaths(t *testing.T) {
	for _, c := range []struct {
		path string
		ok   bool
		key  string
	}{
		{"a.conf", true, "mounts/a.conf"},
		{"dir/sub/a.conf", true, "mounts/dir/sub/a.conf"},
		{"dir/../a.conf", true, "mounts/a.conf"},
		{"../escape.conf", false, ""},
		{"dir/../../escape.conf", false, ""},
		{"/etc/passwd", false, ""},
		{"", false, ""},
	} {
		res := &provisioner.Result{Compose: provisioner.ComposeArtifacts{Files: map[string]any{c.path: "x"}}}
		out, err := render.RenderResource("thing.default#web.db", res, targets.Compose, "")
		if c.ok {
			if err != nil || out.Files[c.key] != "x" {
				t.Errorf("%q: %v, %v", c.path, out, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "must be a relative path inside the mounts directory") {
			t.Errorf("%q: want an error, got %v (files %v)", c.path, err, out)
		}
	}
	// Non-string file content is written as JSON.
	res := &provisioner.Result{Compose: provisioner.ComposeArtifacts{Files: map[string]any{"a.json": map[string]any{"k": 1}}}}
	out, err := render.RenderResource("u", res, targets.Compose, "")
	if err != nil || out.Files["mounts/a.json"] != `{"k":1}` {
		t.Errorf("JSON file: %v, %v", out.Files, err)
	}
}

func TestRenderResourceEmpty(t *testing.T) {
	for _, target := range targets.All {
		out, err := render.RenderResource("u", &provisioner.Result{}, target, "ns")
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Outputs)+len(out.Secrets)+len(out.Manifests)+len(out.SecretManifests)+len(out.Files)+len(out.SecretFiles) != 0 ||
			out.ComposeYAML != "" || out.ComposeEnv != "" {
			t.Errorf("%s: %+v", target, out)
		}
	}
}

// Regression: a secret whose value YAML reads as a number (or a boolean) leaks into compose_yaml.
// Redact only rewrites strings, but a template writing the secret unquoted, as
// `PIN: {{ .State.pin }}` with a numeric pin, puts an int into the services section. The
// output's string form ("48213907") is what Redact looks for, so the int stays, and the
// non-sensitive compose YAML holds the secret. Redact should compare scalar values by their
// string form (and replace the whole scalar with the ${VAR} string).
func TestRenderResourceComposeNumericSecret(t *testing.T) {
	res, uid := rrProvision(t, targets.Compose, `
- uri: template://test/pin
  type: thing
  secret_outputs: [pin]
  state: |
    pin: 48213907
  outputs: |
    pin: {{ .State.pin }}
  services: |
    app:
      image: busybox
      environment:
        PIN: {{ .State.pin }}
`)
	out, err := render.RenderResource(uid, res, targets.Compose, "")
	if err != nil {
		t.Fatal(err)
	}
	if out.Secrets["pin"] != "48213907" {
		t.Fatalf("secrets %v", out.Secrets)
	}
	if strings.Contains(out.ComposeYAML, "48213907") {
		t.Errorf("the secret pin is in the compose YAML:\n%s", out.ComposeYAML)
	}
}

// Two secret outputs whose names differ only in punctuation (api-key, api_key) would share one
// variable name; each must keep its own variable and value in compose_env, and the compose YAML
// must refer to each by its own variable. (On the code before this test was written, Dotenv
// kept one value, chosen by an unstable sort, and Redact pointed both at the same variable.)
func TestRenderResourceComposeSecretNamesCollide(t *testing.T) {
	res, uid := rrProvision(t, targets.Compose, `
- uri: template://test/keys
  type: thing
  secret_outputs: [api-key, api_key]
  outputs: |
    api-key: first-secret-value
    api_key: second-secret-value
  services: |
    app:
      image: busybox
      environment:
        ONE: first-secret-value
        TWO: second-secret-value
`)
	out, err := render.RenderResource(uid, res, targets.Compose, "")
	if err != nil {
		t.Fatal(err)
	}
	env, err := dotenv.UnmarshalWithLookup(out.ComposeEnv, nil)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, v := range env {
		values[v] = true
	}
	if len(env) != 2 || !values["first-secret-value"] || !values["second-secret-value"] {
		t.Fatalf("compose_env lost a value:\n%s", out.ComposeEnv)
	}
	project := rrLoadCompose(t, out.ComposeYAML, env)
	svc, err := project.GetService("app")
	if err != nil {
		t.Fatal(err)
	}
	if one, two := svc.Environment["ONE"], svc.Environment["TWO"]; one == nil || two == nil || *one != "first-secret-value" || *two != "second-secret-value" {
		t.Errorf("after interpolation ONE=%v TWO=%v\n%s", one, two, out.ComposeYAML)
	}
	for i := 0; i < 10; i++ {
		again, _ := rrProvision(t, targets.Compose, `
- uri: template://test/keys
  type: thing
  secret_outputs: [api-key, api_key]
  outputs: |
    api-key: first-secret-value
    api_key: second-secret-value
  services: |
    app:
      image: busybox
      environment:
        ONE: first-secret-value
        TWO: second-secret-value
`)
		out2, err := render.RenderResource(uid, again, targets.Compose, "")
		if err != nil || !reflect.DeepEqual(out, out2) {
			t.Fatalf("not deterministic: %v", err)
		}
	}
}

// Regression: an unquoted date in a template's output changes. The engine decodes template output with
// yaml.v3 into `any`, which turns `2024-01-15` into a time.Time; RenderResource then writes the
// output as JSON ("\"2024-01-15T00:00:00Z\"", quotes included) and a manifest holding it gets
// "2024-01-15T00:00:00Z". Scalars should keep the text the template wrote (normalize could turn
// time.Time back into its source form, or decoding could resolve timestamps as strings, as
// Kubernetes' own YAML decoding does).
func TestRenderResourceDatesKeepTheirText(t *testing.T) {
	res, uid := rrProvision(t, targets.Kubernetes, `
- uri: template://test/dates
  type: thing
  outputs: |
    released: 2024-01-15
  manifests: |
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: dates
      data:
        released: 2024-01-15
`)
	out, err := render.RenderResource(uid, res, targets.Kubernetes, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Outputs["released"]; got != "2024-01-15" {
		t.Errorf("output released = %q, want %q", got, "2024-01-15")
	}
	if m := out.Manifests["core/v1/ConfigMap/_/dates"]; !strings.Contains(m, "released: \"2024-01-15\"\n") {
		t.Errorf("ConfigMap:\n%s", m)
	}
}

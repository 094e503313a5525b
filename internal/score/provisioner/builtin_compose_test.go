package provisioner

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// The built-in compose library: every type provisions with the output keys score-compose gives
// (plus url for databases, caches and brokers), lists its secrets, renders compose that
// compose-go loads, keeps generated values across runs and derives every name from the
// resource, so only secrets differ between two fresh provisions.

type composeCase struct {
	typ      string
	params   map[string]any
	outputs  []string
	secrets  []string
	services []string
	volumes  []string
	files    []string
}

var composeCases = []composeCase{
	{typ: "volume", outputs: []string{"type", "source"}, volumes: []string{"web-db"}},
	{typ: "service-port", params: map[string]any{"workload": "web", "port": "http"}, outputs: []string{"hostname", "port"}},
	{typ: "dns", outputs: []string{"host"}},
	{
		typ: "route", params: map[string]any{"host": "web.localhost", "path": "/api", "port": "http"},
		services: []string{"router"}, files: []string{"router/nginx.conf"},
	},
	{
		typ: "postgres", outputs: []string{"host", "port", "name", "database", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"pg-web-db"}, volumes: []string{"pg-web-db-data"},
	},
	{
		typ: "postgres-instance", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"pg-instance-web-db"}, volumes: []string{"pg-instance-web-db-data"},
	},
	{
		typ: "mysql", outputs: []string{"host", "port", "name", "database", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"mysql-web-db"}, volumes: []string{"mysql-web-db-data"},
	},
	{
		typ: "redis", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"redis-web-db"}, volumes: []string{"redis-web-db-data"},
	},
	{
		typ: "mongodb", outputs: []string{"host", "port", "username", "password", "connection", "url"},
		secrets: []string{"password", "connection", "url"}, services: []string{"mongo-web-db"}, volumes: []string{"mongo-web-db-data"},
	},
	{
		typ: "amqp", outputs: []string{"host", "port", "vhost", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"rabbitmq-web-db"}, volumes: []string{"rabbitmq-web-db-data"},
	},
	{
		typ:      "s3",
		outputs:  []string{"bucket", "access_key_id", "secret_key", "endpoint", "region", "aws_access_key_id", "aws_secret_key"},
		secrets:  []string{"secret_key", "aws_secret_key"},
		services: []string{"minio-web-db", "minio-web-db-init"}, volumes: []string{"minio-web-db-data"},
	},
	{
		typ: "kafka-topic", outputs: []string{"host", "port", "name", "num_partitions", "url"},
		secrets: []string{"url"}, services: []string{"kafka-web-db", "kafka-web-db-init"}, volumes: []string{"kafka-web-db-data"},
	},
	{
		typ: "mssql", outputs: []string{"server", "port", "connection", "database", "username", "password", "url"},
		secrets: []string{"password", "connection", "url"}, services: []string{"mssql-web-db", "mssql-web-db-init"}, volumes: []string{"mssql-web-db-data"},
	},
	{
		typ: "elasticsearch", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, services: []string{"elasticsearch-web-db"}, volumes: []string{"elasticsearch-web-db-data"},
	},
	{typ: "environment"},
}

func composeDefinition(t *testing.T, typ string) *Definition {
	t.Helper()
	defs, err := Builtins(targets.Compose)
	if err != nil {
		t.Fatalf("Builtins(Compose): %v", err)
	}
	lib := &Library{Target: targets.Compose, Provisioners: defs}
	d, err := lib.Match(typ+".default#web.db", typ, "default", "web.db")
	if err != nil {
		t.Fatalf("no built-in compose provisioner for %s: %v", typ, err)
	}
	return d
}

func composeRequest(typ string, params, metadata map[string]any, random io.Reader) Request {
	httpPort := ServicePort{Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"}
	return Request{
		UID: typ + ".default#web.db", Type: typ, Class: "default", ID: "web.db",
		Params: params, Metadata: metadata, SourceWorkload: "web",
		WorkloadServices: map[string]WorkloadService{
			"web": {ServiceName: "web", Ports: map[string]ServicePort{"http": httpPort, "80": httpPort}},
		},
		ComposeProjectName: "demo", MountsDirectory: "./mounts", Random: random,
	}
}

func composeSeeded(seed byte) io.Reader {
	return mrand.NewChaCha8([32]byte{seed})
}

func provisionCompose(t *testing.T, c composeCase, prior Stored, random io.Reader) *Result {
	t.Helper()
	req := composeRequest(c.typ, c.params, nil, random)
	req.Prior = prior
	res, err := Provision(context.Background(), composeDefinition(t, c.typ), req, Options{Target: targets.Compose})
	if err != nil {
		t.Fatalf("Provision(%s): %v", c.typ, err)
	}
	return res
}

func composeSortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func composeSorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// artifacts is everything a compose resource adds besides its outputs.
func composeArtifactsOf(r *Result) map[string]any {
	return map[string]any{
		"services": r.Compose.Services, "volumes": r.Compose.Volumes, "networks": r.Compose.Networks,
		"models": r.Compose.Models, "files": r.Compose.Files,
		"info_logs": r.InfoLogs,
	}
}

// redactTree replaces every secret output value inside strings with ref(key), longest value
// first, as the workload renderer does with ${VAR} references.
func composeRedact(v any, secrets map[string]string, ref func(key string) string) any {
	keys := make([]string, 0, len(secrets))
	for k := range secrets {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(secrets[keys[i]]) != len(secrets[keys[j]]) {
			return len(secrets[keys[i]]) > len(secrets[keys[j]])
		}
		return keys[i] < keys[j]
	})
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case string:
			for _, k := range keys {
				if secrets[k] != "" {
					t = strings.ReplaceAll(t, secrets[k], ref(k))
				}
			}
			return t
		case []string:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, e := range t {
				if walk(k) != k {
					out["<secret in a key>"] = e
					continue
				}
				out[k] = walk(e)
			}
			return out
		case []any:
			out := make([]any, len(t))
			for i, e := range t {
				out[i] = walk(e)
			}
			return out
		default:
			return v
		}
	}
	return walk(v)
}

func composePlaceholder(key string) string { return "<secret:" + key + ">" }

func composeSecretValues(r *Result) map[string]string {
	out := map[string]string{}
	for _, k := range r.SecretOutputs {
		out[k] = fmt.Sprint(r.Outputs[k])
	}
	return out
}

func composeNonSecretOutputs(r *Result) map[string]any {
	out := map[string]any{}
	for k, v := range r.Outputs {
		if !contains(r.SecretOutputs, k) {
			out[k] = v
		}
	}
	return out
}

func composeStringLeaves(v any, visit func(string)) {
	switch t := v.(type) {
	case string:
		visit(t)
	case []string:
		for _, e := range t {
			visit(e)
		}
	case map[string]any:
		for k, e := range t {
			visit(k)
			composeStringLeaves(e, visit)
		}
	case []any:
		for _, e := range t {
			composeStringLeaves(e, visit)
		}
	}
}

// loadComposeProject puts what the resource adds into a minimal project next to a workload
// service (which mounts the volume, for volume resources), replaces secret values with ${VAR}
// references backed by the environment as the renderer does, and loads it with compose-go.
func loadComposeProject(t *testing.T, r *Result) *types.Project {
	t.Helper()
	env := types.Mapping{}
	ref := func(key string) string { return "${SCORE_SECRET_" + strings.ToUpper(key) + "}" }
	for _, k := range r.SecretOutputs {
		env["SCORE_SECRET_"+strings.ToUpper(k)] = fmt.Sprint(r.Outputs[k])
	}
	redacted := func(section map[string]any) map[string]any {
		if section == nil {
			return map[string]any{}
		}
		return composeRedact(section, composeSecretValues(r), ref).(map[string]any)
	}
	services := redacted(r.Compose.Services)
	web := map[string]any{"image": "busybox:1.37", "hostname": "web"}
	if r.Outputs["type"] == "volume" {
		web["volumes"] = []any{map[string]any{"type": "volume", "source": r.Outputs["source"], "target": "/data"}}
	}
	services["web-main"] = web
	doc := map[string]any{
		"name": "demo", "services": services,
		"volumes": redacted(r.Compose.Volumes), "networks": redacted(r.Compose.Networks),
	}
	content, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  t.TempDir(),
		ConfigFiles: []types.ConfigFile{{Filename: "compose.yaml", Content: content}},
		Environment: env,
	}, func(o *loader.Options) {
		o.SetProjectName("demo", true)
		o.ResolvePaths = false
		o.SkipResolveEnvironment = true
	})
	if err != nil {
		t.Fatalf("compose-go rejects the project: %v\n%s", err, content)
	}
	return project
}

func TestComposeBuiltinsDefinitions(t *testing.T) {
	defs, err := Builtins(targets.Compose)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range defs {
		got = append(got, d.Type)
		want := "template://score-tf/" + d.Type
		if d.Type == "environment" {
			want = "local-env://score-tf/environment"
		}
		if d.URI != want {
			t.Errorf("%s: uri %q, want %q", d.Type, d.URI, want)
		}
		if d.Class != nil || d.ID != nil {
			t.Errorf("%s: built-ins match every class and id", d.Type)
		}
		if strings.TrimSpace(d.Description) == "" {
			t.Errorf("%s: no description", d.Type)
		}
		if !d.secretsListed {
			t.Errorf("%s: secret_outputs not listed", d.Type)
		}
		for _, s := range d.SecretOutputs {
			if !contains(d.ExpectedOutputs, s) {
				t.Errorf("%s: secret output %q is not an expected output", d.Type, s)
			}
		}
	}
	var want []string
	for _, c := range composeCases {
		want = append(want, c.typ)
	}
	if !reflect.DeepEqual(composeSorted(got), composeSorted(want)) {
		t.Errorf("built-in compose types %v, want %v", got, want)
	}
}

func TestComposeBuiltins(t *testing.T) {
	for _, c := range composeCases {
		t.Run(c.typ, func(t *testing.T) {
			def := composeDefinition(t, c.typ)
			if !reflect.DeepEqual(composeSorted(def.ExpectedOutputs), composeSorted(c.outputs)) {
				t.Errorf("expected_outputs %v, want %v", def.ExpectedOutputs, c.outputs)
			}
			if !reflect.DeepEqual(composeSorted(def.SecretOutputs), composeSorted(c.secrets)) {
				t.Errorf("secret_outputs %v, want %v", def.SecretOutputs, c.secrets)
			}

			res := provisionCompose(t, c, Stored{}, rand.Reader)
			if got := composeSortedKeys(res.Outputs); !reflect.DeepEqual(got, composeSorted(c.outputs)) {
				t.Errorf("output keys %v, want %v", got, composeSorted(c.outputs))
			}
			// Empty is empty, whether nil or not.
			bothEmpty := len(res.SecretOutputs) == 0 && len(c.secrets) == 0
			if !bothEmpty && !reflect.DeepEqual(res.SecretOutputs, composeSorted(c.secrets)) {
				t.Errorf("secret outputs %v, want %v", res.SecretOutputs, composeSorted(c.secrets))
			}
			if res.Environment != (c.typ == "environment") {
				t.Errorf("Environment = %v", res.Environment)
			}
			for k, v := range res.Outputs {
				if k == "port" || k == "num_partitions" {
					if _, ok := v.(int); !ok {
						t.Errorf("output %s = %#v (%T), want an integer", k, v, v)
					}
				} else if _, ok := v.(string); !ok {
					t.Errorf("output %s = %#v (%T), want a string", k, v, v)
				}
			}
			if got := composeSortedKeys(res.Compose.Services); !reflect.DeepEqual(got, composeSorted(c.services)) && len(got)+len(c.services) > 0 {
				t.Errorf("services %v, want %v", got, c.services)
			}
			if got := composeSortedKeys(res.Compose.Volumes); !reflect.DeepEqual(got, composeSorted(c.volumes)) && len(got)+len(c.volumes) > 0 {
				t.Errorf("volumes %v, want %v", got, c.volumes)
			}
			if got := composeSortedKeys(res.Compose.Files); !reflect.DeepEqual(got, composeSorted(c.files)) && len(got)+len(c.files) > 0 {
				t.Errorf("files %v, want %v", got, c.files)
			}
			if len(res.Compose.Networks) > 0 || len(res.Compose.Models) > 0 {
				t.Errorf("unexpected networks/models: %v %v", res.Compose.Networks, res.Compose.Models)
			}

			// No generated value reaches services or files unless it is a secret output (which
			// the renderer turns into a ${VAR} reference).
			art := composeRedact(composeArtifactsOf(res), composeSecretValues(res), composePlaceholder)
			composeStringLeaves(art, func(s string) {
				for k, v := range res.Stored.State {
					if str, ok := v.(string); ok && str != "" && strings.Contains(s, str) {
						t.Errorf("state value %q leaks into the artifacts (not a secret output): %q", k, s)
					}
				}
			})
			// Secrets are not written into files: files stay non-sensitive.
			composeStringLeaves(res.Compose.Files, func(s string) {
				for k, v := range composeSecretValues(res) {
					if strings.Contains(s, v) {
						t.Errorf("secret output %s is written into a file", k)
					}
				}
			})

			project := loadComposeProject(t, res)
			checkComposeServices(t, res, project, c.typ+".default#web.db")

			// Stable: the next run with the stored state gives the same everything.
			again := provisionCompose(t, c, res.Stored, composeSeeded(7))
			if !reflect.DeepEqual(again.Outputs, res.Outputs) {
				t.Errorf("outputs changed on re-provisioning:\n%v\n%v", res.Outputs, again.Outputs)
			}
			if !reflect.DeepEqual(composeArtifactsOf(again), composeArtifactsOf(res)) {
				t.Errorf("artifacts changed on re-provisioning")
			}
			if !reflect.DeepEqual(again.Stored.State, res.Stored.State) || !reflect.DeepEqual(again.Stored.Shared, res.Stored.Shared) {
				t.Errorf("stored state changed on re-provisioning: %v -> %v", res.Stored, again.Stored)
			}

			// Known at plan: two fresh provisions differ only in secret values.
			a := provisionCompose(t, c, Stored{}, composeSeeded(1))
			b := provisionCompose(t, c, Stored{}, composeSeeded(2))
			if !reflect.DeepEqual(composeNonSecretOutputs(a), composeNonSecretOutputs(b)) {
				t.Errorf("non-secret outputs depend on randomness:\n%v\n%v", composeNonSecretOutputs(a), composeNonSecretOutputs(b))
			}
			if ra, rb := composeRedact(composeArtifactsOf(a), composeSecretValues(a), composePlaceholder), composeRedact(composeArtifactsOf(b), composeSecretValues(b), composePlaceholder); !reflect.DeepEqual(ra, rb) {
				ya, _ := yaml.Marshal(ra)
				yb, _ := yaml.Marshal(rb)
				t.Errorf("artifacts differ beyond secret values:\n%s\n---\n%s", ya, yb)
			}
			if len(a.Stored.State) > 0 && reflect.DeepEqual(a.Stored.State, b.Stored.State) {
				t.Errorf("generated state does not depend on the random source: %v", a.Stored.State)
			}
			for k := range a.Stored.State {
				if _, ok := a.Stored.State[k].(string); !ok {
					t.Errorf("state %s is not a string", k)
				}
			}
		})
	}
}

var composePinnedImage = regexp.MustCompile(`^[a-z0-9./-]+:[A-Za-z0-9._-]+$`)

// checkComposeServices checks every backing service: pinned image, uid label, restart policy
// and readiness healthcheck; init services wait for their server to be healthy and carry the
// label score-compose's wait-for-resources understands. Secret references resolve.
func checkComposeServices(t *testing.T, r *Result, project *types.Project, uid string) {
	t.Helper()
	for name := range r.Compose.Services {
		svc, ok := project.Services[name]
		if !ok {
			t.Errorf("service %s missing from the loaded project", name)
			continue
		}
		if !composePinnedImage.MatchString(svc.Image) || strings.HasSuffix(svc.Image, ":latest") {
			t.Errorf("%s: image %q is not pinned to a tag", name, svc.Image)
		}
		// The router serves every route: whichever route writes it, it is the same service, so
		// it carries no resource's uid.
		if svc.Labels["dev.score-tf.router"] == "true" {
			if got, ok := svc.Labels["dev.score-tf.resource.uid"]; ok {
				t.Errorf("%s: the shared router is labelled with one resource's uid %q", name, got)
			}
		} else if got := svc.Labels["dev.score-tf.resource.uid"]; got != uid {
			t.Errorf("%s: label dev.score-tf.resource.uid = %q", name, got)
		}
		if strings.HasSuffix(name, "-init") {
			if svc.Labels["dev.score.compose.labels.is-init-container"] != "true" {
				t.Errorf("%s: init service without the is-init-container label", name)
			}
			main := strings.TrimSuffix(name, "-init")
			if dep, ok := svc.DependsOn[main]; !ok || dep.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s: does not wait for %s to be healthy: %v", name, main, svc.DependsOn)
			}
			if svc.Restart != "" {
				t.Errorf("%s: an init service must not restart (%q)", name, svc.Restart)
			}
			continue
		}
		if svc.Restart != types.RestartPolicyUnlessStopped {
			t.Errorf("%s: restart %q", name, svc.Restart)
		}
		if svc.HealthCheck == nil || len(svc.HealthCheck.Test) < 2 {
			t.Errorf("%s: no healthcheck", name)
		}
		// The secrets went through ${VAR} references and came back intact.
		for k, v := range svc.Environment {
			if v != nil && strings.Contains(*v, "${") {
				t.Errorf("%s: environment %s = %q not interpolated", name, k, *v)
			}
		}
	}
}

func TestComposeBuiltinsSpecifics(t *testing.T) {
	find := func(typ string) composeCase {
		for _, c := range composeCases {
			if c.typ == typ {
				return c
			}
		}
		t.Fatalf("no case %s", typ)
		return composeCase{}
	}

	t.Run("names and values", func(t *testing.T) {
		pg := provisionCompose(t, find("postgres"), Stored{}, composeSeeded(3))
		pw := pg.Outputs["password"].(string)
		want := map[string]any{
			"host": "pg-web-db", "port": 5432, "name": "web_db", "database": "web_db", "username": "web_db",
			"password": pw, "url": "postgresql://web_db:" + pw + "@pg-web-db:5432/web_db",
		}
		if !reflect.DeepEqual(pg.Outputs, want) {
			t.Errorf("postgres outputs %v, want %v", pg.Outputs, want)
		}
		if len(pw) != 32 || pg.Stored.State["password"] != pw {
			t.Errorf("password %q / state %v", pw, pg.Stored.State)
		}
		env := pg.Compose.Services["pg-web-db"].(map[string]any)["environment"].(map[string]any)
		if env["POSTGRES_PASSWORD"] != pw || env["POSTGRES_USER"] != "web_db" || env["POSTGRES_DB"] != "web_db" {
			t.Errorf("postgres environment %v", env)
		}

		for typ, want := range map[string]map[string]any{
			"volume":       {"type": "volume", "source": "web-db"},
			"service-port": {"hostname": "web", "port": 8080},
			"dns":          {"host": "web-db.localhost"},
		} {
			if got := provisionCompose(t, find(typ), Stored{}, composeSeeded(1)).Outputs; !reflect.DeepEqual(got, want) {
				t.Errorf("%s outputs %v, want %v", typ, got, want)
			}
		}

		s3 := provisionCompose(t, find("s3"), Stored{}, composeSeeded(3))
		if s3.Outputs["bucket"] != "web-db" || s3.Outputs["endpoint"] != "http://minio-web-db:9000" ||
			s3.Outputs["region"] != "us-east-1" || s3.Outputs["access_key_id"] != s3.Outputs["aws_access_key_id"] ||
			s3.Outputs["secret_key"] != s3.Outputs["aws_secret_key"] || len(s3.Outputs["secret_key"].(string)) != 40 {
			t.Errorf("s3 outputs %v", s3.Outputs)
		}

		mssql := provisionCompose(t, find("mssql"), Stored{}, composeSeeded(3))
		mpw := mssql.Outputs["password"].(string)
		if !regexp.MustCompile(`^[A-Z][a-z][0-9][A-Za-z0-9]{29}$`).MatchString(mpw) {
			t.Errorf("mssql password %q does not meet SQL Server's complexity rules", mpw)
		}
		if mssql.Outputs["username"] != "sa" || mssql.Outputs["database"] != "web_db" || mssql.Outputs["server"] != "mssql-web-db" {
			t.Errorf("mssql outputs %v", mssql.Outputs)
		}

		kafka := provisionCompose(t, find("kafka-topic"), Stored{}, composeSeeded(3))
		if !reflect.DeepEqual(kafka.Outputs, map[string]any{"host": "kafka-web-db", "port": 9092, "name": "web-db", "num_partitions": 3, "url": "kafka://kafka-web-db:9092"}) {
			t.Errorf("kafka outputs %v", kafka.Outputs)
		}
	})

	t.Run("route config", func(t *testing.T) {
		for _, port := range []any{"http", "80", 80, float64(80)} {
			c := find("route")
			c.params = map[string]any{"host": "web.localhost", "path": "/api/", "port": port}
			res := provisionCompose(t, c, Stored{}, composeSeeded(1))
			conf := res.Compose.Files["router/nginx.conf"].(string)
			for _, want := range []string{"server_name web.localhost;", "set $backend http://web:8080;", "location ~ ^/api(/|$) {", "proxy_pass $backend;", "listen 80 default_server;"} {
				if !strings.Contains(conf, want) {
					t.Errorf("port %v: nginx.conf lacks %q:\n%s", port, want, conf)
				}
			}
			project := loadComposeProject(t, res)
			svc := project.Services["router"]
			if len(svc.Ports) != 1 || svc.Ports[0].Target != 80 || svc.Ports[0].Published != "8080" {
				t.Errorf("route ports %v", svc.Ports)
			}
			if len(svc.Volumes) != 1 || svc.Volumes[0].Source != "./mounts/router/nginx.conf" || !svc.Volumes[0].ReadOnly || svc.Volumes[0].Type != "bind" {
				t.Errorf("route volumes %+v", svc.Volumes)
			}
		}

		c := find("route")
		c.params = map[string]any{"host": "web.localhost", "path": "/", "port": "http"}
		req := composeRequest("route", c.params, map[string]any{"annotations": map[string]any{
			"compose.score.dev/publish-port":                "9090",
			"compose.score.dev/route-provisioner-path-type": "Exact",
		}}, composeSeeded(1))
		res, err := Provision(context.Background(), composeDefinition(t, "route"), req, Options{Target: targets.Compose})
		if err != nil {
			t.Fatal(err)
		}
		conf := res.Compose.Files["router/nginx.conf"].(string)
		// Exactly /: anything else is the 404 of a path no route names.
		inOrder(t, conf, "location = / {", "set $backend http://web:8080;", "location / {", `return 404 "no route for $host$uri\n";`)
		if strings.Count(conf, "set $backend") != 1 {
			t.Errorf("exact root route:\n%s", conf)
		}
		nginxCheck(t, conf)
		if got := loadComposeProject(t, res).Services["router"].Ports[0].Published; got != "9090" {
			t.Errorf("published %q, want 9090", got)
		}
	})

	t.Run("publish-port annotation", func(t *testing.T) {
		for typ, target := range map[string]uint32{
			"postgres": 5432, "postgres-instance": 5432, "mysql": 3306, "redis": 6379, "mongodb": 27017,
			"amqp": 5672, "s3": 9000, "kafka-topic": 9094, "mssql": 1433, "elasticsearch": 9200,
		} {
			req := composeRequest(typ, nil, map[string]any{"annotations": map[string]any{"compose.score.dev/publish-port": "15000"}}, composeSeeded(1))
			res, err := Provision(context.Background(), composeDefinition(t, typ), req, Options{Target: targets.Compose})
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			project := loadComposeProject(t, res)
			main := find(typ).services[0]
			ports := project.Services[main].Ports
			if len(ports) != 1 || ports[0].Target != target || ports[0].Published != "15000" {
				t.Errorf("%s: ports %+v, want %d published on 15000", typ, ports, target)
			}
			// Without the annotation, nothing is published.
			plain := provisionCompose(t, find(typ), Stored{}, composeSeeded(1))
			if p := loadComposeProject(t, plain).Services[main].Ports; len(p) != 0 {
				t.Errorf("%s: publishes %+v without the annotation", typ, p)
			}
		}
	})

	t.Run("shared id", func(t *testing.T) {
		req := composeRequest("redis", nil, nil, composeSeeded(1))
		req.UID, req.ID = "redis.default#main-cache", "main-cache"
		res, err := Provision(context.Background(), composeDefinition(t, "redis"), req, Options{Target: targets.Compose})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outputs["host"] != "redis-main-cache" {
			t.Errorf("host %v", res.Outputs["host"])
		}
	})

	t.Run("long ids stay valid labels", func(t *testing.T) {
		id := "a-workload-with-a-rather-long-name.and-a-resource-with-an-even-longer-name"
		for _, typ := range []string{"postgres", "mysql", "s3", "kafka-topic"} {
			req := composeRequest(typ, nil, nil, composeSeeded(1))
			req.UID, req.ID = typ+".default#"+id, id
			res, err := Provision(context.Background(), composeDefinition(t, typ), req, Options{Target: targets.Compose})
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			for name := range res.Compose.Services {
				if !strings.HasSuffix(name, "-init") && len(name) > 63 {
					t.Errorf("%s: service name %q longer than a DNS label", typ, name)
				}
			}
			if u, ok := res.Outputs["username"].(string); ok && typ == "mysql" && len(u) > 32 {
				t.Errorf("mysql user name %q longer than 32", u)
			}
			if b, ok := res.Outputs["bucket"].(string); ok && (len(b) > 63 || len(b) < 3) {
				t.Errorf("bucket %q", b)
			}
			loadComposeProject(t, res)
		}
	})
}

func TestComposeBuiltinsFailures(t *testing.T) {
	cases := []struct {
		name     string
		typ      string
		params   map[string]any
		metadata map[string]any
		want     string
	}{
		{"service-port without params", "service-port", nil, nil, "params.workload is required"},
		{"service-port without port", "service-port", map[string]any{"workload": "web"}, nil, "params.port is required"},
		{"service-port unknown workload", "service-port", map[string]any{"workload": "api", "port": "http"}, nil, `unknown workload "api" (workloads with services: web)`},
		{"service-port unknown port", "service-port", map[string]any{"workload": "web", "port": "grpc"}, nil, `workload "web" has no service port "grpc" (ports: http (80))`},
		{"service-port unknown port number", "service-port", map[string]any{"workload": "web", "port": 8080}, nil, `has no service port "8080"`},
		{"route unknown port", "route", map[string]any{"host": "web.localhost", "path": "/", "port": "grpc"}, nil, `workload "web" has no service port "grpc" (ports: http (80))`},
		{"route without host", "route", map[string]any{"path": "/", "port": "http"}, nil, "params.host is required"},
		{"route bad host", "route", map[string]any{"host": "a b", "path": "/", "port": "http"}, nil, "params.host must be a hostname"},
		{"route without path", "route", map[string]any{"host": "web.localhost", "port": "http"}, nil, "params.path is required"},
		{"route bad path", "route", map[string]any{"host": "web.localhost", "path": "/x; return 500", "port": "http"}, nil, "params.path must start with / and hold only letters, digits, . _ ~ % / -"},
		{"route relative path", "route", map[string]any{"host": "web.localhost", "path": "api", "port": "http"}, nil, "params.path must start with / and hold only letters, digits, . _ ~ % / -"},
		{"route without port", "route", map[string]any{"host": "web.localhost", "path": "/"}, nil, "params.port is required"},
		{"route bad path type", "route", map[string]any{"host": "web.localhost", "path": "/", "port": "http"},
			map[string]any{"annotations": map[string]any{"compose.score.dev/route-provisioner-path-type": "Regex"}}, "must be Prefix or Exact"},
		{"bad publish port", "postgres", nil, map[string]any{"annotations": map[string]any{"compose.score.dev/publish-port": "x"}}, "publish-port must be a port number"},
		{"publish port out of range", "redis", nil, map[string]any{"annotations": map[string]any{"compose.score.dev/publish-port": "70000"}}, "publish-port must be a port number"},
		{"bad management port", "amqp", nil, map[string]any{"annotations": map[string]any{"compose.score.dev/publish-management-port": "-1"}}, "publish-management-port must be a port number"},
		{"bad route publish port", "route", map[string]any{"host": "web.localhost", "path": "/", "port": "http"},
			map[string]any{"annotations": map[string]any{"compose.score.dev/publish-port": "0"}}, "publish-port must be a port number"},
		{"route publish port out of range", "route", map[string]any{"host": "web.localhost", "path": "/", "port": "http"},
			map[string]any{"annotations": map[string]any{"compose.score.dev/publish-port": "65536"}}, "publish-port must be a port number"},
		{"bad es memory", "elasticsearch", nil, map[string]any{"annotations": map[string]any{"compose.score.dev/es-mem-limit": "lots"}}, "es-mem-limit must be a size"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := composeRequest(c.typ, c.params, c.metadata, composeSeeded(1))
			_, err := Provision(context.Background(), composeDefinition(t, c.typ), req, Options{Target: targets.Compose})
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if testing.Verbose() {
				t.Log(err)
			}
		})
	}

	// A route without a source workload.
	req0 := composeRequest("route", map[string]any{"host": "web.localhost", "path": "/", "port": "http"}, nil, composeSeeded(1))
	req0.SourceWorkload = ""
	if _, err := Provision(context.Background(), composeDefinition(t, "route"), req0, Options{Target: targets.Compose}); err == nil || !strings.Contains(err.Error(), "no source workload") {
		t.Errorf("route without a source workload: %v", err)
	}

	// A route for a workload without service ports.
	req := composeRequest("route", map[string]any{"host": "web.localhost", "path": "/", "port": "http"}, nil, composeSeeded(1))
	req.SourceWorkload = "worker"
	if _, err := Provision(context.Background(), composeDefinition(t, "route"), req, Options{Target: targets.Compose}); err == nil || !strings.Contains(err.Error(), `workload "worker" has no service to route to`) {
		t.Errorf("route for a workload without a service: %v", err)
	}
}

// The compose route provisioner serves every route of a project through one router: an nginx
// service that each route re-renders from the routes in the shared state, where each route
// keeps its own entry under its uid. The engine passes each resource the shared state the ones
// before it left, and keeps the last copy of a service or file a resource writes.

// routeRequest is a route resource with the given uid (route.default#<workload>.<name>): its
// source workload is the uid's workload, web (port http: 80 → 8080) or api (http: 80 → 3000).
func routeRequest(uid string, params, annotations, shared map[string]any, random io.Reader) Request {
	id := strings.TrimPrefix(uid, "route.default#")
	workload, _, _ := strings.Cut(id, ".")
	web := ServicePort{Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"}
	api := ServicePort{Name: "http", Port: 80, TargetPort: 3000, Protocol: "TCP"}
	req := Request{
		UID: uid, Type: "route", Class: "default", ID: id, Params: params, SourceWorkload: workload,
		WorkloadServices: map[string]WorkloadService{
			"web": {ServiceName: "web", Ports: map[string]ServicePort{"http": web, "80": web}},
			"api": {ServiceName: "api", Ports: map[string]ServicePort{"http": api, "80": api}},
		},
		ComposeProjectName: "demo", MountsDirectory: "./mounts", Random: random,
	}
	if annotations != nil {
		req.Metadata = map[string]any{"annotations": annotations}
	}
	req.Prior.Shared = shared
	return req
}

// routeSpec is one route of a test project.
type routeSpec struct {
	uid         string
	params      map[string]any
	annotations map[string]any
}

func provisionRoute(t *testing.T, r routeSpec, shared map[string]any, random io.Reader) (*Result, error) {
	t.Helper()
	req := routeRequest(r.uid, r.params, r.annotations, shared, random)
	return Provision(context.Background(), composeDefinition(t, "route"), req, Options{Target: targets.Compose})
}

// provisionRoutes provisions the routes in order from an empty shared state, each given the
// shared state the one before it left, as the engine does; it returns every result.
func provisionRoutes(t *testing.T, random io.Reader, routes ...routeSpec) []*Result {
	t.Helper()
	var out []*Result
	var shared map[string]any
	for _, r := range routes {
		res, err := provisionRoute(t, r, shared, random)
		if err != nil {
			t.Fatalf("route %s: %v", r.uid, err)
		}
		shared = res.Stored.Shared
		out = append(out, res)
	}
	return out
}

// routerOf is what a route writes for the router: its service and files, as YAML.
func routerOf(t *testing.T, r *Result) string {
	t.Helper()
	b, err := yaml.Marshal(map[string]any{"services": r.Compose.Services, "files": r.Compose.Files})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func routerConf(t *testing.T, r *Result) string {
	t.Helper()
	conf, ok := r.Compose.Files["router/nginx.conf"].(string)
	if !ok {
		t.Fatalf("no router/nginx.conf in %v", composeSortedKeys(r.Compose.Files))
	}
	return conf
}

// inOrder fails unless each of want appears in s, after the one before it.
func inOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("%q is missing, or not after %q:\n%s", w, want, s)
			return
		}
		at += i + len(w)
	}
}

// nginxCheck runs `nginx -t` on conf when nginx is installed: the configuration must load.
func nginxCheck(t *testing.T, conf string) {
	t.Helper()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Log("nginx is not installed: the configuration is not checked with nginx -t")
		return
	}
	dir := t.TempDir()
	// Packaged builds keep their temporary files in a system directory that may not exist
	// here: the test puts them in its own (for the modules the build has).
	version, _ := exec.Command(nginx, "-V").CombinedOutput()
	var temps strings.Builder
	for _, m := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		if !strings.Contains(string(version), "--without-http_"+m+"_module") {
			fmt.Fprintf(&temps, "\n  %s_temp_path %s;", m, filepath.Join(dir, m))
		}
	}
	if !strings.Contains(conf, "\nhttp {") {
		t.Fatalf("no http block:\n%s", conf)
	}
	file := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(file, []byte(strings.Replace(conf, "\nhttp {", "\nhttp {"+temps.String(), 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-q", "-e", "stderr", "-p", dir, "-c", file, "-g", "pid "+filepath.Join(dir, "nginx.pid")+";").CombinedOutput()
	if err != nil {
		t.Errorf("nginx -t rejects the configuration: %v\n%s\n%s", err, out, conf)
	}
}

var (
	routeFront  = routeSpec{uid: "route.default#web.front", params: map[string]any{"host": "web.localhost", "path": "/", "port": "http"}}
	routePublic = routeSpec{uid: "route.default#api.public", params: map[string]any{"host": "api.localhost", "path": "/v1.0", "port": 80}}
	routeAPI    = routeSpec{uid: "route.default#api.api", params: map[string]any{"host": "web.localhost", "path": "/api/", "port": "http"}}
)

func TestComposeRouter(t *testing.T) {
	t.Run("routes share one router", func(t *testing.T) {
		rs := provisionRoutes(t, composeSeeded(1), routeFront, routePublic, routeAPI)
		a, b, c := rs[0], rs[1], rs[2]

		// The first route's router serves it alone; the second's serves both hosts.
		if conf := routerConf(t, a); !strings.Contains(conf, "server_name web.localhost;") || strings.Contains(conf, "api.localhost") {
			t.Errorf("first route's router:\n%s", conf)
		}
		inOrder(t, routerConf(t, b),
			"listen 80 default_server;",
			"server_name api.localhost;", "# route.default#api.public: Prefix /v1.0", `location ~ ^/v1\.0(/|$) {`, "set $backend http://api:3000;",
			"server_name web.localhost;", "# route.default#web.front: Prefix /", "location / {", "set $backend http://web:8080;")
		// The third adds a path to a host: the longer path first.
		inOrder(t, routerConf(t, c),
			"server_name api.localhost;", `location ~ ^/v1\.0(/|$) {`,
			"server_name web.localhost;", "location ~ ^/api(/|$) {", "set $backend http://api:3000;", "location / {", "set $backend http://web:8080;")
		if n := strings.Count(routerConf(t, c), "server_name "); n != 2 {
			t.Errorf("%d servers for 2 hosts", n)
		}
		// A host without a route for / answers 404 there (not nginx's welcome page).
		inOrder(t, routerConf(t, c), "server_name api.localhost;", `location / {`, `return 404 "no route for $host$uri\n";`, "server_name web.localhost;")
		if n := strings.Count(routerConf(t, c), "no route for $host$uri"); n != 1 {
			t.Errorf("%d fallback locations for 1 host without /", n)
		}
		nginxCheck(t, routerConf(t, c))

		// Every route writes the same service, named the same, on the same port.
		for i, r := range rs {
			if got := composeSortedKeys(r.Compose.Services); !reflect.DeepEqual(got, []string{"router"}) {
				t.Errorf("route %d: services %v", i, got)
			}
			if got := composeSortedKeys(r.Compose.Files); !reflect.DeepEqual(got, []string{"router/nginx.conf"}) {
				t.Errorf("route %d: files %v", i, got)
			}
			if !reflect.DeepEqual(r.Compose.Services, c.Compose.Services) {
				t.Errorf("route %d writes another router service:\n%s", i, routerOf(t, r))
			}
			if len(r.Outputs) != 0 || len(r.Stored.State) != 0 {
				t.Errorf("route %d: outputs %v, state %v", i, r.Outputs, r.Stored.State)
			}
		}
		svc := loadComposeProject(t, c).Services["router"]
		if svc.Labels["dev.score-tf.router"] != "true" || len(svc.Ports) != 1 || svc.Ports[0].Published != "8080" || svc.Ports[0].Target != 80 {
			t.Errorf("router service %+v", svc)
		}
		if !reflect.DeepEqual(c.InfoLogs, []string{"route.default#api.api: http://web.localhost:8080/api (make sure web.localhost resolves to this machine)"}) {
			t.Errorf("info_logs %q", c.InfoLogs)
		}

		// The shared state: one key, each route's entry under its uid.
		want := map[string]any{"score-tf-router": map[string]any{
			"service": "router", "publishPort": "8080",
			"routes": map[string]any{
				"route.default#web.front":  map[string]any{"host": "web.localhost", "path": "/", "pathType": "Prefix", "backend": "http://web:8080", "publishPort": ""},
				"route.default#api.public": map[string]any{"host": "api.localhost", "path": "/v1.0", "pathType": "Prefix", "backend": "http://api:3000", "publishPort": ""},
				"route.default#api.api":    map[string]any{"host": "web.localhost", "path": "/api", "pathType": "Prefix", "backend": "http://api:3000", "publishPort": ""},
			},
		}}
		if !reflect.DeepEqual(c.Stored.Shared, want) {
			got, _ := yaml.Marshal(c.Stored.Shared)
			t.Errorf("shared state:\n%s", got)
		}
	})

	t.Run("the order of provisioning does not matter", func(t *testing.T) {
		routes := []routeSpec{routeFront, routePublic, routeAPI}
		first := provisionRoutes(t, composeSeeded(1), routes...)
		final := first[len(first)-1]
		for _, order := range [][]int{{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
			var rs []routeSpec
			for _, i := range order {
				rs = append(rs, routes[i])
			}
			got := provisionRoutes(t, composeSeeded(2), rs...)
			last := got[len(got)-1]
			if !reflect.DeepEqual(last.Stored.Shared, final.Stored.Shared) {
				t.Errorf("order %v: shared state %v, want %v", order, last.Stored.Shared, final.Stored.Shared)
			}
			if routerOf(t, last) != routerOf(t, final) {
				t.Errorf("order %v: the last route writes\n%s\nwant\n%s", order, routerOf(t, last), routerOf(t, final))
			}
		}
		// Given the final shared state (the next run), whichever route writes the router writes
		// the same bytes, and the state does not change.
		for _, r := range routes {
			res, err := provisionRoute(t, r, final.Stored.Shared, composeSeeded(3))
			if err != nil {
				t.Fatal(err)
			}
			if routerOf(t, res) != routerOf(t, final) {
				t.Errorf("%s writes another router:\n%s", r.uid, routerOf(t, res))
			}
			if !reflect.DeepEqual(res.Stored.Shared, final.Stored.Shared) {
				t.Errorf("%s changes the settled shared state: %v", r.uid, res.Stored.Shared)
			}
		}
	})

	t.Run("same inputs, same bytes", func(t *testing.T) {
		a := provisionRoutes(t, composeSeeded(1), routeFront, routePublic, routeAPI)
		b := provisionRoutes(t, composeSeeded(9), routeFront, routePublic, routeAPI)
		for i := range a {
			if routerOf(t, a[i]) != routerOf(t, b[i]) || !reflect.DeepEqual(a[i].InfoLogs, b[i].InfoLogs) {
				t.Errorf("route %d depends on the random source", i)
			}
		}
	})

	t.Run("a route changes its own entry", func(t *testing.T) {
		rs := provisionRoutes(t, composeSeeded(1), routeFront, routeAPI)
		moved := routeFront
		moved.params = map[string]any{"host": "web.localhost", "path": "/app", "port": "http"}
		res, err := provisionRoute(t, moved, rs[1].Stored.Shared, composeSeeded(1))
		if err != nil {
			t.Fatalf("a route conflicts with its own earlier entry: %v", err)
		}
		conf := routerConf(t, res)
		if strings.Contains(conf, "Prefix /\n") || !strings.Contains(conf, "location ~ ^/app(/|$) {") || !strings.Contains(conf, "no route for $host$uri") {
			t.Errorf("moved route:\n%s", conf)
		}
		routes := res.Stored.Shared["score-tf-router"].(map[string]any)["routes"].(map[string]any)
		if len(routes) != 2 || routes[routeFront.uid].(map[string]any)["path"] != "/app" {
			t.Errorf("routes %v", routes)
		}
	})

	t.Run("locations: exact first, then the longest path", func(t *testing.T) {
		var rs []routeSpec
		for i, p := range []struct{ path, pathType string }{
			{"/", "Prefix"}, {"/api", "Prefix"}, {"/api/v[0-9]+", ""}, {"/api/health", "Exact"},
			{"/api/v1/users", "Prefix"}, {"/about", "Exact"}, {"/docs.v2", "Prefix"},
		} {
			r := routeSpec{uid: fmt.Sprintf("route.default#web.r%d", i), params: map[string]any{"host": "web.localhost", "path": p.path, "port": "http"}}
			if p.pathType != "" {
				r.annotations = map[string]any{"compose.score.dev/route-provisioner-path-type": p.pathType}
			}
			rs = append(rs, r)
		}
		got := provisionRoutes(t, composeSeeded(1), rs...)
		conf := routerConf(t, got[len(got)-1])
		inOrder(t, conf,
			"location = /about {", "location = /api/health {",
			"location ~ ^/api/v1/users(/|$) {", "location ~ ^/api/v[0-9]+ {", `location ~ ^/docs\.v2(/|$) {`,
			"location ~ ^/api(/|$) {", "location / {")
		if n := strings.Count(conf, "location "); n != 8 { // 7 routes and /healthz
			t.Errorf("%d locations:\n%s", n, conf)
		}
		nginxCheck(t, conf)
		// Reversed, the same configuration.
		var reversed []routeSpec
		for i := len(rs) - 1; i >= 0; i-- {
			reversed = append(reversed, rs[i])
		}
		back := provisionRoutes(t, composeSeeded(1), reversed...)
		if routerConf(t, back[len(back)-1]) != conf {
			t.Errorf("the locations depend on the order of provisioning")
		}
	})

	t.Run("publish port", func(t *testing.T) {
		front := routeFront
		front.annotations = map[string]any{"compose.score.dev/publish-port": "9090"}
		// The route asking for a port sets it, whether it comes first or last; the others follow.
		for _, rs := range [][]routeSpec{{front, routePublic, routeAPI}, {routePublic, routeAPI, front}} {
			got := provisionRoutes(t, composeSeeded(1), rs...)
			last := got[len(got)-1]
			if p := loadComposeProject(t, last).Services["router"].Ports; len(p) != 1 || p[0].Published != "9090" {
				t.Errorf("%s last: ports %+v, want 9090", rs[2].uid, p)
			}
			if last.Stored.Shared["score-tf-router"].(map[string]any)["publishPort"] != "9090" {
				t.Errorf("shared publishPort %v", last.Stored.Shared)
			}
		}
		got := provisionRoutes(t, composeSeeded(1), front, routePublic)
		if !strings.Contains(got[1].InfoLogs[0], "http://api.localhost:9090/v1.0") {
			t.Errorf("info_logs %q", got[1].InfoLogs)
		}
		// The same port again is fine.
		same := routeAPI
		same.annotations = map[string]any{"compose.score.dev/publish-port": "9090"}
		if _, err := provisionRoute(t, same, got[1].Stored.Shared, composeSeeded(1)); err != nil {
			t.Errorf("same port: %v", err)
		}
		// Another port is an error naming the port in use and the route that asked for it.
		other := routeAPI
		other.annotations = map[string]any{"compose.score.dev/publish-port": "9091"}
		_, err := provisionRoute(t, other, got[1].Stored.Shared, composeSeeded(1))
		if err == nil || !strings.Contains(err.Error(), "asks for host port 9091, but the router, which serves every route of the project on one host port, already publishes port 9090, which route route.default#web.front asks for") {
			t.Errorf("conflicting port: %v", err)
		}
		// A route changes its own port.
		front.annotations = map[string]any{"compose.score.dev/publish-port": "9091"}
		res, err := provisionRoute(t, front, got[1].Stored.Shared, composeSeeded(1))
		if err != nil {
			t.Fatalf("changing a route's own port: %v", err)
		}
		if p := loadComposeProject(t, res).Services["router"].Ports[0].Published; p != "9091" {
			t.Errorf("published %q, want 9091", p)
		}
	})

	t.Run("same host and path", func(t *testing.T) {
		rs := provisionRoutes(t, composeSeeded(1), routeFront, routeAPI)
		for _, dup := range []routeSpec{
			{uid: "route.default#api.again", params: map[string]any{"host": "WEB.localhost", "path": "/", "port": "http"}},
			{uid: "route.default#api.again", params: map[string]any{"host": "web.localhost", "path": "/api", "port": "http"},
				annotations: map[string]any{"compose.score.dev/route-provisioner-path-type": "Exact"}},
		} {
			_, err := provisionRoute(t, dup, rs[1].Stored.Shared, composeSeeded(1))
			if err == nil {
				t.Fatalf("%v: no error", dup.params)
			}
			for _, want := range []string{"route.default#api.again", "both serve host \"web.localhost\" and path"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if !strings.Contains(err.Error(), routeFront.uid) && !strings.Contains(err.Error(), routeAPI.uid) {
				t.Errorf("error %q names neither route already there", err)
			}
		}
	})
}

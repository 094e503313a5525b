package provisioner

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
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
		services: []string{"route-web-db"}, files: []string{"route-web-db/nginx.conf"},
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
		if got := svc.Labels["dev.score-tf.resource.uid"]; got != uid {
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
			conf := res.Compose.Files["route-web-db/nginx.conf"].(string)
			for _, want := range []string{"server_name web.localhost;", "set $backend http://web:8080;", "location = /api {", "location /api/ {", "proxy_pass $backend;"} {
				if !strings.Contains(conf, want) {
					t.Errorf("port %v: nginx.conf lacks %q:\n%s", port, want, conf)
				}
			}
			project := loadComposeProject(t, res)
			svc := project.Services["route-web-db"]
			if len(svc.Ports) != 1 || svc.Ports[0].Target != 80 || svc.Ports[0].Published != "8080" {
				t.Errorf("route ports %v", svc.Ports)
			}
			if len(svc.Volumes) != 1 || svc.Volumes[0].Source != "./mounts/route-web-db/nginx.conf" || !svc.Volumes[0].ReadOnly || svc.Volumes[0].Type != "bind" {
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
		conf := res.Compose.Files["route-web-db/nginx.conf"].(string)
		if !strings.Contains(conf, "location = / {") || strings.Contains(conf, "location / {") {
			t.Errorf("exact root route:\n%s", conf)
		}
		if got := loadComposeProject(t, res).Services["route-web-db"].Ports[0].Published; got != "9090" {
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

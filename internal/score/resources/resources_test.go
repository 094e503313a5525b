package resources_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// wlProvisioners: `echo` outputs its params (plus its id) and appends its id to the shared
// `order` list, so the shared state records the provisioning order; `secret` has a generated
// secret output; `env` is a local-env environment resource (compose).
const wlProvisioners = `
- uri: template://test/echo
  type: echo
  secret_outputs: []
  shared: |
    order: {{ append (dig "order" (list) .Shared) .Id | toRawJson }}
  outputs: |
    {{- $svc := list }}{{ range $k, $_ := .WorkloadServices }}{{ $svc = append $svc $k }}{{ end }}
    {{- $out := merge (dict "id" .Id "workload" .SourceWorkload "services" ($svc | join ",")) .Params }}
    {{ $out | toRawJson }}
- uri: template://test/secret
  type: secret
  secret_outputs: [token]
  init: |
    token: {{ randAlphaNum 20 | quote }}
  state: |
    token: {{ dig "token" .Init.token .State | quote }}
  outputs: |
    token: {{ .State.token | quote }}
    user: admin
- uri: local-env://test/env
  type: environment
`

func wlLibrary(t *testing.T) *provisioner.Library {
	t.Helper()
	defs, err := provisioner.ParseFile([]byte(wlProvisioners), targets.Compose, "test")
	if err != nil {
		t.Fatal(err)
	}
	return &provisioner.Library{Target: targets.Compose, Provisioners: defs}
}

func wlLoad(t *testing.T, score string) *loader.Workload {
	t.Helper()
	w, err := loader.Load(loader.Input{Content: []byte(score), BaseDir: t.TempDir()})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, score)
	}
	return w
}

func wlRandom(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

func wlInput(t *testing.T, score string) resources.Input {
	return resources.Input{
		Workload: wlLoad(t, score), Library: wlLibrary(t), Options: provisioner.Options{Target: targets.Compose},
		Base: provisioner.Request{ComposeProjectName: "demo", MountsDirectory: "./mounts"}, Random: wlRandom(1),
	}
}

func wlResolve(t *testing.T, in resources.Input) *resources.Result {
	t.Helper()
	res, err := resources.Resolve(context.Background(), in)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return res
}

func wlWant(t *testing.T, err error, path []string, parts ...string) {
	t.Helper()
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

const wlHead = "apiVersion: score.dev/v1b1\nmetadata:\n  name: web\n  team: core\ncontainers:\n  main:\n    image: busybox\n"

func TestResolveDependencyOrder(t *testing.T) {
	score := wlHead + `resources:
  alpha:
    type: echo
    params:
      value: a-${resources.gamma.value}
      nested:
        list: ["${resources.beta.value}", 1]
  beta:
    type: echo
    params:
      value: b
  gamma:
    type: echo
    params:
      value: c-${resources.delta.value}
      port: ${resources.delta.port}
      team: ${metadata.team}
  delta:
    type: echo
    params:
      value: d
      port: 5432
  epsilon:
    type: echo
`
	res := wlResolve(t, wlInput(t, score))
	// Layers: {beta, delta, epsilon} (sorted), then gamma, then alpha.
	if want := []string{"beta", "delta", "epsilon", "gamma", "alpha"}; !reflect.DeepEqual(res.Order, want) {
		t.Errorf("Order = %v, want %v", res.Order, want)
	}
	// The shared state records the order provisioning actually ran in, carried from one
	// resource to the next.
	if got := fmt.Sprint(res.Shared["order"]); got != "[web.beta web.delta web.epsilon web.gamma web.alpha]" {
		t.Errorf("provisioning order (shared state) = %s", got)
	}
	out := func(name, key string) string {
		v, err := res.Lookup("resources." + name + "." + key)
		if err != nil {
			t.Errorf("%s.%s: %v", name, key, err)
		}
		return v.Value
	}
	for ref, want := range map[[2]string]string{
		{"gamma", "value"}: "c-d", {"gamma", "port"}: "5432", {"gamma", "team"}: "core",
		{"alpha", "value"}: "a-c-d", {"alpha", "nested"}: `{"list":["b",1]}`,
		{"gamma", "workload"}: "web", {"gamma", "services"}: "web",
	} {
		if got := out(ref[0], ref[1]); got != want {
			t.Errorf("%s.%s = %q, want %q", ref[0], ref[1], got, want)
		}
	}
	for _, name := range res.Order {
		r := res.Resources[name]
		if r.UID != "echo.default#web."+name || r.ProvisionerURI != "template://test/echo" || r.Provisioned == nil {
			t.Errorf("%s: uid %s provisioner %s", name, r.UID, r.ProvisionerURI)
		}
		if s := res.Stored[r.UID]; s.GUID == "" || s.Shared != nil {
			t.Errorf("%s stored %+v: guid kept, shared state kept once (in Result.Shared)", name, s)
		}
	}
}

func TestResolveCycle(t *testing.T) {
	// The loader rejects a cycle in a score file; Resolve reports one too when given one.
	w := wlLoad(t, wlHead+"resources:\n  aa:\n    type: echo\n  bb:\n    type: echo\n")
	a, b := w.Spec.Resources["aa"], w.Spec.Resources["bb"]
	a.Params = map[string]any{"x": "${resources.bb.x}"}
	b.Params = map[string]any{"x": "${resources.aa.x}"}
	w.Spec.Resources["aa"], w.Spec.Resources["bb"] = a, b
	in := wlInput(t, wlHead)
	in.Workload = w
	_, err := resources.Resolve(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("err = %v, want a cycle", err)
	}
}

func TestResolveParamErrors(t *testing.T) {
	score := wlHead + "resources:\n  aa:\n    type: echo\n    params:\n      x: ${resources.bb.nosuch}\n  bb:\n    type: echo\n"
	_, err := resources.Resolve(context.Background(), wlInput(t, score))
	wlWant(t, err, []string{"resources", "aa", "params", "x"}, "resources.bb.nosuch", "'nosuch' not found")

	score = wlHead + "resources:\n  aa:\n    type: echo\n    params:\n      x: ${resources.env.X}\n  env:\n    type: environment\n"
	_, err = resources.Resolve(context.Background(), wlInput(t, score))
	wlWant(t, err, []string{"resources", "aa", "params", "x"}, "resources.env.X", "environment")

	score = wlHead + "resources:\n  aa:\n    type: nosuch\n"
	_, err = resources.Resolve(context.Background(), wlInput(t, score))
	wlWant(t, err, []string{"resources", "aa"}, "not supported by any provisioner", "available types: echo, environment, secret")

	in := wlInput(t, wlHead+"resources:\n  aa:\n    type: echo\n")
	in.Library = nil
	_, err = resources.Resolve(context.Background(), in)
	wlWant(t, err, []string{"resources", "aa"}, "no provisioners")
}

func TestResolveBindings(t *testing.T) {
	score := wlHead + `resources:
  db:
    type: postgres
  cache:
    type: redis
    class: large
    id: main-cache
  user:
    type: echo
    params:
      host: ${resources.db.conn.host}
      port: ${resources.db.conn.port}
      zone: ${resources.cache.zones.1}
`
	in := wlInput(t, score)
	in.Bindings = map[string]resources.Binding{
		"db": {
			Outputs: map[string]string{"conn": `{"host":"db.internal","port":5432,"opts":{"ssl":true}}`, "list": `[1, "two"]`, "raw": "{not json", "host": "db.internal"},
			Secrets: map[string]string{"password": "bound-secret"},
		},
		"cache": {UID: "redis.large#main-cache", Outputs: map[string]string{"zones": `{"1":"eu-1"}`}},
	}
	res := wlResolve(t, in)
	if res.Resources["db"].UID != "postgres.default#web.db" || res.Resources["db"].Provisioned != nil {
		t.Errorf("db = %+v: a bound resource gets the implied uid and is not provisioned", res.Resources["db"])
	}
	if res.Resources["cache"].UID != "redis.large#main-cache" {
		t.Errorf("cache uid %s", res.Resources["cache"].UID)
	}
	if len(res.Stored) != 1 {
		t.Errorf("stored %v: only the provisioned resource keeps state", res.Stored)
	}
	for ref, want := range map[string]string{
		"resources.db.conn.host": "db.internal", "resources.db.conn.port": "5432", "resources.db.conn.opts.ssl": "true",
		"resources.db.conn": `{"host":"db.internal","opts":{"ssl":true},"port":5432}`, "resources.db.list": `[1,"two"]`,
		"resources.db.raw": "{not json", "resources.user.host": "db.internal", "resources.user.port": "5432", "resources.user.zone": "eu-1",
	} {
		got, err := res.Lookup(ref)
		if err != nil || got.Value != want {
			t.Errorf("%s = %q (%v), want %q", ref, got.Value, err, want)
		}
	}
	for _, ref := range []string{"resources.db.conn.nosuch", "resources.db.host.deeper", "resources.db", "resources.nosuch.x", "metadata.nosuch"} {
		if _, err := res.Lookup(ref); err == nil {
			t.Errorf("%s resolves", ref)
		}
	}
	if _, err := res.Lookup("resources.db"); err == nil || !strings.Contains(err.Error(), "at least one lookup key") {
		t.Errorf("${resources.db} error = %v", err)
	}
}

func TestResolveBindingProblems(t *testing.T) {
	score := wlHead + "resources:\n  cache:\n    type: redis\n    id: main-cache\n"
	_, err := resources.Resolve(context.Background(), wlInput(t, score))
	wlWant(t, err, []string{"resources", "cache"}, `"main-cache"`, "redis.default#main-cache", "declare one score_resource", "bind it")

	in := wlInput(t, wlHead)
	in.Bindings = map[string]resources.Binding{"ghost": {}}
	_, err = resources.Resolve(context.Background(), in)
	wlWant(t, err, []string{"resources", "ghost"}, `"ghost"`, "does not declare")
}

func TestLookupFlags(t *testing.T) {
	score := wlHead + "resources:\n  sec:\n    type: secret\n  env:\n    type: environment\n  bound:\n    type: thing\n"
	in := wlInput(t, score)
	in.Bindings = map[string]resources.Binding{"bound": {Outputs: map[string]string{"host": "h"}, Secrets: map[string]string{"key": "k3y"}}}
	res := wlResolve(t, in)

	for _, tc := range []struct {
		ref                 string
		value               string
		secret, environment bool
		resource, key       string
	}{
		{"resources.sec.token", res.Resources["sec"].Outputs["token"].(string), true, false, "sec", "token"},
		{"resources.sec.user", "admin", false, false, "sec", "user"},
		{"resources.bound.key", "k3y", true, false, "bound", "key"},
		{"resources.bound.host", "h", false, false, "bound", "host"},
		{"resources.env.REGION", "REGION", false, true, "env", "REGION"},
		{"metadata.name", "web", false, false, "", ""},
	} {
		got, err := res.Lookup(tc.ref)
		if err != nil {
			t.Errorf("%s: %v", tc.ref, err)
			continue
		}
		name := ""
		if got.Resource != nil {
			name = got.Resource.Name
		}
		if got.Value != tc.value || got.Secret != tc.secret || got.Environment != tc.environment || name != tc.resource || got.Key != tc.key {
			t.Errorf("%s = %+v (resource %q), want value %q secret %v environment %v resource %q key %q", tc.ref, got, name, tc.value, tc.secret, tc.environment, tc.resource, tc.key)
		}
	}
	if len(res.Resources["sec"].Outputs["token"].(string)) != 20 {
		t.Errorf("token %v", res.Resources["sec"].Outputs["token"])
	}
	if _, err := res.Lookup("resources.env.A.B"); err == nil || !strings.Contains(err.Error(), "exactly one key") {
		t.Errorf("two-key environment lookup error = %v", err)
	}
	for _, name := range []string{"0AB", "A-B", "A B", "Ä"} {
		if _, err := res.Lookup("resources.env." + name); err == nil || !strings.Contains(err.Error(), "not an environment variable name") {
			t.Errorf("environment lookup of %q: error = %v", name, err)
		}
	}
	for _, name := range []string{"_A", "a1_B2", "X"} {
		if got, err := res.Lookup("resources.env." + name); err != nil || got.Value != name {
			t.Errorf("environment lookup of %q = %+v, %v", name, got, err)
		}
	}
	if _, err := res.Immediate("resources.env.REGION"); err == nil || !strings.Contains(err.Error(), "only available in container variables") {
		t.Errorf("Immediate(environment) error = %v", err)
	}
	if v, err := res.Immediate("resources.sec.user"); err != nil || v != "admin" {
		t.Errorf("Immediate = %q, %v", v, err)
	}
}

func TestVolumeSource(t *testing.T) {
	score := wlHead + "resources:\n  data:\n    type: echo\n  ext:\n    type: volume\n"
	in := wlInput(t, score)
	in.Bindings = map[string]resources.Binding{"ext": {UID: "volume.nfs#shared-data", Outputs: map[string]string{"source": "nfs"}}}
	res := wlResolve(t, in)
	for source, want := range map[string]string{
		"${resources.data}":                  "data",
		"echo.default#web.data":              "data",
		"${resources.ext}":                   "ext",
		"volume.nfs#shared-data":             "ext",
		"echo.default#${metadata.name}.data": "data",
	} {
		got, err := res.VolumeSource(source)
		if err != nil || got == nil || got.Name != want {
			t.Errorf("VolumeSource(%q) = %v, %v; want %s", source, got, err, want)
		}
	}
	for source, want := range map[string]string{
		"${resources.nope}":       `no resource named "nope"`,
		"volume.default#x.y":      "resource 'volume.default#x.y' does not exist",
		"${resources.data.id}":    "resource 'web.data' does not exist",
		"${metadata.nosuch}/x":    "'nosuch' not found",
		"volume.nfs#shared-data2": "does not exist",
	} {
		_, err := res.VolumeSource(source)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "source: ") {
			t.Errorf("VolumeSource(%q) error = %v, want %q", source, err, want)
		}
	}
}

// Stored state is used again: a second resolve with the first one's Stored as Prior and another
// random source keeps the generated values; the prior shared state is not modified in place.
func TestResolvePriorState(t *testing.T) {
	score := wlHead + "resources:\n  sec:\n    type: secret\n  aa:\n    type: echo\n"
	first := wlResolve(t, wlInput(t, score))
	raw, _ := json.Marshal(first.Stored)
	var prior map[string]provisioner.Stored
	if err := json.Unmarshal(raw, &prior); err != nil {
		t.Fatal(err)
	}
	priorShared := map[string]any{"order": []any{"earlier"}}
	in := wlInput(t, score)
	in.Prior, in.PriorShared, in.Random = prior, priorShared, wlRandom(9)
	second := wlResolve(t, in)
	if a, b := first.Resources["sec"].Outputs["token"], second.Resources["sec"].Outputs["token"]; a != b {
		t.Errorf("token changed from %v to %v", a, b)
	}
	if first.Stored["secret.default#web.sec"].GUID != second.Stored["secret.default#web.sec"].GUID {
		t.Errorf("guid changed")
	}
	if got := fmt.Sprint(second.Shared["order"]); got != "[earlier web.aa]" {
		t.Errorf("shared order = %s: the prior shared state is carried on", got)
	}
	if got := fmt.Sprint(priorShared["order"]); got != "[earlier]" {
		t.Errorf("the caller's prior shared state was modified: %s", got)
	}
	// Without the prior state another random source gives another secret.
	in = wlInput(t, score)
	in.Random = wlRandom(9)
	if third := wlResolve(t, in); third.Resources["sec"].Outputs["token"] == first.Resources["sec"].Outputs["token"] {
		t.Errorf("the secret does not depend on the random source")
	}
}

func TestOwnService(t *testing.T) {
	score := "apiVersion: score.dev/v1b1\nmetadata:\n  name: web\n  annotations:\n    k8s.score.dev/service-name: web-svc\ncontainers:\n  main:\n    image: busybox\nservice:\n  ports:\n    http:\n      port: 80\n      targetPort: 8080\n    dns:\n      port: 53\n      protocol: UDP\n"
	w := wlLoad(t, score)
	k := resources.OwnService(w, targets.Kubernetes)
	c := resources.OwnService(w, targets.Compose)
	if k.ServiceName != "web-svc" || c.ServiceName != "web" {
		t.Errorf("service names %q (kubernetes) %q (compose)", k.ServiceName, c.ServiceName)
	}
	want := map[string]provisioner.ServicePort{
		"http": {Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"}, "80": {Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"},
		"dns": {Name: "dns", Port: 53, TargetPort: 53, Protocol: "UDP"}, "53": {Name: "dns", Port: 53, TargetPort: 53, Protocol: "UDP"},
	}
	if !reflect.DeepEqual(k.Ports, want) || !reflect.DeepEqual(c.Ports, want) {
		t.Errorf("ports %v / %v, want %v", k.Ports, c.Ports, want)
	}
	if s := resources.OwnService(wlLoad(t, wlHead), targets.Kubernetes); s.ServiceName != "web" || len(s.Ports) != 0 {
		t.Errorf("no service: %+v", s)
	}
}

// Templates see the other workloads' services and the workload's own.
func TestResolveWorkloadServices(t *testing.T) {
	in := wlInput(t, wlHead+"resources:\n  aa:\n    type: echo\n")
	in.WorkloadServices = map[string]provisioner.WorkloadService{"api": {ServiceName: "api"}}
	res := wlResolve(t, in)
	if got, _ := res.Lookup("resources.aa.services"); got.Value != "api,web" {
		t.Errorf("services = %q, want api,web", got.Value)
	}
	if len(in.WorkloadServices) != 1 {
		t.Errorf("the caller's workload services were modified: %v", in.WorkloadServices)
	}
}

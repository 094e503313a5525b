package provisioner_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// guidPattern is an RFC 4122 version 4 UUID with the RFC 4122 variant bits (10xx).
var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// engJSON round-trips v through JSON, so expectations can be written as JSON text.
func engJSON(t testing.TB, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func engEqualJSON(t testing.TB, what string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %s: %v", want, err)
	}
	if g := engJSON(t, got); !reflect.DeepEqual(g, w) {
		gj, _ := json.Marshal(g)
		t.Errorf("%s:\n got  %s\n want %s", what, gj, want)
	}
}

// orderTemplate records, in every section, what it saw of the sections before it.
const orderTemplate = `
- uri: template://t/order
  type: thing
  init: |
    fromInit: i
    initSawState: {{ toJson .State }}
    initSawShared: {{ toJson .Shared }}
  state: |
    fromState: s
    counter: {{ add 1 (dig "counter" 0 .State) }}
    stateSawInit: {{ toJson .Init }}
    stateSawPriorState: {{ toJson .State }}
  shared: |
    fromShared:
      {{ .Id }}: {{ .State.counter }}
    sharedSawState: {{ toJson .State }}
  outputs: |
    outputsSawInit: {{ toJson .Init }}
    outputsSawState: {{ toJson .State }}
    outputsSawShared: {{ toJson .Shared }}
    data:
      Guid: {{ .Guid | quote }}
      Uid: {{ .Uid | quote }}
      Type: {{ .Type | quote }}
      Class: {{ .Class | quote }}
      Id: {{ .Id | quote }}
      Params: {{ toJson .Params }}
      Metadata: {{ toJson .Metadata }}
      SourceWorkload: {{ .SourceWorkload | quote }}
      WorkloadMetadata: {{ toJson .WorkloadMetadata }}
      WorkloadServices: {{ toJson .WorkloadServices }}
      Namespace: {{ .Namespace | quote }}
      ComposeProjectName: {{ .ComposeProjectName | quote }}
      MountsDirectory: {{ .MountsDirectory | quote }}
  manifests: |
    - apiVersion: v1
      kind: ConfigMap
      metadata:
        name: {{ .Id | replace "." "-" }}
      data:
        state: {{ toJson .State | quote }}
        shared: {{ toJson .Shared | quote }}
        init: {{ toJson .Init | quote }}
  services: |
    svc:
      image: busybox
      environment:
        STATE: {{ toJson .State | quote }}
        SHARED: {{ toJson .Shared | quote }}
`

func orderRequest(seed uint64) provisioner.Request {
	req := engRequest("thing", seed)
	req.Params = map[string]any{"size": "large", "n": 3}
	req.Metadata = map[string]any{"annotations": map[string]any{"a": "b"}}
	req.WorkloadMetadata = map[string]any{"name": "web"}
	req.WorkloadServices = map[string]provisioner.WorkloadService{
		"api": {ServiceName: "api-svc", Ports: map[string]provisioner.ServicePort{
			"http": {Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"},
			"80":   {Name: "http", Port: 80, TargetPort: 8080, Protocol: "TCP"},
		}},
	}
	req.Prior = provisioner.Stored{
		GUID:   "11111111-2222-4333-8444-555555555555",
		State:  map[string]any{"counter": 4, "old": "gone after state"},
		Shared: map[string]any{"fromShared": map[string]any{"other.db": 9}, "keep": true},
	}
	return req
}

func TestProvisionEvaluationOrderAndData(t *testing.T) {
	for _, target := range targets.All {
		t.Run(string(target), func(t *testing.T) {
			text := orderTemplate
			// Each target accepts only its own sections.
			if target == targets.Compose {
				text = text[:indexOf(text, "  manifests: |")] + text[indexOf(text, "  services: |"):]
			} else {
				text = text[:indexOf(text, "  services: |")]
			}
			req := orderRequest(1)
			res, err := engProvision(t, target, text, req)
			if err != nil {
				t.Fatal(err)
			}
			o := res.Outputs
			engEqualJSON(t, "init sees the prior state", o["outputsSawInit"],
				`{"fromInit":"i","initSawState":{"counter":4,"old":"gone after state"},"initSawShared":{"fromShared":{"other.db":9},"keep":true}}`)
			wantState := `{"fromState":"s","counter":5,"stateSawInit":{"fromInit":"i","initSawState":{"counter":4,"old":"gone after state"},"initSawShared":{"fromShared":{"other.db":9},"keep":true}},"stateSawPriorState":{"counter":4,"old":"gone after state"}}`
			engEqualJSON(t, "outputs see the new state", o["outputsSawState"], wantState)
			engEqualJSON(t, "stored state replaces the prior one", res.Stored.State, wantState)
			wantShared := `{"fromShared":{"other.db":9,"web.db":5},"keep":true,"sharedSawState":` + wantState + `}`
			engEqualJSON(t, "outputs see the merged shared state", o["outputsSawShared"], wantShared)
			engEqualJSON(t, "stored shared state", res.Stored.Shared, wantShared)
			engEqualJSON(t, "template data", o["data"], `{
				"Guid":"11111111-2222-4333-8444-555555555555","Uid":"thing.default#web.db","Type":"thing","Class":"default","Id":"web.db",
				"Params":{"size":"large","n":3},"Metadata":{"annotations":{"a":"b"}},"SourceWorkload":"web",
				"WorkloadMetadata":{"name":"web"},
				"WorkloadServices":{"api":{"ServiceName":"api-svc","Ports":{
					"http":{"Name":"http","Port":80,"TargetPort":8080,"Protocol":"TCP"},
					"80":{"Name":"http","Port":80,"TargetPort":8080,"Protocol":"TCP"}}}},
				"Namespace":"shop","ComposeProjectName":"proj","MountsDirectory":"./mounts"}`)
			if res.Stored.GUID != req.Prior.GUID {
				t.Errorf("prior Guid not kept: %s", res.Stored.GUID)
			}
			// The target sections come last and see the final state and shared state.
			var seen map[string]any
			switch target {
			case targets.Kubernetes:
				if len(res.Manifests) != 1 {
					t.Fatalf("manifests: %v", res.Manifests)
				}
				seen = res.Manifests[0]["data"].(map[string]any)
				if len(res.Compose.Services) != 0 {
					t.Error("compose artifacts on kubernetes")
				}
				engEqualJSON(t, "manifests see init", jsonText(t, seen["init"]), `{"fromInit":"i","initSawState":{"counter":4,"old":"gone after state"},"initSawShared":{"fromShared":{"other.db":9},"keep":true}}`)
			case targets.Compose:
				env := res.Compose.Services["svc"].(map[string]any)["environment"].(map[string]any)
				seen = map[string]any{"state": env["STATE"], "shared": env["SHARED"]}
				if len(res.Manifests) != 0 {
					t.Error("manifests on compose")
				}
			}
			engEqualJSON(t, "last sections see the new state", jsonText(t, seen["state"]), wantState)
			engEqualJSON(t, "last sections see the merged shared state", jsonText(t, seen["shared"]), wantShared)
			// The caller's prior state is not modified.
			if !reflect.DeepEqual(req.Prior.State, map[string]any{"counter": 4, "old": "gone after state"}) ||
				!reflect.DeepEqual(req.Prior.Shared, map[string]any{"fromShared": map[string]any{"other.db": 9}, "keep": true}) {
				t.Errorf("prior state was modified: %v %v", req.Prior.State, req.Prior.Shared)
			}
		})
	}
}

func indexOf(s, sub string) int {
	i := strings.Index(s, sub)
	if i < 0 {
		panic("not found: " + sub)
	}
	return i
}

func jsonText(t testing.TB, v any) any {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("want a JSON string, got %#v", v)
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return out
}

func TestProvisionEmptyDataIsNotNil(t *testing.T) {
	// A bare request: every map the templates see is empty, not nil, so `.Params.x`, `dig` and
	// `index` work, and missing keys print as upstream's.
	res, err := engProvision(t, targets.Kubernetes, `
- uri: template://t/empty
  type: x
  outputs: |
    params: {{ toJson .Params }}
    metadata: {{ toJson .Metadata }}
    init: {{ toJson .Init }}
    state: {{ toJson .State }}
    shared: {{ toJson .Shared }}
    wm: {{ toJson .WorkloadMetadata }}
    ws: {{ toJson .WorkloadServices }}
    missing: {{ .Params.missing | quote }}
    dug: {{ dig "a" "b" "fallback" .State }}
`, provisioner.Request{UID: "x.default#w.r", Type: "x", Class: "default", ID: "w.r", Random: engRandom(1)})
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "outputs", res.Outputs, `{"params":{},"metadata":{},"init":{},"state":{},"shared":{},"wm":{},"ws":{},"missing":null,"dug":"fallback"}`)
	if !guidPattern.MatchString(res.Stored.GUID) {
		t.Errorf("new Guid %q", res.Stored.GUID)
	}
	engEqualJSON(t, "stored", res.Stored, `{"guid":"`+res.Stored.GUID+`","state":{},"shared":{}}`)
}

func TestProvisionStateReplacesPriorState(t *testing.T) {
	const withState = "- uri: template://t/s\n  type: x\n  state: |\n    keep: {{ .State.keep }}\n    added: new\n"
	req := engRequest("x", 1)
	req.Prior = provisioner.Stored{GUID: "g", State: map[string]any{"keep": "k", "drop": "d"}}
	res, err := engProvision(t, targets.Compose, withState, req)
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "state", res.Stored.State, `{"keep":"k","added":"new"}`)

	// A state template that renders nothing leaves an empty state (it replaces).
	res, err = engProvision(t, targets.Compose, "- uri: template://t/s\n  type: x\n  state: |\n    {{/* nothing */}}\n", req)
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "empty state", res.Stored.State, `{}`)

	// Without a state template the prior state is kept.
	res, err = engProvision(t, targets.Compose, "- uri: template://t/s\n  type: x\n  outputs: 'a: {{ .State.drop }}'\n", req)
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "kept state", res.Stored.State, `{"keep":"k","drop":"d"}`)
	engEqualJSON(t, "outputs", res.Outputs, `{"a":"d"}`)
}

func TestProvisionSharedIsAMergePatch(t *testing.T) {
	const text = `
- uri: template://t/shared
  type: x
  shared: |
    a:
      y: null
      z: 3
      deep: {n: {m: 1}}
    b: null
    d: [1, 2]
    list: [new]
    e: {f: null}
    scalar: {now: object}
`
	req := engRequest("x", 1)
	req.Prior.Shared = map[string]any{
		"a": map[string]any{"x": 1, "y": 2, "deep": map[string]any{"n": map[string]any{"o": 2}}},
		"b": 1, "c": 3, "list": []any{"old", "older"}, "scalar": "was a string",
	}
	res, err := engProvision(t, targets.Kubernetes, text, req)
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "shared", res.Stored.Shared,
		`{"a":{"x":1,"z":3,"deep":{"n":{"o":2,"m":1}}},"c":3,"d":[1,2],"list":["new"],"e":{},"scalar":{"now":"object"}}`)

	// No shared template: the prior shared state is kept as it was.
	res, err = engProvision(t, targets.Kubernetes, "- uri: template://t/none\n  type: x\n", req)
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "kept shared", res.Stored.Shared, `{"a":{"x":1,"y":2,"deep":{"n":{"o":2}}},"b":1,"c":3,"list":["old","older"],"scalar":"was a string"}`)
}

func TestProvisionGuid(t *testing.T) {
	const text = "- uri: template://t/g\n  type: x\n  outputs: 'guid: {{ .Guid }}'\n"
	seen := map[string]bool{}
	for seed := uint64(0); seed < 200; seed++ {
		res, err := engProvision(t, targets.Kubernetes, text, engRequest("x", seed))
		if err != nil {
			t.Fatal(err)
		}
		g := res.Stored.GUID
		if !guidPattern.MatchString(g) {
			t.Fatalf("Guid %q is not an RFC 4122 v4 UUID", g)
		}
		if res.Outputs["guid"] != g {
			t.Errorf(".Guid %v != stored %s", res.Outputs["guid"], g)
		}
		if seen[g] {
			t.Errorf("duplicate Guid %s", g)
		}
		seen[g] = true
	}
	req := engRequest("x", 1)
	req.Prior.GUID = "kept-as-is"
	res, err := engProvision(t, targets.Kubernetes, text, req)
	if err != nil || res.Stored.GUID != "kept-as-is" || res.Outputs["guid"] != "kept-as-is" {
		t.Errorf("prior Guid not kept: %+v, %v", res, err)
	}
	for _, seed := range []uint64{1, 2, 3} {
		g, err := provisioner.NewGUID(engRandom(seed))
		if err != nil || !guidPattern.MatchString(g) {
			t.Errorf("NewGUID = %q, %v", g, err)
		}
	}
	if _, err := provisioner.NewGUID(nil); err == nil {
		t.Error("NewGUID(nil) should fail")
	}
}

// passwordTemplate is the upstream idiom: generate in init, keep the first value with dig.
const passwordTemplate = `
- uri: template://t/pg
  type: postgres
  init: |
    randomPassword: {{ randAlphaNum 16 | quote }}
    randomUser: user-{{ randAlpha 8 }}
  state: |
    password: {{ dig "password" .Init.randomPassword .State | quote }}
    username: {{ dig "username" .Init.randomUser .State | quote }}
  outputs: |
    username: {{ .State.username }}
    password: {{ .State.password | quote }}
    guid: {{ .Guid }}
`

func TestProvisionKeepsGeneratedValues(t *testing.T) {
	first, err := engProvision(t, targets.Compose, passwordTemplate, engRequest("postgres", 1))
	if err != nil {
		t.Fatal(err)
	}
	pw := first.Outputs["password"].(string)
	if len(pw) != 16 {
		t.Fatalf("password %q", pw)
	}
	prior := first.Stored
	for seed := uint64(2); seed < 6; seed++ {
		req := engRequest("postgres", seed)
		req.Prior = prior
		res, err := engProvision(t, targets.Compose, passwordTemplate, req)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Outputs, first.Outputs) || !reflect.DeepEqual(res.Stored, first.Stored) {
			t.Errorf("seed %d: re-provisioning changed generated values:\n%v\n%v", seed, res.Outputs, first.Outputs)
		}
		prior = res.Stored
	}
}

func TestProvisionIsDeterministicPerSeed(t *testing.T) {
	for _, target := range targets.All {
		a, err := engProvision(t, target, passwordTemplate, engRequest("postgres", 42))
		if err != nil {
			t.Fatal(err)
		}
		b, err := engProvision(t, target, passwordTemplate, engRequest("postgres", 42))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same seed, different results:\n%+v\n%+v", target, a, b)
		}
		c, err := engProvision(t, target, passwordTemplate, engRequest("postgres", 43))
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"password", "username", "guid"} {
			if a.Outputs[k] == c.Outputs[k] {
				t.Errorf("%s: %s is the same with two seeds: %v", target, k, a.Outputs[k])
			}
		}
	}
}

// The definition is parsed once and may serve many requests, also concurrently.
func TestProvisionDefinitionIsReusable(t *testing.T) {
	d := engOne(t, targets.Kubernetes, passwordTemplate)
	want, err := provisioner.Provision(context.Background(), d, engRequest("postgres", 9), provisioner.Options{Target: targets.Kubernetes})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			got, err := provisioner.Provision(context.Background(), d, engRequest("postgres", 9), provisioner.Options{Target: targets.Kubernetes})
			if err == nil && !reflect.DeepEqual(got, want) {
				err = errorString("concurrent result differs")
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestSecretOutputClassification(t *testing.T) {
	defs := engParse(t, targets.Kubernetes, `
- uri: template://t/listed
  type: a
  secret_outputs: [token2, host]
  expected_outputs: [host, password, token2]
  outputs: |
    host: h
    password: p
    token2: t
- uri: template://t/guessed
  type: b
  expected_outputs: [host, port, username, password, connection, url, secret_key, aws_secret_key, access_key_id, api_key, api-key, token, endpoint, database, uri, dsn]
  outputs: |
    host: h
    port: 1
    username: u
    password: p
    connection: "host=db password=p"
    url: https://sqs.eu-west-1.amazonaws.com/123456789012/orders
    DB_PASSWORD: p
    HONEYCOMB_KEY: k
    endpoint: e
    nested: {password: p}
- uri: template://t/none
  type: c
  secret_outputs: []
  expected_outputs: [password]
  outputs: 'password: p'
`)
	listed, guessed, none := defs[0], defs[1], defs[2]
	if got := listed.SecretOutputNames(nil); !reflect.DeepEqual(got, []string{"token2", "host"}) {
		t.Errorf("listed SecretOutputNames = %v", got)
	}
	if !listed.IsSecretOutput("token2") || !listed.IsSecretOutput("host") || listed.IsSecretOutput("password") {
		t.Error("a secret_outputs list must be exact (no guessing)")
	}
	got := guessed.SecretOutputNames(nil)
	sort.Strings(got)
	want := []string{"api-key", "api_key", "aws_secret_key", "connection", "dsn", "password", "secret_key", "token", "uri", "url"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("guessed SecretOutputNames = %v, want %v", got, want)
	}
	for _, k := range []string{"host", "port", "username", "endpoint", "database", "access_key_id", "name"} {
		if guessed.IsSecretOutput(k) {
			t.Errorf("%s guessed secret", k)
		}
	}
	if names := none.SecretOutputNames(nil); names == nil || len(names) != 0 {
		t.Errorf("secret_outputs: [] should list none, got %#v", names)
	}
	if none.IsSecretOutput("password") {
		t.Error("secret_outputs: [] means nothing is secret")
	}

	for _, c := range []struct {
		d    *provisioner.Definition
		want []string
	}{
		{listed, []string{"host", "token2"}},
		// connection holds a password; url (an SQS queue) does not; a map holding a password is
		// secret; HONEYCOMB_KEY is a key (issue 16, item 3).
		{guessed, []string{"DB_PASSWORD", "HONEYCOMB_KEY", "connection", "nested", "password"}},
		{none, nil},
	} {
		res, err := provisioner.Provision(context.Background(), c.d, engRequest(c.d.Type, 1), provisioner.Options{Target: targets.Kubernetes})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.SecretOutputs, c.want) {
			t.Errorf("%s: SecretOutputs = %v, want %v (sorted)", c.d.URI, res.SecretOutputs, c.want)
		}
	}
}

// TestOutputRules: the provider's provisioner_outputs decide before the file and the guess, by
// uri first, then by type; what they do not name is decided as before (issue 16, item 3).
func TestOutputRules(t *testing.T) {
	defs := engParse(t, targets.Kubernetes, `
- uri: template://t/listed
  type: a
  secret_outputs: [token]
  expected_outputs: [host, token, url]
  outputs: |
    host: h
    token: t
    url: postgresql://u:p@h/db
    scheme: https
- uri: template://t/guessed
  type: b
  expected_outputs: [host, HONEYCOMB_KEY, url]
  outputs: |
    host: h
    HONEYCOMB_KEY: k
    url: https://sqs.example/q
`)
	rules := provisioner.OutputRules{
		"template://t/listed": {Secret: []string{"host"}, Public: []string{"token"}},
		"a":                   {Public: []string{"host", "url"}},
		"b":                   {Secret: []string{"url"}, Public: []string{"HONEYCOMB_KEY"}},
	}
	for _, c := range []struct {
		d     *provisioner.Definition
		want  []string
		names []string
	}{
		// host: the uri's rule wins over the type's; token: the rule wins over the file's list;
		// url: public by the type's rule although it holds a password.
		{defs[0], []string{"host"}, []string{"host"}},
		{defs[1], []string{"url"}, []string{"url"}},
	} {
		res, err := provisioner.Provision(context.Background(), c.d, engRequest(c.d.Type, 1), provisioner.Options{Target: targets.Kubernetes, Outputs: rules})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.SecretOutputs, c.want) {
			t.Errorf("%s: SecretOutputs = %v, want %v", c.d.URI, res.SecretOutputs, c.want)
		}
		if got := c.d.SecretOutputNames(rules); !reflect.DeepEqual(got, c.names) {
			t.Errorf("%s: SecretOutputNames = %v, want %v", c.d.URI, got, c.names)
		}
	}
	// Without rules, a value holding a password is secret even when the file's list omits it.
	res, err := provisioner.Provision(context.Background(), defs[0], engRequest("a", 1), provisioner.Options{Target: targets.Kubernetes})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"token", "url"}; !reflect.DeepEqual(res.SecretOutputs, want) {
		t.Errorf("without rules: SecretOutputs = %v, want %v", res.SecretOutputs, want)
	}
	if err := (provisioner.OutputRules{"b": {Secret: []string{"x"}, Public: []string{"x"}}}).Check(); err == nil || !strings.Contains(err.Error(), `"b": output "x" is listed both secret and public`) {
		t.Errorf("Check = %v", err)
	}
	if got := rules.Unmatched(defs); len(got) != 0 {
		t.Errorf("Unmatched = %v", got)
	}
	if got := (provisioner.OutputRules{"template://t/typo": {}, "c": {}, "b": {}}).Unmatched(defs); !reflect.DeepEqual(got, []string{"c", "template://t/typo"}) {
		t.Errorf("Unmatched = %v", got)
	}
}

func TestProvisionUnknownScheme(t *testing.T) {
	d := &provisioner.Definition{URI: "helm://x", Type: "x"}
	_, err := provisioner.Provision(context.Background(), d, engRequest("x", 1), provisioner.Options{Target: targets.Kubernetes})
	engWantAll(t, err, "helm://x", `unsupported provisioner scheme "helm"`)
}

func TestProvisionComposeSections(t *testing.T) {
	res, err := engProvision(t, targets.Compose, `
- uri: template://t/all
  type: x
  directories: |
    data/{{ .Id }}: {}
  files: |
    cfg/{{ .Id }}.conf: |
      name {{ .Id }}
  networks: |
    net-{{ .SourceWorkload }}: {}
  volumes: |
    vol: {driver: local}
  services: |
    svc:
      image: busybox
      volumes:
        - {{ .MountsDirectory }}/cfg/{{ .Id }}.conf:/etc/x.conf
  models: |
    m: {model: ai/smollm2}
  info_logs: |
    - "{{ .Uid }}: ready in project {{ .ComposeProjectName }}"
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	c := res.Compose
	engEqualJSON(t, "compose", c, `{
		"Services":{"svc":{"image":"busybox","volumes":["./mounts/cfg/web.db.conf:/etc/x.conf"]}},
		"Volumes":{"vol":{"driver":"local"}},"Networks":{"net-web":{}},"Models":{"m":{"model":"ai/smollm2"}},
		"Files":{"cfg/web.db.conf":"name web.db\n","data/web.db/.keep":""}}`)
	if !reflect.DeepEqual(res.InfoLogs, []string{"x.default#web.db: ready in project proj"}) {
		t.Errorf("info logs %v", res.InfoLogs)
	}
}

func TestProvisionManifestsSkipNullItems(t *testing.T) {
	res, err := engProvision(t, targets.Kubernetes, `
- uri: template://t/m
  type: x
  manifests: |
    {{ if false }}
    - skipped
    {{ end }}
    -
    - apiVersion: v1
      kind: ConfigMap
      metadata: {name: a}
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Manifests) != 1 || res.Manifests[0]["kind"] != "ConfigMap" {
		t.Errorf("manifests %v", res.Manifests)
	}
}

// A directory a compose provisioner asks for is an empty .keep file in `files` (so writing the
// files creates it); one to remove is refused, naming it.
func TestProvisionComposeDirectories(t *testing.T) {
	res, err := engProvision(t, targets.Compose, `
- uri: template://t/dirs
  type: x
  directories: |
    data/a: true
    data/b: {}
`, engRequest("x", 1))
	if err != nil {
		t.Fatal(err)
	}
	engEqualJSON(t, "files", res.Compose.Files, `{"data/a/.keep":"","data/b/.keep":""}`)

	_, err = engProvision(t, targets.Compose, `
- uri: template://t/dirs
  type: x
  directories: |
    old/cache: false
`, engRequest("x", 1))
	if err == nil || !strings.Contains(err.Error(), `directories: "old/cache" is to be removed (false)`) {
		t.Fatalf("want the removal refused, got %v", err)
	}
}

// TestSecrecyUnsettled: an output whose secrecy its value decides, holding a stand-in for a value
// unknown at plan, makes the result unsettled; one a rule, the file's list or its name decides
// does not.
func TestSecrecyUnsettled(t *testing.T) {
	const standIn = "(known after apply "
	def := engOne(t, targets.Kubernetes, `
- uri: template://t/link
  type: link
  outputs: |
    {{ .Params.key }}: {{ .Params.value | quote }}
`)
	listed := engOne(t, targets.Kubernetes, `
- uri: template://t/listed
  type: link
  secret_outputs: [url]
  outputs: |
    {{ .Params.key }}: {{ .Params.value | quote }}
`)
	for _, c := range []struct {
		def        *provisioner.Definition
		key, value string
		rules      provisioner.OutputRules
		want       bool
	}{
		{def, "url", "amqp://u:" + standIn + "A: b.password)@h", nil, true},
		{def, "url", standIn + "A: b.url)", nil, true},
		{def, "url", "amqp://u:p@h", nil, false},                                                               // known
		{def, "password", standIn + "A: b.password)", nil, false},                                              // secret by name anyway
		{def, "url", standIn + "A: b.url)", provisioner.OutputRules{"link": {Public: []string{"url"}}}, false}, // declared
		{listed, "url", standIn + "A: b.url)", nil, false},                                                     // listed secret
		{listed, "host", standIn + "A: b.host)", nil, true},                                                    // not listed: the value decides
	} {
		req := engRequest("link", 1)
		req.Params = map[string]any{"key": c.key, "value": c.value}
		res, err := provisioner.Provision(context.Background(), c.def, req, provisioner.Options{Target: targets.Kubernetes, Outputs: c.rules, StandIn: standIn})
		if err != nil {
			t.Fatal(err)
		}
		if res.SecrecyUnsettled != c.want {
			t.Errorf("%s %s=%q rules %v: unsettled %v, want %v", c.def.URI, c.key, c.value, c.rules, res.SecrecyUnsettled, c.want)
		}
	}
}

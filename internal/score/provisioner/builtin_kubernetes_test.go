package provisioner

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// The built-in kubernetes library: one entry per type, in this order.
var k8sBuiltinTypes = []string{
	"volume", "service-port", "dns", "route", "postgres", "postgres-instance", "mysql", "redis",
	"mongodb", "amqp", "s3", "kafka-topic", "mssql", "elasticsearch", "environment",
}

func k8sBuiltin(t *testing.T, typ string) *Definition {
	t.Helper()
	defs, err := Builtins(targets.Kubernetes)
	if err != nil {
		t.Fatalf("Builtins(Kubernetes): %v", err)
	}
	for _, d := range defs {
		if d.Type == typ {
			return d
		}
	}
	t.Fatalf("no built-in kubernetes provisioner for type %q", typ)
	return nil
}

// k8sServices are the workloads a request sees: `web` (the source workload) and `api`.
func k8sServices() map[string]WorkloadService {
	port := func(name string, p, target int) ServicePort {
		return ServicePort{Name: name, Port: p, TargetPort: target, Protocol: "TCP"}
	}
	return map[string]WorkloadService{
		"web": {ServiceName: "web", Ports: map[string]ServicePort{
			"http": port("http", 80, 8080), "80": port("http", 80, 8080),
			"api": port("api", 9090, 9091), "9090": port("api", 9090, 9091),
		}},
		"api": {ServiceName: "api-svc", Ports: map[string]ServicePort{
			"grpc": port("grpc", 9000, 50051), "9000": port("grpc", 9000, 50051),
		}},
	}
}

// k8sRequest is resource `db` of workload `web`.
func k8sRequest(typ string, params map[string]any) Request {
	return Request{
		UID: typ + ".default#web.db", Type: typ, Class: "default", ID: "web.db",
		Params: params, SourceWorkload: "web", WorkloadServices: k8sServices(),
		Namespace: "team-a", Random: rand.Reader,
	}
}

func k8sProvision(t *testing.T, req Request) *Result {
	t.Helper()
	res, err := Provision(context.Background(), k8sBuiltin(t, req.Type), req, Options{Target: targets.Kubernetes})
	if err != nil {
		t.Fatalf("Provision(%s): %v", req.UID, err)
	}
	return res
}

type k8sCase struct {
	typ     string
	params  map[string]any
	outputs []string // every output key
	secrets []string // the secret ones
	kinds   []string // manifest kinds, in order
	// urlScheme, when set, is the scheme of the `url` output, checked against the other outputs.
	urlScheme string
	check     func(t *testing.T, res *Result)
}

var k8sCases = []k8sCase{
	{typ: "volume", outputs: []string{"source"}, check: func(t *testing.T, res *Result) {
		var src corev1.VolumeSource
		k8sStrictJSON(t, res.Outputs["source"], &src)
		if src.EmptyDir == nil {
			t.Errorf("source = %v, want an emptyDir volume source", res.Outputs["source"])
		}
	}},
	{typ: "service-port", params: map[string]any{"workload": "api", "port": "grpc"},
		outputs: []string{"hostname", "port"}, check: func(t *testing.T, res *Result) {
			// The Service's port, not the container's target port (50051).
			k8sWantOutputs(t, res, map[string]any{"hostname": "api-svc", "port": 9000})
		}},
	{typ: "dns", outputs: []string{"host"}, check: func(t *testing.T, res *Result) {
		k8sWantOutputs(t, res, map[string]any{"host": "web-db.localhost"})
	}},
	{typ: "route", params: map[string]any{"host": "example.com", "path": "/app", "port": "http"},
		kinds: []string{"HTTPRoute"}, check: func(t *testing.T, res *Result) {
			spec := res.Manifests[0]["spec"].(map[string]any)
			want := map[string]any{
				"parentRefs": []any{map[string]any{"name": "default"}},
				"hostnames":  []any{"example.com"},
				"rules": []any{map[string]any{
					"matches":     []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/app"}}},
					"backendRefs": []any{map[string]any{"name": "web", "port": 80}},
				}},
			}
			if !reflect.DeepEqual(spec, want) {
				t.Errorf("HTTPRoute spec =\n%s\nwant\n%s", k8sJSON(spec), k8sJSON(want))
			}
		}},
	{typ: "postgres", outputs: []string{"host", "port", "name", "database", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "postgresql",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 5432, "name": "web_db", "database": "web_db", "username": "web_db"})
			k8sWantName(t, res.Outputs["host"], "pg-web-db-")
		}},
	{typ: "postgres-instance", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "postgresql",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 5432, "username": "postgres"})
			k8sWantName(t, res.Outputs["host"], "pg-web-db-")
		}},
	{typ: "mysql", outputs: []string{"host", "port", "name", "database", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "mysql",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 3306, "name": "web_db", "database": "web_db", "username": "web_db"})
			k8sWantName(t, res.Outputs["host"], "mysql-web-db-")
		}},
	{typ: "redis", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "redis",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 6379, "username": "default"})
			k8sWantName(t, res.Outputs["host"], "redis-web-db-")
		}},
	{typ: "mongodb", outputs: []string{"host", "port", "username", "password", "connection", "url"},
		secrets: []string{"password", "connection", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "mongodb",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 27017, "username": "web_db", "connection": res.Outputs["url"]})
			k8sWantName(t, res.Outputs["host"], "mongo-web-db-")
		}},
	{typ: "amqp", outputs: []string{"host", "port", "vhost", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "amqp",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 5672, "vhost": "web-db", "username": "web_db"})
			k8sWantName(t, res.Outputs["host"], "rabbitmq-web-db-")
		}},
	{typ: "s3", outputs: []string{"bucket", "access_key_id", "secret_key", "endpoint", "region", "aws_access_key_id", "aws_secret_key"},
		secrets: []string{"secret_key", "aws_secret_key"}, kinds: []string{"Secret", "StatefulSet", "Service", "Job"},
		check: func(t *testing.T, res *Result) {
			host := res.Manifests[2]["metadata"].(map[string]any)["name"]
			k8sWantOutputs(t, res, map[string]any{
				"bucket": "web-db", "access_key_id": "score-web-db", "aws_access_key_id": "score-web-db",
				"region": "us-east-1", "endpoint": fmt.Sprintf("http://%s:9000", host), "aws_secret_key": res.Outputs["secret_key"],
			})
			k8sWantName(t, host, "minio-web-db-")
			if len(res.Outputs["secret_key"].(string)) < 40 {
				t.Errorf("secret_key %d characters, want 40", len(res.Outputs["secret_key"].(string)))
			}
		}},
	{typ: "kafka-topic", outputs: []string{"host", "port", "name", "num_partitions", "url"},
		secrets: []string{"url"}, kinds: []string{"StatefulSet", "Service", "Job"}, urlScheme: "kafka",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 9092, "name": "web-db", "num_partitions": 3})
			k8sWantName(t, res.Outputs["host"], "kafka-web-db-")
		}},
	{typ: "mssql", outputs: []string{"server", "port", "connection", "database", "username", "password", "url"},
		secrets: []string{"password", "connection", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "sqlserver",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 1433, "database": "master", "username": "sa"})
			k8sWantName(t, res.Outputs["server"], "mssql-web-db-")
			pw := res.Outputs["password"].(string)
			for _, class := range []string{`[A-Z]`, `[a-z]`, `[0-9]`} {
				if !regexp.MustCompile(class).MatchString(pw) || len(pw) < 8 {
					t.Errorf("password %q does not meet SQL Server's complexity rules (%s)", pw, class)
				}
			}
			want := fmt.Sprintf("Server=tcp:%s,1433;Initial Catalog=master;User ID=sa;Password=%s;TrustServerCertificate=True", res.Outputs["server"], pw)
			if res.Outputs["connection"] != want {
				t.Errorf("connection = %q, want %q", res.Outputs["connection"], want)
			}
		}},
	{typ: "elasticsearch", outputs: []string{"host", "port", "username", "password", "url"},
		secrets: []string{"password", "url"}, kinds: []string{"Secret", "StatefulSet", "Service"}, urlScheme: "http",
		check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"port": 9200, "username": "elastic"})
			k8sWantName(t, res.Outputs["host"], "es-web-db-")
		}},
	{typ: "environment", params: map[string]any{"LOG_LEVEL": "debug", "WORKERS": 4, "NESTED": map[string]any{"a": "b"}},
		outputs: []string{"LOG_LEVEL", "WORKERS", "NESTED"}, check: func(t *testing.T, res *Result) {
			k8sWantOutputs(t, res, map[string]any{"LOG_LEVEL": "debug", "WORKERS": 4, "NESTED": map[string]any{"a": "b"}})
		}},
}

func TestKubernetesBuiltinLibrary(t *testing.T) {
	defs, err := Builtins(targets.Kubernetes)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range defs {
		types = append(types, d.Type)
		if want := "template://score-tf/" + d.Type; d.URI != want {
			t.Errorf("%s: uri %q, want %q", d.Type, d.URI, want)
		}
		if d.Class != nil || d.ID != nil {
			t.Errorf("%s: built-ins must match any class and id", d.Type)
		}
		if strings.TrimSpace(d.Description) == "" {
			t.Errorf("%s: no description", d.Type)
		}
		if !d.secretsListed {
			t.Errorf("%s: secret_outputs must be listed (even when empty)", d.Type)
		}
		for _, s := range d.SecretOutputs {
			if !contains(d.ExpectedOutputs, s) {
				t.Errorf("%s: secret output %q is not in expected_outputs", d.Type, s)
			}
		}
	}
	if !reflect.DeepEqual(types, k8sBuiltinTypes) {
		t.Errorf("built-in kubernetes types = %v, want %v", types, k8sBuiltinTypes)
	}
	if len(k8sCases) != len(k8sBuiltinTypes) {
		t.Errorf("%d test cases for %d types", len(k8sCases), len(k8sBuiltinTypes))
	}
}

func TestKubernetesBuiltins(t *testing.T) {
	for _, tc := range k8sCases {
		t.Run(tc.typ, func(t *testing.T) {
			def := k8sBuiltin(t, tc.typ)
			res := k8sProvision(t, k8sRequest(tc.typ, tc.params))

			// Output keys: upstream's, plus url where required; expected_outputs says the same
			// (environment's outputs are its params, so it lists none).
			if got := k8sKeys(res.Outputs); !reflect.DeepEqual(got, k8sSorted(tc.outputs)) {
				t.Errorf("output keys = %v, want %v", got, k8sSorted(tc.outputs))
			}
			if tc.typ != "environment" && !reflect.DeepEqual(k8sSorted(def.ExpectedOutputs), k8sSorted(tc.outputs)) {
				t.Errorf("expected_outputs = %v, want %v", def.ExpectedOutputs, tc.outputs)
			}
			if !reflect.DeepEqual(res.SecretOutputs, k8sSorted(tc.secrets)) && len(res.SecretOutputs)+len(tc.secrets) > 0 {
				t.Errorf("SecretOutputs = %v, want %v", res.SecretOutputs, k8sSorted(tc.secrets))
			}
			for k, v := range res.Outputs {
				if k == "port" || k == "num_partitions" {
					if _, ok := v.(int); !ok {
						t.Errorf("output %s = %#v (%T), want an integer", k, v, v)
					}
				}
				if s, ok := v.(string); ok && ContainsSecretRef(s) {
					t.Errorf("output %s is a secret reference %q; outputs hold real values", k, s)
				}
			}

			// Manifests: the expected kinds, all valid, secrets only in Secrets.
			var kinds []string
			for _, m := range res.Manifests {
				kinds = append(kinds, fmt.Sprint(m["kind"]))
			}
			if !reflect.DeepEqual(kinds, tc.kinds) && len(kinds)+len(tc.kinds) > 0 {
				t.Errorf("manifest kinds = %v, want %v", kinds, tc.kinds)
			}
			k8sCheckManifests(t, res)

			if tc.urlScheme != "" {
				k8sCheckURL(t, tc.urlScheme, res.Outputs)
			}
			if tc.check != nil {
				tc.check(t, res)
			}

			// Stable: provisioning again from what was stored (as JSON, as Terraform keeps it)
			// changes nothing, whatever the random source says.
			req := k8sRequest(tc.typ, tc.params)
			req.Prior = k8sRoundTrip(t, res.Stored)
			again := k8sProvision(t, req)
			if !reflect.DeepEqual(k8sNormalized(t, again.Outputs), k8sNormalized(t, res.Outputs)) {
				t.Errorf("outputs changed on re-provision:\n%s\nthen\n%s", k8sJSON(res.Outputs), k8sJSON(again.Outputs))
			}
			if !reflect.DeepEqual(k8sNormalized(t, again.Manifests), k8sNormalized(t, res.Manifests)) {
				t.Errorf("manifests changed on re-provision:\n%s\nthen\n%s", k8sJSON(res.Manifests), k8sJSON(again.Manifests))
			}
			if !reflect.DeepEqual(k8sNormalized(t, again.Stored.State), k8sNormalized(t, res.Stored.State)) {
				t.Errorf("state changed on re-provision: %s then %s", k8sJSON(res.Stored.State), k8sJSON(again.Stored.State))
			}

			// Known at plan: a second fresh provision differs only in secret values.
			other := k8sProvision(t, k8sRequest(tc.typ, tc.params))
			k8sCheckOnlySecretsDiffer(t, def, res, other)
		})
	}
}

// k8sCheckManifests checks what every built-in manifest must be.
func k8sCheckManifests(t *testing.T, res *Result) {
	t.Helper()
	var secretValues []string
	for _, k := range res.SecretOutputs {
		if s, ok := res.Outputs[k].(string); ok && s != "" {
			secretValues = append(secretValues, s)
		}
	}
	secrets := map[string]map[string]string{} // Secret name → decoded data
	for i, m := range res.Manifests {
		if err := kube.Validate(m); err != nil {
			t.Errorf("manifests[%d]: %v", i, err)
		}
		meta, _ := m["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		if m["apiVersion"] == nil || m["kind"] == nil || name == "" {
			t.Errorf("manifests[%d]: apiVersion, kind and metadata.name are required: %s", i, k8sJSON(m))
		}
		if _, ok := meta["namespace"]; ok {
			t.Errorf("manifests[%d] %s: sets metadata.namespace; the provider sets it", i, name)
		}
		if !regexp.MustCompile(`^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$`).MatchString(name) {
			t.Errorf("manifests[%d]: name %q is not a short DNS-1035 label", i, name)
		}
		labels, _ := meta["labels"].(map[string]any)
		for _, l := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/managed-by"} {
			if labels[l] == nil {
				t.Errorf("manifests[%d] %s: no label %s", i, name, l)
			}
		}
		if labels["app.kubernetes.io/managed-by"] != "score-tf" {
			t.Errorf("manifests[%d] %s: managed-by = %v", i, name, labels["app.kubernetes.io/managed-by"])
		}
		k8sCheckQuantities(t, fmt.Sprintf("manifests[%d] %s", i, name), m)

		if m["kind"] == "Secret" {
			var s corev1.Secret
			k8sStrictJSON(t, m, &s)
			if s.Type != corev1.SecretTypeOpaque || len(s.StringData) > 0 || len(s.Data) == 0 {
				t.Errorf("Secret %s: want type Opaque with base64 data only, got %s", name, k8sJSON(m))
			}
			decoded := map[string]string{}
			for k, v := range s.Data {
				decoded[k] = string(v)
			}
			secrets[name] = decoded
			continue
		}
		text := k8sJSON(m)
		for _, v := range secretValues {
			if strings.Contains(text, v) {
				t.Errorf("manifests[%d] %s %s contains a secret output value %q", i, m["kind"], name, v)
			}
		}
	}

	// Secret data holds the generated values: the password output is the Secret's password.
	for name, data := range secrets {
		for k, v := range data {
			if out, ok := res.Outputs[k]; ok && out != v {
				t.Errorf("Secret %s key %s = %q, but output %s = %q", name, k, v, k, out)
			}
			if !k8sContainsValue(res.Stored.State, v) {
				t.Errorf("Secret %s key %s is not a value kept in state", name, k)
			}
		}
		for _, k := range []string{"password", "secret_key"} {
			if _, ok := res.Outputs[k]; ok && data[k] == "" {
				t.Errorf("Secret %s has no %s", name, k)
			}
		}
	}

	for i, m := range res.Manifests {
		switch m["kind"] {
		case "StatefulSet":
			k8sCheckStatefulSet(t, res, secrets, m)
		case "Job":
			var job batchv1.Job
			k8sStrictJSON(t, m, &job)
			k8sCheckPodSpec(t, "Job "+job.Name, secrets, &job.Spec.Template.Spec)
		case "Service":
			var svc corev1.Service
			k8sStrictJSON(t, m, &svc)
			if svc.Spec.Type != corev1.ServiceTypeClusterIP || len(svc.Spec.Ports) == 0 {
				t.Errorf("manifests[%d]: want a ClusterIP Service with ports: %s", i, k8sJSON(m))
			}
			for _, p := range svc.Spec.Ports {
				if p.Name == "" || p.Port == 0 {
					t.Errorf("Service %s: port %+v must be named", svc.Name, p)
				}
			}
			if !k8sSelectsStatefulSet(t, res, svc.Spec.Selector) {
				t.Errorf("Service %s: selector %v selects no StatefulSet's pods", svc.Name, svc.Spec.Selector)
			}
		}
	}
}

func k8sCheckStatefulSet(t *testing.T, res *Result, secrets map[string]map[string]string, m map[string]any) {
	t.Helper()
	var sts appsv1.StatefulSet
	k8sStrictJSON(t, m, &sts)
	where := "StatefulSet " + sts.Name
	if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 1 {
		t.Errorf("%s: want 1 replica", where)
	}
	if sts.Spec.ServiceName != sts.Name {
		t.Errorf("%s: serviceName %q", where, sts.Spec.ServiceName)
	}
	hasService := false
	for _, o := range res.Manifests {
		if o["kind"] == "Service" && o["metadata"].(map[string]any)["name"] == sts.Name {
			hasService = true
		}
	}
	if !hasService {
		t.Errorf("%s: no Service of the same name", where)
	}
	if sts.Spec.Selector == nil || len(sts.Spec.Selector.MatchLabels) == 0 {
		t.Fatalf("%s: no selector", where)
	}
	for k, v := range sts.Spec.Selector.MatchLabels {
		if sts.Spec.Template.Labels[k] != v {
			t.Errorf("%s: selector %s=%s does not match the pod labels %v", where, k, v, sts.Spec.Template.Labels)
		}
	}
	if !reflect.DeepEqual(sts.Labels, sts.Spec.Template.Labels) {
		t.Errorf("%s: labels %v differ from the pod labels %v", where, sts.Labels, sts.Spec.Template.Labels)
	}
	k8sCheckPodSpec(t, where, secrets, &sts.Spec.Template.Spec)
	for _, c := range sts.Spec.Template.Spec.Containers {
		if c.ReadinessProbe == nil {
			t.Errorf("%s: container %s has no readiness probe", where, c.Name)
		}
	}
	if len(sts.Spec.VolumeClaimTemplates) != 1 {
		t.Fatalf("%s: want one volumeClaimTemplate, got %d", where, len(sts.Spec.VolumeClaimTemplates))
	}
	pvc := sts.Spec.VolumeClaimTemplates[0]
	if q := pvc.Spec.Resources.Requests[corev1.ResourceStorage]; q.String() != "1Gi" {
		t.Errorf("%s: volume of %s, want 1Gi", where, q.String())
	}
	mounted := false
	for _, c := range sts.Spec.Template.Spec.Containers {
		for _, vm := range c.VolumeMounts {
			mounted = mounted || vm.Name == pvc.Name
		}
	}
	if !mounted {
		t.Errorf("%s: the volume claim %s is not mounted", where, pvc.Name)
	}
}

// k8sCheckPodSpec: pinned images, and every secretKeyRef names a key of a Secret of the result.
func k8sCheckPodSpec(t *testing.T, where string, secrets map[string]map[string]string, spec *corev1.PodSpec) {
	t.Helper()
	for _, c := range append(append([]corev1.Container(nil), spec.InitContainers...), spec.Containers...) {
		if i := strings.LastIndex(c.Image, ":"); i < 0 || strings.Contains(c.Image[i:], "/") || strings.HasSuffix(c.Image, ":latest") {
			t.Errorf("%s: container %s image %q is not pinned to a tag", where, c.Name, c.Image)
		}
		for _, e := range c.Env {
			if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				continue
			}
			ref := e.ValueFrom.SecretKeyRef
			if _, ok := secrets[ref.Name][ref.Key]; !ok {
				t.Errorf("%s: env %s refers to %s/%s, which the result does not create", where, e.Name, ref.Name, ref.Key)
			}
		}
	}
}

func k8sSelectsStatefulSet(t *testing.T, res *Result, selector map[string]string) bool {
	for _, m := range res.Manifests {
		if m["kind"] != "StatefulSet" {
			continue
		}
		var sts appsv1.StatefulSet
		k8sStrictJSON(t, m, &sts)
		ok := len(selector) > 0
		for k, v := range selector {
			ok = ok && sts.Spec.Template.Labels[k] == v
		}
		if ok {
			return true
		}
	}
	return false
}

// k8sCheckQuantities: every resource quantity is written as Kubernetes writes it back.
func k8sCheckQuantities(t *testing.T, where string, v any) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "requests" || k == "limits" {
				if qs, ok := e.(map[string]any); ok {
					for name, q := range qs {
						s := fmt.Sprint(q)
						parsed, err := resource.ParseQuantity(s)
						if err != nil || parsed.String() != s {
							t.Errorf("%s: %s.%s = %q, Kubernetes writes %q", where, k, name, s, parsed.String())
						}
					}
				}
			}
			k8sCheckQuantities(t, where, e)
		}
	case []any:
		for _, e := range x {
			k8sCheckQuantities(t, where, e)
		}
	}
}

// k8sCheckURL: the url output agrees with the other outputs.
func k8sCheckURL(t *testing.T, scheme string, out map[string]any) {
	t.Helper()
	raw, _ := out["url"].(string)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("url %q: %v", raw, err)
	}
	host := out["host"]
	if host == nil {
		host = out["server"]
	}
	if u.Scheme != scheme || u.Hostname() != host || u.Port() != fmt.Sprint(out["port"]) {
		t.Errorf("url %q: want %s://…@%v:%v", raw, scheme, host, out["port"])
	}
	if user, ok := out["username"]; ok {
		pw, _ := u.User.Password()
		if u.User.Username() != user || pw != out["password"] {
			t.Errorf("url %q does not carry the username and password outputs", raw)
		}
	}
	switch scheme {
	case "postgresql", "mysql":
		db := out["database"]
		if db == nil {
			db = "postgres"
		}
		if u.Path != "/"+fmt.Sprint(db) {
			t.Errorf("url %q: path %q, want /%v", raw, u.Path, db)
		}
	case "amqp":
		if u.Path != "/"+fmt.Sprint(out["vhost"]) {
			t.Errorf("url %q: path %q, want /%v", raw, u.Path, out["vhost"])
		}
	case "sqlserver":
		if u.Query().Get("database") != out["database"] {
			t.Errorf("url %q: want database=%v", raw, out["database"])
		}
	}
}

// k8sCheckOnlySecretsDiffer compares two fresh provisions: everything but secret values is equal,
// so names, ports and non-secret outputs are known at plan.
func k8sCheckOnlySecretsDiffer(t *testing.T, def *Definition, a, b *Result) {
	t.Helper()
	for k, v := range a.Outputs {
		if !def.IsSecretOutput(k) && !reflect.DeepEqual(k8sNormalized(t, v), k8sNormalized(t, b.Outputs[k])) {
			t.Errorf("non-secret output %s differs between fresh provisions: %v / %v", k, v, b.Outputs[k])
		}
	}
	if len(a.Manifests) != len(b.Manifests) {
		t.Fatalf("fresh provisions give %d and %d manifests", len(a.Manifests), len(b.Manifests))
	}
	for i := range a.Manifests {
		ma, mb := k8sNormalized(t, a.Manifests[i]).(map[string]any), k8sNormalized(t, b.Manifests[i]).(map[string]any)
		if ma["kind"] == "Secret" {
			da, db := ma["data"].(map[string]any), mb["data"].(map[string]any)
			if !reflect.DeepEqual(k8sKeys(da), k8sKeys(db)) {
				t.Errorf("Secret data keys differ between fresh provisions: %v / %v", k8sKeys(da), k8sKeys(db))
			}
			delete(ma, "data")
			delete(mb, "data")
		}
		if !reflect.DeepEqual(ma, mb) {
			t.Errorf("manifests[%d] differs between fresh provisions:\n%s\n%s", i, k8sJSON(ma), k8sJSON(mb))
		}
	}
	// State: what differs is secret (an output listed as secret, or only in a Secret).
	var secretText bytes.Buffer
	for _, k := range a.SecretOutputs {
		fmt.Fprintln(&secretText, a.Outputs[k])
	}
	for _, m := range a.Manifests {
		if m["kind"] == "Secret" {
			for _, v := range m["data"].(map[string]any) {
				d, _ := base64.StdEncoding.DecodeString(fmt.Sprint(v))
				fmt.Fprintln(&secretText, string(d))
			}
		}
	}
	if !reflect.DeepEqual(k8sKeys(a.Stored.State), k8sKeys(b.Stored.State)) {
		t.Errorf("state keys differ between fresh provisions: %v / %v", k8sKeys(a.Stored.State), k8sKeys(b.Stored.State))
	}
	for k, v := range a.Stored.State {
		if reflect.DeepEqual(v, b.Stored.State[k]) {
			continue
		}
		if s, ok := v.(string); !ok || !strings.Contains(secretText.String(), s) {
			t.Errorf("state %s differs between fresh provisions but is not secret: %v / %v", k, v, b.Stored.State[k])
		}
	}
}

func TestKubernetesBuiltinRoute(t *testing.T) {
	backend := func(res *Result) map[string]any {
		rule := res.Manifests[0]["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)
		return rule["backendRefs"].([]any)[0].(map[string]any)
	}
	match := func(res *Result) map[string]any {
		rule := res.Manifests[0]["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)
		return rule["matches"].([]any)[0].(map[string]any)["path"].(map[string]any)
	}
	cases := []struct {
		name     string
		params   map[string]any
		metadata map[string]any
		port     int
		pathType string
		path     string
		parent   map[string]any
	}{
		{name: "named port", params: map[string]any{"host": "a.example.com", "path": "/", "port": "http"}, port: 80, pathType: "PathPrefix", path: "/", parent: map[string]any{"name": "default"}},
		{name: "other named port", params: map[string]any{"host": "a.example.com", "path": "/v1", "port": "api"}, port: 9090, pathType: "PathPrefix", path: "/v1", parent: map[string]any{"name": "default"}},
		{name: "port number", params: map[string]any{"host": "a.example.com", "path": "/", "port": 80}, port: 80, pathType: "PathPrefix", path: "/", parent: map[string]any{"name": "default"}},
		{name: "port number as text", params: map[string]any{"host": "a.example.com", "port": "9090"}, port: 9090, pathType: "PathPrefix", path: "/", parent: map[string]any{"name": "default"}},
		{name: "port number from JSON", params: map[string]any{"host": "a.example.com", "path": "/", "port": float64(80)}, port: 80, pathType: "PathPrefix", path: "/", parent: map[string]any{"name": "default"}},
		{name: "exact by param", params: map[string]any{"host": "a.example.com", "path": "/x", "port": "http", "path_type": "Exact"}, port: 80, pathType: "Exact", path: "/x", parent: map[string]any{"name": "default"}},
		{name: "exact by annotation", params: map[string]any{"host": "a.example.com", "path": "/x", "port": "http"},
			metadata: map[string]any{"annotations": map[string]any{"k8s.score.dev/route-provisioner-path-type": "Exact"}},
			port:     80, pathType: "Exact", path: "/x", parent: map[string]any{"name": "default"}},
		{name: "gateway", params: map[string]any{"host": "*.example.com", "path": "/", "port": "http", "gateway": "public", "gateway_namespace": "infra"}, port: 80, pathType: "PathPrefix", path: "/", parent: map[string]any{"name": "public", "namespace": "infra"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := k8sRequest("route", tc.params)
			req.Metadata = tc.metadata
			res := k8sProvision(t, req)
			if len(res.Manifests) != 1 || len(res.Outputs) != 0 {
				t.Fatalf("want one HTTPRoute and no outputs, got %s / %v", k8sJSON(res.Manifests), res.Outputs)
			}
			if got := backend(res); !reflect.DeepEqual(got, map[string]any{"name": "web", "port": tc.port}) {
				t.Errorf("backendRef = %#v, want web port %d (a number)", got, tc.port)
			}
			if got := match(res); got["type"] != tc.pathType || got["value"] != tc.path {
				t.Errorf("path match = %v, want %s %s", got, tc.pathType, tc.path)
			}
			if got := res.Manifests[0]["spec"].(map[string]any)["parentRefs"].([]any)[0]; !reflect.DeepEqual(got, tc.parent) {
				t.Errorf("parentRef = %v, want %v", got, tc.parent)
			}
			if name := res.Manifests[0]["metadata"].(map[string]any)["name"].(string); !strings.HasPrefix(name, "route-web-db-") {
				t.Errorf("route name %q", name)
			}
		})
	}
}

func TestKubernetesBuiltinServicePortNumber(t *testing.T) {
	for _, port := range []any{9000, "9000", float64(9000)} {
		res := k8sProvision(t, k8sRequest("service-port", map[string]any{"workload": "api", "port": port}))
		k8sWantOutputs(t, res, map[string]any{"hostname": "api-svc", "port": 9000})
	}
}

func TestKubernetesBuiltinDNSDomain(t *testing.T) {
	res := k8sProvision(t, k8sRequest("dns", map[string]any{"domain": "apps.example.com"}))
	k8sWantOutputs(t, res, map[string]any{"host": "web-db.apps.example.com"})
}

func TestKubernetesBuiltinFailures(t *testing.T) {
	cases := []struct {
		name     string
		typ      string
		params   map[string]any
		services map[string]WorkloadService
		want     string
	}{
		{"service-port without params", "service-port", nil, nil, "params.workload is required"},
		{"service-port without port", "service-port", map[string]any{"workload": "api"}, nil, "params.port is required"},
		{"service-port unknown workload", "service-port", map[string]any{"workload": "nope", "port": "http"}, nil, `unknown workload "nope" in params.workload (known workloads: api, web)`},
		{"service-port no workloads at all", "service-port", map[string]any{"workload": "api", "port": "grpc"}, map[string]WorkloadService{}, "known workloads: none"},
		{"service-port unknown port", "service-port", map[string]any{"workload": "api", "port": "http"}, nil, `workload "api" has no service port "http" in params.port (its ports: grpc)`},
		{"service-port unknown port number", "service-port", map[string]any{"workload": "api", "port": 50051}, nil, `has no service port "50051"`},
		{"route unknown port", "route", map[string]any{"host": "a.example.com", "path": "/", "port": "nope"}, nil, `workload "web" has no service port "nope" in params.port (its ports: api, http)`},
		{"route target port is not a service port", "route", map[string]any{"host": "a.example.com", "port": 8080}, nil, `has no service port "8080"`},
		{"route without port", "route", map[string]any{"host": "a.example.com", "path": "/"}, nil, "params.port is required"},
		{"route without host", "route", map[string]any{"path": "/", "port": "http"}, nil, "params.host is required"},
		{"route bad host", "route", map[string]any{"host": "Not A Host", "port": "http"}, nil, "is not a valid lower-case hostname"},
		{"route relative path", "route", map[string]any{"host": "a.example.com", "path": "app", "port": "http"}, nil, `params.path "app" must start with /`},
		{"route bad path type", "route", map[string]any{"host": "a.example.com", "port": "http", "path_type": "Regex"}, nil, `path type "Regex" is not supported`},
		{"route workload without service", "route", map[string]any{"host": "a.example.com", "port": "http"}, map[string]WorkloadService{}, `workload "web" has no service`},
		{"dns bad domain", "dns", map[string]any{"domain": "Bad Domain"}, nil, "is not a valid lower-case domain name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := k8sRequest(tc.typ, tc.params)
			if tc.services != nil {
				req.WorkloadServices = tc.services
			}
			res, err := Provision(context.Background(), k8sBuiltin(t, tc.typ), req, Options{Target: targets.Kubernetes})
			if err == nil {
				t.Fatalf("want an error containing %q, got outputs %v and manifests %s", tc.want, res.Outputs, k8sJSON(res.Manifests))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// Names are readable, derive from the resource, stay short enough for a StatefulSet, and keep
// apart resources whose ids only differ in where the dots are, or only in class.
func TestKubernetesBuiltinNames(t *testing.T) {
	name := func(uid, class, id string) string {
		req := k8sRequest("postgres", nil)
		req.UID, req.Class, req.ID = uid, class, id
		return k8sProvision(t, req).Outputs["host"].(string)
	}
	shared := name("postgres.default#main-db", "default", "main-db")
	if !regexp.MustCompile(`^pg-main-db-[0-9a-f]{6}$`).MatchString(shared) {
		t.Errorf("shared resource name %q, want pg-main-db-<hash>", shared)
	}
	if a, b := name("postgres.default#web-a.db", "default", "web-a.db"), name("postgres.default#web.a-db", "default", "web.a-db"); a == b {
		t.Errorf("web-a.db and web.a-db both named %q", a)
	}
	if a, b := name("postgres.default#web.db", "default", "web.db"), name("postgres.large#web.db", "large", "web.db"); a == b {
		t.Errorf("classes default and large both named %q", a)
	}
	long := strings.Repeat("very-long-workload-name", 3) + "." + strings.Repeat("resource", 6)
	l := name("postgres.default#"+long, "default", long)
	if len(l) > 52 || !regexp.MustCompile(`^pg-very-long-workload-name[-a-z0-9]*-[0-9a-f]{6}$`).MatchString(l) {
		t.Errorf("long name %q (%d characters), want a readable name of at most 52", l, len(l))
	}
	if again := name("postgres.default#"+long, "default", long); again != l {
		t.Errorf("names are not deterministic: %q then %q", l, again)
	}

	// SQL identifiers: underscores, starting with a letter.
	req := k8sRequest("postgres", nil)
	req.UID, req.ID, req.SourceWorkload = "postgres.default#9lives.main-db", "9lives.main-db", "9lives"
	res := k8sProvision(t, req)
	k8sWantOutputs(t, res, map[string]any{"database": "db_9lives_main_db", "username": "db_9lives_main_db"})
}

// A score-k8s state.yaml adopted by terraform import keeps its names and passwords.
func TestKubernetesBuiltinAdoptsScoreK8sState(t *testing.T) {
	req := k8sRequest("postgres", nil)
	req.Prior = Stored{GUID: "c2f51890-0787-40d8-0b1e-000000000000", State: map[string]any{
		"service": "pg-web-c2f51890", "database": "db-AbCdEfGh", "username": "user-AbCdEfGh", "password": "s3cret",
	}}
	res := k8sProvision(t, req)
	k8sWantOutputs(t, res, map[string]any{
		"host": "pg-web-c2f51890", "database": "db-AbCdEfGh", "name": "db-AbCdEfGh", "username": "user-AbCdEfGh", "password": "s3cret",
		"url": "postgresql://user-AbCdEfGh:s3cret@pg-web-c2f51890:5432/db-AbCdEfGh",
	})
}

// --- helpers ---

func k8sWantOutputs(t *testing.T, res *Result, want map[string]any) {
	t.Helper()
	for k, v := range want {
		if !reflect.DeepEqual(res.Outputs[k], v) {
			t.Errorf("output %s = %#v, want %#v", k, res.Outputs[k], v)
		}
	}
}

func k8sWantName(t *testing.T, v any, prefix string) {
	t.Helper()
	s, _ := v.(string)
	if !regexp.MustCompile("^" + regexp.QuoteMeta(prefix) + "[0-9a-f]{6}$").MatchString(s) {
		t.Errorf("name %q, want %s<6 hex>", s, prefix)
	}
}

func k8sStrictJSON(t *testing.T, v any, into any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("decoding %s into %T: %v", raw, into, err)
	}
}

func k8sJSON(v any) string {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(raw)
}

func k8sRoundTrip(t *testing.T, s Stored) Stored {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out Stored
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// k8sNormalized is v as JSON sees it, so int and float64 compare equal.
func k8sNormalized(t *testing.T, v any) any {
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

func k8sContainsValue(m map[string]any, s string) bool {
	for _, v := range m {
		if v == s {
			return true
		}
	}
	return false
}

func k8sKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func k8sSorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

package kubernetes_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

func ooObj(apiVersion, kind, name string, extra map[string]any) map[string]any {
	o := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}}
	for k, v := range extra {
		o[k] = v
	}
	return o
}

func ooDeployment(name, image string) map[string]any {
	return ooObj("apps/v1", "Deployment", name, map[string]any{"spec": map[string]any{
		"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
		"template": map[string]any{
			"metadata": map[string]any{"labels": map[string]any{"app": name}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": "main", "image": image}}},
		},
	}})
}

func ooKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestKey(t *testing.T) {
	for _, c := range []struct {
		obj  map[string]any
		want string
	}{
		{ooObj("v1", "Secret", "x", map[string]any{"metadata": map[string]any{"name": "x", "namespace": "ns"}}), "core/v1/Secret/ns/x"},
		{ooObj("apps/v1", "Deployment", "x", nil), "apps/v1/Deployment/_/x"},
		{ooObj("gateway.networking.k8s.io/v1", "HTTPRoute", "r", nil), "gateway.networking.k8s.io/v1/HTTPRoute/_/r"},
		{map[string]any{}, "core///_/"},
	} {
		if got := kubernetes.Key(c.obj); got != c.want {
			t.Errorf("Key = %q, want %q", got, c.want)
		}
	}
}

func TestEncodeNamespaces(t *testing.T) {
	objs := []map[string]any{
		ooDeployment("web", "nginx"),
		ooObj("v1", "Namespace", "shop", nil),
		ooObj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader", nil),
		ooObj("v1", "ConfigMap", "cfg", map[string]any{"data": map[string]any{"a": "b"}}),
		ooObj("gateway.networking.k8s.io/v1", "HTTPRoute", "r", map[string]any{"spec": map[string]any{}}),
		ooObj("v1", "Service", "other-ns", map[string]any{"metadata": map[string]any{"name": "other-ns", "namespace": "elsewhere"}}),
	}
	out, err := kubernetes.Encode(objs, "shop", secret.Values{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"apps/v1/Deployment/shop/web",
		"core/v1/ConfigMap/shop/cfg",
		"core/v1/Namespace/_/shop",
		"core/v1/Service/elsewhere/other-ns",
		"gateway.networking.k8s.io/v1/HTTPRoute/shop/r",
		"rbac.authorization.k8s.io/v1/ClusterRole/_/reader",
	}
	if got := ooKeys(out.Manifests); !reflect.DeepEqual(got, want) {
		t.Errorf("keys:\n got  %v\n want %v", got, want)
	}
	if len(out.Secrets) != 0 {
		t.Errorf("secrets: %v", out.Secrets)
	}
	if !strings.Contains(out.Manifests["apps/v1/Deployment/shop/web"], "namespace: shop") {
		t.Errorf("namespace not set:\n%s", out.Manifests["apps/v1/Deployment/shop/web"])
	}
	for _, k := range []string{"core/v1/Namespace/_/shop", "rbac.authorization.k8s.io/v1/ClusterRole/_/reader"} {
		if strings.Contains(out.Manifests[k], "namespace:") {
			t.Errorf("%s got a namespace:\n%s", k, out.Manifests[k])
		}
	}

	// No namespace configured: objects keep theirs, keys use "_".
	out, err = kubernetes.Encode([]map[string]any{ooDeployment("web", "nginx"), ooObj("v1", "Secret", "s", map[string]any{"metadata": map[string]any{"name": "s", "namespace": "ns"}})}, "", secret.Values{})
	if err != nil {
		t.Fatal(err)
	}
	if got := append(ooKeys(out.Manifests), ooKeys(out.Secrets)...); !reflect.DeepEqual(got, []string{"apps/v1/Deployment/_/web", "core/v1/Secret/ns/s"}) {
		t.Errorf("keys without namespace: %v", got)
	}
}

func TestEncodeSecretsAreKeptApart(t *testing.T) {
	const password = "s3cr3t-P4ssw0rd"
	objs := []map[string]any{
		ooObj("v1", "Secret", "pg", map[string]any{"stringData": map[string]any{"password": password}}),
		ooObj("v1", "Secret", "empty", nil),
		ooObj("v1", "ConfigMap", "with-secret", map[string]any{"data": map[string]any{"url": "postgres://u:" + password + "@pg/db"}}),
		ooObj("v1", "ConfigMap", "plain", map[string]any{"data": map[string]any{"host": "pg"}}),
		ooDeployment("web", "nginx"),
	}
	out, err := kubernetes.Encode(objs, "ns", secret.NewValues("", password))
	if err != nil {
		t.Fatal(err)
	}
	if got := ooKeys(out.Secrets); !reflect.DeepEqual(got, []string{"core/v1/ConfigMap/ns/with-secret", "core/v1/Secret/ns/empty", "core/v1/Secret/ns/pg"}) {
		t.Errorf("secret keys %v", got)
	}
	if got := ooKeys(out.Manifests); !reflect.DeepEqual(got, []string{"apps/v1/Deployment/ns/web", "core/v1/ConfigMap/ns/plain"}) {
		t.Errorf("manifest keys %v", got)
	}
	for k, v := range out.Manifests {
		if strings.Contains(v, password) {
			t.Errorf("%s holds the secret", k)
		}
	}
}

// Regression: an object holding a secret value stays in Manifests (a non-sensitive attribute) when
// YAML does not write the value verbatim. Encode looks for each secret value as a substring of
// the encoded YAML text, but YAML escapes or folds some strings: a value with a newline is
// written as a block scalar ("|-" and indented lines), one with a tab or another control
// character inside double quotes with escapes ("tab\there"), one with "': " inside single
// quotes with the inner quote doubled, and a value longer than ~80 characters
// with spaces is folded over several lines. Here a ConfigMap holding such secret values lands in
// Manifests, so the secret leaks into plan output. (Checking the decoded object's strings, or
// the JSON of the object, would not miss them.)
func TestEncodeSecretDetectionSurvivesYAMLQuoting(t *testing.T) {
	for _, value := range []string{
		"line1\nline2",
		"it's: quoted",
		"tab\there",
		`back\slash "quoted"`,
		"bell\a",
		"trailing space ",
		strings.Repeat("long words ", 12) + "end",
	} {
		objs := []map[string]any{ooObj("v1", "ConfigMap", "cfg", map[string]any{"data": map[string]any{"value": value}})}
		out, err := kubernetes.Encode(objs, "ns", secret.NewValues(value))
		if err != nil {
			t.Fatal(err)
		}
		if m, leaked := out.Manifests["core/v1/ConfigMap/ns/cfg"]; leaked {
			t.Errorf("secret %q: the object holding it is in Manifests:\n%s", value, m)
		}
	}
}

func TestEncodeDuplicates(t *testing.T) {
	// Identical objects merge into one.
	out, err := kubernetes.Encode([]map[string]any{ooDeployment("web", "nginx"), ooDeployment("web", "nginx")}, "ns", secret.Values{})
	if err != nil || len(out.Manifests) != 1 {
		t.Errorf("identical duplicates: %v, %v", out.Manifests, err)
	}
	out, err = kubernetes.Encode([]map[string]any{ooObj("v1", "Secret", "s", nil), ooObj("v1", "Secret", "s", nil)}, "ns", secret.Values{})
	if err != nil || len(out.Secrets) != 1 {
		t.Errorf("identical secrets: %v, %v", out.Secrets, err)
	}
	// Different objects with one identity are an error.
	_, err = kubernetes.Encode([]map[string]any{ooDeployment("web", "nginx"), ooDeployment("web", "httpd")}, "ns", secret.Values{})
	if err == nil || !strings.Contains(err.Error(), "two different objects have the same identity apps/v1/Deployment/ns/web") {
		t.Errorf("different duplicates: %v", err)
	}
	// Also when one of them holds a secret (and so is in the other map).
	_, err = kubernetes.Encode([]map[string]any{
		ooObj("v1", "ConfigMap", "c", map[string]any{"data": map[string]any{"a": "public"}}),
		ooObj("v1", "ConfigMap", "c", map[string]any{"data": map[string]any{"a": "hidden"}}),
	}, "", secret.NewValues("hidden"))
	if err == nil || !strings.Contains(err.Error(), "core/v1/ConfigMap/_/c") {
		t.Errorf("duplicates across maps: %v", err)
	}
	// The same name in two namespaces or two kinds is fine.
	cm := ooObj("v1", "ConfigMap", "x", map[string]any{"metadata": map[string]any{"name": "x", "namespace": "a"}})
	cm2 := ooObj("v1", "ConfigMap", "x", map[string]any{"metadata": map[string]any{"name": "x", "namespace": "b"}})
	out, err = kubernetes.Encode([]map[string]any{cm, cm2, ooObj("v1", "Service", "x", map[string]any{"metadata": map[string]any{"name": "x", "namespace": "a"}})}, "", secret.Values{})
	if err != nil || len(out.Manifests) != 3 {
		t.Errorf("distinct identities: %v, %v", ooKeys(out.Manifests), err)
	}
}

func TestEncodeInvalidObjects(t *testing.T) {
	bad := ooDeployment("web", "nginx")
	bad["spec"].(map[string]any)["replicaz"] = 2
	wrongType := ooDeployment("web2", "nginx")
	wrongType["spec"].(map[string]any)["replicas"] = "two"
	for _, c := range []struct {
		name  string
		obj   map[string]any
		wants []string
	}{
		{"unknown field", bad, []string{"object 1", "apps/v1 Deployment", `"web"`, "not a valid object", "replicaz"}},
		{"wrong type", wrongType, []string{"object 1", "apps/v1 Deployment", "not a valid object"}},
		{"no kind", map[string]any{"apiVersion": "v1", "metadata": map[string]any{"name": "x"}}, []string{"object 1", "apiVersion and kind"}},
		{"no name", map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}, []string{"object 1", "metadata.name is required"}},
		{"metadata not a mapping", map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": "x"}, []string{"object 1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := kubernetes.Encode([]map[string]any{ooObj("v1", "ConfigMap", "ok", nil), c.obj}, "ns", secret.Values{})
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	build := func(reverse bool) []map[string]any {
		data := map[string]any{}
		names := []string{"zeta", "alpha", "mid", "beta"}
		if reverse {
			for i := len(names) - 1; i >= 0; i-- {
				data[names[i]] = names[i]
			}
		} else {
			for _, n := range names {
				data[n] = n
			}
		}
		return []map[string]any{ooObj("v1", "ConfigMap", "c", map[string]any{"data": data}), ooDeployment("web", "nginx")}
	}
	a, err := kubernetes.Encode(build(false), "ns", secret.Values{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		b, err := kubernetes.Encode(build(i%2 == 0), "ns", secret.Values{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("not deterministic:\n%v\n%v", a, b)
		}
	}
	cm := a.Manifests["core/v1/ConfigMap/ns/c"]
	want := "apiVersion: v1\ndata:\n  alpha: alpha\n  beta: beta\n  mid: mid\n  zeta: zeta\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ns\n"
	if cm != want {
		t.Errorf("ConfigMap YAML:\n%s\nwant\n%s", cm, want)
	}
	// Each value is one YAML document that decodes back to the object.
	for k, v := range a.Manifests {
		var back map[string]any
		if err := yaml.UnmarshalStrict([]byte(v), &back); err != nil || back["kind"] == nil {
			t.Errorf("%s does not decode: %v", k, err)
		}
		if strings.Contains(v, "\n---") {
			t.Errorf("%s holds more than one document", k)
		}
	}
}

func TestEncodeNothing(t *testing.T) {
	out, err := kubernetes.Encode(nil, "ns", secret.Values{})
	if err != nil || out.Manifests == nil || out.Secrets == nil || len(out.Manifests)+len(out.Secrets) != 0 {
		t.Errorf("Encode(nil) = %+v, %v", out, err)
	}
}

// TestEncodeScope: a namespace a provisioner wrote is kept; known cluster-scoped kinds (by group
// and kind, CRDs of well-known projects included) get none; the cluster-scoped annotation decides
// for other kinds and is removed; every object still passes validation.
func TestEncodeScope(t *testing.T) {
	ann := func(v string) map[string]any {
		return map[string]any{"annotations": map[string]any{kubernetes.ClusterScopedAnnotation: v, "keep": "me"}}
	}
	named := func(name string, meta map[string]any) map[string]any {
		meta["name"] = name
		return map[string]any{"metadata": meta}
	}
	objs := []map[string]any{
		ooObj("v1", "ConfigMap", "there", map[string]any{"metadata": map[string]any{"name": "there", "namespace": "elsewhere"}}),
		ooObj("cert-manager.io/v1", "ClusterIssuer", "letsencrypt", map[string]any{"spec": map[string]any{"acme": map[string]any{}}}),
		ooObj("cert-manager.io/v1", "Issuer", "local", nil),
		ooObj("external-secrets.io/v1beta1", "ClusterSecretStore", "vault", nil),
		ooObj("kyverno.io/v1", "ClusterPolicy", "require-labels", nil),
		ooObj("pkg.crossplane.io/v1", "Provider", "provider-aws-s3", nil),
		ooObj("apiextensions.crossplane.io/v1", "Composition", "bucket", nil),
		ooObj("aws.upbound.io/v1beta1", "ProviderConfig", "default", nil),
		ooObj("s3.aws.upbound.io/v1beta1", "Bucket", "legacy-bucket", nil),
		ooObj("s3.aws.m.upbound.io/v1beta1", "Bucket", "v2-bucket", nil),
		ooObj("protection.crossplane.io/v1beta1", "Usage", "in-use", nil),
		ooObj("gateway.networking.k8s.io/v1", "GatewayClass", "envoy", map[string]any{"spec": map[string]any{"controllerName": "x.io/gw"}}),
		ooObj("networking.k8s.io/v1", "IngressClass", "nginx", nil),
		ooObj("example.com/v1", "Tenant", "acme", named("acme", ann("true"))),
		ooObj("example.com/v1", "Widget", "w", named("w", ann("false"))),
		ooObj("example.com/v1", "Gadget", "g", nil),
		// A Provider outside Crossplane's group is nothing known.
		ooObj("example.com/v1", "Provider", "p", nil),
	}
	out, err := kubernetes.Encode(objs, "shop", secret.Values{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"apiextensions.crossplane.io/v1/Composition/_/bucket",
		"aws.upbound.io/v1beta1/ProviderConfig/_/default",
		"cert-manager.io/v1/ClusterIssuer/_/letsencrypt",
		"cert-manager.io/v1/Issuer/shop/local",
		"core/v1/ConfigMap/elsewhere/there",
		"example.com/v1/Gadget/shop/g",
		"example.com/v1/Provider/shop/p",
		"example.com/v1/Tenant/_/acme",
		"example.com/v1/Widget/shop/w",
		"external-secrets.io/v1beta1/ClusterSecretStore/_/vault",
		"gateway.networking.k8s.io/v1/GatewayClass/_/envoy",
		"kyverno.io/v1/ClusterPolicy/_/require-labels",
		"networking.k8s.io/v1/IngressClass/_/nginx",
		"pkg.crossplane.io/v1/Provider/_/provider-aws-s3",
		"protection.crossplane.io/v1beta1/Usage/shop/in-use",
		"s3.aws.m.upbound.io/v1beta1/Bucket/shop/v2-bucket",
		"s3.aws.upbound.io/v1beta1/Bucket/_/legacy-bucket",
	}
	if got := ooKeys(out.Manifests); !reflect.DeepEqual(got, want) {
		t.Errorf("keys:\n got  %v\n want %v", got, want)
	}
	for k, text := range out.Manifests {
		if strings.Contains(k, "/_/") && strings.Contains(text, "namespace:") {
			t.Errorf("%s got a namespace:\n%s", k, text)
		}
		if strings.Contains(text, kubernetes.ClusterScopedAnnotation) {
			t.Errorf("%s keeps the cluster-scoped annotation:\n%s", k, text)
		}
	}
	if tenant := out.Manifests["example.com/v1/Tenant/_/acme"]; !strings.Contains(tenant, "keep: me") {
		t.Errorf("the other annotations must stay:\n%s", tenant)
	}

	// The annotation alone is removed with its map; a bad value is an error.
	out, err = kubernetes.Encode([]map[string]any{ooObj("example.com/v1", "Tenant", "t", map[string]any{"metadata": map[string]any{
		"name": "t", "annotations": map[string]any{kubernetes.ClusterScopedAnnotation: "true"},
	}})}, "shop", secret.Values{})
	if err != nil || out.Manifests["example.com/v1/Tenant/_/t"] != "apiVersion: example.com/v1\nkind: Tenant\nmetadata:\n  name: t\n" {
		t.Errorf("err %v manifests %v", err, out.Manifests)
	}
	_, err = kubernetes.Encode([]map[string]any{ooObj("example.com/v1", "Tenant", "t", named("t", ann("yes")))}, "shop", secret.Values{})
	if err == nil || !strings.Contains(err.Error(), kubernetes.ClusterScopedAnnotation) {
		t.Errorf("a bad annotation value: err %v", err)
	}
}

// Two resources giving one key different objects are an error naming both, unless both keep a
// shared instance (the last writer wins); identical objects from two owners are one.
func TestObjectsOwners(t *testing.T) {
	cm := func(data string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "shared"}, "data": map[string]any{"k": data}}
	}
	objs := kubernetes.NewObjects()
	if err := objs.AddResource("a.default#x", []map[string]any{cm("1")}, false); err != nil {
		t.Fatal(err)
	}
	if err := objs.AddResource("b.default#y", []map[string]any{cm("1")}, false); err != nil {
		t.Errorf("identical objects: %v", err)
	}
	err := objs.AddResource("c.default#z", []map[string]any{cm("2")}, false)
	if err == nil || !strings.Contains(err.Error(), "resource 'b.default#y' and resource 'c.default#z' both define core/v1/ConfigMap/_/shared, differently") {
		t.Errorf("err = %v", err)
	}
	shared := kubernetes.NewObjects()
	for i, data := range []string{"1", "2"} {
		if err := shared.AddResource(fmt.Sprintf("s.default#%d", i), []map[string]any{cm(data)}, true); err != nil {
			t.Fatal(err)
		}
	}
	out, err := shared.Encode("", secret.Values{})
	if err != nil || !strings.Contains(out.Manifests["core/v1/ConfigMap/_/shared"], "k: \"2\"") {
		t.Errorf("shared instance: %v %v", err, out.Manifests)
	}
	if err := shared.AddWorkload("w", []map[string]any{cm("3")}); err == nil || !strings.Contains(err.Error(), `resource 's.default#1' and workload "w" both define`) {
		t.Errorf("a workload object differing from a resource's: %v", err)
	}
}

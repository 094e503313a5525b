package kubernetes

import (
	"reflect"
	"testing"
)

// TestObjectsList: the order patch templates see (.Manifests): resources' objects as added, an
// object added again moved to the end (score-k8s's dedupe), each workload's objects in its own
// order, the generated Namespace first; namespaced objects get the namespace, cluster-scoped
// ones (by kind or by annotation) do not.
func TestObjectsList(t *testing.T) {
	obj := func(apiVersion, kind, name string) map[string]any {
		return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": map[string]any{"name": name}}
	}
	crd := obj("example.com/v1", "Widget", "w")
	crd["metadata"].(map[string]any)["annotations"] = map[string]any{ClusterScopedAnnotation: "true"}
	o := NewObjects()
	if err := o.AddResource("a", []map[string]any{obj("v1", "Secret", "shared"), obj("v1", "Service", "db")}, true); err != nil {
		t.Fatal(err)
	}
	if err := o.AddResource("b", []map[string]any{obj("v1", "Secret", "shared"), crd}, true); err != nil {
		t.Fatal(err)
	}
	if err := o.AddWorkload("web", []map[string]any{obj("apps/v1", "Deployment", "web"), obj("v1", "Service", "web"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "r")}); err != nil {
		t.Fatal(err)
	}
	o.AddNamespace("shop")
	var got []string
	for _, m := range o.List("shop") {
		got = append(got, Key(m))
	}
	want := []string{
		"core/v1/Namespace/_/shop", "core/v1/Service/shop/db", "core/v1/Secret/shop/shared", "example.com/v1/Widget/_/w",
		"apps/v1/Deployment/shop/web", "core/v1/Service/shop/web", "rbac.authorization.k8s.io/v1/ClusterRole/_/r",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("List:\n got %q\nwant %q", got, want)
	}
}

package kube_test

import (
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
)

func deployment() map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       "Deployment",
		"metadata":   map[string]any{"name": "web", "labels": map[string]any{"app": "web"}},
		"spec": map[string]any{
			"replicas": 2,
			"selector": map[string]any{"matchLabels": map[string]any{"app": "web"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "web"}},
				"spec": map[string]any{
					"containers": []any{map[string]any{
						"name":      "web",
						"image":     "nginx",
						"ports":     []any{map[string]any{"containerPort": 8080}},
						"resources": map[string]any{"limits": map[string]any{"cpu": "500m", "memory": "128Mi"}},
					}},
				},
			},
		},
	}
}

func TestValidate(t *testing.T) {
	edit := func(change func(obj map[string]any)) map[string]any {
		obj := deployment()
		change(obj)
		return obj
	}
	container := func(obj map[string]any) map[string]any {
		return obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	}
	for _, c := range []struct {
		name string
		obj  map[string]any
		want string // "" when valid
	}{
		{"valid", deployment(), ""},
		{"unknown kind is only checked for identity", map[string]any{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": map[string]any{"name": "r"}, "spec": "anything"}, ""},
		{"unparsable apiVersion is an unknown kind", map[string]any{"apiVersion": "a/b/c", "kind": "X", "metadata": map[string]any{"name": "x"}}, ""},
		{"missing kind", map[string]any{"apiVersion": "v1", "metadata": map[string]any{"name": "x"}}, "an object needs apiVersion and kind"},
		{"missing name", map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{}}, "v1 ConfigMap: metadata.name is required"},
		{"unknown field", edit(func(o map[string]any) { o["spec"].(map[string]any)["replicaz"] = 1 }), `unknown field "spec.replicaz"`},
		{"unknown nested field", edit(func(o map[string]any) { container(o)["imagePullPolicyz"] = "Always" }), `unknown field "spec.template.spec.containers[0].imagePullPolicyz"`},
		{"field names are case-sensitive", edit(func(o map[string]any) { o["spec"].(map[string]any)["Replicas"] = 1 }), `unknown field "spec.Replicas"`},
		{"wrong type", edit(func(o map[string]any) { o["spec"].(map[string]any)["replicas"] = "two" }), `apps/v1 Deployment "web" is not a valid object`},
		{"bad quantity", edit(func(o map[string]any) {
			container(o)["resources"] = map[string]any{"limits": map[string]any{"cpu": "lots"}}
		}), `is not a valid object`},
		{"port out of int32 range", edit(func(o map[string]any) {
			container(o)["ports"] = []any{map[string]any{"containerPort": 1 << 40}}
		}), `is not a valid object`},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := kube.Validate(c.obj)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("no error, want one containing %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	for _, c := range []struct {
		apiVersion, kind string
		want             bool
	}{
		{"v1", "Secret", true},
		{"apps/v1", "StatefulSet", true},
		{"batch/v1", "CronJob", true},
		{"networking.k8s.io/v1", "Ingress", true},
		{"gateway.networking.k8s.io/v1", "HTTPRoute", false},
		{"v1", "Nonsense", false},
		{"a/b/c", "Secret", false},
	} {
		if got := kube.Known(c.apiVersion, c.kind); got != c.want {
			t.Errorf("Known(%q, %q) = %v, want %v", c.apiVersion, c.kind, got, c.want)
		}
	}
}

func BenchmarkValidateDeployment(b *testing.B) {
	obj := deployment()
	b.ReportAllocs()
	for b.Loop() {
		if err := kube.Validate(obj); err != nil {
			b.Fatal(err)
		}
	}
}

package engine

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Every template of score-spec/community-patchers (testdata/community-patchers, copied
// unchanged) as a patch template: what it changes, and that everything else is byte for byte
// what the render gives without it. Per-workload patchers run on score_workload renders
// (RenderWorkload); the project-wide ones (namespace-*, delete-default-manifests,
// backstage-catalog-entities) on a project (RenderProject).

// ptWeb is a workload with two containers, a service port, a secret variable from a postgres
// provisioned inside it (a StatefulSet, a Service and a Secret that patchers must leave alone)
// and a Dapr annotation.
const ptWeb = `apiVersion: score.dev/v1b1
metadata:
  name: web
  annotations:
    dapr.io/enabled: "true"
    dapr.io/app-id: web
    dapr.io/app-port: "8080"
    tags: frontend,shop
containers:
  main:
    image: nginx
    variables:
      DB_PASSWORD: ${resources.db.password}
    files:
      /etc/app.conf:
        content: "mode=prod"
  sidecar:
    image: busybox
service:
  ports:
    http: {port: 80, targetPort: 8080}
resources:
  db:
    type: postgres
`

// ptWorker has no service port (no Service) and shares a redis by id.
const ptWorker = `apiVersion: score.dev/v1b1
metadata: {name: worker}
containers:
  main: {image: busybox}
resources:
  cache:
    type: redis
    id: shared-cache
`

// ptCommunity is a community patcher's text.
func ptCommunity(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "community-patchers", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// ptSettings are wlSettings with the provider's patch templates.
func ptSettings(tb testing.TB, target targets.Target, patches ...string) Settings {
	tb.Helper()
	s := wlSettings(tb, target, "")
	for _, p := range patches {
		if err := s.AddPatchTemplate(p); err != nil {
			tb.Fatalf("AddPatchTemplate: %v", err)
		}
	}
	return s
}

// ptRenderWorkload renders text with the provider's patches (none: unpatched).
func ptRenderWorkload(tb testing.TB, target targets.Target, text string, patches ...string) *Workload {
	tb.Helper()
	out, err := RenderWorkload(context.Background(), ptSettings(tb, target, patches...),
		WorkloadRequest{Workload: wlLoadText(tb, text), Random: wlRandom(7)})
	if err != nil {
		tb.Fatalf("RenderWorkload(%s): %v", target, err)
	}
	return out
}

// ptRenderProject renders the workloads as a project with the project's patches.
func ptRenderProject(tb testing.TB, target targets.Target, req ProjectRequest, texts ...string) *Project {
	tb.Helper()
	out, err := ptRenderProjectErr(tb, target, req, texts...)
	if err != nil {
		tb.Fatalf("RenderProject(%s): %v", target, err)
	}
	return out
}

func ptRenderProjectErr(tb testing.TB, target targets.Target, req ProjectRequest, texts ...string) (*Project, error) {
	tb.Helper()
	for _, text := range texts {
		req.Workloads = append(req.Workloads, wlLoadText(tb, text))
	}
	req.Random = wlRandom(7)
	return RenderProject(context.Background(), wlSettings(tb, target, ""), req)
}

// ptAll is every manifest, secret or not, by key.
func ptAll(a Artifacts) map[string]string {
	out := maps.Clone(a.Manifests)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, a.SecretManifests)
	return out
}

// ptDecode decodes one YAML document.
func ptDecode(tb testing.TB, text string) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(text), &m); err != nil {
		tb.Fatalf("%v\n%s", err, text)
	}
	return m
}

// ptDiff compares two renders' manifests: keys only in before, only in after, and changed.
func ptDiff(before, after map[string]string) (removed, added, changed []string) {
	for k, v := range before {
		a, ok := after[k]
		switch {
		case !ok:
			removed = append(removed, k)
		case a != v:
			changed = append(changed, k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			added = append(added, k)
		}
	}
	slices.Sort(removed)
	slices.Sort(added)
	slices.Sort(changed)
	return removed, added, changed
}

// ptExpectDiff checks exactly which manifests a patch removed, added and changed.
func ptExpectDiff(tb testing.TB, before, after map[string]string, removed, added, changed []string) {
	tb.Helper()
	r, a, c := ptDiff(before, after)
	for _, x := range []struct {
		what      string
		got, want []string
	}{{"removed", r, removed}, {"added", a, added}, {"changed", c, changed}} {
		if !slices.Equal(x.got, x.want) && (len(x.got) > 0 || len(x.want) > 0) {
			tb.Errorf("%s: got %q, want %q", x.what, x.got, x.want)
		}
	}
}

// dig follows keys (and list indices as ints) into a decoded document.
func ptDig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func ptEqual(tb testing.TB, what string, got, want any) {
	tb.Helper()
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

const (
	ptDeployment = "apps/v1/Deployment/demo/web"
	ptService    = "core/v1/Service/demo/web"
)

func TestCommunityK8sUnprivileged(t *testing.T) {
	before := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
	after := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptCommunity(t, "score-k8s/unprivileged.tpl"))
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), nil, nil, []string{ptDeployment})
	d := ptDecode(t, after.Manifests[ptDeployment])
	pod := ptDig(d, "spec", "template", "spec")
	ptEqual(t, "automountServiceAccountToken", ptDig(pod, "automountServiceAccountToken"), false)
	ptEqual(t, "pod securityContext", ptDig(pod, "securityContext"), map[string]any{
		"fsGroup": 65532, "runAsGroup": 65532, "runAsNonRoot": true, "runAsUser": 65532,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	})
	for i := range 2 {
		ptEqual(t, "container securityContext", ptDig(pod, "containers", i, "securityContext"), map[string]any{
			"allowPrivilegeEscalation": false, "privileged": false, "readOnlyRootFilesystem": true,
			"capabilities": map[string]any{"drop": []any{"ALL"}},
		})
	}
	// The postgres StatefulSet is no Deployment: untouched (checked by ptExpectDiff).
}

func TestCommunityK8sServiceAccount(t *testing.T) {
	before := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
	after := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptCommunity(t, "score-k8s/service-account.tpl"))
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), nil, []string{"core/v1/ServiceAccount/demo/web"}, []string{ptDeployment})
	ptEqual(t, "serviceAccountName", ptDig(ptDecode(t, after.Manifests[ptDeployment]), "spec", "template", "spec", "serviceAccountName"), "web")
	sa := ptDecode(t, after.Manifests["core/v1/ServiceAccount/demo/web"])
	ptEqual(t, "ServiceAccount", sa, map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "web", "namespace": "demo"}})
}

func TestCommunityK8sServiceAccountAdmin(t *testing.T) {
	before := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
	after := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptCommunity(t, "score-k8s/service-account-admin.tpl"))
	crb := "rbac.authorization.k8s.io/v1/ClusterRoleBinding/_/web-cluster-admin"
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), nil,
		[]string{"core/v1/ServiceAccount/demo/web", crb}, []string{ptDeployment})
	b := ptDecode(t, after.Manifests[crb])
	ptEqual(t, "ClusterRoleBinding namespace", ptDig(b, "metadata", "namespace"), nil)
	ptEqual(t, "subject", ptDig(b, "subjects", 0), map[string]any{"kind": "ServiceAccount", "name": "web", "namespace": "demo"})
	ptEqual(t, "roleRef", ptDig(b, "roleRef", "name"), "cluster-admin")
}

func TestCommunityK8sStatefulSet(t *testing.T) {
	before := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
	after := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptCommunity(t, "score-k8s/statefulset.tpl"))
	// The kind changes the key; the postgres StatefulSet (not a workload Deployment) is untouched.
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), []string{ptDeployment}, []string{"apps/v1/StatefulSet/demo/web"}, nil)
	s := ptDecode(t, after.Manifests["apps/v1/StatefulSet/demo/web"])
	d := ptDecode(t, before.Manifests[ptDeployment])
	ptEqual(t, "spec", s["spec"], d["spec"])
}

func TestCommunityK8sKnativeService(t *testing.T) {
	before := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
	after := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptCommunity(t, "score-k8s/knative-service.tpl"))
	ksvc := "serving.knative.dev/v1/Service/demo/web"
	// The workload's Service is deleted and its Deployment becomes a Knative Service (a kind the
	// provider does not know: it passes through). In upstream's order the Service comes before
	// the Deployment, so the deletion shifts the index the template computed; here the
	// Deployment comes first, so the template does what it means.
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), []string{ptDeployment, ptService}, []string{ksvc}, nil)
	k := ptDecode(t, after.Manifests[ksvc])
	ptEqual(t, "apiVersion", k["apiVersion"], "serving.knative.dev/v1")
	ptEqual(t, "selector", ptDig(k, "spec", "selector"), nil)
	ptEqual(t, "template", ptDig(k, "spec", "template"), ptDig(ptDecode(t, before.Manifests[ptDeployment]), "spec", "template"))
}

func TestCommunityK8sNamespacePatchers(t *testing.T) {
	req := ProjectRequest{Namespace: "shop", GenerateNamespace: true}
	before := ptRenderProject(t, targets.Kubernetes, req, ptWeb, ptWorker)
	ns := "core/v1/Namespace/_/shop"
	if _, ok := before.Manifests[ns]; !ok {
		t.Fatalf("no %s in %v", ns, slices.Sorted(maps.Keys(before.Manifests)))
	}
	t.Run("pss-restricted", func(t *testing.T) {
		r := req
		r.PatchTemplates = []string{ptCommunity(t, "score-k8s/namespace-pss-restricted.tpl")}
		after := ptRenderProject(t, targets.Kubernetes, r, ptWeb, ptWorker)
		ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), nil, nil, []string{ns})
		ptEqual(t, "label", ptDig(ptDecode(t, after.Manifests[ns]), "metadata", "labels", "pod-security.kubernetes.io/enforce"), "restricted")
		// Without a Namespace object, nothing changes.
		plain := ptRenderProject(t, targets.Kubernetes, ProjectRequest{Namespace: "shop"}, ptWeb, ptWorker)
		r.GenerateNamespace = false
		patched := ptRenderProject(t, targets.Kubernetes, r, ptWeb, ptWorker)
		ptExpectDiff(t, ptAll(plain.Artifacts), ptAll(patched.Artifacts), nil, nil, nil)
	})
	for _, tc := range []struct{ file, name string }{
		{"namespace-with-deny-all-netpol.tpl", "deny-all"},
		{"namespace-with-allow-ingress-within-namespace-netpol.tpl", "allow-ingress-within-namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := req
			r.PatchTemplates = []string{ptCommunity(t, "score-k8s/"+tc.file)}
			after := ptRenderProject(t, targets.Kubernetes, r, ptWeb, ptWorker)
			key := "networking.k8s.io/v1/NetworkPolicy/shop/" + tc.name
			ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts), nil, []string{key}, nil)
			if tc.name != "deny-all" {
				ptEqual(t, "namespace selector", ptDig(ptDecode(t, after.Manifests[key]), "spec", "ingress", 0, "from", 0,
					"namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"), "shop")
			}
		})
	}
}

func TestCommunityK8sDeleteDefaultManifests(t *testing.T) {
	before := ptRenderProject(t, targets.Kubernetes, ProjectRequest{}, ptWeb, ptWorker)
	after := ptRenderProject(t, targets.Kubernetes, ProjectRequest{
		PatchTemplates: []string{ptCommunity(t, "score-k8s/delete-default-manifests.tpl")},
	}, ptWeb, ptWorker)
	// The workloads' Deployments and the Service named after a workload go; everything else
	// (the postgres and redis objects, the workloads' ConfigMaps and Secrets) stays.
	ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts),
		[]string{ptDeployment, "apps/v1/Deployment/demo/worker", ptService}, nil, nil)
	if len(after.Manifests)+len(after.SecretManifests) < 5 {
		t.Errorf("too few objects left: %v", slices.Sorted(maps.Keys(ptAll(after.Artifacts))))
	}
}

func TestCommunityK8sBackstageCatalogEntities(t *testing.T) {
	after := ptRenderProject(t, targets.Kubernetes, ProjectRequest{
		Namespace: "shop", GenerateNamespace: true,
		PatchTemplates: []string{ptCommunity(t, "score-k8s/backstage-catalog-entities.tpl")},
	}, ptWeb, ptWorker)
	// Every rendered object is deleted; the catalog entities take their place. They are kinds the
	// provider does not know, with the namespace the template gives them (none).
	want := []string{
		"backstage.io/v1alpha1/Component/_/shop-web",
		"backstage.io/v1alpha1/Component/_/shop-worker",
		"backstage.io/v1alpha1/Resource/_/shared-cache",
		"backstage.io/v1alpha1/Resource/_/shop-web-db",
		"backstage.io/v1alpha1/System/_/shop",
	}
	ptEqual(t, "manifests", slices.Sorted(maps.Keys(ptAll(after.Artifacts))), want)
	web := ptDecode(t, after.Manifests["backstage.io/v1alpha1/Component/_/shop-web"])
	ptEqual(t, "tags", ptDig(web, "metadata", "tags"), []any{"frontend", "shop"})
	ptEqual(t, "dependsOn", ptDig(web, "spec", "dependsOn"), []any{"resource:shop-web-db"})
	ptEqual(t, "system", ptDig(web, "spec", "system"), "shop")
	worker := ptDecode(t, after.Manifests["backstage.io/v1alpha1/Component/_/shop-worker"])
	ptEqual(t, "dependsOn", ptDig(worker, "spec", "dependsOn"), []any{"resource:shared-cache"})
}

func TestCommunityComposeUnprivileged(t *testing.T) {
	for _, project := range []bool{false, true} {
		var before, after Artifacts
		if project {
			before = ptRenderProject(t, targets.Compose, ProjectRequest{}, ptWeb, ptWorker).Artifacts
			after = ptRenderProject(t, targets.Compose, ProjectRequest{PatchTemplates: []string{ptCommunity(t, "score-compose/unprivileged.tpl")}}, ptWeb, ptWorker).Artifacts
		} else {
			before = ptRenderWorkload(t, targets.Compose, ptWeb).Artifacts
			after = ptRenderWorkload(t, targets.Compose, ptWeb, ptCommunity(t, "score-compose/unprivileged.tpl")).Artifacts
		}
		b, a := ptDecode(t, before.ComposeYAML), ptDecode(t, after.ComposeYAML)
		services := ptDig(a, "services").(map[string]any)
		workloadServices := []string{"web-main", "web-sidecar"}
		if project {
			workloadServices = append(workloadServices, "worker-main")
		}
		for name, svc := range services {
			if slices.Contains(workloadServices, name) {
				ptEqual(t, name+".read_only", ptDig(svc, "read_only"), true)
				ptEqual(t, name+".user", ptDig(svc, "user"), "65532")
				ptEqual(t, name+".cap_drop", ptDig(svc, "cap_drop"), []any{"ALL"})
				m := maps.Clone(svc.(map[string]any))
				delete(m, "read_only")
				delete(m, "user")
				delete(m, "cap_drop")
				ptEqual(t, name+" otherwise", m, ptDig(b, "services", name))
				continue
			}
			// Resource services (postgres, redis) are untouched.
			ptEqual(t, name, svc, ptDig(b, "services", name))
		}
		ptEqual(t, "compose_env", after.ComposeEnv, before.ComposeEnv)
		wlCheckCompose(t, &Workload{Artifacts: after}, nil)
	}
}

func TestCommunityComposeDapr(t *testing.T) {
	before := ptRenderWorkload(t, targets.Compose, ptWeb)
	after := ptRenderWorkload(t, targets.Compose, ptWeb, ptCommunity(t, "score-compose/dapr.tpl"))
	b, a := ptDecode(t, before.ComposeYAML), ptDecode(t, after.ComposeYAML)
	services := ptDig(a, "services").(map[string]any)
	ptEqual(t, "services", slices.Sorted(maps.Keys(services)),
		[]string{"pg-web-db", "placement", "scheduler", "web-main", "web-main-sidecar", "web-sidecar", "web-sidecar-sidecar"})
	for _, name := range []string{"pg-web-db", "web-main", "web-sidecar"} {
		ptEqual(t, name, services[name], ptDig(b, "services", name))
	}
	sidecar := services["web-main-sidecar"]
	ptEqual(t, "network_mode", ptDig(sidecar, "network_mode"), "service:web-main")
	ptEqual(t, "command", ptDig(sidecar, "command", 1), "--app-id=web")
	ptEqual(t, "command", ptDig(sidecar, "command", 2), "--app-port=8080")
	ptEqual(t, "placement port", ptDig(services["placement"], "ports", 0), map[string]any{"target": 50006, "published": "50006"})
	// The bind sources (./dapr-etcd-data, the components directory) are the user's to create.
	if err := compose.Check(context.Background(), after.ComposeYAML, wlProject); err != nil {
		t.Error(err)
	}

	// A workload without the annotation gets no sidecar.
	plain := ptRenderWorkload(t, targets.Compose, "apiVersion: score.dev/v1b1\nmetadata: {name: worker}\ncontainers: {main: {image: busybox}}\n",
		ptCommunity(t, "score-compose/dapr.tpl"))
	ptEqual(t, "services", slices.Sorted(maps.Keys(ptDig(ptDecode(t, plain.ComposeYAML), "services").(map[string]any))),
		[]string{"placement", "scheduler", "worker-main"})
}

func TestCommunityComposeFixedServices(t *testing.T) {
	before := ptDecode(t, ptRenderWorkload(t, targets.Compose, ptWeb).ComposeYAML)
	for _, tc := range []struct {
		file, service, volume string
	}{{"microcks.tpl", "microcks", ""}, {"ollama.tpl", "ollama", "ollama_data"}} {
		t.Run(tc.file, func(t *testing.T) {
			out := ptRenderWorkload(t, targets.Compose, ptWeb, ptCommunity(t, "score-compose/"+tc.file))
			a := ptDecode(t, out.ComposeYAML)
			services := ptDig(a, "services").(map[string]any)
			if services[tc.service] == nil {
				t.Fatalf("no service %s:\n%s", tc.service, out.ComposeYAML)
			}
			delete(services, tc.service)
			ptEqual(t, "other services", services, ptDig(before, "services"))
			if tc.volume != "" {
				ptEqual(t, "volume", ptDig(a, "volumes", tc.volume), map[string]any{"name": "ollama_data", "driver": "local"})
			}
			wlCheckCompose(t, out, nil)
		})
	}
}

// TestCommunityPatchersAllCovered fails when the library gains a template no test above uses.
func TestCommunityPatchersAllCovered(t *testing.T) {
	covered := []string{
		"score-compose/dapr.tpl", "score-compose/microcks.tpl", "score-compose/ollama.tpl", "score-compose/unprivileged.tpl",
		"score-k8s/backstage-catalog-entities.tpl", "score-k8s/delete-default-manifests.tpl", "score-k8s/knative-service.tpl",
		"score-k8s/namespace-pss-restricted.tpl", "score-k8s/namespace-with-allow-ingress-within-namespace-netpol.tpl",
		"score-k8s/namespace-with-deny-all-netpol.tpl", "score-k8s/service-account-admin.tpl", "score-k8s/service-account.tpl",
		"score-k8s/statefulset.tpl", "score-k8s/unprivileged.tpl",
	}
	files, err := filepath.Glob(filepath.Join("testdata", "community-patchers", "*", "*.tpl"))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range files {
		found = append(found, strings.TrimPrefix(filepath.ToSlash(f), "testdata/community-patchers/"))
		if err := ParsePatchTemplate(ptCommunity(t, found[len(found)-1])); err != nil {
			t.Errorf("%s does not parse: %v", f, err)
		}
	}
	ptEqual(t, "templates", found, covered)
}

package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// ptManifestsList is a template that records what it sees as a ConfigMap: the order of
// .Manifests (kind/name), .Namespace and the names in .Workloads.
const ptManifestsList = `- op: set
  path: -1
  value:
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: seen, namespace: {{ .Namespace }}}
    data:
      namespace: {{ .Namespace | quote }}
      workloads: {{ keys .Workloads | sortAlpha | join "," | quote }}
      manifests: {{ range $i, $m := .Manifests }}{{ if $i }},{{ end }}{{ $m.kind }}/{{ $m.metadata.name }}{{ end }}
`

func ptSeen(tb testing.TB, a Artifacts) map[string]any {
	tb.Helper()
	text, ok := a.Manifests["core/v1/ConfigMap/demo/seen"]
	if !ok {
		tb.Fatalf("no ConfigMap seen in %v", slices.Sorted(maps.Keys(a.Manifests)))
	}
	return ptDecode(tb, text)["data"].(map[string]any)
}

// TestPatchManifestsOrder: each workload's Deployment comes before its other objects, after the
// resources' objects; .Workloads holds the one workload of a score_workload and every workload
// of a project; .Namespace is the namespace the objects get.
func TestPatchManifestsOrder(t *testing.T) {
	out := ptRenderWorkload(t, targets.Kubernetes, ptWeb, ptManifestsList)
	seen := ptSeen(t, out.Artifacts)
	ptEqual(t, "workloads", seen["workloads"], "web")
	ptEqual(t, "namespace", seen["namespace"], "demo")
	ptEqual(t, "manifests", seen["manifests"],
		"Secret/pg-web-db-b52c17,StatefulSet/pg-web-db-b52c17,Service/pg-web-db-b52c17,Deployment/web,Service/web,ConfigMap/web-main-files,Secret/web-main-env")

	project := ptRenderProject(t, targets.Kubernetes, ProjectRequest{Namespace: "shop", GenerateNamespace: true,
		PatchTemplates: []string{strings.ReplaceAll(ptManifestsList, "{{ .Namespace }}", "demo")}}, ptWorker, ptWeb)
	seen = ptSeen(t, project.Artifacts)
	ptEqual(t, "workloads", seen["workloads"], "web,worker")
	ptEqual(t, "namespace", seen["namespace"], "shop")
	got := seen["manifests"].(string)
	if !strings.HasPrefix(got, "Namespace/shop,") || !strings.Contains(got, ",Deployment/web,Service/web,ConfigMap/web-main-files,Secret/web-main-env,Deployment/worker") {
		t.Errorf("manifests order: %s", got)
	}
}

// TestPatchProviderThenProject: the provider's templates run first, then the project's, each
// seeing the previous result.
func TestPatchProviderThenProject(t *testing.T) {
	s := ptSettings(t, targets.Kubernetes, "- {op: set, path: 0.metadata.labels.order, value: provider}\n")
	out, err := RenderProject(context.Background(), s, ProjectRequest{
		Workloads:      []*loader.Workload{wlLoadText(t, ptWorker)},
		Random:         wlRandom(1),
		PatchTemplates: []string{"- {op: set, path: 0.metadata.labels.order, value: '{{ (index .Manifests 0).metadata.labels.order }}-project'}\n"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var first map[string]any
	for _, text := range ptAll(out.Artifacts) {
		if m := ptDecode(t, text); ptDig(m, "metadata", "labels", "order") != nil {
			first = m
		}
	}
	ptEqual(t, "label", ptDig(first, "metadata", "labels", "order"), "provider-project")
}

// TestPatchBadInput: every bad template is an error naming it (provider or project, by index)
// and, where there is one, the line.
func TestPatchBadInput(t *testing.T) {
	cases := []struct {
		name, template string
		want           []string
	}{
		{"syntax", "- op: set\n  path: x\n  value: {{ .Manifests \n", []string{"line 4: unclosed action started at line 3"}},
		{"unknown function", "{{ env \"HOME\" }}", []string{"line 1", `function "env" not defined`}},
		{"unknown field", "{{ .Compose.services }}", []string{"line 1", "no field .Compose", ".Manifests, .Namespace and .Workloads"}},
		{"fail", "\n{{ fail \"no way\" }}", []string{"line 2", "no way"}},
		{"random", "{{ randAlphaNum 8 }}", []string{"line 1", "no random source"}},
		{"not a list", "op: set\npath: a\nvalue: 1\n", []string{"not a list of operations"}},
		{"a scalar", "hello", []string{"the output is a string, not a list"}},
		{"invalid YAML", "- op: set\n  path: [\n", []string{"not a YAML or JSON list"}},
		{"two documents", "- {op: delete, path: 9}\n---\n- {op: delete, path: 9}\n", []string{"line 2 of its output", "more than one YAML document"}},
		{"unknown key", "- op: set\n  path: 0.kind\n  value: X\n- op: set\n  patch: x\n", []string{"operation 2 (line 4 of its output)", `unknown key "patch"`}},
		{"unknown op", "- {op: add, path: 0.kind, value: X}\n", []string{"operation 1", "unknown operation: add (set or delete)"}},
		{"no op", "- {path: 0.kind, value: X}\n", []string{"operation 1", "no op"}},
		{"no path", "- {op: delete}\n", []string{"operation 1", "no path"}},
		{"set without value", "- {op: set, path: 0.metadata.labels.x}\n", []string{"operation 1", "has no value", "value: null"}},
		{"path of a missing key", "- {op: delete, path: '{{ .Manifests }}.{{ (index .Manifests 0).nope }}'}\n", []string{"<no value>"}},
		{"bad path", "- {op: set, path: 0.kind.x, value: 1}\n- {op: set, path: 'a', value: 1}\n", []string{"operation 2", "cannot set array element for non-numeric key 'a'"}},
		{"query delete", "- {op: delete, path: '#.kind'}\n", []string{"cannot delete value from a complex path"}},
		{"padding", "- {op: set, path: 1000000, value: {}}\n", []string{"pad a list with"}},
		{"too many operations", "{{ range until 10001 }}- {op: delete, path: 99}\n{{ end }}", []string{"10001 operations, more than 10000"}},
		{"output over the limit", "{{ range until 5000 }}{{ repeat 1000 \"x\" }}{{ end }}", []string{"output exceeds 4194304 bytes"}},
		{"not an object", "- {op: set, path: 0, value: text}\n", []string{"manifest 0 is a string, not an object"}},
		{"padded with null", "- {op: set, path: 12, value: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}}\n", []string{"is null, not an object"}},
		{"invalid known kind", "- {op: set, path: '{{ range $i, $m := .Manifests }}{{ if eq $m.kind \"Deployment\" }}{{ $i }}{{ end }}{{ end }}.spec.replicas', value: three}\n",
			[]string{"after it, manifest", "apps/v1/Deployment/demo/web", "is not valid", "replicas"}},
		{"unknown kind without name", "- {op: set, path: -1, value: {apiVersion: serving.knative.dev/v1, kind: Service}}\n", []string{"metadata.name is required"}},
		{"duplicate", "- {op: set, path: -1, value: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}}\n- {op: set, path: -1, value: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}}\n",
			[]string{"two manifests are core/v1/ConfigMap/_/x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// As the provider's second template (the first does nothing).
			s := wlSettings(t, targets.Kubernetes, "")
			err := s.AddPatchTemplate("")
			if err == nil {
				err = s.AddPatchTemplate(tc.template)
			}
			if err == nil {
				_, err = RenderWorkload(context.Background(), s, WorkloadRequest{Workload: wlLoadText(t, ptWeb), Random: wlRandom(1)})
			}
			ptCheckPatchError(t, err, "provider patch_templates[1]", tc.want)
			// As a project's first template.
			_, err = ptRenderProjectErr(t, targets.Kubernetes, ProjectRequest{PatchTemplates: []string{tc.template}}, ptWeb)
			ptCheckPatchError(t, err, "patch_templates[0]", tc.want)
		})
	}
}

func ptCheckPatchError(tb testing.TB, err error, where string, want []string) {
	tb.Helper()
	var pe *PatchError
	if !errors.As(err, &pe) {
		tb.Fatalf("error %v (%T) is no PatchError", err, err)
	}
	if !strings.HasPrefix(err.Error(), where+": ") {
		tb.Errorf("error %q does not start with %q", err, where)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			tb.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// TestPatchComposeBadInput: compose output must still load with compose-go.
func TestPatchComposeBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, template string
		want           []string
	}{
		{"unknown key", "- {op: set, path: services.web-main.bogus, value: 1}\n", []string{"after it, the compose file is not valid", "bogus"}},
		{"dangling network_mode", "- {op: delete, path: services.web-main}\n", []string{"after it, the compose file is not valid", "web-main"}},
		{"not an object", "- {op: set, path: services, value: [1]}\n", nil},
		{"unknown field", "{{ .Manifests }}", []string{"no field .Manifests", ".Compose and .Workloads"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ptSettings(t, targets.Compose)
			if err := s.AddPatchTemplate(tc.template); err != nil {
				t.Fatal(err)
			}
			_, err := RenderWorkload(context.Background(), s, WorkloadRequest{Workload: wlLoadText(t, ptWeb), Random: wlRandom(1)})
			ptCheckPatchError(t, err, "provider patch_templates[0]", tc.want)
		})
	}
}

// TestPatchSecretLeak: a patch that copies a secret value into an object that is not a Secret is
// an error naming the template and the object, and the error does not show the value.
func TestPatchSecretLeak(t *testing.T) {
	copyData := `{{ range $m := .Manifests }}{{ if eq $m.kind "Secret" }}
- op: set
  path: -1
  value: {apiVersion: v1, kind: ConfigMap, metadata: {name: leak-{{ $m.metadata.name }}, namespace: demo}, data: {{ toJson $m.data }}}
{{ end }}{{ end }}`
	decoded := `{{ range $m := .Manifests }}{{ if eq $m.metadata.name "web-main-env" }}
- op: set
  path: 0.metadata.annotations.password
  value: {{ b64dec $m.data.DB_PASSWORD | quote }}
{{ end }}{{ end }}`
	intoSecret := `{{ range $m := .Manifests }}{{ if eq $m.kind "Secret" }}
- op: set
  path: -1
  value: {apiVersion: v1, kind: Secret, metadata: {name: copy-{{ $m.metadata.name }}, namespace: demo}, data: {{ toJson $m.data }}}
{{ end }}{{ end }}`
	for _, tc := range []struct{ name, template, object string }{
		{"base64 data into a ConfigMap", copyData, "core/v1/ConfigMap/demo/leak-pg-web-db-b52c17"},
		{"a decoded value into an annotation", decoded, "core/v1/Secret/demo/pg-web-db-b52c17"},
		{"a Secret turned into a ConfigMap", "- {op: set, path: 0.kind, value: ConfigMap}\n", "core/v1/ConfigMap/demo/pg-web-db-b52c17"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ptSettings(t, targets.Kubernetes, tc.template)
			_, err := RenderWorkload(context.Background(), s, WorkloadRequest{Workload: wlLoadText(t, ptWeb), Random: wlRandom(7)})
			if tc.name == "a decoded value into an annotation" {
				// Manifest 0 is the postgres Secret: an annotation on a Secret is no leak.
				if err != nil {
					t.Fatalf("a secret value moved within a Secret: %v", err)
				}
				return
			}
			ptCheckPatchError(t, err, "provider patch_templates[0]", []string{"puts a secret value into " + tc.object, "which is not a Secret"})
			plain := ptRenderWorkload(t, targets.Kubernetes, ptWeb)
			password := ptDecode(t, plain.SecretManifests["core/v1/Secret/demo/web-main-env"])["data"].(map[string]any)["DB_PASSWORD"].(string)
			raw, _ := base64.StdEncoding.DecodeString(password)
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), string(raw)) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
	// A template that quotes a Secret's data in an error: the diagnostic hides it.
	quote := `{{ range $m := .Manifests }}{{ if eq $m.metadata.name "web-main-env" }}{{ fail (print "found " $m.data.DB_PASSWORD " and " (b64dec $m.data.DB_PASSWORD)) }}{{ end }}{{ end }}`
	_, err := RenderWorkload(context.Background(), ptSettings(t, targets.Kubernetes, quote),
		WorkloadRequest{Workload: wlLoadText(t, ptWeb), Random: wlRandom(7)})
	ptCheckPatchError(t, err, "provider patch_templates[0]", []string{"found (sensitive value) and (sensitive value)"})
	// Into the Deployment (not a Secret): an error.
	toDeployment := strings.ReplaceAll(decoded, "0.metadata.annotations.password", "3.metadata.annotations.password")
	_, err = RenderWorkload(context.Background(), ptSettings(t, targets.Kubernetes, toDeployment),
		WorkloadRequest{Workload: wlLoadText(t, ptWeb), Random: wlRandom(7)})
	ptCheckPatchError(t, err, "provider patch_templates[0]", []string{"puts a secret value into apps/v1/Deployment/demo/web"})
	// Copies of Secrets stay Secrets: allowed, and in secret_manifests.
	out := ptRenderWorkload(t, targets.Kubernetes, ptWeb, intoSecret)
	if _, ok := out.SecretManifests["core/v1/Secret/demo/copy-web-main-env"]; !ok {
		t.Errorf("no copied Secret in secret_manifests: %v", slices.Sorted(maps.Keys(out.SecretManifests)))
	}
	for key, text := range out.Manifests {
		if strings.Contains(text, "kind: Secret") {
			t.Errorf("%s: a Secret in manifests", key)
		}
	}
}

// TestPatchComposeSecretLeak: a raw secret value written into the compose file is an error;
// ${VAR} references stay references and keep compose_env.
func TestPatchComposeSecretLeak(t *testing.T) {
	const secret = "correct-horse-battery"
	w := wlLoadText(t, "apiVersion: score.dev/v1b1\nmetadata: {name: web}\ncontainers:\n  main:\n    image: nginx\n    variables: {TOKEN: \"${resources.api.token}\"}\nresources:\n  api: {type: external-api}\n")
	bindings := map[string]Binding{"api": {UID: "external-api.default#web.api", Secrets: map[string]string{"token": secret}}}
	leak := "- {op: set, path: services.web-main.labels.token, value: " + secret + "}\n"
	_, err := RenderWorkload(context.Background(), ptSettings(t, targets.Compose, leak), WorkloadRequest{Workload: w, Bindings: bindings, Random: wlRandom(1)})
	ptCheckPatchError(t, err, "provider patch_templates[0]", []string{`puts a secret value into service "web-main" of the compose file`})
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the secret: %v", err)
	}
	// Moving the reference is fine: compose_env still holds the value it refers to.
	move := "- {op: set, path: services.web-main.environment.OTHER, value: '{{ (index .Compose.services \"web-main\").environment.TOKEN }}'}\n- {op: delete, path: services.web-main.environment.TOKEN}\n"
	out, err := RenderWorkload(context.Background(), ptSettings(t, targets.Compose, move), WorkloadRequest{Workload: w, Bindings: bindings, Random: wlRandom(1)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.ComposeYAML, secret) || !strings.Contains(out.ComposeEnv, secret) || !strings.Contains(out.ComposeYAML, "OTHER: ${") {
		t.Errorf("compose_yaml:\n%s\ncompose_env:\n%s", out.ComposeYAML, out.ComposeEnv)
	}
	// Deleting the only reference drops the value from compose_env.
	drop := "- {op: delete, path: services.web-main.environment}\n"
	out, err = RenderWorkload(context.Background(), ptSettings(t, targets.Compose, drop), WorkloadRequest{Workload: w, Bindings: bindings, Random: wlRandom(1)})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.ComposeEnv, secret) {
		t.Errorf("compose_env keeps a value nothing refers to: %s", out.ComposeEnv)
	}
}

// TestPatchDeterministic: the same inputs give the same bytes, and templates cannot change
// what they are given (sprig's set and unset modify maps).
func TestPatchDeterministic(t *testing.T) {
	mutate := `{{ range $m := .Manifests }}{{ $_ := set $m "kind" "Mutated" }}{{ end }}{{ range $n, $w := .Workloads }}{{ $_ := unset $w "containers" }}{{ end }}`
	for _, target := range []targets.Target{targets.Kubernetes, targets.Compose} {
		patches := []string{mutate, ptCommunity(t, "score-k8s/unprivileged.tpl")}
		if target == targets.Compose {
			patches = []string{strings.ReplaceAll(mutate, ".Manifests", "(list .Compose)"), ptCommunity(t, "score-compose/unprivileged.tpl")}
		}
		a := ptRenderWorkload(t, target, ptWeb, patches...)
		b := ptRenderWorkload(t, target, ptWeb, patches...)
		if fmt.Sprint(a.Artifacts) != fmt.Sprint(b.Artifacts) {
			t.Errorf("%s: two renders differ", target)
		}
		plain := ptRenderWorkload(t, target, ptWeb, patches[1])
		if fmt.Sprint(a.Artifacts) != fmt.Sprint(plain.Artifacts) {
			t.Errorf("%s: a template changed its data in place", target)
		}
	}
}

// TestPatchNoOutputChangesNothing: a template whose output is empty leaves the render byte for
// byte as it is without it, on both targets.
func TestPatchNoOutputChangesNothing(t *testing.T) {
	for _, target := range []targets.Target{targets.Kubernetes, targets.Compose} {
		plain := ptRenderWorkload(t, target, ptWeb)
		patched := ptRenderWorkload(t, target, ptWeb, "{{/* nothing */}}\n", "[]")
		if fmt.Sprint(plain.Artifacts) != fmt.Sprint(patched.Artifacts) {
			t.Errorf("%s: an empty patch changed the render", target)
		}
	}
}

// TestPatchClusterScopedNoNamespace: a patch may set a namespace on a cluster-scoped object
// (score-k8s sets its namespace on every object): it is removed, and the key has none.
func TestPatchClusterScopedNoNamespace(t *testing.T) {
	tpl := "- {op: set, path: -1, value: {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader, namespace: demo}, rules: []}}\n"
	out := ptRenderWorkload(t, targets.Kubernetes, ptWeb, tpl)
	text, ok := out.Manifests["rbac.authorization.k8s.io/v1/ClusterRole/_/reader"]
	if !ok || strings.Contains(text, "namespace") {
		t.Errorf("ClusterRole: %v\n%s", slices.Sorted(maps.Keys(out.Manifests)), text)
	}
}

// TestPatchComposePublishAfterPatches: as in score-compose, a project's ports are published
// after the patch templates ran (a template that removes every port does not remove them).
func TestPatchComposePublishAfterPatches(t *testing.T) {
	strip := `{{ range $name, $svc := .Compose.services }}
- {op: delete, path: services.{{ $name }}.ports}
{{ end }}`
	out := ptRenderProject(t, targets.Compose, ProjectRequest{
		Publish:        []Publish{{HostPort: 8080, Workload: "web", ContainerPort: 8080}},
		PatchTemplates: []string{strip},
	}, ptWeb)
	ptEqual(t, "ports", ptDig(ptDecode(t, out.ComposeYAML), "services", "web-main", "ports"), []any{map[string]any{"target": 8080, "published": "8080"}})
}

// TestPatchGuideExamples runs the templates docs/guides/patching.md shows.
func TestPatchGuideExamples(t *testing.T) {
	t.Run("knative for projects", func(t *testing.T) {
		const knative = `{{ $names := keys .Workloads }}
{{ range $i, $m := .Manifests }}{{ if and (eq $m.kind "Deployment") (has $m.metadata.name $names) }}
- {op: set, path: {{ $i }}.kind, value: Service}
- {op: set, path: {{ $i }}.apiVersion, value: serving.knative.dev/v1}
- {op: delete, path: {{ $i }}.spec.selector}
- {op: delete, path: {{ $i }}.spec.strategy}
{{ end }}{{ end }}
{{ range $j, $m := reverse .Manifests }}{{ if and (eq $m.kind "Service") (has $m.metadata.name $names) }}
- {op: delete, path: {{ sub (len $.Manifests) (add $j 1) }}}
{{ end }}{{ end }}
`
		api := strings.NewReplacer("name: web", "name: api", "  db:", "  cache:", "type: postgres", "type: redis", "resources.db.", "resources.cache.").Replace(ptWeb)
		before := ptRenderProject(t, targets.Kubernetes, ProjectRequest{}, ptWeb, api)
		after := ptRenderProject(t, targets.Kubernetes, ProjectRequest{PatchTemplates: []string{knative}}, ptWeb, api)
		ptExpectDiff(t, ptAll(before.Artifacts), ptAll(after.Artifacts),
			[]string{"apps/v1/Deployment/demo/api", ptDeployment, "core/v1/Service/demo/api", ptService},
			[]string{"serving.knative.dev/v1/Service/demo/api", "serving.knative.dev/v1/Service/demo/web"}, nil)
		// The community template, on the same project, deletes by indices computed before its
		// first deletion: the second workload's objects have moved, so it does not give that.
		community, err := ptRenderProjectErr(t, targets.Kubernetes, ProjectRequest{PatchTemplates: []string{ptCommunity(t, "score-k8s/knative-service.tpl")}}, ptWeb, api)
		if err == nil && fmt.Sprint(community.Artifacts) == fmt.Sprint(after.Artifacts) {
			t.Errorf("the community knative patcher works on a two-workload project: the guide says it does not")
		}
		if err == nil {
			r, a, c := ptDiff(ptAll(before.Artifacts), ptAll(community.Artifacts))
			t.Logf("community knative on two workloads: removed %v, added %v, changed %v", r, a, c)
		}
	})
	t.Run("replicas", func(t *testing.T) {
		const replicas = `{{ range $i, $m := .Manifests }}
{{ if eq $m.kind "Deployment" }}
{{ $spec := get $.Workloads $m.metadata.name }}
- op: set
  path: {{ $i }}.spec.replicas
  value: {{ dig "metadata" "annotations" "example.com/replicas" "2" $spec | atoi }}
  description: replicas of {{ $m.metadata.name }}
{{ end }}
{{ end }}
`
		annotated := strings.Replace(ptWorker, "metadata: {name: worker}", "metadata: {name: worker, annotations: {example.com/replicas: \"5\"}}", 1)
		out := ptRenderProject(t, targets.Kubernetes, ProjectRequest{PatchTemplates: []string{replicas}}, ptWeb, annotated)
		ptEqual(t, "web", ptDig(ptDecode(t, out.Manifests[ptDeployment]), "spec", "replicas"), 2)
		ptEqual(t, "worker", ptDig(ptDecode(t, out.Manifests["apps/v1/Deployment/demo/worker"]), "spec", "replicas"), 5)
	})
	t.Run("compose labels", func(t *testing.T) {
		const labels = `{{ range $name, $spec := .Workloads }}{{ range $container, $_ := $spec.containers }}
- op: set
  path: services.{{ $name }}-{{ $container }}.labels.team
  value: shop
{{ end }}{{ end }}
`
		out := ptRenderWorkload(t, targets.Compose, ptWeb, labels)
		doc := ptDecode(t, out.ComposeYAML)
		for _, svc := range []string{"web-main", "web-sidecar"} {
			ptEqual(t, svc, ptDig(doc, "services", svc, "labels", "team"), "shop")
		}
		ptEqual(t, "postgres", ptDig(doc, "services", "pg-web-db", "labels", "team"), nil)
	})
}

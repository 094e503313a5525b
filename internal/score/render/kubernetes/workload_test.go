package kubernetes_test

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
)

// Unit tests of the Kubernetes workload renderer, with resources resolved by hand (no
// provisioning): each resource is given by its outputs, as a binding would give it.

func wlLoad(t *testing.T, score string) *loader.Workload {
	t.Helper()
	w, err := loader.Load(loader.Input{Content: []byte(score), BaseDir: t.TempDir()})
	if err != nil {
		t.Fatalf("load: %v\n%s", err, score)
	}
	return w
}

// wlRes is a resolved resource; secret lists its secret output keys.
func wlRes(name, uid string, outputs map[string]any, secret ...string) *resources.Resource {
	r := &resources.Resource{Name: name, UID: uid, Outputs: outputs, Secret: map[string]bool{}}
	for _, k := range secret {
		r.Secret[k] = true
	}
	return r
}

func wlResult(w *loader.Workload, list ...*resources.Resource) *resources.Result {
	name, _ := w.Spec.Metadata["name"].(string)
	r := &resources.Result{Workload: name, Metadata: w.Spec.Metadata, Resources: map[string]*resources.Resource{}}
	for _, res := range list {
		r.Resources[res.Name] = res
		r.Order = append(r.Order, res.Name)
	}
	sort.Strings(r.Order)
	return r
}

func wlRender(t *testing.T, score string, list ...*resources.Resource) kubernetes.Rendered {
	t.Helper()
	w := wlLoad(t, score)
	out, err := kubernetes.RenderWorkload(kubernetes.WorkloadInput{Workload: w, Resources: wlResult(w, list...), Namespace: "demo"})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	for _, m := range []map[string]string{out.Manifests, out.Secrets} {
		for key, doc := range m {
			obj := wlDecode(t, doc)
			if err := kube.Validate(obj); err != nil {
				t.Errorf("%s: %v", key, err)
			}
			if got := kubernetes.Key(obj); got != key {
				t.Errorf("key %s for object %s", key, got)
			}
		}
	}
	return out
}

func wlRenderErr(t *testing.T, score string, list ...*resources.Resource) problem.List {
	t.Helper()
	w := wlLoad(t, score)
	out, err := kubernetes.RenderWorkload(kubernetes.WorkloadInput{Workload: w, Resources: wlResult(w, list...), Namespace: "demo"})
	if err == nil {
		t.Fatalf("no error; rendered %v", wlKeys(out.Manifests))
	}
	list2, ok := err.(problem.List)
	if !ok {
		t.Fatalf("error %T %v is not a problem.List", err, err)
	}
	return list2
}

func wlWant(t *testing.T, list problem.List, path []string, parts ...string) {
	t.Helper()
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

func wlDecode(t *testing.T, doc string) map[string]any {
	t.Helper()
	var obj map[string]any
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return obj
}

func wlKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func wlDig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func wlList(v any) []any {
	l, _ := v.([]any)
	return l
}

// wlPod decodes the object of kind (Deployment or StatefulSet) that runs the workload: every
// workload these tests render is named app, in namespace demo.
func wlPod(t *testing.T, out kubernetes.Rendered, kind string) map[string]any {
	t.Helper()
	doc, ok := out.Manifests["apps/v1/"+kind+"/demo/app"]
	if !ok {
		t.Fatalf("no %s app: %v", kind, wlKeys(out.Manifests))
	}
	return wlDecode(t, doc)
}

func wlContainer(t *testing.T, obj map[string]any, field, name string) map[string]any {
	t.Helper()
	for _, c := range wlList(wlDig(obj, "spec", "template", "spec", field)) {
		if m := c.(map[string]any); m["name"] == name {
			return m
		}
	}
	t.Fatalf("no %s %s", field, name)
	return nil
}

// wlEnv is a container's env: name → value, or "ref:<secret>/<key>" for a secretKeyRef.
func wlEnv(c map[string]any) (map[string]string, []string) {
	env := map[string]string{}
	var order []string
	for _, e := range wlList(c["env"]) {
		m := e.(map[string]any)
		name := fmt.Sprint(m["name"])
		order = append(order, name)
		if ref, ok := wlDig(m, "valueFrom", "secretKeyRef").(map[string]any); ok {
			env[name] = fmt.Sprintf("ref:%v/%v", ref["name"], ref["key"])
		} else {
			env[name] = fmt.Sprint(m["value"])
		}
	}
	return env, order
}

func wlSecretValue(t *testing.T, out kubernetes.Rendered, secret, key string) string {
	t.Helper()
	doc, ok := out.Secrets["core/v1/Secret/demo/"+secret]
	if !ok {
		t.Fatalf("no Secret %s: %v", secret, wlKeys(out.Secrets))
	}
	v, ok := wlDig(wlDecode(t, doc), "data", key).(string)
	if !ok {
		t.Fatalf("Secret %s has no key %s", secret, key)
	}
	raw, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

const wlHead = "apiVersion: score.dev/v1b1\nmetadata:\n  name: app\n"

func TestWorkloadEnvSecrets(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    variables:
      TOKEN: ${resources.vault.token}
      AUTH: Bearer ${resources.vault.token} and ${resources.vault.other}
      PASSWORD: ${resources.db.password}
      URL: postgres://u:${resources.db.password}@h/db
      HOST: ${resources.db.host}
      LITERAL: keep $(HOME) and $$5
      NESTED: ${resources.db.meta.zone}
      WHOLE: ${resources.db.meta}
resources:
  vault:
    type: vault
  db:
    type: postgres
`
	vault := wlRes("vault", "vault.default#app.vault", map[string]any{
		"token": provisioner.EncodeSecretRef("vault-creds", "token"),
		"other": provisioner.EncodeSecretRef("vault-creds", "other"),
	})
	db := wlRes("db", "postgres.default#app.db", map[string]any{
		"password": "pa55word-secret", "host": "db.internal", "meta": map[string]any{"zone": "eu-1"},
	}, "password")
	out := wlRender(t, score, vault, db)
	c := wlContainer(t, wlPod(t, out, "Deployment"), "containers", "main")
	env, order := wlEnv(c)

	if env["TOKEN"] != "ref:vault-creds/token" {
		t.Errorf("TOKEN = %q: a value that is exactly one secret reference is a secretKeyRef to it", env["TOKEN"])
	}
	// A mixed value: each reference becomes a helper variable, referred to with $(...).
	var helpers []string
	for _, name := range order {
		if strings.HasPrefix(name, "SCORE_REF_") {
			helpers = append(helpers, name)
		}
	}
	if len(helpers) != 2 {
		t.Fatalf("helper variables %v, want 2 (token and other, deduplicated)", helpers)
	}
	if order[0] != helpers[0] || order[1] != helpers[1] {
		t.Errorf("helper variables must come first (Kubernetes only expands earlier variables): %v", order)
	}
	for _, h := range helpers {
		if !strings.HasPrefix(env[h], "ref:vault-creds/") {
			t.Errorf("%s = %q", h, env[h])
		}
		if !strings.Contains(env["AUTH"], "$("+h+")") {
			t.Errorf("AUTH = %q does not use $(%s)", env["AUTH"], h)
		}
	}
	if !strings.HasPrefix(env["AUTH"], "Bearer $(SCORE_REF_") || strings.Contains(env["AUTH"], "🔐") {
		t.Errorf("AUTH = %q", env["AUTH"])
	}

	// Secret outputs go to the workload's own Secret.
	for _, name := range []string{"PASSWORD", "URL"} {
		if env[name] != "ref:app-main-env/"+name {
			t.Errorf("%s = %q, want a secretKeyRef into app-main-env", name, env[name])
		}
	}
	if got := wlSecretValue(t, out, "app-main-env", "URL"); got != "postgres://u:pa55word-secret@h/db" {
		t.Errorf("URL secret = %q", got)
	}
	if got := wlSecretValue(t, out, "app-main-env", "PASSWORD"); got != "pa55word-secret" {
		t.Errorf("PASSWORD secret = %q", got)
	}
	for k, want := range map[string]string{
		"HOST": "db.internal", "NESTED": "eu-1", "WHOLE": `{"zone":"eu-1"}`,
		// $( is escaped for Kubernetes, so it reaches the container as written.
		"LITERAL": "keep $$(HOME) and $5",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
	for key, doc := range out.Manifests {
		if strings.Contains(doc, "pa55word-secret") {
			t.Errorf("the secret is in %s", key)
		}
	}
}

func TestWorkloadFiles(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    files:
      /etc/app/a.conf:
        content: "a=${resources.db.host}"
        mode: "0640"
      /etc/app/b.conf:
        content: "b"
      /etc/app/token:
        content: "${resources.vault.token}"
        mode: "0400"
      /etc/app/password.conf:
        content: "password=${resources.db.password}"
      /bin/tool:
        binaryContent: AAEC/w==
        mode: "0755"
      /etc/raw:
        noExpand: true
        content: "${not.expanded}"
resources:
  vault:
    type: vault
  db:
    type: postgres
`
	vault := wlRes("vault", "vault.default#app.vault", map[string]any{"token": provisioner.EncodeSecretRef("vault-creds", "token")})
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret", "host": "db.internal"}, "password")
	out := wlRender(t, score, vault, db)
	dep := wlPod(t, out, "Deployment")
	c := wlContainer(t, dep, "containers", "main")
	volumes := map[string]map[string]any{}
	for _, v := range wlList(wlDig(dep, "spec", "template", "spec", "volumes")) {
		m := v.(map[string]any)
		volumes[fmt.Sprint(m["name"])] = m
	}
	mounts := map[string]map[string]any{}
	for _, m := range wlList(c["volumeMounts"]) {
		mm := m.(map[string]any)
		if _, dup := mounts[fmt.Sprint(mm["mountPath"])]; dup {
			t.Errorf("two mounts at %v", mm["mountPath"])
		}
		mounts[fmt.Sprint(mm["mountPath"])] = mm
	}
	for _, target := range []string{"/etc/app/a.conf", "/etc/app/b.conf", "/etc/app/token", "/etc/app/password.conf", "/bin/tool", "/etc/raw"} {
		m := mounts[target]
		if m == nil {
			t.Errorf("no mount at %s (a directory mount would hide the image's files): %v", target, c["volumeMounts"])
			continue
		}
		if m["subPath"] == nil || m["readOnly"] != true {
			t.Errorf("%s mount = %v, want a read-only subPath mount", target, m)
		}
	}
	for _, m := range mounts {
		if m["mountPath"] == "/etc/app" {
			t.Errorf("the directory /etc/app is mounted over")
		}
	}

	content := func(target string) (string, string) {
		m := mounts[target]
		vol := volumes[fmt.Sprint(m["name"])]
		item := fmt.Sprint(m["subPath"])
		if cm, ok := vol["configMap"].(map[string]any); ok {
			obj := wlDecode(t, out.Manifests["core/v1/ConfigMap/demo/"+fmt.Sprint(cm["name"])])
			if s, ok := wlDig(obj, "data", item).(string); ok {
				return "configmap", s
			}
			raw, _ := base64.StdEncoding.DecodeString(fmt.Sprint(wlDig(obj, "binaryData", item)))
			return "configmap-binary", string(raw)
		}
		if s, ok := vol["secret"].(map[string]any); ok {
			return "secret:" + fmt.Sprint(s["secretName"]), wlSecretValue(t, out, fmt.Sprint(s["secretName"]), item)
		}
		return "?", ""
	}
	for target, want := range map[string][2]string{
		"/etc/app/a.conf":        {"configmap", "a=db.internal"},
		"/etc/app/b.conf":        {"configmap", "b"},
		"/etc/raw":               {"configmap", "${not.expanded}"},
		"/bin/tool":              {"configmap-binary", "\x00\x01\x02\xff"},
		"/etc/app/password.conf": {"secret:app-main-secret-files", "password=pa55word-secret"},
		"/etc/app/token":         {"secret:vault-creds", ""},
	} {
		kind, got := "", ""
		if target == "/etc/app/token" {
			// Exactly one secret reference: the referenced Secret's key is mounted directly.
			m := mounts[target]
			vol := volumes[fmt.Sprint(m["name"])]
			kind = "secret:" + fmt.Sprint(wlDig(vol, "secret", "secretName"))
			items := wlList(wlDig(vol, "secret", "items"))
			if len(items) != 1 || wlDig(items[0], "key") != "token" || m["subPath"] != "token" || fmt.Sprint(wlDig(items[0], "mode")) != "256" {
				t.Errorf("token volume %v mount %v", vol, m)
			}
		} else {
			kind, got = content(target)
		}
		if kind != want[0] || got != want[1] {
			t.Errorf("%s: %s %q, want %s %q", target, kind, got, want[0], want[1])
		}
	}
	// Modes are item modes (decimal in YAML).
	modes := map[string]string{}
	for _, v := range volumes {
		for _, src := range []string{"configMap", "secret"} {
			for _, it := range wlList(wlDig(v, src, "items")) {
				if m := wlDig(it, "mode"); m != nil {
					modes[fmt.Sprint(wlDig(it, "key"))] = fmt.Sprint(m)
				}
			}
		}
	}
	if want := map[string]string{
		fmt.Sprint(mounts["/etc/app/a.conf"]["subPath"]): "416", fmt.Sprint(mounts["/bin/tool"]["subPath"]): "493", "token": "256",
	}; fmt.Sprint(modes) != fmt.Sprint(want) {
		t.Errorf("item modes %v, want %v", modes, want)
	}
	for key, doc := range out.Manifests {
		if strings.Contains(doc, "pa55word-secret") {
			t.Errorf("the secret is in %s", key)
		}
	}
}

func TestWorkloadFileMixingSecretReference(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\n    files:\n      /etc/token:\n        content: \"token=${resources.vault.token}\"\nresources:\n  vault:\n    type: vault\n"
	vault := wlRes("vault", "vault.default#app.vault", map[string]any{"token": provisioner.EncodeSecretRef("vault-creds", "token")})
	wlWant(t, wlRenderErr(t, score, vault), []string{"containers", "main", "files", "/etc/token"}, "mixes a secret reference with other text")
}

func TestWorkloadVolumes(t *testing.T) {
	vol := func(name string, outputs map[string]any) *resources.Resource {
		return wlRes(name, "volume.default#app."+name, outputs)
	}
	claim := map[string]any{"claimSpec": map[string]any{"accessModes": []any{"ReadWriteOnce"}, "resources": map[string]any{"requests": map[string]any{"storage": "1Gi"}}}}
	t.Run("source", func(t *testing.T) {
		score := wlHead + "containers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: ${resources.pvc}\n        path: sub/dir\n        readOnly: true\n      /scratch:\n        source: volume.default#app.tmp\nresources:\n  pvc:\n    type: volume\n  tmp:\n    type: volume\n"
		out := wlRender(t, score,
			vol("pvc", map[string]any{"source": map[string]any{"persistentVolumeClaim": map[string]any{"claimName": "shared-data"}}}),
			vol("tmp", map[string]any{"source": map[string]any{"emptyDir": map[string]any{"medium": "Memory"}}}))
		dep := wlPod(t, out, "Deployment")
		mounts := map[string]map[string]any{}
		for _, m := range wlList(wlContainer(t, dep, "containers", "main")["volumeMounts"]) {
			mounts[fmt.Sprint(wlDig(m, "mountPath"))] = m.(map[string]any)
		}
		if m := mounts["/data"]; m["subPath"] != "sub/dir" || m["readOnly"] != true {
			t.Errorf("/data mount %v", m)
		}
		if m := mounts["/scratch"]; m == nil || m["readOnly"] != nil || m["subPath"] != nil {
			t.Errorf("/scratch mount %v (a volume source may name the uid directly)", m)
		}
		volumes := map[string]any{}
		for _, v := range wlList(wlDig(dep, "spec", "template", "spec", "volumes")) {
			volumes[fmt.Sprint(wlDig(v, "name"))] = v
		}
		if wlDig(volumes[fmt.Sprint(mounts["/data"]["name"])], "persistentVolumeClaim", "claimName") != "shared-data" {
			t.Errorf("volumes %v", volumes)
		}
		if wlDig(volumes[fmt.Sprint(mounts["/scratch"]["name"])], "emptyDir", "medium") != "Memory" {
			t.Errorf("volumes %v", volumes)
		}
	})
	t.Run("claimSpec on a StatefulSet", func(t *testing.T) {
		score := "apiVersion: score.dev/v1b1\nmetadata:\n  name: app\n  annotations:\n    k8s.score.dev/kind: StatefulSet\ncontainers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: ${resources.data}\nresources:\n  data:\n    type: volume\n"
		out := wlRender(t, score, vol("data", claim))
		sts := wlPod(t, out, "StatefulSet")
		claims := wlList(wlDig(sts, "spec", "volumeClaimTemplates"))
		mount := wlList(wlContainer(t, sts, "containers", "main")["volumeMounts"])[0]
		if len(claims) != 1 || wlDig(claims[0], "metadata", "name") != wlDig(mount, "name") {
			t.Errorf("claims %v mount %v", claims, mount)
		}
		if wlDig(sts, "spec", "template", "spec", "volumes") != nil {
			t.Errorf("a claim template is also a pod volume")
		}
		headless := fmt.Sprint(wlDig(sts, "spec", "serviceName"))
		svc := wlDecode(t, out.Manifests["core/v1/Service/demo/"+headless])
		if wlDig(svc, "spec", "clusterIP") != "None" {
			t.Errorf("headless service %v", svc)
		}
		if _, ok := out.Manifests["core/v1/Service/demo/app"]; ok {
			t.Errorf("a Service without service ports")
		}
	})
	for _, tc := range []struct {
		name, kind string
		outputs    map[string]any
		source     string
		parts      []string
	}{
		{"claimSpec on a Deployment", "", claim, "${resources.data}", []string{"claimSpec", "StatefulSet"}},
		{"neither source nor claimSpec", "", map[string]any{"type": "volume"}, "${resources.data}", []string{"neither a source nor a claimSpec"}},
		{"source not an object", "", map[string]any{"source": "my-volume"}, "${resources.data}", []string{"volume source object"}},
		{"unknown resource uid", "", map[string]any{"source": map[string]any{"emptyDir": map[string]any{}}}, "volume.default#other.data", []string{"volume.default#other.data", "does not exist"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			score := wlHead + "containers:\n  main:\n    image: busybox\n    volumes:\n      /data:\n        source: " + tc.source + "\nresources:\n  data:\n    type: volume\n"
			wlWant(t, wlRenderErr(t, score, vol("data", tc.outputs)), []string{"containers", "main", "volumes", "/data"}, tc.parts...)
		})
	}
}

func TestWorkloadKinds(t *testing.T) {
	for _, kind := range []string{"DaemonSet", "Job", "deployment", ""} {
		t.Run(kind, func(t *testing.T) {
			score := fmt.Sprintf("apiVersion: score.dev/v1b1\nmetadata:\n  name: app\n  annotations:\n    k8s.score.dev/kind: %q\ncontainers:\n  main:\n    image: busybox\n", kind)
			wlWant(t, wlRenderErr(t, score), []string{"metadata", "annotations", "k8s.score.dev/kind"}, fmt.Sprintf("%q", kind), "Deployment or StatefulSet")
		})
	}
	for _, kind := range []string{"Deployment", "StatefulSet"} {
		t.Run(kind, func(t *testing.T) {
			score := fmt.Sprintf("apiVersion: score.dev/v1b1\nmetadata:\n  name: app\n  annotations:\n    k8s.score.dev/kind: %s\n    team: a\ncontainers:\n  main:\n    image: busybox\nservice:\n  ports:\n    http:\n      port: 80\n", kind)
			out := wlRender(t, score)
			obj := wlPod(t, out, kind)
			ann := wlDig(obj, "spec", "template", "metadata", "annotations").(map[string]any)
			if ann["team"] != "a" || ann["k8s.score.dev/kind"] != nil || ann["k8s.score.dev/workload-name"] != "app" {
				t.Errorf("pod annotations %v", ann)
			}
			if _, ok := out.Manifests["core/v1/Service/demo/app"]; !ok {
				t.Errorf("no Service app: %v", wlKeys(out.Manifests))
			}
			sel := fmt.Sprint(wlDig(obj, "spec", "selector", "matchLabels"))
			labels := wlDig(obj, "spec", "template", "metadata", "labels").(map[string]any)
			for k, v := range wlDig(obj, "spec", "selector", "matchLabels").(map[string]any) {
				if labels[k] != v {
					t.Errorf("selector %s does not select the pod labels %v", sel, labels)
				}
			}
		})
	}
}

func TestWorkloadQuantitiesAndProbes(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    resources:
      limits:
        memory: 1.5Gi
        cpu: "0.5"
      requests:
        memory: "0.5G"
        cpu: 1000m
    livenessProbe:
      httpGet:
        path: /live
        port: 8080
      exec:
        command: [check]
    readinessProbe:
      exec:
        command: [ready, "$HOME"]
`
	out := wlRender(t, score)
	c := wlContainer(t, wlPod(t, out, "Deployment"), "containers", "main")
	if got := fmt.Sprint(c["resources"]); got != "map[limits:map[cpu:500m memory:1536Mi] requests:map[cpu:1 memory:500M]]" {
		t.Errorf("resources = %s: quantities must be canonical, as the API server writes them back", got)
	}
	if got := fmt.Sprint(c["livenessProbe"]); got != "map[httpGet:map[path:/live port:8080]]" {
		t.Errorf("livenessProbe = %s: httpGet is preferred when both are given", got)
	}
	if got := fmt.Sprint(c["readinessProbe"]); got != "map[exec:map[command:[ready $HOME]]]" {
		t.Errorf("readinessProbe = %s", got)
	}
}

func TestWorkloadBeforeContainers(t *testing.T) {
	score := wlHead + `containers:
  init:
    image: busybox
    readinessProbe:
      exec:
        command: [ready]
    before:
      main: {ready: complete}
  side:
    image: busybox
    livenessProbe:
      httpGet: {path: /, port: 80}
    before:
      main: {ready: healthy}
  main:
    image: busybox
`
	out := wlRender(t, score)
	dep := wlPod(t, out, "Deployment")
	if c := wlContainer(t, dep, "initContainers", "init"); c["readinessProbe"] != nil || c["restartPolicy"] != nil {
		t.Errorf("init container %v: Kubernetes allows no probes on a plain init container", c)
	}
	if c := wlContainer(t, dep, "initContainers", "side"); c["restartPolicy"] != "Always" || fmt.Sprint(c["startupProbe"]) != fmt.Sprint(c["livenessProbe"]) {
		t.Errorf("side %v: a sidecar started with its liveness probe as startup probe", c)
	}
	wlContainer(t, dep, "containers", "main")
}

func TestWorkloadEnvironmentResourceIsAnError(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\n    variables:\n      R: ${resources.env.REGION}\nresources:\n  env:\n    type: environment\n"
	env := wlRes("env", "environment.default#app.env", map[string]any{})
	env.Environment = true
	wlWant(t, wlRenderErr(t, score, env), []string{"containers", "main", "variables", "R"}, "environment resources are not supported for Kubernetes")
}

// Objects a provisioned resource adds follow the workload's, with the namespace set; one that
// holds a secret value goes with the secrets; one with a leftover secret reference is an error.
func TestWorkloadResourceManifests(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\nresources:\n  db:\n    type: custom\n"
	cm := func(data map[string]any) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "db-config"}, "data": data}
	}
	db := wlRes("db", "custom.default#app.db", map[string]any{"password": "very-secret-value"}, "password")
	db.Provisioned = &provisioner.Result{Manifests: []map[string]any{cm(map[string]any{"url": "x://very-secret-value@h"})}}
	out := wlRender(t, score, db)
	if _, ok := out.Secrets["core/v1/ConfigMap/demo/db-config"]; !ok {
		t.Errorf("a ConfigMap holding a secret value is not kept with the secrets: manifests %v secrets %v", wlKeys(out.Manifests), wlKeys(out.Secrets))
	}

	db.Provisioned = &provisioner.Result{Manifests: []map[string]any{cm(map[string]any{"url": "plain"})}}
	out = wlRender(t, score, db)
	if doc := out.Manifests["core/v1/ConfigMap/demo/db-config"]; !strings.Contains(doc, "namespace: demo") {
		t.Errorf("resource ConfigMap %q", doc)
	}

	w := wlLoad(t, score)
	db.Provisioned = &provisioner.Result{Manifests: []map[string]any{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "x"}, "spec": map[string]any{"replicas": "three"}}}}
	if _, err := kubernetes.RenderWorkload(kubernetes.WorkloadInput{Workload: w, Resources: wlResult(w, db), Namespace: "demo"}); err == nil {
		t.Errorf("an invalid Deployment from a resource renders")
	}
}

// A secret reference left in an object a resource adds (score-k8s's encodeSecretRef outside the
// outputs a workload resolves) cannot work: it must be an error, as score-k8s makes it.
func TestWorkloadResourceManifestSecretReference(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\nresources:\n  db:\n    type: custom\n"
	db := wlRes("db", "custom.default#app.db", map[string]any{})
	db.Provisioned = &provisioner.Result{Manifests: []map[string]any{{
		"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "db-config"},
		"data": map[string]any{"ref": provisioner.EncodeSecretRef("s", "k")},
	}}}
	w := wlLoad(t, score)
	out, err := kubernetes.RenderWorkload(kubernetes.WorkloadInput{Workload: w, Resources: wlResult(w, db), Namespace: "demo"})
	if err == nil || !strings.Contains(err.Error(), "unresolved secret reference") {
		// The check looks for the marker in the encoded YAML, where sigs.k8s.io/yaml writes
		// the emoji as \U0001F510 escapes, so it never matches.
		t.Errorf("a resource ConfigMap holding a secret reference renders (err = %v):\n%s", err, out.Manifests["core/v1/ConfigMap/demo/db-config"])
	}
}

// $$ is Score's escape for $, so $$(X) is the literal text $(X): for Kubernetes it must be
// written $$(X), as a literal $( is (else the kubelet expands $(X) when X is an earlier
// variable of the container, here A_HOST).
func TestWorkloadEnvEscapedDollarParen(t *testing.T) {
	score := wlHead + "containers:\n  main:\n    image: busybox\n    variables:\n      A_HOST: db\n      LITERAL: \"$$(A_HOST) and $(A_HOST)\"\n"
	out := wlRender(t, score)
	env, _ := wlEnv(wlContainer(t, wlPod(t, out, "Deployment"), "containers", "main"))
	if want := "$$(A_HOST) and $$(A_HOST)"; env["LITERAL"] != want {
		t.Errorf("LITERAL = %q, want %q (the container must see the text $(A_HOST) twice)", env["LITERAL"], want)
	}
}

func TestWorkloadIsDeterministic(t *testing.T) {
	score := wlHead + `service:
  ports:
    bb: {port: 2}
    aa: {port: 1}
containers:
  zz:
    image: busybox
    variables: {B: "2", A: "1", C: "${resources.db.password}"}
    files:
      /etc/b: {content: b}
      /etc/a: {content: a}
  yy:
    image: busybox
resources:
  db:
    type: postgres
`
	db := wlRes("db", "postgres.default#app.db", map[string]any{"password": "pa55word-secret"}, "password")
	first := wlRender(t, score, db)
	for i := 0; i < 20; i++ {
		again := wlRender(t, score, db)
		if fmt.Sprint(again) != fmt.Sprint(first) {
			t.Fatalf("render %d differs", i)
		}
	}
}

// Only env `value`s are expanded by the kubelet ($(VAR)); files (ConfigMaps, Secrets) and
// Secret data are not. A resolved value holding "$(" must therefore reach a file, or a Secret
// an env var refers to, unchanged; escaping it there corrupts it.
func TestWorkloadDollarParenOutsideEnvValues(t *testing.T) {
	score := wlHead + `containers:
  main:
    image: busybox
    variables:
      PLAIN: ${resources.db.cmd}
      SECRET: ${resources.db.password}
    files:
      /etc/cmd: {content: "${resources.db.cmd}"}
      /etc/password: {content: "${resources.db.password}"}
resources:
  db:
    type: custom
`
	db := wlRes("db", "custom.default#app.db", map[string]any{"cmd": "echo $(date)", "password": "pa$(ss)word"}, "password")
	out := wlRender(t, score, db)
	dep := wlPod(t, out, "Deployment")
	env, _ := wlEnv(wlContainer(t, dep, "containers", "main"))
	if env["PLAIN"] != "echo $$(date)" {
		t.Errorf("PLAIN = %q: an env value is escaped for the kubelet", env["PLAIN"])
	}
	if got := wlSecretValue(t, out, "app-main-env", "SECRET"); got != "pa$(ss)word" {
		t.Errorf("Secret data for SECRET = %q, want %q: secretKeyRef values are not expanded, so must not be escaped", got, "pa$(ss)word")
	}
	cm := wlDecode(t, out.Manifests["core/v1/ConfigMap/demo/app-main-files"])
	for _, v := range wlDig(cm, "data").(map[string]any) {
		if v != "echo $(date)" {
			t.Errorf("/etc/cmd = %q, want %q: file content is not expanded, so must not be escaped", v, "echo $(date)")
		}
	}
	for _, v := range wlDig(wlDecode(t, out.Secrets["core/v1/Secret/demo/app-main-secret-files"]), "data").(map[string]any) {
		raw, _ := base64.StdEncoding.DecodeString(fmt.Sprint(v))
		if string(raw) != "pa$(ss)word" {
			t.Errorf("/etc/password = %q, want %q", raw, "pa$(ss)word")
		}
	}
}

package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// wlTypical is a typical workload: two containers, postgres, redis and a volume, files and probes.
const wlTypical = `apiVersion: score.dev/v1b1
metadata:
  name: shop
service:
  ports:
    http:
      port: 80
      targetPort: 8080
containers:
  api:
    image: ghcr.io/example/shop:1.0.0
    variables:
      DATABASE_URL: postgres://${resources.db.username}:${resources.db.password}@${resources.db.host}:${resources.db.port}/${resources.db.database}
      REDIS_HOST: ${resources.cache.host}
      REDIS_PASSWORD: ${resources.cache.password}
      NAME: ${metadata.name}
    files:
      /etc/shop/config.yaml:
        content: |
          name: ${metadata.name}
          db: ${resources.db.host}
      /etc/shop/banner.txt:
        content: welcome
        noExpand: true
    volumes:
      /data:
        source: ${resources.data}
    resources:
      limits:
        memory: 512Mi
        cpu: "0.5"
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
    readinessProbe:
      exec:
        command: ["/bin/ready"]
  worker:
    image: ghcr.io/example/shop-worker:1.0.0
    args: ["--queue", "default"]
    variables:
      REDIS_URL: ${resources.cache.url}
resources:
  db:
    type: postgres
  cache:
    type: redis
  data:
    type: volume
`

func wlBenchmarkRender(b *testing.B, target targets.Target) {
	settings := wlSettings(b, target, "")
	content := []byte(wlTypical)
	dir := b.TempDir()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := loader.Load(loader.Input{Content: content, BaseDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		_, err = RenderWorkload(context.Background(), settings, WorkloadRequest{Workload: w, Random: wlRandom(uint64(i))})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderWorkloadKubernetes is load → provision → render of a typical workload.
func BenchmarkRenderWorkloadKubernetes(b *testing.B) { wlBenchmarkRender(b, targets.Kubernetes) }

// BenchmarkRenderWorkloadCompose is load → provision → render of a typical workload.
func BenchmarkRenderWorkloadCompose(b *testing.B) { wlBenchmarkRender(b, targets.Compose) }

// wlSizes is the byte size of everything a render outputs, and of its state as JSON.
func wlSizes(out *Workload) (rendered, state int) {
	for _, m := range []map[string]string{out.Manifests, out.SecretManifests, out.Files, out.SecretFiles} {
		for k, v := range m {
			rendered += len(k) + len(v)
		}
	}
	rendered += len(out.ComposeYAML) + len(out.ComposeEnv)
	for name, ro := range out.ResourceOutputs {
		rendered += len(name) + len(ro.UID)
		for _, m := range []map[string]string{ro.Outputs, ro.Secrets} {
			for k, v := range m {
				rendered += len(k) + len(v)
			}
		}
	}
	raw, _ := json.Marshal(out.State)
	return rendered, len(raw)
}

// TestWorkloadStateSize reports the size of what each workload renders and of the state it
// keeps (what Terraform stores besides the outputs): the state must stay small next to the
// outputs (each rendered byte stored once, state holding only generated values).
func TestWorkloadStateSize(t *testing.T) {
	type row struct {
		name     string
		rendered int
		state    int
	}
	var rows []row
	typical := wlLoadText(t, wlTypical)
	for _, target := range wlTargets {
		out := wlRender(t, wlInput(t, typical, target, wlRandom(1)))
		r, s := wlSizes(out)
		rows = append(rows, row{"typical/" + string(target), r, s})
	}
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			out := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(1)))
			r, s := wlSizes(out)
			rows = append(rows, row{name + "/" + string(target), r, s})
		}
	}
	for _, r := range rows {
		t.Logf("%-22s rendered %6d bytes, state JSON %5d bytes (%.1f%%)", r.name, r.rendered, r.state, 100*float64(r.state)/float64(r.rendered))
		if r.state > r.rendered/2 {
			t.Errorf("%s: the state (%d bytes) is more than half the size of what is rendered (%d bytes)", r.name, r.state, r.rendered)
		}
	}
}

// BenchmarkWorkloadOutputSize reports the rendered and state sizes as benchmark metrics.
func BenchmarkWorkloadOutputSize(b *testing.B) {
	for _, target := range wlTargets {
		b.Run(string(target), func(b *testing.B) {
			w := wlLoadText(b, wlTypical)
			var rendered, state int
			for i := 0; i < b.N; i++ {
				out := wlRender(b, wlInput(b, w, target, wlRandom(1)))
				rendered, state = wlSizes(out)
			}
			b.ReportMetric(float64(rendered), "rendered-bytes")
			b.ReportMetric(float64(state), "state-bytes")
		})
	}
}

package engine

import (
	"context"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

const pjAPI = `apiVersion: score.dev/v1b1
metadata: {name: api}
containers:
  main:
    image: ghcr.io/example/api:1.0
    variables:
      DB_HOST: ${resources.db.host}
      DB_PASSWORD: ${resources.db.password}
      CACHE: ${resources.cache.host}
service:
  ports:
    http: {port: 8080}
resources:
  db: {type: postgres, id: orders-db}
  cache: {type: redis}
  route: {type: route, params: {host: shop.localhost, path: /api, port: http}}
`

const pjWeb = `apiVersion: score.dev/v1b1
metadata: {name: web}
containers:
  main:
    image: ghcr.io/example/web:1.0
    variables:
      API: http://${resources.api.hostname}:${resources.api.port}
service:
  ports:
    http: {port: 80, targetPort: 3000}
resources:
  api: {type: service-port, params: {workload: api, port: http}}
  route: {type: route, params: {host: shop.localhost, path: /, port: http}}
`

const pjWorker = `apiVersion: score.dev/v1b1
metadata: {name: worker}
containers:
  main:
    image: ghcr.io/example/worker:1.0
    variables:
      DB: postgres://${resources.orders.username}:${resources.orders.password}@${resources.orders.host}/${resources.orders.database}
      CACHE: ${resources.cache.host}
resources:
  orders: {type: postgres, id: orders-db}
  cache: {type: redis}
`

func pjWorkloads(tb testing.TB, texts ...string) []*loader.Workload {
	var ws []*loader.Workload
	for _, t := range texts {
		ws = append(ws, wlLoadText(tb, t))
	}
	return ws
}

func pjRender(tb testing.TB, target targets.Target, req ProjectRequest) *Project {
	tb.Helper()
	out, err := RenderProject(context.Background(), wlSettings(tb, target, ""), req)
	if err != nil {
		tb.Fatalf("RenderProject(%s): %v", target, err)
	}
	return out
}

func TestProjectSmoke(t *testing.T) {
	for _, target := range wlTargets {
		out := pjRender(t, target, ProjectRequest{Workloads: pjWorkloads(t, pjAPI, pjWeb, pjWorker), Random: wlRandom(1)})
		w := &Workload{Artifacts: out.Artifacts, BinaryFiles: out.BinaryFiles}
		wlCheckTarget(t, target, w, nil)
		t.Logf("%s:\n%s", target, strings.Join(wlSortedKeys(out.Manifests), "\n"))
		t.Logf("%s", out.ComposeYAML)
		t.Logf("%v", wlSortedKeys(out.ResourceOutputs))
		t.Logf("%v", out.Messages)
	}
}

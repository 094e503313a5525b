// Package workloadgen writes N synthetic Score files for speed measurements of multi-workload
// generation: tools/upstream/bench-k8s.sh runs score-k8s on them (through genworkloads), and the
// engine's project benchmark renders the same files.
//
// Workload i (1-based) is named svc-NNNN (four digits) and written to svc-NNNN.score.yaml. Each
// has two containers (app and sidecar), service ports http 8080 -> 8080 and metrics 9090, a
// non-shared redis (cache), a postgres shared by every workload (id: db), a route on
// svc-NNNN.example.localhost, path / to port 8080, and eight variables on app (plus two on
// sidecar) that use resource outputs. The output depends only on N: no randomness, no clock.
package workloadgen

import (
	"fmt"
	"os"
	"path/filepath"
)

const tmpl = `apiVersion: score.dev/v1b1
metadata:
  name: %[1]s
service:
  ports:
    http:
      port: 8080
    metrics:
      port: 9090
containers:
  app:
    image: ghcr.io/example/%[1]s:1.0
    command: ["/app/server"]
    args: ["--listen", ":8080"]
    variables:
      SERVICE_NAME: %[1]s
      DB_HOST: ${resources.db.host}
      DB_PORT: ${resources.db.port}
      DB_NAME: ${resources.db.database}
      DB_USER: ${resources.db.username}
      DB_PASSWORD: ${resources.db.password}
      REDIS_ADDR: ${resources.cache.host}:${resources.cache.port}
      REDIS_PASSWORD: ${resources.cache.password}
  sidecar:
    image: ghcr.io/example/metrics-agent:2.3
    variables:
      TARGET: localhost:9090
      REDIS_URL: redis://${resources.cache.username}:${resources.cache.password}@${resources.cache.host}:${resources.cache.port}/0
resources:
  db:
    type: postgres
    id: db
  cache:
    type: redis
  route:
    type: route
    params:
      host: %[1]s.example.localhost
      path: /
      port: 8080
`

// Name returns the workload name genworkloads gives workload i (1-based).
func Name(i int) string { return fmt.Sprintf("svc-%04d", i) }

// Content is the score file of workload i (1-based).
func Content(i int) string { return fmt.Sprintf(tmpl, Name(i)) }

// Write writes workloads 1..n into dir (created if missing).
func Write(n int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		name := Name(i)
		path := filepath.Join(dir, name+".score.yaml")
		if err := os.WriteFile(path, []byte(Content(i)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

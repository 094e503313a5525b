package loader_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
)

// typicalWorkload is a realistic score file: two containers, variables with placeholders,
// inline and source files, volumes, service ports, probes, limits and three resources.
const typicalWorkload = `apiVersion: score.dev/v1b1
metadata:
  name: checkout
  annotations:
    example.com/team: payments
    example.com/tier: backend
service:
  ports:
    http:
      port: 80
      targetPort: 8080
    metrics:
      port: 9090
containers:
  api:
    image: registry.example.com/checkout/api:1.42.0
    command: ["/app/server"]
    args: ["--listen", ":8080"]
    variables:
      PORT: "8080"
      APP_NAME: ${metadata.name}
      TEAM: ${metadata.annotations.example\.com/team}
      DATABASE_URL: postgres://${resources.db.username}:${resources.db.password}@${resources.db.host}:${resources.db.port}/${resources.db.name}
      REDIS_URL: redis://${resources.cache.host}:${resources.cache.port}
      PUBLIC_HOST: ${resources.dns.host}
      LITERAL: $${NOT_EXPANDED}
    files:
      /etc/checkout/app.yaml:
        mode: "0644"
        content: |
          name: ${metadata.name}
          database:
            host: ${resources.db.host}
            port: ${resources.db.port}
          cache: ${resources.cache.host}
      /etc/checkout/logging.yaml:
        source: logging.yaml
    volumes:
      /var/cache/checkout:
        source: scratch
        readOnly: false
    resources:
      requests:
        cpu: 250m
        memory: 256Mi
      limits:
        cpu: "1"
        memory: 512Mi
    livenessProbe:
      httpGet:
        port: 8080
        path: /livez
    readinessProbe:
      httpGet:
        port: 8080
        path: /readyz
        httpHeaders:
          - name: X-Probe
            value: readiness
  worker:
    image: registry.example.com/checkout/worker:1.42.0
    variables:
      QUEUE_URL: redis://${resources.cache.host}:${resources.cache.port}/1
      DATABASE_HOST: ${resources.db.host}
    before:
      api:
        ready: started
resources:
  db:
    type: postgres
  cache:
    type: redis
    class: large
  dns:
    type: dns
`

func fakeResourceOutputs() map[string]placeholder.Lookup {
	return map[string]placeholder.Lookup{
		"db": placeholder.MapLookup(map[string]any{
			"host": "pg.internal", "port": 5432, "name": "checkout", "username": "checkout", "password": "s3cret",
		}),
		"cache": placeholder.MapLookup(map[string]any{"host": "redis.internal", "port": 6379}),
		"dns":   placeholder.MapLookup(map[string]any{"host": "checkout.example.com"}),
	}
}

// BenchmarkLoadTypical is what the provider does per workload: load, validate, then resolve every
// variable and file content against the resources' outputs.
func BenchmarkLoadTypical(b *testing.B) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "logging.yaml"), []byte("level: info\napp: ${metadata.name}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if n := strings.Count(typicalWorkload, "\n"); n < 55 || n > 90 {
		b.Fatalf("typical workload has %d lines", n)
	}
	in := loader.Input{Content: []byte(typicalWorkload), BaseDir: dir}
	outputs := fakeResourceOutputs()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w, err := loader.Load(in)
		if err != nil {
			b.Fatal(err)
		}
		r := placeholder.Resolver{Metadata: w.Spec.Metadata, Resources: outputs}
		n := 0
		for cname, c := range w.Spec.Containers {
			for _, v := range c.Variables {
				if _, err := placeholder.Expand(v, r.Resolve); err != nil {
					b.Fatal(err)
				}
				n++
			}
			for _, f := range w.Files[cname] {
				if f.Expand {
					if _, err := placeholder.Expand(string(f.Content), r.Resolve); err != nil {
						b.Fatal(err)
					}
				}
				n++
			}
		}
		if n != 11 {
			b.Fatalf("resolved %d values, want 11", n)
		}
	}
}

// BenchmarkLoadTypicalLibraries measures the two library calls inside LoadTypical on the same file:
// yaml.v3 parsing it into nodes (Load needs their lines), and the compiled Score schema validating
// the document. Their sum is the floor no change to our own code can take a load below.
func BenchmarkLoadTypicalLibraries(b *testing.B) {
	content := []byte(typicalWorkload)
	b.Run("yaml.v3", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var root yaml.Node
			if err := yaml.NewDecoder(bytes.NewReader(content)).Decode(&root); err != nil {
				b.Fatal(err)
			}
		}
	})
	doc, err := loader.DecodeYAML(content)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("jsonschema", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := loader.ValidateSchema(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func fiftyContainers() string {
	var s strings.Builder
	s.WriteString("apiVersion: score.dev/v1b1\nmetadata:\n  name: big\nservice:\n  ports:\n    http:\n      port: 80\ncontainers:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&s, `  c%02d:
    image: registry.example.com/app/c%02d:1.0
    variables:
      NAME: ${metadata.name}-c%02d
      DB: ${resources.db.host}:${resources.db.port}
      INDEX: "%d"
    files:
      /etc/c%02d.conf:
        content: "name=${metadata.name}\n"
    volumes:
      /data:
        source: ${resources.data}
    livenessProbe:
      httpGet:
        port: 8080
        path: /healthz
    resources:
      limits:
        cpu: 100m
        memory: 64Mi
`, i, i, i, i, i)
		if i > 0 {
			fmt.Fprintf(&s, "    before:\n      c%02d:\n        ready: started\n", i-1)
		}
	}
	s.WriteString("resources:\n  db:\n    type: postgres\n  data:\n    type: volume\n")
	return s.String()
}

func BenchmarkLoad50Containers(b *testing.B) {
	in := loader.Input{Content: []byte(fiftyContainers())}
	if w, err := loader.Load(in); err != nil {
		b.Fatal(err)
	} else if len(w.Spec.Containers) != 50 {
		b.Fatalf("%d containers", len(w.Spec.Containers))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := loader.Load(in); err != nil {
			b.Fatal(err)
		}
	}
}

package engine

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update regenerates the golden files (`go test ./internal/score/engine/ -run TestWorkloadGolden -update`).
var update = flag.Bool("update", false, "rewrite testdata/golden/*.yaml with the current output")

// TestWorkloadGolden renders every testdata/workloads/*.yaml for both targets (built-in library,
// seeded random source, namespace and project "demo") and compares everything rendered, byte
// for byte, with testdata/golden/<name>.<target>.yaml. Each output is also checked: Kubernetes
// documents decode strictly into k8s.io/api types, compose files load with compose-go.
func TestWorkloadGolden(t *testing.T) {
	want := map[string]bool{}
	for _, name := range wlFixtures(t) {
		for _, target := range wlTargets {
			file := filepath.Join("testdata", "golden", name+"."+string(target)+".yaml")
			want[file] = true
			t.Run(name+"/"+string(target), func(t *testing.T) {
				out := wlRender(t, wlInput(t, wlFixture(t, name), target, wlRandom(42)))
				wlCheckTarget(t, target, out, wlComposeEnvironment)
				got := wlText(out)
				if *update {
					if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				golden, err := os.ReadFile(file)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if string(golden) != got {
					t.Errorf("%s differs from the render (run with -update to accept):\n%s", file, wlDiff(string(golden), got))
				}
			})
		}
	}
	// No stale golden file is left behind.
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.yaml"))
	for _, f := range files {
		if !want[f] {
			if *update {
				_ = os.Remove(f)
				continue
			}
			t.Errorf("golden file %s has no workload in testdata/workloads", f)
		}
	}
}

// The golden files cover every Score field: a guard so that a fixture edit does not silently
// drop coverage.
func TestWorkloadGoldenCoverage(t *testing.T) {
	var all strings.Builder
	for _, name := range wlFixtures(t) {
		b, err := os.ReadFile(filepath.Join("testdata", "workloads", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		all.Write(b)
	}
	text := all.String()
	for _, want := range []string{
		"annotations:", "k8s.score.dev/kind: StatefulSet", "k8s.score.dev/service-name:",
		"targetPort:", "protocol: UDP", "command:", "args:", "$(", "$$", "${metadata.", "${resources.",
		"content:", "binaryContent:", "source: files/", "mode:", "noExpand: true", "path:", "readOnly: true",
		"read_only:", "limits:", "requests:", "memory: 1.5Gi", `cpu: "0.5"`, "livenessProbe:", "readinessProbe:",
		"httpGet:", "httpHeaders:", "exec:", "scheme: HTTPS", "host: localhost", "before:", "ready: started",
		"ready: healthy", "ready: complete", "type: postgres", "type: redis", "type: volume", "type: dns",
		"type: route", "type: service-port", "type: environment", "type: mysql", "type: s3", "type: amqp",
		"type: mongodb", "type: kafka-topic", "type: postgres-instance", "type: elasticsearch", "type: mssql",
		"params:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no fixture uses %q", want)
		}
	}
}

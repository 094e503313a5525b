package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	composetypes "github.com/compose-spec/compose-go/v2/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Projects: every directory of testdata/project holding *.score.yaml files renders as one project
// for both targets and is compared with its golden files; every score-compose example with several
// score files (../shared/conformance) renders as one project too, with the semantic checks the
// example is about.

// pjLoadDir loads every score file of dir whose name matches pattern, in name order.
func pjLoadDir(tb testing.TB, dir, pattern string) []*loader.Workload {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no %s in %s: %v", pattern, dir, err)
	}
	sort.Strings(files)
	var ws []*loader.Workload
	for _, f := range files {
		ws = append(ws, wlLoadFile(tb, f, "busybox"))
	}
	return ws
}

// pjAsWorkload views a project's artifacts and outputs as a workload's, so the workload checks
// (compose-go loading, strict Kubernetes decoding, secret collection) apply.
func pjAsWorkload(out *Project) *Workload {
	w := &Workload{Artifacts: out.Artifacts, BinaryFiles: out.BinaryFiles, ResourceOutputs: out.ResourceOutputs}
	return w
}

// pjCheck runs the structural checks on a rendered project: the target's own, no secret value
// outside the sensitive outputs, no unresolved placeholder.
func pjCheck(tb testing.TB, target targets.Target, out *Project) *composetypes.Project {
	tb.Helper()
	w := pjAsWorkload(out)
	var project *composetypes.Project
	if target == targets.Compose {
		project = wlCheckCompose(tb, w, wlComposeEnvironment)
	} else {
		wlCheckKubernetes(tb, w)
	}
	for _, s := range wlSecretValues(tb, w) {
		for k, v := range wlPublic(w) {
			if strings.Contains(v, s) {
				tb.Errorf("secret %q appears in %s", s, k)
			}
		}
	}
	for k, v := range wlPublic(w) {
		for _, leftover := range []string{"${resources.", "${metadata.", "🔐💬"} {
			if strings.Contains(v, leftover) {
				tb.Errorf("%s holds an unresolved %q", k, leftover)
			}
		}
	}
	return project
}

// pjText is the stable text form of a rendered project (the golden file format), as wlText's.
func pjText(out *Project) string {
	w := pjAsWorkload(out)
	text := wlText(w)
	// wlText ends with the workload's own service and state; a project lists every service.
	text, _, _ = strings.Cut(text, "=== service\n")
	var b strings.Builder
	b.WriteString(strings.Replace(text, "# workload \n", "# project\n", 1))
	for _, name := range wlSortedKeys(out.Services) {
		s := out.Services[name]
		fmt.Fprintf(&b, "=== service: %s\nname: %s\nhostname: %s\n", name, s.Name, s.Hostname)
		for _, k := range wlSortedKeys(s.Ports) {
			p := s.Ports[k]
			fmt.Fprintf(&b, "ports.%s: port=%d target_port=%d protocol=%s\n", k, p.Port, p.TargetPort, p.Protocol)
		}
	}
	for _, uid := range wlSortedKeys(out.ResourceOutputs) {
		ro := out.ResourceOutputs[uid]
		fmt.Fprintf(&b, "=== resource_outputs: %s\n", uid)
		for _, k := range wlSortedKeys(ro.Outputs) {
			fmt.Fprintf(&b, "outputs.%s: %q\n", k, ro.Outputs[k])
		}
		for _, k := range wlSortedKeys(ro.Secrets) {
			fmt.Fprintf(&b, "secrets.%s: %q\n", k, ro.Secrets[k])
		}
	}
	state, err := json.MarshalIndent(out.State, "", "  ")
	if err != nil {
		state = []byte("error: " + err.Error())
	}
	b.WriteString("=== state\n" + string(state) + "\n")
	for _, m := range out.Messages {
		b.WriteString("=== message\n" + m + "\n")
	}
	return b.String()
}

// TestProjectGolden renders each testdata/project/<name>/*.score.yaml as one project for both
// targets (built-in library, seeded random source) and compares the whole output with
// testdata/project/<name>/golden.<target>.txt (`-update` rewrites them).
func TestProjectGolden(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "project", "*"))
	seen := 0
	for _, dir := range dirs {
		if files, _ := filepath.Glob(filepath.Join(dir, "*.score.yaml")); len(files) == 0 {
			continue
		}
		seen++
		for _, target := range wlTargets {
			t.Run(filepath.Base(dir)+"/"+string(target), func(t *testing.T) {
				out := pjRender(t, target, ProjectRequest{Workloads: pjLoadDir(t, dir, "*.score.yaml"), Random: wlRandom(42)})
				pjCheck(t, target, out)
				got := pjText(out)
				file := filepath.Join(dir, "golden."+string(target)+".txt")
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
	if seen == 0 {
		t.Fatal("no project under testdata/project")
	}
}

// pjExampleChecks are the checks of each score-compose example with several workloads, rendered
// as one project.
var pjExampleChecks = map[string]func(t *testing.T, target targets.Target, out *Project, compose *composetypes.Project){
	"04-multiple-workloads": func(t *testing.T, target targets.Target, out *Project, compose *composetypes.Project) {
		pjWantWorkloads(t, target, out, compose, "hello-world", "hello-world-2")
	},
	// Two workloads declare one redis (id main-cache): one server, seen by both; workload-two's
	// own redis is another.
	"06-resource-provisioning": func(t *testing.T, target targets.Target, out *Project, compose *composetypes.Project) {
		pjWantWorkloads(t, target, out, compose, "workload-one", "workload-two")
		shared := out.ResourceOutputs["redis.default#main-cache"]
		own := out.ResourceOutputs["redis.default#workload-two.cache-c"]
		if shared.Outputs["host"] == "" || own.Outputs["host"] == "" || shared.Outputs["host"] == own.Outputs["host"] {
			t.Fatalf("resource outputs %v: want the shared redis and workload-two's own, on different hosts", wlSortedKeys(out.ResourceOutputs))
		}
		if len(out.ResourceOutputs) != 2 {
			t.Errorf("resource outputs %v: want exactly two redis resources", wlSortedKeys(out.ResourceOutputs))
		}
		if target == targets.Compose {
			one := compose.Services["workload-one-example"].Environment["CONNECTION"]
			two := compose.Services["workload-two-example"].Environment["CONNECTION_A"]
			if one == nil || two == nil || *one != *two || !strings.Contains(*one, "@"+shared.Outputs["host"]+":") {
				t.Errorf("CONNECTION %v and CONNECTION_A %v: want both on the shared redis %s", one, two, shared.Outputs["host"])
			}
			redis := 0
			for _, svc := range compose.Services {
				if strings.HasPrefix(svc.Image, "redis") {
					redis++
				}
			}
			if redis != 2 {
				t.Errorf("%d redis services, want 2 (the shared one once)", redis)
			}
		}
	},
	// workload-b reaches workload-a through a service-port resource: in compose it waits for it.
	"08-service-port-resource": func(t *testing.T, target targets.Target, out *Project, compose *composetypes.Project) {
		pjWantWorkloads(t, target, out, compose, "workload-a", "workload-b")
		sp := out.ResourceOutputs["service-port.default#workload-b.dependency"]
		want := map[targets.Target]string{targets.Compose: "80", targets.Kubernetes: "8080"}[target]
		if sp.Outputs["hostname"] != "workload-a" || sp.Outputs["port"] != want {
			t.Errorf("service-port outputs %v, want hostname workload-a and port %s", sp.Outputs, want)
		}
		if target == targets.Compose {
			dep, ok := compose.Services["workload-b-example"].DependsOn["workload-a-example"]
			if !ok || dep.Condition != composetypes.ServiceConditionHealthy {
				t.Errorf("workload-b depends_on %v: want workload-a-example (healthy: it has a readiness probe)", compose.Services["workload-b-example"].DependsOn)
			}
			url := compose.Services["workload-b-example"].Environment["DEPENDENCY_URL"]
			if url == nil || *url != "http://workload-a:80" {
				t.Errorf("DEPENDENCY_URL %v", url)
			}
		}
	},
}

// pjWantWorkloads checks every named workload rendered: a service per container (compose), a
// Deployment (kubernetes), and a service output.
func pjWantWorkloads(t *testing.T, target targets.Target, out *Project, compose *composetypes.Project, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, ok := out.Services[name]; !ok {
			t.Errorf("no service output for workload %s", name)
		}
		switch target {
		case targets.Compose:
			found := false
			for _, svc := range compose.Services {
				if svc.Hostname == name {
					found = true
				}
			}
			if !found {
				t.Errorf("no compose service with hostname %s", name)
			}
		case targets.Kubernetes:
			if _, ok := out.Manifests["apps/v1/Deployment/"+wlNamespace+"/"+name]; !ok {
				t.Errorf("no Deployment for %s in %v", name, wlSortedKeys(out.Manifests))
			}
		}
	}
}

func TestConformanceProjects(t *testing.T) {
	root := wlExamplesDir(t)
	dirs, _ := filepath.Glob(filepath.Join(root, "*"))
	seen := 0
	for _, dir := range dirs {
		if files, _ := filepath.Glob(filepath.Join(dir, "score*.yaml")); len(files) < 2 {
			continue
		}
		name := filepath.Base(dir)
		check, ok := pjExampleChecks[name]
		if !ok {
			t.Errorf("example %s has several workloads but no project checks here", name)
			continue
		}
		seen++
		for _, target := range wlTargets {
			t.Run(name+"/"+string(target), func(t *testing.T) {
				out := pjRender(t, target, ProjectRequest{Workloads: pjLoadDir(t, dir, "score*.yaml"), Random: wlRandom(7)})
				check(t, target, out, pjCheck(t, target, out))
			})
		}
	}
	if seen != len(pjExampleChecks) {
		t.Errorf("%d examples with several workloads found, %d checked", seen, len(pjExampleChecks))
	}
}

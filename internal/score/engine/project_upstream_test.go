package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Differential tests against the real upstream tools: the same score files, rendered as one
// project by score-compose and score-k8s (built from source; tools/upstream regenerates the
// committed outputs under testdata/project/*/upstream and testdata/project/conformance) and by
// us, give the same workloads, the same kinds of resource servers, and the same resolved
// environment once upstream's generated names are mapped to ours.
//
// Documented differences, not compared: names of resource objects and the values generated for
// them (ours are deterministic and readable, upstream's random); score-compose's
// `wait-for-resources` service and postgres `-init` job (our workloads wait for their own
// resources' servers, and our postgres creates its database itself); the secret form in
// Kubernetes (both keep secret values in Secrets, under different names).

// pjUpstream is one upstream tool's output for a project.
type pjUpstream struct {
	// outputs are the resources' outputs by uid, from the tool's state.yaml.
	outputs map[string]map[string]any
}

func pjReadUpstreamState(t *testing.T, file string) pjUpstream {
	t.Helper()
	var st struct {
		Resources map[string]struct {
			Outputs map[string]any `yaml:"outputs"`
		} `yaml:"resources"`
	}
	pjReadYAML(t, file, &st)
	up := pjUpstream{outputs: map[string]map[string]any{}}
	for uid, r := range st.Resources {
		up.outputs[uid] = r.Outputs
	}
	return up
}

func pjReadYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// renames maps each upstream output value to ours for the same uid and key, longest first so
// that a value holding another is replaced whole. Values that are the same need no mapping.
func (up pjUpstream) renames(ours map[string]ResourceOutputs) *strings.Replacer {
	type pair struct{ from, to string }
	var pairs []pair
	for uid, outputs := range up.outputs {
		o, ok := ours[uid]
		if !ok {
			continue
		}
		for k, v := range outputs {
			mine, ok := o.Outputs[k]
			if !ok {
				mine, ok = o.Secrets[k]
			}
			from := fmt.Sprint(v)
			if ok && from != mine && !strings.Contains(from, "🔐") {
				pairs = append(pairs, pair{from, mine})
			}
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if len(pairs[i].from) != len(pairs[j].from) {
			return len(pairs[i].from) > len(pairs[j].from)
		}
		return pairs[i].from < pairs[j].from
	})
	var args []string
	for _, p := range pairs {
		args = append(args, p.from, p.to)
	}
	return strings.NewReplacer(args...)
}

// pjProjects are the projects with upstream outputs: score files here or in ../shared.
func pjUpstreamProjects(t *testing.T) map[string]string {
	projects := map[string]string{"shop": filepath.Join("testdata", "project", "shop")}
	root := wlExamplesDir(t)
	for name := range pjExampleChecks {
		projects[name] = filepath.Join(root, name)
	}
	return projects
}

// pjUpstreamDir is where a project's upstream outputs are.
func pjUpstreamDir(name string) string {
	if name == "shop" {
		return filepath.Join("testdata", "project", "shop", "upstream")
	}
	return filepath.Join("testdata", "project", "conformance", name)
}

func pjPattern(name string) string {
	if name == "shop" {
		return "*.score.yaml"
	}
	return "score*.yaml"
}

var pjDollarVar = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)

func TestProjectMatchesScoreCompose(t *testing.T) {
	for name, dir := range pjUpstreamProjects(t) {
		t.Run(name, func(t *testing.T) {
			upDir := filepath.Join(pjUpstreamDir(name), "score-compose")
			up := pjReadUpstreamState(t, filepath.Join(upDir, "state.yaml"))
			var upDoc struct {
				Services map[string]struct {
					Hostname    string            `yaml:"hostname"`
					Image       string            `yaml:"image"`
					Annotations map[string]string `yaml:"annotations"`
					Labels      map[string]string `yaml:"labels"`
					Environment map[string]string `yaml:"environment"`
					Command     []string          `yaml:"command"`
				} `yaml:"services"`
			}
			pjReadYAML(t, filepath.Join(upDir, "compose.yaml"), &upDoc)

			out := pjRender(t, targets.Compose, ProjectRequest{Workloads: pjLoadDir(t, dir, pjPattern(name)), Random: wlRandom(3)})
			ours := pjCheck(t, targets.Compose, out)
			env, err := dotenv.UnmarshalBytesWithLookup([]byte(out.ComposeEnv), nil)
			if err != nil {
				t.Fatal(err)
			}
			rename := up.renames(out.ResourceOutputs)

			upServers, ourServers := map[string]int{}, map[string]int{}
			for svcName, svc := range upDoc.Services {
				workload := svc.Annotations["compose.score.dev/workload-name"]
				if workload == "" {
					if svcName != "wait-for-resources" && svc.Labels["dev.score.compose.labels.is-init-container"] != "true" {
						upServers[pjImageRole(svc.Image)]++
					}
					continue
				}
				mine, ok := ours.Services[svcName]
				if !ok {
					t.Errorf("score-compose has service %s (workload %s); we do not", svcName, workload)
					continue
				}
				if mine.Hostname != svc.Hostname || mine.Image != svc.Image {
					t.Errorf("service %s: hostname %q image %q, score-compose %q %q", svcName, mine.Hostname, mine.Image, svc.Hostname, svc.Image)
				}
				for k, v := range svc.Environment {
					got := mine.Environment[k]
					if got == nil {
						t.Errorf("service %s: no variable %s (score-compose: %q)", svcName, k, v)
						continue
					}
					resolved := pjDollarVar.ReplaceAllStringFunc(*got, func(ref string) string { return env[ref[2:len(ref)-1]] })
					if want := rename.Replace(v); resolved != want {
						t.Errorf("service %s: %s = %q, score-compose's mapped to our names: %q", svcName, k, resolved, want)
					}
				}
				if len(mine.Environment) != len(svc.Environment) {
					t.Errorf("service %s: %d variables, score-compose %d", svcName, len(mine.Environment), len(svc.Environment))
				}
			}
			for svcName, svc := range ours.Services {
				if svc.Annotations["compose.score.dev/workload-name"] == "" {
					ourServers[pjImageRole(svc.Image)]++
				} else if _, ok := upDoc.Services[svcName]; !ok {
					t.Errorf("we have workload service %s; score-compose does not", svcName)
				}
			}
			if fmt.Sprint(upServers) != fmt.Sprint(ourServers) {
				t.Errorf("resource servers by image: ours %v, score-compose %v", ourServers, upServers)
			}
		})
	}
}

// pjImageRole is an image without registry and tag: what kind of server it runs.
func pjImageRole(image string) string {
	image = image[strings.LastIndex(image, "/")+1:]
	role, _, _ := strings.Cut(image, ":")
	return role
}

// pjObject is the part of a Kubernetes object the comparison reads.
type pjObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Ports []struct {
			Port       int `yaml:"port"`
			TargetPort any `yaml:"targetPort"`
		} `yaml:"ports"`
		Template struct {
			Spec struct {
				Containers []struct {
					Name  string `yaml:"name"`
					Image string `yaml:"image"`
					Env   []struct {
						Name      string         `yaml:"name"`
						Value     *string        `yaml:"value"`
						ValueFrom map[string]any `yaml:"valueFrom"`
					} `yaml:"env"`
				} `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

func pjDecodeObjects(t *testing.T, docs []string) []pjObject {
	t.Helper()
	var objs []pjObject
	for _, d := range docs {
		var o pjObject
		if err := yaml.Unmarshal([]byte(d), &o); err != nil {
			t.Fatal(err)
		}
		if o.Kind != "" {
			objs = append(objs, o)
		}
	}
	return objs
}

func TestProjectMatchesScoreK8s(t *testing.T) {
	for name, dir := range pjUpstreamProjects(t) {
		t.Run(name, func(t *testing.T) {
			upDir := filepath.Join(pjUpstreamDir(name), "score-k8s")
			up := pjReadUpstreamState(t, filepath.Join(upDir, "state.yaml"))
			raw, err := os.ReadFile(filepath.Join(upDir, "manifests.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			upObjs := pjDecodeObjects(t, strings.Split(string(raw), "\n---\n"))

			out := pjRender(t, targets.Kubernetes, ProjectRequest{Workloads: pjLoadDir(t, dir, pjPattern(name)), Random: wlRandom(3)})
			pjCheck(t, targets.Kubernetes, out)
			var docs []string
			for _, m := range []map[string]string{out.Manifests, out.SecretManifests} {
				for _, d := range m {
					docs = append(docs, d)
				}
			}
			ourObjs := pjDecodeObjects(t, docs)
			rename := up.renames(out.ResourceOutputs)
			workloads := map[string]bool{}
			for n := range out.Services {
				workloads[n] = true
			}

			// Workload objects keep their names; resource objects are counted by kind.
			kinds := func(objs []pjObject) (map[string]pjObject, map[string]int) {
				named, counted := map[string]pjObject{}, map[string]int{}
				for _, o := range objs {
					switch {
					case workloads[o.Metadata.Name] && (o.Kind == "Deployment" || o.Kind == "StatefulSet" || o.Kind == "Service"):
						named[o.Kind+"/"+o.Metadata.Name] = o
					case o.Kind == "Secret" || o.Kind == "ConfigMap":
						// Secret and file objects differ in number by design (see above).
					default:
						counted[o.Kind]++
					}
				}
				return named, counted
			}
			upNamed, upCounted := kinds(upObjs)
			ourNamed, ourCounted := kinds(ourObjs)
			if fmt.Sprint(upCounted) != fmt.Sprint(ourCounted) {
				t.Errorf("resource objects by kind: ours %v, score-k8s %v", ourCounted, upCounted)
			}
			for key, u := range upNamed {
				o, ok := ourNamed[key]
				if !ok {
					t.Errorf("score-k8s has %s; we do not", key)
					continue
				}
				pjCompareWorkloadObject(t, key, u, o, rename)
			}
			for key := range ourNamed {
				if _, ok := upNamed[key]; !ok {
					t.Errorf("we have %s; score-k8s does not", key)
				}
			}
		})
	}
}

// pjCompareWorkloadObject compares a workload's Deployment or Service: ports, images, and every
// variable (a plain value equal once upstream names are mapped to ours; a secret one secret in
// both).
func pjCompareWorkloadObject(t *testing.T, key string, up, ours pjObject, rename *strings.Replacer) {
	t.Helper()
	if fmt.Sprint(up.Spec.Ports) != fmt.Sprint(ours.Spec.Ports) {
		t.Errorf("%s: ports %v, score-k8s %v", key, ours.Spec.Ports, up.Spec.Ports)
	}
	mine := map[string]int{}
	for i, c := range ours.Spec.Template.Spec.Containers {
		mine[c.Name] = i
	}
	for _, uc := range up.Spec.Template.Spec.Containers {
		i, ok := mine[uc.Name]
		if !ok {
			t.Errorf("%s: no container %s", key, uc.Name)
			continue
		}
		oc := ours.Spec.Template.Spec.Containers[i]
		if oc.Image != uc.Image {
			t.Errorf("%s: container %s image %q, score-k8s %q", key, uc.Name, oc.Image, uc.Image)
		}
		ourEnv := map[string]int{}
		for j, e := range oc.Env {
			ourEnv[e.Name] = j
		}
		for _, ue := range uc.Env {
			if strings.HasPrefix(ue.Name, "__ref_") {
				continue // score-k8s's hidden variable for a secret inside a longer value
			}
			j, ok := ourEnv[ue.Name]
			if !ok {
				t.Errorf("%s: container %s has no variable %s", key, uc.Name, ue.Name)
				continue
			}
			oe := oc.Env[j]
			upSecret := ue.ValueFrom != nil || (ue.Value != nil && strings.Contains(*ue.Value, "$(__ref_"))
			ourSecret := oe.ValueFrom != nil
			switch {
			case upSecret != ourSecret:
				t.Errorf("%s: %s is secret in score-k8s: %v, in ours: %v", key, ue.Name, upSecret, ourSecret)
			case !upSecret && rename.Replace(*ue.Value) != *oe.Value:
				t.Errorf("%s: %s = %q, score-k8s's mapped to our names: %q", key, ue.Name, *oe.Value, rename.Replace(*ue.Value))
			}
		}
	}
}

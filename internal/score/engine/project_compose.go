package engine

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Publish publishes a container port on a host port (score-compose's --publish): of a workload's
// service, or of the service a resource output names (a database's `host`).
type Publish struct {
	HostPort int
	// Workload names a workload; else UID and Output name a resource output whose value is a
	// service name.
	Workload      string
	UID, Output   string
	ContainerPort int
}

// ParsePublish reads score-compose's `HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT`
// (`8080:web:80`, `5432:postgres#orders-db.host:5432`; a uid without class means class default).
func ParsePublish(s string) (Publish, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 3 {
		return Publish{}, fmt.Errorf("%q is not HOST_PORT:<workload, or resource uid.output>:CONTAINER_PORT", s)
	}
	host, err := portNumber(parts[0])
	if err != nil {
		return Publish{}, fmt.Errorf("%q: host port: %w", s, err)
	}
	container, err := portNumber(parts[len(parts)-1])
	if err != nil {
		return Publish{}, fmt.Errorf("%q: container port: %w", s, err)
	}
	p := Publish{HostPort: host, ContainerPort: container}
	ref := strings.Join(parts[1:len(parts)-1], ":")
	if ref == "" {
		return Publish{}, fmt.Errorf("%q: names no workload or resource uid.output between the ports", s)
	}
	if !strings.Contains(ref, "#") {
		p.Workload = ref
		return p, nil
	}
	dot := strings.LastIndex(ref, ".")
	hash := strings.Index(ref, "#")
	if dot < hash || dot == len(ref)-1 {
		return Publish{}, fmt.Errorf("%q: %q names a resource but no output (write <uid>.<output>, e.g. postgres.default#db.host)", s, ref)
	}
	p.UID, p.Output = ref[:dot], ref[dot+1:]
	if typ, rest, _ := strings.Cut(p.UID, "#"); !strings.Contains(typ, ".") {
		p.UID = typ + ".default#" + rest
	}
	return p, nil
}

func portNumber(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a port number (1-65535)", s)
	}
	return n, nil
}

// Build builds a workload container's image (score-compose's --build): the service gets
// compose's `build` and no `image`.
type Build struct {
	Workload, Container string
	// Context is a build context (a path or URL), or a compose build object.
	Context any
}

// ParseBuild reads a `<workload>.<container>` key and its value: a build context, or (starting
// with `{`) a compose build object in YAML or JSON, as score-compose's --build takes it.
func ParseBuild(key, value string) (Build, error) {
	workload, container, ok := strings.Cut(key, ".")
	if !ok || workload == "" || container == "" {
		return Build{}, fmt.Errorf("%q is not <workload>.<container>", key)
	}
	b := Build{Workload: workload, Container: container, Context: map[string]any{"context": value}}
	if strings.HasPrefix(strings.TrimSpace(value), "{") {
		var obj map[string]any
		if err := yaml.Unmarshal([]byte(value), &obj); err != nil {
			return Build{}, fmt.Errorf("%q: the build object does not parse: %v", key, err)
		}
		b.Context = obj
	}
	if value == "" {
		return Build{}, fmt.Errorf("%q: the build context is empty", key)
	}
	return b, nil
}

// OptionError is a problem with a project option (publish, build, namespace, generate_namespace):
// with one list entry (Index ≥ 0), one map entry (Key) or the option as a whole (Index -1, no Key).
type OptionError struct {
	Option string
	Index  int
	Key    string
	Err    error
}

func (e *OptionError) Error() string { return e.Err.Error() }
func (e *OptionError) Unwrap() error { return e.Err }

// renderCompose assembles one compose project: every resource's services once (in provisioning
// order), a service per container of each workload, the waits between them, then builds and
// published ports.
func (out *Project) renderCompose(ctx context.Context, s Settings, req ProjectRequest, res *resources.Project, steps []patchStep) error {
	workloads := sortedWorkloads(req.Workloads)
	var secrets []resources.SecretOutput
	for _, w := range workloads {
		secrets = append(secrets, res.Workloads[w.Name()].SecretOutputs()...)
	}
	p := compose.NewProject(s.ComposeProjectName, render.MountsDirectory, secrets)
	problems := ProjectProblems{}
	for _, uid := range res.Order {
		if r := res.Resources[uid]; r.Provisioned != nil {
			if list := p.AddResource([]string{"resources", r.Name}, uid, r.Provisioned.Compose, r.Provisioned.SharedInstance); len(list) > 0 {
				problems[r.SourceWorkload] = append(problems[r.SourceWorkload], list...)
			}
		}
	}
	for _, w := range workloads {
		list, warnings := p.AddWorkload(compose.WorkloadInput{
			Workload: w, Resources: res.Workloads[w.Name()], ComposeProjectName: s.ComposeProjectName, MountsDirectory: render.MountsDirectory,
		})
		if len(list) > 0 {
			problems[w.Name()] = append(problems[w.Name()], list...)
		}
		for _, warning := range warnings {
			out.Messages = append(out.Messages, fmt.Sprintf("workload %q: %s", w.Name(), warning))
		}
	}
	if len(problems) > 0 {
		return problems
	}
	deps, skipped := workloadDependencies(workloads, res)
	out.Messages = append(out.Messages, skipped...)
	for _, name := range slices.Sorted(maps.Keys(deps)) {
		p.DependOn(name, deps[name])
	}
	for _, b := range req.Builds {
		if err := p.Build(b.Workload, b.Container, b.Context); err != nil {
			return &OptionError{Option: "build", Index: -1, Key: b.Workload + "." + b.Container, Err: err}
		}
	}
	published := make([]published, len(req.Publish))
	for i, pub := range req.Publish {
		var err error
		if published[i], err = publishTarget(p, pub, res); err != nil {
			return &OptionError{Option: "publish", Index: i, Err: err}
		}
	}
	var rendered compose.Rendered
	var err error
	if len(steps) == 0 {
		if err := publishAll(p.Document(), published); err != nil {
			return err
		}
		rendered, err = p.Render()
	} else {
		// As in score-compose, ports are published after the patch templates ran.
		rendered, err = patchCompose(ctx, steps, p, s.ComposeProjectName, workloadSpecs(req.Workloads...), func(doc map[string]any) error {
			return publishAll(doc, published)
		})
	}
	if err != nil {
		return err
	}
	out.ComposeYAML, out.ComposeEnv, out.Files, out.SecretFiles = rendered.YAML, rendered.Env, rendered.Files, rendered.SecretFiles
	out.BinaryFiles = rendered.BinaryFiles
	return nil
}

// published is a port to publish: a service's container port on a host port.
type published struct {
	where         string
	service       string
	hostPort      int
	containerPort int
}

// publishTarget finds the service a publish entry names.
func publishTarget(p *compose.Project, pub Publish, res *resources.Project) (published, error) {
	var service string
	where := fmt.Sprintf("publish %d:%s:%d", pub.HostPort, pub.Workload, pub.ContainerPort)
	if pub.Workload != "" {
		if _, ok := res.Workloads[pub.Workload]; !ok {
			return published{}, fmt.Errorf("%s: no workload is named %q (workloads: %s)", where, pub.Workload, strings.Join(slices.Sorted(maps.Keys(res.Workloads)), ", "))
		}
		service = p.PrimaryService(pub.Workload)
		if service == "" {
			return published{}, fmt.Errorf("%s: workload %q has no service that other containers share", where, pub.Workload)
		}
	} else {
		where = fmt.Sprintf("publish %d:%s.%s:%d", pub.HostPort, pub.UID, pub.Output, pub.ContainerPort)
		r, ok := res.Resources[pub.UID]
		if !ok {
			return published{}, fmt.Errorf("%s: no resource has uid %q", where, pub.UID)
		}
		name, ok := r.Outputs[pub.Output].(string)
		if !ok || r.Secret[pub.Output] {
			return published{}, fmt.Errorf("%s: resource '%s' has no non-secret text output %q naming a service", where, pub.UID, pub.Output)
		}
		service = name
	}
	return published{where: where, service: service, hostPort: pub.HostPort, containerPort: pub.ContainerPort}, nil
}

// publishAll publishes the ports in the compose document doc.
func publishAll(doc map[string]any, ports []published) error {
	services, _ := doc["services"].(map[string]any)
	for i, pub := range ports {
		if err := compose.Publish(services, pub.service, strconv.Itoa(pub.hostPort), pub.containerPort); err != nil {
			return &OptionError{Option: "publish", Index: i, Err: fmt.Errorf("%s: %w", pub.where, err)}
		}
	}
	return nil
}

// workloadDependencies are, by workload, the other workloads it waits for: those a provisioned
// resource of it points at (a `host` or `hostname` output holding their host name, as a
// service-port resource's does). An edge that would close a cycle (compose refuses them) is left
// out, with a message.
func workloadDependencies(workloads []*loader.Workload, res *resources.Project) (map[string][]string, []string) {
	byHost := map[string]string{}
	for _, w := range workloads {
		byHost[resources.ServiceName(w, targets.Compose)] = w.Name()
	}
	deps := map[string][]string{}
	var skipped []string
	for _, w := range workloads {
		result := res.Workloads[w.Name()]
		seen := map[string]bool{}
		for _, rname := range result.Order {
			r := result.Resources[rname]
			if r == nil || r.Provisioned == nil {
				continue
			}
			for _, key := range []string{"host", "hostname"} {
				host, _ := r.Outputs[key].(string)
				other, ok := byHost[host]
				if !ok || other == w.Name() || seen[other] {
					continue
				}
				seen[other] = true
				if reaches(deps, other, w.Name()) {
					skipped = append(skipped, fmt.Sprintf("workload %q: does not wait for workload %q (resource %q), which already waits for it", w.Name(), other, rname))
					continue
				}
				deps[w.Name()] = append(deps[w.Name()], other)
			}
		}
	}
	return deps, skipped
}

// reaches tells whether from waits, directly or not, for to.
func reaches(deps map[string][]string, from, to string) bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == to {
			return true
		}
		if !seen[n] {
			seen[n] = true
			stack = append(stack, deps[n]...)
		}
	}
	return false
}

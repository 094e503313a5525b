package compose

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Project is a compose project being assembled: what provisioned resources add, then a service
// per container of each workload. A single workload is a project of one.
type Project struct {
	name, mounts string
	services     map[string]any
	configs      map[string]any
	volumes      map[string]any
	networks     map[string]any
	models       map[string]any
	// owners say who defined each service ("resource 'uid'" or "workload \"name\""); writers who
	// wrote each resource service, volume, network, model and file ("service <name>", "file <path>").
	owners  map[string]string
	writers map[string]writer
	// servicesOf and modelsOf are the services and models each resource uid added.
	servicesOf  map[string][]string
	modelsOf    map[string][]string
	files       map[string]string
	binaryFiles map[string]string
	environment map[string]bool
	secrets     []Secret
	secretVars  map[SecretRef]string
	redactor    *Redactor
}

// NewProject starts a project named name whose provisioner files go to mounts; secrets are
// every secret output any of its workloads can refer to (their variables are decided together,
// so one output has one variable project-wide).
func NewProject(name, mounts string, secrets []resources.SecretOutput) *Project {
	p := &Project{
		name: name, mounts: mounts, services: map[string]any{}, configs: map[string]any{},
		volumes: map[string]any{}, networks: map[string]any{}, models: map[string]any{},
		owners: map[string]string{}, writers: map[string]writer{}, servicesOf: map[string][]string{}, modelsOf: map[string][]string{},
		files: map[string]string{}, binaryFiles: map[string]string{}, environment: map[string]bool{},
	}
	refs := make([]SecretRef, len(secrets))
	for i, o := range secrets {
		refs[i] = SecretRef{UID: o.UID, Key: o.Key}
	}
	p.secretVars = Variables(refs)
	seen := map[SecretRef]bool{}
	for i, o := range secrets {
		if o.Value != "" && !seen[refs[i]] {
			seen[refs[i]] = true
			p.secrets = append(p.secrets, Secret{Variable: p.secretVars[refs[i]], Value: o.Value})
		}
	}
	sort.Slice(p.secrets, func(i, j int) bool { return p.secrets[i].Variable < p.secrets[j].Variable })
	p.redactor = NewRedactor(p.secrets)
	return p
}

// AddResource merges what a provisioned resource adds, its secret values as references. A name
// another resource already gave different content is a problem, unless both keep a shared
// instance (provisioner.Definition.KeepsSharedInstance): then, as in score-compose, the last
// writer wins (the router every route re-renders ends as the last route wrote it). at is where
// the resource is declared, for problems.
func (p *Project) AddResource(at []string, uid string, art provisioner.ComposeArtifacts, shared bool) problem.List {
	var problems problem.List
	for _, section := range []struct {
		what string
		from map[string]any
		into map[string]any
	}{
		{"service", NormalizeServices(art.Services), p.services}, {"volume", art.Volumes, p.volumes},
		{"network", art.Networks, p.networks}, {"model", art.Models, p.models},
	} {
		for _, key := range slices.Sorted(maps.Keys(section.from)) {
			value := p.redactor.Redact(section.from[key])
			if prev, dup := section.into[key]; dup && !p.mayReplace(section.what+" "+key, shared) && !equalYAML(prev, value) {
				problems.Add(at, fmt.Sprintf("%s %q is also defined, differently, by %s", section.what, key, p.writers[section.what+" "+key].owner))
				continue
			}
			section.into[key] = value
			p.writers[section.what+" "+key] = writer{owner: fmt.Sprintf("resource '%s'", uid), shared: shared}
			switch section.what {
			case "service":
				p.owners[key] = fmt.Sprintf("resource '%s'", uid)
				p.servicesOf[uid] = append(p.servicesOf[uid], key)
			case "model":
				p.modelsOf[uid] = append(p.modelsOf[uid], key)
			}
		}
	}
	for _, file := range slices.Sorted(maps.Keys(art.Files)) {
		s, err := placeholder.Stringify(art.Files[file])
		if err != nil || !localPath(file) {
			problems.Add(at, fmt.Sprintf("file %q must be a relative path inside the mounts directory with text content", file))
			continue
		}
		target := path.Join(p.mounts, file)
		if prev, dup := p.files[target]; dup && !p.mayReplace("file "+target, shared) && prev != s {
			problems.Add(at, fmt.Sprintf("file %q is also written, differently, by %s", file, p.writers["file "+target].owner))
			continue
		}
		p.files[target] = s
		p.writers["file "+target] = writer{owner: fmt.Sprintf("resource '%s'", uid), shared: shared}
	}
	return problems
}

// writer is the resource that wrote a name, and whether it keeps a shared instance.
type writer struct {
	owner  string
	shared bool
}

// mayReplace tells whether a resource (shared: keeping a shared instance) may replace what was
// written under name.
func (p *Project) mayReplace(name string, shared bool) bool {
	w, ok := p.writers[name]
	return !ok || (shared && w.shared)
}

// AddResources adds the provisioned resources of one workload, in provisioning order.
func (p *Project) AddResources(res *resources.Result) problem.List {
	var problems problem.List
	for _, name := range res.Order {
		if r := res.Resources[name]; r.Provisioned != nil {
			problems = append(problems, p.AddResource([]string{"resources", name}, r.UID, r.Provisioned.Compose, r.Provisioned.SharedInstance)...)
		}
	}
	return problems
}

// AddWorkload adds a service per container of the workload, each waiting for the services its
// resources added. It returns the problems (paths in the score file) and what the render could
// not honour.
func (p *Project) AddWorkload(in WorkloadInput) (problem.List, []string) {
	r := &workloadRenderer{p: p, in: in, spec: in.Workload.Spec, name: in.Workload.Name()}
	r.httpTool = r.annotation(HTTPHealthcheckAnnotation)
	if r.httpTool != "" && !httpTools[r.httpTool] {
		r.problem([]string{"metadata", "annotations", HTTPHealthcheckAnnotation}, "must be \"wget\" or \"curl\", not %q", r.httpTool)
	}
	r.resourceServices, r.models = map[string]string{}, map[string]bool{}
	for _, name := range in.Resources.Order {
		res := in.Resources.Resources[name]
		if res == nil || res.Provisioned == nil {
			continue
		}
		for _, svc := range p.servicesOf[res.UID] {
			r.resourceServices[svc] = waitCondition(p.services[svc])
		}
		for _, m := range p.modelsOf[res.UID] {
			r.models[m] = true
		}
	}
	r.addContainers()
	r.problems.Sort()
	sort.Strings(r.warnings)
	return r.problems, r.warnings
}

// DependOn has every service of workload wait for the primary service of each of others (started,
// or healthy when it has a healthcheck): a workload whose resources lead to another waits for it.
func (p *Project) DependOn(workload string, others []string) {
	for name, svc := range p.services {
		if p.owners[name] != workloadOwner(workload) {
			continue
		}
		m := svc.(map[string]any)
		deps, _ := m["depends_on"].(map[string]any)
		for _, other := range others {
			target := p.PrimaryService(other)
			if target == "" {
				continue
			}
			if deps == nil {
				deps = map[string]any{}
				m["depends_on"] = deps
			}
			deps[target] = dependency(waitCondition(p.services[target]))
		}
	}
}

// PrimaryService is the service whose hostname is the workload's name ("" if none).
func (p *Project) PrimaryService(workload string) string {
	for name, svc := range p.services {
		if p.owners[name] == workloadOwner(workload) && svc.(map[string]any)["hostname"] == workload {
			return name
		}
	}
	return ""
}

// Publish publishes a service's container port on a host port ("8080", or "127.0.0.1:8080").
func (p *Project) Publish(service string, hostPort string, containerPort int) error {
	return Publish(p.services, service, hostPort, containerPort)
}

// Publish publishes a container port of one of services on a host port.
func Publish(services map[string]any, service string, hostPort string, containerPort int) error {
	svc, ok := services[service].(map[string]any)
	if !ok {
		return fmt.Errorf("no service %q", service)
	}
	ports, _ := svc["ports"].([]any)
	svc["ports"] = append(ports, map[string]any{"target": containerPort, "published": hostPort})
	if err := checkHostPorts(services); err != nil {
		svc["ports"] = ports
		return err
	}
	return nil
}

// Build replaces the image of a workload container's service by a build.
func (p *Project) Build(workload, container string, build any) error {
	name := workload + "-" + container
	svc, ok := p.services[name].(map[string]any)
	if !ok || p.owners[name] != workloadOwner(workload) {
		return fmt.Errorf("workload %q has no container %q", workload, container)
	}
	delete(svc, "image")
	svc["build"] = build
	return nil
}

func workloadOwner(name string) string {
	return fmt.Sprintf("workload %q", name)
}

// Render encodes the project: the compose file, the env file with the secret values it refers
// to, and the files to write next to it.
func (p *Project) Render() (Rendered, error) {
	return p.RenderDocument(p.Document())
}

// Document is the compose document assembled so far (sharing its maps with the project).
func (p *Project) Document() map[string]any {
	doc := map[string]any{"name": p.name, "services": p.services}
	for key, section := range map[string]map[string]any{"configs": p.configs, "volumes": p.volumes, "networks": p.networks, "models": p.models} {
		if len(section) > 0 {
			doc[key] = section
		}
	}
	return doc
}

// RenderDocument encodes doc (the project's Document, or what patch templates made of it) as
// Render does: the env file holds the secret values doc refers to; the files are the project's.
func (p *Project) RenderDocument(doc map[string]any) (Rendered, error) {
	services, _ := doc["services"].(map[string]any)
	if err := checkHostPorts(services); err != nil {
		return Rendered{}, err
	}
	text, err := Marshal(doc)
	if err != nil {
		return Rendered{}, err
	}
	var used []Secret
	for _, s := range p.secrets {
		if strings.Contains(text, "${"+s.Variable+"}") {
			used = append(used, s)
		}
	}
	out := Rendered{YAML: text, Env: Dotenv(used), BinaryFiles: p.binaryFiles}
	out.Files, out.SecretFiles = SplitFiles(p.files, Values(p.secrets))
	for v := range p.environment {
		out.Environment = append(out.Environment, v)
	}
	sort.Strings(out.Environment)
	return out, nil
}

// checkHostPorts reports two services publishing one host port and protocol: `docker compose up`
// would start the first and fail on the second (addresses are not compared: a port bound on
// every address collides with any other).
func checkHostPorts(services map[string]any) error {
	users := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(services)) {
		svc, _ := services[name].(map[string]any)
		ports, _ := svc["ports"].([]any)
		for _, port := range ports {
			key := hostPort(port)
			if key == "" {
				continue
			}
			if other, dup := users[key]; dup && other != name {
				return fmt.Errorf("services %q and %q both publish host port %s", other, name, key)
			}
			users[key] = name
		}
	}
	return nil
}

// hostPort is the host side of a published port ("8080/tcp"), "" when it publishes none (or a
// range, left to compose).
func hostPort(port any) string {
	var published, protocol string
	switch t := port.(type) {
	case map[string]any:
		if t["published"] == nil {
			return ""
		}
		published = fmt.Sprint(t["published"])
		protocol, _ = t["protocol"].(string)
	case string:
		spec, proto, _ := strings.Cut(t, "/")
		parts := strings.Split(spec, ":")
		if len(parts) < 2 {
			return ""
		}
		published, protocol = parts[len(parts)-2], proto
	default:
		return ""
	}
	if published == "" || strings.Contains(published, "-") {
		return ""
	}
	if protocol == "" {
		protocol = "tcp"
	}
	return published + "/" + strings.ToLower(protocol)
}

// SecretValues are the secret values the project refers to: none of them may appear in the
// compose document itself.
func (p *Project) SecretValues() secret.Values {
	return Values(p.secrets)
}

package compose

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/score-spec/score-go/types"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
)

// Labels and annotations with meaning here (score-compose's names, so tooling keeps working).
const (
	WorkloadNameAnnotation = "compose.score.dev/workload-name"
	InitContainerLabel     = "dev.score.compose.labels.is-init-container"
	// HTTPHealthcheckAnnotation (ours) opts a workload's httpGet probes in as healthchecks, run
	// with the tool it names ("wget" or "curl"), which the images must have. Without it, only
	// exec probes become healthchecks, as in score-compose: an image without the tool (distroless,
	// scratch) would never turn healthy.
	HTTPHealthcheckAnnotation = "compose.score-tf.dev/http-healthcheck"
)

// httpTools are the values of HTTPHealthcheckAnnotation.
var httpTools = map[string]bool{"wget": true, "curl": true}

// WorkloadInput is a loaded workload with its resolved resources.
type WorkloadInput struct {
	Workload           *loader.Workload
	Resources          *resources.Result
	ComposeProjectName string
	// MountsDirectory is where provisioners' files go, relative to the compose file.
	MountsDirectory string
}

// Rendered is a workload as a compose project.
type Rendered struct {
	// YAML is the compose file; secret values in it are ${VAR} references to Env.
	YAML string
	// Env is dotenv text with the secret values YAML refers to.
	Env string
	// Files and SecretFiles are files to write next to the compose file, by relative path.
	Files       map[string]string
	SecretFiles map[string]string
	// BinaryFiles are files that are not text, base64-encoded (local_file's content_base64).
	BinaryFiles map[string]string
	// Environment lists the variables the project expects from the environment it runs in
	// (references to environment resources), sorted.
	Environment []string
	// Warnings are inputs the render could not honour (an httpGet probe without a healthcheck),
	// sorted.
	Warnings []string
}

// RenderWorkload renders a service per container plus what the provisioned resources add: a
// project of one workload.
func RenderWorkload(in WorkloadInput) (Rendered, error) {
	p, warnings, err := CollectWorkload(in)
	if err != nil {
		return Rendered{}, err
	}
	out, err := p.Render()
	if err != nil {
		return Rendered{}, problem.List{{Message: err.Error()}}
	}
	out.Warnings = warnings
	return out, nil
}

// CollectWorkload assembles what RenderWorkload encodes: a project of one workload, with what
// its resources add; warnings are what the render could not honour.
func CollectWorkload(in WorkloadInput) (*Project, []string, error) {
	p := NewProject(in.ComposeProjectName, in.MountsDirectory, in.Resources.SecretOutputs())
	problems := p.AddResources(in.Resources)
	more, warnings := p.AddWorkload(in)
	if problems = append(problems, more...); len(problems) > 0 {
		problems.Sort()
		return nil, nil, problems
	}
	return p, warnings, nil
}

// workloadRenderer renders one workload's containers into a project.
type workloadRenderer struct {
	p    *Project
	in   WorkloadInput
	spec types.Workload
	name string
	// resourceServices are the services the workload's resources added, with the condition it
	// waits for before starting; models the models they declared.
	resourceServices map[string]string
	models           map[string]bool
	// httpTool runs httpGet probes as healthchecks ("wget" or "curl"); none when empty.
	httpTool string
	problems problem.List
	warnings []string
}

// annotation is the workload's annotation key as text, "" when absent.
func (r *workloadRenderer) annotation(key string) string {
	ann, _ := r.spec.Metadata["annotations"].(map[string]any)
	if v, ok := ann[key]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func (r *workloadRenderer) problem(path []string, format string, args ...any) {
	r.problems.Add(path, fmt.Sprintf(format, args...))
}

// expansionProblem reports a failed expansion, but not placeholder.ErrBudgetSpent: the value
// that spent the workload's budget is already reported, once is enough.
func (r *workloadRenderer) expansionProblem(path []string, err error) {
	if !errors.Is(err, placeholder.ErrBudgetSpent) {
		r.problem(path, "%v", err)
	}
}

func localPath(p string) bool {
	clean := path.Clean(p)
	return clean != "." && !path.IsAbs(clean) && clean != ".." && !strings.HasPrefix(clean, "../")
}

// waitCondition is how a workload waits for a resource's service: until healthy when it has a
// healthcheck, until it completed when it is an init container, else until started.
func waitCondition(service any) string {
	svc, _ := service.(map[string]any)
	if hc, ok := svc["healthcheck"].(map[string]any); ok && hc["disable"] != true {
		return "service_healthy"
	}
	if labels, ok := svc["labels"].(map[string]any); ok && fmt.Sprint(labels[InitContainerLabel]) == "true" {
		return "service_completed_successfully"
	}
	return "service_started"
}

// addContainers renders a service per container, then has each wait for the containers that
// start before it.
func (r *workloadRenderer) addContainers() {
	names := slices.Sorted(maps.Keys(r.spec.Containers))
	primary := r.primaryContainer()
	annotations := map[string]any{WorkloadNameAnnotation: r.name}
	if ann, ok := r.spec.Metadata["annotations"].(map[string]any); ok {
		maps.Copy(annotations, ann)
	}
	for _, cname := range names {
		svcName := r.serviceName(cname)
		if _, dup := r.p.services[svcName]; dup {
			r.problem([]string{"containers", cname}, "service %q is also defined by %s", svcName, r.p.owners[svcName])
			continue
		}
		r.p.services[svcName] = r.container(cname, r.spec.Containers[cname], primary, annotations)
		r.p.owners[svcName] = workloadOwner(r.name)
	}
	r.addStartOrder(names)
}

// primaryContainer owns the network namespace the others share (like a pod), so it must be the
// first to start: the first container in start order that is not an init container.
func (r *workloadRenderer) primaryContainer() string {
	for _, n := range r.in.Workload.StartOrder() {
		if r.in.Workload.StartsFirst(n) != "complete" {
			return n
		}
	}
	return ""
}

// container renders one container as a service.
func (r *workloadRenderer) container(cname string, c types.Container, primary string, annotations map[string]any) map[string]any {
	svc := map[string]any{"image": c.Image, "annotations": annotations}
	switch {
	case cname == primary:
		svc["hostname"] = r.name
	case primary != "" && r.in.Workload.StartsFirst(cname) != "complete":
		svc["network_mode"] = "service:" + r.serviceName(primary)
	}
	if len(c.Command) > 0 {
		svc["entrypoint"] = c.Command
	}
	if len(c.Args) > 0 {
		svc["command"] = c.Args
	}
	if mounts := append(r.containerFiles(cname, c, svc), r.containerVolumes(cname, c)...); len(mounts) > 0 {
		svc["volumes"] = mounts
	}
	r.containerProbes(cname, c, svc)
	r.containerResources(cname, c, svc)
	// Everything so far is meant literally; the environment is the one place with references
	// compose is to fill in, so it escapes its literal parts itself.
	svc = escapeLiterals(svc).(map[string]any)
	r.containerEnv(cname, c, svc)
	// Like score-compose (PR #392): the workload's services use every model its resources
	// declared, each with compose's defaults (`{}`: the endpoint and model variables are derived
	// from the model's name).
	if len(r.models) > 0 {
		uses := map[string]any{}
		for m := range r.models {
			uses[m] = map[string]any{}
		}
		svc["models"] = uses
	}
	if len(r.resourceServices) > 0 {
		deps := map[string]any{}
		for s, cond := range r.resourceServices {
			deps[s] = dependency(cond)
		}
		svc["depends_on"] = deps
	}
	return svc
}

// readyConditions are the compose conditions for Score's before.ready values.
var readyConditions = map[string]string{"started": "service_started", "healthy": "service_healthy", "complete": "service_completed_successfully"}

// addStartOrder has each service wait for the containers it starts after: A.before[B] means B
// starts once A is ready.
func (r *workloadRenderer) addStartOrder(names []string) {
	for _, a := range names {
		for b, entry := range r.spec.Containers[a].Before {
			cond := readyConditions[string(entry.Ready)]
			if cond == "service_healthy" && r.healthcheck(r.spec.Containers[a]) == nil {
				if hasHTTPProbe(r.spec.Containers[a]) {
					r.problem([]string{"containers", a, "before", b}, "ready 'healthy' requires a healthcheck on container %q: its httpGet probe becomes one only with the workload annotation %s: wget or curl (a tool the image has)", a, HTTPHealthcheckAnnotation)
				} else {
					r.problem([]string{"containers", a, "before", b}, "ready 'healthy' requires a readiness or liveness probe on container %q", a)
				}
				continue
			}
			svc, ok := r.p.services[r.serviceName(b)].(map[string]any)
			if !ok {
				continue
			}
			deps, _ := svc["depends_on"].(map[string]any)
			if deps == nil {
				deps = map[string]any{}
				svc["depends_on"] = deps
			}
			deps[r.serviceName(a)] = dependency(cond)
		}
	}
}

func dependency(condition string) map[string]any {
	return map[string]any{"condition": condition, "required": true}
}

func (r *workloadRenderer) serviceName(container string) string {
	return r.name + "-" + container
}

// containerEnv renders the variables: secret values become ${VAR} references (their values go to
// the env file), environment resources stay ${NAME} for compose to fill in, and every other `$`
// is escaped so compose does not interpolate it.
func (r *workloadRenderer) containerEnv(cname string, c types.Container, svc map[string]any) {
	if len(c.Variables) == 0 {
		return
	}
	env := map[string]any{}
	// Sorted, so a spent budget is reported at the same variable every time.
	for _, k := range slices.Sorted(maps.Keys(c.Variables)) {
		value, err := r.interpolated(c.Variables[k])
		if err != nil {
			r.expansionProblem([]string{"containers", cname, "variables", k}, err)
			continue
		}
		env[k] = value
	}
	svc["environment"] = env
}

// containerFiles makes text files compose configs with inline content; binary files and files
// holding a secret are written next to the compose file (files / secret files) and bound. A file
// whose content refers to an environment resource is a config that compose interpolates, as it
// does variables (see interpolated). It returns the binds.
func (r *workloadRenderer) containerFiles(cname string, c types.Container, svc map[string]any) []any {
	var configs, binds []any
	for _, target := range slices.Sorted(maps.Keys(c.Files)) {
		at := []string{"containers", cname, "files", target}
		f := r.in.Workload.Files[cname][target]
		var mode any
		if f.Mode != "" {
			m, err := strconv.ParseUint(f.Mode, 8, 32)
			if err != nil {
				r.problem(append(at, "mode"), "invalid mode %q", f.Mode)
				continue
			}
			mode = int(m)
		}
		if r.usesEnvironment(f) {
			content, err := r.interpolated(string(f.Content))
			if err != nil {
				r.expansionProblem(at, err)
				continue
			}
			configs = append(configs, r.configFile(cname, target, content, mode))
			continue
		}
		content, secret, err := r.fileContent(f)
		if err != nil {
			r.expansionProblem(at, err)
			continue
		}
		if secret || !utf8.ValidString(content) || Values(r.p.secrets).In(content) {
			binds = append(binds, r.bindFile(cname, target, content))
			continue
		}
		configs = append(configs, r.configFile(cname, target, escapeDollars(content), mode))
	}
	if len(configs) > 0 {
		svc["configs"] = configs
	}
	return binds
}

// usesEnvironment reports whether a file's placeholders refer to an environment resource. Only
// the resource is looked at (no output is resolved), so this costs a scan of the content.
func (r *workloadRenderer) usesEnvironment(f loader.File) bool {
	if !f.Expand {
		return false
	}
	refs, _ := placeholder.Scan(string(f.Content))
	for _, ref := range refs {
		if parts := placeholder.SplitRef(ref); len(parts) > 2 && parts[0] == "resources" {
			if res := r.in.Resources.Resources[parts[1]]; res != nil && res.Environment {
				return true
			}
		}
	}
	return false
}

// interpolated expands s for compose to interpolate: an environment resource's variable stays
// ${NAME} for compose to fill from the environment it runs in, a secret output becomes the
// ${VAR} reference its value in the env file stands behind, and everything else (literal text,
// other outputs, with any secret inside them redacted) is escaped so compose keeps it as is.
func (r *workloadRenderer) interpolated(s string) (string, error) {
	return r.in.Resources.Budget.Render(s, escapeDollars, func(ref string) (string, error) {
		got, err := r.in.Resources.Lookup(ref)
		if err != nil {
			return "", err
		}
		switch {
		case got.Environment:
			r.p.environment[got.Value] = true
			return "${" + got.Value + "}", nil
		case got.Secret:
			return "${" + r.p.secretVars[SecretRef{UID: got.Resource.UID, Key: got.Key}] + "}", nil
		}
		return escapeDollars(r.p.redactor.Redact(got.Value).(string)), nil
	})
}

// fileContent is a file's content, its placeholders expanded unless noExpand, telling whether
// any resolved to a secret output. The file refers to no environment resource (usesEnvironment).
func (r *workloadRenderer) fileContent(f loader.File) (string, bool, error) {
	if !f.Expand {
		return string(f.Content), false, nil
	}
	secret := false
	content, err := r.in.Resources.Budget.Render(string(f.Content), nil, func(ref string) (string, error) {
		got, err := r.in.Resources.Lookup(ref)
		secret = secret || got.Secret
		return got.Value, err
	})
	return content, secret, err
}

// bindFile writes a file next to the compose file and returns the read-only bind that mounts it.
func (r *workloadRenderer) bindFile(cname, target, content string) map[string]any {
	rel := "files/" + r.name + "/" + cname + "/" + shortHash(target) + "/" + path.Base(target)
	if utf8.ValidString(content) {
		r.p.files[rel] = content
	} else {
		r.p.binaryFiles[rel] = base64.StdEncoding.EncodeToString([]byte(content))
	}
	return map[string]any{"type": "bind", "source": "./" + rel, "target": target, "read_only": true}
}

// configFile declares a config holding the content, escaped for compose's interpolation
// already, and returns the service's use of it.
func (r *workloadRenderer) configFile(cname, target, content string, mode any) map[string]any {
	name := r.name + "-" + cname + "-" + shortHash(target)
	r.p.configs[name] = map[string]any{"content": content}
	cfg := map[string]any{"source": name, "target": target}
	if mode != nil {
		cfg["mode"] = mode
	}
	return cfg
}

// containerVolumes mounts volume resources by their outputs (type volume, bind or tmpfs) and
// returns the mounts.
func (r *workloadRenderer) containerVolumes(cname string, c types.Container) []any {
	var mounts []any
	for _, target := range slices.Sorted(maps.Keys(c.Volumes)) {
		if m := r.volumeMount([]string{"containers", cname, "volumes", target}, target, c.Volumes[target]); m != nil {
			mounts = append(mounts, m)
		}
	}
	return mounts
}

// volumeMount is the mount of one volume resource; nil after a problem. A volume-type mount
// declares its named volume too.
func (r *workloadRenderer) volumeMount(at []string, target string, v types.ContainerVolume) map[string]any {
	res, err := r.in.Resources.VolumeSource(v.Source)
	if err != nil {
		r.expansionProblem(at, err)
		return nil
	}
	kind, _ := res.Outputs["type"].(string)
	if kind == "" {
		kind = "volume"
	}
	source, _ := res.Outputs["source"].(string)
	m := map[string]any{"type": kind, "target": target}
	if v.ReadOnly != nil && *v.ReadOnly {
		m["read_only"] = true
	}
	sub := ""
	if v.Path != nil {
		sub = *v.Path
	}
	switch kind {
	case "volume":
		if source == "" {
			r.problem(at, "resource '%s' has no source output naming the volume", res.UID)
			return nil
		}
		m["source"] = source
		if sub != "" {
			m["volume"] = map[string]any{"subpath": sub}
		}
		if _, declared := r.p.volumes[source]; !declared {
			r.p.volumes[source] = map[string]any{"name": source}
		}
	case "bind":
		m["source"] = path.Join(source, sub)
	case "tmpfs":
		if sub != "" {
			r.problem(at, "a tmpfs volume (resource '%s') cannot have a path", res.UID)
			return nil
		}
	default:
		r.problem(at, "resource '%s' has volume type %q; expected volume, bind or tmpfs", res.UID, kind)
		return nil
	}
	return m
}

// containerResources renders limits as deploy.resources.limits and requests as
// deploy.resources.reservations, which compose honours: cpus as a decimal string, memory in bytes.
func (r *workloadRenderer) containerResources(cname string, c types.Container, svc map[string]any) {
	if c.Resources == nil {
		return
	}
	res := map[string]any{}
	for what, q := range map[string]*types.ResourcesLimits{"limits": c.Resources.Limits, "requests": c.Resources.Requests} {
		if q == nil {
			continue
		}
		m := map[string]any{}
		for name, value := range map[string]*string{"cpu": q.Cpu, "memory": q.Memory} {
			if value == nil {
				continue
			}
			parsed, err := resource.ParseQuantity(*value)
			if err != nil {
				r.problem([]string{"containers", cname, "resources", what, name}, "invalid quantity %q: %v", *value, err)
				continue
			}
			if name == "cpu" {
				m["cpus"] = strconv.FormatFloat(float64(parsed.MilliValue())/1000, 'f', -1, 64)
			} else {
				m["memory"] = strconv.FormatInt(parsed.Value(), 10)
			}
		}
		if len(m) > 0 {
			res[map[string]string{"limits": "limits", "requests": "reservations"}[what]] = m
		}
	}
	if len(res) > 0 {
		svc["deploy"] = map[string]any{"resources": res}
	}
}

// containerProbes renders the probes as a healthcheck, and warns about an httpGet probe that
// could not become one.
func (r *workloadRenderer) containerProbes(cname string, c types.Container, svc map[string]any) {
	if hc := r.healthcheck(c); hc != nil {
		svc["healthcheck"] = hc
		return
	}
	if hasHTTPProbe(c) {
		r.warnings = append(r.warnings, fmt.Sprintf("containers.%s: the httpGet probe is not a compose healthcheck (the image may have no wget or curl); "+
			"set the workload annotation %s to \"wget\" or \"curl\" to run it with that tool", cname, HTTPHealthcheckAnnotation))
	}
}

func hasHTTPProbe(c types.Container) bool {
	return (c.ReadinessProbe != nil && c.ReadinessProbe.HttpGet != nil) || (c.LivenessProbe != nil && c.LivenessProbe.HttpGet != nil)
}

// healthcheck turns the readiness probe (else the liveness probe) into a compose healthcheck:
// an exec probe always, an httpGet probe only when the workload names the tool to run it with.
func (r *workloadRenderer) healthcheck(c types.Container) map[string]any {
	for _, p := range []*types.ContainerProbe{c.ReadinessProbe, c.LivenessProbe} {
		if test := r.probeTest(p); test != nil {
			return map[string]any{"interval": "5s", "timeout": "5s", "test": test}
		}
	}
	return nil
}

// probeTest is the healthcheck test of a probe, nil when it cannot be one. The exec form needs no
// shell in the image.
func (r *workloadRenderer) probeTest(p *types.ContainerProbe) []any {
	switch {
	case p == nil:
		return nil
	case p.Exec != nil:
		return append([]any{"CMD"}, toAny(p.Exec.Command)...)
	case p.HttpGet != nil && httpTools[r.httpTool]:
		h := p.HttpGet
		scheme, host := "http", "localhost"
		if h.Scheme != nil {
			scheme = strings.ToLower(string(*h.Scheme))
		}
		if h.Host != nil {
			host = *h.Host
		}
		url := fmt.Sprintf("%s://%s:%d%s", scheme, host, h.Port, h.Path)
		test := []any{"CMD", "wget", "-q", "-O", "/dev/null", "--no-check-certificate"}
		header := "--header"
		if r.httpTool == "curl" {
			test, header = []any{"CMD", "curl", "-fsSk", "-o", "/dev/null"}, "-H"
		}
		for _, hh := range h.HttpHeaders {
			test = append(test, header, hh.Name+": "+hh.Value)
		}
		return append(test, url)
	}
	return nil
}

// escapeDollars keeps compose from interpolating text that is meant literally. Only references
// compose is meant to fill in (secret and environment variables) keep a bare `$`.
func escapeDollars(s string) string {
	return strings.ReplaceAll(s, "$", "$$")
}

// escapeLiterals is v with every string value escaped (keys are not interpolated), as a copy:
// maps such as the annotations are shared between services.
func escapeLiterals(v any) any {
	switch v := v.(type) {
	case string:
		return escapeDollars(v)
	case []string:
		out := make([]any, len(v))
		for i, s := range v {
			out[i] = escapeDollars(s)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = escapeLiterals(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = escapeLiterals(e)
		}
		return out
	}
	return v
}

func toAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:5])
}

func equalYAML(a, b any) bool {
	x, err1 := Marshal(map[string]any{"v": a})
	y, err2 := Marshal(map[string]any{"v": b})
	return err1 == nil && err2 == nil && x == y
}

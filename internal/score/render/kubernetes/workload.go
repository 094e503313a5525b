package kubernetes

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/score-spec/score-go/types"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/problem"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/resources"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Annotations and labels with meaning here (score-k8s's names, so score files stay portable).
const (
	KindAnnotation         = "k8s.score.dev/kind"
	WorkloadNameAnnotation = "k8s.score.dev/workload-name"
	ManagedBy              = "score-tf"
)

// WorkloadInput is a loaded workload with its resolved resources.
type WorkloadInput struct {
	Workload  *loader.Workload
	Resources *resources.Result
	Namespace string
}

// RenderWorkload renders the workload's objects (Deployment or StatefulSet, Services, the
// ConfigMaps and Secrets for files and secret variables) with what its provisioned resources
// add, and encodes them: a project of one workload. Secret values only ever land in Secret
// objects; other objects refer to them.
func RenderWorkload(in WorkloadInput) (Rendered, error) {
	objs, err := CollectWorkload(in)
	if err != nil {
		return Rendered{}, err
	}
	out, err := objs.Encode(in.Namespace, in.Resources.SecretValues())
	if err != nil {
		return Rendered{}, problem.List{{Message: err.Error()}}
	}
	return out, nil
}

// CollectWorkload collects what RenderWorkload encodes: the objects of the workload's provisioned
// resources, then its own.
func CollectWorkload(in WorkloadInput) (*Objects, error) {
	objs := NewObjects()
	for _, name := range in.Resources.Order {
		if res := in.Resources.Resources[name]; res.Provisioned != nil {
			if err := objs.AddResource(res.UID, res.Provisioned.Manifests, res.Provisioned.SharedInstance); err != nil {
				return nil, problem.List{{Path: []string{"resources", name}, Message: err.Error()}}
			}
		}
	}
	own, err := WorkloadObjects(in)
	if err != nil {
		return nil, err
	}
	if err := objs.AddWorkload(in.Workload.Name(), own); err != nil {
		return nil, problem.List{{Message: err.Error()}}
	}
	return objs, nil
}

// WorkloadObjects renders the workload's own objects; problems have their paths in the score file.
func WorkloadObjects(in WorkloadInput) ([]map[string]any, error) {
	r := &workloadRenderer{in: in, spec: in.Workload.Spec, secretData: map[string]map[string]any{}}
	r.name = in.Workload.Name()
	objects := r.render()
	if len(r.problems) > 0 {
		r.problems.Sort()
		return nil, r.problems
	}
	return objects, nil
}

type workloadRenderer struct {
	in       WorkloadInput
	spec     types.Workload
	name     string
	problems problem.List
	// secretData collects the workload's own Secrets: name → key → base64 value.
	secretData map[string]map[string]any
	// configMaps collects file ConfigMaps: name → object.
	configMaps []map[string]any
	// claims are volumeClaimTemplates (StatefulSet only).
	claims []any
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

// render renders the workload's own objects: the Deployment or StatefulSet, its Services, and the
// ConfigMaps and Secrets its containers' files and variables need.
func (r *workloadRenderer) render() []map[string]any {
	kind, ok := r.workloadKind()
	if !ok {
		return nil
	}
	labels := map[string]any{
		"app.kubernetes.io/name":       r.name,
		"app.kubernetes.io/instance":   r.name,
		"app.kubernetes.io/managed-by": ManagedBy,
	}
	selector := map[string]any{"app.kubernetes.io/instance": r.name}
	objects := []map[string]any{r.workload(kind, labels, selector)}
	objects = append(objects, r.services(kind, labels, selector)...)
	objects = append(objects, r.configMaps...)
	return append(objects, r.secrets(labels)...)
}

// workloadKind is the kind the kind annotation asks for, Deployment without one; false after a
// problem.
func (r *workloadRenderer) workloadKind() (string, bool) {
	annotations, _ := r.spec.Metadata["annotations"].(map[string]any)
	kind, ok := annotations[KindAnnotation].(string)
	switch {
	case !ok:
		return "Deployment", true
	case kind == "Deployment", kind == "StatefulSet":
		return kind, true
	}
	r.problem([]string{"metadata", "annotations", KindAnnotation}, "unsupported workload kind %q: use Deployment or StatefulSet", kind)
	return "", false
}

// workload is the Deployment or StatefulSet that runs the containers.
func (r *workloadRenderer) workload(kind string, labels, selector map[string]any) map[string]any {
	spec := map[string]any{
		"selector": map[string]any{"matchLabels": selector},
		"template": map[string]any{
			"metadata": map[string]any{"labels": labels, "annotations": r.podAnnotations()},
			"spec":     r.podSpec(kind),
		},
	}
	// The pod spec is rendered by now, so the claims its volumes need are known.
	if kind == "StatefulSet" {
		spec["serviceName"] = r.headlessServiceName()
		if len(r.claims) > 0 {
			spec["volumeClaimTemplates"] = r.claims
		}
	} else if len(r.claims) > 0 {
		r.problem([]string{"containers"}, "a volume resource provides a volume claim template (claimSpec), which only a StatefulSet can use: set the annotation %s: StatefulSet", KindAnnotation)
	}
	return map[string]any{
		"apiVersion": "apps/v1",
		"kind":       kind,
		"metadata": map[string]any{
			"name":        r.name,
			"labels":      labels,
			"annotations": map[string]any{WorkloadNameAnnotation: r.name},
		},
		"spec": spec,
	}
}

// podAnnotations are the workload's annotations but score-k8s's own (they configure the
// rendering), plus the workload's name.
func (r *workloadRenderer) podAnnotations() map[string]any {
	annotations, _ := r.spec.Metadata["annotations"].(map[string]any)
	out := map[string]any{WorkloadNameAnnotation: r.name}
	for k, v := range annotations {
		if !strings.HasPrefix(k, "k8s.score.dev/") {
			out[k] = v
		}
	}
	return out
}

// podSpec renders the containers in start order, with the pod volumes they need.
func (r *workloadRenderer) podSpec(kind string) map[string]any {
	var containers, initContainers []any
	volumes := map[string]any{}
	for _, cname := range r.in.Workload.StartOrder() {
		c, vols := r.container(cname, r.spec.Containers[cname], kind)
		maps.Copy(volumes, vols)
		if ready := r.in.Workload.StartsFirst(cname); ready != "" {
			initContainers = append(initContainers, asInitContainer(c, ready))
		} else {
			containers = append(containers, c)
		}
	}
	if len(containers) == 0 {
		r.problem([]string{"containers"}, "every container is in another's before list; at least one must be a main container")
	}
	podSpec := map[string]any{"containers": containers}
	if len(initContainers) > 0 {
		podSpec["initContainers"] = initContainers
	}
	if len(volumes) > 0 {
		podSpec["volumes"] = sortedValues(volumes)
	}
	return podSpec
}

// asInitContainer makes c, which starts before others once ready (Score's before), an init
// container of the kind that readiness asks for.
func asInitContainer(c map[string]any, ready string) map[string]any {
	switch ready {
	case "complete":
		// A plain init container runs to completion; Kubernetes allows it no probes.
		delete(c, "livenessProbe")
		delete(c, "readinessProbe")
	case "healthy":
		// Kubernetes starts the next containers once a sidecar's startup probe passes.
		c["restartPolicy"] = "Always"
		if p, ok := c["readinessProbe"]; ok {
			c["startupProbe"] = p
		} else if p, ok := c["livenessProbe"]; ok {
			c["startupProbe"] = p
		}
	default:
		// A native sidecar: started before, and kept running beside, the main containers.
		c["restartPolicy"] = "Always"
	}
	return c
}

// services are the headless Service a StatefulSet needs and the Service for the workload's ports.
func (r *workloadRenderer) services(kind string, labels, selector map[string]any) []map[string]any {
	ports := r.servicePorts()
	var out []map[string]any
	if kind == "StatefulSet" {
		headless := map[string]any{"clusterIP": "None", "selector": selector}
		if len(ports) > 0 {
			headless["ports"] = ports
		}
		out = append(out, service(r.headlessServiceName(), labels, headless))
	}
	if len(ports) > 0 {
		out = append(out, service(resources.ServiceName(r.in.Workload, targets.Kubernetes), labels, map[string]any{"selector": selector, "ports": ports}))
	}
	return out
}

func (r *workloadRenderer) headlessServiceName() string {
	return r.name + "-headless"
}

// secrets are the Secrets that hold the containers' secret variables and files, by name.
func (r *workloadRenderer) secrets(labels map[string]any) []map[string]any {
	var out []map[string]any
	for _, n := range slices.Sorted(maps.Keys(r.secretData)) {
		out = append(out, map[string]any{
			"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
			"metadata": map[string]any{"name": n, "labels": labels},
			"data":     r.secretData[n],
		})
	}
	return out
}

func service(name string, labels map[string]any, spec map[string]any) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": name, "labels": labels},
		"spec":     spec,
	}
}

func (r *workloadRenderer) servicePorts() []any {
	ports := resources.ServicePorts(r.in.Workload)
	var out []any
	for _, n := range slices.Sorted(maps.Keys(ports)) {
		p := ports[n]
		out = append(out, map[string]any{"name": n, "port": p.Port, "targetPort": p.TargetPort, "protocol": p.Protocol})
	}
	return out
}

var secretRefPattern = provisioner.SecretRefPattern

// container renders one container and the pod volumes it needs.
func (r *workloadRenderer) container(cname string, c types.Container, kind string) (map[string]any, map[string]any) {
	out := map[string]any{"name": cname, "image": c.Image}
	if len(c.Command) > 0 {
		out["command"] = c.Command
	}
	if len(c.Args) > 0 {
		out["args"] = c.Args
	}
	volumes := map[string]any{}
	r.containerEnv(cname, c, out)
	mounts := append(r.containerFiles(cname, c, volumes), r.containerVolumes(cname, c, kind, volumes)...)
	if len(mounts) > 0 {
		sort.SliceStable(mounts, func(i, j int) bool {
			return mounts[i].(map[string]any)["mountPath"].(string) < mounts[j].(map[string]any)["mountPath"].(string)
		})
		out["volumeMounts"] = mounts
	}
	r.containerResources(cname, c, out)
	containerProbes(c, out)
	return out, volumes
}

// containerEnv renders the variables. A value that is exactly one secret reference reads that
// Secret; references inside other text each get a variable of their own that the value refers to
// as $(NAME); a value that resolved to a secret output goes to the container's env Secret.
func (r *workloadRenderer) containerEnv(cname string, c types.Container, out map[string]any) {
	envSecret := provisioner.DNSLabel(r.name, cname, "env")
	var refEnv, env []any
	for _, k := range slices.Sorted(maps.Keys(c.Variables)) {
		value, secret, err := r.expand(c.Variables[k])
		if err != nil {
			r.expansionProblem([]string{"containers", cname, "variables", k}, err)
			continue
		}
		whole := secretRefPattern.FindStringSubmatch(value)
		switch {
		case whole != nil && whole[0] == value:
			env = append(env, secretEnv(k, whole[1], whole[2]))
		case secretRefPattern.MatchString(value):
			value = secretRefPattern.ReplaceAllStringFunc(escapeDependentVars(value), func(ref string) string {
				m := secretRefPattern.FindStringSubmatch(ref)
				name := "SCORE_REF_" + strings.ToUpper(shortHash(m[1]+"/"+m[2]))
				refEnv = append(refEnv, secretEnv(name, m[1], m[2]))
				return "$(" + name + ")"
			})
			env = append(env, map[string]any{"name": k, "value": value})
		case secret:
			key := secretKey(k)
			r.putSecret(envSecret, key, []byte(value))
			env = append(env, secretEnv(k, envSecret, key))
		default:
			env = append(env, map[string]any{"name": k, "value": escapeDependentVars(value)})
		}
	}
	// Kubernetes expands $(NAME) only from variables defined before, so the references come first.
	if all := append(dedupeByName(refEnv), env...); len(all) > 0 {
		out["env"] = all
	}
}

// fileVolumes are the two volumes a container's files are mounted from: its ConfigMap for text
// and binary files, its Secret for files holding a secret value.
type fileVolumes struct {
	configMap, configMapVolume  string
	secret, secretVolume        string
	data, binaryData            map[string]any
	configMapItems, secretItems []any
}

// containerFiles renders the files: text in a ConfigMap, secrets in a Secret, each mounted on its
// own path (subPath), so two files in one directory never hide each other or the image's own
// files. It adds the pod volumes they need and returns their mounts.
func (r *workloadRenderer) containerFiles(cname string, c types.Container, volumes map[string]any) []any {
	fv := &fileVolumes{
		configMap: provisioner.DNSLabel(r.name, cname, "files"), configMapVolume: provisioner.DNSLabel(cname, "files"),
		secret: provisioner.DNSLabel(r.name, cname, "secret-files"), secretVolume: provisioner.DNSLabel(cname, "secret-files"),
		data: map[string]any{}, binaryData: map[string]any{},
	}
	var mounts []any
	for _, target := range slices.Sorted(maps.Keys(c.Files)) {
		if mount := r.fileMount(cname, target, fv, volumes); mount != nil {
			mounts = append(mounts, mount)
		}
	}
	if len(fv.configMapItems) > 0 {
		cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": fv.configMap}}
		if len(fv.data) > 0 {
			cm["data"] = fv.data
		}
		if len(fv.binaryData) > 0 {
			cm["binaryData"] = fv.binaryData
		}
		r.configMaps = append(r.configMaps, cm)
		volumes[fv.configMapVolume] = map[string]any{"name": fv.configMapVolume, "configMap": map[string]any{"name": fv.configMap, "items": fv.configMapItems}}
	}
	if len(fv.secretItems) > 0 {
		volumes[fv.secretVolume] = map[string]any{"name": fv.secretVolume, "secret": map[string]any{"secretName": fv.secret, "items": fv.secretItems}}
	}
	return mounts
}

// fileMount puts one file into the volume it is mounted from and returns its mount; nil after a
// problem.
func (r *workloadRenderer) fileMount(cname, target string, fv *fileVolumes, volumes map[string]any) map[string]any {
	path := []string{"containers", cname, "files", target}
	f := r.in.Workload.Files[cname][target]
	content, secret, err := r.fileContent(f)
	if err != nil {
		r.expansionProblem(path, err)
		return nil
	}
	key := "file-" + shortHash(target)
	item := map[string]any{"key": key, "path": key}
	if f.Mode != "" {
		mode, err := strconv.ParseInt(f.Mode, 8, 32)
		if err != nil {
			r.problem(append(path, "mode"), "invalid mode %q", f.Mode)
			return nil
		}
		item["mode"] = mode
	}
	mount := map[string]any{"mountPath": target, "subPath": key, "readOnly": true}
	text := string(content)
	switch {
	case secretRefPattern.MatchString(text):
		return r.secretRefFileMount(path, text, item, mount, volumes)
	case secret:
		r.putSecret(fv.secret, key, content)
		fv.secretItems = append(fv.secretItems, item)
		mount["name"] = fv.secretVolume
	default:
		if utf8.Valid(content) {
			fv.data[key] = text
		} else {
			fv.binaryData[key] = base64.StdEncoding.EncodeToString(content)
		}
		fv.configMapItems = append(fv.configMapItems, item)
		mount["name"] = fv.configMapVolume
	}
	return mount
}

// fileContent is a file's content, its placeholders expanded unless noExpand, telling whether
// any resolved to a secret output.
func (r *workloadRenderer) fileContent(f loader.File) ([]byte, bool, error) {
	if !f.Expand {
		return f.Content, false, nil
	}
	text, secret, err := r.expand(string(f.Content))
	return []byte(text), secret, err
}

// secretRefFileMount mounts a file that is exactly one secret reference from a volume of its own
// that projects the referenced Secret key; nil after a problem.
func (r *workloadRenderer) secretRefFileMount(path []string, text string, item, mount, volumes map[string]any) map[string]any {
	m := secretRefPattern.FindStringSubmatch(text)
	if m[0] != text {
		r.problem(path, "the content mixes a secret reference with other text; a file may be exactly one secret reference, or hold none")
		return nil
	}
	vol := "ref-" + shortHash(m[1]+"/"+m[2])
	refItem := map[string]any{"key": m[2], "path": m[2]}
	if mode, ok := item["mode"]; ok {
		refItem["mode"] = mode
	}
	volumes[vol] = map[string]any{"name": vol, "secret": map[string]any{"secretName": m[1], "items": []any{refItem}}}
	mount["name"], mount["subPath"] = vol, m[2]
	return mount
}

// containerVolumes mounts volume resources by their outputs: a volume source, or a claim
// template (StatefulSet only). It adds the pod volumes they need and returns their mounts.
func (r *workloadRenderer) containerVolumes(cname string, c types.Container, kind string, volumes map[string]any) []any {
	var mounts []any
	for _, target := range slices.Sorted(maps.Keys(c.Volumes)) {
		if m := r.volumeMount([]string{"containers", cname, "volumes", target}, target, c.Volumes[target], kind, volumes); m != nil {
			mounts = append(mounts, m)
		}
	}
	return mounts
}

// volumeMount is the mount of one volume resource, adding the pod volume or claim template it
// needs; nil after a problem.
func (r *workloadRenderer) volumeMount(path []string, target string, v types.ContainerVolume, kind string, volumes map[string]any) map[string]any {
	res, err := r.in.Resources.VolumeSource(v.Source)
	if err != nil {
		r.expansionProblem(path, err)
		return nil
	}
	vol := "vol-" + shortHash(res.UID)
	switch {
	case res.Outputs["source"] != nil:
		src, ok := res.Outputs["source"].(map[string]any)
		if !ok {
			r.problem(path, "resource '%s' output source must be a Kubernetes volume source object, like {emptyDir: {}}", res.UID)
			return nil
		}
		entry := map[string]any{"name": vol}
		maps.Copy(entry, src)
		volumes[vol] = entry
	case res.Outputs["claimSpec"] != nil:
		if kind != "StatefulSet" {
			r.problem(path, "resource '%s' provides a volume claim template (claimSpec), which only a StatefulSet can use: set the annotation %s: StatefulSet", res.UID, KindAnnotation)
			return nil
		}
		r.claims = append(r.claims, map[string]any{"metadata": map[string]any{"name": vol}, "spec": res.Outputs["claimSpec"]})
	default:
		r.problem(path, "resource '%s' has neither a source nor a claimSpec output, so it cannot be mounted", res.UID)
		return nil
	}
	mount := map[string]any{"name": vol, "mountPath": target}
	if v.Path != nil && *v.Path != "" {
		mount["subPath"] = *v.Path
	}
	if v.ReadOnly != nil && *v.ReadOnly {
		mount["readOnly"] = true
	}
	return mount
}

// containerResources renders the limits and requests, each quantity in its canonical form.
func (r *workloadRenderer) containerResources(cname string, c types.Container, out map[string]any) {
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
			m[name] = parsed.String()
		}
		if len(m) > 0 {
			res[what] = m
		}
	}
	if len(res) > 0 {
		out["resources"] = res
	}
}

// containerProbes renders the liveness and readiness probes as they are.
func containerProbes(c types.Container, out map[string]any) {
	if p := probe(c.LivenessProbe); p != nil {
		out["livenessProbe"] = p
	}
	if p := probe(c.ReadinessProbe); p != nil {
		out["readinessProbe"] = p
	}
}

func probe(p *types.ContainerProbe) map[string]any {
	if p == nil {
		return nil
	}
	if h := p.HttpGet; h != nil {
		get := map[string]any{"path": h.Path, "port": h.Port}
		if h.Host != nil {
			get["host"] = *h.Host
		}
		if h.Scheme != nil {
			get["scheme"] = string(*h.Scheme)
		}
		if len(h.HttpHeaders) > 0 {
			var headers []any
			for _, hh := range h.HttpHeaders {
				headers = append(headers, map[string]any{"name": hh.Name, "value": hh.Value})
			}
			get["httpHeaders"] = headers
		}
		return map[string]any{"httpGet": get}
	}
	if e := p.Exec; e != nil {
		return map[string]any{"exec": map[string]any{"command": e.Command}}
	}
	return nil
}

// expand resolves the placeholders of s, telling whether any resolved to a secret output.
func (r *workloadRenderer) expand(s string) (string, bool, error) {
	secret := false
	out, err := r.in.Resources.Budget.Expand(s, func(ref string) (string, error) {
		got, err := r.in.Resources.Lookup(ref)
		if err != nil {
			return "", err
		}
		if got.Environment {
			return "", fmt.Errorf("invalid ref '%s': environment resources are not supported for Kubernetes", ref)
		}
		secret = secret || got.Secret
		return got.Value, nil
	})
	return out, secret, err
}

// escapeDependentVars keeps Kubernetes from expanding $(VAR) in an env value meant literally (the
// only place Kubernetes expands it besides command and args, which Score passes verbatim).
func escapeDependentVars(s string) string {
	return strings.ReplaceAll(s, "$(", "$$(")
}

func (r *workloadRenderer) putSecret(name, key string, value []byte) {
	if r.secretData[name] == nil {
		r.secretData[name] = map[string]any{}
	}
	r.secretData[name][key] = base64.StdEncoding.EncodeToString(value)
}

func secretEnv(name, secret, key string) map[string]any {
	return map[string]any{"name": name, "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": secret, "key": key}}}
}

var secretKeyPattern = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)

// secretKey is the Secret key for a variable: its name when Kubernetes allows it, else a hash.
func secretKey(name string) string {
	if secretKeyPattern.MatchString(name) && len(name) <= 253 {
		return name
	}
	return "var-" + shortHash(name)
}

func dedupeByName(env []any) []any {
	seen := map[string]bool{}
	var out []any
	for _, e := range env {
		n := e.(map[string]any)["name"].(string)
		if !seen[n] {
			seen[n] = true
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].(map[string]any)["name"].(string) < out[j].(map[string]any)["name"].(string)
	})
	return out
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:5])
}

func sortedValues(m map[string]any) []any {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

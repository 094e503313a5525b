package provisioner

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/secret"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Data is what templates see, with score-compose's and score-k8s's field names.
type Data struct {
	Guid               string
	Uid                string
	Type               string
	Class              string
	Id                 string
	Params             map[string]any
	Metadata           map[string]any
	Init               map[string]any
	State              map[string]any
	Shared             map[string]any
	SourceWorkload     string
	WorkloadMetadata   map[string]any
	WorkloadServices   map[string]WorkloadService
	ComposeProjectName string
	MountsDirectory    string
	Namespace          string
}

// WorkloadService is how other workloads are reached: the service name and its ports, indexed
// by port name and also by port number as text (so `port: 8080` works as a name).
type WorkloadService struct {
	ServiceName string
	Ports       map[string]ServicePort
}

// AddPort adds a service port, indexed by its name and by its number as text; a zero target port
// defaults to the port and an empty protocol to TCP.
func (ws *WorkloadService) AddPort(p ServicePort) {
	p = p.WithDefaults()
	if ws.Ports == nil {
		ws.Ports = map[string]ServicePort{}
	}
	ws.Ports[p.Name] = p
	ws.Ports[strconv.Itoa(p.Port)] = p
}

// ServicePort is one port of a workload's service.
type ServicePort struct {
	Name       string
	Port       int
	TargetPort int
	Protocol   string
}

// WithDefaults is the port as Score defines it: a zero target port is the port, an empty
// protocol TCP.
func (p ServicePort) WithDefaults() ServicePort {
	if p.TargetPort == 0 {
		p.TargetPort = p.Port
	}
	if p.Protocol == "" {
		p.Protocol = "TCP"
	}
	return p
}

// Stored is what a resource keeps between runs: what score-compose's and score-k8s's state.yaml
// held for it. Generated values live here, so they are created once.
type Stored struct {
	GUID   string         `json:"guid"`
	State  map[string]any `json:"state"`
	Shared map[string]any `json:"shared"`
}

// Request is one resource to provision.
type Request struct {
	UID              string
	Type             string
	Class            string
	ID               string
	Params           map[string]any
	Metadata         map[string]any
	SourceWorkload   string
	WorkloadMetadata map[string]any
	WorkloadServices map[string]WorkloadService
	// Namespace (kubernetes) and ComposeProjectName / MountsDirectory (compose) come from the
	// provider configuration.
	Namespace          string
	ComposeProjectName string
	MountsDirectory    string
	// Prior is what the previous run stored; zero for a new resource.
	Prior Stored
	// Random is where generated values come from.
	Random io.Reader
}

// Result is what provisioning produced.
type Result struct {
	Stored  Stored
	Outputs map[string]any
	// SecretOutputs lists the keys of Outputs that are secret, sorted.
	SecretOutputs []string
	// Manifests are Kubernetes objects (kubernetes target).
	Manifests []map[string]any
	// Compose holds what the resource adds to a compose project (compose target).
	Compose ComposeArtifacts
	// InfoLogs are messages for the user (compose `info_logs`).
	InfoLogs []string
	// SecrecyUnsettled is set when an output's secrecy depends on its value (a URL with a
	// password or not) and that value holds a stand-in for a value unknown at plan
	// (Options.StandIn): the plan cannot know where it will go.
	SecrecyUnsettled bool
	// Warnings are what provisioning could not honour or looks wrong: params the provisioner does
	// not read (UnusedParams), a template that printed "<no value>". They name no value.
	Warnings []string
	// Environment is set for local-env:// resources: outputs are deferred environment variables.
	Environment bool
	// SharedInstance is set when the provisioner keeps an instance shared between resources (see
	// Definition.KeepsSharedInstance): what it renders may replace what another such resource
	// rendered under the same name.
	SharedInstance bool
}

// ComposeArtifacts are a resource's additions to a compose project.
type ComposeArtifacts struct {
	Services map[string]any
	Volumes  map[string]any
	Networks map[string]any
	Models   map[string]any
	// Files are by path relative to the mounts directory; a directory the provisioner asked for
	// is an empty KeepFile inside it (see withDirectories).
	Files map[string]any
}

// Options are the provider-level settings provisioning obeys.
type Options struct {
	Target        targets.Target
	AllowCommands bool
	// Outputs declare outputs secret or public (the provider's provisioner_outputs).
	Outputs OutputRules
	// StandIn starts the text that stands for a value unknown at plan (see
	// Result.SecrecyUnsettled); empty when nothing stands in.
	StandIn string
}

// Provision runs def for req.
func Provision(ctx context.Context, def *Definition, req Request, opts Options) (*Result, error) {
	var res *Result
	var err error
	switch def.Scheme() {
	case "template":
		res, err = provisionTemplate(ctx, def, req, opts.Target)
	case "cmd":
		if !opts.AllowCommands {
			return nil, fmt.Errorf("%s: cmd:// provisioners run programs on the machine running Terraform and are disabled; set allow_command_provisioners = true in the provider configuration to allow them", def.URI)
		}
		res, err = provisionCommand(ctx, def, req, opts.Target)
	case "local-env":
		res = &Result{Stored: req.Prior, Outputs: map[string]any{}, Environment: true}
	default:
		err = fmt.Errorf("unsupported provisioner scheme %q", def.Scheme())
	}
	if err != nil {
		return nil, fmt.Errorf("provisioner %s for resource '%s': %w", def.URI, req.UID, err)
	}
	res.SecretOutputs = def.secretKeys(res.Outputs, opts.Outputs)
	res.SecrecyUnsettled = def.secrecyUnsettled(res.Outputs, opts)
	res.SharedInstance = def.KeepsSharedInstance()
	res.Warnings = append(def.UnusedParams(req.UID, req.Params), res.Warnings...)
	return res, nil
}

// UnusedParams are warnings naming each param of a resource (uid) that d does not read, by its
// supported_params list; none when d has no list. Values are never quoted.
func (d *Definition) UnusedParams(uid string, params map[string]any) []string {
	if !d.paramsListed {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if contains(d.SupportedParams, name) {
			continue
		}
		reads := "reads no params"
		if len(d.SupportedParams) > 0 {
			reads = "reads only " + joinParams(d.SupportedParams)
		}
		msg := fmt.Sprintf("resource '%s': params.%s is not used: provisioner %s %s", uid, name, d.URI, reads)
		if close := closeNames(name, d.SupportedParams); len(close) > 0 {
			msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(close, " or "))
		}
		out = append(out, msg)
	}
	return out
}

func joinParams(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "params." + n
	}
	return strings.Join(out, ", ")
}

func provisionTemplate(ctx context.Context, def *Definition, req Request, target targets.Target) (res *Result, err error) {
	guid := req.Prior.GUID
	if guid == "" {
		var err error
		if guid, err = NewGUID(req.Random); err != nil {
			return nil, err
		}
	}
	data := &Data{
		Guid: guid, Uid: req.UID, Type: req.Type, Class: req.Class, Id: req.ID,
		Params: orEmpty(req.Params), Metadata: orEmpty(req.Metadata),
		Init: map[string]any{}, State: orEmpty(cloneMap(req.Prior.State)), Shared: orEmpty(cloneMap(req.Prior.Shared)),
		SourceWorkload: req.SourceWorkload, WorkloadMetadata: orEmpty(req.WorkloadMetadata),
		WorkloadServices:   req.WorkloadServices,
		ComposeProjectName: req.ComposeProjectName, MountsDirectory: req.MountsDirectory, Namespace: req.Namespace,
	}
	if data.WorkloadServices == nil {
		data.WorkloadServices = map[string]WorkloadService{}
	}
	// A template may quote what it generated (a `fail` naming a value, a parse error on its
	// output): never a value under a secret name.
	defer func() { err = hiddenIn(data).HideError(err) }()
	b, release := def.bind(ctx, req.Random)
	defer release()

	mapSection := func(section string) (map[string]any, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := b.execute(section, data)
		if err != nil || v == nil {
			return nil, err
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s template must produce a YAML mapping, got %T", section, v)
		}
		return m, nil
	}

	if data.Init, err = mapSection("init"); err != nil {
		return nil, err
	}
	data.Init = orEmpty(data.Init)
	if _, ok := def.parsed["state"]; ok {
		if data.State, err = mapSection("state"); err != nil {
			return nil, err
		}
		data.State = orEmpty(data.State)
	}
	patch, err := mapSection("shared")
	if err != nil {
		return nil, err
	}
	data.Shared = mergePatch(data.Shared, patch)
	outputs, err := mapSection("outputs")
	if err != nil {
		return nil, err
	}

	res = &Result{Stored: Stored{GUID: guid, State: data.State, Shared: data.Shared}, Outputs: orEmpty(outputs)}
	switch target {
	case targets.Kubernetes:
		v, err := b.execute("manifests", data)
		if err != nil {
			return nil, err
		}
		if res.Manifests, err = manifestList(v); err != nil {
			return nil, err
		}
	case targets.Compose:
		var directories map[string]any
		sections := []struct {
			name string
			into *map[string]any
		}{
			{"directories", &directories}, {"files", &res.Compose.Files},
			{"networks", &res.Compose.Networks}, {"volumes", &res.Compose.Volumes},
			{"services", &res.Compose.Services}, {"models", &res.Compose.Models},
		}
		for _, s := range sections {
			if *s.into, err = mapSection(s.name); err != nil {
				return nil, err
			}
		}
		if res.Compose.Files, err = withDirectories(res.Compose.Files, directories); err != nil {
			return nil, err
		}
		v, err := b.execute("info_logs", data)
		if err != nil {
			return nil, err
		}
		if res.InfoLogs, err = stringList(v, "info_logs"); err != nil {
			return nil, err
		}
	}
	for _, w := range b.run.warnings {
		res.Warnings = append(res.Warnings, fmt.Sprintf("resource '%s': provisioner %s: %s", req.UID, def.URI, w))
	}
	return res, nil
}

// KeepFile is the empty file that stands for a directory a compose provisioner asks for.
const KeepFile = ".keep"

// withDirectories adds an empty KeepFile to files inside each directory asked for: whatever
// writes the `files` output (local_file creates parent directories) then creates the directory.
// Removing a directory (false, as score-compose allows) is refused: Terraform removes only what
// it wrote.
func withDirectories(files, directories map[string]any) (map[string]any, error) {
	for _, dir := range slices.Sorted(maps.Keys(directories)) {
		if keep, ok := directories[dir].(bool); ok && !keep {
			return nil, fmt.Errorf("directories: %q is to be removed (false), which the provider cannot do: it writes files and removes only what it wrote; remove the entry", dir)
		}
		if files == nil {
			files = map[string]any{}
		}
		files[path.Join(dir, KeepFile)] = ""
	}
	return files, nil
}

// hiddenIn are the values of data under secret names: what its errors must not show.
func hiddenIn(data *Data) secret.Values {
	var v secret.Values
	for _, m := range []map[string]any{data.Params, data.Init, data.State, data.Shared} {
		v.AddNamed(m)
	}
	return v
}

func manifestList(v any) ([]map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("manifests template must produce a YAML list of objects, got %T", v)
	}
	out := make([]map[string]any, 0, len(list))
	for i, item := range list {
		if item == nil {
			continue
		}
		m, ok := item.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("manifests.%d: must be an object, got %T", i, item)
		}
		out = append(out, m)
	}
	return out, nil
}

func stringList(v any, section string) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s template must produce a YAML list, got %T", section, v)
	}
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = fmt.Sprint(e)
	}
	return out, nil
}

// mergePatch applies an RFC 7386 JSON merge patch: maps merge, null deletes, the rest replaces.
func mergePatch(target, patch map[string]any) map[string]any {
	if patch == nil {
		return target
	}
	out := cloneMap(target)
	if out == nil {
		out = map[string]any{}
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
			continue
		}
		if pm, ok := v.(map[string]any); ok {
			tm, _ := out[k].(map[string]any)
			out[k] = mergePatch(tm, pm)
			continue
		}
		out[k] = v
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// cloneMap deep-copies maps and lists so templates cannot alter what the caller holds.
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		return cloneMap(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneValue(e)
		}
		return out
	default:
		return v
	}
}

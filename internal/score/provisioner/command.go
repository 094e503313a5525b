package provisioner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/secret"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// CommandTimeout bounds one cmd:// provisioner run: then the program and every process it started
// are killed. A plan renders a workload twice and a workload may hold several resources, so these
// runs add up; the total a request may spend is the caller's: a deadline on the ctx given to
// Provision bounds every run under it together.
const CommandTimeout = 2 * time.Minute

// commandTimeout is CommandTimeout, shortened by tests.
var commandTimeout = CommandTimeout

// commandWaitDelay is how long, once the program has exited or been killed, a process it started
// may keep its stdout or stderr open; then the pipes are closed and the run fails.
var commandWaitDelay = 5 * time.Second

const (
	// stderrCapture bounds the stderr kept from a command.
	stderrCapture = 64 << 10
	// maxStderrExcerpt bounds the part of it quoted in an error.
	maxStderrExcerpt = 4 << 10
	// minSecretLen is the shortest state, shared or params value hidden in a quoted stderr; shorter
	// ones would blank out ordinary words. Values under secret-looking keys are hidden whatever
	// their length.
	minSecretLen = 4
)

// commandInput is the JSON a cmd:// provisioner reads on stdin (the upstream protocol).
type commandInput struct {
	ResourceUid      string                     `json:"resource_uid"`
	ResourceType     string                     `json:"resource_type"`
	ResourceClass    string                     `json:"resource_class"`
	ResourceId       string                     `json:"resource_id"`
	ResourceParams   map[string]any             `json:"resource_params"`
	ResourceMetadata map[string]any             `json:"resource_metadata"`
	SourceWorkload   string                     `json:"source_workload"`
	WorkloadServices map[string]commandWorkload `json:"workload_services"`
	ResourceState    map[string]any             `json:"resource_state"`
	SharedState      map[string]any             `json:"shared_state"`

	// kubernetes
	ResourceGuid     string         `json:"resource_guid,omitempty"`
	WorkloadMetadata map[string]any `json:"workload_metadata,omitempty"`
	Namespace        string         `json:"namespace,omitempty"`
	// compose
	ComposeProjectName string `json:"compose_project_name,omitempty"`
	MountDirectoryPath string `json:"mount_directory_path,omitempty"`
}

// commandWorkload mirrors upstream's encoding, whose service name key is "ServiceName".
type commandWorkload struct {
	ServiceName string                 `json:"ServiceName"`
	Ports       map[string]commandPort `json:"ports"`
}

type commandPort struct {
	Name       string `json:"name"`
	Port       int    `json:"port"`
	TargetPort int    `json:"targetPort"`
	Protocol   string `json:"protocol"`
}

type commandOutput struct {
	ResourceState   map[string]any   `json:"resource_state"`
	ResourceOutputs map[string]any   `json:"resource_outputs"`
	SharedState     map[string]any   `json:"shared_state"`
	Manifests       []map[string]any `json:"manifests"`

	RelativeDirectories  map[string]any `json:"relative_directories"`
	RelativeFileContents map[string]any `json:"relative_file_contents"`
	ComposeNetworks      map[string]any `json:"compose_networks"`
	ComposeVolumes       map[string]any `json:"compose_volumes"`
	ComposeServices      map[string]any `json:"compose_services"`
	ComposeModels        map[string]any `json:"compose_models"`
}

func provisionCommand(ctx context.Context, def *Definition, req Request, target targets.Target) (*Result, error) {
	bin, err := commandBinary(def.URI)
	if err != nil {
		return nil, err
	}
	guid := req.Prior.GUID
	if guid == "" {
		if guid, err = NewGUID(req.Random); err != nil {
			return nil, err
		}
	}
	in := commandInput{
		ResourceUid: req.UID, ResourceType: req.Type, ResourceClass: req.Class, ResourceId: req.ID,
		ResourceParams: orEmpty(req.Params), ResourceMetadata: orEmpty(req.Metadata),
		SourceWorkload: req.SourceWorkload, WorkloadServices: map[string]commandWorkload{},
		ResourceState: orEmpty(req.Prior.State), SharedState: orEmpty(req.Prior.Shared),
	}
	for name, ws := range req.WorkloadServices {
		cw := commandWorkload{ServiceName: ws.ServiceName, Ports: map[string]commandPort{}}
		for pn, p := range ws.Ports {
			cw.Ports[pn] = commandPort(p)
		}
		in.WorkloadServices[name] = cw
	}
	args := append([]string(nil), def.Args...)
	switch target {
	case targets.Kubernetes:
		in.ResourceGuid, in.WorkloadMetadata, in.Namespace = guid, orEmpty(req.WorkloadMetadata), req.Namespace
		for i, a := range args {
			if a == "<mode>" {
				args[i] = "provision"
			}
		}
	case targets.Compose:
		in.ComposeProjectName, in.MountDirectoryPath = req.ComposeProjectName, req.MountsDirectory
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}

	output, err := runCommand(ctx, bin, args, stdin)
	if err != nil {
		return nil, err
	}
	var out commandOutput
	dec := json.NewDecoder(bytes.NewReader(output))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("command output is not the expected JSON: %v", err)
	}
	res := &Result{
		Stored:  Stored{GUID: guid, State: orEmpty(out.ResourceState), Shared: mergePatch(orEmpty(cloneMap(req.Prior.Shared)), out.SharedState)},
		Outputs: orEmpty(out.ResourceOutputs),
	}
	switch target {
	case targets.Kubernetes:
		res.Manifests = out.Manifests
	case targets.Compose:
		files, err := withDirectories(out.RelativeFileContents, out.RelativeDirectories)
		if err != nil {
			return nil, err
		}
		res.Compose = ComposeArtifacts{
			Services: out.ComposeServices, Volumes: out.ComposeVolumes, Networks: out.ComposeNetworks,
			Models: out.ComposeModels, Files: files,
		}
	}
	return res, nil
}

// commandBinary resolves cmd://<binary>[/path]: a bare name is looked up on PATH, ./ and ../
// are relative to the working directory, ~/ to the home directory.
func commandBinary(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("invalid uri: %v", err)
	}
	if u.User != nil || u.Port() != "" || u.RawQuery != "" {
		return "", errors.New("a cmd:// uri may not hold a user, port or query")
	}
	switch {
	case u.Host == "." || u.Host == "..":
		// Keep the leading ./ (filepath.Join drops it): a bare name would be looked up on PATH.
		return u.Host + string(filepath.Separator) + filepath.Clean(strings.TrimPrefix(u.Path, "/")), nil
	case u.Host == "~":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, u.Path), nil
	case u.Path == "":
		return exec.LookPath(u.Host)
	default:
		return "", fmt.Errorf("cmd:// uri must name a program (cmd://bash) or a path starting with ., .. or ~ (cmd://./scripts/x)")
	}
}

// runCommand runs bin with stdin in its own process group and returns its stdout. The run ends
// when the program exits, or when ctx or commandTimeout does: then the whole group is killed.
func runCommand(ctx context.Context, bin string, args []string, stdin []byte) ([]byte, error) {
	runCtx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(runCtx, bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	stdout := &limitedWriter{n: MaxTemplateOutput}
	stderr := &limitedBuffer{n: stderrCapture}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A process the program started can hold the pipes open after the program is gone.
	cmd.WaitDelay = commandWaitDelay
	inOwnGroup(cmd)
	err := cmd.Run()
	if err == nil {
		return stdout.buf.Bytes(), nil
	}
	// A failed run leaves nothing behind (a successful one may have started a daemon on purpose).
	// Best effort: usually the group is already gone (os.ErrProcessDone), and otherwise there is
	// nothing more to try; the run's own failure is what the caller must hear about.
	_ = killGroup(cmd)
	switch {
	case stdout.full:
		return nil, fmt.Errorf("command %w", errTooLarge)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, errors.New("command stopped: the time allowed for this request's provisioners ran out")
	case ctx.Err() != nil:
		return nil, fmt.Errorf("command stopped: %v", context.Cause(ctx))
	case runCtx.Err() != nil:
		return nil, fmt.Errorf("command timed out after %s", commandTimeout)
	case errors.Is(err, exec.ErrWaitDelay):
		return nil, fmt.Errorf("command exited, but a process it started still held its output open %s later; background processes must not inherit the provisioner's stdout or stderr", commandWaitDelay)
	}
	return nil, fmt.Errorf("command failed: %v\n%s", err, stderrExcerpt(stderr, commandSecrets(stdin)))
}

// stderrExcerpt is the part of a failed command's stderr its error quotes: at most
// maxStderrExcerpt bytes, with every secret hidden.
func stderrExcerpt(stderr *limitedBuffer, secrets []string) string {
	text := secret.NewValues(secrets...).Hide(stderr.buf.String())
	if stderr.dropped {
		// The capture may have cut a secret short, so that it did not match: drop what could be
		// left of one.
		longest := 0
		for _, s := range secrets {
			longest = max(longest, len(s))
		}
		text = text[:len(text)-min(len(text), max(0, longest-1))]
	}
	text = strings.TrimSpace(text)
	if len(text) <= maxStderrExcerpt && !stderr.dropped {
		return text
	}
	return strings.ToValidUTF8(text[:min(len(text), maxStderrExcerpt)], "") + "\n[stderr truncated]"
}

// commandSecrets lists the values of the command's input (stdin) its quoted stderr must not show:
// every string in resource_state, shared_state and resource_params of at least minSecretLen bytes
// (generated credentials live there, and params may carry other resources' secrets), and every
// string under a secret-looking key anywhere. A command that echoes its input shows the JSON
// escaped form, so that is listed too.
func commandSecrets(stdin []byte) []string {
	var in map[string]any
	if json.Unmarshal(stdin, &in) != nil {
		return nil
	}
	var found []string
	for key, v := range in {
		all := key == "resource_state" || key == "shared_state" || key == "resource_params"
		collectSecrets(v, all, false, &found)
	}
	var escaped []string
	for _, s := range found {
		if b, err := json.Marshal(s); err == nil && string(b[1:len(b)-1]) != s {
			escaped = append(escaped, string(b[1:len(b)-1]))
		}
	}
	return append(found, escaped...)
}

// collectSecrets adds v's strings to found: all of them (of at least minSecretLen bytes) when all
// is set, else those under a key that looks secret.
func collectSecrets(v any, all, secretKey bool, found *[]string) {
	switch v := v.(type) {
	case string:
		if secretKey || (all && len(v) >= minSecretLen) {
			*found = append(*found, v)
		}
	case map[string]any:
		for k, e := range v {
			collectSecrets(e, all, secretKey || secret.Named(k), found)
		}
	case []any:
		for _, e := range v {
			collectSecrets(e, all, secretKey, found)
		}
	}
}

// limitedBuffer keeps at most n bytes and drops the rest (stderr is only for messages).
type limitedBuffer struct {
	buf     bytes.Buffer
	n       int
	dropped bool
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if room := max(0, w.n-w.buf.Len()); n > room {
		p, w.dropped = p[:room], true
	}
	w.buf.Write(p)
	return n, nil
}

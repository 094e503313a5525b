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
)

// CommandTimeout bounds one cmd:// provisioner run.
const CommandTimeout = 2 * time.Minute

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

func provisionCommand(ctx context.Context, def *Definition, req Request, target Target) (*Result, error) {
	bin, err := commandBinary(def.URI)
	if err != nil {
		return nil, err
	}
	guid := req.Prior.Guid
	if guid == "" {
		if guid, err = NewGUID(req.Random); err != nil {
			return nil, err
		}
	}
	in := commandInput{
		ResourceUid: req.Uid, ResourceType: req.Type, ResourceClass: req.Class, ResourceId: req.ID,
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
	case Kubernetes:
		in.ResourceGuid, in.WorkloadMetadata, in.Namespace = guid, orEmpty(req.WorkloadMetadata), req.Namespace
		for i, a := range args {
			if a == "<mode>" {
				args[i] = "provision"
			}
		}
	case Compose:
		in.ComposeProjectName, in.MountDirectoryPath = req.ComposeProjectName, req.MountsDirectory
	}
	stdin, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	stdout := &limitedWriter{n: MaxTemplateOutput}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &limitedBuffer{buf: &stderr, n: 64 << 10}
	if err := cmd.Run(); err != nil {
		if stdout.full {
			return nil, fmt.Errorf("command %w", errTooLarge)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("command timed out after %s", CommandTimeout)
		}
		return nil, fmt.Errorf("command failed: %v\n%s", err, strings.TrimSpace(stderr.String()))
	}
	var out commandOutput
	dec := json.NewDecoder(bytes.NewReader(stdout.buf.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("command output is not the expected JSON: %v", err)
	}
	res := &Result{
		Stored:  Stored{Guid: guid, State: orEmpty(out.ResourceState), Shared: mergePatch(orEmpty(cloneMap(req.Prior.Shared)), out.SharedState)},
		Outputs: orEmpty(out.ResourceOutputs),
	}
	switch target {
	case Kubernetes:
		res.Manifests = out.Manifests
	case Compose:
		res.Compose = ComposeArtifacts{
			Services: out.ComposeServices, Volumes: out.ComposeVolumes, Networks: out.ComposeNetworks,
			Models: out.ComposeModels, Files: out.RelativeFileContents, Directories: out.RelativeDirectories,
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

// limitedBuffer keeps at most n bytes and drops the rest (stderr is only for messages).
type limitedBuffer struct {
	buf *bytes.Buffer
	n   int
}

func (w *limitedBuffer) Write(p []byte) (int, error) {
	if room := w.n - w.buf.Len(); room > 0 {
		if len(p) > room {
			w.buf.Write(p[:room])
		} else {
			w.buf.Write(p)
		}
	}
	return len(p), nil
}

// Command demo is the part of `make demo` that comes after `terraform apply`: it writes the rendered
// Docker Compose project to disk and summarizes it, and `make demo-check` uses it to load that project
// back with compose-go. The quickstart has no hashicorp/local (which cannot be installed offline
// without a mirror), so its outputs carry the project and this program writes it.
//
//	terraform output -json | go run ./tools/demo write -out build/demo/out
//	go run ./tools/demo check build/demo/out
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/template"
	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "write":
		fs := flag.NewFlagSet("write", flag.ExitOnError)
		out := fs.String("out", "", "directory to write the compose project to (replaced)")
		_ = fs.Parse(os.Args[2:])
		if *out == "" {
			usage()
		}
		err = write(os.Stdin, os.Stdout, *out)
	case "check":
		if len(os.Args) != 3 {
			usage()
		}
		err = check(os.Stdout, os.Args[2])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: terraform output -json | demo write -out DIR\n       demo check DIR")
	os.Exit(2)
}

// outputs is the part of `terraform output -json` the demo uses (see examples/quickstart/main.tf).
type outputs struct {
	Workload    string            `json:"workload"`
	ComposeYAML string            `json:"compose_yaml"`
	ComposeEnv  string            `json:"compose_env"`
	Files       map[string]string `json:"files"`
	SecretFiles map[string]string `json:"secret_files"`
	BinaryFiles map[string]string `json:"binary_files"`
	Containers  map[string]string `json:"containers"`
	Resources   map[string]string `json:"resources"`
}

// decodeOutputs reads `terraform output -json`: {"name": {"value": ..., "sensitive": ...}, ...}.
func decodeOutputs(r io.Reader) (*outputs, error) {
	var raw map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("reading terraform output -json: %w", err)
	}
	values := map[string]json.RawMessage{}
	for k, v := range raw {
		values[k] = v.Value
	}
	joined, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	var o outputs
	if err := json.Unmarshal(joined, &o); err != nil {
		return nil, fmt.Errorf("terraform outputs: %w", err)
	}
	if o.ComposeYAML == "" {
		return nil, errors.New("terraform outputs have no compose_yaml (is the provider's target compose?)")
	}
	return &o, nil
}

// write writes compose.yaml, .env and the files into dir (emptied first) and prints a summary.
func write(in io.Reader, stdout io.Writer, dir string) error {
	o, err := decodeOutputs(in)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeFile(dir, "compose.yaml", o.ComposeYAML, 0o644); err != nil {
		return err
	}
	if err := writeFile(dir, ".env", o.ComposeEnv, 0o600); err != nil {
		return err
	}
	var files []string
	for _, set := range []struct {
		files map[string]string
		mode  os.FileMode
	}{{o.Files, 0o644}, {o.SecretFiles, 0o600}} {
		for p, content := range set.files {
			if err := writeFile(dir, p, content, set.mode); err != nil {
				return err
			}
			files = append(files, p)
		}
	}
	for p, b64 := range o.BinaryFiles {
		content, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return fmt.Errorf("binary file %q is not base64: %w", p, err)
		}
		if err := writeFile(dir, p, string(content), 0o644); err != nil {
			return err
		}
		files = append(files, p)
	}
	sort.Strings(files)

	var doc struct {
		Name     string         `yaml:"name"`
		Services map[string]any `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(o.ComposeYAML), &doc); err != nil {
		return fmt.Errorf("compose_yaml: %w", err)
	}
	env, err := dotenv.UnmarshalBytesWithLookup([]byte(o.ComposeEnv), nil)
	if err != nil {
		return fmt.Errorf("compose_env: %w", err)
	}

	p := func(format string, a ...any) { _, _ = fmt.Fprintf(stdout, format+"\n", a...) }
	p("Rendered workload %q as Docker Compose project %q:", o.Workload, doc.Name)
	p("  containers: %s", joinMap(o.Containers, "%s (%s)"))
	p("  resources:  %s", joinMap(o.Resources, "%s = %s"))
	p("  services:   %s", strings.Join(sortedKeys(doc.Services), ", "))
	p("")
	p("Wrote a runnable project to %s/:", dir)
	p("  compose.yaml  %d lines, secret values are ${VAR} references", strings.Count(o.ComposeYAML, "\n"))
	p("  .env          %d generated secret(s): %s (mode 0600)", len(env), strings.Join(sortedKeys(env), ", "))
	for _, f := range files {
		p("  %s", f)
	}
	return nil
}

// writeFile writes content at rel inside dir; rel must stay inside dir.
func writeFile(dir, rel, content string, mode os.FileMode) error {
	local := filepath.FromSlash(rel)
	if !filepath.IsLocal(local) {
		return fmt.Errorf("file %q is not a relative path inside the project directory", rel)
	}
	full := filepath.Join(dir, local)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, []byte(content), mode)
}

// check loads the project in dir the way `docker compose` does, with its .env and without the
// caller's environment, and fails if a variable compose.yaml refers to is not set by .env.
func check(stdout io.Writer, dir string) error {
	composeFile := filepath.Join(dir, "compose.yaml")
	envFile := filepath.Join(dir, ".env")
	raw, err := os.ReadFile(composeFile)
	if err != nil {
		return err
	}
	envText, err := os.ReadFile(envFile)
	if err != nil {
		return fmt.Errorf("the project has no .env: %w", err)
	}
	env, err := dotenv.UnmarshalBytesWithLookup(envText, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", envFile, err)
	}
	var model map[string]any
	if err := yaml.Unmarshal(raw, &model); err != nil {
		return fmt.Errorf("%s: %w", composeFile, err)
	}
	vars := template.ExtractVariables(model, nil)
	var missing []string
	for name, v := range vars {
		if env[name] == "" && v.DefaultValue == "" {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		return fmt.Errorf("%s refers to variables that %s leaves unset or empty: %s",
			composeFile, envFile, strings.Join(missing, ", "))
	}

	opts, err := cli.NewProjectOptions([]string{composeFile},
		cli.WithWorkingDirectory(dir),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithConsistency(true),
	)
	if err != nil {
		return err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return fmt.Errorf("compose-go rejects %s with %s: %w", composeFile, envFile, err)
	}
	for name, svc := range project.Services {
		for k, v := range svc.Environment {
			if v == nil {
				return fmt.Errorf("service %s: environment variable %s has no value", name, k)
			}
		}
		for _, v := range svc.Volumes {
			if v.Type != "bind" {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				return fmt.Errorf("service %s: bind source %s: %w", name, v.Source, err)
			}
		}
	}
	_, _ = fmt.Fprintf(stdout, "compose-go loads %s with %s: project %q, %d services, %d variables from .env, all set\n",
		composeFile, envFile, project.Name, len(project.Services), len(vars))
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinMap(m map[string]string, format string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf(format, k, m[k]))
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

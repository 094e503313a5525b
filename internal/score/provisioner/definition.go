// Package provisioner turns a Score resource request into outputs, state and the artifacts its
// target needs, using provisioner definitions in the score-compose / score-k8s file format:
// `template://` (Go templates with sprig), `cmd://` (an external program speaking JSON) and, for
// compose, `local-env://` (deferred environment variables).
package provisioner

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"text/template"

	"gopkg.in/yaml.v3"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Definition is one provisioner entry.
type Definition struct {
	URI             string
	Type            string
	Class           *string
	ID              *string
	Description     string
	ExpectedOutputs []string
	// SupportedParams are the params the provisioner reads; without a supported_params list
	// (paramsListed false) any param is taken as read.
	SupportedParams []string
	paramsListed    bool
	// SecretOutputs names the outputs that are secret; nil means "guess from the name" (see
	// IsSecretOutput). An extension of ours: upstream files do not have it and still load.
	SecretOutputs []string
	secretsListed bool

	// Templates, by section name (init, state, shared, outputs, manifests, services, ...).
	Templates map[string]string
	parsed    map[string]*template.Template
	bindings  *sync.Pool // of *binding
	// Args are a cmd:// provisioner's extra arguments.
	Args []string

	// Source tells where the definition came from, for messages: "provisioners[0] entry 2".
	Source string
}

// Scheme is the URI scheme: template, cmd or local-env.
func (d *Definition) Scheme() string {
	scheme, _, _ := strings.Cut(d.URI, "://")
	return scheme
}

// KeepsSharedInstance reports whether d's resources may share what they render (one server, one
// router, under one name) that each re-renders: its templates read or write .Shared, or it is a
// cmd:// program (whose use of the shared state cannot be seen). Such a resource's objects,
// services and files replace those another such resource wrote under the same name (the last
// writer wins, as upstream); any other two resources writing one name differently are an error.
func (d *Definition) KeepsSharedInstance() bool {
	if d.Scheme() == "cmd" || d.Templates["shared"] != "" {
		return true
	}
	for _, t := range d.Templates {
		if strings.Contains(t, ".Shared") {
			return true
		}
	}
	return false
}

// Matches reports whether d provisions a resource of this type, class and id.
func (d *Definition) Matches(resType, class, id string) bool {
	return d.Type == resType && (d.Class == nil || *d.Class == class) && (d.ID == nil || *d.ID == id)
}

// rawDefinition is the file format; unknown fields are errors.
type rawDefinition struct {
	URI             string    `yaml:"uri"`
	Type            string    `yaml:"type"`
	Class           *string   `yaml:"class"`
	ID              *string   `yaml:"id"`
	Description     string    `yaml:"description"`
	ExpectedOutputs []string  `yaml:"expected_outputs"`
	SupportedParams *[]string `yaml:"supported_params"`
	SecretOutputs   *[]string `yaml:"secret_outputs"`

	Init    string    `yaml:"init"`
	State   string    `yaml:"state"`
	Shared  string    `yaml:"shared"`
	Outputs yaml.Node `yaml:"outputs"`

	Manifests string `yaml:"manifests"`

	Directories string `yaml:"directories"`
	Files       string `yaml:"files"`
	Networks    string `yaml:"networks"`
	Volumes     string `yaml:"volumes"`
	Services    string `yaml:"services"`
	Models      string `yaml:"models"`
	InfoLogs    string `yaml:"info_logs"`

	Args   []string `yaml:"args"`
	Params []string `yaml:"params"`
}

// knownFields are the keys rawDefinition accepts; anything else is an error, as upstream.
var knownFields = map[string]bool{}

func init() {
	t := reflect.TypeOf(rawDefinition{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		knownFields[name] = true
	}
}

// Sections in evaluation order: state first, then what each target renders.
var (
	stateSections    = []string{"init", "state", "shared", "outputs"}
	targetSections   = map[targets.Target][]string{targets.Kubernetes: {"manifests"}, targets.Compose: {"directories", "files", "networks", "volumes", "services", "models", "info_logs"}}
	supportedSchemes = map[targets.Target][]string{targets.Kubernetes: {"template", "cmd"}, targets.Compose: {"template", "cmd", "local-env"}}
)

// looksLikePath reports whether a provisioners text that is a lone YAML string is a file's path
// rather than its content: one line, no mapping, and a YAML file name or a path prefix.
func looksLikePath(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "\n") || strings.Contains(s, ": ") {
		return false
	}
	if strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") {
		return true
	}
	for _, prefix := range []string{"./", "../", "/", "~/"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// ParseFile reads a provisioners file: a YAML list of definitions. source names the file in
// messages. Every entry is checked for the target; all problems are returned together.
func ParseFile(data []byte, target targets.Target, source string) ([]*Definition, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %s", source, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if root.Kind == 0 || (root.Kind == yaml.DocumentNode && len(root.Content) == 0) {
		return nil, nil
	}
	list := root.Content[0]
	if list.Kind == yaml.ScalarNode && list.ShortTag() == "!!null" {
		return nil, nil // an empty file ("---", "~", only comments)
	}
	if list.Kind == yaml.ScalarNode && looksLikePath(list.Value) {
		// The score-compose/score-k8s habit (`--provisioners ./prov.yaml`): a path where the
		// file's content is expected.
		return nil, fmt.Errorf("%s looks like a file path; pass the file's content: provisioners = [file(%q)]", source, list.Value)
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s (line %d): a provisioners file must be a list of provisioner definitions", source, list.Line)
	}
	var out []*Definition
	var errs []error
	for i, item := range list.Content {
		d, err := parseEntry(item, target, fmt.Sprintf("%s entry %d", source, i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, d)
	}
	return out, errors.Join(errs...)
}

func parseEntry(item *yaml.Node, target targets.Target, source string) (*Definition, error) {
	uri := uriOf(item)
	where := fmt.Sprintf("%s (line %d)", source, item.Line)
	if uri != "" {
		where = fmt.Sprintf("%s (%s, line %d)", source, uri, item.Line)
	}
	if item.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: a provisioner definition must be a mapping", where)
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		if k := item.Content[i]; !knownFields[k.Value] {
			return nil, fmt.Errorf("%s: line %d: unknown field %q", where, k.Line, k.Value)
		}
	}
	var raw rawDefinition
	if err := item.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%s: %s", where, strings.TrimPrefix(err.Error(), "yaml: "))
	}

	d := &Definition{
		URI: raw.URI, Type: raw.Type, Class: raw.Class, ID: raw.ID, Description: raw.Description,
		ExpectedOutputs: raw.ExpectedOutputs,
		Args:            raw.Args, Source: where, Templates: map[string]string{},
	}
	if raw.SupportedParams != nil {
		d.SupportedParams, d.paramsListed = *raw.SupportedParams, true
	}
	if raw.SecretOutputs != nil {
		d.SecretOutputs, d.secretsListed = *raw.SecretOutputs, true
	}

	var problems []string
	if raw.URI == "" {
		problems = append(problems, "uri is required")
	} else if u, err := url.Parse(raw.URI); err != nil || u.Scheme == "" || !strings.Contains(raw.URI, "://") {
		problems = append(problems, "uri must have a scheme, like template://my-provisioners/postgres")
	} else if !contains(supportedSchemes[target], u.Scheme) {
		problems = append(problems, fmt.Sprintf("unsupported provisioner scheme %q for the %s target (supported: %s)", u.Scheme, target, strings.Join(supportedSchemes[target], ", ")))
	}
	if raw.Type == "" {
		if d.Scheme() == "local-env" {
			d.Type = "environment"
		} else {
			problems = append(problems, "type is required")
		}
	}

	templates := map[string]string{
		"init": raw.Init, "state": raw.State, "shared": raw.Shared,
		"manifests": raw.Manifests, "directories": raw.Directories, "files": raw.Files,
		"networks": raw.Networks, "volumes": raw.Volumes, "services": raw.Services,
		"models": raw.Models, "info_logs": raw.InfoLogs,
	}
	switch raw.Outputs.Kind {
	case 0:
	case yaml.ScalarNode:
		templates["outputs"] = raw.Outputs.Value
	case yaml.SequenceNode:
		// score-compose's legacy cmd provisioners list output names here; they mean nothing to us.
		if d.Scheme() != "cmd" {
			problems = append(problems, "outputs must be a template string")
		}
	default:
		problems = append(problems, "outputs must be a template string")
	}
	allowed := map[string]bool{}
	for _, s := range stateSections {
		allowed[s] = true
	}
	for _, s := range targetSections[target] {
		allowed[s] = true
	}
	for _, name := range sortedSectionNames(templates) {
		text := templates[name]
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !allowed[name] {
			problems = append(problems, fmt.Sprintf("%s is not supported for the %s target", name, target))
			continue
		}
		if d.Scheme() != "template" {
			problems = append(problems, fmt.Sprintf("%s is only supported by template:// provisioners", name))
			continue
		}
		d.Templates[name] = text
	}
	if len(raw.Args) > 0 && d.Scheme() != "cmd" {
		problems = append(problems, "args is only supported by cmd:// provisioners")
	}
	if d.Scheme() == "template" {
		if err := parseTemplates(d); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %s", where, strings.Join(problems, "; "))
	}
	return d, nil
}

func sortedSectionNames(m map[string]string) []string {
	order := append(append([]string(nil), stateSections...), "manifests", "directories", "files", "networks", "volumes", "services", "models", "info_logs")
	var out []string
	for _, n := range order {
		if _, ok := m[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

func uriOf(item *yaml.Node) string {
	if item.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value == "uri" {
			return item.Content[i+1].Value
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

package resources

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Reference is what one ${...} reference stands for.
type Reference struct {
	// Value is the resolved text; for an Environment reference, the variable's name.
	Value string
	// Secret is set when the value comes from a secret output; Resource and Key name it.
	Secret   bool
	Resource *Resource
	Key      string
	// Environment is set for a deferred environment variable (an environment resource).
	Environment bool
}

// Lookup resolves a reference against the workload's metadata and resolved resources, telling
// whether it is secret or a deferred environment variable. Messages match score-go's.
func (r *Result) Lookup(ref string) (Reference, error) {
	parts := placeholder.SplitRef(ref)
	var out Reference
	if len(parts) >= 2 && parts[0] == "resources" {
		res, ok := r.Resources[parts[1]]
		if ok && len(parts) > 2 {
			out.Resource, out.Key = res, parts[2]
			if res.Environment {
				if len(parts) != 3 {
					return out, fmt.Errorf("invalid ref '%s': an environment resource takes exactly one key, the variable name", ref)
				}
				if !isVariableName(parts[2]) {
					return out, fmt.Errorf("invalid ref '%s': %q is not an environment variable name (letters, digits and _, not starting with a digit)", ref, parts[2])
				}
				out.Environment, out.Value = true, parts[2]
				return out, nil
			}
			out.Secret = res.Secret[parts[2]]
		}
	}
	value, err := r.resolver().Resolve(ref)
	out.Value = value
	return out, err
}

// isVariableName reports whether name can be referred to as ${name} in a compose file.
func isVariableName(name string) bool {
	for i, c := range name {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return name != ""
}

// Immediate resolves a reference to its value, for places that cannot defer anything (resource
// params, file contents): an environment variable reference is an error there.
func (r *Result) Immediate(ref string) (string, error) {
	got, err := r.Lookup(ref)
	if err != nil {
		return "", err
	}
	if got.Environment {
		return "", fmt.Errorf("invalid ref '%s': environment variables are only available in container variables and, on compose, in files (the provider does not read its own environment)", ref)
	}
	return got.Value, nil
}

func (r *Result) resolver() placeholder.Resolver {
	lookups := make(map[string]placeholder.Lookup, len(r.Resources))
	for name, res := range r.Resources {
		outputs := res.Outputs
		lookups[name] = func(keys ...string) (any, error) {
			if len(keys) == 0 {
				return nil, errors.New("at least one lookup key is required")
			}
			return placeholder.MapLookup(outputs)(keys...)
		}
	}
	return placeholder.Resolver{Metadata: r.Metadata, Resources: lookups}
}

// ByUID finds a resolved resource by uid (volume sources name resources by uid).
func (r *Result) ByUID(uid string) *Resource {
	for _, res := range r.Resources {
		if res.UID == uid {
			return res
		}
	}
	return nil
}

// VolumeSource finds the resource a container volume's source names: `${resources.NAME}` (which
// stands for the resource's uid), or a uid written out.
func (r *Result) VolumeSource(source string) (*Resource, error) {
	uid := source
	if refs, _ := placeholder.Scan(source); len(refs) == 1 && source == "${"+refs[0]+"}" {
		if parts := placeholder.SplitRef(refs[0]); len(parts) == 2 && parts[0] == "resources" {
			if res := r.Resources[parts[1]]; res != nil {
				return res, nil
			}
			return nil, fmt.Errorf("source: no resource named %q", parts[1])
		}
	}
	if strings.Contains(source, "${") {
		value, err := r.Budget.Expand(source, r.Immediate)
		if err != nil {
			return nil, fmt.Errorf("source: %w", err)
		}
		uid = value
	}
	if res := r.ByUID(uid); res != nil {
		return res, nil
	}
	return nil, fmt.Errorf("source: resource '%s' does not exist", uid)
}

// SecretOutput is one secret output of a resolved resource; Value is its text, empty when the
// output is empty or not a scalar.
type SecretOutput struct {
	UID, Key, Value string
}

// SecretOutputs lists the secret outputs of every resolved resource, sorted by uid and key: the
// one place where a workload's secret values are gathered.
func (r *Result) SecretOutputs() []SecretOutput {
	var out []SecretOutput
	for _, res := range r.Resources {
		for key := range res.Secret {
			s, err := placeholder.Stringify(res.Outputs[key])
			if err != nil {
				s = ""
			}
			out = append(out, SecretOutput{UID: res.UID, Key: key, Value: s})
		}
	}
	slices.SortFunc(out, func(a, b SecretOutput) int {
		return cmp.Or(strings.Compare(a.UID, b.UID), strings.Compare(a.Key, b.Key))
	})
	return out
}

// SecretValues are the values of SecretOutputs.
func (r *Result) SecretValues() secret.Values {
	var v secret.Values
	for _, s := range r.SecretOutputs() {
		v.Add(s.Value)
	}
	return v
}

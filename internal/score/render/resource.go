// Package render turns provisioning results and resolved workloads into what Terraform stores:
// strings and maps of strings, secrets kept apart from everything else. It provisions nothing
// (the engine package orchestrates that). Target specifics live in the kubernetes and compose
// sub-packages.
package render

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
)

// MountsDirectory is where compose provisioners put their files, relative to the compose file;
// templates see it as .MountsDirectory.
const MountsDirectory = "./mounts"

// Artifacts are what a target consumes; only those of the rendered target are set.
type Artifacts struct {
	// Kubernetes: objects by key; Secrets (and anything holding a secret value) apart.
	Manifests       map[string]string
	SecretManifests map[string]string

	// Compose: the compose file (secrets as ${VAR}), the env file with their values, and files
	// to write next to the compose file (those holding a secret apart).
	ComposeYAML string
	ComposeEnv  string
	Files       map[string]string
	SecretFiles map[string]string
}

// Resource is one provisioned resource as Terraform stores it.
type Resource struct {
	// Outputs are the non-secret outputs; Secrets the secret ones. Nested values are JSON.
	Outputs map[string]string
	Secrets map[string]string
	Artifacts
}

// RenderResource renders a provisioning result for target.
func RenderResource(uid string, res *provisioner.Result, target provisioner.Target, namespace string) (*Resource, error) {
	out := &Resource{Outputs: map[string]string{}, Secrets: map[string]string{}}
	secretKeys := map[string]bool{}
	for _, k := range res.SecretOutputs {
		secretKeys[k] = true
	}
	var secretValues []string
	var refs []compose.SecretRef
	for k, v := range res.Outputs {
		s, err := placeholder.Stringify(v)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", k, err)
		}
		if !secretKeys[k] {
			out.Outputs[k] = s
			continue
		}
		out.Secrets[k] = s
		secretValues = append(secretValues, s)
		refs = append(refs, compose.SecretRef{Uid: uid, Key: k})
	}
	sort.Strings(secretValues)
	var composeSecrets []compose.Secret
	for ref, variable := range compose.Variables(refs) {
		composeSecrets = append(composeSecrets, compose.Secret{Variable: variable, Value: out.Secrets[ref.Key]})
	}
	sort.Slice(composeSecrets, func(i, j int) bool { return composeSecrets[i].Variable < composeSecrets[j].Variable })

	switch target {
	case provisioner.Kubernetes:
		objs, err := kubernetes.Encode(res.Manifests, namespace, secretValues)
		if err != nil {
			return nil, err
		}
		out.Manifests, out.SecretManifests = objs.Manifests, objs.Secrets
	case provisioner.Compose:
		doc := map[string]any{}
		for key, section := range map[string]map[string]any{
			"services": compose.NormalizeServices(res.Compose.Services), "volumes": res.Compose.Volumes,
			"networks": res.Compose.Networks, "models": res.Compose.Models,
		} {
			if len(section) > 0 {
				doc[key] = compose.Redact(section, composeSecrets)
			}
		}
		if len(doc) > 0 {
			text, err := compose.Marshal(doc)
			if err != nil {
				return nil, err
			}
			out.ComposeYAML = text
		}
		out.ComposeEnv = compose.Dotenv(composeSecrets)
		files := map[string]string{}
		for p, content := range res.Compose.Files {
			s, err := placeholder.Stringify(content)
			if err != nil {
				return nil, fmt.Errorf("file %q: %w", p, err)
			}
			if !filepath.IsLocal(p) {
				return nil, fmt.Errorf("file %q must be a relative path inside the mounts directory", p)
			}
			files[path.Join(MountsDirectory, p)] = s
		}
		out.Files, out.SecretFiles = compose.SplitFiles(files, composeSecrets)
	}
	return out, nil
}

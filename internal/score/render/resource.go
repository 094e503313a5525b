// Package render turns provisioning results and resolved workloads into what Terraform stores:
// strings and maps of strings, secrets kept apart from everything else. It provisions nothing
// (the engine package orchestrates that). Target specifics live in the kubernetes and compose
// sub-packages.
package render

import (
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"sort"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
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
	// Messages say why an output is not shown (an unresolved secret reference).
	Messages []string
}

// RenderResource renders a provisioning result for target.
func RenderResource(uid string, res *provisioner.Result, target targets.Target, namespace string) (*Resource, error) {
	out := &Resource{Outputs: map[string]string{}, Secrets: map[string]string{}}
	secretKeys := map[string]bool{}
	for _, k := range res.SecretOutputs {
		secretKeys[k] = true
	}
	for k, v := range res.Outputs {
		s, err := placeholder.Stringify(v)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", k, err)
		}
		if provisioner.ContainsSecretRef(s) {
			// A secret reference (encodeSecretRef) is never shown: see provisioner.ResolveSecretRefs.
			resolved, unresolved := provisioner.ResolveSecretRefs(s, res.Manifests)
			if len(unresolved) > 0 {
				out.Messages = append(out.Messages, provisioner.UnresolvedSecretRefMessage(uid, k, unresolved))
			} else {
				out.Secrets[k] = resolved
			}
			continue
		}
		if secretKeys[k] {
			out.Secrets[k] = s
		} else {
			out.Outputs[k] = s
		}
	}
	sort.Strings(out.Messages)
	var err error
	switch target {
	case targets.Kubernetes:
		err = out.kubernetesArtifacts(res, namespace)
	case targets.Compose:
		err = out.composeArtifacts(uid, res)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// kubernetesArtifacts encodes the result's objects, those holding a secret output apart.
func (r *Resource) kubernetesArtifacts(res *provisioner.Result, namespace string) error {
	objs, err := kubernetes.Encode(res.Manifests, namespace, secret.NewValues(slices.Collect(maps.Values(r.Secrets))...))
	if err != nil {
		return err
	}
	r.Manifests, r.SecretManifests = objs.Manifests, objs.Secrets
	return nil
}

// composeArtifacts renders what the result adds to a compose project, its secret outputs as
// ${VAR} references whose values go to the env file.
func (r *Resource) composeArtifacts(uid string, res *provisioner.Result) error {
	secrets := r.composeSecrets(uid)
	doc := map[string]any{}
	redactor := compose.NewRedactor(secrets)
	for key, section := range map[string]map[string]any{
		"services": compose.NormalizeServices(res.Compose.Services), "volumes": res.Compose.Volumes,
		"networks": res.Compose.Networks, "models": res.Compose.Models,
	} {
		if len(section) > 0 {
			doc[key] = redactor.Redact(section)
		}
	}
	if len(doc) > 0 {
		text, err := compose.Marshal(doc)
		if err != nil {
			return err
		}
		r.ComposeYAML = text
	}
	r.ComposeEnv = compose.Dotenv(secrets)
	files := map[string]string{}
	for p, content := range res.Compose.Files {
		s, err := placeholder.Stringify(content)
		if err != nil {
			return fmt.Errorf("file %q: %w", p, err)
		}
		if !filepath.IsLocal(p) {
			return fmt.Errorf("file %q must be a relative path inside the mounts directory", p)
		}
		files[path.Join(MountsDirectory, p)] = s
	}
	r.Files, r.SecretFiles = compose.SplitFiles(files, compose.Values(secrets))
	return nil
}

// composeSecrets are the secret outputs with the variables that stand for them, by variable.
func (r *Resource) composeSecrets(uid string) []compose.Secret {
	var refs []compose.SecretRef
	for k := range r.Secrets {
		refs = append(refs, compose.SecretRef{UID: uid, Key: k})
	}
	var secrets []compose.Secret
	for ref, variable := range compose.Variables(refs) {
		secrets = append(secrets, compose.Secret{Variable: variable, Value: r.Secrets[ref.Key]})
	}
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].Variable < secrets[j].Variable })
	return secrets
}

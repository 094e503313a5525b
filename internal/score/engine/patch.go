package engine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/internal/score/patch"
	"github.com/score-tf/terraform-provider-score/internal/score/render/compose"
	"github.com/score-tf/terraform-provider-score/internal/score/render/kubernetes"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Patch templates (score-compose's and score-k8s's --patch-templates) run after rendering, on the
// assembled output and before it is encoded: the provider's in order, then a project's. Their
// result is checked as rendering's own output is (Kubernetes objects decode strictly, compose
// loads with compose-go), secret values stay in Secrets (kubernetes) or behind ${VAR} references
// (compose), and every problem names the template.

// PatchError is a patch template that does not parse or fails: one of the provider's
// (Provider), or of a project's, by index in its list.
type PatchError struct {
	Provider bool
	Index    int
	Err      error
}

func (e *PatchError) Error() string { return e.Where() + ": " + e.Err.Error() }
func (e *PatchError) Unwrap() error { return e.Err }

// Where names the template: `provider patch_templates[1]` or `patch_templates[0]`.
func (e *PatchError) Where() string {
	if e.Provider {
		return fmt.Sprintf("provider patch_templates[%d]", e.Index)
	}
	return fmt.Sprintf("patch_templates[%d]", e.Index)
}

// ParsePatchTemplate checks that a patch template parses (for validation).
func ParsePatchTemplate(text string) error {
	_, err := patch.Parse(text)
	return err
}

// AddPatchTemplate appends one of the provider's patch templates; the error is a *PatchError.
// A template that does not parse is kept as a place (so the later ones keep their index) and
// does nothing.
func (s *Settings) AddPatchTemplate(text string) error {
	t, err := patch.Parse(text)
	s.patches = append(s.patches, t)
	if err != nil {
		return &PatchError{Provider: true, Index: len(s.patches) - 1, Err: err}
	}
	return nil
}

// patchStep is one template to run, with where it comes from.
type patchStep struct {
	provider bool
	index    int
	t        *patch.Template
}

func (st patchStep) fail(err error) error {
	return &PatchError{Provider: st.provider, Index: st.index, Err: err}
}

// patchSteps are the provider's templates, then project's (parsed here).
func (s Settings) patchSteps(project []string) ([]patchStep, error) {
	var steps []patchStep
	for i, t := range s.patches {
		if t != nil {
			steps = append(steps, patchStep{provider: true, index: i, t: t})
		}
	}
	for i, text := range project {
		t, err := patch.Parse(text)
		if err != nil {
			return nil, &PatchError{Index: i, Err: err}
		}
		steps = append(steps, patchStep{index: i, t: t})
	}
	return steps, nil
}

// workloadSpecs are the workloads' normalized score specs by name: what templates see as
// .Workloads.
func workloadSpecs(ws ...*loader.Workload) map[string]any {
	out := make(map[string]any, len(ws))
	for _, w := range ws {
		out[w.Name()] = w.Document
	}
	return out
}

// patchKubernetes runs steps on the collected objects and encodes the result: keys from the
// patched objects, Secrets and objects holding secret values in Secrets.
func patchKubernetes(ctx context.Context, steps []patchStep, objs *kubernetes.Objects, namespace string, workloads map[string]any, secrets secret.Values) (kubernetes.Rendered, error) {
	list := objs.List(namespace)
	if err := kubernetes.CheckSecretRefs(list); err != nil {
		return kubernetes.Rendered{}, err
	}
	sensitive := sensitiveStrings(list, secrets)
	// Templates see the Secrets' data: an error (a `fail` quoting it) must not show it. The
	// caller hides the secret values themselves; this hides their base64 forms too.
	hidden := secret.NewValues(sensitive...)
	// changedBy is, by object key, the step that last changed (or added) the object.
	changedBy := map[string]int{}
	for si, st := range steps {
		exposed := exposedSecrets(list, sensitive)
		before := objectTexts(list)
		next, err := st.t.Kubernetes(ctx, list, namespace, workloads)
		if err != nil {
			return kubernetes.Rendered{}, st.fail(hidden.HideError(err))
		}
		kubernetes.ClearClusterNamespaces(next)
		for _, obj := range next {
			if isSecret(obj) {
				continue
			}
			for _, s := range heldSecrets(obj, sensitive) {
				if !exposed[s] {
					return kubernetes.Rendered{}, st.fail(fmt.Errorf("it puts a secret value into %s, which is not a Secret: "+
						"secret values may only be in Secret objects (secret_manifests); refer to them (secretKeyRef, a Secret volume) instead", kubernetes.Key(obj)))
				}
			}
		}
		for _, obj := range next {
			if text, _ := json.Marshal(obj); !before[string(text)] {
				changedBy[kubernetes.Key(obj)] = si
			}
		}
		list = next
	}
	stepOf := func(key string) patchStep {
		if si, ok := changedBy[key]; ok {
			return steps[si]
		}
		return steps[len(steps)-1]
	}
	seen := map[string]bool{}
	for i, obj := range list {
		key := kubernetes.Key(obj)
		if err := kube.Validate(obj); err != nil {
			return kubernetes.Rendered{}, stepOf(key).fail(hidden.HideError(fmt.Errorf("after it, manifest %d (%s) is not valid: %w", i, key, err)))
		}
		if seen[key] {
			return kubernetes.Rendered{}, stepOf(key).fail(fmt.Errorf("after it, two manifests are %s: each object needs its own apiVersion, kind, namespace and name", key))
		}
		seen[key] = true
	}
	if err := kubernetes.CheckSecretRefs(list); err != nil {
		return kubernetes.Rendered{}, steps[len(steps)-1].fail(err)
	}
	all := secret.NewValues(sensitive...)
	all.Merge(secrets)
	// No namespace is added after patching: List set it on every collected object, and an
	// object a patch adds has the namespace the patch gives it, as in score-k8s.
	return kubernetes.Encode(list, "", all)
}

// sensitiveStrings are the texts that must not appear in an object that is not a Secret: the
// secret values, their base64 encodings, and the (base64) data of the Secrets.
func sensitiveStrings(objects []map[string]any, secrets secret.Values) []string {
	var out []string
	for _, s := range secrets.Strings() {
		out = append(out, s, base64.StdEncoding.EncodeToString([]byte(s)))
	}
	for _, obj := range objects {
		if !isSecret(obj) {
			continue
		}
		if data, ok := obj["data"].(map[string]any); ok {
			for _, k := range slices.Sorted(maps.Keys(data)) {
				if s, ok := data[k].(string); ok && s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func isSecret(obj map[string]any) bool {
	kind, _ := obj["kind"].(string)
	return kind == "Secret"
}

// exposedSecrets are the sensitive strings objects other than Secrets hold already (objects a
// provisioner wrote with a secret value inside: they are in secret_manifests).
func exposedSecrets(objects []map[string]any, sensitive []string) map[string]bool {
	out := map[string]bool{}
	for _, obj := range objects {
		if !isSecret(obj) {
			for _, s := range heldSecrets(obj, sensitive) {
				out[s] = true
			}
		}
	}
	return out
}

// heldSecrets are the sensitive strings inside any string of v (keys included).
func heldSecrets(v any, sensitive []string) []string {
	var out []string
	var walk func(v any)
	check := func(text string) {
		for _, s := range sensitive {
			if strings.Contains(text, s) {
				out = append(out, s)
			}
		}
	}
	walk = func(v any) {
		switch t := v.(type) {
		case string:
			check(t)
		case map[string]any:
			for k, e := range t {
				check(k)
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// objectTexts are the JSON texts of objects, to tell which a template changed.
func objectTexts(objects []map[string]any) map[string]bool {
	out := make(map[string]bool, len(objects))
	for _, obj := range objects {
		text, _ := json.Marshal(obj)
		out[string(text)] = true
	}
	return out
}

// patchCompose runs steps on the assembled compose project and encodes the result, which must
// still load with compose-go and hold no secret value.
// finish changes the patched document before it is checked (publishing ports).
func patchCompose(ctx context.Context, steps []patchStep, p *compose.Project, projectName string, workloads map[string]any, finish func(map[string]any) error) (compose.Rendered, error) {
	doc := p.Document()
	secrets := p.SecretValues()
	last := -1
	for si, st := range steps {
		next, err := st.t.Compose(ctx, doc, workloads)
		if err != nil {
			return compose.Rendered{}, st.fail(err)
		}
		if secrets.HeldBy(next) {
			return compose.Rendered{}, st.fail(fmt.Errorf("it puts a secret value into %s of the compose file: "+
				"secret values may only be ${VAR} references to compose_env", composeHolder(next, secrets)))
		}
		if !sameMap(next, doc) {
			last = si
		}
		doc = next
	}
	if finish != nil {
		if err := finish(doc); err != nil {
			return compose.Rendered{}, err
		}
	}
	if last >= 0 {
		text, err := compose.Marshal(doc)
		if err != nil {
			return compose.Rendered{}, steps[last].fail(err)
		}
		if err := compose.Check(ctx, text, projectName); err != nil {
			// Only the patches' doing when the document loads without them.
			if plain, perr := compose.Marshal(p.Document()); perr == nil && compose.Check(ctx, plain, projectName) == nil {
				return compose.Rendered{}, steps[last].fail(fmt.Errorf("after it, the compose file is not valid: %w", err))
			}
		}
	}
	return p.RenderDocument(doc)
}

// sameMap tells whether a and b are the same map (a template without operations returns what
// it was given).
func sameMap(a, b map[string]any) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// composeHolder names where in the compose document a secret value is: a service, or a
// top-level section.
func composeHolder(doc map[string]any, secrets secret.Values) string {
	for _, section := range slices.Sorted(maps.Keys(doc)) {
		entries, ok := doc[section].(map[string]any)
		if !ok {
			if secrets.HeldBy(doc[section]) {
				return fmt.Sprintf("%q", section)
			}
			continue
		}
		for _, name := range slices.Sorted(maps.Keys(entries)) {
			if secrets.HeldBy(entries[name]) || secrets.In(name) { // hideSecrets hides a secret name
				return fmt.Sprintf("%s %q", strings.TrimSuffix(section, "s"), name)
			}
		}
	}
	return "the document"
}

package provisioner

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
)

// SecretRefPattern matches one secret reference (EncodeSecretRef's output), capturing the Secret
// name and the key. It is built from the markers so the two cannot drift apart; a key holds no
// "_" and no marker rune.
var SecretRefPattern = regexp.MustCompile(regexp.QuoteMeta(SecretRefStart) + `(.+?)_([^_` +
	regexp.QuoteMeta(string([]rune(secretRefEnd)[0])) + `]+?)` + regexp.QuoteMeta(secretRefEnd))

// ContainsSecretRef reports whether s holds a score-k8s secret reference.
func ContainsSecretRef(s string) bool {
	return strings.Contains(s, SecretRefStart)
}

// Secret references in outputs.
//
// score-k8s provisioners give outputs such as `password: {{ encodeSecretRef .State.service
// "password" }}`: a reference to a key of a Kubernetes Secret, which score-k8s (and this engine)
// turns into a secretKeyRef where a workload's variable uses it. The marker text is an internal
// encoding and is never shown to a user: where an output is shown (score_workload's
// resource_outputs, score_resource's outputs) a value holding a reference is a secret output,
// with each reference replaced by the key's value when the provisioner's own manifests create
// that Secret (its `data`, base64-decoded, or `stringData`). When one does not (the Secret exists
// in the cluster already), the value is unknown here: the output is left out, and the caller says
// why (UnresolvedSecretRefMessage).

// ResolveSecretRefs replaces each secret reference in s by the value of the key of the Secret it
// names among manifests. unresolved lists the references ("secret/key") that name no such key;
// then s is returned unchanged.
func ResolveSecretRefs(s string, manifests []map[string]any) (resolved string, unresolved []string) {
	resolved = SecretRefPattern.ReplaceAllStringFunc(s, func(ref string) string {
		m := SecretRefPattern.FindStringSubmatch(ref)
		if v, ok := secretKeyValue(manifests, m[1], m[2]); ok {
			return v
		}
		unresolved = append(unresolved, m[1]+"/"+m[2])
		return ref
	})
	if len(unresolved) > 0 || ContainsSecretRef(resolved) {
		if len(unresolved) == 0 {
			unresolved = []string{"(malformed reference)"}
		}
		return s, unresolved
	}
	return resolved, nil
}

// UnresolvedSecretRefMessage explains why output key of resource (a name or uid) is not shown.
func UnresolvedSecretRefMessage(resource, key string, refs []string) string {
	return fmt.Sprintf("resource %s output %q refers to a Kubernetes Secret key (%s, encodeSecretRef) that its provisioner "+
		"does not create, so its value is not known here and the output is not shown; a workload variable or file that "+
		"uses it still reads the Secret in the cluster (secretKeyRef)", resource, key, strings.Join(refs, ", "))
}

// secretKeyValue is the value of key in the Secret named name among manifests.
func secretKeyValue(manifests []map[string]any, name, key string) (string, bool) {
	for _, obj := range manifests {
		if kind, _ := obj["kind"].(string); kind != "Secret" {
			continue
		}
		meta, _ := obj["metadata"].(map[string]any)
		if n, _ := meta["name"].(string); n != name {
			continue
		}
		if sd, ok := obj["stringData"].(map[string]any); ok {
			if v, ok := sd[key].(string); ok {
				return v, true
			}
		}
		if d, ok := obj["data"].(map[string]any); ok {
			if v, ok := d[key].(string); ok {
				if b, err := base64.StdEncoding.DecodeString(v); err == nil {
					return string(b), true
				}
			}
		}
	}
	return "", false
}

// Package kubernetes renders Kubernetes objects for Terraform: one YAML document per object,
// keyed by a stable identity, Secrets (and anything holding a secret value) kept apart so they
// can go to a sensitive attribute.
package kubernetes

import (
	"fmt"
	"strings"

	"github.com/score-tf/terraform-provider-score/internal/score/kube"
	"github.com/score-tf/terraform-provider-score/internal/score/render/document"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// clusterScoped are the kinds that never get a namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "StorageClass": true, "CustomResourceDefinition": true,
	"PriorityClass": true, "IngressClass": true, "GatewayClass": true, "RuntimeClass": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true, "APIService": true,
	"CSIDriver": true, "VolumeAttachment": true,
}

// Rendered are encoded objects by key.
type Rendered struct {
	// Manifests hold no secret values.
	Manifests map[string]string
	// Secrets are Secret objects and any object that holds one of the secret values.
	Secrets map[string]string
}

// Key is an object's stable identity: <group or "core">/<version>/<Kind>/<namespace or "_">/<name>,
// e.g. apps/v1/Deployment/shop/web or core/v1/Service/_/web.
func Key(obj map[string]any) string {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	if ns == "" {
		ns = "_"
	}
	group, version, found := strings.Cut(apiVersion, "/")
	if !found {
		group, version = "core", apiVersion
	}
	return group + "/" + version + "/" + kind + "/" + ns + "/" + name
}

// Encode sets namespace on every namespaced object (when namespace is not empty), validates each
// object, and encodes it as YAML with sorted keys. Two objects with the same key are an error
// unless they are identical. secretValues are values that must not appear in Manifests.
func Encode(objects []map[string]any, namespace string, secretValues secret.Values) (Rendered, error) {
	out := Rendered{Manifests: map[string]string{}, Secrets: map[string]string{}}
	for i, obj := range objects {
		kind, _ := obj["kind"].(string)
		if namespace != "" && !clusterScoped[kind] {
			meta, _ := obj["metadata"].(map[string]any)
			if meta == nil {
				meta = map[string]any{}
				obj["metadata"] = meta
			}
			meta["namespace"] = namespace
		}
		if err := kube.Validate(obj); err != nil {
			return Rendered{}, fmt.Errorf("object %d: %w", i, err)
		}
		text, err := document.YAML(obj)
		if err != nil {
			return Rendered{}, fmt.Errorf("object %d: %w", i, err)
		}
		key := Key(obj)
		into := out.Manifests
		if kind == "Secret" || secretValues.HeldBy(obj) {
			into = out.Secrets
		}
		for _, m := range []map[string]string{out.Manifests, out.Secrets} {
			if prev, dup := m[key]; dup && prev != text {
				return Rendered{}, fmt.Errorf("two different objects have the same identity %s", key)
			}
		}
		into[key] = text
	}
	return out, nil
}

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

// ClusterScopedAnnotation (ours) tells the renderer whether an object a provisioner wrote is
// cluster-scoped ("true": it gets no namespace) or namespaced ("false": it gets the provider's),
// for kinds the renderer does not know. It is an instruction to the renderer, removed from the
// emitted object.
const ClusterScopedAnnotation = "k8s.score-tf.dev/cluster-scoped"

// clusterScoped are the cluster-scoped kinds, by API group ("" for core) and kind: Kubernetes' own
// and those of well-known projects' CRDs.
var clusterScoped = map[string]map[string]bool{
	"":                             set("Namespace", "Node", "PersistentVolume", "ComponentStatus"),
	"rbac.authorization.k8s.io":    set("ClusterRole", "ClusterRoleBinding"),
	"storage.k8s.io":               set("StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"),
	"apiextensions.k8s.io":         set("CustomResourceDefinition"),
	"apiregistration.k8s.io":       set("APIService"),
	"scheduling.k8s.io":            set("PriorityClass"),
	"node.k8s.io":                  set("RuntimeClass"),
	"networking.k8s.io":            set("IngressClass", "IPAddress", "ServiceCIDR"),
	"certificates.k8s.io":          set("CertificateSigningRequest", "ClusterTrustBundle"),
	"flowcontrol.apiserver.k8s.io": set("FlowSchema", "PriorityLevelConfiguration"),
	"resource.k8s.io":              set("DeviceClass", "ResourceSlice"),
	"admissionregistration.k8s.io": set("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"),
	"gateway.networking.k8s.io": set("GatewayClass"),
	"cert-manager.io":           set("ClusterIssuer"),
	"external-secrets.io":       set("ClusterSecretStore", "ClusterExternalSecret"),
	"kyverno.io":                set("ClusterPolicy", "ClusterCleanupPolicy"),
	"pkg.crossplane.io": set("Provider", "ProviderRevision", "Configuration", "ConfigurationRevision",
		"Function", "FunctionRevision", "DeploymentRuntimeConfig", "ControllerConfig"),
	"apiextensions.crossplane.io": set("Composition", "CompositionRevision", "CompositeResourceDefinition", "EnvironmentConfig"),
	"protection.crossplane.io":    set("ClusterUsage"),
}

func set(kinds ...string) map[string]bool {
	out := make(map[string]bool, len(kinds))
	for _, k := range kinds {
		out[k] = true
	}
	return out
}

// crossplaneCore are Crossplane's own API groups: only the kinds listed in clusterScoped are
// cluster-scoped there (Crossplane 2's Usage is namespaced).
var crossplaneCore = set("pkg.crossplane.io", "apiextensions.crossplane.io", "protection.crossplane.io", "ops.crossplane.io", "secrets.crossplane.io")

// IsClusterScoped tells whether objects of a kind in an API group ("" for core) are cluster-scoped:
// a known kind, or a Crossplane provider's resource in a legacy group (<...>.upbound.io or
// <...>.crossplane.io: managed resources and ProviderConfigs, all cluster-scoped). Crossplane 2's
// namespaced managed resources are in ".m." groups (s3.aws.m.upbound.io) and are namespaced.
func IsClusterScoped(group, kind string) bool {
	if clusterScoped[group][kind] {
		return true
	}
	if crossplaneCore[group] || strings.Contains(group, ".m.") {
		return false
	}
	return strings.HasSuffix(group, ".upbound.io") || strings.HasSuffix(group, ".crossplane.io")
}

// scope is whether obj is cluster-scoped: its ClusterScopedAnnotation (removed from it), else
// what IsClusterScoped knows.
func scope(obj map[string]any) (bool, error) {
	meta, _ := obj["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if _, ok := ann[ClusterScopedAnnotation]; ok {
		defer func() {
			delete(ann, ClusterScopedAnnotation)
			if len(ann) == 0 {
				delete(meta, "annotations")
			}
		}()
	}
	return scopeOf(obj)
}

// scopeOf is scope without removing the annotation.
func scopeOf(obj map[string]any) (bool, error) {
	meta, _ := obj["metadata"].(map[string]any)
	ann, _ := meta["annotations"].(map[string]any)
	if v, ok := ann[ClusterScopedAnnotation]; ok {
		switch fmt.Sprint(v) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("annotation %s must be \"true\" or \"false\", not %q", ClusterScopedAnnotation, fmt.Sprint(v))
	}
	apiVersion, _ := obj["apiVersion"].(string)
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = ""
	}
	kind, _ := obj["kind"].(string)
	return IsClusterScoped(group, kind), nil
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

// Encode sets namespace (when not empty) on every namespaced object that has none (a namespace a
// provisioner wrote is kept), validates each object, and encodes it as YAML with sorted keys. Two
// objects with the same key are an error unless they are identical. secretValues are values that
// must not appear in Manifests.
func Encode(objects []map[string]any, namespace string, secretValues secret.Values) (Rendered, error) {
	out := Rendered{Manifests: map[string]string{}, Secrets: map[string]string{}}
	for i, obj := range objects {
		kind, _ := obj["kind"].(string)
		cluster, err := scope(obj)
		if err != nil {
			return Rendered{}, fmt.Errorf("object %d (%s): %w", i, Key(obj), err)
		}
		if !cluster {
			setNamespace(obj, namespace)
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

// setNamespace sets namespace (when not empty) on obj if it has none and is namespaced (or its
// scope annotation is invalid: Encode reports that).
func setNamespace(obj map[string]any, namespace string) {
	if cluster, err := scopeOf(obj); namespace == "" || (cluster && err == nil) {
		return
	}
	meta, _ := obj["metadata"].(map[string]any)
	if ns, _ := meta["namespace"].(string); ns != "" {
		return
	}
	if meta == nil {
		meta = map[string]any{}
		obj["metadata"] = meta
	}
	meta["namespace"] = namespace
}

// ClearClusterNamespaces removes metadata.namespace from the cluster-scoped objects (a patch
// template may have written one: score-k8s sets its namespace on every object).
func ClearClusterNamespaces(objects []map[string]any) {
	for _, obj := range objects {
		if cluster, err := scopeOf(obj); err == nil && cluster {
			if meta, ok := obj["metadata"].(map[string]any); ok {
				delete(meta, "namespace")
			}
		}
	}
}

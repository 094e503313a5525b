// Package kube checks Kubernetes objects against the typed API (k8s.io/api): an object of a
// known kind must decode strictly (no unknown field, no wrong type), as the API server would
// require; kinds this package does not know are only checked for apiVersion, kind and name.
package kube

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"
)

var scheme = runtime.NewScheme()

func init() {
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, networkingv1.AddToScheme,
		policyv1.AddToScheme, rbacv1.AddToScheme, autoscalingv2.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err) // static registration; cannot fail at run time
		}
	}
}

// Known reports whether the kind of apiVersion is one Validate decodes strictly.
func Known(apiVersion, kind string) bool {
	return typedObject(apiVersion, kind) != nil
}

// typedObject is a new, empty object of the kind, or nil for a kind this package does not know.
func typedObject(apiVersion, kind string) runtime.Object {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return nil
	}
	obj, err := scheme.New(gv.WithKind(kind))
	if err != nil {
		return nil
	}
	return obj
}

// Validate checks one object (as decoded from YAML/JSON).
func Validate(obj map[string]any) error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion == "" || kind == "" {
		return fmt.Errorf("an object needs apiVersion and kind")
	}
	meta, _ := obj["metadata"].(map[string]any)
	if name, _ := meta["name"].(string); name == "" {
		return fmt.Errorf("%s %s: metadata.name is required", apiVersion, kind)
	}
	typed := typedObject(apiVersion, kind)
	if typed == nil {
		return nil
	}
	raw, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	// What the API machinery's strict JSON serializer does once it knows the kind: decode case-
	// sensitively, refusing unknown and duplicate fields.
	strictErrs, err := kjson.UnmarshalStrict(raw, typed)
	if err == nil && len(strictErrs) > 0 {
		err = runtime.NewStrictDecodingError(strictErrs)
	}
	if err != nil {
		return fmt.Errorf("%s %s %q is not a valid object: %v", apiVersion, kind, meta["name"], err)
	}
	return nil
}

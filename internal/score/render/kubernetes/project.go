package kubernetes

import (
	"fmt"
	"maps"
	"slices"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
	"github.com/score-tf/terraform-provider-score/internal/score/render/document"
	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

// Objects are a project's objects by key, as they are being collected: what provisioned
// resources add and each workload's own objects. Two different objects with one key are an error
// naming both owners, except between resources that keep a shared instance
// (provisioner.Definition.KeepsSharedInstance): there the last writer wins, as in score-k8s.
type Objects struct {
	byKey  map[string]map[string]any
	owners map[string]string
	shared map[string]bool
	// order is the keys in the order patch templates see the objects (see List).
	order []string
}

// NewObjects starts an empty collection.
func NewObjects() *Objects {
	return &Objects{byKey: map[string]map[string]any{}, owners: map[string]string{}, shared: map[string]bool{}}
}

// AddResource adds the objects a resource's provisioner produced; shared tells whether it keeps a
// shared instance.
func (o *Objects) AddResource(uid string, objects []map[string]any, shared bool) error {
	owner := fmt.Sprintf("resource '%s'", uid)
	for _, obj := range objects {
		key := Key(obj)
		if prev, dup := o.byKey[key]; dup && (!shared || !o.shared[key]) && !sameObject(prev, obj) {
			return fmt.Errorf("%s and %s both define %s, differently", o.owners[key], owner, key)
		}
		o.append(key)
		o.byKey[key], o.owners[key], o.shared[key] = obj, owner, shared
	}
	return nil
}

// AddWorkload adds a workload's own objects; an object another owner gave differently is an error.
func (o *Objects) AddWorkload(workload string, objects []map[string]any) error {
	owner := fmt.Sprintf("workload %q", workload)
	for _, obj := range objects {
		key := Key(obj)
		if prev, dup := o.byKey[key]; dup && !sameObject(prev, obj) {
			return fmt.Errorf("%s and %s both define %s, differently", o.owners[key], owner, key)
		}
		o.append(key)
		o.byKey[key], o.owners[key], o.shared[key] = obj, owner, false
	}
	return nil
}

// Encode checks and encodes every object (see Encode), in key order.
func (o *Objects) Encode(namespace string, secretValues secret.Values) (Rendered, error) {
	objects := make([]map[string]any, 0, len(o.byKey))
	for _, key := range slices.Sorted(maps.Keys(o.byKey)) {
		obj := o.byKey[key]
		if kind, _ := obj["kind"].(string); kind != "Secret" && secret.NewValues(provisioner.SecretRefStart).HeldBy(obj) {
			return Rendered{}, fmt.Errorf("unresolved secret reference in object %s (%s): secret references may only be used in container variables and files", key, o.owners[key])
		}
		objects = append(objects, obj)
	}
	return Encode(objects, namespace, secretValues)
}

func sameObject(a, b map[string]any) bool {
	x, errA := document.YAML(a)
	y, errB := document.YAML(b)
	return errA == nil && errB == nil && x == y
}

// AddNamespace adds the Namespace object for name (score-k8s's --generate-namespace).
func (o *Objects) AddNamespace(name string) {
	ns := map[string]any{
		"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": name, "labels": map[string]any{"app.kubernetes.io/managed-by": ManagedBy}},
	}
	key := Key(ns)
	o.byKey[key], o.owners[key] = ns, "the project"
	o.order = append([]string{key}, slices.DeleteFunc(o.order, func(k string) bool { return k == key })...)
}

// append moves key to the end of the order (call it before adding the object): as in score-k8s,
// an object added again replaces the earlier one at the end of the list. Only a key seen before
// costs a pass over the order.
func (o *Objects) append(key string) {
	if _, seen := o.byKey[key]; seen {
		o.order = slices.DeleteFunc(o.order, func(k string) bool { return k == key })
	}
	o.order = append(o.order, key)
}

// List is the objects in the order patch templates see them as `.Manifests`: what the resources
// added, in provisioning order, then each workload's own objects (its Deployment or StatefulSet
// first, then its Services, ConfigMaps and Secrets), with the generated Namespace first. namespace
// is set, as Encode would set it, on every namespaced object that has none. The objects are the
// collection's own.
func (o *Objects) List(namespace string) []map[string]any {
	out := make([]map[string]any, 0, len(o.order))
	for _, key := range o.order {
		obj := o.byKey[key]
		setNamespace(obj, namespace)
		out = append(out, obj)
	}
	return out
}

// CheckSecretRefs fails if an object other than a Secret holds a secret reference.
func CheckSecretRefs(objects []map[string]any) error {
	for _, obj := range objects {
		if kind, _ := obj["kind"].(string); kind != "Secret" && secret.NewValues(provisioner.SecretRefStart).HeldBy(obj) {
			return fmt.Errorf("unresolved secret reference in object %s: secret references may only be used in container variables and files", Key(obj))
		}
	}
	return nil
}

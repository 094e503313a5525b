package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
)

// unknownMarker stands for a binding value that is unknown at plan. Each of the two plan renders
// uses its own marker, so whatever depends on the value differs between them and is planned as
// unknown, while everything else stays known.
func unknownMarker(variant, where string) string {
	return engine.StandInPrefix + variant + ": " + where + ")"
}

// planBindings are the `resources` argument converted for the engine.
type planBindings struct {
	bindings map[string]engine.Binding
	// known is false when their shape (which resources, which output keys) is not known yet.
	known bool
	// partial is set when some values are unknown: stand-ins (unknownMarker) replace them.
	partial bool
}

// convertBindings converts a `resources` argument (bindings by resource name in score_workload,
// by uid in score_project); variant names the stand-ins for unknown values.
func convertBindings(resources types.Map, variant string) planBindings {
	if resources.IsNull() {
		return planBindings{bindings: map[string]engine.Binding{}, known: true}
	}
	if resources.IsUnknown() {
		return planBindings{}
	}
	out := planBindings{bindings: map[string]engine.Binding{}, known: true}
	for name, v := range resources.Elements() {
		obj, ok := v.(types.Object)
		if !ok || obj.IsUnknown() {
			return planBindings{}
		}
		attrs := obj.Attributes()
		b := engine.Binding{}
		if uid, ok := attrs["uid"].(types.String); ok {
			if uid.IsUnknown() {
				b.UID, out.partial = unknownMarker(variant, name+".uid"), true
			} else {
				b.UID = uid.ValueString()
			}
		}
		for _, field := range []string{"outputs", "secrets"} {
			mv, ok := attrs[field].(types.Map)
			if !ok || mv.IsNull() {
				continue
			}
			if mv.IsUnknown() {
				return planBindings{}
			}
			values := map[string]string{}
			for k, e := range mv.Elements() {
				s, _ := e.(types.String)
				if s.IsUnknown() {
					values[k], out.partial = unknownMarker(variant, name+"."+k), true
				} else {
					values[k] = s.ValueString()
				}
			}
			if field == "outputs" {
				b.Outputs = values
			} else {
				b.Secrets = values
			}
		}
		out.bindings[name] = b
	}
	return out
}

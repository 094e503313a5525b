package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
)

// provisioner_outputs: which outputs of a provisioner are secret and which public, declared in
// HCL so that the provisioner file stays what score-compose and score-k8s load (they reject the
// secret_outputs field of the file).

// outputRuleModel is one element of provisioner_outputs.
type outputRuleModel struct {
	Secret types.List `tfsdk:"secret"`
	Public types.List `tfsdk:"public"`
}

func provisionerOutputsAttribute() schema.Attribute {
	return schema.MapNestedAttribute{
		MarkdownDescription: "Which outputs of a provisioner are secret and which are not, by provisioner `uri` " +
			"(`template://my-provisioners/honeycomb`) or by resource `type` (`honeycomb`, for every provisioner of " +
			"that type; a `uri` entry wins over a `type` entry). A secret output's value only reaches sensitive " +
			"attributes (a Kubernetes Secret, `compose_env`, `secret_files`, `secrets` of `resource_outputs`). An output " +
			"listed here is what this says; any other is secret when its value holds a password (a URL with one, " +
			"`password=...`), else as the provisioner file's `secret_outputs` list says, else when its name suggests " +
			"a credential (`password`, `token`, `secret`, `private`, `apiKey`, a name ending in `key` such as " +
			"`HONEYCOMB_KEY`, but not `public_key` or `partition_key`). Declare outputs here rather than with " +
			"`secret_outputs` in the provisioner file when the same file must keep working with score-compose or " +
			"score-k8s, which reject that field. A key that names no provisioner is a warning.",
		Optional: true,
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"secret": schema.ListAttribute{
				MarkdownDescription: "Outputs that are secret.",
				Optional:            true, ElementType: types.StringType,
			},
			"public": schema.ListAttribute{
				MarkdownDescription: "Outputs that are not secret, whatever their name or value.",
				Optional:            true, ElementType: types.StringType,
			},
		}},
	}
}

// outputRules reads provisioner_outputs; known is false when some part is unknown.
func outputRules(ctx context.Context, m types.Map) (rules engine.OutputRules, known bool, diags diag.Diagnostics) {
	if m.IsNull() {
		return nil, true, nil
	}
	if m.IsUnknown() {
		return nil, false, nil
	}
	var elems map[string]outputRuleModel
	if diags = m.ElementsAs(ctx, &elems, false); diags.HasError() {
		return nil, false, diags
	}
	known = true
	rules = engine.OutputRules{}
	for key, e := range elems {
		var rule engine.OutputRule
		for _, l := range []struct {
			list types.List
			into *[]string
		}{{e.Secret, &rule.Secret}, {e.Public, &rule.Public}} {
			if l.list.IsUnknown() {
				known = false
				continue
			}
			if l.list.IsNull() {
				continue
			}
			var names []types.String
			diags.Append(l.list.ElementsAs(ctx, &names, false)...)
			for _, n := range names {
				if n.IsUnknown() {
					known = false
					continue
				}
				*l.into = append(*l.into, n.ValueString())
			}
		}
		rules[key] = rule
	}
	if err := rules.Check(); err != nil {
		diags.AddAttributeError(path.Root("provisioner_outputs"), "Invalid provisioner_outputs", err.Error())
	}
	return rules, known, diags
}

// warnUnmatchedOutputRules warns about provisioner_outputs keys that name no provisioner.
func warnUnmatchedOutputRules(diags *diag.Diagnostics, s engine.Settings) {
	for _, key := range s.UnmatchedOutputRules() {
		diags.AddAttributeWarning(path.Root("provisioner_outputs").AtMapKey(key), "provisioner_outputs names no provisioner",
			"\""+key+"\" is neither the uri nor the type of a provisioner the provider loaded (see the score_provisioners data source), so it changes nothing.")
	}
}

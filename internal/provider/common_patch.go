package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/score-tf/terraform-provider-score/internal/score/engine"
)

// patchTemplatesDescription describes `patch_templates`, the provider's (project false) or
// score_project's.
func patchTemplatesDescription(project bool) string {
	guide := "guides/patching.md" // from the provider's page, docs/index.md
	if project {
		guide = "../guides/patching.md"
	}
	common := "Patch templates in score-compose's and score-k8s's `--patch-templates` format: each element is a Go " +
		"text/template (with sprig, as provisioner templates have it: no `env`, bounded output) whose output is a " +
		"YAML or JSON list of `{ op: set | delete, path, value, description }`, applied in order to the rendered " +
		"output with upstream's path rules (dot-separated, `\\.` escapes a dot, numbers index lists, `-1` " +
		"appends). Kubernetes templates see `.Manifests` (the list of objects), `.Namespace` and `.Workloads`; " +
		"compose templates see `.Compose` (the compose document) and `.Workloads` (workload name → score spec). " +
		"Keys and secret handling follow the patched objects: a patch that renames an object or changes its " +
		"kind changes its key, and one that copies a secret value out of a Secret is an error. " +
		"The community library score-spec/community-patchers works unchanged; see the " +
		"[Patching rendered output](" + guide + ") guide."
	if project {
		return common + " They run after the provider's `patch_templates`, once on the whole project: " +
			"`.Workloads` holds every workload of the project."
	}
	return common + " They run after every render of a `score_workload` (`.Workloads` holds that one " +
		"workload) and of a `score_project` (all of its workloads, before the project's own `patch_templates`)."
}

// patchTemplateSyntax reports, at validation, a patch template that does not parse.
type patchTemplateSyntax struct{}

func (patchTemplateSyntax) Description(context.Context) string {
	return "must be a patch template that parses"
}

func (v patchTemplateSyntax) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (patchTemplateSyntax) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := engine.ParsePatchTemplate(req.ConfigValue.ValueString()); err != nil {
		// Terraform shows the attribute's line, not the element: the message names it.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid patch template", req.Path.String()+": "+err.Error())
	}
}

// addPatchError reports a failed patch template: a score_project's at its element of
// `patch_templates`, the provider's with its name. It reports false for another error.
func addPatchError(diags *diag.Diagnostics, err error, summary string) bool {
	var pe *engine.PatchError
	if !errors.As(err, &pe) {
		return false
	}
	// err, not pe: the engine hid the secret values it knows in err's text.
	if pe.Provider {
		diags.AddError(summary, err.Error())
	} else {
		diags.AddAttributeError(path.Root("patch_templates").AtListIndex(pe.Index), summary, err.Error())
	}
	return true
}

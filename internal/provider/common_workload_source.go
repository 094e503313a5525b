package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
)

// workloadSourceModel holds the inputs that name a score file and adjust it; the workload data
// source and the workload resource share them.
type workloadSourceModel struct {
	File          types.String `tfsdk:"file"`
	Content       types.String `tfsdk:"content"`
	Image         types.String `tfsdk:"image"`
	Overrides     types.Map    `tfsdk:"overrides"`
	OverridesYAML types.String `tfsdk:"overrides_yaml"`
}

// known reports whether every input is known (each overrides value included), so the score
// file can be loaded now.
func (m workloadSourceModel) known() bool {
	if m.File.IsUnknown() || m.Content.IsUnknown() || m.Image.IsUnknown() || m.Overrides.IsUnknown() || m.OverridesYAML.IsUnknown() {
		return false
	}
	for _, v := range m.Overrides.Elements() {
		if v.IsUnknown() {
			return false
		}
	}
	return true
}

// sourceAttribute is the attribute problems in the score file itself are reported on.
func (m workloadSourceModel) sourceAttribute(opts loadOptions) path.Path {
	if !m.File.IsNull() {
		return opts.attribute("file")
	}
	return opts.attribute("content")
}

// loadOptions are the provider settings loading obeys.
type loadOptions struct {
	allowExternal bool
	// deferExternal skips external file sources: at validate time their permission is unknown.
	deferExternal bool
	// at is where the source attributes are (a score_project's workloads["api"]); empty for the
	// top level of score_workload.
	at path.Path
	// built names containers built from a context, as <workload>.<container> (score_project's build).
	built map[string]bool
}

// attribute is the path of the source attribute name.
func (o loadOptions) attribute(name string) path.Path {
	if len(o.at.Steps()) == 0 {
		return path.Root(name)
	}
	return o.at.AtName(name)
}

// input converts the Terraform values to the loader's input, reading `file` from disk.
func (m workloadSourceModel) input(opts loadOptions) (loader.Input, diag.Diagnostics) {
	var diags diag.Diagnostics
	in := loader.Input{
		Image:                    m.Image.ValueString(),
		Built:                    opts.built,
		OverridesYAML:            []byte(m.OverridesYAML.ValueString()),
		AllowExternalFileSources: opts.allowExternal,
		DeferExternalFileSources: opts.deferExternal,
		BaseDir:                  ".",
	}
	if !m.Overrides.IsNull() {
		// A null value deletes the path, like an empty one.
		in.Overrides = map[string]string{}
		for k, v := range m.Overrides.Elements() {
			if s, ok := v.(types.String); ok {
				in.Overrides[k] = s.ValueString()
			}
		}
	}
	if !m.File.IsNull() {
		name := m.File.ValueString()
		data, err := loader.ReadFile(name, loader.MaxScoreFileSize)
		if err != nil {
			diags.AddAttributeError(opts.attribute("file"), "Cannot read score file", err.Error())
			return in, diags
		}
		in.Content = data
		in.BaseDir = filepath.Dir(name)
	} else {
		in.Content = []byte(m.Content.ValueString())
	}
	return in, diags
}

// load loads and validates the score file, turning every problem into a diagnostic on the
// attribute it came from.
func (m workloadSourceModel) load(opts loadOptions) (*loader.Workload, diag.Diagnostics) {
	in, diags := m.input(opts)
	if diags.HasError() {
		return nil, diags
	}
	w, err := loader.Load(in)
	if err != nil {
		diags.Append(m.problemDiagnostics(err, opts)...)
		return nil, diags
	}
	if len(w.Upgrades) > 0 {
		detail := "The score file uses forms that score-go upgrades automatically; consider writing the current form:"
		for _, u := range w.Upgrades {
			detail += "\n  - " + u
		}
		diags.AddAttributeWarning(m.sourceAttribute(opts), "Deprecated score file syntax", detail)
	}
	return w, diags
}

func (m workloadSourceModel) problemDiagnostics(err error, opts loadOptions) diag.Diagnostics {
	var diags diag.Diagnostics
	var problems *loader.Problems
	if !errors.As(err, &problems) {
		diags.AddAttributeError(m.sourceAttribute(opts), "Invalid score file", err.Error())
		return diags
	}
	for _, p := range problems.List {
		switch problems.Input {
		case loader.InputOverrides:
			key := ""
			if len(p.Path) > 0 {
				key = p.Path[0]
			}
			diags.AddAttributeError(opts.attribute("overrides").AtMapKey(key), "Invalid override", p.Message)
		case loader.InputOverridesYAML:
			diags.AddAttributeError(opts.attribute("overrides_yaml"), "Invalid overrides document", p.Error())
		default:
			where := "the score file"
			if !m.File.IsNull() {
				where = m.File.ValueString()
			}
			diags.AddAttributeError(m.sourceAttribute(opts), "Invalid score file",
				fmt.Sprintf("%s: %s", where, p.Error()))
		}
	}
	return diags
}

// validateWorkloadSource is the ValidateConfig of both score_workload objects: it reads the
// source attributes of config and validates them.
func validateWorkloadSource(ctx context.Context, config tfsdk.Config) diag.Diagnostics {
	var m workloadSourceModel
	var diags diag.Diagnostics
	for name, dst := range map[string]any{
		"file": &m.File, "content": &m.Content, "image": &m.Image, "overrides": &m.Overrides, "overrides_yaml": &m.OverridesYAML,
	} {
		diags.Append(config.GetAttribute(ctx, path.Root(name), dst)...)
	}
	if diags.HasError() {
		return diags
	}
	return m.validate()
}

// validate loads the score file at `terraform validate` time when every input is known and
// returns the errors it finds (upgrade warnings wait for read or plan). The provider's
// configuration is not available then, so file sources outside the score file's directory are
// neither read nor refused until read or plan time. Both score_workload objects call it from
// their ValidateConfig.
func (m workloadSourceModel) validate() diag.Diagnostics {
	if !m.known() || m.File.IsNull() == m.Content.IsNull() {
		return nil // unknown inputs wait for plan; ExactlyOneOf reports file and content both or neither
	}
	if !m.File.IsNull() {
		if _, err := os.Stat(m.File.ValueString()); err != nil {
			return nil // the file may be created during apply; read or plan reports it if it is still missing
		}
	}
	_, diags := m.load(loadOptions{deferExternal: true})
	return diags.Errors()
}

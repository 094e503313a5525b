package provider

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Helpers shared by the tests of this package: one copy each, named for what they do.

// --- files and HCL text ---

// testdataPath is the absolute path of testdata/<elem...>, failing the test when it does not exist.
func testdataPath(t *testing.T, elem ...string) string {
	// Absolute: the provider runs in this process (cwd: this package), terraform in a temporary
	// directory. A test that names a missing file on purpose joins it to the directory's path.
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"testdata"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// hclString quotes s as an HCL string literal: Go quoting, template sequences ${ and %{ escaped.
func hclString(s string) string {
	q := fmt.Sprintf("%q", s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// providerBlock is a `provider "score"` block of attribute lines; target "" leaves target unset.
func providerBlock(target string, lines ...string) string {
	var b strings.Builder
	b.WriteString("provider \"score\" {\n")
	if target != "" {
		fmt.Fprintf(&b, "  target = %q\n", target)
	}
	for _, l := range lines {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// provisionersFromFiles is `provisioners = [file(...), ...]` of testdata/resource files (or paths).
func provisionersFromFiles(t *testing.T, names ...string) string {
	t.Helper()
	parts := make([]string, len(names))
	for i, n := range names {
		if !filepath.IsAbs(n) {
			n = testdataPath(t, "resource", n)
		}
		parts[i] = "file(" + hclString(n) + ")"
	}
	return "provisioners = [" + strings.Join(parts, ", ") + "]"
}

// nameHash is the 6 hex digits of sha256(uid) the built-in provisioners append to object names.
func nameHash(uid string) string {
	sum := sha256.Sum256([]byte(uid))
	return hex.EncodeToString(sum[:])[:6]
}

// sidecarImage replaces the image "." of testdata/workload/score.yaml's sidecar container.
const sidecarImage = "ghcr.io/example/sidecar:2.0"

// --- running acceptance tests ---

// targetNames are the provider targets every behaviour is checked for.
var targetNames = []string{"kubernetes", "compose"}

// eachTarget runs f as a parallel subtest per target name.
func eachTarget(t *testing.T, f func(t *testing.T, target string)) {
	t.Helper()
	for _, target := range targetNames {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			f(t, target)
		})
	}
}

// runTest runs the steps as one acceptance test case against the in-process provider.
func runTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
}

// errorMatching matches the fragments in order, literally but for how terraform wraps lines.
func errorMatching(fragments ...string) *regexp.Regexp {
	// Terraform wraps diagnostics at 78 columns and may prefix continuation lines with │: a space
	// inside a fragment matches any run of white space and │, and anything (newlines included) may
	// stand between fragments.
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// --- known values and paths ---

// exactString is the known-value check for the string s.
func exactString(s string) knownvalue.Check { return knownvalue.StringExact(s) }

// matchingString is the known-value check for a string matching the regular expression pattern.
func matchingString(pattern string) knownvalue.Check {
	return knownvalue.StringRegexp(regexp.MustCompile(pattern))
}

// exactStringList is the known-value check for a list of exactly these strings, in order.
func exactStringList(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

// exactStringMap is the known-value check for a map of exactly these strings.
func exactStringMap(m map[string]string) knownvalue.Check {
	checks := make(map[string]knownvalue.Check, len(m))
	for k, v := range m {
		checks[k] = knownvalue.StringExact(v)
	}
	return knownvalue.MapExact(checks)
}

// attrPath is the path of the top-level attribute name, then of the map keys below it.
func attrPath(name string, keys ...string) tfjsonpath.Path {
	p := tfjsonpath.New(name)
	for _, k := range keys {
		p = p.AtMapKey(k)
	}
	return p
}

// resourceAddr is the score_resource the resource tests declare: postgres `db` of workload `web`.
const resourceAddr = "score_resource.db"

// expectResourceValue checks a value of resourceAddr in the state.
func expectResourceValue(path tfjsonpath.Path, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(resourceAddr, path, check)
}

// --- custom checks on the plan and state JSON ---

// planCheckFunc makes a plan check of a function of the whole plan JSON.
type planCheckFunc func(plan *tfjson.Plan) error

// CheckPlan implements plancheck.PlanCheck.
func (f planCheckFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil {
		resp.Error = fmt.Errorf("no plan")
		return
	}
	resp.Error = f(req.Plan)
}

// stateCheckFunc makes a state check of a function of the whole state JSON.
type stateCheckFunc func(state *tfjson.State) error

// CheckState implements statecheck.StateCheck.
func (f stateCheckFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	resp.Error = f(req.State)
}

// checkAttrs is a state check of a function of the attribute values of the resource at addr.
func checkAttrs(addr string, f func(attrs map[string]any) error) statecheck.StateCheck {
	return stateCheckFunc(func(s *tfjson.State) error {
		attrs, err := resourceValues(s, addr)
		if err != nil {
			return err
		}
		return f(attrs)
	})
}

// resourceValues returns the attribute values of the resource at addr in the state.
func resourceValues(s *tfjson.State, addr string) (map[string]any, error) {
	for _, r := range s.Values.RootModule.Resources {
		if r.Address == addr {
			return r.AttributeValues, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the state", addr)
}

// valueAt walks nested maps by keys; false where a key is missing or a value is not a map.
func valueAt(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// stateString reads a string attribute (nested by keys) of the resource at addr in the state.
func stateString(s *tfjson.State, addr string, keys ...string) (string, error) {
	values, err := resourceValues(s, addr)
	if err != nil {
		return "", err
	}
	v, ok := valueAt(any(values), keys...)
	if !ok {
		return "", fmt.Errorf("%s: no value at %v", addr, keys)
	}
	str, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: value at %v is %T, not a string", addr, keys, v)
	}
	return str, nil
}

// stringAttr walks attrs by keys and returns the string found there.
func stringAttr(attrs map[string]any, keys ...string) (string, error) {
	var v any = attrs
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return "", fmt.Errorf("%s: not an object at %q", strings.Join(keys, "."), k)
		}
		v = m[k]
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s: expected a string, got %T (%v)", strings.Join(keys, "."), v, v)
	}
	return s, nil
}

// resourceChange is the planned change of the resource at addr.
func resourceChange(plan *tfjson.Plan, addr string) (*tfjson.ResourceChange, error) {
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr && rc.Change != nil {
			return rc, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the plan", addr)
}

// topLevelAttr is attribute attr of v when v is an object, else nil.
func topLevelAttr(v any, attr string) any {
	if m, ok := v.(map[string]any); ok {
		return m[attr]
	}
	return nil
}

// anyTrue reports whether v, or anything nested in it, is true (an unknown or sensitive mark).
func anyTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case map[string]any:
		for _, e := range t {
			if anyTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if anyTrue(e) {
				return true
			}
		}
	}
	return false
}

// plannedRoot is the root module of the plan's planned values, or nil.
func plannedRoot(plan *tfjson.Plan) *tfjson.StateModule {
	if plan.PlannedValues == nil {
		return nil
	}
	return plan.PlannedValues.RootModule
}

// priorRoot is the root module of the plan's prior state, or nil.
func priorRoot(plan *tfjson.Plan) *tfjson.StateModule {
	if plan.PriorState == nil || plan.PriorState.Values == nil {
		return nil
	}
	return plan.PriorState.Values.RootModule
}

// expectMapKeys checks that a map attribute's keys are known at plan and are keys (values may not).
func expectMapKeys(addr, attr string, keys ...string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		rc, err := resourceChange(plan, addr)
		if err != nil {
			return err
		}
		unknown := topLevelAttr(rc.Change.AfterUnknown, attr)
		if b, ok := unknown.(bool); ok && b {
			return fmt.Errorf("%s: the whole map is unknown at plan, want its keys known", attr)
		}
		got := map[string]bool{}
		if m, ok := topLevelAttr(rc.Change.After, attr).(map[string]any); ok {
			for k := range m {
				got[k] = true
			}
		}
		if m, ok := unknown.(map[string]any); ok {
			for k := range m {
				got[k] = true
			}
		}
		var gotKeys []string
		for k := range got {
			gotKeys = append(gotKeys, k)
		}
		sort.Strings(gotKeys)
		want := append([]string(nil), keys...)
		sort.Strings(want)
		if strings.Join(gotKeys, "\n") != strings.Join(want, "\n") {
			return fmt.Errorf("%s: planned keys %q, want %q", attr, gotKeys, want)
		}
		return nil
	})
}

// expectFullyKnown checks that the attributes of resourceAddr are not null and hold nothing
// unknown at plan.
func expectFullyKnown(attrs ...string) plancheck.PlanCheck {
	return planCheckFunc(func(plan *tfjson.Plan) error {
		rc, err := resourceChange(plan, resourceAddr)
		if err != nil {
			return err
		}
		for _, attr := range attrs {
			if anyTrue(topLevelAttr(rc.Change.AfterUnknown, attr)) {
				return fmt.Errorf("%s: partly unknown at plan: %v", attr, topLevelAttr(rc.Change.AfterUnknown, attr))
			}
			if topLevelAttr(rc.Change.After, attr) == nil {
				return fmt.Errorf("%s: null at plan", attr)
			}
		}
		return nil
	})
}

// sensitiveMask decodes a sensitive-values mask: plans hold it decoded, states as raw JSON.
func sensitiveMask(v any) any {
	raw, ok := v.(json.RawMessage)
	if !ok {
		return v
	}
	var m any
	_ = json.Unmarshal(raw, &m)
	return m
}

// secretLeak is one occurrence of a secret outside what is marked sensitive.
type secretLeak struct {
	path      string // where, as at.key[index]
	secretLen int    // the length of the secret found there (never the secret itself)
}

// findSecrets returns where secrets occur in v outside what mask marks sensitive, and hits inside.
func findSecrets(at string, v, mask any, secrets []string) (leaks []secretLeak, sensitiveHits int) {
	// v and mask are walked side by side from path at; empty secrets are ignored.
	var walk func(at string, v, mask any)
	walk = func(at string, v, mask any) {
		if mask == true {
			text, _ := json.Marshal(v)
			for _, s := range secrets {
				if s != "" && strings.Contains(string(text), s) {
					sensitiveHits++
				}
			}
			return
		}
		switch t := v.(type) {
		case map[string]any:
			m, _ := mask.(map[string]any)
			for k, e := range t {
				walk(at+"."+k, e, m[k])
			}
		case []any:
			l, _ := mask.([]any)
			for i, e := range t {
				var mi any
				if i < len(l) {
					mi = l[i]
				}
				walk(fmt.Sprintf("%s[%d]", at, i), e, mi)
			}
		case string:
			for _, s := range secrets {
				if s != "" && strings.Contains(t, s) {
					leaks = append(leaks, secretLeak{path: at, secretLen: len(s)})
				}
			}
		}
	}
	walk(at, v, mask)
	return leaks, sensitiveHits
}

// expectSecretsOnlySensitive checks that addr's password and url appear only as sensitive values.
func expectSecretsOnlySensitive(addr string, sensitive, plain []string) plancheck.PlanCheck {
	// The password must be known in this plan. The sensitive attributes must be marked sensitive,
	// the plain ones not, and neither the password (raw or base64-encoded) nor the url may appear
	// in the plan JSON outside what is marked sensitive: before, after, planned values, prior state.
	return planCheckFunc(func(plan *tfjson.Plan) error {
		rc, err := resourceChange(plan, addr)
		if err != nil {
			return err
		}
		after, _ := rc.Change.After.(map[string]any)
		password, err := stringAttr(after, "secrets", "password")
		if err != nil || len(password) < 16 {
			return fmt.Errorf("the planned password must be known in this plan: %q, %v", password, err)
		}
		url, err := stringAttr(after, "secrets", "url")
		if err != nil {
			return err
		}
		// The Secret object holds the password base64-encoded: that must not leak either.
		secrets := []string{password, url, base64.StdEncoding.EncodeToString([]byte(password))}
		var problems []string
		for _, a := range sensitive {
			if b, _ := topLevelAttr(rc.Change.AfterSensitive, a).(bool); !b {
				problems = append(problems, fmt.Sprintf("after_sensitive does not mark %s: %v", a, topLevelAttr(rc.Change.AfterSensitive, a)))
			}
			if b, _ := topLevelAttr(rc.Change.BeforeSensitive, a).(bool); !b {
				problems = append(problems, fmt.Sprintf("before_sensitive does not mark %s", a))
			}
		}
		for _, a := range plain {
			if anyTrue(topLevelAttr(rc.Change.AfterSensitive, a)) {
				problems = append(problems, fmt.Sprintf("%s is marked sensitive; want a plain attribute", a))
			}
			if topLevelAttr(rc.Change.After, a) == nil {
				problems = append(problems, fmt.Sprintf("%s is null; the test means to scan it", a))
			}
		}
		report := func(leaks []secretLeak, _ int) {
			for _, l := range leaks {
				problems = append(problems, "secret value in the plan at "+l.path)
			}
		}
		report(findSecrets("after", rc.Change.After, rc.Change.AfterSensitive, secrets))
		report(findSecrets("before", rc.Change.Before, rc.Change.BeforeSensitive, secrets))
		for name, mod := range map[string]*tfjson.StateModule{"planned_values": plannedRoot(plan), "prior_state": priorRoot(plan)} {
			if mod == nil {
				continue
			}
			for _, r := range mod.Resources {
				var sens any
				if err := json.Unmarshal(r.SensitiveValues, &sens); err != nil {
					return fmt.Errorf("%s %s: sensitive_values: %v", name, r.Address, err)
				}
				report(findSecrets(name+"."+r.Address, map[string]any(r.AttributeValues), sens, secrets))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "\n"))
		}
		return nil
	})
}

// --- unit tests: the score_workload data source called directly ---

// tfString is the tftypes string value s.
func tfString(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// tfStringMapType is the tftypes type map(string).
var tfStringMapType = tftypes.Map{ElementType: tftypes.String}

// tfStringMap is the tftypes map(string) value of elems.
func tfStringMap(elems map[string]tftypes.Value) tftypes.Value {
	return tftypes.NewValue(tfStringMapType, elems)
}

// workloadSchema is the score_workload data source's schema and its tftypes object type.
func workloadSchema(t *testing.T) (datasource.SchemaResponse, tftypes.Object) {
	t.Helper()
	ctx := context.Background()
	var resp datasource.SchemaResponse
	NewWorkloadDataSource().Schema(ctx, datasource.SchemaRequest{}, &resp)
	typ, ok := resp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatalf("schema type is %T", resp.Schema.Type().TerraformType(ctx))
	}
	return resp, typ
}

// workloadConfig is the data source's configuration of values, every other attribute null.
func workloadConfig(t *testing.T, values map[string]tftypes.Value) tfsdk.Config {
	t.Helper()
	resp, typ := workloadSchema(t)
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		if v, ok := values[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(at, nil)
		}
	}
	for name := range values {
		if _, ok := typ.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q in the schema", name)
		}
	}
	return tfsdk.Config{Schema: resp.Schema, Raw: tftypes.NewValue(typ, attrs)}
}

// validateWorkload runs the data source's ValidateConfig on a configuration of values.
func validateWorkload(t *testing.T, values map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ds, ok := NewWorkloadDataSource().(datasource.DataSourceWithValidateConfig)
	if !ok {
		t.Fatal("score_workload has no ValidateConfig")
	}
	var resp datasource.ValidateConfigResponse
	ds.ValidateConfig(context.Background(), datasource.ValidateConfigRequest{Config: workloadConfig(t, values)}, &resp)
	return resp.Diagnostics
}

// validateRecovering runs ValidateConfig, returning a panic (it would crash terraform) as a value.
func validateRecovering(t *testing.T, values map[string]tftypes.Value) (diags diag.Diagnostics, panicked any) {
	t.Helper()
	defer func() { panicked = recover() }()
	return validateWorkload(t, values), nil
}

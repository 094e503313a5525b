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
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
)

// Acceptance tests for the score_resource resource. They run only with TF_ACC=1 (resource.Test
// skips otherwise) against the terraform named by TF_ACC_TERRAFORM_PATH, with the provider served
// in-process by testProviderFactories. plugin-testing also checks after every applying step that
// a second plan is empty, which is how "generated values never change" is tested throughout.

const (
	resAddr = "score_resource.db"
	resUID  = "postgres.default#web.db"
)

// resTargets are the provider targets every behaviour is checked for.
var resTargets = []string{"kubernetes", "compose"}

// resEachTarget runs f as a parallel subtest per target.
func resEachTarget(t *testing.T, f func(t *testing.T, target string)) {
	t.Helper()
	for _, target := range resTargets {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			f(t, target)
		})
	}
}

func resRun(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testProviderFactories, Steps: steps})
}

// resProvider is a provider block; target "" leaves target unset.
func resProvider(target string, lines ...string) string {
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

// resPostgres is the postgres resource `db` of workload `web`, with extra attribute lines.
func resPostgres(lines ...string) string {
	return "resource \"score_resource\" \"db\" {\n" +
		"  type            = \"postgres\"\n" +
		"  name            = \"db\"\n" +
		"  source_workload = \"web\"\n" +
		"  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// resBlock is a score_resource block with the given attribute lines.
func resBlock(name string, lines ...string) string {
	return "resource \"score_resource\" \"" + name + "\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n"
}

// resTestdata is the absolute path of testdata/resource/<name>, as HCL: terraform runs in a
// temporary directory, the provider in this package's directory.
func resTestdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "resource", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// resHCLString quotes s for HCL (template sequences escaped).
func resHCLString(s string) string {
	q := fmt.Sprintf("%q", s)
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// resFileList is `provisioners = [file(...), ...]` for files under testdata/resource, or for
// absolute paths.
func resFileList(t *testing.T, names ...string) string {
	t.Helper()
	parts := make([]string, len(names))
	for i, n := range names {
		if !filepath.IsAbs(n) {
			n = resTestdata(t, n)
		}
		parts[i] = "file(" + resHCLString(n) + ")"
	}
	return "provisioners = [" + strings.Join(parts, ", ") + "]"
}

// resErrorRE matches the fragments in order, each literally; spaces inside a fragment match any
// white space (terraform wraps diagnostics at 78 columns).
func resErrorRE(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

func resPath(name string, keys ...string) tfjsonpath.Path {
	p := tfjsonpath.New(name)
	for _, k := range keys {
		p = p.AtMapKey(k)
	}
	return p
}

func resExpect(path tfjsonpath.Path, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(resAddr, path, check)
}

func resStr(s string) knownvalue.Check { return knownvalue.StringExact(s) }

func resRE(re string) knownvalue.Check { return knownvalue.StringRegexp(regexp.MustCompile(re)) }

// resK8sName is the name the built-in kubernetes postgres gives its objects: pg-<id as a DNS
// label>-<6 hex of sha256(uid)>.
func resK8sName(base, uid string) string {
	sum := sha256.Sum256([]byte(uid))
	return "pg-" + base + "-" + hex.EncodeToString(sum[:])[:6]
}

// --- custom checks on the state and on the plan JSON ---

// resStateFunc checks the attributes of one resource in the state JSON.
type resStateFunc struct {
	addr string
	f    func(attrs map[string]any) error
}

func (c resStateFunc) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.addr {
			resp.Error = c.f(r.AttributeValues)
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in the state", c.addr)
}

func resCheckState(f func(attrs map[string]any) error) statecheck.StateCheck {
	return resStateFunc{addr: resAddr, f: f}
}

// resAttr walks attrs by keys and returns the string found there.
func resAttr(attrs map[string]any, keys ...string) (string, error) {
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

// resStoredState decodes the `state` attribute (JSON of guid, state, shared).
func resStoredState(attrs map[string]any) (map[string]any, error) {
	s, err := resAttr(attrs, "state")
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("state is not JSON: %v", err)
	}
	return out, nil
}

// resPlanFunc is a plan check written as a function of the whole plan JSON.
type resPlanFunc func(plan *tfjson.Plan) error

func (f resPlanFunc) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil {
		resp.Error = fmt.Errorf("no plan")
		return
	}
	resp.Error = f(req.Plan)
}

func resChange(plan *tfjson.Plan, addr string) (*tfjson.ResourceChange, error) {
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr && rc.Change != nil {
			return rc, nil
		}
	}
	return nil, fmt.Errorf("%s is not in the plan", addr)
}

func resTopLevel(v any, attr string) any {
	if m, ok := v.(map[string]any); ok {
		return m[attr]
	}
	return nil
}

// resExpectMapKeys checks that the map attribute's keys are known at plan and are exactly keys
// (its values may be unknown).
func resExpectMapKeys(attr string, keys ...string) plancheck.PlanCheck {
	return resPlanFunc(func(plan *tfjson.Plan) error {
		rc, err := resChange(plan, resAddr)
		if err != nil {
			return err
		}
		unknown := resTopLevel(rc.Change.AfterUnknown, attr)
		if b, ok := unknown.(bool); ok && b {
			return fmt.Errorf("%s: the whole map is unknown at plan, want its keys known", attr)
		}
		got := map[string]bool{}
		if m, ok := resTopLevel(rc.Change.After, attr).(map[string]any); ok {
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

// resExpectFullyKnown checks that nothing inside the attribute is unknown at plan.
func resExpectFullyKnown(attrs ...string) plancheck.PlanCheck {
	return resPlanFunc(func(plan *tfjson.Plan) error {
		rc, err := resChange(plan, resAddr)
		if err != nil {
			return err
		}
		for _, attr := range attrs {
			if resAnyTrue(resTopLevel(rc.Change.AfterUnknown, attr)) {
				return fmt.Errorf("%s: partly unknown at plan: %v", attr, resTopLevel(rc.Change.AfterUnknown, attr))
			}
			if resTopLevel(rc.Change.After, attr) == nil {
				return fmt.Errorf("%s: null at plan", attr)
			}
		}
		return nil
	})
}

func resAnyTrue(v any) bool {
	switch t := v.(type) {
	case bool:
		return t
	case map[string]any:
		for _, e := range t {
			if resAnyTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if resAnyTrue(e) {
				return true
			}
		}
	}
	return false
}

// resLeaks lists the paths of v, outside what sens marks sensitive, whose strings contain one
// of secrets.
func resLeaks(v, sens any, secrets []string, path string) []string {
	if b, ok := sens.(bool); ok && b {
		return nil
	}
	var out []string
	switch t := v.(type) {
	case string:
		for _, s := range secrets {
			if s != "" && strings.Contains(t, s) {
				out = append(out, path)
			}
		}
	case map[string]any:
		sm, _ := sens.(map[string]any)
		for k, e := range t {
			out = append(out, resLeaks(e, sm[k], secrets, path+"."+k)...)
		}
	case []any:
		sl, _ := sens.([]any)
		for i, e := range t {
			var s any
			if i < len(sl) {
				s = sl[i]
			}
			out = append(out, resLeaks(e, s, secrets, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}

// resExpectSecretsOnlySensitive checks a plan in which the password is known: the sensitive
// attributes are marked sensitive, the others are not, and neither the password nor the url
// appears anywhere in the plan JSON outside what is marked sensitive (before, after, planned
// values and prior state).
func resExpectSecretsOnlySensitive(sensitive, plain []string) plancheck.PlanCheck {
	return resPlanFunc(func(plan *tfjson.Plan) error {
		rc, err := resChange(plan, resAddr)
		if err != nil {
			return err
		}
		after, _ := rc.Change.After.(map[string]any)
		password, err := resAttr(after, "secrets", "password")
		if err != nil || len(password) < 16 {
			return fmt.Errorf("the planned password must be known in this plan: %q, %v", password, err)
		}
		url, err := resAttr(after, "secrets", "url")
		if err != nil {
			return err
		}
		// The Secret object holds the password base64-encoded: that must not leak either.
		secrets := []string{password, url, base64.StdEncoding.EncodeToString([]byte(password))}
		var problems []string
		for _, a := range sensitive {
			if b, _ := resTopLevel(rc.Change.AfterSensitive, a).(bool); !b {
				problems = append(problems, fmt.Sprintf("after_sensitive does not mark %s: %v", a, resTopLevel(rc.Change.AfterSensitive, a)))
			}
			if b, _ := resTopLevel(rc.Change.BeforeSensitive, a).(bool); !b {
				problems = append(problems, fmt.Sprintf("before_sensitive does not mark %s", a))
			}
		}
		for _, a := range plain {
			if resAnyTrue(resTopLevel(rc.Change.AfterSensitive, a)) {
				problems = append(problems, fmt.Sprintf("%s is marked sensitive; want a plain attribute", a))
			}
			if resTopLevel(rc.Change.After, a) == nil {
				problems = append(problems, fmt.Sprintf("%s is null; the test means to scan it", a))
			}
		}
		for _, p := range resLeaks(rc.Change.After, rc.Change.AfterSensitive, secrets, "after") {
			problems = append(problems, "secret value in the plan at "+p)
		}
		for _, p := range resLeaks(rc.Change.Before, rc.Change.BeforeSensitive, secrets, "before") {
			problems = append(problems, "secret value in the plan at "+p)
		}
		for name, mod := range map[string]*tfjson.StateModule{"planned_values": plannedRoot(plan), "prior_state": priorRoot(plan)} {
			if mod == nil {
				continue
			}
			for _, r := range mod.Resources {
				var sens any
				if err := json.Unmarshal(r.SensitiveValues, &sens); err != nil {
					return fmt.Errorf("%s %s: sensitive_values: %v", name, r.Address, err)
				}
				for _, p := range resLeaks(map[string]any(r.AttributeValues), sens, secrets, name+"."+r.Address) {
					problems = append(problems, "secret value in the plan at "+p)
				}
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%s", strings.Join(problems, "\n"))
		}
		return nil
	})
}

func plannedRoot(plan *tfjson.Plan) *tfjson.StateModule {
	if plan.PlannedValues == nil {
		return nil
	}
	return plan.PlannedValues.RootModule
}

func priorRoot(plan *tfjson.Plan) *tfjson.StateModule {
	if plan.PriorState == nil || plan.PriorState.Values == nil {
		return nil
	}
	return plan.PriorState.Values.RootModule
}

// --- 1. the built-in postgres, every attribute ---

// resPostgresChecks are the state checks for the built-in postgres `db` of workload `web`.
func resPostgresChecks(target, namespace string) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{
		resExpect(resPath("uid"), resStr(resUID)),
		resExpect(resPath("type"), resStr("postgres")),
		resExpect(resPath("class"), resStr("default")),
		resExpect(resPath("id"), knownvalue.Null()),
		resExpect(resPath("name"), resStr("db")),
		resExpect(resPath("source_workload"), resStr("web")),
		resExpect(resPath("params"), knownvalue.Null()),
		resExpect(resPath("annotations"), knownvalue.Null()),
		resExpect(resPath("workload_services"), knownvalue.Null()),
		resExpect(resPath("provisioner_uri"), resStr("template://score-tf/postgres")),
		statecheck.ExpectSensitiveValue(resAddr, resPath("secrets")),
		statecheck.ExpectSensitiveValue(resAddr, resPath("state")),
	}
	switch target {
	case "kubernetes":
		name := resK8sName("web-db", resUID)
		ns := "_"
		if namespace != "" {
			ns = namespace
		}
		nsLine := ""
		if namespace != "" {
			nsLine = `  namespace: ` + regexp.QuoteMeta(namespace) + `\n`
		}
		checks = append(checks,
			resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
				"host": resStr(name), "port": resStr("5432"),
				"name": resStr("web_db"), "database": resStr("web_db"), "username": resStr("web_db"),
			})),
			resExpect(resPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{
				"password": resRE(`^[A-Za-z0-9]{24}$`),
				"url":      resRE(`^postgresql://web_db:[A-Za-z0-9]{24}@` + name + `:5432/web_db$`),
			})),
			resExpect(resPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
				"apps/v1/StatefulSet/" + ns + "/" + name: resRE(`(?s)^apiVersion: apps/v1\nkind: StatefulSet\n.*name: ` + name + `\n.*` + nsLine + `.*secretKeyRef:\n\s+key: password\n\s+name: ` + name + `\n`),
				"core/v1/Service/" + ns + "/" + name:     resRE(`(?s)^apiVersion: v1\nkind: Service\n.*name: ` + name + `\n.*` + nsLine + `.*port: 5432\n`),
			})),
			resExpect(resPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
				"core/v1/Secret/" + ns + "/" + name: resRE(`(?s)^apiVersion: v1\n.*kind: Secret\n.*name: ` + name + `\n.*` + nsLine),
			})),
			resExpect(resPath("compose_yaml"), knownvalue.Null()),
			resExpect(resPath("compose_env"), knownvalue.Null()),
			resExpect(resPath("files"), knownvalue.Null()),
			resExpect(resPath("secret_files"), knownvalue.Null()),
			statecheck.ExpectSensitiveValue(resAddr, resPath("secret_manifests")),
			resCheckState(func(attrs map[string]any) error {
				password, err := resAttr(attrs, "secrets", "password")
				if err != nil {
					return err
				}
				for k, v := range attrs["manifests"].(map[string]any) {
					if strings.Contains(v.(string), password) || strings.Contains(v.(string), base64.StdEncoding.EncodeToString([]byte(password))) {
						return fmt.Errorf("manifests[%q] holds the password", k)
					}
				}
				secret, err := resAttr(attrs, "secret_manifests", "core/v1/Secret/"+ns+"/"+name)
				if err != nil {
					return err
				}
				if !strings.Contains(secret, base64.StdEncoding.EncodeToString([]byte(password))) {
					return fmt.Errorf("the Secret does not hold the password:\n%s", secret)
				}
				stored, err := resStoredState(attrs)
				if err != nil {
					return err
				}
				want := map[string]any{"service": name, "database": "web_db", "username": "web_db", "password": password}
				if got, _ := json.Marshal(stored["state"]); string(got) != resJSON(want) {
					return fmt.Errorf("stored state %s, want %s", got, resJSON(want))
				}
				if guid, _ := stored["guid"].(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(guid) {
					return fmt.Errorf("stored guid %q is not a v4 uuid", guid)
				}
				return nil
			}),
		)
	case "compose":
		checks = append(checks,
			resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
				"host": resStr("pg-web-db"), "port": resStr("5432"),
				"name": resStr("web_db"), "database": resStr("web_db"), "username": resStr("web_db"),
			})),
			resExpect(resPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{
				"password": resRE(`^[A-Za-z0-9]{32}$`),
				"url":      resRE(`^postgresql://web_db:[A-Za-z0-9]{32}@pg-web-db:5432/web_db$`),
			})),
			resExpect(resPath("compose_yaml"), resRE(`(?s)^services:\n  pg-web-db:\n.*POSTGRES_PASSWORD: \$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}\n.*image: postgres:17-alpine\n.*volumes:\n  pg-web-db-data:\n`)),
			resExpect(resPath("compose_env"), resRE(`^POSTGRES_DEFAULT_WEB_DB_PASSWORD='[A-Za-z0-9]{32}'\nPOSTGRES_DEFAULT_WEB_DB_URL='postgresql://web_db:[A-Za-z0-9]{32}@pg-web-db:5432/web_db'\n$`)),
			resExpect(resPath("files"), knownvalue.MapSizeExact(0)),
			resExpect(resPath("secret_files"), knownvalue.MapSizeExact(0)),
			resExpect(resPath("manifests"), knownvalue.Null()),
			resExpect(resPath("secret_manifests"), knownvalue.Null()),
			statecheck.ExpectSensitiveValue(resAddr, resPath("compose_env")),
			statecheck.ExpectSensitiveValue(resAddr, resPath("secret_files")),
			resCheckState(func(attrs map[string]any) error {
				password, err := resAttr(attrs, "secrets", "password")
				if err != nil {
					return err
				}
				yml, err := resAttr(attrs, "compose_yaml")
				if err != nil {
					return err
				}
				if strings.Contains(yml, password) {
					return fmt.Errorf("compose_yaml holds the password:\n%s", yml)
				}
				env, err := resAttr(attrs, "compose_env")
				if err != nil {
					return err
				}
				if !strings.Contains(env, "POSTGRES_DEFAULT_WEB_DB_PASSWORD='"+password+"'\n") {
					return fmt.Errorf("compose_env does not hold the password:\n%s", env)
				}
				stored, err := resStoredState(attrs)
				if err != nil {
					return err
				}
				if got, _ := resAttr(stored, "state", "password"); got != password {
					return fmt.Errorf("stored state password %q, want the secrets password", got)
				}
				return nil
			}),
		)
	}
	checks = append(checks, resCheckState(func(attrs map[string]any) error {
		password, err := resAttr(attrs, "secrets", "password")
		if err != nil {
			return err
		}
		url, err := resAttr(attrs, "secrets", "url")
		if err != nil {
			return err
		}
		if !strings.Contains(url, ":"+password+"@") {
			return fmt.Errorf("url %q does not hold the password", url)
		}
		return nil
	}))
	return checks
}

func resJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestAccResource_postgres provisions the built-in postgres for each target and checks every
// attribute: outputs, secrets, what the target gets, and the other target's attributes null.
func TestAccResource_postgres(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		password := statecheck.CompareValue(compare.ValuesSame())
		steps := []resource.TestStep{{
			Config:            resProvider(target) + resPostgres(),
			ConfigStateChecks: append(resPostgresChecks(target, ""), password.AddStateValue(resAddr, resPath("secrets", "password"))),
		}}
		if target == "kubernetes" {
			// The provider namespace lands in every object and in the keys; an in-place update
			// that keeps the password.
			steps = append(steps, resource.TestStep{
				Config: resProvider(target, `namespace = "shop"`) + resPostgres(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: append(resPostgresChecks(target, "shop"), password.AddStateValue(resAddr, resPath("secrets", "password"))),
			})
		}
		resRun(t, steps...)
	})
}

// --- 2. generated values are stable; identity changes replace ---

func TestAccResource_passwordStability(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		same := statecheck.CompareValue(compare.ValuesSame())
		differ := statecheck.CompareValue(compare.ValuesDiffer())
		keep := func() statecheck.StateCheck { return same.AddStateValue(resAddr, resPath("secrets", "password")) }
		change := func() statecheck.StateCheck { return differ.AddStateValue(resAddr, resPath("secrets", "password")) }
		prov := resProvider(target)
		params := `params = { version = "17", extensions = ["pgcrypto"], replicas = 2, tuning = { shared_buffers = "128MB" } }`
		annotations := `annotations = { "compose.score.dev/publish-port" = "15432", team = "platform" }`
		update := func(checks ...plancheck.PlanCheck) resource.ConfigPlanChecks {
			return resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{
				plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionUpdate),
			}, checks...)}
		}
		replace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionReplace),
			plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionDestroyBeforeCreate),
		}}
		var publishCheck []statecheck.StateCheck
		if target == "compose" {
			// The annotation re-renders the service (published port) with the stored password.
			publishCheck = append(publishCheck, resExpect(resPath("compose_yaml"), resRE(`(?s)ports:\n\s+- published: "15432"\n\s+target: 5432\n`)))
		}
		resRun(t,
			resource.TestStep{Config: prov + resPostgres(), ConfigStateChecks: []statecheck.StateCheck{keep()}},
			resource.TestStep{
				Config:            prov + resPostgres(),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{keep()},
			},
			resource.TestStep{
				Config:           prov + resPostgres(params),
				ConfigPlanChecks: update(plancheck.ExpectKnownValue(resAddr, resPath("secrets", "password"), knownvalue.NotNull())),
				ConfigStateChecks: []statecheck.StateCheck{keep(),
					resExpect(resPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"version":    resStr("17"),
						"extensions": knownvalue.TupleExact([]knownvalue.Check{resStr("pgcrypto")}),
						"replicas":   knownvalue.Int64Exact(2),
						"tuning":     knownvalue.ObjectExact(map[string]knownvalue.Check{"shared_buffers": resStr("128MB")}),
					})),
				},
			},
			resource.TestStep{
				Config:            prov + resPostgres(params, annotations),
				ConfigPlanChecks:  update(),
				ConfigStateChecks: append([]statecheck.StateCheck{keep(), change(), resExpect(resPath("uid"), resStr(resUID))}, publishCheck...),
			},
			resource.TestStep{
				Config:           prov + resPostgres(params, annotations, `class = "large"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					resExpect(resPath("uid"), resStr("postgres.large#web.db")),
				},
			},
			resource.TestStep{
				Config:           prov + resPostgres(params, annotations, `class = "large"`, `id = "main-db"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					resExpect(resPath("uid"), resStr("postgres.large#main-db")),
				},
			},
			resource.TestStep{
				Config:           prov + resPostgres(params, annotations, `class = "large"`, `id = "other-db"`),
				ConfigPlanChecks: replace,
				ConfigStateChecks: []statecheck.StateCheck{change(),
					resExpect(resPath("uid"), resStr("postgres.large#other-db")),
				},
			},
		)
	})
}

// --- 3. what is known at plan ---

func TestAccResource_planKnown(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		checks := []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionCreate),
			plancheck.ExpectKnownValue(resAddr, resPath("uid"), resStr(resUID)),
			plancheck.ExpectKnownValue(resAddr, resPath("provisioner_uri"), resStr("template://score-tf/postgres")),
			plancheck.ExpectKnownValue(resAddr, resPath("outputs", "port"), resStr("5432")),
			plancheck.ExpectKnownValue(resAddr, resPath("outputs", "username"), resStr("web_db")),
			resExpectFullyKnown("outputs"),
			resExpectMapKeys("secrets", "password", "url"),
			plancheck.ExpectUnknownValue(resAddr, resPath("secrets", "password")),
			plancheck.ExpectUnknownValue(resAddr, resPath("secrets", "url")),
			plancheck.ExpectUnknownValue(resAddr, resPath("state")),
		}
		switch target {
		case "kubernetes":
			name := resK8sName("web-db", resUID)
			sts, svc, secret := "apps/v1/StatefulSet/_/"+name, "core/v1/Service/_/"+name, "core/v1/Secret/_/"+name
			checks = append(checks,
				plancheck.ExpectKnownValue(resAddr, resPath("outputs", "host"), resStr(name)),
				resExpectMapKeys("manifests", sts, svc),
				resExpectFullyKnown("manifests"),
				plancheck.ExpectKnownValue(resAddr, resPath("manifests", sts), resRE(`(?s)kind: StatefulSet\n.*name: `+name+`\n`)),
				plancheck.ExpectKnownValue(resAddr, resPath("manifests", svc), resRE(`(?s)kind: Service\n.*name: `+name+`\n`)),
				resExpectMapKeys("secret_manifests", secret),
				plancheck.ExpectUnknownValue(resAddr, resPath("secret_manifests", secret)),
				plancheck.ExpectKnownValue(resAddr, resPath("compose_yaml"), knownvalue.Null()),
				plancheck.ExpectKnownValue(resAddr, resPath("compose_env"), knownvalue.Null()),
			)
		case "compose":
			checks = append(checks,
				plancheck.ExpectKnownValue(resAddr, resPath("outputs", "host"), resStr("pg-web-db")),
				resExpectFullyKnown("compose_yaml", "files", "secret_files"),
				plancheck.ExpectKnownValue(resAddr, resPath("compose_yaml"), resRE(`\$\{POSTGRES_DEFAULT_WEB_DB_PASSWORD\}`)),
				plancheck.ExpectUnknownValue(resAddr, resPath("compose_env")),
				plancheck.ExpectKnownValue(resAddr, resPath("manifests"), knownvalue.Null()),
				plancheck.ExpectKnownValue(resAddr, resPath("secret_manifests"), knownvalue.Null()),
			)
		}
		resRun(t, resource.TestStep{
			Config:           resProvider(target) + resPostgres(`params = { version = "17" }`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
		})
	})
}

// TestAccResource_unknownParams: params unknown at plan (they come from another resource's
// generated guid) make the dependent attributes unknown, never wrong; apply fills them in and the
// next plan is empty.
func TestAccResource_unknownParams(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		cfg := resProvider(target) + `
resource "score_resource" "seed" {
  type = "dns"
  id   = "seed"
}
` + resPostgres(`params = { seed = nonsensitive(jsondecode(score_resource.seed.state).guid) }`)
		resRun(t, resource.TestStep{
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(resAddr, resPath("params").AtMapKey("seed")),
				plancheck.ExpectUnknownValue(resAddr, resPath("outputs")),
				plancheck.ExpectUnknownValue(resAddr, resPath("secrets")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				resExpect(resPath("uid"), resStr(resUID)),
				resExpect(resPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{"seed": resRE(`^[0-9a-f-]{36}$`)})),
				resExpect(resPath("outputs", "username"), resStr("web_db")),
			},
		})
	})
}

// --- 4. import from score-compose and score-k8s state.yaml ---

const (
	resComposeImportedPassword = "Imp0rtedC0mposePassw0rd"
	resK8sImportedPassword     = "Imp0rtedK8sPassw0rd"
	resK8sImportedGUID         = "7a3c1f2e-9b8d-4c6e-a5f4-3b2a1c0d9e8f"
	resK8sImportedService      = "pg-web-7a3c1f2e"
)

// resComposeState is a .score-compose/state.yaml as score-compose writes it (project extras,
// workload with build_configs, resources by uid without guid, shared_state of the upstream
// postgres provisioner), holding the postgres `db` of workload `web` and a redis.
const resComposeState = `workloads:
  web:
    spec:
      apiVersion: score.dev/v1b1
      metadata:
        name: web
      containers:
        main:
          image: nginx:latest
          variables:
            DB_HOST: ${resources.db.host}
      resources:
        db:
          type: postgres
        cache:
          type: redis
    file: score.yaml
    build_configs: {}
resources:
  postgres.default#web.db:
    type: postgres
    class: default
    id: web.db
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/postgres
    state:
      database: db-AbCdEfGh
      username: user-XyZwVuTs
      password: ` + resComposeImportedPassword + `
    outputs:
      database: db-AbCdEfGh
      host: pg-a1B2c3
      name: db-AbCdEfGh
      password: ` + resComposeImportedPassword + `
      port: 5432
      username: user-XyZwVuTs
  redis.default#web.cache:
    type: redis
    class: default
    id: web.cache
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/redis
    state:
      password: RedisPassw0rdXYZ
      serviceName: redis-Qw3rTy
    outputs:
      host: redis-Qw3rTy
      password: RedisPassw0rdXYZ
      port: 6379
      username: default
shared_state:
  default-provisioners-postgres-instance:
    instancePassword: SharedInstancePw
    instanceServiceName: pg-a1B2c3
compose_project: myproject
mounts_directory: .score-compose/mounts
`

// resK8sState is a .score-k8s/state.yaml as score-k8s writes it (workload instance_suffix,
// resources by uid with guid; outputs hold secret references, the state the values), with
// params and annotations on the postgres resource.
const resK8sState = `workloads:
  web:
    spec:
      apiVersion: score.dev/v1b1
      metadata:
        name: web
      containers:
        main:
          image: nginx:latest
      resources:
        db:
          type: postgres
          metadata:
            annotations:
              team: platform
          params:
            version: "17"
            replicas: 1
            tags: [a, b]
            tuning:
              shared_buffers: 128MB
    file: score.yaml
    instance_suffix: -0123456789
resources:
  postgres.default#web.db:
    guid: ` + resK8sImportedGUID + `
    type: postgres
    class: default
    id: web.db
    metadata:
      annotations:
        team: platform
    params:
      version: "17"
      replicas: 1
      tags: [a, b]
      tuning:
        shared_buffers: 128MB
    source_workload: web
    provisioner: template://default-provisioners/postgres
    state:
      service: ` + resK8sImportedService + `
      database: db-abcdefgh
      username: user-ijklmnop
      password: ` + resK8sImportedPassword + `
    outputs:
      host: ` + resK8sImportedService + `
      port: 5432
      name: db-abcdefgh
      database: db-abcdefgh
      username: user-ijklmnop
      password: "🔐💬` + resK8sImportedService + `_password💬🔐"
  redis.default#main-cache:
    guid: 0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f
    type: redis
    class: default
    id: main-cache
    metadata: {}
    params: {}
    source_workload: web
    provisioner: template://default-provisioners/redis
    state:
      service: redis-web-0b1c2d3e
      username: default
      password: SharedRedisPassw0rd
    outputs:
      host: redis-web-0b1c2d3e
      port: 6379
      username: default
      password: "🔐💬redis-web-0b1c2d3e_password💬🔐"
shared_state: {}
`

// resWriteState writes a state.yaml into a fresh temporary directory and returns its path.
func resWriteState(t *testing.T, dir, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), dir, "state.yaml")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// resImportSteps imports resUID from statePath, then applies cfg, which must plan nothing, and
// checks the imported state with checks.
func resImportSteps(cfg, statePath string, checks ...statecheck.StateCheck) []resource.TestStep {
	return []resource.TestStep{
		{
			Config:             cfg,
			ResourceName:       resAddr,
			ImportState:        true,
			ImportStateId:      statePath + "#" + resUID,
			ImportStatePersist: true,
			ImportStateCheck: func(states []*terraform.InstanceState) error {
				if len(states) != 1 {
					return fmt.Errorf("imported %d instances, want 1", len(states))
				}
				if got := states[0].Attributes["uid"]; got != resUID {
					return fmt.Errorf("imported uid %q, want %q", got, resUID)
				}
				return nil
			},
		},
		{
			Config:            cfg,
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: checks,
		},
	}
}

func TestAccResource_importScoreCompose(t *testing.T) {
	t.Parallel()
	statePath := resWriteState(t, ".score-compose", resComposeState)
	cfg := resProvider("compose") + resPostgres()
	resRun(t, resImportSteps(cfg, statePath,
		resExpect(resPath("secrets", "password"), resStr(resComposeImportedPassword)),
		resExpect(resPath("secrets", "url"), resStr("postgresql://web_db:"+resComposeImportedPassword+"@pg-web-db:5432/web_db")),
		resExpect(resPath("uid"), resStr(resUID)),
		resExpect(resPath("class"), resStr("default")),
		resExpect(resPath("name"), resStr("db")),
		resExpect(resPath("source_workload"), resStr("web")),
		resExpect(resPath("id"), knownvalue.Null()),
		resExpect(resPath("params"), knownvalue.Null()),
		resExpect(resPath("annotations"), knownvalue.Null()),
		resExpect(resPath("provisioner_uri"), resStr("template://score-tf/postgres")),
		resExpect(resPath("compose_env"), resRE(`POSTGRES_DEFAULT_WEB_DB_PASSWORD='`+resComposeImportedPassword+`'`)),
		resCheckState(func(attrs map[string]any) error {
			stored, err := resStoredState(attrs)
			if err != nil {
				return err
			}
			if got, _ := resAttr(stored, "state", "password"); got != resComposeImportedPassword {
				return fmt.Errorf("stored password %q", got)
			}
			// The upstream shared_state comes along: a later shared provisioner sees it.
			if got, _ := resAttr(stored, "shared", "default-provisioners-postgres-instance", "instanceServiceName"); got != "pg-a1B2c3" {
				return fmt.Errorf("stored shared state %v, want the imported shared_state", stored["shared"])
			}
			return nil
		}),
	)...)
}

func TestAccResource_importScoreK8s(t *testing.T) {
	t.Parallel()
	statePath := resWriteState(t, ".score-k8s", resK8sState)
	cfg := resProvider("kubernetes") + resPostgres(
		`params = { version = "17", replicas = 1, tags = ["a", "b"], tuning = { shared_buffers = "128MB" } }`,
		`annotations = { team = "platform" }`,
	)
	svc := resK8sImportedService
	resRun(t, resImportSteps(cfg, statePath,
		resExpect(resPath("secrets", "password"), resStr(resK8sImportedPassword)),
		// The built-in kubernetes postgres keeps the names score-k8s generated.
		resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
			"host": resStr(svc), "port": resStr("5432"), "name": resStr("db-abcdefgh"),
			"database": resStr("db-abcdefgh"), "username": resStr("user-ijklmnop"),
		})),
		resExpect(resPath("secrets", "url"), resStr("postgresql://user-ijklmnop:"+resK8sImportedPassword+"@"+svc+":5432/db-abcdefgh")),
		resExpect(resPath("manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
			"apps/v1/StatefulSet/_/" + svc: resRE(`kind: StatefulSet`),
			"core/v1/Service/_/" + svc:     resRE(`kind: Service`),
		})),
		resExpect(resPath("secret_manifests"), knownvalue.MapExact(map[string]knownvalue.Check{
			"core/v1/Secret/_/" + svc: resRE(base64.StdEncoding.EncodeToString([]byte(resK8sImportedPassword))),
		})),
		resExpect(resPath("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{"team": resStr("platform")})),
		resExpect(resPath("params"), knownvalue.ObjectExact(map[string]knownvalue.Check{
			"version":  resStr("17"),
			"replicas": knownvalue.Int64Exact(1),
			"tags":     knownvalue.TupleExact([]knownvalue.Check{resStr("a"), resStr("b")}),
			"tuning":   knownvalue.ObjectExact(map[string]knownvalue.Check{"shared_buffers": resStr("128MB")}),
		})),
		resCheckState(func(attrs map[string]any) error {
			stored, err := resStoredState(attrs)
			if err != nil {
				return err
			}
			if got, _ := resAttr(stored, "guid"); got != resK8sImportedGUID {
				return fmt.Errorf("stored guid %q, want the imported %q", got, resK8sImportedGUID)
			}
			return nil
		}),
	)...)
}

func TestAccResource_importErrors(t *testing.T) {
	t.Parallel()
	statePath := resWriteState(t, ".score-compose", resComposeState)
	cfg := resProvider("compose") + resPostgres()
	step := func(id string, err *regexp.Regexp) resource.TestStep {
		return resource.TestStep{
			Config: cfg, ResourceName: resAddr, ImportState: true, ImportStateId: id, ExpectError: err,
		}
	}
	missing := filepath.Join(filepath.Dir(statePath), "nope", "state.yaml")
	resRun(t,
		step("just-a-path.yaml", resErrorRE("Invalid import id", "expected <path to state.yaml>#<resource uid>", "just-a-path.yaml")),
		step(statePath+"#postgres.default", resErrorRE("Invalid import id", "expected <path to state.yaml>#<resource uid>")),
		step("#postgres.default#web.db", resErrorRE("Invalid import id")),
		step(missing+"#"+resUID, resErrorRE("Cannot import resource", "nope/state.yaml", "no such file or directory")),
		step(statePath+"#postgres.default#web.other", resErrorRE("Cannot import resource", "has no resource 'postgres.default#web.other'", "it has: postgres.default#web.db, redis.default#web.cache")),
	)
}

// --- 5. secrets only in sensitive attributes ---

func TestAccResource_secretsOnlySensitive(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		sensitive := []string{"secrets", "state"}
		plain := []string{"outputs", "uid", "provisioner_uri", "params"}
		switch target {
		case "kubernetes":
			sensitive = append(sensitive, "secret_manifests")
			plain = append(plain, "manifests")
		case "compose":
			sensitive = append(sensitive, "compose_env", "secret_files")
			plain = append(plain, "compose_yaml", "files")
		}
		// With the generated values in the prior state, an update plan knows everything.
		known := append(append([]string{}, sensitive...), plain...)
		resRun(t,
			resource.TestStep{Config: resProvider(target) + resPostgres()},
			resource.TestStep{
				Config: resProvider(target) + resPostgres(`params = { version = "17" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectSensitiveValue(resAddr, resPath("secrets")),
					resExpectSecretsOnlySensitive(sensitive, plain),
					resExpectFullyKnown(known...),
				}},
			},
		)
	})
}

// --- 6. diagnostics ---

func TestAccResource_diagnostics(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		custom := func(file, body string) string {
			return resProvider(target, resFileList(t, file)) + "resource \"score_resource\" \"x\" {\n" + body + "\n}\n"
		}
		resRun(t,
			resource.TestStep{
				Config: custom("bad-field.provisioners.yaml", `type = "bad"
id = "x"`),
				ExpectError: resErrorRE("Invalid provisioner definition", "provisioners[0] entry 0 (template://custom/bad, line 1)", `unknown field "bogus_field"`),
			},
			resource.TestStep{
				Config: custom("failing.provisioners.yaml", `type = "failing"
name = "db"
source_workload = "web"`),
				ExpectError: resErrorRE("Provisioning failed", "provisioner template://custom/failing for resource 'failing.default#web.db'", "outputs template, line 2", "boom"),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "nosuch"`, `id = "x"`),
				ExpectError: resErrorRE("No provisioner for this resource", "resource 'nosuch.default#x'", "not supported by any provisioner for the "+target+" target", "available types:", "postgres", "redis", "volume"),
			},
			resource.TestStep{
				Config:      custom("command.provisioners.yaml", `type = "greeting"`+"\n"+`id = "hello"`),
				ExpectError: resErrorRE("Provisioning failed", "cmd://bash", "allow_command_provisioners = true"),
			},
			resource.TestStep{
				Config:      resProvider("") + resPostgres(),
				ExpectError: resErrorRE("Provider target not set", "score_resource needs the provider's `target` (`kubernetes` or `compose`)"),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "postgres"`, `name = "db"`),
				ExpectError: resErrorRE("Invalid Attribute Combination", `Attribute "source_workload" must be specified when "name" is specified`),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "postgres"`),
				ExpectError: resErrorRE("Missing Attribute Configuration", "At least one of these attributes must be configured: [id,name]"),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "postgres"`, `id = "x"`, `params = "not an object"`),
				ExpectError: resErrorRE("Invalid params", "params must be an object"),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "postgres"`, `id = "x"`, `params = ["a", "b"]`),
				ExpectError: resErrorRE("Invalid params", "params must be an object"),
			},
			resource.TestStep{
				Config:      resProvider(target) + resBlock("x", `type = "post_gres"`, `id = "Bad_ID"`),
				ExpectError: resErrorRE("must be a Score resource type", "must be a Score resource id"),
			},
		)
	})
}

// TestAccResource_commandProvisioner: with allow_command_provisioners a cmd:// provisioner runs,
// reads the request on stdin and its JSON answer becomes outputs and secrets.
func TestAccResource_commandProvisioner(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		resRun(t, resource.TestStep{
			Config: resProvider(target, "allow_command_provisioners = true", resFileList(t, "command.provisioners.yaml")) + `
resource "score_resource" "db" {
  type = "greeting"
  id   = "hello"
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				resExpect(resPath("provisioner_uri"), resStr("cmd://bash")),
				resExpect(resPath("uid"), resStr("greeting.default#hello")),
				resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
					"greeting": resStr("hello"), "uid_seen": resStr("greeting.default#hello"),
				})),
				resExpect(resPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"token": resStr("cmd-t0ken")})),
				resCheckState(func(attrs map[string]any) error {
					stored, err := resStoredState(attrs)
					if err != nil {
						return err
					}
					if got, _ := json.Marshal(stored["state"]); string(got) != `{"calls":1}` {
						return fmt.Errorf("stored state %s", got)
					}
					return nil
				}),
			},
		})
	})
}

// --- 7. custom provisioners ---

// resUpstreamProvisioners returns the path of an upstream default provisioners file from
// ../shared/conformance/provisioners (next to the repository), or skips the test.
func resUpstreamProvisioners(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found")
		}
		dir = parent
	}
	p := filepath.Join(filepath.Dir(dir), "shared", "conformance", "provisioners", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("upstream provisioners file %s is not present (it lives in ../shared/conformance/provisioners next to the repository): %v", p, err)
	}
	return p
}

func TestAccResource_upstreamProvisioners(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"compose":    "score-compose.default.provisioners.yaml",
		"kubernetes": "score-k8s.default.provisioners.yaml",
	}
	resEachTarget(t, func(t *testing.T, target string) {
		file := resUpstreamProvisioners(t, files[target])
		checks := []statecheck.StateCheck{
			resExpect(resPath("provisioner_uri"), resStr("template://default-provisioners/redis")),
			resExpect(resPath("uid"), resStr("redis.default#web.cache")),
		}
		switch target {
		case "compose":
			checks = append(checks,
				resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
					"host": resRE(`^redis-[A-Za-z0-9]{6}$`), "port": resStr("6379"), "username": resStr("default"),
				})),
				resExpect(resPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"password": resRE(`^[A-Za-z0-9]{16}$`)})),
				resExpect(resPath("compose_yaml"), resRE(`(?s)services:\n  redis-[A-Za-z0-9]{6}:\n.*image: mirror.gcr.io/redis:7-alpine\n`)),
				resExpect(resPath("compose_env"), resRE(`^REDIS_DEFAULT_WEB_CACHE_PASSWORD='[A-Za-z0-9]{16}'\n$`)),
				// redis.conf holds the password: it is a secret file.
				resExpect(resPath("files"), knownvalue.MapSizeExact(0)),
				resExpect(resPath("secret_files"), knownvalue.MapSizeExact(1)),
				resCheckState(func(attrs map[string]any) error {
					password, _ := resAttr(attrs, "secrets", "password")
					host, _ := resAttr(attrs, "outputs", "host")
					conf, err := resAttr(attrs, "secret_files", "mounts/"+host+"/redis.conf")
					if err != nil {
						return fmt.Errorf("%v (secret_files: %v)", err, attrs["secret_files"])
					}
					if !strings.Contains(conf, "requirepass "+password+"\n") {
						return fmt.Errorf("redis.conf does not hold the password:\n%s", conf)
					}
					yml, _ := resAttr(attrs, "compose_yaml")
					if strings.Contains(yml, password) {
						return fmt.Errorf("compose_yaml holds the password")
					}
					return nil
				}),
			)
		case "kubernetes":
			checks = append(checks,
				resExpect(resPath("outputs"), knownvalue.MapPartial(map[string]knownvalue.Check{
					"host": resRE(`^redis-web-[0-9a-f]{8}$`), "port": resStr("6379"), "username": resStr("default"),
				})),
				resExpect(resPath("secrets"), knownvalue.MapSizeExact(1)),
				resCheckState(func(attrs map[string]any) error {
					host, _ := resAttr(attrs, "outputs", "host")
					var keys []string
					for k := range attrs["manifests"].(map[string]any) {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					if want := []string{"apps/v1/StatefulSet/_/" + host, "core/v1/Service/_/" + host}; strings.Join(keys, ",") != strings.Join(want, ",") {
						return fmt.Errorf("manifests keys %q, want %q", keys, want)
					}
					if _, err := resAttr(attrs, "secret_manifests", "core/v1/Secret/_/"+host); err != nil {
						return err
					}
					return nil
				}),
			)
		}
		resRun(t, resource.TestStep{
			Config: resProvider(target, resFileList(t, file)) + `
resource "score_resource" "db" {
  type            = "redis"
  name            = "cache"
  source_workload = "web"
}
`,
			ConfigStateChecks: checks,
		})
	})
}

// TestAccResource_customProvisioners: custom provisioners are matched before the built-in ones
// (by type, then class and id), and default_provisioners = false leaves only them.
func TestAccResource_customProvisioners(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		files := resFileList(t, "custom.provisioners.yaml")
		twoResources := `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "real" {
  type            = "postgres"
  name            = "db"
  source_workload = "web"
}
resource "score_resource" "hello" {
  type   = "greeting"
  class  = "friendly"
  id     = "hello"
  params = { name = "score" }
}
`
		resRun(t,
			resource.TestStep{
				Config: resProvider(target, files) + twoResources,
				ConfigStateChecks: []statecheck.StateCheck{
					// class stub: the custom stub; any other class: the built-in postgres.
					resExpect(resPath("provisioner_uri"), resStr("template://custom/postgres-stub")),
					resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{
						"host": resStr("stub.example.internal"), "port": resStr("5432"),
					})),
					resExpect(resPath("secrets"), knownvalue.MapExact(map[string]knownvalue.Check{"key": resStr("not-really-secret")})),
					statecheck.ExpectKnownValue("score_resource.real", resPath("provisioner_uri"), resStr("template://score-tf/postgres")),
					statecheck.ExpectKnownValue("score_resource.hello", resPath("provisioner_uri"), resStr("template://custom/greeting")),
					statecheck.ExpectKnownValue("score_resource.hello", resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"message": resStr("hello score")})),
					statecheck.ExpectKnownValue("score_resource.hello", resPath("secrets", "token"), resRE(`^[A-Za-z0-9]{12}$`)),
				},
			},
			resource.TestStep{
				Config: resProvider(target, files, "default_provisioners = false") + `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "real" {
  type            = "postgres"
  name            = "db"
  source_workload = "web"
}
`,
				ExpectError: resErrorRE("No provisioner for this resource", "resource 'postgres.default#web.db'", "available types: greeting, postgres."),
			},
			resource.TestStep{
				Config: resProvider(target, files, "default_provisioners = false") + `
resource "score_resource" "db" {
  type  = "postgres"
  class = "stub"
  id    = "main"
}
resource "score_resource" "vol" {
  type = "volume"
  id   = "data"
}
`,
				ExpectError: resErrorRE("No provisioner for this resource", "resource 'volume.default#data'", "available types: greeting, postgres."),
			},
		)
	})
}

// --- unit tests of the import helpers (no TF_ACC) ---

func TestSplitImportID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, file, uid string
		ok            bool
	}{
		{".score-compose/state.yaml#postgres.default#web.db", ".score-compose/state.yaml", "postgres.default#web.db", true},
		{"/abs/path/state.yaml#redis.cache#main-cache", "/abs/path/state.yaml", "redis.cache#main-cache", true},
		{"state.yaml#t.c#id", "state.yaml", "t.c#id", true},
		// A '#' in the path is fine: the uid holds exactly one '#', so the split is from the right.
		{"dir#1/state.yaml#postgres.default#web.db", "dir#1/state.yaml", "postgres.default#web.db", true},
		{"C:\\work\\.score-k8s\\state.yaml#postgres.default#web.db", "C:\\work\\.score-k8s\\state.yaml", "postgres.default#web.db", true},
		{"", "", "", false},
		{"state.yaml", "", "", false},
		{"state.yaml#postgres.default", "", "", false},
		{"#postgres.default#web.db", "", "", false}, // no path
		{"postgres.default#web.db", "", "", false},  // no path: "postgres.default" is not taken for one
	} {
		file, uid, err := splitImportID(tc.id)
		if tc.ok {
			if err != nil || file != tc.file || uid != tc.uid {
				t.Errorf("splitImportID(%q) = %q, %q, %v; want %q, %q", tc.id, file, uid, err, tc.file, tc.uid)
			}
			continue
		}
		if err == nil {
			t.Errorf("splitImportID(%q) = %q, %q; want an error", tc.id, file, uid)
		} else if !strings.Contains(err.Error(), "<path to state.yaml>#<resource uid>") {
			t.Errorf("splitImportID(%q): error %q does not explain the format", tc.id, err)
		}
	}
}

func TestReadStateFile(t *testing.T) {
	t.Parallel()
	compose := resWriteState(t, ".score-compose", resComposeState)
	k8s := resWriteState(t, ".score-k8s", resK8sState)

	res, err := provisioner.ReadStateFile(compose, resUID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Type != "postgres" || res.Class != "default" || res.ID != "web.db" || res.SourceWorkload != "web" || res.Guid != "" {
		t.Errorf("compose resource = %+v", res)
	}
	if res.State["password"] != resComposeImportedPassword || res.State["username"] != "user-XyZwVuTs" {
		t.Errorf("compose state = %v", res.State)
	}
	if inst, _ := res.Shared["default-provisioners-postgres-instance"].(map[string]any); inst["instancePassword"] != "SharedInstancePw" {
		t.Errorf("compose shared = %v", res.Shared)
	}

	res, err = provisioner.ReadStateFile(k8s, resUID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Guid != resK8sImportedGUID || res.State["service"] != resK8sImportedService || res.State["password"] != resK8sImportedPassword {
		t.Errorf("k8s resource = %+v", res)
	}
	if ann, _ := res.Metadata["annotations"].(map[string]any); ann["team"] != "platform" {
		t.Errorf("k8s metadata = %v", res.Metadata)
	}
	if res.Params["replicas"] != 1 || !reflect.DeepEqual(res.Params["tags"], []any{"a", "b"}) {
		t.Errorf("k8s params = %#v", res.Params)
	}

	// type, class and id default from the uid when the entry leaves them out.
	minimal := resWriteState(t, "minimal", "resources:\n  redis.cache#shared:\n    state: {password: x}\n")
	res, err = provisioner.ReadStateFile(minimal, "redis.cache#shared")
	if err != nil {
		t.Fatal(err)
	}
	if res.Type != "redis" || res.Class != "cache" || res.ID != "shared" {
		t.Errorf("minimal resource = %+v", res)
	}

	for _, tc := range []struct {
		name, file, uid string
		want            []string
	}{
		{"missing file", filepath.Join(t.TempDir(), "none.yaml"), resUID, []string{"none.yaml", "no such file"}},
		{"missing uid", compose, "postgres.default#web.other", []string{"has no resource 'postgres.default#web.other'", "it has: postgres.default#web.db, redis.default#web.cache"}},
		{"missing uid, k8s", k8s, "redis.default#other", []string{"it has: postgres.default#web.db, redis.default#main-cache"}},
		{"not YAML", resWriteState(t, "bad", "resources: [\n"), resUID, []string{"is not a score-compose or score-k8s state file"}},
		{"wrong shape", resWriteState(t, "shape", "resources: [a, b]\n"), resUID, []string{"is not a score-compose or score-k8s state file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := provisioner.ReadStateFile(tc.file, tc.uid)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// TestAccResource_workloadServices: workload_services reach the templates as .WorkloadServices,
// ports indexed by name and by number.
func TestAccResource_workloadServices(t *testing.T) {
	t.Parallel()
	resEachTarget(t, func(t *testing.T, target string) {
		// Compose connects to the container's target port; Kubernetes to the Service port.
		want := map[string]string{"compose": "8080", "kubernetes": "80"}[target]
		cfg := func(hostname, port string) string {
			return resProvider(target) + `
resource "score_resource" "db" {
  type            = "service-port"
  name            = "api"
  source_workload = "web"
  params          = { workload = "api", port = ` + port + ` }
  workload_services = {
    api = {
      name     = "api"
      hostname = "` + hostname + `"
      ports = {
        web     = { port = 80, target_port = 8080 }
        metrics = { port = 9090, protocol = "TCP" }
      }
    }
  }
}
`
		}
		outputs := func(host, port string) []statecheck.StateCheck {
			return []statecheck.StateCheck{
				resExpect(resPath("provisioner_uri"), resStr("template://score-tf/service-port")),
				resExpect(resPath("outputs"), knownvalue.MapExact(map[string]knownvalue.Check{"hostname": resStr(host), "port": resStr(port)})),
				resExpect(resPath("secrets"), knownvalue.MapSizeExact(0)),
			}
		}
		resRun(t,
			resource.TestStep{
				Config:            cfg("api", `"web"`),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{resExpectFullyKnown("outputs")}},
				ConfigStateChecks: outputs("api", want),
			},
			resource.TestStep{Config: cfg("api", `80`), ConfigStateChecks: outputs("api", want)},
			resource.TestStep{Config: cfg("api", `"metrics"`), ConfigStateChecks: outputs("api", "9090")},
			resource.TestStep{
				Config: cfg("api.internal", `"metrics"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: outputs("api.internal", "9090"),
			},
			resource.TestStep{
				Config:      cfg("api", `"admin"`),
				ExpectError: resErrorRE("Provisioning failed", `workload "api" has no service port "admin"`, "metrics", "web"),
			},
		)
	})
}

// TestAccResource_importSharedResource imports a shared resource (declared with an id): the
// import sets id (not name) and keeps source_workload, and a configuration saying so plans
// nothing and keeps the password.
func TestAccResource_importSharedResource(t *testing.T) {
	t.Parallel()
	statePath := resWriteState(t, ".score-k8s", resK8sState)
	cfg := resProvider("kubernetes") + `
resource "score_resource" "db" {
  type            = "redis"
  id              = "main-cache"
  source_workload = "web"
}
`
	const uid = "redis.default#main-cache"
	resRun(t,
		resource.TestStep{
			Config: cfg, ResourceName: resAddr, ImportState: true, ImportStatePersist: true,
			ImportStateId: statePath + "#" + uid,
		},
		resource.TestStep{
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			ConfigStateChecks: []statecheck.StateCheck{
				resExpect(resPath("uid"), resStr(uid)),
				resExpect(resPath("id"), resStr("main-cache")),
				resExpect(resPath("name"), knownvalue.Null()),
				resExpect(resPath("provisioner_uri"), resStr("template://score-tf/redis")),
				resExpect(resPath("outputs", "host"), resStr("redis-web-0b1c2d3e")),
				resExpect(resPath("secrets", "password"), resStr("SharedRedisPassw0rd")),
			},
		},
	)
}

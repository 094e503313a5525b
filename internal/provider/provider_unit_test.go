package provider

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Plain unit tests (no TF_ACC, no terraform binary) of the provider's Terraform surface.

// describedNode is what every schema, attribute and block of the framework has.
type describedNode interface {
	GetMarkdownDescription() string
}

// checkDescriptions fails for every attribute or block below schema (walked recursively through
// nested attributes and nested blocks of any kind) without a MarkdownDescription, and returns
// the names it visited (`where.attr.nested...`). schema is a provider, data source or resource
// schema; nested objects are reached by reflection through GetNestedObject, which every nested
// attribute and block kind has, so a new kind is not missed.
func checkDescriptions(t *testing.T, where string, schema any) []string {
	t.Helper()
	var visited []string
	var walk func(where string, node any)
	walk = func(where string, node any) {
		v := reflect.ValueOf(node)
		for _, method := range []string{"GetAttributes", "GetBlocks"} {
			m := v.MethodByName(method)
			if !m.IsValid() {
				continue
			}
			children := m.Call(nil)[0]
			keys := children.MapKeys()
			sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
			for _, key := range keys {
				child := children.MapIndex(key).Interface()
				name := where + "." + key.String()
				visited = append(visited, name)
				d, ok := child.(describedNode)
				if !ok {
					t.Errorf("%s: %T has no GetMarkdownDescription", name, child)
					continue
				}
				if strings.TrimSpace(d.GetMarkdownDescription()) == "" {
					t.Errorf("%s: empty MarkdownDescription", name)
				}
				if nested := reflect.ValueOf(child).MethodByName("GetNestedObject"); nested.IsValid() {
					walk(name, nested.Call(nil)[0].Interface())
				}
			}
		}
	}
	d, ok := schema.(describedNode)
	if !ok || strings.TrimSpace(d.GetMarkdownDescription()) == "" {
		t.Errorf("%s: the schema itself has no MarkdownDescription", where)
	}
	walk(where, schema)
	return visited
}

func TestProviderMetadata(t *testing.T) {
	p := New("1.2.3")()
	var resp provider.MetadataResponse
	p.Metadata(context.Background(), provider.MetadataRequest{}, &resp)
	if resp.TypeName != "score" || resp.Version != "1.2.3" {
		t.Fatalf("Metadata = %q %q, want score 1.2.3", resp.TypeName, resp.Version)
	}
}

func TestProviderSchemaDescriptions(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var resp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("provider schema: %v", diags)
	}
	visited := checkDescriptions(t, "provider", resp.Schema)
	if !slices.Contains(visited, "provider.allow_external_file_sources") {
		t.Fatalf("provider.allow_external_file_sources not visited: %v", visited)
	}
}

// TestDataSourceSchemaDescriptions walks every data source of the provider.
func TestDataSourceSchemaDescriptions(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	visited := map[string]bool{}
	for _, newDataSource := range p.DataSources(ctx) {
		ds := newDataSource()
		var mresp datasource.MetadataResponse
		ds.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mresp)
		var resp datasource.SchemaResponse
		ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s Schema: %v", mresp.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Fatalf("%s schema: %v", mresp.TypeName, diags)
		}
		names := checkDescriptions(t, "data."+mresp.TypeName, resp.Schema)
		t.Logf("data.%s: %d attributes and blocks checked", mresp.TypeName, len(names))
		for _, n := range names {
			visited[n] = true
		}
	}
	// The walk reaches the deepest attributes (five levels down), so this test cannot pass by
	// walking nothing.
	for _, want := range []string{
		"data.score_workload.file",
		"data.score_workload.containers.liveness_probe.http_get.http_headers.name",
		"data.score_workload.containers.readiness_probe.exec.command",
		"data.score_workload.containers.resources.limits.cpu",
		"data.score_workload.resources.uid",
	} {
		if !visited[want] {
			t.Errorf("%s was not visited", want)
		}
	}
}

// TestResourceSchemaDescriptions walks every resource of the provider the same way.
func TestResourceSchemaDescriptions(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	var meta provider.MetadataResponse
	p.Metadata(ctx, provider.MetadataRequest{}, &meta)
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var mresp resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: meta.TypeName}, &mresp)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		if resp.Diagnostics.HasError() {
			t.Fatalf("%s Schema: %v", mresp.TypeName, resp.Diagnostics)
		}
		if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
			t.Fatalf("%s schema: %v", mresp.TypeName, diags)
		}
		names := checkDescriptions(t, mresp.TypeName, resp.Schema)
		t.Logf("%s: %d attributes and blocks checked", mresp.TypeName, len(names))
	}
}

// TestProviderServerSchema asks the protocol 6 server for the whole provider schema, as terraform
// does first: no diagnostics, and score_workload is there.
func TestProviderServerSchema(t *testing.T) {
	server := NewServer("test")()
	resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		t.Errorf("GetProviderSchema: %s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	if _, ok := resp.DataSourceSchemas["score_workload"]; !ok {
		t.Fatalf("no score_workload data source schema: %v", resp.DataSourceSchemas)
	}
}

// --- ValidateConfig, called directly with a tfsdk.Config built from the schema ---

// runConfigValidators runs the data source's ConfigValidators (ExactlyOneOf file/content).
func runConfigValidators(t *testing.T, values map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ds, ok := NewWorkloadDataSource().(datasource.DataSourceWithConfigValidators)
	if !ok {
		t.Fatal("score_workload has no ConfigValidators")
	}
	var diags diag.Diagnostics
	for _, v := range ds.ConfigValidators(context.Background()) {
		var resp datasource.ValidateConfigResponse
		v.ValidateDataSource(context.Background(), datasource.ValidateConfigRequest{Config: workloadConfig(t, values)}, &resp)
		diags.Append(resp.Diagnostics...)
	}
	return diags
}

// unknownTFString is an unknown tftypes string.
var unknownTFString = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)

// describeDiags renders diagnostics one a line, with their paths, for failure messages.
func describeDiags(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString("\n  ")
		b.WriteString(d.Severity().String() + ": " + d.Summary() + ": " + d.Detail())
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			b.WriteString(" [at " + p.Path().String() + "]")
		}
	}
	return b.String()
}

// validContent is a score file without problems.
const validContent = `apiVersion: score.dev/v1b1
metadata:
  name: ok
containers:
  main:
    image: "."
    variables:
      A: ${metadata.name}
`

// invalidContent has three problems: an unknown resource (line 8), an unknown metadata key
// (line 9) and a wrong type (line 10).
const invalidContent = `apiVersion: score.dev/v1b1
metadata:
  name: bad
containers:
  main:
    image: app:1
    variables:
      A: ${resources.missing.host}
      B: ${metadata.nope}
      C: 3
`

// wantError is one expected error diagnostic: its summary, the attribute it is on, and fragments
// of its detail.
type wantError struct {
	summary string
	path    path.Path
	detail  []string
}

func TestWorkloadValidateConfig(t *testing.T) {
	file := testdataPath(t, "workload", "score.yaml")
	cases := []struct {
		name   string
		values map[string]tftypes.Value
		want   []wantError
	}{
		{
			name:   "valid content with image",
			values: map[string]tftypes.Value{"content": tfString(validContent), "image": tfString("app:1")},
		},
		{
			name:   "invalid content: one error per problem, each with path and line",
			values: map[string]tftypes.Value{"content": tfString(invalidContent)},
			want: []wantError{
				{"Invalid score file", path.Root("content"), []string{"the score file: containers.main.variables.A (line 8): ", "no known resource 'missing'"}},
				{"Invalid score file", path.Root("content"), []string{"the score file: containers.main.variables.B (line 9): ", "invalid ref 'metadata.nope'"}},
				{"Invalid score file", path.Root("content"), []string{"the score file: containers.main.variables.C (line 10): ", "expected string"}},
			},
		},
		{
			name:   "image dot without image",
			values: map[string]tftypes.Value{"content": tfString(validContent)},
			want: []wantError{
				{"Invalid score file", path.Root("content"), []string{`containers.main.image (line 6): the image is "."`}},
			},
		},
		{
			name:   "unknown content",
			values: map[string]tftypes.Value{"content": unknownTFString},
		},
		{
			name:   "unknown image with valid content",
			values: map[string]tftypes.Value{"content": tfString(validContent), "image": unknownTFString},
		},
		{
			// Not all inputs are known: the image may fix nothing here, but nothing is reported
			// until everything is known (Read reports it).
			name:   "unknown image with invalid content",
			values: map[string]tftypes.Value{"content": tfString(invalidContent), "image": unknownTFString},
		},
		{
			name:   "unknown file",
			values: map[string]tftypes.Value{"file": unknownTFString},
		},
		{
			name:   "unknown overrides_yaml",
			values: map[string]tftypes.Value{"content": tfString(invalidContent), "overrides_yaml": unknownTFString},
		},
		{
			name: "unknown overrides map",
			values: map[string]tftypes.Value{
				"content":   tfString(validContent),
				"overrides": tftypes.NewValue(tfStringMapType, tftypes.UnknownValue),
			},
		},
		{
			// A known map holding an unknown value: validation waits for it too.
			name: "unknown value inside overrides",
			values: map[string]tftypes.Value{
				"content":   tfString(validContent),
				"overrides": tfStringMap(map[string]tftypes.Value{"containers.main.image": unknownTFString}),
			},
		},
		{
			name: "bad override: error on the overrides key",
			values: map[string]tftypes.Value{
				"content":   tfString(validContent),
				"image":     tfString("app:1"),
				"overrides": tfStringMap(map[string]tftypes.Value{"containers..image": tfString("x")}),
			},
			want: []wantError{
				{"Invalid override", path.Root("overrides").AtMapKey("containers..image"), []string{"non-empty elements"}},
			},
		},
		{
			name: "bad overrides_yaml",
			values: map[string]tftypes.Value{
				"content":        tfString(validContent),
				"image":          tfString("app:1"),
				"overrides_yaml": tfString("[1, 2]"),
			},
			want: []wantError{
				{"Invalid overrides document", path.Root("overrides_yaml"), []string{"must be a mapping"}},
			},
		},
		{
			name: "file with image",
			values: map[string]tftypes.Value{
				"file":  tfString(file),
				"image": tfString(sidecarImage),
			},
		},
		{
			name:   "file without image: error on the file attribute, naming the file",
			values: map[string]tftypes.Value{"file": tfString(file)},
			want: []wantError{
				{"Invalid score file", path.Root("file"), []string{file + ": containers.sidecar.image (line 68): "}},
			},
		},
		{
			// The file may be created by another resource during apply: Read reports it.
			name:   "missing file",
			values: map[string]tftypes.Value{"file": tfString(filepath.Join(testdataPath(t), "nope.yaml"))},
		},
		{
			// ValidateConfig does not know the provider configuration: external sources are only
			// refused by Read.
			name:   "external source",
			values: map[string]tftypes.Value{"file": tfString(testdataPath(t, "external", "app", "score.yaml"))},
		},
		{
			// Reported by the ExactlyOneOf config validator, not twice.
			name:   "file and content",
			values: map[string]tftypes.Value{"file": tfString(file), "content": tfString(invalidContent)},
		},
		{
			name: "neither file nor content",
		},
		{
			// Upgrades of legacy forms are warnings at read time; validate reports errors only.
			name: "legacy arrays",
			values: map[string]tftypes.Value{"content": tfString(`apiVersion: score.dev/v1b1
metadata:
  name: legacy
containers:
  main:
    image: app:1
    files:
      - target: /etc/a
        content: a
`)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := validateWorkload(t, tc.values)
			if len(diags) != len(tc.want) {
				t.Fatalf("got %d diagnostics, want %d:%s", len(diags), len(tc.want), describeDiags(diags))
			}
			for i, want := range tc.want {
				d := diags[i]
				if d.Severity() != diag.SeverityError || d.Summary() != want.summary {
					t.Errorf("diagnostic %d: got %s %q, want error %q", i, d.Severity(), d.Summary(), want.summary)
				}
				withPath, ok := d.(diag.DiagnosticWithPath)
				if !ok || !withPath.Path().Equal(want.path) {
					t.Errorf("diagnostic %d: not on %s:%s", i, want.path, describeDiags(diag.Diagnostics{d}))
				}
				for _, fragment := range want.detail {
					if !strings.Contains(d.Detail(), fragment) {
						t.Errorf("diagnostic %d: detail %q does not contain %q", i, d.Detail(), fragment)
					}
				}
			}
		})
	}
}

func TestWorkloadConfigValidators(t *testing.T) {
	cases := []struct {
		name    string
		values  map[string]tftypes.Value
		summary string
	}{
		{"file only", map[string]tftypes.Value{"file": tfString("score.yaml")}, ""},
		{"content only", map[string]tftypes.Value{"content": tfString(validContent)}, ""},
		{"unknown content", map[string]tftypes.Value{"content": unknownTFString}, ""},
		{"both", map[string]tftypes.Value{"file": tfString("score.yaml"), "content": tfString(validContent)}, "Invalid Attribute Combination"},
		{"neither", nil, "Missing Attribute Configuration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := runConfigValidators(t, tc.values)
			if tc.summary == "" {
				if len(diags) != 0 {
					t.Fatalf("want no diagnostics:%s", describeDiags(diags))
				}
				return
			}
			if len(diags) != 1 || diags[0].Severity() != diag.SeverityError || diags[0].Summary() != tc.summary {
				t.Fatalf("want one error %q:%s", tc.summary, describeDiags(diags))
			}
		})
	}
}

// configuredDataSource returns the data source configured by the provider, as terraform would: the
// provider's Configure with every provider argument null.
func configuredDataSource(t *testing.T) datasource.DataSource {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var sresp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
	}
	var cresp provider.ConfigureResponse
	p.Configure(ctx, provider.ConfigureRequest{Config: tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, attrs)}}, &cresp)
	if cresp.Diagnostics.HasError() {
		t.Fatalf("Configure:%s", describeDiags(cresp.Diagnostics))
	}
	ds := NewWorkloadDataSource()
	ds.(datasource.DataSourceWithConfigure).Configure(ctx,
		datasource.ConfigureRequest{ProviderData: cresp.DataSourceData}, &datasource.ConfigureResponse{})
	return ds
}

// readDataSource runs the data source's Read, as at plan or apply when the configuration is known.
func readDataSource(t *testing.T, ds datasource.DataSource, values map[string]tftypes.Value) (resp datasource.ReadResponse, panicked any) {
	t.Helper()
	schemaResp, typ := workloadSchema(t)
	resp.State = tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, nil)}
	defer func() { panicked = recover() }()
	ds.Read(context.Background(), datasource.ReadRequest{Config: workloadConfig(t, values)}, &resp)
	return resp, nil
}

func TestWorkloadReadSetsState(t *testing.T) {
	ds := configuredDataSource(t)
	resp, panicked := readDataSource(t, ds, map[string]tftypes.Value{
		"file":  tfString(testdataPath(t, "workload", "score.yaml")),
		"image": tfString(sidecarImage),
	})
	if panicked != nil {
		t.Fatalf("Read panicked: %v", panicked)
	}
	if len(resp.Diagnostics) != 0 {
		t.Fatalf("Read:%s", describeDiags(resp.Diagnostics))
	}
	var image string
	if d := resp.State.GetAttribute(context.Background(),
		path.Root("containers").AtMapKey("sidecar").AtName("image"), &image); d.HasError() || image != sidecarImage {
		t.Fatalf("containers.sidecar.image = %q:%s", image, describeDiags(d))
	}
	var uid string
	if d := resp.State.GetAttribute(context.Background(),
		path.Root("resources").AtMapKey("cache").AtName("uid"), &uid); d.HasError() || uid != "redis.default#shared-cache" {
		t.Fatalf("resources.cache.uid = %q:%s", uid, describeDiags(d))
	}
}

// TestWorkloadOverridePathNoPanic: override paths that index a list out of range, or with -1,
// then go deeper, are bad input: an error on that overrides key, never a panic.
func TestWorkloadOverridePathNoPanic(t *testing.T) {
	content := `apiVersion: score.dev/v1b1
metadata:
  name: ok
containers:
  main:
    image: app:1
    args: ["a"]
`
	for _, key := range []string{
		"containers.main.args.5.x",
		"containers.main.args.-1.x",
		"containers.main.args.-2",
		"containers.main.args.1",
	} {
		t.Run(key, func(t *testing.T) {
			values := map[string]tftypes.Value{
				"content":   tfString(content),
				"overrides": tfStringMap(map[string]tftypes.Value{key: tfString("v")}),
			}
			diags, panicked := validateRecovering(t, values)
			if panicked != nil {
				t.Fatalf("ValidateConfig panicked (the provider would crash): %v", panicked)
			}
			want := path.Root("overrides").AtMapKey(key)
			if len(diags) != 1 || diags[0].Summary() != "Invalid override" || !diags[0].(diag.DiagnosticWithPath).Path().Equal(want) {
				t.Fatalf("want one Invalid override error on %s:%s", want, describeDiags(diags))
			}
			resp, panicked := readDataSource(t, configuredDataSource(t), values)
			if panicked != nil {
				t.Fatalf("Read panicked (the provider would crash): %v", panicked)
			}
			if !resp.Diagnostics.HasError() {
				t.Fatalf("Read: want an error")
			}
		})
	}
}

// TestWorkloadNullOverrideValue: `overrides = { "a.b" = null }` is legal HCL (a map may hold a
// null). Whatever it means (ignore, delete, or refuse), it is a decision about user input: not
// the framework's "Value Conversion Error ... always an error in the provider", and any error is
// on the overrides key.
func TestWorkloadNullOverrideValue(t *testing.T) {
	key := "containers.main.variables.A"
	values := map[string]tftypes.Value{
		"content":   tfString(validContent),
		"image":     tfString("app:1"),
		"overrides": tfStringMap(map[string]tftypes.Value{key: tftypes.NewValue(tftypes.String, nil)}),
	}
	checkDiags := func(what string, diags diag.Diagnostics) {
		for _, d := range diags {
			if d.Summary() == "Value Conversion Error" {
				t.Errorf("%s: internal conversion error reaches the user:%s", what, describeDiags(diag.Diagnostics{d}))
				continue
			}
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(path.Root("overrides").AtMapKey(key)) {
				t.Errorf("%s: diagnostic not on overrides[%q]:%s", what, key, describeDiags(diag.Diagnostics{d}))
			}
		}
	}
	checkDiags("ValidateConfig", validateWorkload(t, values))
	resp, panicked := readDataSource(t, configuredDataSource(t), values)
	if panicked != nil {
		t.Fatalf("Read panicked: %v", panicked)
	}
	checkDiags("Read", resp.Diagnostics)
}

// TestWorkloadValidateDoesNotReadExternalSources: ValidateConfig does not know the provider
// configuration, so it must not read a source outside the score file's directory (the provider
// forbids that by default): reading it at validate time would reveal its content through
// diagnostics, here a placeholder-looking line of testdata/external/leak.conf.
func TestWorkloadValidateDoesNotReadExternalSources(t *testing.T) {
	diags := validateWorkload(t, map[string]tftypes.Value{
		"file": tfString(testdataPath(t, "external", "app", "leak.yaml")),
	})
	for _, d := range diags {
		if strings.Contains(d.Detail(), "leaked.secret") {
			t.Errorf("validate read a file outside the score file's directory and shows its content:%s",
				describeDiags(diag.Diagnostics{d}))
		}
	}
	// Read, with the default provider configuration, refuses the source without reading it.
	resp, _ := readDataSource(t, configuredDataSource(t), map[string]tftypes.Value{
		"file": tfString(testdataPath(t, "external", "app", "leak.yaml")),
	})
	if !resp.Diagnostics.HasError() {
		t.Fatal("Read accepted an external source")
	}
	for _, d := range resp.Diagnostics {
		if strings.Contains(d.Detail(), "leaked.secret") {
			t.Errorf("Read shows the content of an external file:%s", describeDiags(diag.Diagnostics{d}))
		}
	}
}

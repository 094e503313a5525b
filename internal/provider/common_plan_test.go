package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/score-tf/terraform-provider-score/internal/score/render"
	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// Unit tests for the plan helpers: what two renders agree on is known, the rest unknown.

func TestPlanValues_knownIfEqual(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b string
		want types.String
	}{
		{"x", "x", types.StringValue("x")},
		{"", "", types.StringValue("")}, // empty is a value, not null
		{"x", "y", types.StringUnknown()},
		{"", "y", types.StringUnknown()},
		{"pw-1", "pw-2", types.StringUnknown()},
	} {
		if got := knownIfEqual(tc.a, tc.b); !got.Equal(tc.want) {
			t.Errorf("knownIfEqual(%q, %q) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
	}
}

// stringMapValue is the map(string) value of elems.
func stringMapValue(t *testing.T, elems map[string]attr.Value) types.Map {
	t.Helper()
	m, diags := types.MapValue(types.StringType, elems)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

func TestPlanValues_mapKnownIfEqual(t *testing.T) {
	t.Parallel()
	unknown := types.MapUnknown(types.StringType)
	for _, tc := range []struct {
		name string
		a, b map[string]string
		want types.Map
	}{
		{"both nil: an empty known map", nil, nil, stringMapValue(t, map[string]attr.Value{})},
		{"nil and empty agree", nil, map[string]string{}, stringMapValue(t, map[string]attr.Value{})},
		{"equal", map[string]string{"host": "db", "port": "5432"}, map[string]string{"host": "db", "port": "5432"},
			stringMapValue(t, map[string]attr.Value{"host": types.StringValue("db"), "port": types.StringValue("5432")})},
		{"one element differs: only it is unknown", map[string]string{"host": "db", "password": "a"}, map[string]string{"host": "db", "password": "b"},
			stringMapValue(t, map[string]attr.Value{"host": types.StringValue("db"), "password": types.StringUnknown()})},
		{"every element differs: keys still known", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "3", "b": "4"},
			stringMapValue(t, map[string]attr.Value{"a": types.StringUnknown(), "b": types.StringUnknown()})},
		{"different sizes: whole map unknown", map[string]string{"a": "1"}, map[string]string{"a": "1", "b": "2"}, unknown},
		{"different sizes the other way", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1"}, unknown},
		{"same size, different keys: whole map unknown", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1", "c": "2"}, unknown},
		{"one empty one not", map[string]string{}, map[string]string{"a": "1"}, unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mapKnownIfEqual(tc.a, tc.b)
			if !got.Equal(tc.want) {
				t.Errorf("mapKnownIfEqual(%v, %v) = %s, want %s", tc.a, tc.b, got, tc.want)
			}
			// Symmetric.
			if back := mapKnownIfEqual(tc.b, tc.a); !back.Equal(tc.want) {
				t.Errorf("mapKnownIfEqual(%v, %v) = %s, want %s", tc.b, tc.a, back, tc.want)
			}
		})
	}
}

// renderedPostgres is a rendered postgres resource whose password is password.
func renderedPostgres(password string) *render.Resource {
	r := &render.Resource{
		Outputs: map[string]string{"host": "pg-web-db", "port": "5432"},
		Secrets: map[string]string{"password": password},
	}
	// Set through field selectors: works whether the target fields sit in Resource itself or in
	// an embedded struct.
	r.Manifests = map[string]string{"apps/v1/StatefulSet/_/pg": "kind: StatefulSet\n"}
	r.SecretManifests = map[string]string{"core/v1/Secret/_/pg": "kind: Secret\ndata: " + password + "\n"}
	r.ComposeYAML = "services:\n  pg: {}\n"
	r.ComposeEnv = "PW='" + password + "'\n"
	r.Files = map[string]string{"mounts/pg/conf": "x"}
	r.SecretFiles = map[string]string{"mounts/pg/secret": password}
	return r
}

func TestPlanValues_mergeRendered(t *testing.T) {
	t.Parallel()
	nullMap := types.MapNull(types.StringType)
	a, b := renderedPostgres("pw-a"), renderedPostgres("pw-b")

	t.Run("kubernetes", func(t *testing.T) {
		m := mergeRendered(a, b, targets.Kubernetes)
		wantStringMap(t, "outputs", m.Outputs, map[string]attr.Value{"host": types.StringValue("pg-web-db"), "port": types.StringValue("5432")})
		wantStringMap(t, "secrets", m.Secrets, map[string]attr.Value{"password": types.StringUnknown()})
		wantStringMap(t, "manifests", m.Manifests, map[string]attr.Value{"apps/v1/StatefulSet/_/pg": types.StringValue("kind: StatefulSet\n")})
		wantStringMap(t, "secret_manifests", m.SecretManifests, map[string]attr.Value{"core/v1/Secret/_/pg": types.StringUnknown()})
		if !m.ComposeYAML.IsNull() || !m.ComposeEnv.IsNull() || !m.Files.Equal(nullMap) || !m.SecretFiles.Equal(nullMap) {
			t.Errorf("compose attributes must be null for kubernetes: %s %s %s %s", m.ComposeYAML, m.ComposeEnv, m.Files, m.SecretFiles)
		}
	})
	t.Run("compose", func(t *testing.T) {
		m := mergeRendered(a, b, targets.Compose)
		wantStringMap(t, "outputs", m.Outputs, map[string]attr.Value{"host": types.StringValue("pg-web-db"), "port": types.StringValue("5432")})
		wantStringMap(t, "secrets", m.Secrets, map[string]attr.Value{"password": types.StringUnknown()})
		if !m.ComposeYAML.Equal(types.StringValue("services:\n  pg: {}\n")) {
			t.Errorf("compose_yaml = %s", m.ComposeYAML)
		}
		if !m.ComposeEnv.IsUnknown() {
			t.Errorf("compose_env = %s, want unknown", m.ComposeEnv)
		}
		wantStringMap(t, "files", m.Files, map[string]attr.Value{"mounts/pg/conf": types.StringValue("x")})
		wantStringMap(t, "secret_files", m.SecretFiles, map[string]attr.Value{"mounts/pg/secret": types.StringUnknown()})
		if !m.Manifests.Equal(nullMap) || !m.SecretManifests.Equal(nullMap) {
			t.Errorf("kubernetes attributes must be null for compose: %s %s", m.Manifests, m.SecretManifests)
		}
	})
	t.Run("same render: everything known (apply)", func(t *testing.T) {
		for _, target := range targets.All {
			m := mergeRendered(a, a, target)
			for name, v := range map[string]attr.Value{
				"outputs": m.Outputs, "secrets": m.Secrets, "manifests": m.Manifests, "secret_manifests": m.SecretManifests,
				"compose_yaml": m.ComposeYAML, "compose_env": m.ComposeEnv, "files": m.Files, "secret_files": m.SecretFiles,
			} {
				tv, err := v.ToTerraformValue(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if !tv.IsFullyKnown() {
					t.Errorf("%s: %s is not fully known: %s", target, name, v)
				}
			}
			if target == targets.Kubernetes && !m.SecretManifests.Equal(stringMapValue(t, map[string]attr.Value{"core/v1/Secret/_/pg": types.StringValue("kind: Secret\ndata: pw-a\n")})) {
				t.Errorf("secret_manifests = %s", m.SecretManifests)
			}
			if target == targets.Compose && !m.ComposeEnv.Equal(types.StringValue("PW='pw-a'\n")) {
				t.Errorf("compose_env = %s", m.ComposeEnv)
			}
		}
	})
	t.Run("no target: only outputs and secrets", func(t *testing.T) {
		m := mergeRendered(a, a, "")
		if m.Outputs.IsNull() || m.Secrets.IsNull() {
			t.Errorf("outputs/secrets must be set")
		}
		if !m.Manifests.IsNull() || !m.SecretManifests.IsNull() || !m.ComposeYAML.IsNull() || !m.ComposeEnv.IsNull() || !m.Files.IsNull() || !m.SecretFiles.IsNull() {
			t.Errorf("target attributes must be null without a target: %+v", m)
		}
	})
	t.Run("different manifest keys: whole map unknown", func(t *testing.T) {
		c := renderedPostgres("pw-a")
		c.Manifests = map[string]string{"apps/v1/StatefulSet/_/other": "kind: StatefulSet\n"}
		m := mergeRendered(a, c, targets.Kubernetes)
		if !m.Manifests.IsUnknown() {
			t.Errorf("manifests = %s, want unknown", m.Manifests)
		}
		if !m.Secrets.Equal(stringMapValue(t, map[string]attr.Value{"password": types.StringValue("pw-a")})) {
			t.Errorf("secrets = %s", m.Secrets)
		}
	})
}

// wantStringMap fails the test when got is not the map(string) value of want.
func wantStringMap(t *testing.T, name string, got types.Map, want map[string]attr.Value) {
	t.Helper()
	if w := stringMapValue(t, want); !got.Equal(w) {
		t.Errorf("%s = %s, want %s", name, got, w)
	}
}

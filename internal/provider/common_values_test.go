package provider

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"gopkg.in/yaml.v3"
)

// Unit tests for the conversions between Terraform values and plain Go values (params,
// annotations, imported state).

// mustObject is the object value of values, failing the test when it cannot be built.
func mustObject(t *testing.T, attrTypes map[string]attr.Type, values map[string]attr.Value) types.Object {
	t.Helper()
	o, diags := types.ObjectValue(attrTypes, values)
	if diags.HasError() {
		t.Fatal(diags)
	}
	return o
}

func TestValues_plainValue(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	strList, diags := types.ListValue(types.StringType, []attr.Value{types.StringValue("a"), types.StringValue("b")})
	if diags.HasError() {
		t.Fatal(diags)
	}
	numSet, diags := types.SetValue(types.Int64Type, []attr.Value{types.Int64Value(7)})
	if diags.HasError() {
		t.Fatal(diags)
	}
	strMap, diags := types.MapValue(types.StringType, map[string]attr.Value{"team": types.StringValue("platform"), "empty": types.StringValue("")})
	if diags.HasError() {
		t.Fatal(diags)
	}
	tuple, diags := types.TupleValue([]attr.Type{types.NumberType, types.StringType, types.BoolType},
		[]attr.Value{types.NumberValue(big.NewFloat(1)), types.StringValue("x"), types.BoolValue(false)})
	if diags.HasError() {
		t.Fatal(diags)
	}
	nested := mustObject(t,
		map[string]attr.Type{"list": strList.Type(ctx), "map": strMap.Type(ctx), "tuple": tuple.Type(ctx), "null": types.StringType,
			"inner": types.ObjectType{AttrTypes: map[string]attr.Type{"n": types.NumberType}}},
		map[string]attr.Value{"list": strList, "map": strMap, "tuple": tuple, "null": types.StringNull(),
			"inner": mustObject(t, map[string]attr.Type{"n": types.NumberType}, map[string]attr.Value{"n": types.NumberValue(big.NewFloat(-2.25))})})

	for _, tc := range []struct {
		name string
		in   attr.Value
		want any
	}{
		{"string", types.StringValue("x"), "x"},
		{"empty string", types.StringValue(""), ""},
		{"bool", types.BoolValue(true), true},
		{"int64", types.Int64Value(42), 42},
		{"negative int", types.Int64Value(-7), -7},
		{"zero", types.NumberValue(big.NewFloat(0)), 0},
		{"integral number is int", types.NumberValue(big.NewFloat(3)), 3},
		{"integral float64 is int", types.Float64Value(2.0), 2},
		{"float", types.NumberValue(big.NewFloat(2.5)), 2.5},
		{"negative float", types.Float64Value(-0.125), -0.125},
		{"beyond int64 is float", types.NumberValue(new(big.Float).SetFloat64(1e20)), 1e20},
		{"max int64", types.Int64Value(math.MaxInt64), math.MaxInt64},
		{"null string", types.StringNull(), nil},
		{"null map", types.MapNull(types.StringType), nil},
		{"null dynamic", types.DynamicNull(), nil},
		{"dynamic string", types.DynamicValue(types.StringValue("d")), "d"},
		{"list", strList, []any{"a", "b"}},
		{"empty list", types.ListValueMust(types.StringType, nil), []any{}},
		{"set", numSet, []any{7}},
		{"tuple", tuple, []any{1, "x", false}},
		{"map", strMap, map[string]any{"team": "platform", "empty": ""}},
		{"empty object", mustObject(t, map[string]attr.Type{}, map[string]attr.Value{}), map[string]any{}},
		{"nested dynamic object", types.DynamicValue(nested), map[string]any{
			"list": []any{"a", "b"}, "map": map[string]any{"team": "platform", "empty": ""},
			"tuple": []any{1, "x", false}, "null": nil, "inner": map[string]any{"n": -2.25},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := plainValue(ctx, tc.in)
			if err != nil {
				t.Fatalf("plainValue(%s): %v", tc.in, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("plainValue(%s) = %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

func TestValues_plainValueUnknown(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	partial := mustObject(t,
		map[string]attr.Type{"known": types.StringType, "later": types.StringType},
		map[string]attr.Value{"known": types.StringValue("x"), "later": types.StringUnknown()})
	list, diags := types.ListValue(types.StringType, []attr.Value{types.StringValue("a"), types.StringUnknown()})
	if diags.HasError() {
		t.Fatal(diags)
	}
	for name, v := range map[string]attr.Value{
		"unknown string":           types.StringUnknown(),
		"unknown dynamic":          types.DynamicUnknown(),
		"unknown map":              types.MapUnknown(types.StringType),
		"object with unknown attr": partial,
		"dynamic partly unknown":   types.DynamicValue(partial),
		"list with unknown elem":   list,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := plainValue(ctx, v)
			if !errors.Is(err, errUnknown) {
				t.Errorf("plainValue(%s) = %#v, %v; want errUnknown", v, got, err)
			}
		})
	}
}

func TestValues_dynamicFromPlainRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		in   any
		want any // nil: same as in
	}{
		{"string", "x", nil},
		{"bool", false, nil},
		{"int", 5, nil},
		{"negative int", -5, nil},
		{"int64 comes back int", int64(1) << 40, 1 << 40},
		{"uint64 comes back int", uint64(9), 9},
		{"float", 0.1, nil},
		{"integral float comes back int", 3.0, 3},
		{"large float", 1.5e300, nil},
		{"empty list", []any{}, nil},
		{"empty object", map[string]any{}, nil},
		{"nil", nil, nil},
		{"mixed list", []any{1, "two", 3.5, true, nil, []any{"nested"}, map[string]any{"k": "v"}}, nil},
		{"nested objects", map[string]any{
			"version": "17", "replicas": 2, "ratio": 0.75, "enabled": true, "none": nil,
			"tags":       []any{"a", "b"},
			"tuning":     map[string]any{"shared_buffers": "128MB", "limits": map[string]any{"max": 100, "list": []any{map[string]any{"x": 1}}}},
			"dotted.key": "ok", "with space": "ok",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dynamicFromPlain(tc.in)
			if err != nil {
				t.Fatalf("dynamicFromPlain(%#v): %v", tc.in, err)
			}
			got, err := plainValue(ctx, d)
			if err != nil {
				t.Fatalf("plainValue(%s): %v", d, err)
			}
			want := tc.want
			if want == nil {
				want = tc.in
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip of %#v = %#v, want %#v", tc.in, got, want)
			}
		})
	}
}

// TestValues_dynamicFromPlainTypes: maps become objects and lists tuples (so elements of
// different types can sit together), numbers are numbers.
func TestValues_dynamicFromPlainTypes(t *testing.T) {
	t.Parallel()
	d, err := dynamicFromPlain(map[string]any{"l": []any{1, "x"}, "m": map[string]any{"a": true}, "n": 1.5, "z": nil})
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := d.UnderlyingValue().(types.Object)
	if !ok {
		t.Fatalf("underlying value %T, want types.Object", d.UnderlyingValue())
	}
	attrs := obj.Attributes()
	if _, ok := attrs["l"].(types.Tuple); !ok {
		t.Errorf("list became %T, want types.Tuple", attrs["l"])
	}
	if _, ok := attrs["m"].(types.Object); !ok {
		t.Errorf("map became %T, want types.Object", attrs["m"])
	}
	if n, ok := attrs["n"].(types.Number); !ok || n.ValueBigFloat().Cmp(big.NewFloat(1.5)) != 0 {
		t.Errorf("number became %#v", attrs["n"])
	}
	if z := attrs["z"]; z == nil || !z.IsNull() {
		t.Errorf("nil became %#v, want a null", z)
	}
}

func TestValues_dynamicFromPlainUnsupported(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]any{
		"struct":           struct{ A int }{1},
		"nested struct":    map[string]any{"x": []any{struct{}{}}},
		"func":             func() {},
		"map with any key": map[any]any{1: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := dynamicFromPlain(v); err == nil {
				t.Errorf("dynamicFromPlain(%#v): want an error", v)
			}
		})
	}
}

// TestValues_dynamicFromPlainYAMLScalars converts what yaml.v3 decodes from a state.yaml
// (readStateFile's params): every scalar a YAML file can hold must give a value or an error,
// never a panic.
func TestValues_dynamicFromPlainYAMLScalars(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	src := "int: 1\nhex: 0x10\nfloat: 1.5\nexp: 1e3\nbig: 12345678901234567890\nbool: yes\nnull: ~\n" +
		"inf: .inf\nninf: -.inf\nnan: .nan\ndate: 2024-01-01\nintkeys: {1: x}\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	for key, v := range doc {
		t.Run(key, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("dynamicFromPlain(%s: %#v) panicked: %v (an imported state.yaml must give a diagnostic, not crash the provider)", key, v, r)
				}
			}()
			d, err := dynamicFromPlain(map[string]any{key: v})
			if err != nil {
				t.Logf("%s (%T): error %v", key, v, err)
				return
			}
			if _, err := plainValue(t.Context(), d); err != nil {
				t.Errorf("%s: converted, but plainValue fails: %v", key, err)
			}
		})
	}
	if _, ok := doc["date"].(time.Time); !ok {
		t.Logf("yaml.v3 decoded the date as %T", doc["date"])
	}
}

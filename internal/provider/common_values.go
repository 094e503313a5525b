package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// errUnknown marks a value that is not known yet (plan time).
var errUnknown = fmt.Errorf("value is not known yet")

// plainValue converts any Terraform value (a dynamic `params` object, say) to plain Go values:
// map[string]any, []any, string, int or float64, bool, nil.
func plainValue(ctx context.Context, v attr.Value) (any, error) {
	tv, err := v.ToTerraformValue(ctx)
	if err != nil {
		return nil, err
	}
	return fromTerraform(tv)
}

func fromTerraform(v tftypes.Value) (any, error) {
	if !v.IsFullyKnown() {
		return nil, errUnknown
	}
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, err
	case t.Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, err
	case t.Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, err
		}
		if i, acc := f.Int64(); acc == big.Exact {
			return int(i), nil
		}
		x, _ := f.Float64()
		return x, nil
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}), t.Is(tftypes.Tuple{}):
		var items []tftypes.Value
		if err := v.As(&items); err != nil {
			return nil, err
		}
		out := make([]any, len(items))
		for i, item := range items {
			x, err := fromTerraform(item)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case t.Is(tftypes.Map{}), t.Is(tftypes.Object{}):
		var items map[string]tftypes.Value
		if err := v.As(&items); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(items))
		for k, item := range items {
			x, err := fromTerraform(item)
			if err != nil {
				return nil, err
			}
			out[k] = x
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value type %s", t)
}

// dynamicFromPlain converts plain Go values (from YAML) into a Terraform dynamic value: maps
// become objects, lists tuples.
func dynamicFromPlain(v any) (types.Dynamic, error) {
	av, err := attrFromPlain(v)
	if err != nil {
		return types.DynamicNull(), err
	}
	return types.DynamicValue(av), nil
}

func attrFromPlain(v any) (attr.Value, error) {
	switch t := v.(type) {
	case nil:
		// A typed null: a dynamic value cannot sit inside an object or tuple.
		return types.StringNull(), nil
	case string:
		return types.StringValue(t), nil
	case bool:
		return types.BoolValue(t), nil
	case int:
		return types.NumberValue(new(big.Float).SetInt64(int64(t))), nil
	case int64:
		return types.NumberValue(new(big.Float).SetInt64(t)), nil
	case uint64:
		return types.NumberValue(new(big.Float).SetUint64(t)), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return nil, fmt.Errorf("%v is not a number Terraform can hold", t)
		}
		return types.NumberValue(big.NewFloat(t)), nil
	case []any:
		elems := make([]attr.Value, len(t))
		typs := make([]attr.Type, len(t))
		for i, e := range t {
			av, err := attrFromPlain(e)
			if err != nil {
				return nil, err
			}
			elems[i], typs[i] = av, av.Type(context.Background())
		}
		tv, diags := types.TupleValue(typs, elems)
		if diags.HasError() {
			return nil, fmt.Errorf("%v", diags)
		}
		return tv, nil
	case map[string]any:
		elems := make(map[string]attr.Value, len(t))
		typs := make(map[string]attr.Type, len(t))
		for k, e := range t {
			av, err := attrFromPlain(e)
			if err != nil {
				return nil, err
			}
			elems[k], typs[k] = av, av.Type(context.Background())
		}
		ov, diags := types.ObjectValue(typs, elems)
		if diags.HasError() {
			return nil, fmt.Errorf("%v", diags)
		}
		return ov, nil
	}
	return nil, fmt.Errorf("unsupported value %T", v)
}

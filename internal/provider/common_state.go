package provider

import (
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The `state` attributes hold what the engine keeps between runs as JSON text: these two
// functions are the one encoding.

// encodeState encodes v as the text of a `state` attribute.
func encodeState(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// decodeState decodes a `state` attribute into v; a null, unknown or empty one leaves v as is.
func decodeState(state types.String, v any) error {
	if state.IsNull() || state.IsUnknown() || state.ValueString() == "" {
		return nil
	}
	return json.Unmarshal([]byte(state.ValueString()), v)
}

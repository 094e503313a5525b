// Package redact hides known secret values in text meant for people (error messages, logs).
package redact

import (
	"cmp"
	"slices"
	"strings"
)

// Placeholder replaces each secret value.
const Placeholder = "(sensitive value)"

// Text returns s with every occurrence of each non-empty secret replaced by Placeholder. Longer
// secrets are matched first, so a secret that contains another is hidden whole.
func Text(s string, secrets []string) string {
	sorted := slices.DeleteFunc(slices.Clone(secrets), func(v string) bool { return v == "" })
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	sorted = slices.Compact(sorted)
	if len(sorted) == 0 {
		return s
	}
	pairs := make([]string, 0, 2*len(sorted))
	for _, v := range sorted {
		pairs = append(pairs, v, Placeholder)
	}
	// One left-to-right pass, trying the pairs in order at each position: longest first wins,
	// and the placeholder itself is never searched again.
	return strings.NewReplacer(pairs...).Replace(s)
}

// Package secret is the one home for telling secret values apart: which texts and documents hold
// one, and hiding them in text meant for people (diagnostics, warnings, a command's stderr).
package secret

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Hidden stands for a secret value in text meant for people.
const Hidden = "(sensitive value)"

// Values is a set of secret values. The empty string is never a secret. The zero value is an
// empty set, ready to use.
type Values struct {
	// list is kept unique and longest first, so a secret that contains another is hidden whole.
	list []string
}

// NewValues is the set of the given values.
func NewValues(values ...string) Values {
	var v Values
	v.Add(values...)
	return v
}

// Add adds values to the set: one sort and one pass however many there are, so a command's input
// with many strings cannot make this quadratic.
func (v *Values) Add(values ...string) {
	n := len(v.list)
	for _, s := range values {
		if s != "" {
			v.list = append(v.list, s)
		}
	}
	if len(v.list) == n {
		return
	}
	slices.SortFunc(v.list, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	v.list = slices.Compact(v.list)
}

// AddLeaves adds every scalar inside x (maps and lists are walked) as text.
func (v *Values) AddLeaves(x any) {
	switch t := x.(type) {
	case nil:
	case string:
		v.Add(t)
	case map[string]any:
		for _, e := range t {
			v.AddLeaves(e)
		}
	case []any:
		for _, e := range t {
			v.AddLeaves(e)
		}
	default:
		v.Add(fmt.Sprint(t))
	}
}

// Merge adds every value of other.
func (v *Values) Merge(other Values) {
	v.Add(other.list...)
}

// Strings are the values, longest first.
func (v Values) Strings() []string {
	return slices.Clone(v.list)
}

// Len is the number of values.
func (v Values) Len() int { return len(v.list) }

// In reports whether text contains any of the values.
func (v Values) In(text string) bool {
	for _, s := range v.list {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// HeldBy reports whether any string inside x (maps and lists are walked) contains one of the
// values.
func (v Values) HeldBy(x any) bool {
	switch t := x.(type) {
	case string:
		return v.In(t)
	case map[string]any:
		for _, e := range t {
			if v.HeldBy(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if v.HeldBy(e) {
				return true
			}
		}
	}
	return false
}

// Hide returns text with every occurrence of each value replaced by Hidden, in one left-to-right
// pass that tries the longest values first, so Hidden itself is never searched again.
func (v Values) Hide(text string) string {
	// No pre-check with In: with many values, one replacer pass is far cheaper than a search each.
	if len(v.list) == 0 {
		return text
	}
	pairs := make([]string, 0, 2*len(v.list))
	for _, s := range v.list {
		pairs = append(pairs, s, Hidden)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// AddNamed adds every scalar inside x that sits under a key whose name looks secret (Named),
// at any depth: what a provisioner's state holds as a password, a token, a connection string.
func (v *Values) AddNamed(x any) {
	switch t := x.(type) {
	case map[string]any:
		for k, e := range t {
			if Named(k) {
				v.AddLeaves(e)
			} else {
				v.AddNamed(e)
			}
		}
	case []any:
		for _, e := range t {
			v.AddNamed(e)
		}
	}
}

// HideError returns err with every value hidden in its text. errors.Is and errors.As still see
// err (to tell a cancellation apart, say); callers show only the returned error's text.
func (v Values) HideError(err error) error {
	if err == nil {
		return nil
	}
	text := v.Hide(err.Error())
	if text == err.Error() {
		return err
	}
	return &hiddenError{text: text, err: err}
}

type hiddenError struct {
	text string
	err  error
}

func (e *hiddenError) Error() string { return e.text }
func (e *hiddenError) Unwrap() error { return e.err }

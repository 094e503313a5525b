package secret_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/secret"
)

func TestHide(t *testing.T) {
	const h = secret.Hidden
	for _, c := range []struct {
		name, in string
		values   []string
		want     string
	}{
		{"no values", "a b c", nil, "a b c"},
		{"empty values are not secrets", "a b", []string{"", ""}, "a b"},
		{"every occurrence", "pw=hunter2 again hunter2", []string{"hunter2"}, "pw=" + h + " again " + h},
		{"longest first", "key=abc-secret-xyz", []string{"secret", "abc-secret-xyz"}, "key=" + h},
		{"overlapping, longest first whatever the order", "xx-secret-long", []string{"secret", "secret-long"}, "xx-" + h},
		{"duplicates", "s1 s1", []string{"s1", "s1"}, h + " " + h},
		{"the placeholder is not hidden again", "sensitive", []string{"sensitive"}, h},
		{"unicode", "é🔐é", []string{"🔐"}, "é" + h + "é"},
		{"absent", "nothing here", []string{"hunter2"}, "nothing here"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := secret.NewValues(c.values...).Hide(c.in); got != c.want {
				t.Errorf("Hide(%q) with %q = %q, want %q", c.in, c.values, got, c.want)
			}
		})
	}
}

func TestHeldBy(t *testing.T) {
	v := secret.NewValues("hunter2", "")
	for _, c := range []struct {
		name string
		doc  any
		want bool
	}{
		{"plain string", "x hunter2 y", true},
		{"nested map", map[string]any{"a": map[string]any{"b": "hunter2"}}, true},
		{"nested list", []any{"a", []any{"xhunter2"}}, true},
		{"absent", map[string]any{"a": []any{"b", 1, true, nil}}, false},
		{"keys are not values", map[string]any{"hunter2": "x"}, false},
		{"empty values never match", "", false},
	} {
		if got := v.HeldBy(c.doc); got != c.want {
			t.Errorf("%s: HeldBy = %v, want %v", c.name, got, c.want)
		}
	}
	if secret.NewValues().HeldBy("anything") {
		t.Error("an empty set holds nothing")
	}
}

func TestAddLeaves(t *testing.T) {
	var v secret.Values
	v.AddLeaves(map[string]any{"a": "pw", "b": []any{"user", 1234, nil}, "c": map[string]any{"d": true}})
	for _, want := range []string{"pw", "user", "1234", "true"} {
		if !v.In(want) {
			t.Errorf("%q missing", want)
		}
	}
	if v.Len() != 4 {
		t.Errorf("Len = %d, want 4", v.Len())
	}
	var w secret.Values
	w.Merge(v)
	if w.Len() != 4 || w.Hide("pw") != secret.Hidden {
		t.Errorf("Merge: %d values", w.Len())
	}
}

// FuzzHide: with values made of digits (Hidden holds none), no value survives Hide, whatever the
// text; and Hide is deterministic.
func FuzzHide(f *testing.F) {
	f.Add("pw=123456 and 1234", "1234", "123456")
	f.Add("", "", "")
	f.Add("12121212", "121", "212")
	f.Fuzz(func(t *testing.T, text, a, b string) {
		a, b = digits(a), digits(b)
		v := secret.NewValues(a, b)
		got := v.Hide(text)
		if v.In(got) {
			t.Fatalf("Hide(%q) with %q, %q left a value: %q", text, a, b, got)
		}
		if v.Hide(text) != got {
			t.Fatal("not deterministic")
		}
	})
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func TestAddNamed(t *testing.T) {
	var v secret.Values
	v.AddNamed(map[string]any{
		"password": "pw1", "host": "db-host", "nested": map[string]any{"apiKey": "k1", "user": "u"},
		"list": []any{map[string]any{"token": []any{"t1", "t2"}}}, "secret": map[string]any{"any": "deep"},
	})
	for _, want := range []string{"pw1", "k1", "t1", "t2", "deep"} {
		if !v.In(want) {
			t.Errorf("%q missing", want)
		}
	}
	for _, not := range []string{"db-host", "u"} {
		if v.Hide(not) != not {
			t.Errorf("%q is not under a secret name, yet hidden", not)
		}
	}
}

func TestHideError(t *testing.T) {
	v := secret.NewValues("hunter2")
	base := fmt.Errorf("run stopped: %w", context.Canceled)
	if got := v.HideError(base); got != base {
		t.Errorf("an error without a secret is returned as it is, got %v", got)
	}
	leaky := fmt.Errorf("bad domain %q: %w", "hunter2", context.Canceled)
	got := v.HideError(leaky)
	if strings.Contains(got.Error(), "hunter2") || !strings.Contains(got.Error(), secret.Hidden) {
		t.Errorf("HideError = %q", got)
	}
	if !errors.Is(got, context.Canceled) {
		t.Error("errors.Is no longer sees the cause")
	}
	if v.HideError(nil) != nil {
		t.Error("nil is nil")
	}
}

// Many values are added in one sort, not one search each: 200,000 stay well under a second.
func TestAddManyValues(t *testing.T) {
	values := make([]string, 200_000)
	for i := range values {
		values[i] = fmt.Sprintf("value-%d", i%150_000)
	}
	start := time.Now()
	v := secret.NewValues(values...)
	if v.Len() != 150_000 {
		t.Fatalf("Len = %d, want 150000 (duplicates dropped)", v.Len())
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("took %s", took)
	}
}

// Hiding with very many values (a command's whole input) in a large text stays one pass.
func TestHideManyValuesInLargeText(t *testing.T) {
	values := make([]string, 300_000)
	for i := range values {
		values[i] = fmt.Sprintf("secret-%07d", i)
	}
	text := strings.Repeat("nothing to hide here ", 3_000) + values[123_456]
	start := time.Now()
	got := secret.NewValues(values...).Hide(text)
	if !strings.HasSuffix(got, secret.Hidden) || strings.Contains(got, "secret-0123456") {
		t.Fatalf("not hidden: %.80s", got[len(got)-80:])
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %s", took)
	}
}

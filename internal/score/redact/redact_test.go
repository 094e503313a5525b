package redact_test

import (
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/redact"
)

func TestText(t *testing.T) {
	const p = redact.Placeholder
	for _, c := range []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"no secrets", "a b c", nil, "a b c"},
		{"empty secrets are skipped", "a b", []string{"", ""}, "a b"},
		{"every occurrence", "pw=hunter2 again hunter2", []string{"hunter2"}, "pw=" + p + " again " + p},
		{"longest first", "key=abc-secret-xyz", []string{"secret", "abc-secret-xyz"}, "key=" + p},
		{"overlapping, longest first whatever the order", "xx-secret-long", []string{"secret", "secret-long"}, "xx-" + p},
		{"duplicates", "s1 s1", []string{"s1", "s1"}, p + " " + p},
		{"the placeholder is not redacted again", "sensitive", []string{"sensitive"}, p},
		{"unicode", "é🔐é", []string{"🔐"}, "é" + p + "é"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := redact.Text(c.in, c.secrets); got != c.want {
				t.Errorf("Text(%q, %q) = %q, want %q", c.in, c.secrets, got, c.want)
			}
		})
	}
}

func TestTextDoesNotChangeItsArgument(t *testing.T) {
	secrets := []string{"a", "", "ccc", "bb"}
	redact.Text("abc", secrets)
	if secrets[0] != "a" || secrets[1] != "" || secrets[2] != "ccc" || secrets[3] != "bb" {
		t.Errorf("secrets changed: %q", secrets)
	}
}

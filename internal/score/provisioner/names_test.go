package provisioner_test

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/provisioner"
)

// rfc1123Label is a valid DNS label (RFC 1123), as Kubernetes checks names.
var rfc1123Label = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func TestDNSLabel(t *testing.T) {
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{[]string{"web"}, "web"},
		{[]string{"Web", "DB"}, "web-db"},
		{[]string{"pg", "my.app", "db_1"}, "pg-my-app-db-1"},
		{[]string{"a..b__c--d"}, "a-b-c-d"},
		{[]string{"--lead", "trail--"}, "lead-trail"},
		{[]string{"", "a", "", "b", ""}, "a-b"},
		{[]string{"  spaced  out  "}, "spaced-out"},
		{[]string{"postgres.default#web.db"}, "postgres-default-web-db"},
		{[]string{"Ünïcödé", "name"}, "n-c-d-name"},
		{[]string{"123", "456"}, "123-456"},
		{[]string{""}, "x"},
		{nil, "x"},
		{[]string{"---", "..."}, "x"},
		{[]string{strings.Repeat("a", 63)}, strings.Repeat("a", 63)},
		{[]string{strings.Repeat("a", 30), strings.Repeat("b", 32)}, strings.Repeat("a", 30) + "-" + strings.Repeat("b", 32)},
	} {
		if got := provisioner.DNSLabel(c.parts...); got != c.want {
			t.Errorf("DNSLabel(%q) = %q, want %q", c.parts, got, c.want)
		}
	}
}

func TestDNSLabelLongNames(t *testing.T) {
	long := strings.Repeat("workload", 10)
	a := provisioner.DNSLabel("pg", long, "db-one")
	b := provisioner.DNSLabel("pg", long, "db-two")
	for _, s := range []string{a, b} {
		if len(s) > 63 || !rfc1123Label.MatchString(s) {
			t.Errorf("%q (len %d) is not a valid label", s, len(s))
		}
		if !strings.HasPrefix(s, "pg-workloadworkload") {
			t.Errorf("%q lost its readable prefix", s)
		}
		if !regexp.MustCompile(`-[0-9a-f]{6}$`).MatchString(s) {
			t.Errorf("%q has no hash suffix", s)
		}
	}
	if a == b {
		t.Errorf("two long names collide: %q", a)
	}
	if a != provisioner.DNSLabel("pg", long, "db-one") {
		t.Error("not stable")
	}
	// 64 characters: shortened to 56 + "-" + 6 hex = 63.
	if s := provisioner.DNSLabel(strings.Repeat("a", 64)); len(s) != 63 || !strings.HasPrefix(s, strings.Repeat("a", 56)+"-") {
		t.Errorf("64 a's: %q", s)
	}
	// The cut lands right after a dash: no doubled or trailing dash before the hash.
	s := provisioner.DNSLabel(strings.Repeat("a", 55), strings.Repeat("b", 20))
	if strings.Contains(s, "--") || len(s) > 63 || !rfc1123Label.MatchString(s) {
		t.Errorf("cut after a dash: %q", s)
	}
}

func TestDNSLabelProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "abcXYZ019.-_ #/é"
	seen := map[string]string{}
	for i := 0; i < 5000; i++ {
		n := r.IntN(3) + 1
		parts := make([]string, n)
		for j := range parts {
			b := make([]rune, r.IntN(50))
			for k := range b {
				b[k] = []rune(chars)[r.IntN(len([]rune(chars)))]
			}
			parts[j] = string(b)
		}
		got := provisioner.DNSLabel(parts...)
		if len(got) > 63 || !rfc1123Label.MatchString(got) {
			t.Fatalf("DNSLabel(%q) = %q is not a valid label", parts, got)
		}
		if again := provisioner.DNSLabel(parts...); again != got {
			t.Fatalf("DNSLabel(%q) is not stable: %q, %q", parts, got, again)
		}
		// Distinct normalized names stay distinct, also when shortened.
		norm := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(strings.Join(parts, "-")), "-"), "-")
		if norm == "" {
			norm = "x" // a name with no usable character is "x"
		}
		if prev, ok := seen[got]; ok && prev != norm {
			t.Fatalf("%q and %q both give %q", prev, norm, got)
		}
		seen[got] = norm
	}
}

package placeholder_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/score-spec/score-go/framework"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
)

// FuzzExpand checks the tokenizer against Scan and against score-go's regular-expression
// substituter, which it claims to follow exactly, and the limits against a resolver that
// amplifies every reference.
//
//	go test -run '^$' -fuzz '^FuzzExpand$' -fuzztime 5m ./internal/score/placeholder
func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		"", "abc", "$abc", "abc $$ abc", "$${abc}", "$$${abc}", "$$$${abc}", "${}", "$", "$$", "$$$",
		"${abc", "$${abc", "$$${abc", "${a}${b}", "${a${b}}", "${a}}", "$$_$${fizzbuzz}",
		"${metadata.name}", `${metadata.annotations.my\.org/team}`, "${resources.db.host}:${resources.db.port}",
		"redis://${resources.cache-a.username}:${resources.cache-a.password}@${resources.cache-a.host}",
		"multi\nline ${x}\n${", "\xff${\xfe}", "ünï${cödé}",
		// Size-amplifying: many references, long runs of unclosed ${, escapes and nesting.
		strings.Repeat("${a}", 100), strings.Repeat("${metadata.annotations.big}", 30), strings.Repeat("${", 5000),
		strings.Repeat("$", 5001), strings.Repeat("$${x}", 300), strings.Repeat("${", 200) + "x" + strings.Repeat("}", 200),
		strings.Repeat("${bad}", placeholder.MaxErrors+1),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var calls []string
		// The error result is the resolver signature Expand and Render require; unparam misses that
		// because the closure below captures wrap.
		wrap := func(ref string) (string, error) { //nolint:unparam // resolver signature of placeholder.Expand
			calls = append(calls, ref)
			return "<" + ref + ">", nil
		}
		out, err := placeholder.Expand(s, wrap)
		if err != nil {
			t.Fatalf("Expand(%q) with a resolver that never fails: %v", s, err)
		}
		refs, unterminated := placeholder.Scan(s)
		if len(calls) != len(refs) || (len(refs) > 0 && !reflect.DeepEqual(calls, refs)) {
			t.Fatalf("Expand(%q) resolved %q, Scan found %q", s, calls, refs)
		}
		if !strings.Contains(s, "$") {
			if out != s || len(refs) != 0 || unterminated {
				t.Fatalf("string without $: Expand = %q, Scan = %q, %v", out, refs, unterminated)
			}
		}
		if unterminated && !strings.Contains(s, "${") {
			t.Fatalf("Scan(%q) says unterminated without any ${", s)
		}

		// score-go's substituter gives the same text.
		upstream, uerr := framework.SubstituteString(s, func(ref string) (string, error) { return "<" + ref + ">", nil })
		if uerr != nil || upstream != out {
			t.Fatalf("Expand(%q) = %q; score-go gives %q, %v", s, out, upstream, uerr)
		}

		// With a resolver that always fails, there is an error exactly when there is a reference,
		// and it joins one error per reference, up to MaxErrors and one saying there are more.
		_, ferr := placeholder.Expand(s, func(ref string) (string, error) { return "", errors.New("x") })
		if (ferr != nil) != (len(refs) > 0) {
			t.Fatalf("Expand(%q) with a failing resolver: err %v, %d refs", s, ferr, len(refs))
		}
		if ferr != nil {
			want := min(len(refs), placeholder.MaxErrors+1)
			if n := len(ferr.(interface{ Unwrap() []error }).Unwrap()); n != want {
				t.Fatalf("Expand(%q): %d joined errors for %d refs", s, n, len(refs))
			}
		}

		checkAmplified(t, s, out, refs)

		// Render: identity literal is Expand; dropping every literal piece leaves only the refs.
		if got, err := placeholder.Render(s, func(t string) string { return t }, wrap); err != nil || got != out {
			t.Fatalf("Render(%q, identity) = %q, %v; Expand = %q", s, got, err, out)
		}
		calls = nil
		var only strings.Builder
		for _, ref := range refs {
			only.WriteString("<" + ref + ">")
		}
		if got, _ := placeholder.Render(s, func(string) string { return "" }, wrap); got != only.String() {
			t.Fatalf("Render(%q) without literal text = %q, want %q", s, got, only.String())
		}

		// ExpandValue agrees with Expand on a lone string.
		if got := placeholder.ExpandValue(s, nil, func(v string) (string, error) { return placeholder.Expand(v, wrap) }, nil); got != out {
			t.Fatalf("ExpandValue(%q) = %q, Expand = %q", s, got, out)
		}
	})
}

// amplify is the size of what every reference stands for in checkAmplified.
const amplify = 16 << 10

// checkAmplified expands s with every reference standing for amplify bytes: it must succeed
// exactly when the result fits in MaxValueBytes, and never build more.
func checkAmplified(t *testing.T, s, small string, refs []string) {
	want := len(small)
	for _, ref := range refs {
		want += amplify - len("<"+ref+">")
	}
	big := strings.Repeat("x", amplify)
	got, err := placeholder.Expand(s, func(string) (string, error) { return big, nil })
	switch {
	case want <= placeholder.MaxValueBytes && (err != nil || len(got) != want):
		t.Fatalf("Expand(%q) amplified: %d bytes, %v; want %d bytes", s, len(got), err, want)
	case want > placeholder.MaxValueBytes && (err == nil || !strings.Contains(err.Error(), "for one value") || len(got) > placeholder.MaxValueBytes):
		t.Fatalf("Expand(%q) amplified to %d bytes: %d bytes, %v; want the value limit", s, want, len(got), err)
	}
}

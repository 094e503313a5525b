package placeholder_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
)

// Bounds every hostile input must end within: an error (or its result) well before the provider
// would be killed or the user gives up.
const (
	hostileTime  = 2 * time.Second
	hostileAlloc = 512 << 20
)

// measure runs fn and fails t when it took longer than hostileTime or allocated more than
// hostileAlloc bytes in all (TotalAlloc, so garbage counts too).
func measure(t *testing.T, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%v, %d MiB allocated", took.Round(time.Millisecond), alloc>>20)
	if took > hostileTime || alloc > hostileAlloc {
		t.Errorf("took %v and allocated %d bytes; the bounds are %v and %d", took, alloc, hostileTime, hostileAlloc)
	}
}

const hundredKB = 100 << 10

func bigResolver() placeholder.Resolver {
	return placeholder.Resolver{
		Metadata: map[string]any{
			"name":        "w",
			"annotations": map[string]any{"big": strings.Repeat("a", hundredKB)},
			// A structure JSON-encoded on every reference.
			"nested": map[string]any{"list": strings.Split(strings.Repeat("item,", 50_000), ",")},
		},
	}
}

func TestExpandHostile(t *testing.T) {
	r := bigResolver()
	for _, tc := range []struct {
		name string
		in   string
		// want is in the error; empty means the value expands, to out when out is set.
		want, out string
	}{
		{name: "10,000 references to a 100 KB annotation", in: strings.Repeat("${metadata.annotations.big}", 10_000),
			want: "expanded value too large: adding ${metadata.annotations.big} (102400 bytes) to the 1024000 bytes expanded so far passes the limit of 1048576 bytes (1 MiB) for one value"},
		{name: "a JSON-encoded structure referenced 1,000 times", in: strings.Repeat("${metadata.nested}", 1_000),
			want: "adding ${metadata.nested} ("},
		{name: "one million unclosed ${", in: strings.Repeat("${", 1_000_000),
			want: "expanded value too large: adding literal text (2000000 bytes) to the 0 bytes expanded so far"},
		{name: "half a million unclosed ${ under the limit", in: strings.Repeat("${", 500_000), out: strings.Repeat("${", 500_000)},
		{name: "nested ${${${", in: strings.Repeat("${", 300_000) + "x" + strings.Repeat("}", 300_000),
			want: "unknown reference root"},
		{name: "a run of 4 million $", in: strings.Repeat("$", 4_000_000),
			want: "expanded value too large: adding literal text (1 bytes) to the 1048576 bytes expanded so far"},
		{name: "a run of 2 million $ under the limit", in: strings.Repeat("$", 2_000_000), out: strings.Repeat("$", 1_000_000)},
		{name: "10 MB without placeholders", in: strings.Repeat("plain text ", 1_000_000)},
		{name: "10 MB with one placeholder", in: strings.Repeat("plain text ", 1_000_000) + "${metadata.name}",
			want: "expanded value too large: adding literal text (11000000 bytes)"},
		{name: "half a million unknown references", in: strings.Repeat("${x.y}", 500_000),
			want: "invalid ref 'x.y': unknown reference root, use $$ to escape the substitution\nmore placeholders fail; expansion stopped after 20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			var err error
			measure(t, func() { got, err = placeholder.Expand(tc.in, r.Resolve) })
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %.300s", err)
			case tc.want == "" && tc.out != "" && got != tc.out:
				t.Errorf("got %d bytes %.20q…, want %d bytes", len(got), got, len(tc.out))
			case tc.want == "" && tc.out == "" && got != tc.in:
				t.Errorf("got %d bytes, want the input (%d bytes) back", len(got), len(tc.in))
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("error %.300v, want it to hold %q", err, tc.want)
			}
		})
	}
}

// One budget for the values of a workload: 1,000 variables of 100 KB each.
func TestBudgetSharedByAWorkload(t *testing.T) {
	r := bigResolver()
	var failed, spent, expanded int
	var first error
	measure(t, func() {
		budget := placeholder.NewBudget()
		for i := range 1_000 {
			_, err := budget.Expand("${metadata.annotations.big}", r.Resolve)
			switch {
			case errors.Is(err, placeholder.ErrBudgetSpent):
				spent++
			case err != nil:
				failed, first = i, err
			default:
				expanded++
			}
		}
	})
	wantExpanded := placeholder.MaxWorkloadBytes / hundredKB
	if expanded != wantExpanded || failed != wantExpanded || spent != 1_000-wantExpanded-1 {
		t.Errorf("expanded %d, value %d failed, %d refused; want %d, %d and the rest", expanded, failed, spent, wantExpanded, wantExpanded)
	}
	want := fmt.Sprintf("expanded values too large: adding ${metadata.annotations.big} (102400 bytes) takes the workload's expanded values to %d bytes, past the limit of 16777216 bytes (16 MiB) for one workload", (wantExpanded+1)*hundredKB)
	if first == nil || first.Error() != want {
		t.Errorf("error %v, want %s", first, want)
	}
}

// Without a shared budget each expansion has one of its own: values are independent.
func TestExpandHasABudgetOfItsOwn(t *testing.T) {
	r := bigResolver()
	in := strings.Repeat("${metadata.annotations.big}", 10)
	for range placeholder.MaxWorkloadBytes/(10*hundredKB) + 2 {
		if _, err := placeholder.Expand(in, r.Resolve); err != nil {
			t.Fatal(err)
		}
	}
}

// A value without `$` costs nothing, even once the budget is spent: it is not expanded.
func TestBudgetIgnoresPlainValues(t *testing.T) {
	r := placeholder.Resolver{Metadata: map[string]any{"big": strings.Repeat("a", placeholder.MaxValueBytes)}}
	budget := placeholder.NewBudget()
	for range placeholder.MaxWorkloadBytes / placeholder.MaxValueBytes {
		if _, err := budget.Expand("${metadata.big}", r.Resolve); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := budget.Expand("${metadata.big}", r.Resolve); err == nil || !budget.Spent() {
		t.Fatalf("17 MiB of expanded values did not spend the budget: %v", err)
	}
	if got, err := budget.Expand("plain", nil); got != "plain" || err != nil {
		t.Errorf("plain value after the budget is spent: %q, %v", got, err)
	}
	if _, err := budget.Expand("$$", nil); !errors.Is(err, placeholder.ErrBudgetSpent) {
		t.Errorf("escape after the budget is spent: %v, want ErrBudgetSpent", err)
	}
}

// The limit holds to the byte: a value of exactly MaxValueBytes expands.
func TestMaxValueBytesIsInclusive(t *testing.T) {
	r := placeholder.Resolver{Metadata: map[string]any{"k": "v"}}
	exact := strings.Repeat("a", placeholder.MaxValueBytes-1) + "${metadata.k}"
	if got, err := placeholder.Expand(exact, r.Resolve); err != nil || len(got) != placeholder.MaxValueBytes {
		t.Errorf("%d bytes, %v", len(got), err)
	}
	if _, err := placeholder.Expand("a"+exact, r.Resolve); err == nil {
		t.Error("one byte over the limit expanded")
	}
}

// Scanning stays linear on the inputs that made it quadratic.
func TestScanHostile(t *testing.T) {
	for _, tc := range []struct {
		in           string
		unterminated bool
	}{
		{strings.Repeat("${", 1_000_000), true},
		{strings.Repeat("$${", 700_000), false}, // an escape, then text
		{strings.Repeat("${x}$", 400_000), false},
	} {
		var unterminated bool
		measure(t, func() { _, unterminated = placeholder.Scan(tc.in) })
		if unterminated != tc.unterminated {
			t.Errorf("%.10q…: unterminated %v", tc.in, unterminated)
		}
	}
}

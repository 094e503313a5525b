package problem_test

import (
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/problem"
)

func TestProblemFormatting(t *testing.T) {
	for _, tc := range []struct {
		p    problem.Problem
		loc  string
		text string
	}{
		{problem.Problem{Message: "m"}, "", "m"},
		{problem.Problem{Line: 3, Message: "m"}, "line 3", "line 3: m"},
		{problem.Problem{Path: []string{"containers", "web", "variables", "PORT"}, Line: 12, Message: "m"}, "containers.web.variables.PORT (line 12)", "containers.web.variables.PORT (line 12): m"},
		{problem.Problem{Path: []string{"containers", "web", "files", "/etc/app.conf", "content"}}, `containers.web.files["/etc/app.conf"].content`, `containers.web.files["/etc/app.conf"].content: `},
		{problem.Problem{Path: []string{"a.b"}, Message: "m"}, `["a.b"]`, `["a.b"]: m`},
		{problem.Problem{Path: []string{"x", ""}, Message: "m"}, `x[""]`, `x[""]: m`},
		{problem.Problem{Path: []string{"x", `q"uote`}, Message: "m"}, `x["q\"uote"]`, `x["q\"uote"]: m`},
		{problem.Problem{Path: []string{"a_b-C9", "0"}, Message: "m"}, "a_b-C9.0", "a_b-C9.0: m"},
	} {
		if got := tc.p.Location(); got != tc.loc {
			t.Errorf("Location(%q) = %q, want %q", tc.p.Path, got, tc.loc)
		}
		if got := tc.p.Error(); got != tc.text {
			t.Errorf("Error(%q) = %q, want %q", tc.p.Path, got, tc.text)
		}
	}
	var l problem.List
	if l.Err() != nil {
		t.Error("empty list is an error")
	}
	l.Add([]string{"b"}, "two")
	l = append(l, problem.Problem{Line: 1, Message: "one"})
	l.Add([]string{"a"}, "three")
	l.Sort()
	if got := l.Error(); got != "a: three\nb: two\nline 1: one" {
		t.Errorf("sorted = %q", got)
	}
	if l.Err() == nil {
		t.Error("non-empty list is no error")
	}
}

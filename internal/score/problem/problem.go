// Package problem describes what is wrong with an input, and where: a path inside the score file
// (containers.web.variables.PORT) and, when the input was YAML or JSON text, a line number.
package problem

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with an input.
type Problem struct {
	// Path is where inside the document the problem is; empty for the whole document.
	Path []string
	// Line is the 1-based line in the source text, or 0 when unknown.
	Line int
	// Message says what is wrong, without the location.
	Message string
}

// Location renders the path and line, e.g. `containers.web.variables.PORT (line 12)`.
func (p Problem) Location() string {
	loc := FormatPath(p.Path)
	if p.Line > 0 {
		if loc == "" {
			return "line " + strconv.Itoa(p.Line)
		}
		loc += " (line " + strconv.Itoa(p.Line) + ")"
	}
	return loc
}

func (p Problem) Error() string {
	if loc := p.Location(); loc != "" {
		return loc + ": " + p.Message
	}
	return p.Message
}

// List is every problem found in one input. A nil or empty List is no error.
type List []Problem

// Add records a problem at path.
func (l *List) Add(path []string, message string) {
	*l = append(*l, Problem{Path: append([]string(nil), path...), Message: message})
}

// Err returns the list as an error, or nil when it is empty.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, p := range l {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "\n")
}

// Sort orders problems by line, then path, then message, so output is deterministic.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if pa, pb := FormatPath(a.Path), FormatPath(b.Path); pa != pb {
			return pa < pb
		}
		return a.Message < b.Message
	})
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// FormatPath joins path elements with dots; an element that is not a plain name (it holds a dot,
// a slash, a space...) is written as ["..."] so the path stays unambiguous:
// containers.web.files["/etc/app.conf"].content.
func FormatPath(path []string) string {
	var b strings.Builder
	for i, p := range path {
		if plainKey.MatchString(p) {
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
			continue
		}
		b.WriteString("[")
		b.WriteString(strconv.Quote(p))
		b.WriteString("]")
	}
	return b.String()
}

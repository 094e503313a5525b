package placeholder_test

import (
	"strings"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/placeholder"
)

// Ordinary inputs: the scanner must stay as fast on them as it is safe on hostile ones.
var benchInputs = map[string]string{
	"plain":    "postgres://localhost:5432/app?sslmode=disable",
	"url":      "postgres://${resources.db.username}:${resources.db.password}@${resources.db.host}:${resources.db.port}/${resources.db.name}",
	"escapes":  "echo $$HOME $${NOT_A_REF} ${metadata.name} $$",
	"file-4k":  strings.Repeat("server {\n  listen ${resources.port.port};\n  name ${metadata.name}; # $$ kept\n}\n", 50),
	"dotted":   `${metadata.annotations.my\.org/team}-${metadata.annotations.key\.com/foo-bar}`,
	"unclosed": "a ${ b } c ${ d",
}

func benchResolve(ref string) (string, error) { return "value-of-" + ref[:1], nil }

func BenchmarkExpand(b *testing.B) {
	for _, name := range []string{"plain", "url", "escapes", "file-4k", "dotted", "unclosed"} {
		s := benchInputs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if _, err := placeholder.Expand(s, benchResolve); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkScan(b *testing.B) {
	for _, name := range []string{"url", "file-4k"} {
		s := benchInputs[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				placeholder.Scan(s)
			}
		})
	}
}

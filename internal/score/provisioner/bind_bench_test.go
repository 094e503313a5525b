package provisioner

import (
	"context"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/targets"
)

// What a provisioning pays to bind a definition's templates: a fresh clone with its functions
// wrapped (the cost the pool saves) against a binding taken from the pool.
func BenchmarkBindPostgres(b *testing.B) {
	defs, err := Builtins(targets.Kubernetes)
	if err != nil {
		b.Fatal(err)
	}
	var d *Definition
	for _, def := range defs {
		if def.Type == "postgres" && def.Scheme() == "template" {
			d = def
			break
		}
	}
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = newBindings(d.parsed).Get()
		}
	})
	b.Run("pooled", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, release := d.bind(context.Background(), nil)
			release()
		}
	})
}

package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/score-tf/terraform-provider-score/internal/score/loader"
	"github.com/score-tf/terraform-provider-score/tools/upstream/workloadgen"
)

// BenchmarkRenderProject renders projects of 50 and 200 generated workloads (the files
// tools/upstream/bench-k8s.sh times score-k8s on: two containers, a route, a redis each, one
// shared postgres) for each target, with the state of a first render, as a no-change plan does
// twice. It reports the time per workload (ns/workload).
func BenchmarkRenderProject(b *testing.B) {
	for _, n := range []int{50, 200} {
		workloads := make([]*loader.Workload, n)
		for i := range workloads {
			workloads[i] = wlLoadText(b, workloadgen.Content(i+1))
		}
		for _, target := range wlTargets {
			b.Run(fmt.Sprintf("%s/%d", target, n), func(b *testing.B) {
				s := wlSettings(b, target, "")
				first, err := RenderProject(context.Background(), s, ProjectRequest{Workloads: workloads, Random: wlRandom(1)})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := RenderProject(context.Background(), s, ProjectRequest{Workloads: workloads, Prior: first.State, Random: wlRandom(2)}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/workload")
			})
		}
	}
}

// Command genworkloads writes N synthetic Score files (see package workloadgen) for speed
// measurements of multi-workload generation.
//
// Usage: genworkloads -n N -out DIR.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/score-tf/terraform-provider-score/tools/upstream/workloadgen"
)

func main() {
	n := flag.Int("n", 200, "number of workloads")
	out := flag.String("out", "", "directory to write the score files into (created if missing)")
	flag.Parse()
	if *out == "" || *n < 1 || *n > 9999 {
		fmt.Fprintln(os.Stderr, "usage: genworkloads -n N (1..9999) -out DIR")
		os.Exit(2)
	}
	if err := workloadgen.Write(*n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "genworkloads:", err)
		os.Exit(1)
	}
}

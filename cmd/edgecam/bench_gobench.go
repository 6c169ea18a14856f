package main

import (
	"fmt"
	"io"
	"strings"
)

// gobenchSamples is how many benchmark lines each thread count prints: the
// measured frames split into consecutive groups, so benchstat sees a sample
// spread and can compute confidence intervals.
const gobenchSamples = 10

// writeGoBench prints the report in the Go benchmark format
// (golang.org/x/perf/benchfmt), which benchstat compares across runs.
// Benchmark names carry the model and the -N suffix is the thread count;
// the board, pinned cpus and kernel level are configuration lines, so runs
// that differ only in those compare line by line.
func writeGoBench(w io.Writer, rep *benchReport) error {
	b := rep.Board
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/edgecam/edgecam/cmd/edgecam\n", b.OS, b.Arch)
	fmt.Fprintf(w, "cpu: %s\n", b.CPU)
	fmt.Fprintf(w, "board: %s\n", sanitizeName(b.Model))
	fmt.Fprintf(w, "cpus: %s\n", rep.CPUs)
	fmt.Fprintf(w, "kernels: %s\n", rep.KernelLevel)
	for _, r := range rep.Results {
		name := fmt.Sprintf("BenchmarkMobileNet/model=%s-%d", sanitizeName(rep.Model.Name), r.Threads)
		for _, g := range r.groups {
			ns := g.nanos / int64(g.frames)
			gmacs := 0.0
			if ns > 0 {
				gmacs = float64(rep.Model.MACs) / float64(ns)
			}
			fmt.Fprintf(w, "%s\t%8d\t%12d ns/op\t%10.2f GMAC/s\t%10.1f allocs/op\t%10.0f B/op\n",
				name, g.frames, ns, gmacs, r.AllocsPerFrame, r.BytesPerFrame)
		}
	}
	return nil
}

// sanitizeName makes s usable in a benchmark name or configuration value:
// no white space, no slashes or dashes that benchfmt would split on.
func sanitizeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '/', '-':
			return '_'
		}
		return r
	}, s)
}

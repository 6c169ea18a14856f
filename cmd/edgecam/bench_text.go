package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/edgecam/edgecam/board"
)

// writeBenchText prints the report for people: context, one summary per
// thread count, and its per-layer table.
func writeBenchText(w io.Writer, rep *benchReport) error {
	m := rep.Model
	fmt.Fprintf(w, "model:    %s (%s, input %s %s, %.2f M MACs, %.2f M params, arena %.2f MB)\n",
		m.Name, m.Source, shapeString(m.Input), m.DType, float64(m.MACs)/1e6, float64(m.Params)/1e6, float64(m.ArenaBytes)/(1<<20))
	b := rep.Board
	fmt.Fprintf(w, "board:    %s (%s), soc %s, cpu %s x %s, %s/%s\n", b.Model, b.Kind, b.SoC, b.CPU, board.FormatInt(b.Cores), b.OS, b.Arch)
	fmt.Fprintf(w, "features: %s\n", board.FormatFeatures(b.Features))
	runs := fmt.Sprintf("%d frames", rep.Frames)
	if rep.DurationS > 0 {
		runs = fmt.Sprintf("%gs", rep.DurationS)
	}
	fmt.Fprintf(w, "run:      kernels %s, cpus %s, warm-up %d frames, then %s per thread count, %s, GOMAXPROCS %d\n",
		rep.KernelLevel, rep.CPUs, rep.Warmup, runs, rep.GoVersion, rep.GOMAXPROCS)
	fmt.Fprintf(w, "peak rss: %s\n", formatBytes(rep.PeakRSS))
	for _, r := range rep.Results {
		writeResultText(w, &r)
	}
	return nil
}

func writeResultText(w io.Writer, r *benchResult) {
	l := r.LatencyMS
	fmt.Fprintf(w, "\nthreads %d: %d frames in %.2fs\n", r.Threads, r.Frames, r.ElapsedS)
	fmt.Fprintf(w, "  latency ms: min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f  mean %.3f ± %.3f\n",
		l.Min, l.P50, l.P90, l.P99, l.Max, l.Mean, l.StdDev)
	fmt.Fprintf(w, "  %.1f frames/s  %.2f GMAC/s  %.1f allocs/frame  %.0f B/frame  layers add up to %.1f%% of the frame\n",
		r.FPS, r.GMACs, r.AllocsPerFrame, r.BytesPerFrame, 100*r.LayerSumRatio)
	fmt.Fprintf(w, "  kernels: %s\n", formatKernels(r.Kernels))
	writePostProcessText(w, r)
	fmt.Fprintf(w, "  clock %s → %s MHz, soc %s → %s °C, throttling seen: %s\n",
		board.FormatFloat(r.Start.CurMHz, 0), board.FormatFloat(r.End.CurMHz, 0),
		board.FormatFloat(r.Start.TempC, 1), board.FormatFloat(r.End.TempC, 1), throttleSummary(r.ThrottleSeen))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  #\top\tkernel\toutput\tMMAC\tms\tshare\tGMAC/s\t")
	for _, ly := range r.Layers {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%.2f\t%.3f\t%.1f%%\t%.2f\t\n",
			ly.Index, ly.Type, ly.Kernel, shapeString(ly.Out), float64(ly.MACs)/1e6, ly.MS, 100*ly.Share, ly.GMACs)
	}
	tw.Flush()
}

func formatKernels(k map[string]string) string {
	types := make([]string, 0, len(k))
	for t := range k {
		types = append(types, t)
	}
	sort.Strings(types)
	for i, t := range types {
		types[i] = t + "=" + k[t]
	}
	return strings.Join(types, " ")
}

func throttleSummary(t board.Throttle) string {
	if !t.Known {
		return board.Unknown
	}
	if len(t.Now) == 0 {
		return "none"
	}
	return strings.Join(t.Now, ",")
}

func formatBytes(v *int64) string {
	if v == nil {
		return board.Unknown
	}
	return fmt.Sprintf("%.1f MB", float64(*v)/(1<<20))
}

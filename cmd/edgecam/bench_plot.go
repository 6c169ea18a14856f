package main

import (
	"fmt"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/internal/svgplot"
)

// layerChart is the -plot chart: per-layer mean time, one bar per thread
// count.
func layerChart(rep *benchReport) *svgplot.BarChart {
	where := rep.Board.Model
	if where == board.Unknown {
		where = string(rep.Board.Kind)
	}
	c := &svgplot.BarChart{
		Title: fmt.Sprintf("edgecam bench %s on %s (%s, kernels %s): per-layer time", rep.Model.Name, where, rep.Board.CPU, rep.KernelLevel),
		Unit:  "ms per frame (mean)",
	}
	for _, r := range rep.Results {
		unit := "threads"
		if r.Threads == 1 {
			unit = "thread"
		}
		c.Series = append(c.Series, fmt.Sprintf("%d %s: %.2f ms/frame", r.Threads, unit, r.LatencyMS.Mean))
	}
	if len(rep.Results) == 0 {
		return c
	}
	for i, l := range rep.Results[0].Layers {
		row := svgplot.Row{Label: fmt.Sprintf("%02d %s %s", l.Index, l.Type, shapeString(l.Out))}
		for _, r := range rep.Results {
			row.Values = append(row.Values, r.Layers[i].MS)
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// shapeString prints an NHWC shape without the batch: "14x14x512".
func shapeString(shape []int) string {
	if len(shape) > 1 && shape[0] == 1 {
		shape = shape[1:]
	}
	s := ""
	for i, d := range shape {
		if i > 0 {
			s += "x"
		}
		s += fmt.Sprint(d)
	}
	return s
}

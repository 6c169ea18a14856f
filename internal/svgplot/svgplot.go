// Package svgplot draws the horizontal bar charts of `edgecam bench -plot`
// (per-layer time, one bar per series such as a thread count) as standalone
// SVG, in pure Go.
package svgplot

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Palette is the fill colour of each series, in order; series beyond it
// reuse it from the start.
var Palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"}

// Background is the chart's background colour.
const Background = "#ffffff"

// Layout of the chart in pixels.
const (
	Width      = 960 // whole chart
	LabelWidth = 260 // left column of row labels
	RightPad   = 70  // room for the last tick label and values
	TopPad     = 56  // title and legend
	BottomPad  = 40  // axis labels
	BarHeight  = 12  // one series' bar
	RowGap     = 6   // between rows
)

// Row is one labelled group of bars: one value per series.
type Row struct {
	Label  string
	Values []float64
}

// BarChart is a horizontal bar chart.
type BarChart struct {
	Title  string
	Unit   string   // axis unit, e.g. "ms"
	Series []string // legend entries, one per value of each row
	Rows   []Row
}

// Geometry is where a bar was drawn (for tests and callers that annotate).
type Geometry struct {
	X, Y, W, H float64
}

// Height is the SVG height of the chart.
func (c *BarChart) Height() int {
	return TopPad + BottomPad + len(c.Rows)*c.rowHeight()
}

func (c *BarChart) rowHeight() int { return len(c.Series)*BarHeight + RowGap }

// check validates the chart.
func (c *BarChart) check() error {
	if len(c.Series) == 0 {
		return errors.New("svgplot: no series")
	}
	if len(c.Rows) == 0 {
		return errors.New("svgplot: no rows")
	}
	for i, r := range c.Rows {
		if len(r.Values) != len(c.Series) {
			return fmt.Errorf("svgplot: row %d (%s) has %d values, want %d", i, r.Label, len(r.Values), len(c.Series))
		}
		for _, v := range r.Values {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("svgplot: row %d (%s) has value %v", i, r.Label, v)
			}
		}
	}
	return nil
}

// Bars returns the rectangle of every bar, indexed [row][series].
func (c *BarChart) Bars() ([][]Geometry, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	_, max := niceTicks(c.max())
	plotW := float64(Width - LabelWidth - RightPad)
	out := make([][]Geometry, len(c.Rows))
	for i, r := range c.Rows {
		out[i] = make([]Geometry, len(r.Values))
		for s, v := range r.Values {
			out[i][s] = Geometry{
				X: LabelWidth,
				Y: float64(TopPad + i*c.rowHeight() + s*BarHeight),
				W: v / max * plotW,
				H: BarHeight - 1,
			}
		}
	}
	return out, nil
}

func (c *BarChart) max() float64 {
	m := 0.0
	for _, r := range c.Rows {
		for _, v := range r.Values {
			m = math.Max(m, v)
		}
	}
	return m
}

// niceTicks picks a tick step of 1, 2 or 5 times a power of ten giving at
// most about 8 ticks, and the axis maximum (a whole number of steps >= max).
func niceTicks(max float64) (step, top float64) {
	if max <= 0 {
		return 1, 1
	}
	raw := max / 8
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if step = m * p; step >= raw {
			break
		}
	}
	return step, math.Ceil(max/step) * step
}

// WriteSVG writes the chart as a standalone SVG document.
func (c *BarChart) WriteSVG(w io.Writer) error {
	bars, err := c.Bars()
	if err != nil {
		return err
	}
	h := c.Height()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", Width, h, Width, h)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="%s"/>`+"\n", Width, h, Background)
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="15" font-weight="bold">%s</text>`+"\n", 10, esc(c.Title))
	for s, name := range c.Series {
		x := LabelWidth + s*130
		fmt.Fprintf(&b, `<rect x="%d" y="32" width="12" height="12" fill="%s"/><text x="%d" y="42">%s</text>`+"\n", x, color(s), x+16, esc(name))
	}
	step, top := niceTicks(c.max())
	plotW := float64(Width - LabelWidth - RightPad)
	axisY := TopPad + len(c.Rows)*c.rowHeight()
	for v := 0.0; v <= top+step/2; v += step {
		x := LabelWidth + v/top*plotW
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#dddddd"/>`+"\n", x, TopPad-4, x, axisY)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#444444">%s</text>`+"\n", x, axisY+14, trimFloat(v))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#444444">%s</text>`+"\n", LabelWidth+plotW/2, axisY+32, esc(c.Unit))
	for i, r := range c.Rows {
		y := TopPad + i*c.rowHeight() + len(c.Series)*BarHeight/2 + 4
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", LabelWidth-6, y, esc(r.Label))
		for s, g := range bars[i] {
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.2f" width="%.2f" height="%.2f" fill="%s" shape-rendering="crispEdges"><title>%s %s: %s %s</title></rect>`+"\n",
				g.X, g.Y, g.W, g.H, color(s), esc(r.Label), esc(c.Series[s]), trimFloat(r.Values[s]), esc(c.Unit))
		}
	}
	b.WriteString("</svg>\n")
	_, err = io.WriteString(w, b.String())
	return err
}

func color(series int) string { return Palette[series%len(Palette)] }

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" || s == "-0" {
		return "0"
	}
	return s
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func esc(s string) string { return escaper.Replace(s) }

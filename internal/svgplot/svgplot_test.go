package svgplot

import (
	"bytes"
	"encoding/xml"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sampleChart() *BarChart {
	return &BarChart{
		Title:  "per-layer time <alpha 0.25>",
		Unit:   "ms",
		Series: []string{"1 thread", "2 threads"},
		Rows: []Row{
			{"00 conv 3x3/2", []float64{4, 2.5}},
			{"01 dwconv", []float64{1, 0.6}},
			{"02 pwconv", []float64{8.4, 4.5}},
			{"03 softmax", []float64{0, 0}},
		},
	}
}

func TestBarsProportional(t *testing.T) {
	c := sampleChart()
	bars, err := c.Bars()
	if err != nil {
		t.Fatal(err)
	}
	// 8.4 on an axis with ticks every 2 tops out at 10: the largest bar spans 84% of the plot.
	plotW := float64(Width - LabelWidth - RightPad)
	if got, want := bars[2][0].W, 8.4/10*plotW; math.Abs(got-want) > 1e-9 {
		t.Errorf("largest bar width = %v, want %v", got, want)
	}
	for i, r := range c.Rows {
		for s, v := range r.Values {
			if got, want := bars[i][s].W/bars[2][0].W, v/8.4; math.Abs(got-want) > 1e-9 {
				t.Errorf("bar %d/%d width ratio = %v, want %v", i, s, got, want)
			}
		}
	}
	if bars[1][1].Y <= bars[1][0].Y || bars[2][0].Y <= bars[1][1].Y {
		t.Errorf("bars not stacked downwards: %+v", bars)
	}
}

func TestWriteSVGIsWellFormed(t *testing.T) {
	var b bytes.Buffer
	if err := sampleChart().WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	rects := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// background + 2 legend swatches + 4 rows x 2 series
	if rects != 1+2+8 {
		t.Errorf("rect elements = %d, want 11", rects)
	}
}

func TestBadCharts(t *testing.T) {
	for name, c := range map[string]*BarChart{
		"no series":   {Rows: []Row{{"a", nil}}},
		"no rows":     {Series: []string{"s"}},
		"short row":   {Series: []string{"s", "t"}, Rows: []Row{{"a", []float64{1}}}},
		"negative":    {Series: []string{"s"}, Rows: []Row{{"a", []float64{-1}}}},
		"not finite":  {Series: []string{"s"}, Rows: []Row{{"a", []float64{math.Inf(1)}}}},
		"not a value": {Series: []string{"s"}, Rows: []Row{{"a", []float64{math.NaN()}}}},
	} {
		if err := c.WriteSVG(io.Discard); err == nil {
			t.Errorf("%s: WriteSVG succeeded", name)
		}
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct{ max, step, top float64 }{
		{8.4, 2, 10}, {0.37, 0.05, 0.4}, {100, 20, 100}, {0, 1, 1}, {1234, 200, 1400},
	} {
		step, top := niceTicks(tc.max)
		if math.Abs(step-tc.step) > 1e-12 || math.Abs(top-tc.top) > 1e-9 {
			t.Errorf("niceTicks(%v) = %v, %v; want %v, %v", tc.max, step, top, tc.step, tc.top)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plot.svg")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, &BarChart{}); err == nil {
		t.Fatal("WriteFile of an empty chart succeeded")
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("failed write changed the file to %q", b)
	}
	if err := WriteFile(path, sampleChart()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "<svg") || !strings.Contains(string(b), "&lt;alpha 0.25&gt;") {
		t.Errorf("plot file = %.80q, %v", b, err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only plot.svg (temp file left?)", len(ents))
	}
	if err := WriteFile(filepath.Join(dir, "missing", "p.svg"), sampleChart()); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}

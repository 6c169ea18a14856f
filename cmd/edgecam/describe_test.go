package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// paperMACs is MOBILENET.md's table: multiply-adds (millions) by alpha and
// resolution, and parameters (millions, two decimals) by alpha.
var paperMACs = map[float64]map[int]float64{
	1.0:  {224: 568.74, 192: 418.12, 160: 290.68, 128: 186.40},
	0.75: {224: 325.40, 192: 239.27, 160: 166.40, 128: 106.77},
	0.5:  {224: 149.50, 192: 109.97, 160: 76.52, 128: 49.16},
	0.25: {224: 41.03, 192: 30.21, 160: 21.06, 128: 13.57},
}

var paperParams = map[float64]float64{1.0: 4.21, 0.75: 2.57, 0.5: 1.32, 0.25: 0.46}

func runDescribeJSON(t *testing.T, args ...string) describeReport {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"describe", "-json"}, args...), nil, &out, &errb); err != nil {
		t.Fatalf("describe %v: %v (stderr %q)", args, err, errb.String())
	}
	var r describeReport
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("describe %v: bad JSON: %v\n%s", args, err, out.String())
	}
	return r
}

func TestDescribePaperTable(t *testing.T) {
	for alpha, row := range paperMACs {
		for res, want := range row {
			t.Run(fmt.Sprintf("%g_%d", alpha, res), func(t *testing.T) {
				r := runDescribeJSON(t, "-alpha", fmt.Sprint(alpha), "-res", fmt.Sprint(res))
				if m := float64(r.MACs) / 1e6; math.Abs(m-want) > 0.001*want {
					t.Errorf("macs %.3f M, paper %.2f M", m, want)
				}
				// Two-decimal table entry: the count must round to it.
				if p := float64(r.Params) / 1e6; math.Round(p*100)/100 != paperParams[alpha] {
					t.Errorf("params %.4f M, paper %.2f M", p, paperParams[alpha])
				}
				var sum int64
				for _, l := range r.Layers {
					sum += l.MACs
				}
				if sum != r.MACs || len(r.Layers) != 31 {
					t.Errorf("%d layers summing to %d MACs, want 31 summing to %d", len(r.Layers), sum, r.MACs)
				}
			})
		}
	}
}

func TestDescribeConvMobileNet(t *testing.T) {
	r := runDescribeJSON(t, "-alpha", "1", "-res", "224", "-conv")
	if m := float64(r.MACs) / 1e6; math.Abs(m-4866) > 0.001*4866 {
		t.Errorf("macs %.1f M, paper 4866 M", m)
	}
	if p := float64(r.Params) / 1e6; math.Abs(p-29.3) > 0.001*29.3 {
		t.Errorf("params %.3f M, paper 29.3 M", p)
	}
}

func TestDescribeTableText(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"describe", "-alpha", "1", "-res", "224"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"568.74 M multiply-adds, 4.21 M parameters",
		"DEPTHWISE_CONV_2D", "1x112x112x32", "10838016", // first conv: 112*112*32*27
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	lines := strings.Split(s, "\n")
	header := lines[2]
	col := strings.Index(header, "MACs")
	if col < 0 {
		t.Fatalf("no MACs column in header %q", header)
	}
	// Aligned columns: every layer row has its MACs value starting at the header's column.
	for _, l := range lines[3:34] {
		if len(l) <= col || l[col-1] != ' ' || l[col] == ' ' {
			t.Errorf("row %q is not aligned with the MACs column at %d", l, col)
		}
	}
}

func TestDescribeModelFile(t *testing.T) {
	path := fixtures.Path(t, "models/mobilenet_v1_0.25_128_quant.tflite")
	r := runDescribeJSON(t, "-model", path)
	// The file has 1001 classes: the paper's 1000-class count plus one row of 256 weights.
	if want := int64(13_570_000); math.Abs(float64(r.MACs-want)) > 0.001*float64(want) {
		t.Errorf("macs %d, want about %d", r.MACs, want)
	}
	if r.Layers[0].Op != "CONV_2D" || r.Layers[len(r.Layers)-1].Op != "SOFTMAX" || len(r.Layers) != 31 {
		t.Errorf("layers %s..%s (%d), want CONV_2D..SOFTMAX (31)", r.Layers[0].Op, r.Layers[len(r.Layers)-1].Op, len(r.Layers))
	}
}

func TestDescribeUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-alpha", "1"},
		{"-model", "x.tflite", "-alpha", "1", "-res", "224"},
		{"-alpha", "1", "-res", "100"},
		{"-alpha", "1", "-res", "224", "extra"},
		{"-nonsense"},
	} {
		var stderr bytes.Buffer
		err := run(context.Background(), append([]string{"describe"}, args...), nil, &bytes.Buffer{}, &stderr)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("describe %v: error %v, want a usage error", args, err)
		}
	}
	err := run(context.Background(), []string{"describe", "-model", "/nonexistent/m.tflite"}, nil, &bytes.Buffer{}, &bytes.Buffer{})
	var ue *usageError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "/nonexistent/m.tflite") {
		t.Errorf("missing model: error %v, want a failure naming the file", err)
	}
}

// The paper counts 1000 classes; the official files have 1001 (a background
// class first): the synthetic description says both.
func TestDescribeSaysBothClassCounts(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"describe", "-alpha", "0.25", "-res", "128"}, nil, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	first := strings.SplitN(out.String(), "\n", 2)[0]
	if want := "MobileNet-V1 alpha 0.25 res 128, 1000 classes (+1 background in the official 1001-class files), no biases (paper counting)"; first != want {
		t.Errorf("first line %q, want %q", first, want)
	}
	r := runDescribeJSON(t, "-alpha", "0.25", "-res", "128")
	if !strings.Contains(r.Model, "1000 classes (+1 background in the official 1001-class files)") {
		t.Errorf("JSON model %q", r.Model)
	}
}

package mobilenet

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// paperTable is MOBILENET.md's multiply-adds (millions) per alpha and
// resolution, and parameters (millions, two decimals) per alpha.
var paperTable = []struct {
	alpha  float64
	macs   map[int]float64
	params float64
}{
	{1.0, map[int]float64{224: 568.74, 192: 418.12, 160: 290.68, 128: 186.40}, 4.21},
	{0.75, map[int]float64{224: 325.40, 192: 239.27, 160: 166.40, 128: 106.77}, 2.57},
	{0.5, map[int]float64{224: 149.50, 192: 109.97, 160: 76.52, 128: 49.16}, 1.32},
	{0.25, map[int]float64{224: 41.03, 192: 30.21, 160: 21.06, 128: 13.57}, 0.46},
}

// paperTolerance is the relative error the describe numbers must meet.
const paperTolerance = 0.001

func TestDescribeReproducesPaper(t *testing.T) {
	for _, row := range paperTable {
		for _, res := range []int{224, 192, 160, 128} {
			t.Run(fmt.Sprintf("%g_%d", row.alpha, res), func(t *testing.T) {
				stats, err := DescribeConfig(Config{Alpha: row.alpha, Res: res, Classes: 1000, NoBias: true})
				if err != nil {
					t.Fatal(err)
				}
				macs, params := Totals(stats)
				m := float64(macs) / 1e6
				if math.Abs(m-row.macs[res]) > paperTolerance*row.macs[res] {
					t.Errorf("MACs %.3f M, paper %.2f M", m, row.macs[res])
				}
				// The table gives parameters to two decimals: the count must
				// round to it (0.4636 M for alpha 0.25 is 0.8% from "0.46").
				p := float64(params) / 1e6
				if math.Round(p*100)/100 != row.params {
					t.Errorf("params %.4f M, paper %.2f M", p, row.params)
				}
			})
		}
	}
}

func TestDescribeFullConv(t *testing.T) {
	stats, err := DescribeConfig(Config{Alpha: 1, Res: 224, FullConv: true, Classes: 1000, NoBias: true})
	if err != nil {
		t.Fatal(err)
	}
	macs, params := Totals(stats)
	if m := float64(macs) / 1e6; math.Abs(m-4866) > paperTolerance*4866 {
		t.Errorf("Conv MobileNet MACs %.1f M, paper 4866 M", m)
	}
	if p := float64(params) / 1e6; math.Abs(p-29.3) > paperTolerance*29.3 {
		t.Errorf("Conv MobileNet params %.3f M, paper 29.3 M", p)
	}
	convs := 0
	for _, s := range stats {
		if s.Type == "conv" {
			convs++
		}
		if s.Type == "dwconv" {
			t.Errorf("layer %d is a depthwise conv in the full-conv network", s.Index)
		}
	}
	if convs != 14 {
		t.Errorf("%d 3x3 convs, want 14", convs)
	}
}

// TestDescribeMatchesBuiltModel checks that the shapes-only description
// equals the description of the real built model, biases included.
func TestDescribeMatchesBuiltModel(t *testing.T) {
	cfg := Config{Alpha: 0.25, Res: 64, DType: tflite.Int8, Seed: 3}
	m, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DescribeConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d layers, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Op != w.Op || g.Type != w.Type || g.Stride != w.Stride || g.MACs != w.MACs || g.Params != w.Params || !slices.Equal(g.In, w.In) || !slices.Equal(g.Out, w.Out) {
			t.Errorf("layer %d = %+v, want %+v", i, g, w)
		}
	}
}

// independentMACs counts MobileNet-V1 multiply-adds from the layer table
// alone (no model), the way the paper does.
func independentMACs(alpha float64, res, classes int) int64 {
	ch := func(c int) int64 { return int64(max(int(float64(c)*alpha), 8)) }
	h := int64((res + 1) / 2)
	c := ch(32)
	macs := h * h * c * 27
	for _, l := range bodyLayers[1:] {
		h = (h + int64(l.stride) - 1) / int64(l.stride)
		co := ch(l.ch)
		macs += h*h*c*9 + h*h*c*co
		c = co
	}
	return macs + c*int64(classes)
}

func TestDescribeRealFloatModel(t *testing.T) {
	m, err := tflite.ReadFile(fixtures.Path(t, "models/mobilenet_v1_0.25_224.tflite"))
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Describe(m)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, s := range stats {
		types = append(types, s.Type)
	}
	want := []string{"conv"}
	for range 13 {
		want = append(want, "dwconv", "pwconv")
	}
	want = append(want, "pool", "pwconv", "reshape", "softmax")
	if !slices.Equal(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
	first := stats[0]
	if first.MACs != 112*112*8*27 || first.Params != 8*27+8 || first.Stride != 2 ||
		!slices.Equal(first.In, []int{1, 224, 224, 3}) || !slices.Equal(first.Out, []int{1, 112, 112, 8}) {
		t.Errorf("first layer %+v, want 2709504 MACs, 224 params, stride 2, [1 224 224 3] -> [1 112 112 8]", first)
	}
	macs, _ := Totals(stats)
	if w := independentMACs(0.25, 224, 1001); macs != w {
		t.Errorf("total MACs %d, want %d", macs, w)
	}
}

// TestDescribeRejectsMissingOperands checks that Describe reports, instead of
// panicking on, a model whose operators lack what it reads.
func TestDescribeRejectsMissingOperands(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *tflite.Model)
		want   string
	}{
		{"index out of range", func(m *tflite.Model) { m.Ops[0].Inputs[1] = len(m.Tensors) }, "op 0 (CONV_2D): input 1: tensor index"},
		{"weights absent", func(m *tflite.Model) { m.Ops[1].Inputs[1] = -1 }, "op 1 (DEPTHWISE_CONV_2D): has no weights"},
		{"weights dropped", func(m *tflite.Model) { m.Ops[2].Inputs = m.Ops[2].Inputs[:1] }, "op 2 (CONV_2D): has no weights"},
		{"flat filter", func(m *tflite.Model) { m.Tensors[m.Ops[0].Inputs[1]].Shape = []int{8, 27} }, "op 0 (CONV_2D): weights tensor 1 has shape [8 27], want 4 dimensions"},
		{"no output", func(m *tflite.Model) { m.Ops[3].Outputs = nil }, "op 3 (DEPTHWISE_CONV_2D): has no input or no output"},
		{"input absent", func(m *tflite.Model) { m.Ops[3].Inputs[0] = -1 }, "op 3 (DEPTHWISE_CONV_2D): has no input or no output"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Build(Config{Alpha: 0.25, Res: 32, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(m)
			stats, err := Describe(m)
			if err == nil {
				t.Fatalf("Describe accepted the model (%d layers)", len(stats))
			}
			if !errors.Is(err, tflite.ErrInvalidModel) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Describe error %q, want ErrInvalidModel containing %q", err, tc.want)
			}
		})
	}
}

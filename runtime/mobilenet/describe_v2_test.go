package mobilenet

import (
	"math"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// v2Bottlenecks is MobileNet-V2's Table 2 (Sandler et al. 2018): expansion
// t, output channels c, repeats n, first stride s.
var v2Bottlenecks = []struct{ t, c, n, s int }{
	{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1},
}

// independentV2 counts MobileNet-V2 1.0 multiply-adds and parameters
// (weights and one bias per output channel, as the TFLite files hold them)
// from Table 2 alone, no model: the 3x3 stride-2 stem to 32 channels, the
// bottlenecks (1x1 expansion unless t is 1, 3x3 depthwise, 1x1 projection),
// the 1x1 conv to 1280 and the classifier.
func independentV2(res, classes int) (macs, params int64) {
	h, c := int64((res+1)/2), int64(32)
	macs, params = h*h*c*27, 27*c+c
	for _, b := range v2Bottlenecks {
		for i := range b.n {
			s := int64(1)
			if i == 0 {
				s = int64(b.s)
			}
			e := c * int64(b.t)
			if b.t != 1 {
				macs += h * h * c * e
				params += c*e + e
			}
			h = (h + s - 1) / s
			macs += h*h*e*9 + h*h*e*int64(b.c)
			params += 9*e + e + e*int64(b.c) + int64(b.c)
			c = int64(b.c)
		}
	}
	macs += h * h * c * 1280
	params += c*1280 + 1280
	return macs + 1280*int64(classes), params + 1280*int64(classes) + int64(classes)
}

// TF-slim's table for mobilenet_v2_1.0_224 (tensorflow/models
// research/slim/nets/mobilenet): 300 million multiply-adds, 3.47 million
// parameters. Describe counts, on the 1001-class TFLite files, the
// convolutions' and the classifier's multiply-accumulates (ADD, MEAN, PAD,
// QUANTIZE and SOFTMAX count 0) and every weight and bias (batch norm folded
// into the biases: 18,057 of the 3,489,097; the weights alone are 3,471,040).
const (
	v2PublishedMACs   = 300e6
	v2PublishedParams = 3.47e6
	v2Tolerance       = 0.01
)

func TestDescribeMobileNetV2(t *testing.T) {
	wantMACs, wantParams := independentV2(224, 1001)
	for _, file := range []string{"mobilenet_v2_1.0_224_quant.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite"} {
		t.Run(file, func(t *testing.T) {
			m, err := tflite.ReadFile(fixtures.Path(t, "models/"+file))
			if err != nil {
				t.Fatal(err)
			}
			stats, err := Describe(m)
			if err != nil {
				t.Fatal(err)
			}
			macs, params := Totals(stats)
			t.Logf("%d layers: %.2f M multiply-adds, %.4f M parameters", len(stats), float64(macs)/1e6, float64(params)/1e6)
			if macs != wantMACs || params != wantParams {
				t.Errorf("totals %d MACs, %d params; Table 2 gives %d, %d", macs, params, wantMACs, wantParams)
			}
			if d := math.Abs(float64(macs)-v2PublishedMACs) / v2PublishedMACs; d > v2Tolerance {
				t.Errorf("%d MACs are %.2f%% from TF-slim's 300 M", macs, 100*d)
			}
			if d := math.Abs(float64(params)-v2PublishedParams) / v2PublishedParams; d > v2Tolerance {
				t.Errorf("%d params are %.2f%% from TF-slim's 3.47 M", params, 100*d)
			}
			count := map[string]int{}
			for _, s := range stats {
				count[s.Type]++
				switch s.Type {
				case "add", "mean", "pad", "relu", "quantize", "softmax", "reshape", "pool":
					if s.MACs != 0 || s.Params != 0 {
						t.Errorf("layer %d (%s): %d MACs %d params, want 0 and 0", s.Index, s.Op, s.MACs, s.Params)
					}
				case "unknown":
					t.Errorf("layer %d (%s) has no type", s.Index, s.Op)
				}
			}
			if count["add"] != 10 || count["dwconv"] != 17 || count["conv"]+count["pwconv"] != 36 {
				t.Errorf("layer types %v, want 10 add, 17 dwconv, 36 conv or pwconv", count)
			}
			first := stats[slices.IndexFunc(stats, func(s LayerStat) bool { return s.Type == "conv" })]
			if first.MACs != 112*112*32*27 || first.Stride != 2 || first.Params != 27*32+32 {
				t.Errorf("stem %+v, want %d MACs, stride 2, %d params", first, 112*112*32*27, 27*32+32)
			}
		})
	}
}

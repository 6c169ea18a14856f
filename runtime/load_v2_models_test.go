package runtime

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestLoadV2Models checks what ../shared/models/README.md documents about
// the MobileNet-V2 files, and that the compiled layers agree with
// mobilenet.Describe on every layer.
func TestLoadV2Models(t *testing.T) {
	cases := []struct {
		file         string
		inScale      float32
		inZP         int64
		logitsType   tflite.DType
		ops          map[tflite.OpKind]int
		kernelByType map[string]string // layer types whose kernel does not depend on the CPU
	}{
		{"mobilenet_v2_1.0_224_quant", 0.0078125, 128, tflite.Uint8,
			map[tflite.OpKind]int{tflite.OpConv2D: 36, tflite.OpDepthwiseConv2D: 17, tflite.OpAdd: 10, tflite.OpAveragePool2D: 1, tflite.OpReshape: 1, tflite.OpSoftmax: 1},
			map[string]string{"add": "add_q8_generic", "pool": "avgpool_q8_generic", "reshape": "alias"}},
		{"tf2_mobilenet_v2_1.0_224_ptq", 0.007843137718737125, 127, tflite.Int8,
			map[tflite.OpKind]int{tflite.OpQuantize: 2, tflite.OpConv2D: 36, tflite.OpDepthwiseConv2D: 17, tflite.OpAdd: 10, tflite.OpMean: 1, tflite.OpReshape: 1, tflite.OpSoftmax: 1},
			map[string]string{"add": "add_q8_generic", "mean": "mean_q8_generic", "quantize": "requantize_q8", "reshape": "alias"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			m, err := Load(fixtures.Path(t, "models/"+tc.file+".tflite"))
			if err != nil {
				t.Fatal(err)
			}
			in, out := &m.Tensors[m.Inputs[0]], &m.Tensors[m.Outputs[0]]
			if in.Type != tflite.Uint8 || !slices.Equal(in.Shape, []int{1, 224, 224, 3}) || in.Quant.Scale[0] != tc.inScale || in.Quant.ZeroPoint[0] != tc.inZP {
				t.Errorf("input %v %v %+v, want uint8 [1 224 224 3] scale %g zero point %d", in.Type, in.Shape, in.Quant, tc.inScale, tc.inZP)
			}
			if out.Type != tflite.Uint8 || !slices.Equal(out.Shape, []int{1, 1001}) || out.Quant.Scale[0] != 1.0/256 || out.Quant.ZeroPoint[0] != 0 {
				t.Errorf("output %v %v %+v, want uint8 [1 1001] scale 1/256 zero point 0", out.Type, out.Shape, out.Quant)
			}
			counts := map[tflite.OpKind]int{}
			for _, op := range m.Ops {
				counts[op.Kind]++
			}
			if !maps.Equal(counts, tc.ops) {
				t.Errorf("op counts %v, want %v", counts, tc.ops)
			}
			p := compilePlanT(t, m, Options{Threads: 2})
			if _, ok := p.LogitsRaw(); !ok || p.LogitsType() != tc.logitsType {
				t.Errorf("logits: found %t, type %v, want %v", ok, p.LogitsType(), tc.logitsType)
			}
			kernels := p.KernelsByType()
			for typ, k := range tc.kernelByType {
				if kernels[typ] != k {
					t.Errorf("KernelsByType()[%q] = %q, want %q", typ, kernels[typ], k)
				}
			}
			if !raceEnabled && !testing.Short() {
				img := planTestImage(224, 224, 1)
				if n := testing.AllocsPerRun(2, func() {
					if err := p.SetInputRGB(img); err != nil {
						t.Fatal(err)
					}
					if err := p.Run(); err != nil {
						t.Fatal(err)
					}
					p.OutputRaw()
					p.LogitsRaw()
				}); n != 0 {
					t.Errorf("a frame allocates %v times, want 0", n)
				}
			}
			stats, err := mobilenet.Describe(m)
			if err != nil {
				t.Fatal(err)
			}
			layers := p.Layers()
			if len(layers) != len(stats) {
				t.Fatalf("%d layers, Describe has %d", len(layers), len(stats))
			}
			for i, l := range layers {
				s := stats[i]
				if l.Index != s.Index || l.Op != s.Op || l.Type != s.Type || l.Stride != s.Stride || l.MACs != s.MACs || l.Params != s.Params || !slices.Equal(l.OutShape, s.Out) {
					t.Errorf("layer %d: %+v disagrees with Describe %+v", i, l, s)
				}
				if strings.Contains(l.Kernel, "unknown") || l.Kernel == "" {
					t.Errorf("layer %d (%s): kernel %q", i, l.Op, l.Kernel)
				}
			}
		})
	}
}

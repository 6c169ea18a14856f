package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// meanShapes are (H, W, C): MobileNet-V2's head (7x7x1280), single
// positions and channels, awkward sizes.
var meanShapes = [][3]int{{7, 7, 1280}, {1, 1, 1}, {1, 1, 17}, {3, 5, 7}, {2, 2, 3}, {12, 9, 33}, {4, 4, 129}}

// globalPool is the AVERAGE_POOL_2D whose one window covers an h x w input.
func globalPool(h, w, c int) *generic.ConvParams {
	return &generic.ConvParams{InH: h, InW: w, InC: c, OutH: 1, OutW: 1, OutC: c, KH: h, KW: w, StrideH: 1, StrideW: 1}
}

func TestMeanF32(t *testing.T) {
	r := kerneltest.Rand(53)
	inf := float32(math.Inf(1))
	for i, s := range meanShapes {
		h, w, c := s[0], s[1], s[2]
		src := kerneltest.Shifted(kerneltest.F32s(r, h*w*c), i%3)
		g := kerneltest.NewGuarded[float32](c, i%4)
		generic.MeanF32(g.Out(), src, h*w, c)
		what := fmt.Sprintf("MeanF32 %dx%dx%d", h, w, c)
		g.CheckUntouched(t, 0, c, what)
		// The specification: AvgPoolF32 with the whole input as window.
		want := make([]float32, c)
		generic.AvgPoolF32(globalPool(h, w, c), want, src, -inf, inf)
		for ch := range want {
			if g.Out()[ch] != want[ch] {
				t.Fatalf("%s: channel %d = %v, global average pool %v", what, ch, g.Out()[ch], want[ch])
			}
			var exact float64
			for p := range h * w {
				exact += float64(src[p*c+ch])
			}
			if d := math.Abs(float64(want[ch]) - exact/float64(h*w)); d > kerneltest.F32Bound(h*w, float32(h*w)) {
				t.Fatalf("%s: channel %d = %v, exact mean %v", what, ch, want[ch], exact/float64(h*w))
			}
		}
	}
}

func TestMeanQ8(t *testing.T) {
	r := kerneltest.Rand(54)
	// (xzp, scale, ozp): TF2 MobileNet-V2's head, equal quantization, exact
	// halves, a zero point far from the values.
	quants := []struct {
		xzp   int32
		scale float32
		ozp   int32
	}{{-128, 0.02353 / 0.01908, -128}, {0, 1, 0}, {3, 0.5, -2}, {-20, 0.25, 100}}
	for i, s := range meanShapes {
		h, w, c := s[0], s[1], s[2]
		src := kerneltest.I8s(r, h*w*c, -128, 127)
		q := quants[i%len(quants)]
		sums := make([]int32, c)
		g := kerneltest.NewGuarded[int8](c, i%3)
		mult := generic.MeanQ8Multiplier(q.scale, 1, h*w)
		offset := int32(128 * (i % 2))
		generic.MeanQ8(g.Out(), src, h*w, c, offset, q.xzp, mult, q.ozp, sums)
		what := fmt.Sprintf("MeanQ8 %dx%dx%d zp %d scale %g", h, w, c, q.xzp, q.scale)
		g.CheckUntouched(t, 0, c, what)
		for ch, got := range g.Out() {
			var sum, raw int32
			for p := range h * w {
				sum += int32(src[p*c+ch]) - q.xzp
				raw += int32(src[p*c+ch]) + offset
			}
			zpf := float32(float32(q.ozp+offset) - float32(float32(h*w)*float32(q.xzp+offset))*mult)
			f := float32(float32(float32(raw)*mult) + zpf)
			if v := int8(min(max(int32(math.RoundToEven(float64(f)))-offset, -128), 127)); v != got {
				t.Fatalf("%s: channel %d = %d, the loop gives %d", what, ch, got, v)
			}
			exact := float64(sum) * float64(q.scale) / float64(h*w)
			if q := float64(int32(got) - q.ozp); q > -128 && q < 127 && math.Abs(q-exact) > 0.5+1e-5*math.Abs(exact) {
				t.Fatalf("%s: channel %d = %d, %g steps from the exact mean", what, ch, got, q-exact)
			}
		}
	}
}

func TestMeanAllocatesNothing(t *testing.T) {
	r := kerneltest.Rand(55)
	src, dst := kerneltest.F32s(r, 49*1280), make([]float32, 1280)
	src8, dst8, sums := kerneltest.I8s(r, 49*1280, -128, 127), make([]int8, 1280), make([]int32, 1280)
	if n := testing.AllocsPerRun(3, func() {
		generic.MeanF32(dst, src, 49, 1280)
		generic.MeanQ8(dst8, src8, 49, 1280, 0, -128, 1.2/49, -128, sums)
	}); n != 0 {
		t.Errorf("MeanF32 + MeanQ8: %v allocations per call, want 0", n)
	}
}

package kernels_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestConvF32Equivalence(t *testing.T) { testConvF32(t, kernels.All().ConvF32, false) }

// testConvF32 is the equivalence test of the float32 convolutions (full or
// depthwise): each case packed, then run on its rows.
func testConvF32(t *testing.T, reg []*kernels.ConvF32, depthwise bool) {
	ref := reg[0]
	cases := kerneltest.ConvCases(depthwise)
	inf := float32(math.Inf(1))
	for _, impl := range reg {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(3)
			ran, elsewhere := 0, 0
			for i, c := range cases {
				p := c.P
				cl := kerneltest.Clamps[i%len(kerneltest.Clamps)]
				src := kerneltest.Shifted(kerneltest.F32s(r, p.InH*p.InW*p.InC), i%4)
				w := kerneltest.F32s(r, weightLen(&p, depthwise))
				var bias []float32
				if i%3 != 0 {
					bias = kerneltest.F32s(r, p.OutC)
				}
				layer := &kernels.ConvF32Layer{Params: p, W: w, Bias: bias, Lo: cl.Lo, Hi: cl.Hi}
				what := fmt.Sprintf("%s %v clamp=%s", impl.Name, c, cl.Name)
				if !impl.Supports(layer) {
					if sel, err := kernels.Select(reg, kernels.Auto, layer); err != nil || !sel.Supports(layer) {
						t.Fatalf("%s: unsupported and Select finds no implementation that supports it (%v)", what, err)
					}
					elsewhere++
					continue
				}
				n := p.OutH * p.OutW * p.OutC
				want := make([]float32, n)
				ref.Pack(layer)(want, src, c.Y0, c.Y1)
				absSum := make([]float32, n)
				abs := &kernels.ConvF32Layer{Params: p, W: kerneltest.Abs(w), Bias: kerneltest.Abs(bias), Lo: -inf, Hi: inf}
				ref.Pack(abs)(absSum, kerneltest.Abs(src), c.Y0, c.Y1)

				g := kerneltest.NewGuarded[float32](n, (i+3)%4)
				impl.Pack(layer)(g.Out(), src, c.Y0, c.Y1)
				a, b := rowSpan(&p, c.Y0, c.Y1)
				kerneltest.CompareF32(t, g.Out()[a:b], want[a:b], absSum[a:b], taps(&p, depthwise), what)
				g.CheckUntouched(t, a, b, what)
				ran++
			}
			if ran == 0 && impl.Level != kernels.Generic {
				t.Fatalf("%s supports none of the %d cases: it was not exercised", impl.Name, len(cases))
			}
			t.Logf("%s (level %s): %d of %d cases within tolerance of %s, %d left to another implementation by Supports",
				impl.Name, impl.Level, ran, len(cases), ref.Name, elsewhere)
		})
	}
}

// weightLen is the number of weights of a conv ([OutC][KH][KW][InC]) or
// depthwise ([KH][KW][C]) layer.
func weightLen(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW * p.InC
	}
	return p.OutC * p.KH * p.KW * p.InC
}

// taps is the number of products in one output sum.
func taps(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW
	}
	return p.KH * p.KW * p.InC
}

// rowSpan is the element range of output rows [y0, y1).
func rowSpan(p *generic.ConvParams, y0, y1 int) (a, b int) {
	return y0 * p.OutW * p.OutC, y1 * p.OutW * p.OutC
}

// BenchmarkConvF32 runs every available implementation that supports it on
// MobileNet's first layer (1.0/224).
func BenchmarkConvF32(b *testing.B) {
	p := kerneltest.MobileNetFirstConv
	for _, impl := range kernels.All().ConvF32 {
		b.Run(impl.Name+"/"+convName(&p), func(b *testing.B) {
			r := kerneltest.Rand(11)
			l := &kernels.ConvF32Layer{Params: p, W: kerneltest.F32s(r, weightLen(&p, false)), Bias: kerneltest.F32s(r, p.OutC), Lo: 0, Hi: 6}
			benchConvF32(b, impl, l, taps(&p, false))
		})
	}
}

func benchConvF32(b *testing.B, impl *kernels.ConvF32, l *kernels.ConvF32Layer, taps int) {
	skipUnavailable(b, impl.Info)
	if !impl.Supports(l) {
		b.Skipf("%s does not support this layer", impl.Name)
	}
	p := &l.Params
	src, dst := kerneltest.F32s(kerneltest.Rand(12), p.InH*p.InW*p.InC), make([]float32, p.OutH*p.OutW*p.OutC)
	rows := impl.Pack(l)
	for b.Loop() {
		rows(dst, src, 0, p.OutH)
	}
	gmacs(b, p.OutH*p.OutW*p.OutC*taps)
}

// convName names a benchmark layer: input size, channels, stride.
func convName(p *generic.ConvParams) string {
	return fmt.Sprintf("in%d_c%d_k%d_s%d", p.InH, p.InC, p.OutC, p.StrideH)
}

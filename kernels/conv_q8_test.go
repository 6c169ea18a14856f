package kernels_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestConvQ8Equivalence(t *testing.T) { testConvQ8(t, kernels.All().ConvQ8, false) }

// testConvQ8 is the equivalence test of the int8 convolutions (full or
// depthwise), over three weight schemes: int8 per channel in [-127, 127]
// (zero point 0), int8 per channel with -128, and legacy uint8 with one zero
// point (weights minus it reach +-255); one case in seven has every product at
// its largest magnitude, one in eleven an input zero point beyond int8.
func testConvQ8(t *testing.T, reg []*kernels.ConvQ8, depthwise bool) {
	ref := reg[0]
	cases := kerneltest.ConvCases(depthwise)
	for _, impl := range reg {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(4)
			ran, elsewhere := 0, 0
			outputs := map[int8]bool{}
			for i, c := range cases {
				l := randConvQ8Layer(r, &c.P, depthwise, i)
				src := kerneltest.Shifted(kerneltest.I8s(r, c.P.InH*c.P.InW*c.P.InC, -128, 127), i%4)
				if i%7 == 3 {
					fill(src, -128)
				}
				what := fmt.Sprintf("%s %v xzp=%d rq=%s", impl.Name, c, l.XZP, kerneltest.RequantString(l.Requant))
				if !impl.Supports(l) {
					if sel, err := kernels.Select(reg, kernels.Auto, l); err != nil || !sel.Supports(l) {
						t.Fatalf("%s: unsupported and Select finds no implementation that supports it (%v)", what, err)
					}
					elsewhere++
					continue
				}
				n := c.P.OutH * c.P.OutW * c.P.OutC
				want := make([]int8, n)
				ref.Pack(l)(want, src, c.Y0, c.Y1)
				g := kerneltest.NewGuarded[int8](n, (i+3)%4)
				impl.Pack(l)(g.Out(), src, c.Y0, c.Y1)
				a, b := rowSpan(&c.P, c.Y0, c.Y1)
				kerneltest.CompareI8(t, g.Out()[a:b], want[a:b], what)
				g.CheckUntouched(t, a, b, what)
				for _, v := range want[a:b] {
					outputs[v] = true
				}
				ran++
			}
			if ran == 0 && impl.Level != kernels.Generic {
				t.Fatalf("%s supports none of the %d cases: it was not exercised", impl.Name, len(cases))
			}
			// The requantization must have been exercised over the int8
			// range, not only at its clamps.
			if impl == ref && len(outputs) < 200 {
				t.Fatalf("the reference produced only %d distinct outputs: the cases do not exercise requantization", len(outputs))
			}
			t.Logf("%s (level %s): %d of %d cases bit-exact with %s, %d left to another implementation by Supports",
				impl.Name, impl.Level, ran, len(cases), ref.Name, elsewhere)
		})
	}
}

// randConvQ8Layer returns random weights, zero points, bias, input zero
// point and requantization for p in the weight scheme of case i (see
// testConvQ8).
func randConvQ8Layer(r *rand.Rand, p *generic.ConvParams, depthwise bool, i int) *kernels.ConvQ8Layer {
	w := kerneltest.I8s(r, weightLen(p, depthwise), -128, 127)
	wzp := make([]int32, p.OutC)
	wspan := 255.0
	switch i % 3 {
	case 0: // int8, symmetric: the narrow (and SDOT) paths
		for j, v := range w {
			w[j] = max(v, -127)
		}
		wspan = 127
	case 1: // int8 with -128
		wspan = 128
	default: // legacy uint8: one zero point for the tensor
		fill(wzp, int32(r.IntN(256)-128))
	}
	xzp := int32(r.IntN(256) - 128)
	if i%7 == 3 { // the largest products: weights -128 and 127 against a zero point of -128 or 127
		for j := range w {
			w[j] = []int8{-128, 127}[j%2]
		}
		if i%3 == 2 {
			fill(wzp, []int32{-128, 127}[i%2])
		}
		xzp = 127
	}
	if i%11 == 10 {
		xzp = []int32{-300, 300}[i%2] // beyond int8: not every implementation takes it
	}
	var bias []int32
	if i%4 != 1 {
		bias = kerneltest.I32s(r, p.OutC, -30000, 30000)
	}
	rq := kerneltest.FitRequant(kerneltest.RandRequant(r, p.OutC, i), taps(p, depthwise), 128, wspan)
	return &kernels.ConvQ8Layer{Params: *p, W: w, WZP: wzp, Bias: bias, XZP: xzp, Requant: rq}
}

// BenchmarkConvQ8 runs every available implementation that supports it on
// MobileNet's first layer (1.0/224), int8 weights.
func BenchmarkConvQ8(b *testing.B) {
	p := kerneltest.MobileNetFirstConv
	for _, impl := range kernels.All().ConvQ8 {
		b.Run(impl.Name+"/"+convName(&p), func(b *testing.B) {
			benchConvQ8(b, impl, randConvQ8Layer(kerneltest.Rand(13), &p, false, 0), taps(&p, false))
		})
	}
}

func benchConvQ8(b *testing.B, impl *kernels.ConvQ8, l *kernels.ConvQ8Layer, taps int) {
	skipUnavailable(b, impl.Info)
	if !impl.Supports(l) {
		b.Skipf("%s does not support this layer", impl.Name)
	}
	p := &l.Params
	src, dst := kerneltest.I8s(kerneltest.Rand(14), p.InH*p.InW*p.InC, -128, 127), make([]int8, p.OutH*p.OutW*p.OutC)
	rows := impl.Pack(l)
	for b.Loop() {
		rows(dst, src, 0, p.OutH)
	}
	gmacs(b, p.OutH*p.OutW*p.OutC*taps)
}

package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// FuzzConvKernels checks the four convolution kernels and both average pools
// against the reference loops on fuzzed shapes, paddings and row ranges.
// go test runs the seeds; go test -fuzz FuzzConvKernels explores further.
func FuzzConvKernels(f *testing.F) {
	f.Add(uint8(0), uint8(7), uint8(9), uint8(3), uint8(3), uint8(3), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint64(1))
	f.Add(uint8(1), uint8(8), uint8(8), uint8(17), uint8(3), uint8(3), uint8(2), uint8(2), uint8(0), uint8(0), uint8(1), uint8(1), uint64(2))
	f.Add(uint8(2), uint8(5), uint8(13), uint8(2), uint8(5), uint8(1), uint8(3), uint8(1), uint8(4), uint8(0), uint8(0), uint8(0), uint64(3))
	f.Add(uint8(3), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint64(4))
	f.Add(uint8(4), uint8(7), uint8(7), uint8(33), uint8(7), uint8(7), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint8(0), uint64(5))
	f.Add(uint8(5), uint8(6), uint8(3), uint8(130), uint8(3), uint8(3), uint8(1), uint8(2), uint8(1), uint8(2), uint8(1), uint8(0), uint64(6))
	f.Fuzz(func(t *testing.T, kind, h, w, c, kh, kw, sh, sw, pt, pl, pb, pr uint8, seed uint64) {
		p := generic.ConvParams{
			InH: 1 + int(h)%16, InW: 1 + int(w)%16, InC: 1 + int(c)%160,
			KH: 1 + int(kh)%7, KW: 1 + int(kw)%7, StrideH: 1 + int(sh)%3, StrideW: 1 + int(sw)%3,
		}
		p.PadTop, p.PadLeft = int(pt)%p.KH, int(pl)%p.KW
		padB, padR := int(pb)%p.KH, int(pr)%p.KW
		if p.InH+p.PadTop+padB < p.KH || p.InW+p.PadLeft+padR < p.KW {
			return
		}
		p.OutH = (p.InH+p.PadTop+padB-p.KH)/p.StrideH + 1
		p.OutW = (p.InW+p.PadLeft+padR-p.KW)/p.StrideW + 1
		p.OutC = p.InC
		if kind%6 < 2 { // full convolution: fewer input channels, any output count
			p.InC = 1 + p.InC%9
			p.OutC = 1 + int(seed%19)
		}
		r := kerneltest.Rand(seed)
		inf := float32(math.Inf(1))
		y0 := r.IntN(p.OutH)
		y1 := y0 + 1 + r.IntN(p.OutH-y0)
		what := fmt.Sprintf("kind %d %+v rows [%d,%d)", kind%6, p, y0, y1)
		n := p.OutH * p.OutW * p.OutC
		switch kind % 6 {
		case 0, 1:
			nw := p.OutC * p.KH * p.KW * p.InC
			if kind%6 == 0 {
				src, wt, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, nw), kerneltest.F32s(r, p.OutC)
				want := refConvF32(&p, src, wt, bias, 0, 6, y0, y1)
				absSum := refConvF32(&p, kerneltest.Abs(src), kerneltest.Abs(wt), kerneltest.Abs(bias), -inf, inf, y0, y1)
				g := kerneltest.NewGuarded[float32](n, 1)
				generic.ConvF32(&p, g.Out(), src, wt, bias, y0, y1, 0, 6)
				checkRowsF32(t, g, want, absSum, &p, y0, y1, taps(&p, false), what)
				return
			}
			src, wt, bias := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, nw, -255, 255), kerneltest.I32s(r, p.OutC, -9000, 9000)
			rq := kerneltest.RandRequant(r, p.OutC, int(seed))
			xzp := int32(r.IntN(256) - 128)
			want := refConvQ8(&p, src, xzp, wt, bias, rq, y0, y1)
			g := kerneltest.NewGuarded[int8](n, 2)
			generic.ConvQ8(&p, g.Out(), src, xzp, wt, bias, rq, y0, y1)
			checkRowsI8(t, g, want, &p, y0, y1, what)
		case 2:
			src, wt, bias := kerneltest.F32s(r, p.InH*p.InW*p.InC), kerneltest.F32s(r, p.KH*p.KW*p.InC), kerneltest.F32s(r, p.InC)
			want := refDWConvF32(&p, src, wt, bias, -1, 1, y0, y1)
			absSum := refDWConvF32(&p, kerneltest.Abs(src), kerneltest.Abs(wt), kerneltest.Abs(bias), -inf, inf, y0, y1)
			g := kerneltest.NewGuarded[float32](n, 3)
			generic.DWConvF32(&p, g.Out(), src, wt, bias, y0, y1, -1, 1)
			checkRowsF32(t, g, want, absSum, &p, y0, y1, taps(&p, true), what)
		case 3:
			src, wt, bias := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127), kerneltest.I16s(r, p.KH*p.KW*p.InC, -255, 255), kerneltest.I32s(r, p.InC, -9000, 9000)
			rq := kerneltest.RandRequant(r, p.InC, int(seed))
			xzp := int32(r.IntN(256) - 128)
			want := refDWConvQ8(&p, src, xzp, wt, bias, rq, y0, y1)
			g := kerneltest.NewGuarded[int8](n, 0)
			generic.DWConvQ8(&p, g.Out(), src, xzp, wt, bias, rq, y0, y1)
			checkRowsI8(t, g, want, &p, y0, y1, what)
		case 4:
			src := kerneltest.F32s(r, p.InH*p.InW*p.InC)
			want := refAvgPoolF32(&p, src, -0.5, 0.5)
			absMean := refAvgPoolF32(&p, kerneltest.Abs(src), -inf, inf)
			g := kerneltest.NewGuarded[float32](n, 1)
			generic.AvgPoolF32(&p, g.Out(), src, -0.5, 0.5)
			kerneltest.CompareF32(t, g.Out(), want, absMean, p.KH*p.KW, what)
			g.CheckUntouched(t, 0, n, what)
		default:
			src := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127)
			xzp, ozp := int32(r.IntN(256)-128), int32(r.IntN(21)-10)
			want := refAvgPoolQ8(&p, src, xzp, 0.9, ozp, -128, 127)
			g := kerneltest.NewGuarded[int8](n, 1)
			generic.AvgPoolQ8(&p, g.Out(), src, xzp, 0.9, ozp, -128, 127)
			kerneltest.CompareI8(t, g.Out(), want, what)
			g.CheckUntouched(t, 0, n, what)
		}
	})
}

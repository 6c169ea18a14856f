package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

func refAvgPoolF32(p *generic.ConvParams, src []float32, lo, hi float32) []float32 {
	C := p.OutC
	dst := make([]float32, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var sum float32
				count := 0
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							sum += src[(iy*p.InW+ix)*C+c]
							count++
						}
					}
				}
				var v float32
				if count > 0 {
					v = sum / float32(count)
				}
				dst[(oy*p.OutW+ox)*C+c] = min(max(v, lo), hi)
			}
		}
	}
	return dst
}

func refAvgPoolQ8(p *generic.ConvParams, src []int8, xzp int32, scale float32, ozp, lo, hi int32) []int8 {
	C := p.OutC
	dst := make([]int8, p.OutH*p.OutW*C)
	for oy := 0; oy < p.OutH; oy++ {
		for ox := 0; ox < p.OutW; ox++ {
			for c := 0; c < C; c++ {
				var sum int32
				count := 0
				for ky := 0; ky < p.KH; ky++ {
					for kx := 0; kx < p.KW; kx++ {
						iy, ix := oy*p.StrideH-p.PadTop+ky, ox*p.StrideW-p.PadLeft+kx
						if inBounds(p, iy, ix) {
							sum += int32(src[(iy*p.InW+ix)*C+c]) - xzp
							count++
						}
					}
				}
				var r int32
				if count > 0 {
					f := float32(float32(sum)*scale) / float32(count)
					r = int32(math.Round(float64(f)))
				}
				dst[(oy*p.OutW+ox)*C+c] = int8(min(max(r+ozp, lo), hi))
			}
		}
	}
	return dst
}

func TestAvgPoolF32(t *testing.T) {
	r := newRand(21)
	for i, c := range convCases(true, 22) {
		p := c.p
		src := offsetF32(randF32(r, p.InH*p.InW*p.InC), i%4)
		cl := clampsF32[i%len(clampsF32)]
		want := refAvgPoolF32(&p, src, cl.lo, cl.hi)
		g := newGuardedF32(len(want), i%3)
		generic.AvgPoolF32(&p, g.out(), src, cl.lo, cl.hi)
		compareF32(t, g.out(), want, c.String())
		g.checkGuards(t)
	}
}

func TestAvgPoolQ8(t *testing.T) {
	r := newRand(23)
	for i, c := range convCases(true, 24) {
		p := c.p
		src := offsetI8(randI8(r, p.InH*p.InW*p.InC), i%4)
		xzp, ozp := int32(r.IntN(256)-128), int32(r.IntN(41)-20)
		scale := 0.5 + r.Float32()
		lo, hi := int32(-128), int32(127)
		if i%3 == 1 {
			lo, hi = ozp, min(127, ozp+60)
		}
		want := refAvgPoolQ8(&p, src, xzp, scale, ozp, lo, hi)
		g := newGuardedI8(len(want), i%3)
		generic.AvgPoolQ8(&p, g.out(), src, xzp, scale, ozp, lo, hi)
		compareI8(t, g.out(), want, fmt.Sprintf("%v xzp=%d", c, xzp))
		g.checkGuards(t)
	}
}

// TestAvgPoolQ8Rounding pins the rounding rule: a mean of exactly +-0.5 steps
// rounds away from zero.
func TestAvgPoolQ8Rounding(t *testing.T) {
	p := &generic.ConvParams{InH: 1, InW: 2, InC: 2, OutH: 1, OutW: 1, OutC: 2, KH: 1, KW: 2, StrideH: 1, StrideW: 1}
	src := []int8{1, -1, 0, 0} // channel 0: mean 0.5, channel 1: mean -0.5
	got := make([]int8, 2)
	generic.AvgPoolQ8(p, got, src, 0, 1, 0, -128, 127)
	if got[0] != 1 || got[1] != -1 {
		t.Fatalf("AvgPoolQ8 means +-0.5 = %v, want [1 -1]", got)
	}
}

func TestSoftmaxF32(t *testing.T) {
	r := newRand(25)
	for _, n := range []int{1, 2, 3, 17, 1001} {
		for _, beta := range []float32{1, 0.5, 2} {
			src := randF32(r, n)
			for i := range src {
				src[i] *= 20
			}
			got := make([]float32, n)
			generic.SoftmaxF32(got, src, beta)
			var sum, mx float64
			mx = math.Inf(-1)
			for _, v := range src {
				mx = math.Max(mx, float64(v))
			}
			for _, v := range src {
				sum += math.Exp(float64(beta) * (float64(v) - mx))
			}
			for i, v := range src {
				want := math.Exp(float64(beta)*(float64(v)-mx)) / sum
				if math.Abs(float64(got[i])-want) > 1e-6 {
					t.Fatalf("n=%d beta=%v: softmax[%d] = %v, want %v", n, beta, i, got[i], want)
				}
			}
		}
	}
	// Large logits must not overflow: the max is subtracted first.
	got := make([]float32, 2)
	generic.SoftmaxF32(got, []float32{1000, 1000}, 1)
	if got[0] != 0.5 || got[1] != 0.5 {
		t.Fatalf("softmax of equal large logits = %v, want [0.5 0.5]", got)
	}
}

func TestSoftmaxQ8(t *testing.T) {
	r := newRand(26)
	const n = 1001
	src := randI8(r, n)
	inScale, inZP := float32(0.1), int32(-3)
	outScale, outZP := float32(1.0/256), int32(-128)
	got := make([]int8, n)
	generic.SoftmaxQ8(got, src, inScale, inZP, 1, outScale, outZP)
	x := make([]float32, n)
	for i, v := range src {
		x[i] = float32(int32(v)-inZP) * inScale
	}
	y := make([]float32, n)
	generic.SoftmaxF32(y, x, 1)
	for i := range y {
		q := math.Round(float64(y[i]/outScale)) + float64(outZP)
		want := int8(math.Min(127, math.Max(-128, q)))
		if got[i] != want {
			t.Fatalf("softmax q8[%d] = %d, want %d", i, got[i], want)
		}
	}
	// One dominant logit saturates at 127 (probability 1 is 256 steps).
	src = []int8{127, -128, -128}
	generic.SoftmaxQ8(got[:3], src, 1, 0, 1, outScale, outZP)
	if got[0] != 127 || got[1] != -128 {
		t.Fatalf("saturated softmax = %v, want [127 -128 -128]", got[:3])
	}
}

func TestQuantizeRoundTrip(t *testing.T) {
	cases := []struct {
		v     float32
		scale float32
		zp    int32
		want  int8
	}{
		{0.5, 1, 0, 1}, {-0.5, 1, 0, -1}, {1.49, 1, 0, 1}, {2.5, 1, 3, 6},
		{1e9, 0.01, 0, 127}, {-1e9, 0.01, 0, -128}, {float32(math.NaN()), 1, 7, 7},
		{float32(math.Inf(1)), 1, 0, 127}, {0.25, 0.5, -128, -127},
	}
	for _, c := range cases {
		if got := generic.QuantizeValue(c.v, c.scale, c.zp); got != c.want {
			t.Errorf("QuantizeValue(%v, %v, %d) = %d, want %d", c.v, c.scale, c.zp, got, c.want)
		}
	}
	src := []int8{-128, -1, 0, 5, 127}
	f := make([]float32, len(src))
	generic.DequantizeQ8(f, src, 0.5, 5)
	want := []float32{-66.5, -3, -2.5, 0, 61}
	for i := range want {
		if f[i] != want[i] {
			t.Fatalf("DequantizeQ8 = %v, want %v", f, want)
		}
	}
	back := make([]int8, len(src))
	generic.QuantizeF32(back, f, 0.5, 5)
	compareI8(t, back, src, "quantize(dequantize(x))")
}

func TestFoldPointwiseBiasQ8(t *testing.T) {
	w := []int8{1, 2, 3, -4, -5, -6} // n=2, k=3
	sums := generic.RowSumsQ8(w, 2, 3)
	if sums[0] != 6 || sums[1] != -15 {
		t.Fatalf("RowSumsQ8 = %v, want [6 -15]", sums)
	}
	// bias' = bias - xzp*rowsum + k*xzp*wzp
	got := generic.FoldPointwiseBiasQ8([]int32{100, -100}, w, 2, 3, 2, -1)
	if got[0] != 100-12-6 || got[1] != -100+30-6 {
		t.Fatalf("FoldPointwiseBiasQ8 = %v, want [82 -76]", got)
	}
	// Folded bias plus PointwiseQ8 equals the full zero-point formula.
	r := newRand(27)
	const m, k, n = 5, 19, 7
	src, wq := randI8(r, m*k), randI8(r, n*k)
	xzp, wzp := int32(-9), int32(4)
	rq := &generic.Requant{Scale: make([]float32, n), Min: -128, Max: 127}
	for j := range rq.Scale {
		rq.Scale[j] = 0.003
	}
	gotQ := make([]int8, m*n)
	generic.PointwiseQ8(gotQ, src, m, k, n, generic.PackPointwiseQ8(wq, n, k), generic.FoldPointwiseBiasQ8(nil, wq, n, k, xzp, wzp), wzp, rq)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc int32
			for kk := 0; kk < k; kk++ {
				acc += (int32(src[i*k+kk]) - xzp) * (int32(wq[j*k+kk]) - wzp)
			}
			if want := generic.Requantize(acc, 0.003, 0, -128, 127); gotQ[i*n+j] != want {
				t.Fatalf("row %d col %d = %d, want %d", i, j, gotQ[i*n+j], want)
			}
		}
	}
}

// TestRoundHalfAway checks the fast rounding against math.Round on ties,
// neighbours of ties, tiny values and the saturation ends.
func TestRoundHalfAway(t *testing.T) {
	vals := []float32{0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e-30, -1e-30,
		126.5, -127.5, 8388607.5, -8388607.5, 8388609, 1 << 29, -(1 << 29)}
	for i := -70000; i <= 70000; i++ {
		vals = append(vals, float32(i)+0.5, float32(i)/8)
	}
	r := newRand(28)
	for range 100000 {
		vals = append(vals, (r.Float32()*2-1)*float32(int(1)<<r.IntN(30)))
	}
	for _, v := range vals {
		want := int32(math.Round(float64(v)))
		if got := generic.RoundHalfAway(v); got != want {
			t.Fatalf("RoundHalfAway(%v) = %d, want %d", v, got, want)
		}
		if n := math.Nextafter32(v, 1); float32(math.Abs(float64(n))) < 1<<29 {
			if got, want := generic.RoundHalfAway(n), int32(math.Round(float64(n))); got != want {
				t.Fatalf("RoundHalfAway(%v) = %d, want %d", n, got, want)
			}
		}
	}
	for v, want := range map[float32]int32{3e9: 1 << 30, -3e9: -(1 << 30), float32(math.Inf(1)): 1 << 30, float32(math.NaN()): 0} {
		if got := generic.RoundHalfAway(v); got != want {
			t.Errorf("RoundHalfAway(%v) = %d, want %d", v, got, want)
		}
	}
	if got := generic.Requantize(2147483647, 100, 0, -128, 127); got != 127 {
		t.Errorf("Requantize of a huge positive value = %d, want 127 (saturation)", got)
	}
}

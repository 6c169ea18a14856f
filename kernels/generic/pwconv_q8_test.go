package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refPointwiseQ8 is the obvious int32 loop over unpacked weights w [n][k].
func refPointwiseQ8(src []int8, m, k, n int, w []int8, bias []int32, wzp int32, rq *generic.Requant) []int8 {
	dst := make([]int8, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc int32
			if bias != nil {
				acc = bias[j]
			}
			for kk := 0; kk < k; kk++ {
				acc += int32(src[i*k+kk]) * (int32(w[j*k+kk]) - wzp)
			}
			dst[i*n+j] = generic.Requantize(acc, rq.Scale[j], rq.ZeroPoint, rq.Min, rq.Max)
		}
	}
	return dst
}

func TestPointwiseQ8(t *testing.T) {
	r := kerneltest.Rand(2)
	wzps := []int32{0, 0, -3, 17, -128, 127}
	for ci, s := range kerneltest.PointwiseShapes(generic.PointwiseTileM) {
		m, k, n := s.M, s.K, s.N
		wzp := wzps[ci%len(wzps)]
		off := ci % 4
		src := kerneltest.Shifted(kerneltest.I8s(r, m*k, -128, 127), off)
		w := kerneltest.I8s(r, n*k, -128, 127)
		var bias []int32
		if ci%5 != 0 {
			bias = kerneltest.I32s(r, n, -5000, 5000)
		}
		rq := kerneltest.RandRequant(r, n, ci)
		// Weights as stored (w) with zero point wzp: the kernel sees w and
		// subtracts wzp*rowsum itself.
		want := refPointwiseQ8(src, m, k, n, w, bias, wzp, rq)
		g := kerneltest.NewGuarded[int8](m*n, (off+1)%4)
		generic.PointwiseQ8(g.Out(), src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, wzp, rq)
		what := fmt.Sprintf("%v wzp=%d", s, wzp)
		kerneltest.CompareI8(t, g.Out(), want, what)
		g.CheckUntouched(t, 0, m*n, what)
	}
}

// TestPointwiseQ8Extremes drives the accumulators to their largest values:
// every input and weight at -128, the largest k of the model.
func TestPointwiseQ8Extremes(t *testing.T) {
	const m, k, n = 4, 1024, 5
	for _, v := range []int8{-128, 127} {
		src := make([]int8, m*k)
		w := make([]int8, n*k)
		for i := range src {
			src[i] = v
		}
		for i := range w {
			w[i] = -128
		}
		rq := &generic.Requant{Scale: []float32{1e-7, 1e-6, 1e-5, 3e-5, 1}, ZeroPoint: 3, Min: -128, Max: 127}
		for _, wzp := range []int32{0, -128, 127} {
			want := refPointwiseQ8(src, m, k, n, w, nil, wzp, rq)
			got := make([]int8, m*n)
			generic.PointwiseQ8(got, src, m, k, n, generic.PackPointwiseQ8(w, n, k), nil, wzp, rq)
			kerneltest.CompareI8(t, got, want, fmt.Sprintf("x=%d wzp=%d", v, wzp))
		}
	}
}

// TestPointwiseQ8LongK runs a long k with every product at its maximum: the
// SWAR lanes are full in every chunk and the int32 sums reach 2.3e9 and wrap,
// while wzp = -128 cancels them back to the bias, so an accumulator off by
// one shows in the output.
func TestPointwiseQ8LongK(t *testing.T) {
	const m, k, n = 7, 140000, 3
	src := make([]int8, m*k)
	w := make([]int8, n*k)
	for i := range src {
		src[i] = -128
	}
	for i := range w {
		w[i] = -128
	}
	w[2*k] = 5
	bias := []int32{5, -5, 0}
	rq := &generic.Requant{Scale: []float32{1, 1, 0.001}, Min: -128, Max: 127}
	want := refPointwiseQ8(src, m, k, n, w, bias, -128, rq)
	if want[0] != 5 || want[1] != -5 || want[2] != -17 {
		t.Fatalf("reference row 0 = %v, want [5 -5 -17]", want[:3])
	}
	got := make([]int8, m*n)
	generic.PointwiseQ8(got, src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, -128, rq)
	kerneltest.CompareI8(t, got, want, "k=140000")
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
	r := kerneltest.Rand(27)
	const m, k, n = 5, 19, 7
	src, wq := kerneltest.I8s(r, m*k, -128, 127), kerneltest.I8s(r, n*k, -128, 127)
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

// BenchmarkPointwiseQ8 runs the pointwise layers of MobileNet 1.0/224 and
// its classifier.
func BenchmarkPointwiseQ8(b *testing.B) {
	for _, s := range kerneltest.MobileNetPointwise {
		b.Run(s.String(), func(b *testing.B) {
			r := kerneltest.Rand(4)
			src, w, bias := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, -128, 127), kerneltest.I32s(r, s.N, -1000, 1000)
			rq := kerneltest.RandRequant(r, s.N, 1)
			packed := generic.PackPointwiseQ8(w, s.N, s.K)
			dst := make([]int8, s.M*s.N)
			measure(b, int64(s.M*s.K*s.N), func() {
				generic.PointwiseQ8(dst, src, s.M, s.K, s.N, packed, bias, 0, rq)
			})
		})
	}
}

package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// refPointwiseF32 is PointwiseF32's reference loop over unpacked weights w
// [n][k].
func refPointwiseF32(src []float32, m, k, n int, w, bias []float32, lo, hi float32) []float32 {
	dst := make([]float32, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var acc float32
			if bias != nil {
				acc = bias[j]
			}
			for kk := 0; kk < k; kk++ {
				acc += src[i*k+kk] * w[j*k+kk]
			}
			dst[i*n+j] = min(max(acc, lo), hi)
		}
	}
	return dst
}

func TestPointwiseF32(t *testing.T) {
	r := kerneltest.Rand(1)
	inf := float32(math.Inf(1))
	for ci, s := range kerneltest.PointwiseShapes(generic.PointwiseTileM) {
		m, k, n := s.M, s.K, s.N
		cl := kerneltest.Clamps[ci%len(kerneltest.Clamps)]
		off := ci % 4
		src := kerneltest.Shifted(kerneltest.F32s(r, m*k), off)
		w := kerneltest.F32s(r, n*k)
		var bias []float32
		if ci%5 != 0 {
			bias = kerneltest.F32s(r, n)
		}
		want := refPointwiseF32(src, m, k, n, w, bias, cl.Lo, cl.Hi)
		absSum := refPointwiseF32(kerneltest.Abs(src), m, k, n, kerneltest.Abs(w), kerneltest.Abs(bias), -inf, inf)
		g := kerneltest.NewGuarded[float32](m*n, (off+1)%4)
		generic.PointwiseF32(g.Out(), src, m, k, n, generic.PackPointwiseF32(w, n, k), bias, cl.Lo, cl.Hi)
		what := fmt.Sprintf("%v clamp=%s", s, cl.Name)
		kerneltest.CompareF32(t, g.Out(), want, absSum, k, what)
		g.CheckUntouched(t, 0, m*n, what)
	}
}

// BenchmarkPointwiseF32 runs the pointwise layers of MobileNet 1.0/224 and
// its classifier.
func BenchmarkPointwiseF32(b *testing.B) {
	for _, s := range kerneltest.MobileNetPointwise {
		b.Run(s.String(), func(b *testing.B) {
			r := kerneltest.Rand(3)
			src, w, bias := kerneltest.F32s(r, s.M*s.K), kerneltest.F32s(r, s.N*s.K), kerneltest.F32s(r, s.N)
			packed := generic.PackPointwiseF32(w, s.N, s.K)
			dst := make([]float32, s.M*s.N)
			measure(b, int64(s.M*s.K*s.N), func() {
				generic.PointwiseF32(dst, src, s.M, s.K, s.N, packed, bias, 0, 6)
			})
		})
	}
}

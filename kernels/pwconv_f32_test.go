package kernels_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestPointwiseF32Equivalence(t *testing.T) {
	reg := kernels.All().PointwiseF32
	ref := reg[0]
	inf := float32(math.Inf(1))
	for _, impl := range reg {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(1)
			ran := 0
			for i, s := range kerneltest.PointwiseShapes(impl.TileM) {
				if !impl.Supports(&kernels.PointwiseLayer{K: s.K, N: s.N}) {
					t.Fatalf("%s does not support %v: every float32 pointwise layer must run", impl.Name, s)
				}
				cl := kerneltest.Clamps[i%len(kerneltest.Clamps)]
				src := kerneltest.Shifted(kerneltest.F32s(r, s.M*s.K), i%4)
				w := kerneltest.F32s(r, s.N*s.K)
				var bias []float32
				if i%3 != 0 {
					bias = kerneltest.F32s(r, s.N)
				}
				want := make([]float32, s.M*s.N)
				ref.Run(want, src, s.M, s.K, s.N, ref.Pack(w, s.N, s.K), bias, cl.Lo, cl.Hi)
				absSum := make([]float32, s.M*s.N)
				ref.Run(absSum, kerneltest.Abs(src), s.M, s.K, s.N, ref.Pack(kerneltest.Abs(w), s.N, s.K), kerneltest.Abs(bias), -inf, inf)

				g := kerneltest.NewGuarded[float32](s.M*s.N, (i+1)%4)
				impl.Run(g.Out(), src, s.M, s.K, s.N, impl.Pack(w, s.N, s.K), bias, cl.Lo, cl.Hi)
				what := fmt.Sprintf("%s %v clamp=%s", impl.Name, s, cl.Name)
				kerneltest.CompareF32(t, g.Out(), want, absSum, s.K, what)
				g.CheckUntouched(t, 0, s.M*s.N, what)
				ran++
			}
			t.Logf("%s (level %s, TileM %d): %d shapes within tolerance of %s", impl.Name, impl.Level, impl.TileM, ran, ref.Name)
		})
	}
}

// TestPointwiseF32RowSplit: the runtime splits a layer's rows across workers
// in multiples of the implementation's TileM and runs each slice with the
// same packed weights; that must give exactly the result of one call.
func TestPointwiseF32RowSplit(t *testing.T) {
	for _, impl := range kernels.All().PointwiseF32 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(9)
			for _, s := range kerneltest.SplitShapes {
				src, w, bias := kerneltest.F32s(r, s.M*s.K), kerneltest.F32s(r, s.N*s.K), kerneltest.F32s(r, s.N)
				packed := impl.Pack(w, s.N, s.K)
				whole := make([]float32, s.M*s.N)
				impl.Run(whole, src, s.M, s.K, s.N, packed, bias, 0, 6)
				for a := impl.TileM; a < s.M; a += impl.TileM {
					parts := make([]float32, s.M*s.N)
					impl.Run(parts[:a*s.N], src[:a*s.K], a, s.K, s.N, packed, bias, 0, 6)
					impl.Run(parts[a*s.N:], src[a*s.K:], s.M-a, s.K, s.N, packed, bias, 0, 6)
					for i := range whole {
						if math.Float32bits(parts[i]) != math.Float32bits(whole[i]) {
							t.Fatalf("%v split at row %d: element %d = %v, one call gives %v", s, a, i, parts[i], whole[i])
						}
					}
				}
			}
			t.Logf("%s: row splits at multiples of TileM %d match one call", impl.Name, impl.TileM)
		})
	}
}

// BenchmarkPointwiseF32 runs every available implementation on the
// pointwise layers of MobileNet-V1 1.0/224, named <impl>/<shape> for
// benchstat, with GMAC/s reported.
func BenchmarkPointwiseF32(b *testing.B) {
	for _, impl := range kernels.All().PointwiseF32 {
		for _, s := range kerneltest.MobileNetPointwise {
			b.Run(impl.Name+"/"+s.String(), func(b *testing.B) {
				skipUnavailable(b, impl.Info)
				r := kerneltest.Rand(5)
				src, w, bias := kerneltest.F32s(r, s.M*s.K), kerneltest.F32s(r, s.N*s.K), kerneltest.F32s(r, s.N)
				packed, dst := impl.Pack(w, s.N, s.K), make([]float32, s.M*s.N)
				for b.Loop() {
					impl.Run(dst, src, s.M, s.K, s.N, packed, bias, 0, 6)
				}
				gmacs(b, s.M*s.K*s.N)
			})
		}
	}
}

func gmacs(b *testing.B, macs int) {
	b.ReportMetric(float64(macs)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

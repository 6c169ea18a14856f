package kernels_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestPointwiseQ8Equivalence(t *testing.T) {
	reg := kernels.All().PointwiseQ8
	ref := reg[0]
	wzps := []int32{0, 0, -3, 21, -128, 127, 100}
	for _, impl := range reg {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(2)
			ran, elsewhere := 0, 0
			for i, s := range kerneltest.PointwiseShapes(impl.TileM) {
				wzp := wzps[i%len(wzps)]
				src := kerneltest.Shifted(kerneltest.I8s(r, s.M*s.K, -128, 127), i%4)
				w := kerneltest.I8s(r, s.N*s.K, -128, 127)
				if i%5 == 0 { // the largest products: every input and weight -128
					fill(src, -128)
					fill(w, -128)
				}
				var bias []int32
				if i%3 != 0 {
					bias = kerneltest.I32s(r, s.N, -20000, 20000)
				}
				rq := kerneltest.RandRequant(r, s.N, i)
				switch i % 7 {
				case 5: // the ends of the int8 zero points
					rq.ZeroPoint = []int32{-128, 127}[i%2]
				case 6: // beyond int8: not every implementation takes it
					rq.ZeroPoint = []int32{-300, 300}[i%2]
				}
				what := fmt.Sprintf("%s %v wzp=%d rq=%s", impl.Name, s, wzp, kerneltest.RequantString(rq))
				layer := &kernels.PointwiseLayer{K: s.K, N: s.N, Requant: rq}
				if !impl.Supports(layer) {
					if sel, err := kernels.Select(reg, kernels.Auto, layer); err != nil || !sel.Supports(layer) {
						t.Fatalf("%s: %s does not support the layer and Select finds none that does (%v)", what, impl.Name, err)
					}
					elsewhere++
					continue
				}
				want := make([]int8, s.M*s.N)
				ref.Run(want, src, s.M, s.K, s.N, ref.Pack(w, s.N, s.K), bias, wzp, rq)

				g := kerneltest.NewGuarded[int8](s.M*s.N, (i+1)%4)
				impl.Run(g.Out(), src, s.M, s.K, s.N, impl.Pack(w, s.N, s.K), bias, wzp, rq)
				kerneltest.CompareI8(t, g.Out(), want, what)
				g.CheckUntouched(t, 0, s.M*s.N, what)
				ran++
			}
			t.Logf("%s (level %s, TileM %d): %d shapes bit-exact with %s, %d left to another implementation by Supports",
				impl.Name, impl.Level, impl.TileM, ran, ref.Name, elsewhere)
		})
	}
}

// TestPointwiseQ8RowSplit is TestPointwiseF32RowSplit for int8.
func TestPointwiseQ8RowSplit(t *testing.T) {
	for _, impl := range kernels.All().PointwiseQ8 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Info)
			r := kerneltest.Rand(10)
			for _, s := range kerneltest.SplitShapes {
				src, w, bias := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, -128, 127), kerneltest.I32s(r, s.N, -5000, 5000)
				rq := kerneltest.RandRequant(r, s.N, 0)
				packed := impl.Pack(w, s.N, s.K)
				whole := make([]int8, s.M*s.N)
				impl.Run(whole, src, s.M, s.K, s.N, packed, bias, 7, rq)
				for a := impl.TileM; a < s.M; a += impl.TileM {
					parts := make([]int8, s.M*s.N)
					impl.Run(parts[:a*s.N], src[:a*s.K], a, s.K, s.N, packed, bias, 7, rq)
					impl.Run(parts[a*s.N:], src[a*s.K:], s.M-a, s.K, s.N, packed, bias, 7, rq)
					kerneltest.CompareI8(t, parts, whole, fmt.Sprintf("%s %v split at row %d", impl.Name, s, a))
				}
			}
			t.Logf("%s: row splits at multiples of TileM %d match one call", impl.Name, impl.TileM)
		})
	}
}

func BenchmarkPointwiseQ8(b *testing.B) {
	for _, impl := range kernels.All().PointwiseQ8 {
		for _, s := range kerneltest.MobileNetPointwise {
			b.Run(impl.Name+"/"+s.String(), func(b *testing.B) {
				skipUnavailable(b, impl.Info)
				r := kerneltest.Rand(6)
				src, w, bias := kerneltest.I8s(r, s.M*s.K, -128, 127), kerneltest.I8s(r, s.N*s.K, -127, 127), kerneltest.I32s(r, s.N, -1000, 1000)
				rq := kerneltest.RandRequant(r, s.N, 1)
				packed, dst := impl.Pack(w, s.N, s.K), make([]int8, s.M*s.N)
				for b.Loop() {
					impl.Run(dst, src, s.M, s.K, s.N, packed, bias, 0, rq)
				}
				gmacs(b, s.M*s.K*s.N)
			})
		}
	}
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

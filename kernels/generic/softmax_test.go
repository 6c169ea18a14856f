package generic_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestSoftmaxF32(t *testing.T) {
	r := kerneltest.Rand(25)
	for _, n := range []int{1, 2, 3, 17, 1001} {
		for _, beta := range []float32{1, 0.5, 2} {
			src := kerneltest.F32s(r, n)
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
				if math.Abs(float64(got[i])-want) > kerneltest.ProbTol {
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
	r := kerneltest.Rand(26)
	const n = 1001
	src := kerneltest.I8s(r, n, -128, 127)
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

// TestSoftmaxQ8Paths checks that both ways SoftmaxQ8 computes (a table of
// exponentials, or each exponential twice for short inputs) give exactly the
// dequantize, SoftmaxF32, quantize composition, also when dst aliases src.
func TestSoftmaxQ8Paths(t *testing.T) {
	r := kerneltest.Rand(43)
	for _, n := range []int{1, 2, 5, 40, 255, 256, 257, 1001} {
		for _, narrow := range []bool{false, true} {
			src := kerneltest.I8s(r, n, -128, 127)
			if narrow {
				for i := range src {
					src[i] = src[i]/16 - 40 // 16 distinct values
				}
			}
			inScale, inZP, beta := float32(0.07)+r.Float32()*0.2, int32(r.IntN(51)-25), float32(0.5+r.Float32())
			x := make([]float32, n)
			generic.DequantizeQ8(x, src, inScale, inZP)
			generic.SoftmaxF32(x, x, beta)
			want := make([]int8, n)
			generic.QuantizeF32(want, x, 1.0/256, -128)

			got := make([]int8, n)
			generic.SoftmaxQ8(got, src, inScale, inZP, beta, 1.0/256, -128)
			kerneltest.CompareI8(t, got, want, fmt.Sprintf("n=%d narrow=%t", n, narrow))
			generic.SoftmaxQ8(src, src, inScale, inZP, beta, 1.0/256, -128)
			kerneltest.CompareI8(t, src, want, fmt.Sprintf("n=%d narrow=%t in place", n, narrow))
		}
	}
}

// BenchmarkSoftmax is the classifier softmax over MobileNet's 1001 classes.
func BenchmarkSoftmax(b *testing.B) {
	const n = 1001
	r := kerneltest.Rand(9)
	b.Run("f32_n1001", func(b *testing.B) {
		src, dst := kerneltest.F32s(r, n), make([]float32, n)
		b.ReportAllocs()
		for b.Loop() {
			generic.SoftmaxF32(dst, src, 1)
		}
	})
	b.Run("q8_n1001", func(b *testing.B) {
		src, dst := kerneltest.I8s(r, n, -128, 127), make([]int8, n)
		b.ReportAllocs()
		for b.Loop() {
			generic.SoftmaxQ8(dst, src, 0.14, -20, 1, 1.0/256, -128)
		}
	})
}

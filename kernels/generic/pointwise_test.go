package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// refPointwiseF32 is the obvious loop over unpacked weights w [n][k].
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

// pointwiseShapes are awkward GEMM shapes: rows around the register tile,
// channels around the panel width and the awkward counts of ncnn, one k large
// enough to split the weights into several cache blocks.
func pointwiseShapes() [][3]int {
	var shapes [][3]int
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 13} {
		for _, k := range []int{1, 2, 3, 4, 7, 8, 16, 17, 33} {
			for _, n := range []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 33} {
				shapes = append(shapes, [3]int{m, k, n})
			}
		}
	}
	// k=5000 and k=9000 split the packed weights into several column blocks
	// (float32 and int8 respectively).
	return append(shapes, [3]int{20, 300, 70}, [3]int{7, 5000, 23}, [3]int{8, 9000, 41}, [3]int{49, 64, 1001})
}

func TestPointwiseF32(t *testing.T) {
	r := newRand(1)
	for ci, s := range pointwiseShapes() {
		m, k, n := s[0], s[1], s[2]
		cl := clampsF32[ci%len(clampsF32)]
		off := ci % 4
		src := offsetF32(randF32(r, m*k), off)
		w := randF32(r, n*k)
		var bias []float32
		if ci%5 != 0 {
			bias = randF32(r, n)
		}
		want := refPointwiseF32(src, m, k, n, w, bias, cl.lo, cl.hi)
		g := newGuardedF32(m*n, (off+1)%4)
		generic.PointwiseF32(g.out(), src, m, k, n, generic.PackPointwiseF32(w, n, k), bias, cl.lo, cl.hi)
		compareF32(t, g.out(), want, fmt.Sprintf("m=%d k=%d n=%d clamp=[%v,%v]", m, k, n, cl.lo, cl.hi))
		g.checkGuards(t)
	}
}

func TestPointwiseQ8(t *testing.T) {
	r := newRand(2)
	wzps := []int32{0, 0, -3, 17, -128, 127}
	for ci, s := range pointwiseShapes() {
		m, k, n := s[0], s[1], s[2]
		wzp := wzps[ci%len(wzps)]
		off := ci % 4
		src := offsetI8(randI8(r, m*k), off)
		w := randI8(r, n*k)
		var bias []int32
		if ci%5 != 0 {
			bias = randI32(r, n, -5000, 5000)
		}
		rq := randRequant(r, n, ci)
		// Weights as stored (w) with zero point wzp: the kernel sees w and
		// subtracts wzp*rowsum itself.
		want := refPointwiseQ8(src, m, k, n, w, bias, wzp, rq)
		g := newGuardedI8(m*n, (off+1)%4)
		generic.PointwiseQ8(g.out(), src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, wzp, rq)
		compareI8(t, g.out(), want, fmt.Sprintf("m=%d k=%d n=%d wzp=%d", m, k, n, wzp))
		g.checkGuards(t)
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
			compareI8(t, got, want, fmt.Sprintf("x=%d wzp=%d", v, wzp))
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
	compareI8(t, got, want, "k=140000")
}

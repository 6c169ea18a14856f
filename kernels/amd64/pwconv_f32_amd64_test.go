//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// f32PWImpl is one float32 pointwise implementation under test.
type f32PWImpl struct {
	name  string
	avail bool
	tileM int
	pack  func(w []float32, n, k int) []float32
	run   func(dst, src []float32, m, k, n int, packed, bias []float32, lo, hi float32)
}

func f32PWImpls() []f32PWImpl {
	return []f32PWImpl{
		{"avx2", HasAVX2FMA, PointwiseF32AVX2TileM, PackPointwiseF32AVX2, PointwiseF32AVX2},
		{"avx512", HasAVX512, PointwiseF32AVX512TileM, PackPointwiseF32AVX512, PointwiseF32AVX512},
	}
}

// pwShapes: every n in channelCounts and beyond two panels, k in 1..17 (the
// unrolled k loop's tail) and larger, m around both row tiles, and the
// MobileNet classifier (m 1, k 1024, n 1001).
func pwShapes() [][3]int {
	var s [][3]int
	for _, n := range channelCounts {
		s = append(s, [3]int{7, 5 + n%9, n}, [3]int{13, 32, n}, [3]int{17, 3, n})
	}
	for k := 1; k <= 17; k++ {
		s = append(s, [3]int{9, k, 40})
	}
	for m := 1; m <= 17; m++ {
		s = append(s, [3]int{m, 24, 48})
	}
	return append(s, [3]int{49, 64, 65}, [3]int{1, 1024, 1001}, [3]int{3, 0, 5}, [3]int{25, 300, 200})
}

func TestPointwiseF32MatchesGeneric(t *testing.T) {
	for _, impl := range f32PWImpls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			r := rand.New(rand.NewSource(1))
			for ci, sh := range pwShapes() {
				m, k, n := sh[0], sh[1], sh[2]
				off := ci % 5
				src, w, bias := unaligned(randF32(r, m*k), off), randF32(r, n*k), randF32(r, n)
				lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
				switch ci % 4 {
				case 1:
					lo, hi = 0, 6
				case 2:
					lo, hi = -0.25, 0.25 // most outputs clamp
				case 3:
					bias = nil
				}
				want := make([]float32, m*n)
				generic.PointwiseF32(want, src, m, k, n, generic.PackPointwiseF32(w, n, k), bias, lo, hi)
				all, dst := guardedF32(m*n, off)
				impl.run(dst, src, m, k, n, impl.pack(w, n, k), bias, lo, hi)
				checkGuardF32(t, all, m*n, off)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						var abs float64
						if bias != nil {
							abs = math.Abs(float64(bias[j]))
						}
						for kk := 0; kk < k; kk++ {
							abs += math.Abs(float64(src[i*k+kk] * w[j*k+kk]))
						}
						if g, e := dst[i*n+j], want[i*n+j]; !closeF32(g, e, k, abs) {
							t.Fatalf("m%d_k%d_n%d_off%d: dst[%d][%d] = %v, generic %v", m, k, n, off, i, j, g, e)
						}
					}
				}
			}
		})
	}
}

// TestPointwiseF32RowSlices runs the kernel on row ranges in multiples of
// its TileM, as the runtime's workers do, and on the whole image: the
// results must be identical bit for bit.
func TestPointwiseF32RowSlices(t *testing.T) {
	for _, impl := range f32PWImpls() {
		if !impl.avail {
			continue
		}
		r := rand.New(rand.NewSource(2))
		m, k, n := 5*impl.tileM+3, 40, 72
		src, w, bias := randF32(r, m*k), randF32(r, n*k), randF32(r, n)
		packed := impl.pack(w, n, k)
		whole := make([]float32, m*n)
		impl.run(whole, src, m, k, n, packed, bias, 0, 6)
		parts := make([]float32, m*n)
		for i0 := 0; i0 < m; i0 += 2 * impl.tileM {
			i1 := min(i0+2*impl.tileM, m)
			impl.run(parts[i0*n:i1*n], src[i0*k:i1*k], i1-i0, k, n, packed, bias, 0, 6)
		}
		for i := range whole {
			if math.Float32bits(whole[i]) != math.Float32bits(parts[i]) {
				t.Fatalf("%s: row slices differ at %d: %v vs %v", impl.name, i, parts[i], whole[i])
			}
		}
	}
}

func TestPointwiseF32NoAllocs(t *testing.T) {
	for _, impl := range f32PWImpls() {
		if !impl.avail {
			continue
		}
		m, k, n := 13, 21, 45
		src, w := make([]float32, m*k), make([]float32, n*k)
		packed := impl.pack(w, n, k)
		dst, bias := make([]float32, m*n), make([]float32, n)
		if a := testing.AllocsPerRun(10, func() { impl.run(dst, src, m, k, n, packed, bias, 0, 6) }); a != 0 {
			t.Errorf("%s: %v allocations per run, want 0", impl.name, a)
		}
	}
}

func TestPointwiseF32ShortBuffersPanic(t *testing.T) {
	for _, impl := range f32PWImpls() {
		if !impl.avail {
			continue
		}
		t.Run(impl.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !containsAll(fmt.Sprint(r), "short buffers", "m=4") {
					t.Fatalf("recover() = %v, want a short-buffer panic", r)
				}
			}()
			packed := impl.pack(make([]float32, 8*16), 8, 16)
			impl.run(make([]float32, 4*8-1), make([]float32, 4*16), 4, 16, 8, packed, nil, 0, 6)
		})
	}
}

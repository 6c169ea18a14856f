//go:build arm64 && !purego

package arm64

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// q8Impl is one int8 pointwise implementation under test.
type q8Impl struct {
	name  string
	avail bool
	pack  func(w []int8, n, k int) []int8
	run   func(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant)
}

func q8Impls() []q8Impl {
	return []q8Impl{
		{"wide", HasNEON, PackPointwiseQ8Wide, PointwiseQ8Wide},
		{"dotprod", HasDotProd, PackPointwiseQ8Dot, PointwiseQ8Dot},
	}
}

// q8Shapes: every k in 1..33 (16-k blocks with and without a remainder),
// every n in 1..33 (panels of 4 and 8 with tails), m around both tiles.
func q8Shapes() [][3]int {
	var s [][3]int
	for k := 1; k <= 33; k++ {
		s = append(s, [3]int{5 + k%6, k, 3 + k%11})
	}
	for n := 1; n <= 33; n++ {
		s = append(s, [3]int{9, 19, n})
	}
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17} {
		s = append(s, [3]int{m, 32, 16})
	}
	return append(s, [3]int{49, 64, 24}, [3]int{3, 1024, 17}, [3]int{1, 1024, 1001}, [3]int{2, 0, 5})
}

// randRequant returns scales that hit exact .5 products (0.5, 0.25) as well
// as arbitrary ones, and clamps from ReLU6-like to the full range.
func randRequant(r *rand.Rand, n, ci int) *generic.Requant {
	rq := &generic.Requant{Scale: make([]float32, n), ZeroPoint: int32(r.Intn(41) - 20)}
	for j := range rq.Scale {
		switch (ci + j) % 3 {
		case 0:
			rq.Scale[j] = 0.5
		case 1:
			rq.Scale[j] = 0.25 / float32(1+j%4)
		default:
			rq.Scale[j] = r.Float32() * 0.02
		}
	}
	rq.Min, rq.Max = -128, 127
	if ci%2 == 1 {
		rq.Min, rq.Max = int32(-128+r.Intn(60)), int32(127-r.Intn(60))
	}
	return rq
}

func TestPointwiseQ8MatchesGeneric(t *testing.T) {
	for _, impl := range q8Impls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s kernel not available on this CPU", impl.name)
			}
			r := rand.New(rand.NewSource(4))
			for ci, sh := range q8Shapes() {
				m, k, n := sh[0], sh[1], sh[2]
				src, w := randQ8(r, m*k, -128), randQ8(r, n*k, -128)
				if ci%5 == 0 { // worst case for int16 pairs: every product is (-128)*(-128)
					for i := range src {
						src[i] = -128
					}
					for i := range w {
						w[i] = -128
					}
				}
				bias := make([]int32, n)
				for j := range bias {
					bias[j] = int32(r.Intn(20001) - 10000)
				}
				if ci%4 == 3 {
					bias = nil
				}
				wzp := []int32{0, 0, -3, 100}[ci%4]
				rq := randRequant(r, n, ci)
				switch ci % 7 {
				case 5: // extreme int8 zero points (the widening kernel adds them on int16)
					rq.ZeroPoint = []int32{-128, 127}[ci%2]
				case 6: // beyond int8: the widening kernel runs its scalar fallback
					rq.ZeroPoint = []int32{-300, 300}[ci%2]
				}
				off := ci % 4
				name := fmt.Sprintf("m%d_k%d_n%d_wzp%d_off%d", m, k, n, wzp, off)
				want := make([]int8, m*n)
				generic.PointwiseQ8(want, src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, wzp, rq)
				all, dst := guardedQ8(m*n, off)
				impl.run(dst, src, m, k, n, impl.pack(w, n, k), bias, wzp, rq)
				checkGuardQ8(t, all, m*n, off)
				for i := range want {
					if dst[i] != want[i] {
						t.Fatalf("%s: dst[%d][%d] = %d, generic %d", name, i/n, i%n, dst[i], want[i])
					}
				}
			}
		})
	}
}

func TestPointwiseQ8NoAllocs(t *testing.T) {
	for _, impl := range q8Impls() {
		if !impl.avail {
			continue
		}
		m, k, n := 13, 21, 13
		src, w := make([]int8, m*k), make([]int8, n*k)
		packed := impl.pack(w, n, k)
		dst, bias := make([]int8, m*n), make([]int32, n)
		rq := &generic.Requant{Scale: make([]float32, n), Min: -128, Max: 127}
		if a := testing.AllocsPerRun(10, func() { impl.run(dst, src, m, k, n, packed, bias, 3, rq) }); a != 0 {
			t.Errorf("%s: %v allocations per run, want 0", impl.name, a)
		}
	}
}

//go:build gc && !purego

package amd64

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// q8PWImpl is one int8 pointwise implementation under test.
type q8PWImpl struct {
	name  string
	fn    string // the exported function, as its panics name it
	avail bool
	tileM int
	pack  func(w []int8, n, k int) []int8
	run   func(dst, src []int8, m, k, n int, packed []int8, bias []int32, wzp int32, rq *generic.Requant)
}

func q8PWImpls() []q8PWImpl {
	return []q8PWImpl{
		{"avx2", "PointwiseQ8AVX2", HasAVX2FMA, PointwiseQ8AVX2TileM, PackPointwiseQ8AVX2, PointwiseQ8AVX2},
		{"vnni", "PointwiseQ8VNNI", HasVNNI, PointwiseQ8VNNITileM, PackPointwiseQ8VNNI, PointwiseQ8VNNI},
	}
}

// q8Shapes: every k in 1..35 (groups of 2 and 4 with every tail, the
// two-step loop with and without its single step), every channel count and
// n up to past two VNNI panels, m 1..17 around both row tiles, and large k.
func q8Shapes() [][3]int {
	var s [][3]int
	for k := 1; k <= 35; k++ {
		s = append(s, [3]int{5 + k%6, k, 3 + k%11})
	}
	for _, n := range channelCounts {
		s = append(s, [3]int{9, 19, n}, [3]int{16, 64, n})
	}
	for n := 34; n <= 70; n += 6 {
		s = append(s, [3]int{7, 33, n})
	}
	for m := 1; m <= 17; m++ {
		s = append(s, [3]int{m, 32, 40})
	}
	return append(s, [3]int{49, 64, 24}, [3]int{3, 1024, 17}, [3]int{1, 1024, 1001}, [3]int{2, 0, 5}, [3]int{20, 1027, 64})
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
	for _, impl := range q8PWImpls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			r := rand.New(rand.NewSource(4))
			for ci, sh := range q8Shapes() {
				m, k, n := sh[0], sh[1], sh[2]
				src, w := randQ8(r, m*k), randQ8(r, n*k)
				switch ci % 6 {
				case 0: // every product (-128)*(-128): int16 pairs at their limit
					fill(src, -128)
					fill(w, -128)
				case 3: // 127 everywhere
					fill(src, 127)
					fill(w, 127)
				case 4: // mixed extremes
					fill(src, -128)
					fill(w, 127)
				}
				bias := make([]int32, n)
				for j := range bias {
					bias[j] = int32(r.Intn(200001) - 100000)
				}
				if ci%4 == 3 {
					bias = nil
				}
				wzp := []int32{0, 0, -3, 100}[ci%4]
				rq := randRequant(r, n, ci)
				switch ci % 7 {
				case 5:
					rq.ZeroPoint = []int32{-128, 127}[ci%2]
				case 6: // beyond int8: the zero point is added in int32
					rq.ZeroPoint = []int32{-300, 300}[ci%2]
				}
				off := ci % 5
				src = unaligned(src, (off+1)%5)
				name := fmt.Sprintf("m%d_k%d_n%d_wzp%d_off%d", m, k, n, wzp, off)
				checkPWQ8(t, impl, name, dst0(m*n, off), src, w, m, k, n, bias, wzp, rq)
			}
		})
	}
}

// TestPointwiseQ8Requantization sweeps accumulators and scales through
// every rounding case: exact ties of either sign, values just beside
// them, saturation far beyond int8 and 2^30, huge and NaN scales, and
// clamps beyond int8 (the Go path).
func TestPointwiseQ8Requantization(t *testing.T) {
	for _, impl := range q8PWImpls() {
		t.Run(impl.name, func(t *testing.T) {
			if !impl.avail {
				t.Skipf("%s not available on this CPU", impl.name)
			}
			const m, k = 11, 1
			n := 70
			src := make([]int8, m*k)
			for i := range src {
				src[i] = int8(i - 5) // -5..5, 0 included
			}
			w := make([]int8, n*k)
			for j := range w {
				w[j] = int8(j%3 - 1)
			}
			bias := make([]int32, n)
			scales := []float32{0.5, 0.25, 1.5, 1, 1e-3, 0.49999997, 0.50000006, 3e9, 1e20,
				float32(math.Inf(1)), float32(math.NaN()), -0.5, 0}
			accs := []int32{1, -1, 3, -3, 5, -5, 255, -255, 257, 1 << 24, -(1 << 24), (1 << 24) + 1, math.MaxInt32 - 5, math.MinInt32 + 5}
			for ci := range scales {
				rq := &generic.Requant{Scale: make([]float32, n), ZeroPoint: int32(ci%5 - 2), Min: -128, Max: 127}
				if ci%4 == 2 {
					rq.ZeroPoint = int32(ci*100 - 700) // -700..500: added in int32
				}
				for j := range rq.Scale {
					rq.Scale[j] = scales[(ci+j)%len(scales)]
					bias[j] = accs[(ci+j)%len(accs)]
				}
				if ci%4 == 1 {
					rq.Min, rq.Max = -100, 6
				}
				checkPWQ8(t, impl, fmt.Sprintf("case%d", ci), dst0(m*n, ci%4), src, w, m, k, n, bias, int32(ci-6), rq)
			}
		})
	}
}

type guardedDst struct {
	all, win []int8
	off      int
}

func dst0(n, off int) guardedDst {
	all, win := guardedQ8(n, off)
	return guardedDst{all, win, off}
}

// checkPWQ8 runs impl and generic on the same inputs and requires equal
// int8 outputs and an untouched guard band.
func checkPWQ8(t *testing.T, impl q8PWImpl, name string, d guardedDst, src, w []int8, m, k, n int, bias []int32, wzp int32, rq *generic.Requant) {
	t.Helper()
	want := make([]int8, m*n)
	generic.PointwiseQ8(want, src, m, k, n, generic.PackPointwiseQ8(w, n, k), bias, wzp, rq)
	impl.run(d.win, src, m, k, n, impl.pack(w, n, k), bias, wzp, rq)
	checkGuardQ8(t, d.all, m*n, d.off)
	for i := range want {
		if d.win[i] != want[i] {
			t.Fatalf("%s: dst[%d][%d] = %d, generic %d", name, i/n, i%n, d.win[i], want[i])
		}
	}
}

func fill[T any](v []T, x T) {
	for i := range v {
		v[i] = x
	}
}

func TestPointwiseQ8RowSlices(t *testing.T) {
	for _, impl := range q8PWImpls() {
		if !impl.avail {
			continue
		}
		r := rand.New(rand.NewSource(5))
		m, k, n := 5*impl.tileM+3, 45, 72
		src, w := randQ8(r, m*k), randQ8(r, n*k)
		rq := randRequant(r, n, 1)
		bias := make([]int32, n)
		packed := impl.pack(w, n, k)
		whole := make([]int8, m*n)
		impl.run(whole, src, m, k, n, packed, bias, 7, rq)
		parts := make([]int8, m*n)
		for i0 := 0; i0 < m; i0 += 2 * impl.tileM {
			i1 := min(i0+2*impl.tileM, m)
			impl.run(parts[i0*n:i1*n], src[i0*k:i1*k], i1-i0, k, n, packed, bias, 7, rq)
		}
		for i := range whole {
			if whole[i] != parts[i] {
				t.Fatalf("%s: row slices differ at %d: %d vs %d", impl.name, i, parts[i], whole[i])
			}
		}
	}
}

func TestPointwiseQ8NoAllocs(t *testing.T) {
	for _, impl := range q8PWImpls() {
		if !impl.avail {
			continue
		}
		m, k, n := 13, 21, 45
		src, w := make([]int8, m*k), make([]int8, n*k)
		packed := impl.pack(w, n, k)
		dst, bias := make([]int8, m*n), make([]int32, n)
		rq := &generic.Requant{Scale: make([]float32, n), Min: -128, Max: 127}
		if a := testing.AllocsPerRun(10, func() { impl.run(dst, src, m, k, n, packed, bias, 3, rq) }); a != 0 {
			t.Errorf("%s: %v allocations per run, want 0", impl.name, a)
		}
	}
}

func TestPointwiseQ8ShortBuffersPanic(t *testing.T) {
	for _, impl := range q8PWImpls() {
		if !impl.avail {
			continue
		}
		t.Run(impl.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !containsAll(fmt.Sprint(r), "short buffers", "scale 7") {
					t.Fatalf("recover() = %v, want a short-buffer panic naming the scales", r)
				}
			}()
			rq := &generic.Requant{Scale: make([]float32, 7), Min: -128, Max: 127}
			impl.run(make([]int8, 4*8), make([]int8, 4*16), 4, 16, 8, impl.pack(make([]int8, 8*16), 8, 16), nil, 0, rq)
		})
	}
}

// TestPointwiseQ8RefusesWideClamp: a clamp beyond int8 is outside
// SupportsPointwiseQ8, and the kernels refuse it instead of computing it
// another way.
func TestPointwiseQ8RefusesWideClamp(t *testing.T) {
	rq := &generic.Requant{Scale: make([]float32, 8), Min: -1000, Max: 1000}
	if SupportsPointwiseQ8(rq) || SupportsPointwiseQ8(nil) {
		t.Fatal("SupportsPointwiseQ8 accepts a clamp beyond int8 or a nil requantization")
	}
	for _, impl := range q8PWImpls() {
		if !impl.avail {
			continue
		}
		t.Run(impl.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !containsAll(fmt.Sprint(r), impl.fn, "clamp must lie in int8") {
					t.Fatalf("recover() = %v, want a panic naming %s and the clamp", r, impl.fn)
				}
			}()
			impl.run(make([]int8, 4*8), make([]int8, 4*16), 4, 16, 8, impl.pack(make([]int8, 8*16), 8, 16), nil, 0, rq)
		})
	}
}

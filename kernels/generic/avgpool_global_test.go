package generic_test

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestAvgPoolGlobal checks the global-pool fast path (avgpool_global.go)
// bit for bit against the general loops, reached with a window one tap
// larger than the input (the extra taps fall outside it, so the means are
// the same).
func TestAvgPoolGlobal(t *testing.T) {
	r := kerneltest.Rand(25)
	// Channel counts around the 8-channel words and 64-channel blocks;
	// 272, 400 and 529 pixels pass the 256 pixels one SWAR pass sums.
	shapes := [][3]int{{7, 7, 1024}, {1, 1, 3}, {2, 3, 65}, {5, 4, 64}, {3, 3, 130}, {1, 7, 1}, {4, 4, 128}, {9, 2, 200},
		{17, 16, 9}, {20, 20, 8}, {23, 23, 24}, {16, 17, 16}}
	for i, s := range shapes {
		p := generic.ConvParams{InH: s[0], InW: s[1], InC: s[2], OutH: 1, OutW: 1, OutC: s[2],
			KH: s[0], KW: s[1], StrideH: 1 + i%2, StrideW: 1}
		general := p
		general.KH++
		general.KW++
		n := s[0] * s[1] * s[2]
		C := s[2]

		src := kerneltest.F32s(r, n)
		if i%2 == 1 {
			src[0] = float32(math.Copysign(0, -1))
		}
		lo, hi := float32(math.Inf(-1)), float32(math.Inf(1))
		if i%3 == 1 {
			lo, hi = 0, 0.25
		}
		gotF, wantF := make([]float32, C), make([]float32, C)
		generic.AvgPoolF32(&p, gotF, src, lo, hi)
		generic.AvgPoolF32(&general, wantF, src, lo, hi)
		for c := range wantF {
			if math.Float32bits(gotF[c]) != math.Float32bits(wantF[c]) {
				t.Fatalf("%v: AvgPoolF32 channel %d = %v, general loop %v", s, c, gotF[c], wantF[c])
			}
		}

		q := kerneltest.I8s(r, n, -128, 127)
		switch i % 4 {
		case 2: // the extremes, alternating
			for j := range q {
				q[j] = int8(-128 + 255*(j%2))
			}
		case 3: // every byte at its largest (255 biased)
			fill(q, 127)
		}
		qlo, qhi := int32(-128), int32(127)
		if i%3 == 1 {
			qlo, qhi = -100, 60
		}
		got, want := make([]int8, C), make([]int8, C)
		for _, offset := range []int32{0, 128} {
			generic.AvgPoolQ8Same(&p, got, q, offset, qlo, qhi)
			generic.AvgPoolQ8Same(&general, want, q, offset, qlo, qhi)
			kerneltest.CompareI8(t, got, want, "AvgPoolQ8Same global")
		}
		xzp, ozp := int32(r.IntN(256)-128), int32(r.IntN(41)-20)
		scale := 0.5 + r.Float32()
		generic.AvgPoolQ8(&p, got, q, xzp, scale, ozp, qlo, qhi)
		generic.AvgPoolQ8(&general, want, q, xzp, scale, ozp, qlo, qhi)
		kerneltest.CompareI8(t, got, want, "AvgPoolQ8 global")
	}
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

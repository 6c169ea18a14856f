package generic_test

import (
	"fmt"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestSumQ8 compares the SWAR sum with the plain loop: every length up to
// a few hundred (the word and tail boundaries), lengths past the lane
// folding (1024 values and more), all -128, all 127, random values, and
// unaligned starts.
func TestSumQ8(t *testing.T) {
	r := kerneltest.Rand(81)
	ref := func(x []int8) int32 {
		var s int32
		for _, v := range x {
			s += int32(v)
		}
		return s
	}
	lengths := []int{1023, 1024, 1025, 2048 + 7, 3 * 9216, 100000}
	for n := range 300 {
		lengths = append(lengths, n)
	}
	for _, n := range lengths {
		for _, fill := range []string{"random", "min", "max"} {
			buf := kerneltest.I8s(r, n+3, -128, 127)
			for i := range buf {
				switch fill {
				case "min":
					buf[i] = -128
				case "max":
					buf[i] = 127
				}
			}
			for off := range 3 {
				x := buf[off : off+n]
				if got, want := generic.SumQ8(x), ref(x); got != want {
					t.Fatalf("%s n=%d off=%d: SumQ8 = %d, want %d", fill, n, off, got, want)
				}
			}
		}
	}
	if a := testing.AllocsPerRun(3, func() { generic.SumQ8(make([]int8, 0)) }); a != 0 {
		t.Errorf("SumQ8 allocates %v times", a)
	}
}

// sumSink keeps the benchmark's plain loop from being optimized away.
var sumSink int32

// BenchmarkSumQ8 compares the SWAR sum with the plain loop it replaces.
func BenchmarkSumQ8(b *testing.B) {
	for _, n := range []int{24, 384, 1024} { // SSD's pointwise k: 24 .. 1024
		x := kerneltest.I8s(kerneltest.Rand(82), n, -128, 127)
		b.Run(fmt.Sprintf("swar/k%d", n), func(b *testing.B) {
			for b.Loop() {
				generic.SumQ8(x)
			}
		})
		b.Run(fmt.Sprintf("loop/k%d", n), func(b *testing.B) {
			for b.Loop() {
				var s int32
				for _, v := range x {
					s += int32(v)
				}
				sumSink = s
			}
		})
	}
}

package generic_test

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

func TestQuantizeRoundTrip(t *testing.T) {
	cases := []struct {
		v     float32
		scale float32
		zp    int32
		want  int8
	}{
		{0.5, 1, 0, 1}, {-0.5, 1, 0, -1}, {1.49, 1, 0, 1}, {2.5, 1, 3, 6},
		{1e9, 0.01, 0, 127}, {-1e9, 0.01, 0, -128}, {float32(math.NaN()), 1, 7, 7},
		{float32(math.Inf(1)), 1, 0, 127}, {0.25, 0.5, -128, -127},
	}
	for _, c := range cases {
		if got := generic.QuantizeValue(c.v, c.scale, c.zp); got != c.want {
			t.Errorf("QuantizeValue(%v, %v, %d) = %d, want %d", c.v, c.scale, c.zp, got, c.want)
		}
	}
	src := []int8{-128, -1, 0, 5, 127}
	f := make([]float32, len(src))
	generic.DequantizeQ8(f, src, 0.5, 5)
	want := []float32{-66.5, -3, -2.5, 0, 61}
	for i := range want {
		if f[i] != want[i] {
			t.Fatalf("DequantizeQ8 = %v, want %v", f, want)
		}
	}
	back := make([]int8, len(src))
	generic.QuantizeF32(back, f, 0.5, 5)
	kerneltest.CompareI8(t, back, src, "quantize(dequantize(x))")
}

// TestRoundHalfAway checks the fast rounding against math.Round on ties,
// neighbours of ties, tiny values and the saturation ends.
func TestRoundHalfAway(t *testing.T) {
	vals := []float32{0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e-30, -1e-30,
		126.5, -127.5, 8388607.5, -8388607.5, 8388609, 1 << 29, -(1 << 29)}
	for i := -70000; i <= 70000; i++ {
		vals = append(vals, float32(i)+0.5, float32(i)/8)
	}
	r := kerneltest.Rand(28)
	for range 100000 {
		vals = append(vals, (r.Float32()*2-1)*float32(int(1)<<r.IntN(30)))
	}
	for _, v := range vals {
		want := int32(math.Round(float64(v)))
		if got := generic.RoundHalfAway(v); got != want {
			t.Fatalf("RoundHalfAway(%v) = %d, want %d", v, got, want)
		}
		if n := math.Nextafter32(v, 1); float32(math.Abs(float64(n))) < 1<<29 {
			if got, want := generic.RoundHalfAway(n), int32(math.Round(float64(n))); got != want {
				t.Fatalf("RoundHalfAway(%v) = %d, want %d", n, got, want)
			}
		}
	}
	for v, want := range map[float32]int32{3e9: 1 << 30, -3e9: -(1 << 30), float32(math.Inf(1)): 1 << 30, float32(math.NaN()): 0} {
		if got := generic.RoundHalfAway(v); got != want {
			t.Errorf("RoundHalfAway(%v) = %d, want %d", v, got, want)
		}
	}
	if got := generic.Requantize(2147483647, 100, 0, -128, 127); got != 127 {
		t.Errorf("Requantize of a huge positive value = %d, want 127 (saturation)", got)
	}
}

// TestRoundHalfEven checks the fast rounding against math.RoundToEven on
// ties, neighbours of ties, tiny values and the saturation ends, and that
// Requantize uses it.
func TestRoundHalfEven(t *testing.T) {
	vals := []float32{0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 1e-30, -1e-30,
		126.5, -127.5, 8388607.5, -8388607.5, 8388609, 1 << 29, -(1 << 29)}
	for i := -70000; i <= 70000; i++ {
		vals = append(vals, float32(i)+0.5, float32(i)/8)
	}
	r := kerneltest.Rand(29)
	for range 100000 {
		vals = append(vals, (r.Float32()*2-1)*float32(int(1)<<r.IntN(30)))
	}
	for _, v := range vals {
		for _, x := range []float32{v, math.Nextafter32(v, 1), math.Nextafter32(v, -1)} {
			if float32(math.Abs(float64(x))) >= 1<<30 {
				continue
			}
			if got, want := generic.RoundHalfEven(x), int32(math.RoundToEven(float64(x))); got != want {
				t.Fatalf("RoundHalfEven(%v) = %d, want %d", x, got, want)
			}
		}
	}
	for v, want := range map[float32]int32{3e9: 1 << 30, -3e9: -(1 << 30), float32(math.Inf(-1)): -(1 << 30), float32(math.NaN()): 0} {
		if got := generic.RoundHalfEven(v); got != want {
			t.Errorf("RoundHalfEven(%v) = %d, want %d", v, got, want)
		}
	}
	// 5 * 0.5 = 2.5 rounds to 2, 7 * 0.5 = 3.5 to 4, -5 * 0.5 to -2.
	for acc, want := range map[int32]int8{5: 2, 7: 4, -5: -2, -7: -4, 1: 0, -1: 0} {
		if got := generic.Requantize(acc, 0.5, 0, -128, 127); got != want {
			t.Errorf("Requantize(%d, 0.5) = %d, want %d (ties to even)", acc, got, want)
		}
	}
}

package generic_test

import (
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestQuantizeMultiplier checks that the Q31 mantissa and exponent give m
// back within half a unit of the mantissa, with the mantissa in [2^30, 2^31).
func TestQuantizeMultiplier(t *testing.T) {
	r := kerneltest.Rand(61)
	for i := 0; i < 20000; i++ {
		m := math.Ldexp(r.Float64()+0.5, r.IntN(40)-30)
		mult, shift := generic.QuantizeMultiplier(m)
		if mult < 1<<30 {
			t.Fatalf("QuantizeMultiplier(%g) = %d, %d: mantissa below 2^30", m, mult, shift)
		}
		if got := math.Ldexp(float64(mult), shift-31); math.Abs(got-m) > math.Ldexp(0.5, shift-31) {
			t.Fatalf("QuantizeMultiplier(%g) = %d, %d = %g", m, mult, shift, got)
		}
	}
	for _, m := range []float64{0, -1, math.NaN(), 1e-12} {
		if mult, shift := generic.QuantizeMultiplier(m); mult != 0 || shift != 0 {
			t.Errorf("QuantizeMultiplier(%g) = %d, %d, want 0, 0", m, mult, shift)
		}
	}
	// A mantissa that rounds up to 2^31 moves into the exponent.
	if mult, shift := generic.QuantizeMultiplier(math.Nextafter(1, 0)); mult != 1<<30 || shift != 1 {
		t.Errorf("QuantizeMultiplier(1-ulp) = %d, %d, want 2^30, 1", mult, shift)
	}
}

// TestMultiplyByQuantizedMultiplier checks the double rounding against
// its plain description: the high multiply is floor(x*m/2^31 + 1/2) (ties
// toward +inf, whatever the sign), the divide by 2^right rounds ties away
// from zero.
func TestMultiplyByQuantizedMultiplier(t *testing.T) {
	r := kerneltest.Rand(62)
	floorDiv := func(a, b int64) int64 {
		q := a / b
		if (a%b != 0) && ((a < 0) != (b < 0)) {
			q--
		}
		return q
	}
	for i := 0; i < 200000; i++ {
		x := int32(r.IntN(1<<20) - 1<<19)
		mult := int32(1<<30 + r.IntN(1<<30))
		shift := -r.IntN(12)
		if i%4 == 0 {
			mult = 1 << 30 // exact halves: every odd x is a tie
		}
		got := generic.MultiplyByQuantizedMultiplier(x, mult, shift)
		hi := floorDiv(int64(x)*int64(mult)+1<<30, 1<<31)
		d := int64(1) << -shift
		want := floorDiv(2*abs64(hi)+d, 2*d)
		if hi < 0 {
			want = -want
		}
		if int64(got) != want {
			t.Fatalf("MultiplyByQuantizedMultiplier(%d, %d, %d) = %d, want %d", x, mult, shift, got, want)
		}
	}
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestRequantTableTFLite pins the ties LiteRT's QUANTIZE (uint8 to int8,
// scale halved) gives: -59.5 -> -59, -62.5 -> -62, 65.5 -> 66, and the
// whole table against float64 rounding away from exact ties.
func TestRequantTableTFLite(t *testing.T) {
	tab := generic.RequantTableTFLite(1.0/128, 0, 1.0/64, 0)
	for q, want := range map[int32]int8{-119: -59, -125: -62, 131 - 128: 2, 127: 64, -128: -64, -1: 0, 1: 1} {
		if got := tab[q+128]; got != want {
			t.Errorf("table[%d] = %d, want %d", q, got, want)
		}
	}
	tab = generic.RequantTableTFLite(0.0213, 5, 1.0/128, -3)
	for q := int32(-128); q < 128; q++ {
		exact := float64(q-5)*float64(float32(0.0213))/(1.0/128) - 3
		want := int8(min(max(math.Round(exact), -128), 127))
		if got := tab[q+128]; got != want && math.Abs(exact-math.Trunc(exact)) != 0.5 {
			t.Errorf("table[%d] = %d, exact %g", q, got, exact)
		}
	}
}

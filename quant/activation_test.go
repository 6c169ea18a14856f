package quant

import (
	"math"
	"testing"
)

func TestAffineFromRange(t *testing.T) {
	cases := []struct {
		lo, hi float32
		scale  float64
		zp     int32
	}{
		{0, 6, 6.0 / 255, -128},
		{-1, 1, 2.0 / 255, -1},  // -128 + 127.5 = -0.5 rounds half away from zero to -1
		{-3, 0, 3.0 / 255, 127}, // all negative: zero at the top
		{1, 2, 2.0 / 255, -128}, // widened to include 0
		{-2.55, 0.0, 2.55 / 255, 127},
		{0, 0, 1, -128},
	}
	for _, c := range cases {
		a, err := AffineFromRange(c.lo, c.hi)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(float64(a.Scale)-c.scale) > 1e-7 || a.ZeroPoint != c.zp {
			t.Errorf("[%v, %v]: scale %v zp %d, want %v %d", c.lo, c.hi, a.Scale, a.ZeroPoint, c.scale, c.zp)
		}
		if a.Dequantize(a.Quantize(0)) != 0 {
			t.Errorf("[%v, %v]: 0 is not exactly representable", c.lo, c.hi)
		}
	}
	if _, err := AffineFromRange(2, 1); err == nil {
		t.Error("inverted range accepted")
	}
	if _, err := AffineFromRange(0, float32(math.Inf(1))); err == nil {
		t.Error("infinite range accepted")
	}
}

func TestAffineRoundTrip(t *testing.T) {
	a, err := AffineFromRange(-0.7, 5.3)
	if err != nil {
		t.Fatal(err)
	}
	lo := a.Dequantize(-128)
	hi := a.Dequantize(127)
	for x := lo; x <= hi; x += 0.001 {
		if d := math.Abs(float64(a.Dequantize(a.Quantize(x)) - x)); d > float64(a.Scale)/2*1.0001 {
			t.Fatalf("x=%v: round trip error %v > half step %v", x, d, a.Scale/2)
		}
	}
	if a.Quantize(100) != 127 || a.Quantize(-100) != -128 {
		t.Error("out-of-range values do not saturate")
	}
}

package quant

import (
	"fmt"
	"math"
)

// Affine is an asymmetric int8 quantization: real = Scale * (q - ZeroPoint).
type Affine struct {
	Scale     float32
	ZeroPoint int32
}

// AffineFromRange returns the int8 quantization that covers [lo, hi]. The range
// is widened to include 0 (so 0 is exactly representable, as padding needs),
// scale = (hi - lo) / 255 and the zero point is nudged to an integer in
// [-128, 127], as the TFLite converter does. An empty range maps to scale 1.
func AffineFromRange(lo, hi float32) (Affine, error) {
	l, h := float64(lo), float64(hi)
	if math.IsNaN(l) || math.IsNaN(h) || math.IsInf(l, 0) || math.IsInf(h, 0) || l > h {
		return Affine{}, fmt.Errorf("invalid activation range [%v, %v]", lo, hi)
	}
	l, h = min(l, 0), max(h, 0)
	if h-l == 0 {
		return Affine{Scale: 1, ZeroPoint: -128}, nil
	}
	scale := (h - l) / 255
	zp := math.Round(-128 - l/scale)
	zp = max(-128, min(127, zp))
	return Affine{Scale: float32(scale), ZeroPoint: int32(zp)}, nil
}

// Quantize maps a real value to int8 with round half away from zero and saturation.
func (a Affine) Quantize(x float32) int8 {
	q := math.Round(float64(x)/float64(a.Scale)) + float64(a.ZeroPoint)
	return int8(max(-128, min(127, q)))
}

// Dequantize maps an int8 value back to real.
func (a Affine) Dequantize(q int8) float32 {
	return a.Scale * float32(int32(q)-a.ZeroPoint)
}

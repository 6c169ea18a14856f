//go:build gc && !purego

package arm64

import (
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The depthwise kernels' results are checked against generic by the
// equivalence tests of package kernels; these tests check what they support
// and which int8 path the packed weights take.

func TestSupportsDWConv(t *testing.T) {
	for _, c := range []struct {
		name    string
		p       generic.ConvParams
		f32, q8 bool
	}{
		{"mobilenet", kerneltest.DWParams(112, 32, 1), true, true},
		{"stride 2", kerneltest.DWParams(7, 1024, 2), true, true},
		{"rows of 32768 floats", kerneltest.DWParams(1024, 32, 1), true, true},
		{"rows wider than 32768 floats", kerneltest.DWParams(1025, 32, 1), false, true},
		{"8192 channels", kerneltest.DWParams(3, 8192, 1), true, true},
		{"8193 channels", kerneltest.DWParams(3, 8193, 1), true, false},
		{"5x5", generic.ConvParams{InH: 5, InW: 5, InC: 8, OutH: 5, OutW: 5, OutC: 8, KH: 5, KW: 5, StrideH: 1, StrideW: 1, PadTop: 2, PadLeft: 2}, false, false},
		{"stride 3", kerneltest.DWParams(9, 8, 3), false, false},
		{"depth multiplier 2", generic.ConvParams{InH: 5, InW: 5, InC: 8, OutH: 5, OutW: 5, OutC: 16, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}, false, false},
	} {
		if got := SupportsDWConvF32(&c.p); got != c.f32 {
			t.Errorf("%s: SupportsDWConvF32 = %v, want %v", c.name, got, c.f32)
		}
		if got := SupportsDWConvQ8(&c.p, -128); got != c.q8 {
			t.Errorf("%s: SupportsDWConvQ8 = %v, want %v", c.name, got, c.q8)
		}
		if SupportsDWConvQ8(&c.p, 128) {
			t.Errorf("%s: SupportsDWConvQ8 accepts an input zero point of 128", c.name)
		}
	}
}

// TestPackDWConvQ8 checks the widening and that weights in [-127, 127] (int8
// models) take the int8-multiply path and wider ones (-128, or legacy uint8
// minus a zero point) the int16 path.
func TestPackDWConvQ8(t *testing.T) {
	p := kerneltest.DWParams(5, 16, 1)
	r := kerneltest.Rand(5)
	w := kerneltest.I8s(r, 9*16, -127, 127)
	wzp := make([]int32, 16)
	pk := PackDWConvQ8(&p, w, wzp)
	if !pk.narrow {
		t.Error("weights in [-127, 127] with zero point 0: not on the int8-multiply path")
	}
	for i, v := range w {
		if pk.w[i] != int16(v) {
			t.Fatalf("packed[%d] = %d, want %d", i, pk.w[i], v)
		}
	}
	w[20] = -128
	if PackDWConvQ8(&p, w, wzp).narrow {
		t.Error("a weight of -128: on the int8-multiply path")
	}
	w[20] = 0
	wzp[3] = -128 // legacy uint8: channel 3's weights minus -128
	pk = PackDWConvQ8(&p, w, wzp)
	if pk.narrow {
		t.Error("weights minus a zero point of -128: on the int8-multiply path")
	}
	if want := int16(w[3]) + 128; pk.w[3] != want {
		t.Errorf("packed[3] = %d, want %d (the weight minus its channel's zero point)", pk.w[3], want)
	}
}

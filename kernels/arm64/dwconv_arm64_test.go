//go:build gc && !purego

package arm64

import (
	"fmt"
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

// TestInt8Offset checks the offset the SDOT depthwise kernel subtracts from
// one channel's weights minus their zero point: 0 when they fit int8, the
// value closest to 0 that brings them into int8 otherwise, none when they
// span more than 255.
func TestInt8Offset(t *testing.T) {
	for _, c := range []struct {
		lo, hi int32 // the smallest and largest of the 9 values
		o      int32
		ok     bool
	}{
		{-128, 127, 0, true}, {-127, 127, 0, true}, {0, 0, 0, true},
		{-109, 145, 18, true}, // a uint8 layer of the 1.0/224 file, weights minus 110
		{-210, 44, -82, true}, {-255, 0, -127, true}, {0, 255, 0, false}, {-128, 128, 0, false},
		{-256, -1, -128, true}, {-1, 254, 127, true}, {-257, -2, 0, false}, {1, 256, 0, false},
	} {
		a := [9]int32{c.lo, c.hi, c.lo, c.hi, (c.lo + c.hi) / 2, c.lo, c.hi, c.lo, c.hi}
		o, ok := int8Offset(a[:])
		if ok != c.ok || (ok && o != c.o) {
			t.Errorf("values in [%d, %d]: offset %d, %v; want %d, %v", c.lo, c.hi, o, ok, c.o, c.ok)
			continue
		}
		for _, v := range a {
			if ok && !inInt8(v-o) {
				t.Errorf("values in [%d, %d]: offset %d leaves %d outside int8", c.lo, c.hi, o, v-o)
			}
		}
	}
}

// TestPackDWConvQ8Dot checks the SDOT depthwise layout against its formula:
// weights minus zero point minus offset as [b[0][kx], b[1][kx], b[2][kx], 0]
// per channel, offsets only when some is not 0, bias' = bias - xzp*sum
// (plus the float conversion's 1.5*2^23), the row of xzp for padded kernel
// rows, and no int16 weights when Go computes no output.
func TestPackDWConvQ8Dot(t *testing.T) {
	const C = 16
	p := kerneltest.DWParams(6, C, 1)
	r := kerneltest.Rand(7)
	rq := kerneltest.RandRequant(r, C, 0)
	for _, uint8w := range []bool{false, true} {
		w := kerneltest.I8s(r, 9*C, -127, 127)
		wzp := make([]int32, C)
		if uint8w { // legacy uint8: one zero point, weights minus it reach beyond int8
			fill(wzp, 100)
			w[5] = -128
		}
		bias := kerneltest.I32s(r, C, -3000, 3000)
		const xzp = -7
		pk := PackDWConvQ8Dot(&p, w, wzp, bias, xzp, rq)
		if pk.withO != uint8w {
			t.Fatalf("uint8 weights %v: withO = %v", uint8w, pk.withO)
		}
		words := dwDotWWords + dwDotBiasWords
		if uint8w {
			words += dwDotOWords
		}
		if len(pk.pk) != C/8*words || len(pk.xzpRow) != C || pk.w16 != nil {
			t.Fatalf("uint8 weights %v: %d words, xzp row %d, int16 weights %v; want %d, %d, nil", uint8w, len(pk.pk), len(pk.xzpRow), pk.w16 != nil, C/8*words, C)
		}
		for _, v := range pk.xzpRow {
			if v != xzp {
				t.Fatalf("xzp row holds %d, want %d", v, xzp)
			}
		}
		for c := 0; c < C; c++ {
			var buf [9]int32
			a := dwTaps(&buf, w, wzp, C, c)
			o, _ := int8Offset(a)
			blk := pk.pk[c/8*words : (c/8+1)*words]
			var sum int32
			for kx := 0; kx < 3; kx++ {
				if got, want := blk[kx*8+c%8], lanes4(a[kx]-o, a[3+kx]-o, a[6+kx]-o, 0); got != want {
					t.Errorf("uint8 %v channel %d kx %d: weights %#x, want %#x", uint8w, c, kx, got, want)
				}
			}
			for _, v := range a {
				sum += v
			}
			rest := blk[dwDotWWords:]
			if uint8w {
				if got, want := rest[c%8], lanes4(o, o, o, 0); got != want {
					t.Errorf("channel %d: offsets %#x, want %#x", c, got, want)
				}
				rest = rest[dwDotOWords:]
			}
			if got, want := rest[c%8], bias[c]-xzp*sum+dwDotMagic; got != want {
				t.Errorf("uint8 %v channel %d: bias' %d, want %d", uint8w, c, got, want)
			}
		}
	}
}

// TestDWConvQ8DotExtremes runs the SDOT depthwise kernel at the ends of
// what it supports, where the accumulator reaches 2^22 - 1 in magnitude (the
// float conversion by the 1.5*2^23 bias): biases of +-dwDotMaxBias, every
// input at one end of int8 against a zero point at the other, weights minus
// their zero point at -256 and 254. It compares with generic.DWConvQ8 (on
// CPUs with the dot product) and checks that one more unit of bias is
// refused.
func TestDWConvQ8DotExtremes(t *testing.T) {
	const C = 16
	for _, s := range []int{1, 2} {
		p := kerneltest.DWParams(9, C, s)
		src := make([]int8, p.InH*p.InW*C)
		for _, c := range []struct {
			x, xzp int32
			w      int8
			wzp    int32
			sign   int32
		}{
			{127, -128, -128, 128, 1}, {-128, 127, -128, 128, 1}, {127, -128, 126, -128, 1},
			{-128, 127, 126, -128, -1}, {127, -128, -128, 128, -1},
		} {
			fill(src, int8(c.x))
			w := make([]int8, 9*C)
			fill(w, c.w)
			wzp := make([]int32, C)
			fill(wzp, c.wzp)
			bias := make([]int32, C)
			fill(bias, c.sign*dwDotMaxBias)
			rq := &generic.Requant{Scale: make([]float32, C), ZeroPoint: 3, Min: -128, Max: 127}
			for j := range rq.Scale {
				rq.Scale[j] = 1.0 / float32(int32(1)<<(15+j%3)) // +-2^22 maps to +-128, +-64, +-32
			}
			what := fmt.Sprintf("stride %d x %d xzp %d w %d wzp %d bias %d", s, c.x, c.xzp, c.w, c.wzp, bias[0])
			if !SupportsDWConvQ8Dot(&p, w, wzp, bias, c.xzp, rq) {
				t.Fatalf("%s: not supported", what)
			}
			if HasDotProd { // else only what is supported is checked
				want := make([]int8, p.OutH*p.OutW*C)
				generic.DWConvQ8(&p, want, src, c.xzp, generic.PackDWConvQ8(&p, w, wzp), bias, rq, 0, p.OutH)
				got := make([]int8, len(want))
				DWConvQ8Dot(&p, got, src, PackDWConvQ8Dot(&p, w, wzp, bias, c.xzp, rq), 0, p.OutH)
				kerneltest.CompareI8(t, got, want, what)
			}
			bias[C-1] += c.sign
			if SupportsDWConvQ8Dot(&p, w, wzp, bias, c.xzp, rq) {
				t.Errorf("%s: a bias of %d is supported", what, bias[C-1])
			}
		}
	}
}

//go:build gc && !purego

package arm64

import (
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// The first-layer kernels' results are checked against generic by the
// equivalence tests of package kernels; these tests check what they support
// and how they pack.

func TestSupportsConv(t *testing.T) {
	ok := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 32, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	for _, c := range []struct {
		name string
		mod  func(p *generic.ConvParams)
		want bool
	}{
		{"first layer", func(*generic.ConvParams) {}, true},
		{"72 channels", func(p *generic.ConvParams) { p.OutC = 72 }, true},
		{"stride 1", func(p *generic.ConvParams) { p.StrideH, p.StrideW = 1, 1 }, true},
		{"4 input channels", func(p *generic.ConvParams) { p.InC = 4 }, false},
		{"12 channels", func(p *generic.ConvParams) { p.OutC = 12 }, false},
		{"5x5", func(p *generic.ConvParams) { p.KW = 5 }, false},
		{"unequal strides", func(p *generic.ConvParams) { p.StrideW = 1 }, false},
		{"stride 3", func(p *generic.ConvParams) { p.StrideH, p.StrideW = 3, 3 }, false},
	} {
		p := ok
		c.mod(&p)
		if got := SupportsConvF32(&p); got != c.want {
			t.Errorf("%s: SupportsConvF32 = %v, want %v", c.name, got, c.want)
		}
		for _, xzp := range []int32{-128, 0, 127} {
			if got := SupportsConvQ8(&p, xzp); got != c.want {
				t.Errorf("%s xzp=%d: SupportsConvQ8 = %v, want %v", c.name, xzp, got, c.want)
			}
		}
		if SupportsConvQ8(&p, 128) || SupportsConvQ8(&p, -129) {
			t.Errorf("%s: SupportsConvQ8 accepts an input zero point beyond int8", c.name)
		}
	}
	// SDOT multiplies int8: an int8 offset per channel must bring the
	// weights minus their zero point into it (they span at most 255).
	w := make([]int8, 27*32)
	wzp := make([]int32, 32)
	rq := &generic.Requant{Scale: make([]float32, 32), Min: -128, Max: 127}
	if !SupportsConvQ8Dot(&ok, w, wzp, nil, 0, rq) {
		t.Error("SupportsConvQ8Dot rejects zero weights")
	}
	w[5*27+3], w[5*27+4] = -128, 127
	wzp[5] = 100 // legacy uint8: -228 .. 27 with an offset of -100
	if !SupportsConvQ8Dot(&ok, w, wzp, nil, 0, rq) {
		t.Error("SupportsConvQ8Dot rejects int8 weights -128 and 127 minus a zero point of 100")
	}
	wzp[5] = 0
	w[5*27+6] = 127
	w[5*27+3] = -128
	wzp[5] = 0
	if !SupportsConvQ8Dot(&ok, w, wzp, nil, 0, rq) {
		t.Error("SupportsConvQ8Dot rejects int8 weights spanning -128 .. 127")
	}
	wzp[5] = 1000 // beyond int8: -1128 .. -873, no int8 offset
	if SupportsConvQ8Dot(&ok, w, wzp, nil, 0, rq) {
		t.Error("SupportsConvQ8Dot accepts weights minus a zero point of 1000")
	}
	wzp[5] = 0
	if SupportsConvQ8Dot(&ok, w, wzp, nil, 300, rq) {
		t.Error("SupportsConvQ8Dot accepts an input zero point of 300")
	}
	rq.ZeroPoint = 32641
	if SupportsConvQ8Dot(&ok, w, wzp, nil, 0, rq) {
		t.Error("SupportsConvQ8Dot accepts an output zero point of 32641")
	}
}

// TestPackConvQ8Dot checks the SDOT layout, the offsets and the folded bias
// against their formulas in PackConvQ8Dot's doc comment: without offsets
// (int8 weights, the bias carries 0x4B400000) and with them (legacy uint8
// weights minus a zero point beyond int8, or a bias beyond convDotMaxBias).
func TestPackConvQ8Dot(t *testing.T) {
	r := kerneltest.Rand(8)
	p := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 16, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	rq := kerneltest.RandRequant(r, 16, 0)
	for _, scheme := range []string{"int8", "uint8", "large bias"} {
		w := kerneltest.I8s(r, 27*16, -100, 100)
		wzp := kerneltest.I32s(r, 16, -27, 27)
		bias := kerneltest.I32s(r, 16, -999, 999)
		switch scheme {
		case "uint8":
			w[3*27+5], wzp[3] = -128, 100
		case "large bias":
			bias[9] = convDotMaxBias + 1
		}
		const xzp = -7
		pk := PackConvQ8Dot(&p, w, wzp, bias, xzp, rq)
		if len(pk.w) != 16*36 || len(pk.bias) != 16 || pk.xzp != xzp || (pk.off == nil) != (scheme == "int8") {
			t.Fatalf("%s: packed %d weights, %d biases, xzp %d, offsets %v; want %d, 16, %d, %v",
				scheme, len(pk.w), len(pk.bias), pk.xzp, pk.off != nil, 16*36, xzp, scheme != "int8")
		}
		for oc := 0; oc < 16; oc++ {
			var a [27]int32
			o, _ := int8Offset(convTaps(&a, w, wzp, oc))
			if pk.off != nil && pk.off[oc] != o {
				t.Errorf("%s channel %d: offset %d, want %d", scheme, oc, pk.off[oc], o)
			}
			sum := int32(0)
			for t9 := 0; t9 < 27; t9++ {
				v := int32(w[oc*27+t9]) - wzp[oc]
				sum += v
				ky, j := t9/9, t9%9
				i := ((((oc/8*3+ky)*3+j/4)*2+oc%8/4)*4+oc%4)*4 + j%4
				if int32(pk.w[i]) != v-o {
					t.Fatalf("%s channel %d tap %d: packed[%d] = %d, want %d", scheme, oc, t9, i, pk.w[i], v-o)
				}
			}
			want := bias[oc] - xzp*sum
			if pk.off == nil {
				want += dwDotMagic
			}
			if pk.bias[oc] != want {
				t.Errorf("%s channel %d: folded bias %d, want %d", scheme, oc, pk.bias[oc], want)
			}
		}
	}
	w := kerneltest.I8s(r, 27*16, -100, 100)
	pk := PackConvQ8Dot(&p, w, make([]int32, 16), nil, 0, rq)
	// Taps 9..11 of each kernel row (the last group's lanes 1..3) are zero
	// padding.
	for b := 0; b < 2; b++ {
		for ky := 0; ky < 3; ky++ {
			for i := range 8 { // half, lane
				for j := 1; j < 4; j++ {
					if v := pk.w[((((b*3+ky)*3+2)*2+i/4)*4+i%4)*4+j]; v != 0 {
						t.Fatalf("block %d row %d channel %d: padding tap %d = %d, want 0", b, ky, i, 8+j, v)
					}
				}
			}
		}
	}
}

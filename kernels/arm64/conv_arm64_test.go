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
	// SDOT multiplies int8: weights minus their zero point must stay in it.
	w := make([]int8, 27*32)
	wzp := make([]int32, 32)
	if !SupportsConvQ8Dot(&ok, w, wzp, 0) {
		t.Error("SupportsConvQ8Dot rejects zero weights")
	}
	w[5*27+3] = -128
	if !SupportsConvQ8Dot(&ok, w, wzp, 0) {
		t.Error("SupportsConvQ8Dot rejects an int8 weight of -128 with zero point 0")
	}
	wzp[5] = 1
	if SupportsConvQ8Dot(&ok, w, wzp, 0) {
		t.Error("SupportsConvQ8Dot accepts -128 - 1")
	}
	wzp[5] = 0
	if SupportsConvQ8Dot(&ok, w, wzp, 300) {
		t.Error("SupportsConvQ8Dot accepts an input zero point of 300")
	}
}

// TestPackConvQ8Dot checks the SDOT layout and the folded bias against their
// formulas in PackConvQ8Dot's doc comment.
func TestPackConvQ8Dot(t *testing.T) {
	r := kerneltest.Rand(8)
	p := generic.ConvParams{InH: 8, InW: 8, InC: 3, OutH: 4, OutW: 4, OutC: 16, KH: 3, KW: 3, StrideH: 2, StrideW: 2}
	w := kerneltest.I8s(r, 27*16, -100, 100)
	wzp := kerneltest.I32s(r, 16, -27, 27)
	bias := kerneltest.I32s(r, 16, -999, 999)
	const xzp = -7
	pk := PackConvQ8Dot(&p, w, wzp, bias, xzp)
	if len(pk.w) != 16*36 || len(pk.bias) != 16 || pk.xzp != xzp {
		t.Fatalf("packed %d weights, %d biases, xzp %d; want %d, 16, %d", len(pk.w), len(pk.bias), pk.xzp, 16*36, xzp)
	}
	for oc := 0; oc < 16; oc++ {
		sum := int32(0)
		for t9 := 0; t9 < 27; t9++ {
			v := int32(w[oc*27+t9]) - wzp[oc]
			sum += v
			ky, j := t9/9, t9%9
			i := ((((oc/8*3+ky)*3+j/4)*2+oc%8/4)*4+oc%4)*4 + j%4
			if int32(pk.w[i]) != v {
				t.Fatalf("channel %d tap %d: packed[%d] = %d, want %d", oc, t9, i, pk.w[i], v)
			}
		}
		if want := bias[oc] - xzp*sum; pk.bias[oc] != want {
			t.Errorf("channel %d: folded bias %d, want %d", oc, pk.bias[oc], want)
		}
	}
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

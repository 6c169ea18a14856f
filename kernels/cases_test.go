package kernels_test

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/kernels/generic"
)

// awkward are the channel counts of ncnn's awkward-shape tests plus the
// edges of 4-, 8- and 16-lane tiles and of the int8 depthwise channel block.
var awkward = []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 32, 33, 63, 64, 65}

// pwShape is one GEMM: m rows (pixels), k input and n output channels.
type pwShape struct{ m, k, n int }

func (s pwShape) String() string { return fmt.Sprintf("m%d_k%d_n%d", s.m, s.k, s.n) }

// pointwiseShapes returns the shapes every pointwise implementation must
// match generic on: rows below, at and above the implementation's tile and
// several tiles plus a remainder; awkward k and n; then long-k shapes (cache
// blocking, k tails) and MobileNet-like layers cut down in m.
func pointwiseShapes(tileM int) []pwShape {
	ms := []int{1, tileM - 1, tileM, tileM + 1, 2*tileM + 1, 3 * tileM, 37}
	slices.Sort(ms)
	ms = slices.Compact(ms)
	var shapes []pwShape
	kn := []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 33, 64}
	for _, m := range ms {
		if m <= 0 {
			continue
		}
		for _, k := range kn {
			for _, n := range kn {
				shapes = append(shapes, pwShape{m, k, n})
			}
		}
	}
	return append(shapes,
		pwShape{2*tileM + 3, 300, 70}, pwShape{tileM + 2, 1023, 21}, pwShape{5, 4099, 9},
		pwShape{25, 32, 64}, pwShape{13, 128, 128}, pwShape{9, 512, 512}, pwShape{1, 1024, 1001})
}

// convCase is one convolution shape and the output rows [y0, y1) to compute.
type convCase struct {
	p      generic.ConvParams
	y0, y1 int
}

func (c convCase) String() string {
	p := c.p
	return fmt.Sprintf("in%dx%dx%d_out%dx%dx%d_k%dx%d_s%dx%d_pad%d,%d_rows%d-%d",
		p.InH, p.InW, p.InC, p.OutH, p.OutW, p.OutC, p.KH, p.KW, p.StrideH, p.StrideW, p.PadTop, p.PadLeft, c.y0, c.y1)
}

// samePad is TF SAME padding of one dimension: output size and padding before.
func samePad(in, k, s int) (out, before int) {
	out = (in + s - 1) / s
	return out, max((out-1)*s+k-in, 0) / 2
}

// convCases returns the shapes of the conv and depthwise harness:
//   - 3x3 SAME, strides 1 and 2, widths 1..17 and heights 1..9, every awkward
//     channel count (depthwise) or a few (full conv), with row ranges that
//     split the image (first rows, middle, last rows, all);
//   - the layer shapes of MobileNet (3x3 s2 on 3 channels; depthwise 3x3
//     s1/s2 on 32..1024 channels at small sizes), even and odd inputs;
//   - random kernels 1..5, strides 1..3 and paddings (SAME, VALID, arbitrary
//     before/after amounts below the kernel size).
//
// Depthwise cases have OutC == InC.
func convCases(depthwise bool) []convCase {
	r := newRand(0xc0de)
	var cases []convCase
	add := func(p generic.ConvParams, y0, y1 int) {
		if depthwise {
			p.OutC = p.InC
		}
		if p.OutH <= 0 || p.OutW <= 0 || y0 >= y1 {
			return
		}
		cases = append(cases, convCase{p, y0, y1})
	}
	chans := awkward
	if !depthwise {
		chans = []int{1, 3, 4, 8, 17}
	}
	for ci, c := range chans {
		for _, s := range []int{1, 2} {
			for w := 1; w <= 17; w++ {
				h := 1 + (w+ci)%9
				oh, pt := samePad(h, 3, s)
				ow, pl := samePad(w, 3, s)
				p := generic.ConvParams{InH: h, InW: w, InC: c, OutH: oh, OutW: ow, OutC: []int{1, 4, 8, 17, 32}[w%5],
					KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pt, PadLeft: pl}
				switch w % 4 {
				case 0:
					add(p, 0, oh)
				case 1:
					add(p, 0, (oh+1)/2)
				case 2:
					add(p, oh/2, oh)
				default:
					add(p, oh/3, oh/3+1)
				}
			}
		}
	}
	for _, in := range []int{7, 8, 9, 14} {
		for _, s := range []int{1, 2} {
			oh, pt := samePad(in, 3, s)
			if depthwise {
				for _, c := range []int{32, 64, 128, 1024} {
					add(generic.ConvParams{InH: in, InW: in, InC: c, OutH: oh, OutW: oh, KH: 3, KW: 3,
						StrideH: s, StrideW: s, PadTop: pt, PadLeft: pt}, 0, oh)
				}
			} else {
				add(generic.ConvParams{InH: in, InW: in, InC: 3, OutH: oh, OutW: oh, OutC: 32, KH: 3, KW: 3,
					StrideH: s, StrideW: s, PadTop: pt, PadLeft: pt}, 0, oh)
			}
		}
	}
	for range 200 {
		kh, kw, sh, sw := 1+r.IntN(5), 1+r.IntN(5), 1+r.IntN(3), 1+r.IntN(3)
		h, w := 1+r.IntN(12), 1+r.IntN(12)
		p := generic.ConvParams{InH: h, InW: w, InC: awkward[r.IntN(len(awkward))], OutC: 1 + r.IntN(19),
			KH: kh, KW: kw, StrideH: sh, StrideW: sw}
		if !depthwise {
			p.InC = 1 + r.IntN(8)
		}
		switch r.IntN(3) {
		case 0:
			p.OutH, p.PadTop = samePad(h, kh, sh)
			p.OutW, p.PadLeft = samePad(w, kw, sw)
		case 1:
			if h < kh || w < kw {
				continue
			}
			p.OutH, p.OutW = (h-kh)/sh+1, (w-kw)/sw+1
		default:
			p.PadTop, p.PadLeft = r.IntN(kh), r.IntN(kw)
			padB, padR := r.IntN(kh), r.IntN(kw)
			if h+p.PadTop+padB < kh || w+p.PadLeft+padR < kw {
				continue
			}
			p.OutH, p.OutW = (h+p.PadTop+padB-kh)/sh+1, (w+p.PadLeft+padR-kw)/sw+1
		}
		y0 := r.IntN(p.OutH)
		add(p, y0, y0+1+r.IntN(p.OutH-y0))
	}
	return cases
}

// weightLen is the number of weights of a conv ([OutC][KH][KW][InC]) or
// depthwise ([KH][KW][C]) layer.
func weightLen(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW * p.InC
	}
	return p.OutC * p.KH * p.KW * p.InC
}

// taps is the number of terms of one output sum.
func taps(p *generic.ConvParams, depthwise bool) int {
	if depthwise {
		return p.KH * p.KW
	}
	return p.KH * p.KW * p.InC
}

package kerneltest

import (
	"fmt"
	"slices"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Awkward are the channel counts of ncnn's awkward-shape tests plus the edges
// of 4-, 8- and 16-lane tiles, of the int8 depthwise channel block and of the
// generic depthwise loop-order switch (128 channels).
var Awkward = []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 32, 33, 63, 64, 65, 128, 129, 257}

// PointwiseShape is one GEMM: M rows (pixels), K input and N output channels.
type PointwiseShape struct{ M, K, N int }

func (s PointwiseShape) String() string { return fmt.Sprintf("m%d_k%d_n%d", s.M, s.K, s.N) }

// PointwiseShapes returns the shapes every pointwise implementation must
// match the reference on, deduplicated:
//   - rows below, at and above the implementation's tile (tileM) and several
//     tiles plus a remainder, by awkward k and n;
//   - rows around the generic register tiles (3 and 6) and the NEON ones (4
//     and 8) by channels around the panel widths (2, 3, 4, 8);
//   - every k and every n in 1..33 (16-byte k blocks with and without a
//     remainder, partial panels of 4 and 8 channels), k = 0 (bias only);
//   - long k (cache blocks of the generic and NEON kernels, k tails) and the
//     MobileNet layers cut down in m, the classifier included.
func PointwiseShapes(tileM int) []PointwiseShape {
	var s []PointwiseShape
	kn := []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 31, 33, 64}
	for _, m := range []int{1, tileM - 1, tileM, tileM + 1, 2*tileM + 1, 3 * tileM, 37} {
		if m <= 0 {
			continue
		}
		for _, k := range kn {
			for _, n := range kn {
				s = append(s, PointwiseShape{m, k, n})
			}
		}
	}
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 13} {
		for _, k := range []int{1, 2, 3, 4, 7, 8, 16, 17, 33} {
			for _, n := range []int{1, 2, 3, 4, 7, 8, 12, 15, 16, 17, 33} {
				s = append(s, PointwiseShape{m, k, n})
			}
		}
	}
	for i := 1; i <= 33; i++ {
		s = append(s, PointwiseShape{9, 5 + i%7, i}, PointwiseShape{3 + i%9, i, 5 + i%13},
			PointwiseShape{5 + i%6, i, 3 + i%11}, PointwiseShape{9, 19, i})
	}
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33} {
		for _, k := range []int{1, 3, 4, 8, 13, 32} {
			s = append(s, PointwiseShape{m, k, 16})
		}
	}
	s = append(s,
		PointwiseShape{3, 0, 9}, PointwiseShape{2, 0, 5},
		PointwiseShape{2*tileM + 3, 300, 70}, PointwiseShape{tileM + 2, 1023, 21}, PointwiseShape{5, 4099, 9},
		PointwiseShape{20, 300, 70}, PointwiseShape{7, 5000, 23}, PointwiseShape{8, 9000, 41},
		PointwiseShape{25, 32, 64}, PointwiseShape{13, 128, 128}, PointwiseShape{9, 512, 512},
		PointwiseShape{49, 64, 24}, PointwiseShape{196, 32, 64}, PointwiseShape{3, 1024, 17},
		PointwiseShape{49, 64, 1001}, PointwiseShape{1, 1024, 1001})
	return dedupe(s)
}

// SplitShapes are the GEMMs the row-split tests cut at every multiple of an
// implementation's tile.
var SplitShapes = []PointwiseShape{{37, 33, 17}, {64, 64, 40}, {25, 8, 9}}

// ConvCase is one convolution shape and the output rows [Y0, Y1) to compute.
type ConvCase struct {
	P      generic.ConvParams
	Y0, Y1 int
}

func (c ConvCase) String() string {
	p := c.P
	return fmt.Sprintf("in%dx%dx%d_out%dx%dx%d_k%dx%d_s%dx%d_pad%d,%d_rows%d-%d",
		p.InH, p.InW, p.InC, p.OutH, p.OutW, p.OutC, p.KH, p.KW, p.StrideH, p.StrideW, p.PadTop, p.PadLeft, c.Y0, c.Y1)
}

// SamePad is TF SAME padding of one dimension: output size and padding before.
func SamePad(in, k, s int) (out, before int) {
	out = (in + s - 1) / s
	return out, max((out-1)*s+k-in, 0) / 2
}

// ConvCases returns the shapes every convolution (depthwise: OutC == InC)
// and average pool implementation must handle:
//   - 3x3 SAME sweeps, strides 1 and 2, widths 1..17 by heights 1..9, every
//     awkward channel count (depthwise) or a few (full conv), with row ranges
//     that split the image (first rows, middle, last rows, all);
//   - depthwise: every channel count 1..33, widths 1..17 SAME, VALID and
//     padding 1, square and one column wider;
//   - full conv on 3 channels (the first layer): every input size 1..17, SAME,
//     VALID and paddings 1 and 2, 8 to 128 output channels, 224x224 and an odd
//     225x225 image;
//   - MobileNet's layer shapes at small sizes, even and odd inputs;
//   - random kernels 1..5, strides 1..3 and paddings (SAME, VALID, arbitrary
//     amounts before and after, below the kernel size) and row ranges.
func ConvCases(depthwise bool) []ConvCase {
	var cases []ConvCase
	add := func(p generic.ConvParams, y0, y1 int) {
		if depthwise {
			p.OutC = p.InC
		}
		if p.OutH <= 0 || p.OutW <= 0 || y0 < 0 || y1 > p.OutH || y0 >= y1 {
			return
		}
		cases = append(cases, ConvCase{p, y0, y1})
	}
	same3 := func(h, w, c, oc, s int) generic.ConvParams {
		oh, pt := SamePad(h, 3, s)
		ow, pl := SamePad(w, 3, s)
		return generic.ConvParams{InH: h, InW: w, InC: c, OutH: oh, OutW: ow, OutC: oc,
			KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pt, PadLeft: pl}
	}
	// Sweeps of 3x3 SAME layers.
	chans := Awkward
	if !depthwise {
		chans = []int{1, 2, 3, 4, 7, 8, 17}
	}
	for ci, c := range chans {
		for _, s := range []int{1, 2} {
			for w := 1; w <= 17; w++ {
				p := same3(1+(w+ci)%9, w, c, []int{1, 4, 8, 17, 32}[w%5], s)
				switch oh := p.OutH; w % 4 {
				case 0:
					add(p, 0, oh)
				case 1:
					add(p, 0, (oh+1)/2)
				case 2:
					add(p, oh/2, oh)
				default:
					add(p, oh/3, oh/3+1)
				}
				p = same3(1+(w*7+ci)%6, w, c, 1+(w+c)%17, s)
				add(p, 0, p.OutH)
			}
		}
	}
	if depthwise {
		cases = append(cases, depthwiseSweep()...)
	} else {
		cases = append(cases, firstLayerSweep()...)
	}
	// MobileNet layers at small sizes.
	for _, in := range []int{7, 8, 9, 14, 16} {
		for _, s := range []int{1, 2} {
			if depthwise {
				for _, c := range []int{32, 64, 128, 1024} {
					p := same3(in, in, c, c, s)
					add(p, 0, p.OutH)
				}
			} else {
				p := same3(in, in, 3, 32, s)
				add(p, 0, p.OutH)
			}
		}
	}
	// Random kernels, strides, paddings and row ranges.
	r := Rand(0xc0de)
	for range 500 {
		kh, kw, sh, sw := 1+r.IntN(5), 1+r.IntN(5), 1+r.IntN(3), 1+r.IntN(3)
		h, w := 1+r.IntN(13), 1+r.IntN(13)
		p := generic.ConvParams{InH: h, InW: w, InC: Awkward[r.IntN(len(Awkward))], OutC: 1 + r.IntN(19),
			KH: kh, KW: kw, StrideH: sh, StrideW: sw}
		if !depthwise {
			p.InC = 1 + r.IntN(9)
		}
		switch r.IntN(3) {
		case 0:
			p.OutH, p.PadTop = SamePad(h, kh, sh)
			p.OutW, p.PadLeft = SamePad(w, kw, sw)
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

// explicitPad returns a 3x3 layer's output size and padding before for one
// dimension: "same", "valid", or "pad1"/"pad2" (that much on both sides).
func explicitPad(pad string, in, s int) (out, before int) {
	switch pad {
	case "same":
		return SamePad(in, 3, s)
	case "valid":
		if in < 3 {
			return 0, 0
		}
		return (in-3)/s + 1, 0
	case "pad1":
		return (in+2-3)/s + 1, 1
	}
	return (in+4-3)/s + 1, 2 // pad2
}

// depthwiseSweep covers every channel count 1..33 and every width 1..17, both
// strides, SAME (asymmetric at stride 2 on even sizes), VALID and padding 1,
// square and one column wider, whole images and rows [1, 2).
func depthwiseSweep() []ConvCase {
	var cs []ConvCase
	add := func(pad string, in, c, s int) {
		p := generic.ConvParams{InH: in, InW: in, InC: c, OutC: c, KH: 3, KW: 3, StrideH: s, StrideW: s}
		if (in+c)%3 == 0 {
			p.InW++ // not square: one extra column changes the right edge
		}
		p.OutH, p.PadTop = explicitPad(pad, p.InH, s)
		p.OutW, p.PadLeft = explicitPad(pad, p.InW, s)
		if p.OutH <= 0 || p.OutW <= 0 {
			return
		}
		cs = append(cs, ConvCase{p, 0, p.OutH})
		if p.OutH > 2 {
			cs = append(cs, ConvCase{p, 1, 2})
		}
	}
	for _, s := range []int{1, 2} {
		for c := 1; c <= 33; c++ {
			add("same", 5+c%4, c, s)
		}
		for w := 1; w <= 17; w++ {
			for _, pad := range []string{"same", "valid", "pad1"} {
				add(pad, w, []int{4, 8, 5}[w%3], s)
			}
		}
		add("same", 14, 32, s)
		add("same", 16, 64, s)
	}
	return cs
}

// firstLayerSweep covers 3x3 convolutions of 3 input channels (MobileNet's
// first layer): every input size 1..17 (odd and even, square and not), both
// strides, SAME, VALID and paddings 1 and 2, 8 to 128 output channels,
// partial row ranges, and 224x224 and 225x225 images.
func firstLayerSweep() []ConvCase {
	var cs []ConvCase
	outCs := []int{8, 16, 24, 32, 40, 64, 72, 128}
	add := func(pad string, inH, inW, oc, s int) {
		p := generic.ConvParams{InH: inH, InW: inW, InC: 3, OutC: oc, KH: 3, KW: 3, StrideH: s, StrideW: s}
		p.OutH, p.PadTop = explicitPad(pad, inH, s)
		p.OutW, p.PadLeft = explicitPad(pad, inW, s)
		if p.OutH <= 0 || p.OutW <= 0 {
			return
		}
		cs = append(cs, ConvCase{p, 0, p.OutH})
		if p.OutH > 2 {
			cs = append(cs, ConvCase{p, 1, 2}, ConvCase{p, p.OutH - 1, p.OutH})
		}
	}
	i := 0
	for _, s := range []int{1, 2} {
		for in := 1; in <= 17; in++ {
			for _, pad := range []string{"same", "valid", "pad1", "pad2"} {
				add(pad, in, in+in%3%2, outCs[i%len(outCs)], s)
				i++
			}
		}
	}
	add("same", 224, 224, 32, 2)
	add("same", 225, 225, 16, 2)
	return cs
}

// DWParams is a 3x3 SAME depthwise layer on an in x in x c input.
func DWParams(in, c, s int) generic.ConvParams {
	out, pad := SamePad(in, 3, s)
	return generic.ConvParams{InH: in, InW: in, InC: c, OutH: out, OutW: out, OutC: c,
		KH: 3, KW: 3, StrideH: s, StrideW: s, PadTop: pad, PadLeft: pad}
}

// MobileNet-V1 1.0/224's layers, the shapes of the benchmarks.
var (
	// MobileNetPointwise: m output pixels, k input and n output channels; the
	// last is the classifier.
	MobileNetPointwise = []PointwiseShape{
		{112 * 112, 32, 64}, {56 * 56, 64, 128}, {56 * 56, 128, 128}, {28 * 28, 128, 256},
		{28 * 28, 256, 256}, {14 * 14, 256, 512}, {14 * 14, 512, 512}, {7 * 7, 512, 1024},
		{7 * 7, 1024, 1024}, {1, 1024, 1001},
	}
	// MobileNetDepthwise are the 3x3 depthwise layers.
	MobileNetDepthwise = []generic.ConvParams{
		DWParams(112, 32, 1), DWParams(112, 64, 2), DWParams(56, 128, 1), DWParams(56, 128, 2), DWParams(28, 256, 1),
		DWParams(28, 256, 2), DWParams(14, 512, 1), DWParams(14, 512, 2), DWParams(7, 1024, 1),
	}
	// MobileNetFirstConv is layer 0: 3x3 stride 2, 3 -> 32 channels, SAME (0
	// before, 1 after).
	MobileNetFirstConv = generic.ConvParams{InH: 224, InW: 224, InC: 3, OutH: 112, OutW: 112, OutC: 32,
		KH: 3, KW: 3, StrideH: 2, StrideW: 2}
)

func dedupe[T comparable](s []T) []T {
	seen := make(map[T]bool, len(s))
	return slices.DeleteFunc(s, func(v T) bool {
		if seen[v] {
			return true
		}
		seen[v] = true
		return false
	})
}

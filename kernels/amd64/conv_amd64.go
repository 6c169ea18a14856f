//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// convC3MaxC bounds the output channels of the first-layer kernels: the
// transposed weights live on the stack. MobileNet-V1's first layer has 8
// (alpha 0.25) to 32 (alpha 1) channels.
const convC3MaxC = 64

// SupportsConv3x3C3 reports whether the AVX2 first-layer kernels handle p:
// a full 3x3 convolution of 3 input channels, equal strides of 1 or 2, any
// padding, and a multiple of 8 output channels up to 64.
func SupportsConv3x3C3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == 3 && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.OutC > 0 && p.OutC%8 == 0 && p.OutC <= convC3MaxC
}

// convC3Patch copies the 3x3x3 input window of output pixel (oy, ox) into
// patch ([ky][kx][ic]), with pad in the taps outside the image.
func convC3Patch[T float32 | int8](p *generic.ConvParams, patch *[27]T, src []T, oy, ox int, pad T) {
	for t := 0; t < 9; t++ {
		iy := oy*p.StrideH - p.PadTop + t/3
		ix := ox*p.StrideW - p.PadLeft + t%3
		if iy < 0 || iy >= p.InH || ix < 0 || ix >= p.InW {
			patch[3*t], patch[3*t+1], patch[3*t+2] = pad, pad, pad
			continue
		}
		i := (iy*p.InW + ix) * 3
		patch[3*t], patch[3*t+1], patch[3*t+2] = src[i], src[i+1], src[i+2]
	}
}

// convC3Check panics on an unsupported shape or on buffers too short for
// rows [y0, y1) of p, so the assembly never reads or writes outside them.
func convC3Check(name string, p *generic.ConvParams, nsrc, ndst, nw int, bias bool, nbias int, y0, y1 int) {
	if !SupportsConv3x3C3(p) {
		panic(fmt.Sprintf("amd64.%s: unsupported shape %+v", name, *p))
	}
	if y0 < 0 || y1 > p.OutH || nsrc < p.InH*p.InW*3 || ndst < p.OutH*p.OutW*p.OutC || nw < 27*p.OutC || (bias && nbias < p.OutC) {
		panic(fmt.Sprintf("amd64.%s: short buffers or rows [%d,%d) for %+v", name, y0, y1, *p))
	}
}

// convC3Rows runs one output row: the columns whose window lies inside the
// image (when the row's three input rows do) straight from src, the others
// through a padded patch; interior(i, xa, n) and edge(ox) do the calls.
func convC3Rows(p *generic.ConvParams, y0, y1 int, interior func(oy, i, xa, n int), edge func(oy, ox int)) {
	xa, xb := dwInterior(p)
	s := p.StrideW
	for oy := y0; oy < y1; oy++ {
		iy := oy*p.StrideH - p.PadTop
		inside := iy >= 0 && iy+2 < p.InH
		if inside && xb > xa {
			interior(oy, (iy*p.InW+xa*s-p.PadLeft)*3, xa, xb-xa)
		}
		for ox := 0; ox < p.OutW; ox++ {
			if inside && ox >= xa && ox < xb {
				continue
			}
			edge(oy, ox)
		}
	}
}

//go:build gc && !purego

package amd64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Shared by the first-layer kernels of conv_f32_amd64.go and
// conv_q8_amd64.go: a full 3x3 convolution of 3 input channels (MobileNet's
// first layer), a block of 8 (AVX2) or 16 (VNNI) output channels per
// assembly step. Output pixels whose 3x3 window lies inside the image read
// src directly; the others read a stack patch with the padded taps filled in.

// supportsConvC3 reports whether p has the shape of the first-layer
// kernels: a full 3x3 convolution of 3 input channels, equal strides of 1
// or 2, any padding, and a positive multiple of 8 output channels.
func supportsConvC3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == 3 && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.OutC > 0 && p.OutC%8 == 0
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

// convC3Check panics on a layer the kernels do not support, on weights
// packed for packedC output channels instead of p's, or on buffers too short
// for rows [y0, y1) of p, so the assembly never reads or writes outside them.
func convC3Check(name string, p *generic.ConvParams, nsrc, ndst, packedC, y0, y1 int) {
	if !supportsConvC3(p) {
		panic(fmt.Sprintf("amd64.%s: unsupported layer %+v", name, *p))
	}
	if packedC != p.OutC {
		panic(fmt.Sprintf("amd64.%s: weights packed for %d output channels, layer has %d", name, packedC, p.OutC))
	}
	if y0 < 0 || y1 > p.OutH || nsrc < p.InH*p.InW*3 || ndst < p.OutH*p.OutW*p.OutC {
		panic(fmt.Sprintf("amd64.%s: short buffers or rows [%d,%d) for %+v", name, y0, y1, *p))
	}
}

// convC3Rows runs output rows [y0, y1): the columns whose window lies
// inside the image (when the row's three input rows do) straight from src
// through interior(oy, i, xa, n) (i: the first tap's index in src, n
// pixels from column xa), the others one pixel at a time through edge(oy,
// ox).
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

// inInt8 reports whether v is an int8 value.
func inInt8(v int32) bool { return v >= -128 && v <= 127 }

// int8Clamp reports whether rq's clamp lies in [-128, 127], where the
// kernels' saturating packs equal generic's int8 conversion (always so for
// the runtime's int8 outputs).
func int8Clamp(rq *generic.Requant) bool {
	return rq != nil && inInt8(rq.Min) && inInt8(rq.Max)
}

// rqString describes a requantization's zero point and clamp for a panic
// message.
func rqString(rq *generic.Requant) string {
	if rq == nil {
		return "nil requantization"
	}
	return fmt.Sprintf("output zero point %d, clamp [%d, %d]", rq.ZeroPoint, rq.Min, rq.Max)
}

//go:build gc && !purego

package arm64

import (
	"fmt"

	"github.com/edgecam/edgecam/kernels/generic"
)

// Shared by the first-layer kernels of conv_f32_arm64.go and
// conv_q8_arm64.go: a full 3x3 convolution of 3 input channels (MobileNet's
// first layer), 8 output channels per assembly block. Output pixels whose
// 3x3 window lies inside the image read src directly; the others read a
// stack patch with the padded taps filled in.

// supportsConvC3 reports whether the first-layer kernels handle p's shape: a
// full 3x3 convolution of 3 input channels, equal strides of 1 or 2, any
// padding, and a positive multiple of 8 output channels.
func supportsConvC3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == 3 && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.OutC > 0 && p.OutC%8 == 0
}

// convC3Cols returns the output columns [xa, xb) whose 3 input columns are all
// inside the image; the others read a zero-padded patch.
func convC3Cols(p *generic.ConvParams) (xa, xb int) {
	s := p.StrideW
	xa = (p.PadLeft + s - 1) / s
	if p.InW-3+p.PadLeft >= 0 {
		xb = (p.InW-3+p.PadLeft)/s + 1
	}
	return xa, max(min(xb, p.OutW), xa)
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
		panic(fmt.Sprintf("arm64.%s: unsupported layer %+v", name, *p))
	}
	if packedC != p.OutC {
		panic(fmt.Sprintf("arm64.%s: weights packed for %d output channels, layer has %d", name, packedC, p.OutC))
	}
	if y0 < 0 || y1 > p.OutH || nsrc < p.InH*p.InW*3 || ndst < p.OutH*p.OutW*p.OutC {
		panic(fmt.Sprintf("arm64.%s: short buffers or rows [%d,%d) for %+v", name, y0, y1, *p))
	}
}

// inInt8 reports whether v is an int8 value.
func inInt8(v int32) bool { return v >= -128 && v <= 127 }

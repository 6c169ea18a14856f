//go:build gc && !purego

package arm64

import "github.com/edgecam/edgecam/kernels/generic"

// Shared by the depthwise kernels of dwconv_f32_arm64.go and
// dwconv_q8_arm64.go: the assembly takes the output columns whose 3 input
// columns lie inside the image, a block of channels at a time; padded edge
// pixels go through the same assembly on a 3x3xC stack patch (up to
// dwPatchMaxC channels), and the channel tail runs in Go.

// dwPatchMaxC is the widest layer whose padded edge pixels run through the
// assembly on a stack patch (3x3xC); wider layers do them in Go.
const dwPatchMaxC = 1024

// supportsDW3x3 reports whether p has the shape of the depthwise kernels:
// 3x3, depth multiplier 1, equal strides of 1 or 2, any padding.
func supportsDW3x3(p *generic.ConvParams) bool {
	return p.KH == 3 && p.KW == 3 && p.InC == p.OutC && p.StrideH == p.StrideW &&
		(p.StrideH == 1 || p.StrideH == 2) && p.InC > 0
}

// dwInteriorCols returns the output columns [xa, xb) whose 3 input columns
// all lie inside the image.
func dwInteriorCols(p *generic.ConvParams) (xa, xb int) {
	s := p.StrideW
	xa = (p.PadLeft + s - 1) / s
	if p.InW-3+p.PadLeft >= 0 {
		xb = (p.InW-3+p.PadLeft)/s + 1
	}
	return xa, max(min(xb, p.OutW), xa)
}

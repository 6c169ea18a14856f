package main

import (
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Register use of both first-layer kernels: SI, DI, R8 = the three input
// rows of the current pixel; R9 = weights of the current channel group;
// R10 = output; R11 = bias (and, int8, R14 = scales) of the current group;
// R12 = blocks left; R13 = pixels left; AX = scratch.
var (
	convRows                                              = []reg.Register{reg.RSI, reg.RDI, reg.R8}
	convW, convOut, convBias, convBlk, convPix, convScale = reg.R9, reg.R10, reg.R11, reg.R12, reg.R13, reg.R14
)

// convPixelLoop emits the loop over pixels and, inside, channel groups of
// big blocks and then single blocks; group(nb) emits the body for nb blocks
// at the current pointers and advances them.
func convPixelLoop(c *build.Context, big int, group func(nb int), reset func()) {
	c.MOVQ(arg(c, "npix"), convPix)
	c.MOVQ(arg(c, "dst"), convOut)
	for i, r := range convRows {
		c.MOVQ(arg(c, []string{"r0", "r1", "r2"}[i]), r)
	}
	c.Label("pixel")
	reset()
	c.MOVQ(arg(c, "nblk"), convBlk)
	c.Label("groupbig")
	c.CMPQ(convBlk, operand.U8(uint64(big)))
	c.JLT(lbl("group1"))
	group(big)
	c.SUBQ(operand.U8(uint64(big)), convBlk)
	c.JMP(lbl("groupbig"))
	c.Label("group1")
	c.TESTQ(convBlk, convBlk)
	c.JZ(lbl("next"))
	group(1)
	c.DECQ(convBlk)
	c.JMP(lbl("group1"))
	c.Label("next")
	for _, r := range convRows {
		c.ADDQ(arg(c, "step"), r)
	}
	c.DECQ(convPix)
	c.JNZ(lbl("pixel"))
	c.VZEROUPPER()
	c.RET()
}

// genConvF32 writes convF32C3Avx2, the float32 3x3 convolution of a
// 3-channel image (MobileNet's first layer).
func genConvF32(c *build.Context) {
	c.Function("convF32C3Avx2")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)")
	c.Doc(
		"convF32C3Avx2 computes npix output pixels of a 3x3 convolution of 3",
		"input channels, C = 8*nblk output channels, from three input rows",
		"whose first taps are r0, r1, r2 (step bytes between neighbouring",
		"outputs' first taps); w is [nblk][27][8] (tap t = ky*9 + kx*3 + ic):",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for oc := 0; oc < C; oc++ {",
		"			acc := float32(0)",
		"			for t := 0; t < 27; t++ {",
		"				acc += r[t/9][x*step/4+t%9] * w[(oc/8*27+t)*8+oc%8] // fused multiply-add",
		"			}",
		"			dst[x*C+oc] = min(max(acc+bias[oc], lo), hi)",
		"		}",
		"	}",
	)
	c.Comment(
		"Channel groups of 4 blocks (32 channels) accumulate in Y0-Y3, single",
		"blocks in Y0; each tap is broadcast once into Y4 and multiplied by the",
		"group's weights straight from memory. Y14, Y15 = lo, hi.",
	)
	registerNote(c)
	c.VBROADCASTSS(arg(c, "lo"), reg.Y14)
	c.VBROADCASTSS(arg(c, "hi"), reg.Y15)
	reset := func() {
		c.MOVQ(arg(c, "w"), convW)
		c.MOVQ(arg(c, "bias"), convBias)
	}
	group := func(nb int) {
		for b := 0; b < nb; b++ {
			c.VXORPS(ymms[b], ymms[b], ymms[b])
		}
		for t := 0; t < 27; t++ {
			c.VBROADCASTSS(mem(convRows[t/9], 4*(t%9)), reg.Y4)
			for b := 0; b < nb; b++ {
				c.VFMADD231PS(mem(convW, (b*27+t)*32), reg.Y4, ymms[b])
			}
		}
		for b := 0; b < nb; b++ {
			c.VADDPS(mem(convBias, 32*b), ymms[b], ymms[b])
			c.VMAXPS(ymms[b], reg.Y14, ymms[b])
			c.VMINPS(ymms[b], reg.Y15, ymms[b])
			c.VMOVUPS(ymms[b], mem(convOut, 32*b))
		}
		c.ADDQ(operand.U32(nb*27*32), convW)
		c.ADDQ(operand.U32(nb*32), convBias)
		c.ADDQ(operand.U32(nb*32), convOut)
	}
	convPixelLoop(c, 4, group, reset)
}

// convQ8Steps are the input byte offsets, within a kernel row of 9 bytes,
// of the int16 pairs the int8 kernel multiplies: (0,1), (2,3), (4,5),
// (6,7) and (7,8), the last with weight pair (0, w8) so no byte past the
// window is read.
var convQ8Steps = []int{0, 2, 4, 6, 7}

// genConvQ8 writes convQ8C3Avx2, the int8 3x3 convolution of a 3-channel
// image.
func genConvQ8(c *build.Context) {
	k := requantConsts(c, 8)
	genConvQ8Avx2(c, k)
	genConvQ8Vnni(c, k)
}

func genConvQ8Avx2(c *build.Context, k rqConsts) {
	c.Function("convQ8C3Avx2")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, zp, lo, hi int32)")
	c.Doc(
		"convQ8C3Avx2 computes npix output pixels of an int8 3x3 convolution of",
		"3 input channels, C = 8*nblk output channels, from three input rows",
		"whose first taps are r0, r1, r2 (step bytes between neighbouring",
		"outputs' first taps), exact in int32:",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for oc := 0; oc < C; oc++ {",
		"			acc := bias[oc] // the input zero point folded in: bias - xzp*sum_t W[oc][t]",
		"			for t := 0; t < 27; t++ {",
		"				acc += int32(r[t/9][x*step+t%9]) * int32(W[oc][t])",
		"			}",
		"			dst[x*C+oc] = generic.Requantize(acc, scale[oc], zp, lo, hi)",
		"		}",
		"	}",
		"",
		"w holds W as int16 pairs [nblk][3 rows][5 pairs][8][2] (see",
		"convQ8Steps); lo and hi lie in [-128, 127].",
	)
	c.Comment(
		"Each pair of taps is broadcast as two int16 (VPBROADCASTW, VPMOVSXBW)",
		"into Y4 and VPMADDWD adds both products per int32 lane (exact: the",
		"inputs are int8, so no pair of operands is -32768 twice). Channel groups",
		"of 4 blocks accumulate in Y0-Y3, single blocks in Y0; Y5 the",
		"requantized block, Y6 packing scratch; Y7 products.",
	)
	registerNote(c)
	vecs := c.AllocLocal(3 * 32)
	q := rqAVX2{k: k, zp: vecs, lo: vecs.Offset(32), hi: vecs.Offset(64)}
	for i, name := range []string{"zp", "lo", "hi"} {
		c.MOVL(arg(c, name), reg.EAX)
		c.VMOVD(reg.EAX, reg.X0)
		c.VPBROADCASTD(reg.X0, reg.Y0)
		c.VMOVDQU(reg.Y0, vecs.Offset(32*i))
	}
	reset := func() {
		c.MOVQ(arg(c, "w"), convW)
		c.MOVQ(arg(c, "bias"), convBias)
		c.MOVQ(arg(c, "scale"), convScale)
	}
	const blockBytes = 3 * 5 * 32 // int16 pairs of one block
	group := func(nb int) {
		for b := 0; b < nb; b++ {
			c.VMOVDQU(mem(convBias, 32*b), ymms[b])
		}
		for ky := 0; ky < 3; ky++ {
			for si, off := range convQ8Steps {
				c.VPBROADCASTW(mem(convRows[ky], off), reg.X4)
				c.VPMOVSXBW(reg.X4, reg.Y4)
				for b := 0; b < nb; b++ {
					c.VPMADDWD(mem(convW, b*blockBytes+(ky*5+si)*32), reg.Y4, reg.Y7)
					c.VPADDD(reg.Y7, ymms[b], ymms[b])
				}
			}
		}
		for b := 0; b < nb; b++ {
			requantAVX2(c, q, ymms[b], reg.Y5, mem(convScale, 32*b))
			c.VEXTRACTI128(operand.U8(1), reg.Y5, reg.X6)
			c.VPACKSSDW(reg.X6, reg.X5, reg.X5)
			c.VPACKSSWB(reg.X5, reg.X5, reg.X5)
			c.VMOVQ(reg.X5, mem(convOut, 8*b))
		}
		c.ADDQ(operand.U32(nb*blockBytes), convW)
		c.ADDQ(operand.U32(nb*32), convBias)
		c.ADDQ(operand.U32(nb*32), convScale)
		c.ADDQ(operand.U32(nb*8), convOut)
	}
	convPixelLoop(c, 4, group, reset)
}

// convVnniGroups are the input byte offsets, within a kernel row of 9
// bytes, of the VPDPBUSD groups of 4 taps: 0-3, 4-7 and 5-8, the last with
// weights (0, 0, 0, w8) so no byte past the window is read.
var convVnniGroups = []int{0, 4, 5}

// genConvQ8Vnni writes convQ8C3Vnni, the int8 first layer with VPDPBUSD.
func genConvQ8Vnni(c *build.Context, k rqConsts) {
	c.Function("convQ8C3Vnni")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2 *int8, w *int8, bias *int32, scale *float32, dst *int8, npix, step, nblk int, zp, lo, hi int32)")
	c.Doc(
		"convQ8C3Vnni computes npix output pixels of an int8 3x3 convolution of",
		"3 input channels, C = 16*nblk output channels, from three input rows",
		"whose first taps are r0, r1, r2 (step bytes between neighbouring",
		"outputs' first taps), exact in int32 (mod 2^32):",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for oc := 0; oc < C; oc++ {",
		"			acc := bias[oc] // bias - (xzp+128)*sum_t W[oc][t], folded in Go",
		"			for t := 0; t < 27; t++ {",
		"				acc += (int32(r[t/9][x*step+t%9]) + 128) * int32(W[oc][t])",
		"			}",
		"			dst[x*C+oc] = generic.Requantize(acc, scale[oc], zp, lo, hi)",
		"		}",
		"	}",
		"",
		"w holds W (int8) as [nblk][3 rows][3 groups][16][4] (see convVnniGroups);",
		"lo and hi lie in [-128, 127].",
	)
	c.Comment(
		"Each group of 4 taps is broadcast as one dword (VPBROADCASTD), biased to",
		"uint8 (XOR 0x80) and multiplied into 16 channels by VPDPBUSD. Groups of",
		"2 blocks accumulate in Z0, Z1, single blocks in Z0; Z4 the taps; Z5 =",
		"0x80 bytes; Z6 the requantized block; Z8-Z12 the requantization",
		"constants.",
	)
	registerNote(c)
	q := rqAVX512{big: reg.Z8, mbig: reg.Z9, zp: reg.Z10, lo: reg.Z11, hi: reg.Z12}
	loadRequantAVX512(c, k, q)
	c.MOVL(operand.U32(0x80808080), reg.EAX)
	c.VPBROADCASTD(reg.EAX, reg.Z5)
	reset := func() {
		c.MOVQ(arg(c, "w"), convW)
		c.MOVQ(arg(c, "bias"), convBias)
		c.MOVQ(arg(c, "scale"), convScale)
	}
	const blockBytes = 3 * 3 * 64
	group := func(nb int) {
		for b := 0; b < nb; b++ {
			c.VMOVDQU32(mem(convBias, 64*b), zmms[b])
		}
		for ky := 0; ky < 3; ky++ {
			for gi, off := range convVnniGroups {
				c.VPBROADCASTD(mem(convRows[ky], off), reg.Z4)
				c.VPXORD(reg.Z5, reg.Z4, reg.Z4)
				for b := 0; b < nb; b++ {
					c.VPDPBUSD(mem(convW, b*blockBytes+(ky*3+gi)*64), reg.Z4, zmms[b])
				}
			}
		}
		for b := 0; b < nb; b++ {
			requantAVX512(c, q, zmms[b], reg.Z6, mem(convScale, 64*b))
			c.VPMOVSDB(reg.Z6, mem(convOut, 16*b))
		}
		c.ADDQ(operand.U32(nb*blockBytes), convW)
		c.ADDQ(operand.U32(nb*64), convBias)
		c.ADDQ(operand.U32(nb*64), convScale)
		c.ADDQ(operand.U32(nb*16), convOut)
	}
	convPixelLoop(c, 2, group, reset)
}

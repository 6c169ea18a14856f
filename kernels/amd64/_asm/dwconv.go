package main

import (
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// genDwconvF32 writes the float32 3x3 depthwise row kernels.
func genDwconvF32(c *build.Context) {
	genDwconvF32Channels(c)
	genDwconvF32Pixels(c)
}

// genDwconvF32Channels writes dwF32Avx2, channel blocks outermost.
func genDwconvF32Channels(c *build.Context) {
	c.Function("dwF32Avx2")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes, step int, lo, hi float32)")
	c.Doc(
		"dwF32Avx2 computes npix output pixels of a 3x3 depthwise convolution,",
		"channels [0, 8*nblk), from three input rows whose first taps are r0, r1,",
		"r2 (C = cbytes/4 channels a pixel, step bytes between the first taps of",
		"neighbouring outputs):",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for c := 0; c < 8*nblk; c++ {",
		"			acc := bias[c]",
		"			for ky := 0; ky < 3; ky++ {",
		"				for kx := 0; kx < 3; kx++ {",
		"					acc += r[ky][x*step/4+kx*C+c] * w[(ky*3+kx)*C+c] // fused multiply-add",
		"				}",
		"			}",
		"			dst[x*C+c] = min(max(acc, lo), hi)",
		"		}",
		"	}",
	)
	c.Comment(
		"Channel blocks of 8 outermost: the block's 9 weights stay in Y0-Y8, its",
		"bias in Y9; Y10, Y11 = lo, hi; Y12 accumulates one pixel, the taps in",
		"the reference order. Pixels are independent, so the out-of-order core",
		"overlaps their FMA chains. SI, DI, R8 = the rows' taps of the current",
		"pixel; R9 = output; R10 = pixels left; R11 = cbytes; R12 = step;",
		"R13 = blocks left; R14 = byte offset of the block; AX = scratch.",
	)
	registerNote(c)
	rows := []reg.Register{reg.RSI, reg.RDI, reg.R8}
	out, left, cb, step, blocks, boff, T := reg.R9, reg.R10, reg.R11, reg.R12, reg.R13, reg.R14, reg.RAX
	c.MOVQ(arg(c, "cbytes"), cb)
	c.MOVQ(arg(c, "step"), step)
	c.MOVQ(arg(c, "nblk"), blocks)
	c.XORQ(boff, boff)
	c.VBROADCASTSS(arg(c, "lo"), reg.Y10)
	c.VBROADCASTSS(arg(c, "hi"), reg.Y11)
	c.Label("block")
	c.MOVQ(arg(c, "w"), T)
	c.ADDQ(boff, T)
	for t := 0; t < 9; t++ {
		c.VMOVUPS(mem(T, 0), ymms[t])
		if t < 8 {
			c.ADDQ(cb, T)
		}
	}
	c.MOVQ(arg(c, "bias"), T)
	c.VMOVUPS(memx(T, boff, 0), reg.Y9)
	for i, r := range rows {
		c.MOVQ(arg(c, []string{"r0", "r1", "r2"}[i]), r)
		c.ADDQ(boff, r)
	}
	c.MOVQ(arg(c, "dst"), out)
	c.ADDQ(boff, out)
	c.MOVQ(arg(c, "npix"), left)
	c.Label("pixel")
	c.VMOVAPS(reg.Y9, reg.Y12)
	for ky, r := range rows {
		c.VFMADD231PS(mem(r, 0), ymms[3*ky], reg.Y12)
		c.VFMADD231PS(operand.Mem{Base: r, Index: cb, Scale: 1}, ymms[3*ky+1], reg.Y12)
		c.VFMADD231PS(operand.Mem{Base: r, Index: cb, Scale: 2}, ymms[3*ky+2], reg.Y12)
		c.ADDQ(step, r)
	}
	c.VMAXPS(reg.Y12, reg.Y10, reg.Y12)
	c.VMINPS(reg.Y12, reg.Y11, reg.Y12)
	c.VMOVUPS(reg.Y12, mem(out, 0))
	c.ADDQ(cb, out)
	c.DECQ(left)
	c.JNZ(lbl("pixel"))
	c.ADDQ(operand.U8(32), boff)
	c.DECQ(blocks)
	c.JNZ(lbl("block"))
	c.VZEROUPPER()
	c.RET()
}

// genDwconvQ8 writes the int8 3x3 depthwise kernels.
func genDwconvQ8(c *build.Context) {
	k := requantConsts(c, 8)
	genDwconvQ8Avx2(c, k)
	genDwconvQ8Vnni(c, k)
}

// genDwconvQ8Avx2 writes dwQ8Avx2, the AVX2 int8 3x3 depthwise row kernel.
func genDwconvQ8Avx2(c *build.Context, k rqConsts) {
	c.Function("dwQ8Avx2")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch, step int, xzp, zp, lo, hi int32)")
	c.Doc(
		"dwQ8Avx2 computes npix output pixels of an int8 3x3 depthwise",
		"convolution, channels [0, 8*nblk), from three input rows whose first",
		"taps are r0, r1, r2 and the kernel rows w0, w1, w2 ([3][ch] int16 each),",
		"exact in int32:",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for c := 0; c < 8*nblk; c++ {",
		"			acc := bias[c]",
		"			for ky := 0; ky < 3; ky++ {",
		"				for kx := 0; kx < 3; kx++ {",
		"					acc += (int32(r[ky][x*step+kx*ch+c]) - xzp) * int32(w[ky][kx*ch+c])",
		"				}",
		"			}",
		"			dst[x*ch+c] = generic.Requantize(acc, scale[c], zp, lo, hi)",
		"		}",
		"	}",
		"",
		"lo and hi lie in [-128, 127].",
	)
	c.Comment(
		"Channel blocks of 8 outermost: the block's 9 weights, sign-extended to",
		"int32, stay in Y0-Y8; Y9 = xzp, Y10 = scales, Y11 = bias; Y12",
		"accumulates one pixel, Y13-Y14 scratch. Each tap: VPMOVSXBD, VPSUBD,",
		"VPMULLD (|x-xzp| <= 255, |w| <= 65535: no overflow), VPADDD.",
		"SI, DI, R8 = the rows' taps of the current pixel; R9 = output;",
		"R10 = pixels left; R11 = ch; R12 = step; R13 = blocks left;",
		"R14 = block index; AX = scratch.",
	)
	registerNote(c)
	rows := []reg.Register{reg.RSI, reg.RDI, reg.R8}
	out, left, ch, step, blocks, blk, T := reg.R9, reg.R10, reg.R11, reg.R12, reg.R13, reg.R14, reg.RAX
	vecs := c.AllocLocal(3 * 32)
	q := rqAVX2{k: k, zp: vecs, lo: vecs.Offset(32), hi: vecs.Offset(64)}
	for i, name := range []string{"zp", "lo", "hi"} {
		c.MOVL(arg(c, name), reg.EAX)
		c.VMOVD(reg.EAX, reg.X0)
		c.VPBROADCASTD(reg.X0, reg.Y0)
		c.VMOVDQU(reg.Y0, vecs.Offset(32*i))
	}
	c.MOVL(arg(c, "xzp"), reg.EAX)
	c.VMOVD(reg.EAX, reg.X9)
	c.VPBROADCASTD(reg.X9, reg.Y9)
	c.MOVQ(arg(c, "ch"), ch)
	c.MOVQ(arg(c, "step"), step)
	c.MOVQ(arg(c, "nblk"), blocks)
	c.XORQ(blk, blk)
	c.Label("block")
	for ky, name := range []string{"w0", "w1", "w2"} {
		c.MOVQ(arg(c, name), T)
		c.LEAQ(operand.Mem{Base: T, Index: blk, Scale: 8}, T) // + 16*blk bytes
		c.LEAQ(operand.Mem{Base: T, Index: blk, Scale: 8}, T)
		for kx := 0; kx < 3; kx++ {
			c.VPMOVSXWD(mem(T, 0), ymms[3*ky+kx])
			if kx < 2 {
				c.LEAQ(operand.Mem{Base: T, Index: ch, Scale: 2}, T)
			}
		}
	}
	c.MOVQ(blk, T)
	c.SHLQ(operand.U8(5), T) // 32*blk bytes of int32 or float32
	c.MOVQ(T, out)
	c.ADDQ(arg(c, "bias"), T)
	c.VMOVDQU(mem(T, 0), reg.Y11)
	c.MOVQ(out, T)
	c.ADDQ(arg(c, "scale"), T)
	c.VMOVUPS(mem(T, 0), reg.Y10)
	for i, r := range rows {
		c.MOVQ(arg(c, []string{"r0", "r1", "r2"}[i]), r)
		c.LEAQ(operand.Mem{Base: r, Index: blk, Scale: 8}, r)
	}
	c.MOVQ(arg(c, "dst"), out)
	c.LEAQ(operand.Mem{Base: out, Index: blk, Scale: 8}, out)
	c.MOVQ(arg(c, "npix"), left)
	c.Label("pixel")
	c.VMOVDQA(reg.Y11, reg.Y12)
	for ky, r := range rows {
		for kx := 0; kx < 3; kx++ {
			m := mem(r, 0)
			if kx > 0 {
				m = operand.Mem{Base: r, Index: ch, Scale: uint8(kx)}
			}
			c.VPMOVSXBD(m, reg.Y13)
			c.VPSUBD(reg.Y9, reg.Y13, reg.Y13)
			c.VPMULLD(ymms[3*ky+kx], reg.Y13, reg.Y13)
			c.VPADDD(reg.Y13, reg.Y12, reg.Y12)
		}
		c.ADDQ(step, r)
	}
	requantAVX2(c, q, reg.Y12, reg.Y13, reg.Y10)
	c.VEXTRACTI128(operand.U8(1), reg.Y13, reg.X14)
	c.VPACKSSDW(reg.X14, reg.X13, reg.X13)
	c.VPACKSSWB(reg.X13, reg.X13, reg.X13)
	c.VMOVQ(reg.X13, mem(out, 0))
	c.ADDQ(ch, out)
	c.DECQ(left)
	c.JNZ(lbl("pixel"))
	c.INCQ(blk)
	c.DECQ(blocks)
	c.JNZ(lbl("block"))
	c.VZEROUPPER()
	c.RET()
}

// genDwconvF32Pixels writes dwF32Avx2Pixels, the float32 depthwise row
// kernel with pixels outermost, for wide layers.
func genDwconvF32Pixels(c *build.Context) {
	c.Function("dwF32Avx2Pixels")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(r0, r1, r2, wb, dst *float32, npix, nblk, cbytes, step int, lo, hi float32)")
	c.Doc(
		"dwF32Avx2Pixels computes the same outputs as dwF32Avx2 with pixels",
		"outermost, reading bias and weights from wb, [nblk][10][8]: per block",
		"of 8 channels the bias, then the 9 taps' weights in [ky][kx] order:",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for c := 0; c < 8*nblk; c++ {",
		"			acc := wb[(c/8*10)*8+c%8]",
		"			for t := 0; t < 9; t++ {",
		"				acc += r[t/3][x*step/4+t%3*C+c] * wb[(c/8*10+1+t)*8+c%8] // fused multiply-add",
		"			}",
		"			dst[x*C+c] = min(max(acc, lo), hi)",
		"		}",
		"	}",
	)
	c.Comment(
		"Each pixel walks its 9 input taps, the packed weights and its outputs",
		"as contiguous streams (the channel-outer kernel strides by a whole pixel",
		"between loads, which wide layers pay for in cache misses).",
		"SI, DI, R8-R14 = the 9 taps of the current pixel; AX = byte offset of",
		"the block; BX = packed weights of the block; CX = output pixel;",
		"DX = pixels left. Y0 accumulates, Y1 holds a weight, Y14, Y15 = lo, hi.",
	)
	registerNote(c)
	taps := []reg.Register{reg.RSI, reg.RDI, reg.R8, reg.R9, reg.R10, reg.R11, reg.R12, reg.R13, reg.R14}
	O, W, out, left := reg.RAX, reg.RBX, reg.RCX, reg.RDX
	end := c.AllocLocal(8)
	c.MOVQ(arg(c, "nblk"), O)
	c.SHLQ(operand.U8(5), O)
	c.MOVQ(O, end)
	c.MOVQ(arg(c, "cbytes"), W)
	for ky, name := range []string{"r0", "r1", "r2"} {
		c.MOVQ(arg(c, name), taps[3*ky])
		c.LEAQ(memx(taps[3*ky], W, 0), taps[3*ky+1])
		c.LEAQ(memx(taps[3*ky+1], W, 0), taps[3*ky+2])
	}
	c.VBROADCASTSS(arg(c, "lo"), reg.Y14)
	c.VBROADCASTSS(arg(c, "hi"), reg.Y15)
	c.MOVQ(arg(c, "dst"), out)
	c.MOVQ(arg(c, "npix"), left)
	c.Label("pixel")
	c.XORQ(O, O)
	c.MOVQ(arg(c, "wb"), W)
	c.Label("block")
	c.VMOVUPS(mem(W, 0), reg.Y0)
	for t, p := range taps {
		c.VMOVUPS(mem(W, 32*(t+1)), reg.Y1)
		c.VFMADD231PS(memx(p, O, 0), reg.Y1, reg.Y0)
	}
	c.VMAXPS(reg.Y0, reg.Y14, reg.Y0)
	c.VMINPS(reg.Y0, reg.Y15, reg.Y0)
	c.VMOVUPS(reg.Y0, memx(out, O, 0))
	c.ADDQ(operand.U32(320), W)
	c.ADDQ(operand.U8(32), O)
	c.CMPQ(O, end)
	c.JLT(lbl("block"))
	c.MOVQ(arg(c, "step"), W)
	for _, p := range taps {
		c.ADDQ(W, p)
	}
	c.ADDQ(arg(c, "cbytes"), out)
	c.DECQ(left)
	c.JNZ(lbl("pixel"))
	c.VZEROUPPER()
	c.RET()
}

// genDwconvQ8Vnni writes the AVX-512 VNNI int8 depthwise kernels:
// dwQ8TripletsVnni, which lays an input row out as tap triplets, and
// dwQ8Vnni, which multiplies three triplet rows into an output row.
func genDwconvQ8Vnni(c *build.Context, k rqConsts) {
	c.Function("dwQ8TripletsVnni")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(row, t *int8, nout, nblk, step, ch int)")
	c.Doc(
		"dwQ8TripletsVnni writes, for nout outputs of a kernel row, the three",
		"horizontal taps of each of 16*nblk channels as one dword, biased to",
		"uint8 (the fourth byte is 0x80 and meets a zero weight):",
		"",
		"	for x := 0; x < nout; x++ {",
		"		for c := 0; c < 16*nblk; c++ {",
		"			for kx := 0; kx < 3; kx++ {",
		"				t[(x*16*nblk+c)*4+kx] = row[x*step+kx*ch+c] ^ 0x80",
		"			}",
		"			t[(x*16*nblk+c)*4+3] = 0x80",
		"		}",
		"	}",
		"",
		"row is the padded input row (ch bytes a pixel) at the first output's",
		"first tap.",
	)
	c.Comment(
		"Per 16 channels: the three taps (X0-X2) are interleaved bytewise with",
		"a zero (X15) into four 16-byte groups of (a, b, c, 0) (X7-X10),",
		"XORed with 0x80 (X14) and stored. SI = current output's taps; R10 =",
		"current block; DI = t; CX = ch; DX = outputs left; R8 = blocks",
		"left; R9 = step; AX = scratch.",
	)
	registerNote(c)
	c.MOVQ(arg(c, "row"), reg.RSI)
	c.MOVQ(arg(c, "t"), reg.RDI)
	c.MOVQ(arg(c, "ch"), reg.RCX)
	c.MOVQ(arg(c, "nout"), reg.RDX)
	c.MOVQ(arg(c, "step"), reg.R9)
	c.VPXOR(reg.X15, reg.X15, reg.X15)
	c.MOVL(operand.U32(0x80808080), reg.EAX)
	c.VMOVD(reg.EAX, reg.X14)
	c.VPBROADCASTD(reg.X14, reg.X14)
	c.Label("pixel")
	c.MOVQ(reg.RSI, reg.R10)
	c.MOVQ(arg(c, "nblk"), reg.R8)
	c.Label("block")
	c.VMOVDQU(mem(reg.R10, 0), reg.X0)
	c.VMOVDQU(operand.Mem{Base: reg.R10, Index: reg.RCX, Scale: 1}, reg.X1)
	c.VMOVDQU(operand.Mem{Base: reg.R10, Index: reg.RCX, Scale: 2}, reg.X2)
	c.VPUNPCKLBW(reg.X1, reg.X0, reg.X3)
	c.VPUNPCKHBW(reg.X1, reg.X0, reg.X4)
	c.VPUNPCKLBW(reg.X15, reg.X2, reg.X5)
	c.VPUNPCKHBW(reg.X15, reg.X2, reg.X6)
	c.VPUNPCKLWD(reg.X5, reg.X3, reg.X7)
	c.VPUNPCKHWD(reg.X5, reg.X3, reg.X8)
	c.VPUNPCKLWD(reg.X6, reg.X4, reg.X9)
	c.VPUNPCKHWD(reg.X6, reg.X4, reg.X10)
	for i, x := range []reg.VecPhysical{reg.X7, reg.X8, reg.X9, reg.X10} {
		c.VPXOR(reg.X14, x, x)
		c.VMOVDQU(x, mem(reg.RDI, 16*i))
	}
	c.ADDQ(operand.U8(16), reg.R10)
	c.ADDQ(operand.U8(64), reg.RDI)
	c.DECQ(reg.R8)
	c.JNZ(lbl("block"))
	c.ADDQ(reg.R9, reg.RSI)
	c.DECQ(reg.RDX)
	c.JNZ(lbl("pixel"))
	c.VZEROUPPER()
	c.RET()

	c.Function("dwQ8Vnni")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(t0, t1, t2, w *int8, bias *int32, scale *float32, dst *int8, npix, nblk int, zp, lo, hi int32)")
	c.Doc(
		"dwQ8Vnni computes npix output pixels of an int8 3x3 depthwise",
		"convolution, 16*nblk channels, from the tap triplets t0, t1, t2 of",
		"its three kernel rows (dwQ8TripletsVnni), exact modulo 2^32:",
		"",
		"	for x := 0; x < npix; x++ {",
		"		for c := 0; c < 16*nblk; c++ {",
		"			acc := bias[c] // bias - (xzp+128)*sum of the 9 weights, folded in Go",
		"			for ky := 0; ky < 3; ky++ {",
		"				for j := 0; j < 4; j++ {",
		"					acc += int32(uint8(t[ky][(x*16*nblk+c)*4+j])) * int32(w[((c/16*3+ky)*16+c%16)*4+j])",
		"				}",
		"			}",
		"			dst[x*16*nblk+c] = generic.Requantize(acc, scale[c], zp, lo, hi)",
		"		}",
		"	}",
		"",
		"w is [nblk][3][16][4] int8, (w0, w1, w2, 0) per kernel row and channel;",
		"lo and hi lie in [-128, 127].",
	)
	c.Comment(
		"One VPDPBUSD per kernel row and 16 channels. SI, DI, R8 = the triplet",
		"rows (contiguous over pixels and blocks); R9 = output; R10 = weights,",
		"R11 = bias, R12 = scales of the current block; R13 = blocks left;",
		"R14 = pixels left. Z0 accumulates, Z1-Z3 the triplets, Z4 the",
		"requantized pixel, Z8-Z12 the requantization constants.",
	)
	registerNote(c)
	q := rqAVX512{big: reg.Z8, mbig: reg.Z9, zp: reg.Z10, lo: reg.Z11, hi: reg.Z12}
	loadRequantAVX512(c, k, q)
	rows := []reg.Register{reg.RSI, reg.RDI, reg.R8}
	for i, r := range rows {
		c.MOVQ(arg(c, []string{"t0", "t1", "t2"}[i]), r)
	}
	c.MOVQ(arg(c, "dst"), reg.R9)
	c.MOVQ(arg(c, "npix"), reg.R14)
	c.Label("pixel")
	c.MOVQ(arg(c, "w"), reg.R10)
	c.MOVQ(arg(c, "bias"), reg.R11)
	c.MOVQ(arg(c, "scale"), reg.R12)
	c.MOVQ(arg(c, "nblk"), reg.R13)
	c.Label("block")
	c.VMOVDQU32(mem(reg.R11, 0), reg.Z0)
	for ky, r := range rows {
		t := zmms[1+ky]
		c.VMOVDQU32(mem(r, 0), t)
		c.VPDPBUSD(mem(reg.R10, 64*ky), t, reg.Z0)
		c.ADDQ(operand.U8(64), r)
	}
	requantAVX512(c, q, reg.Z0, reg.Z4, mem(reg.R12, 0))
	c.VPMOVSDB(reg.Z4, mem(reg.R9, 0))
	c.ADDQ(operand.U8(16), reg.R9)
	c.ADDQ(operand.U32(192), reg.R10)
	c.ADDQ(operand.U8(64), reg.R11)
	c.ADDQ(operand.U8(64), reg.R12)
	c.DECQ(reg.R13)
	c.JNZ(lbl("block"))
	c.DECQ(reg.R14)
	c.JNZ(lbl("pixel"))
	c.VZEROUPPER()
	c.RET()
}

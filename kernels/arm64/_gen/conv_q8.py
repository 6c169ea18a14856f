"""conv_q8: the first layer, a full 3x3 convolution of a 3-channel int8
image: conv_q8_neon (SMULL/SMLAL by element on int16) and conv_q8_dotprod
(SDOT)."""

DOC_Q8 = '''// func convQ8C3(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)
//
// convQ8C3 is the int8 twin of convF32C3, bit-exact with generic.ConvQ8:
//
//	for x := 0; x < npix; x++ {
//		for c := 0; c < 8*nblk; c++ {
//			acc := bias[c]
//			for t := 0; t < 27; t++ {
//				acc += (int32(r_{t/9}[t%9]) - xzp) * int32(w[((c/8)*27+t)*8+c%8])
//			}
//			dst[x*8*nblk+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// Algorithm: per pixel the 27 inputs are loaded once (per row 8 bytes with
// LD1 and the 9th with LD1 to lane 0), widened with SSUBL (x - xzp, exact in
// int16) into V0-V5; per 8-channel block the 27 int16 weight vectors are
// loaded 4 at a time and each tap does SMLAL/SMLAL2 by element into one of 3
// accumulator pairs (6 independent int32x4 chains). The pairs and the bias are
// added and requantized as in the pointwise kernels (SCVTF, FMUL, FCVTAS, ADD,
// SMAX, SMIN, XTN).
//
// Loops:
//	pixel:         for each output pixel: 6 loads and 6 SSUBL for the 27 inputs
//	  block:       for each block of 8 output channels: 7 loads of 27 weight
//	               vectors, 54 SMULL/SMLAL(2) by element, sum, requantize, store
//
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 scale  R6 dst cursor  R7 pixels left
//	R8 step  R9 nblk  R10 blocks left  R11-R13 weight, bias, scale cursors
//	R14 temp  V0-V5 inputs (row r: V2r taps 0-7, lane 0 of V2r+1 tap 8)
//	V6 xzp (8 bytes)  V7 zp  V8-V9 bias  V10-V11 scale  V12 lo  V13 hi
//	V16-V21 sums  V24-V31 weights
//	<free>
'''



ARGS = ["r0", "r1", "r2", "w", "bias", "scale", "dst", "npix", "step", "nblk"]


def q8():
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    E(DOC_Q8.strip("\n"))
    E("TEXT ·convQ8C3(SB), NOSPLIT, $0-96")
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    for off, name, v, arr in ((80, "xzp", 6, "8b"), (84, "zp", 7, "4s"), (88, "lo", 12, "4s"), (92, "hi", 13, "4s")):
        E("\tMOVW\t%s+%d(FP), R14" % (name, off))
        I("dup v%d.%s, w14" % (v, arr))
    I("cbz x7, done")
    I("cbz x9, done")
    E("pixel:")
    for r in range(3):
        I("ld1 {v%d.8b}, [x%d]" % (2 * r, r))
        I("add x14, x%d, #8" % r)
        I("ld1 {v%d.b}[0], [x14]" % (2 * r + 1))
        I("ssubl v%d.8h, v%d.8b, v6.8b" % (2 * r, 2 * r))
        I("ssubl v%d.8h, v%d.8b, v6.8b" % (2 * r + 1, 2 * r + 1))
    I("mov x11, x3")
    I("mov x12, x4")
    I("mov x13, x5")
    I("mov x10, x9")
    E("block:")
    for g in range(7):
        n = min(4, 27 - 4 * g)
        base = 24 + 4 * (g % 2)
        I("ld1 {%s}, [x11], #%d" % (", ".join("v%d.8h" % (base + i) for i in range(n)), 16 * n))
        for i in range(n):
            t = 4 * g + i
            wv, s = base + i, t % 3
            ky, j = t // 9, t % 9
            iv, lane = 2 * ky + j // 8, j % 8
            lo, hi = ("smull", "smull2") if t < 3 else ("smlal", "smlal2")
            I("%s v%d.4s, v%d.4h, v%d.h[%d]" % (lo, 16 + 2 * s, wv, iv, lane))
            I("%s v%d.4s, v%d.8h, v%d.h[%d]" % (hi, 17 + 2 * s, wv, iv, lane))
    I("ld1 {v8.4s, v9.4s}, [x12], #32")
    I("ld1 {v10.4s, v11.4s}, [x13], #32")
    for a, b in ((16, 18), (17, 19), (16, 20), (17, 21), (16, 8), (17, 9)):
        I("add v%d.4s, v%d.4s, v%d.4s" % (a, a, b))
    for v, sc in ((16, 10), (17, 11)):
        I("scvtf v%d.4s, v%d.4s" % (v, v))
        I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        I("fcvtas v%d.4s, v%d.4s" % (v, v))
        I("add v%d.4s, v%d.4s, v7.4s" % (v, v))
        I("smax v%d.4s, v%d.4s, v12.4s" % (v, v))
        I("smin v%d.4s, v%d.4s, v13.4s" % (v, v))
    I("xtn v16.4h, v16.4s")
    I("xtn2 v16.8h, v17.4s")
    I("xtn v16.8b, v16.8h")
    I("st1 {v16.8b}, [x6], #8")
    I("subs x10, x10, #1")
    I("b.ne block")
    for r in range(3):
        I("add x%d, x%d, x8" % (r, r))
    I("subs x7, x7, #1")
    I("b.ne pixel")
    E("done:")
    I("ret")
    return o


DOC_DOT = '''// func convQ8C3Dot(r0, r1, r2, w *int8, bias *int32, scale *float32, dst *int8, npix, step, nblk int, zp, lo, hi int32)
//
// convQ8C3Dot is convQ8C3 with SDOT (ARMv8.2 dot product) for int8 weights,
// the input zero point folded into the bias by the caller:
//
//	for x := 0; x < npix; x++ {
//		for c := 0; c < 8*nblk; c++ {
//			acc := bias'[c]                       // bias[c] - xzp*sum_t w[c][t]
//			for ky := 0; ky < 3; ky++ {
//				for j := 0; j < 12; j++ {          // 9 taps, 3 zero weights
//					acc += int32(r_ky[j]) * int32(w[c][ky][j])
//				}
//			}
//			dst[x*8*nblk+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// w is [nblk][ky][g][half][4 channels][4 taps] int8 (taps 4g..4g+3 of kernel
// row ky, zero beyond 9), so one SDOT by element multiplies 4 taps of 4
// channels. Only bytes 0-8 of each input row are loaded (lanes 9-11 meet
// zero weights). Equal to generic.ConvQ8's sum modulo 2^32: bit-exact.
//
// Algorithm: per pixel the 3 input rows are loaded once (8 bytes + 1 lane);
// per 8-channel block 18 weight vectors are loaded and 18 SDOT by element
// accumulate into 2 pairs of sums (started from the bias and from zero), which
// are added and requantized: SCVTF, FMUL, FCVTAS, then SQXTN, SQADD zp, SMAX,
// SMIN on int16 lanes and XTN (as generic.Requantize for every input).
//
// Loops:
//	pixel:         for each output pixel: 6 loads of the 3 input rows
//	  block:       for each block of 8 output channels: 5 loads of 18 weight
//	               vectors, 18 SDOT by element, sum, requantize, store
//
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 scale  R6 dst cursor  R7 pixels left
//	R8 step  R9 nblk  R10 blocks left  R11-R13 weight, bias, scale cursors
//	R14 temp  V0-V2 input rows  V7 zp  V10-V11 scale  V12 lo  V13 hi (int16)
//	V16-V19 sums  V20-V31 weights (rotating)
//	<free>
'''



def q8dot():
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    E(DOC_DOT.strip("\n"))
    E("TEXT ·convQ8C3Dot(SB), NOSPLIT, $0-92")
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    for off, name, v in ((80, "zp", 7), (84, "lo", 12), (88, "hi", 13)):
        E("\tMOVW\t%s+%d(FP), R14" % (name, off))
        I("dup v%d.8h, w14" % v)
    I("cbz x7, done")
    I("cbz x9, done")
    E("pixel:")
    for r in range(3):
        I("ld1 {v%d.8b}, [x%d]" % (r, r))
        I("add x14, x%d, #8" % r)
        I("ld1 {v%d.b}[8], [x14]" % r)
    I("mov x11, x3")
    I("mov x12, x4")
    I("mov x13, x5")
    I("mov x10, x9")
    E("block:")
    I("ld1 {v16.4s, v17.4s}, [x12], #32")
    I("eor v18.16b, v18.16b, v18.16b")
    I("eor v19.16b, v19.16b, v19.16b")
    for q in range(5):
        n = 4 if q < 4 else 2
        base = 20 + 4 * (q % 3)
        I("ld1 {%s}, [x11], #%d" % (", ".join("v%d.16b" % (base + i) for i in range(n)), 16 * n))
        for i in range(n):
            vec = 4 * q + i
            rg, half = vec // 2, vec % 2
            r, g = rg // 3, rg % 3
            acc = 16 + 2 * (rg % 2) + half
            I("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (acc, base + i, r, g))
    I("add v16.4s, v16.4s, v18.4s")
    I("add v17.4s, v17.4s, v19.4s")
    I("ld1 {v10.4s, v11.4s}, [x13], #32")
    for v, sc in ((16, 10), (17, 11)):
        I("scvtf v%d.4s, v%d.4s" % (v, v))
        I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        I("fcvtas v%d.4s, v%d.4s" % (v, v))
    I("sqxtn v16.4h, v16.4s")
    I("sqxtn2 v16.8h, v17.4s")
    I("sqadd v16.8h, v16.8h, v7.8h")
    I("smax v16.8h, v16.8h, v12.8h")
    I("smin v16.8h, v16.8h, v13.8h")
    I("xtn v16.8b, v16.8h")
    I("st1 {v16.8b}, [x6], #8")
    I("subs x10, x10, #1")
    I("b.ne block")
    for r in range(3):
        I("add x%d, x%d, x8" % (r, r))
    I("subs x7, x7, #1")
    I("b.ne pixel")
    E("done:")
    I("ret")
    return o


def generate():
    return "conv_q8_arm64.s", q8() + [""] + q8dot()

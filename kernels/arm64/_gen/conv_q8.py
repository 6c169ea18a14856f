"""conv_q8: the first layer, a full 3x3 convolution of a 3-channel int8
image: conv_q8_neon (SMULL/SMLAL by element on int16) and conv_q8_dotprod
(SDOT)."""

import goabi
import inorder

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
// added and requantized as in the pointwise kernels (SCVTF, FMUL, FCVTNS, ADD,
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
        I("fcvtns v%d.4s, v%d.4s" % (v, v))
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


DOC_Q8_A53 = '''// func convQ8C3A53(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)
//
// convQ8C3A53 is convQ8C3 for in-order cores (Cortex-A53, where the Go
// caller selects it): the same multiply-accumulates, each accumulator's in
// the same order, and the same requantization, so the same results; same
// arguments and contract. LLVM's Cortex-A53 model completes instructions in
// order (an integer ADD after a NEON instruction waits for it; a
// post-indexed load or store waits for every older instruction), so the
// block loop loads its 7 groups of weights by LD1 from 7 cursors (R11,
// R16, R17, R19-R22: 64 bytes apart; a 4-register LD1 takes 7 cycles, more
// than any NEON instruction, so it never waits for one) advanced by ADD, and
// it is rotated by one block: the three accumulator pairs
// are summed into V22-V23, which the next iteration requantizes and stores
// (the first iteration of each pixel stores junk at its own slot, which the
// next overwrites; the last block's follows the loop), so each block's
// requantization chain overlaps the next block's multiplies. Each
// straight-line block is ordered by _gen/inorder.py, loads free to pass
// stores (dst never overlaps the input), the block loop by the best of
// several perturbed list schedules.
//
// Registers: as convQ8C3, and R16, R17, R19-R22 weight cursors, R15 the
// dst slot of the previous block, V22-V23 its sums.
//	<free>
'''


def requant_q8(I, a, b, addr):
    """Requantizes the int32 sums V a (channels 0-3) and V b (4-7) and stores 8 bytes at addr."""
    for v, sc in ((a, 10), (b, 11)):
        I("scvtf v%d.4s, v%d.4s" % (v, v))
        I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        I("fcvtns v%d.4s, v%d.4s" % (v, v))
        I("add v%d.4s, v%d.4s, v7.4s" % (v, v))
        I("smax v%d.4s, v%d.4s, v12.4s" % (v, v))
        I("smin v%d.4s, v%d.4s, v13.4s" % (v, v))
    I("xtn v%d.4h, v%d.4s" % (a, a))
    I("xtn2 v%d.8h, v%d.4s" % (a, b))
    I("xtn v%d.8b, v%d.8h" % (a, a))
    I("str d%d, [%s]" % (a, addr))


# The weight cursors of convQ8C3A53: group g (weights 4g..4g+3) at WPTR[g].
WPTR = ["x11", "x16", "x17", "x19", "x20", "x21", "x22"]


def q8_a53(trials):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    E(DOC_Q8_A53.strip("\n"))
    E("TEXT ·convQ8C3A53(SB), NOSPLIT, $0-96")
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
    for g in range(1, 7):
        I("add %s, x3, #%d" % (WPTR[g], 64 * g))
    I("mov x12, x4")
    I("mov x13, x5")
    I("mov x10, x9")
    I("mov x15, x6")
    E("block:")
    E("\t// The previous block's sums (the first block of a pixel: junk, at its own slot).")
    requant_q8(I, 22, 23, "x15")
    I("mov x15, x6")
    for g in range(7):
        n = min(4, 27 - 4 * g)
        base = 24 + 4 * (g % 2)
        I("ld1 {%s}, [%s]" % (", ".join("v%d.8h" % (base + i) for i in range(n)), WPTR[g]))
        for i in range(n):
            t = 4 * g + i
            wv, s_ = base + i, t % 3
            ky, j = t // 9, t % 9
            iv, lane = 2 * ky + j // 8, j % 8
            lo, hi = ("smull", "smull2") if t < 3 else ("smlal", "smlal2")
            I("%s v%d.4s, v%d.4h, v%d.h[%d]" % (lo, 16 + 2 * s_, wv, iv, lane))
            I("%s v%d.4s, v%d.8h, v%d.h[%d]" % (hi, 17 + 2 * s_, wv, iv, lane))
    for g in range(7):
        I("add %s, %s, #432" % (WPTR[g], WPTR[g]))
    I("ld1 {v8.4s, v9.4s}, [x12]")
    I("ld1 {v10.4s, v11.4s}, [x13]")
    I("add x12, x12, #32")
    I("add x13, x13, #32")
    # The same additions as convQ8C3 (16 += 18, += 20, += bias), into V22-V23.
    I("add v22.4s, v16.4s, v18.4s")
    I("add v23.4s, v17.4s, v19.4s")
    I("add v22.4s, v22.4s, v20.4s")
    I("add v23.4s, v23.4s, v21.4s")
    I("add v22.4s, v22.4s, v8.4s")
    I("add v23.4s, v23.4s, v9.4s")
    I("add x6, x6, #8")
    I("subs x10, x10, #1")
    I("b.ne block")
    E("\t// The last block's sums.")
    requant_q8(I, 22, 23, "x15")
    for r in range(3):
        I("add x%d, x%d, x8" % (r, r))
    I("subs x7, x7, #1")
    I("b.ne pixel")
    E("done:")
    I("ret")
    return o[:2] + inorder.reorder(o[2:], noalias=True, trials=trials)


DOT_SIG = [("r0", "*int8"), ("r1", "*int8"), ("r2", "*int8"), ("w", "*int8"), ("bias", "*int32"),
           ("off", "*int32"), ("scale", "*float32"), ("dst", "*int8"), ("npix", "int"), ("step", "int"),
           ("nblk", "int"), ("ldd", "int"), ("zp", "int32"), ("lo", "int32"), ("hi", "int32")]

DOC_DOT = '''// func %(name)s%(sig)s
//
// %(name)s is convQ8C3 with SDOT (ARMv8.2 dot product) for weights minus
// their zero point that an int8 offset per channel brings into int8 (int8
// weights, legacy uint8 ones), the input zero point folded into the bias by
// the caller:
//
//	for c := 0; c < 8*nblk; c++ {
//		for x := 0; x < npix; x++ {
//			acc := bias'[c]                       // bias[c] - xzp*sum_t a[c][t]%(magic)s
//			for ky := 0; ky < 3; ky++ {
//				for j := 0; j < 12; j++ {          // 9 taps, 3 zero weights
//					acc += int32(r_ky[x*step+j]) * int32(b[c][ky][j])
//				}
//			}%(oloop)s
//			dst[x*ldd+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// with a[c][t] the weights minus their zero point and b = a - o[c] in int8.
// w is [nblk][ky][g][half][4 channels][4 taps] int8 (taps 4g..4g+3 of kernel
// row ky, zero beyond 9), so one SDOT by element multiplies 4 taps of 4
// channels. Only bytes 0-8 of each input row are loaded (lanes 9-15 are
// zero). Equal to generic.ConvQ8's sum modulo 2^32: bit-exact.
//
// Algorithm: per block of 8 output channels its 18 weight vectors stay in
// registers while the pixels go by: per pixel the 3 input rows are loaded (8
// bytes and 1 lane each), the accumulators start at the bias (one LD1) and
// take 18 SDOT by element, %(conv)s and the result is requantized as in the
// pointwise kernels (FMUL, FCVTNS, SQXTN, SQADD zp, SQXTN, SMAX, SMIN; with
// zp = lo = -128 and hi = 127, ReLU6 outputs quantized over [0, max], a twin
// pixel loop narrows with SQXTUN and flips the top bit instead of SQADD,
// SQXTN, SMAX and SMIN).
//
// Loops:
//	block:         for each block of 8 output channels: 5 loads of 18 weight
//	               vectors, the scales%(oload)s
//	  pixel, gpixel: for each output pixel: 6 loads, 18 SDOT%(opix)s, requantize,
//	               store 8 bytes (gpixel: the general requantization)
//
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 scale  R6 dst  R7 npix  R8 step - 8
//	R9-R11 row cursors  R12 dst cursor  R13 ldd  R14 pixels left  R15 blocks
//	left  R16 bias of the block%(oregs)s  R19 0 for the unsigned requantization
//	R20 temp
//	V0-V17 weights  V18-V19 scale  V20 zp (int16x8)  V21 lo (0x80 bytes for
//	the unsigned requantization)  V22 hi (int8x8)
//	V23 %(v23)s  V27-V29 input rows  V30-V31 sums
//	<free>
'''


def q8dot(with_o):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    name = "convQ8C3Dot" + ("O" if with_o else "")
    E(DOC_DOT.strip("\n") % {
        "name": name, "sig": goabi.sig(DOT_SIG),
        "magic": "" if with_o else " + 0x4B400000",
        "oloop": ("\n//\t\t\tacc += o[c] * sum(r_ky[x*step+j] for ky < 3, j < 9)  // off: o" if with_o else ""),
        "conv": ("the offset term o[c] times the sum of the 27 inputs (3 SDOT against ones, ADDV, 2 MLA by "
                 "element) is added, SCVTF converts" if with_o else
                 "FSUB of 1.5*2^23 converts (the caller keeps |acc| < 2^22, see dwQ8Dot1),"),
        "oload": ", the offsets" if with_o else "",
        "opix": ", 3 SDOT, ADDV, 2 MLA" if with_o else "",
        "oregs": "  R17 offsets" if with_o else "",
        "v23": "the input sum  V24-V25 offsets  V26 ones" if with_o else "1.5*2^23",
    })
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, goabi.frame(DOT_SIG)))
    regs = {"r0": 0, "r1": 1, "r2": 2, "w": 3, "bias": 4, "scale": 5, "dst": 6, "npix": 7, "step": 8,
            "nblk": 15, "ldd": 13}
    if with_o:
        regs["off"] = 17
    goabi.load_args(E, DOT_SIG, regs)
    for nm, v, arr, r in (("zp", 20, "8h", 19), ("lo", 21, "8b", 20), ("hi", 22, "8b", 14)):
        goabi.load_arg(E, DOT_SIG, nm, r)
        I("dup v%d.%s, w%d" % (v, arr, r))
    E("\t// R19 = 0 when zp = lo = -128 and hi = 127: the unsigned requantization,")
    E("\t// which needs V21 = 0x80 bytes instead of lo.")
    I("add x19, x19, #128")
    I("add x20, x20, #128")
    I("sub x14, x14, #127")
    I("orr x19, x19, x20")
    I("orr x19, x19, x14")
    I("cbnz x19, clamp")
    I("movi v21.8b, #0x80")
    E("clamp:")
    if with_o:
        I("movi v26.16b, #1")
    else:
        E("\tMOVW\t$0x4b400000, R14")
        I("dup v23.4s, w14")
    I("sub x8, x8, #8")
    I("cbz x7, done")
    I("cbz x15, done")
    E("block:")
    for q in range(4):
        I("ld1 {%s}, [x3], #64" % ", ".join("v%d.16b" % (4 * q + i) for i in range(4)))
    I("ld1 {v16.16b, v17.16b}, [x3], #32")
    I("ld1 {v18.4s, v19.4s}, [x5], #32")
    I("mov x16, x4")
    I("add x4, x4, #32")
    if with_o:
        I("ld1 {v24.4s, v25.4s}, [x17], #32")
    I("mov x9, x0")
    I("mov x10, x1")
    I("mov x11, x2")
    I("mov x12, x6")
    I("mov x14, x7")
    I("cbnz x19, gpixel")
    pixel_loop(E, I, with_o, True)
    I("b nextblock")
    pixel_loop(E, I, with_o, False)
    E("nextblock:")
    I("add x6, x6, #8")
    I("subs x15, x15, #1")
    I("b.ne block")
    E("done:")
    I("ret")
    return o


def pixel_loop(E, I, with_o, u):
    """The pixel loop of q8dot; u: the unsigned requantization (zp = lo =
    -128, hi = 127: SQXTUN, then minus 128 by EOR 0x80 in V21), else the
    general one (label gpixel)."""
    if u:
        E("pixel:")
        E("\t// zp = lo = -128, hi = 127: SQXTUN (clamp to [0, 255]), EOR 0x80 (minus 128).")
    else:
        E("gpixel:")
        E("\t// Any zp, lo, hi: SQADD zp, SQXTN, SMAX lo, SMIN hi.")
    for r in range(3):
        I("ld1 {v%d.8b}, [x%d], #8" % (27 + r, 9 + r))
        I("ld1 {v%d.b}[8], [x%d], x8" % (27 + r, 9 + r))
    I("ld1 {v30.4s, v31.4s}, [x16]")
    for r in range(3):
        for g in range(3):
            for h in range(2):
                I("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (30 + h, (r * 3 + g) * 2 + h, 27 + r, g))
    if with_o:
        E("\t// acc += o * (sum of the 27 inputs)")
        I("movi v23.16b, #0")
        for r in range(3):
            I("sdot v23.4s, v%d.16b, v26.16b" % (27 + r))
        I("addv s23, v23.4s")
        I("mla v30.4s, v24.4s, v23.s[0]")
        I("mla v31.4s, v25.4s, v23.s[0]")
        for v in (30, 31):
            I("scvtf v%d.4s, v%d.4s" % (v, v))
    else:
        for v in (30, 31):
            I("fsub v%d.4s, v%d.4s, v23.4s" % (v, v))
    I("fmul v30.4s, v30.4s, v18.4s")
    I("fmul v31.4s, v31.4s, v19.4s")
    for v in (30, 31):
        I("fcvtns v%d.4s, v%d.4s" % (v, v))
    I("sqxtn v30.4h, v30.4s")
    I("sqxtn2 v30.8h, v31.4s")
    if u:
        I("sqxtun v30.8b, v30.8h")
        I("eor v30.8b, v30.8b, v21.8b")
    else:
        I("sqadd v30.8h, v30.8h, v20.8h")
        I("sqxtn v30.8b, v30.8h")
        I("smax v30.8b, v30.8b, v21.8b")
        I("smin v30.8b, v30.8b, v22.8b")
    I("st1 {v30.8b}, [x12], x13")
    I("subs x14, x14, #1")
    I("b.ne %s" % ("pixel" if u else "gpixel"))


def generate():
    return "conv_q8_arm64.s", q8() + [""] + q8_a53(100) + [""] + q8dot(False) + [""] + q8dot(True)

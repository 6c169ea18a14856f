"""dwconv3x3_q8_neon: depthwise 3x3 int8, stride 1 and 2, 8 channels per vector."""

DOC = '''
// %(name)s computes interior output pixels of one output row of a 3x3 int8
// depthwise convolution with stride %(s)d, 8 channels at a time:
//
//	for cb := 0; cb < nblk; cb++ {               // channels c = 8*cb .. 8*cb+7
//		for x := 0; x < npix; x++ {
//			acc := bias[c]
//			for ky := 0; ky < 3; ky++ {           // r_ky: input row, w_ky: its weights
//				for kx := 0; kx < 3; kx++ {
//					acc += (int32(r_ky[(x*%(s)d+kx)*C+c]) - xzp) * int32(w_ky[kx*C+c])
//				}
//			}
//			dst[x*C+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// with C = ch. r0..r2 point at the first input column of the first output
// pixel. A padded kernel row gets all-zero weights (w_ky = zeros) and any
// valid input row, so it contributes exactly 0 as generic requires; the
// caller handles padded edge columns (through a patch) and the C%%8 channel
// tail in Go. Bit-exact with generic.DWConvQ8.
//
// Algorithm: per channel block the 9 int16 tap vectors, bias, scale and the
// requantization constants stay in registers. 4 output pixels per iteration:
// each input column is loaded once per row (%(ncol)d per row), widened with
// SSUBL (x - xzp, exact in int16) and fed by SMULL/SMLAL and SMULL2/SMLAL2
// to every pixel that uses it (8 independent int32x4 chains), then each
// pixel adds the bias and is requantized: SCVTF, FMUL, FCVTAS as in the
// pointwise kernels, then on 8 int16 lanes at once SQXTN (saturating: a value
// beyond int16 is beyond the int8 clamp either way), SQADD zp, SMAX, SMIN and
// XTN, which equals the int32 ADD/SMAX/SMIN of generic.Requantize for every
// input. npix%%4 pixels run a 1-pixel loop.
//
// Registers:
//	R0-R2 input rows  R3-R5 weight rows  R6 bias  R7 scale  R8 dst  R9 npix
//	R10 blocks left  R11 C (input and output pixel stride, bytes)  R12 input
//	pixel step  R13-R15 row cursors  R16 dst cursor  R17 pixel counter
//	R19 load cursor  R20 2*C (weight tap stride)  R21 weight cursor  R22 temp
//	R23 4-pixel input step
//	V0-V8 taps (int16x8)  V9-V10 bias  V11-V12 scale  V13 zp  V14 lo  V15 hi (int16x8)
//	V16 xzp (8 bytes)  V17-V24 sums (pixel p: V17+2p channels 0-3, V18+2p
//	channels 4-7)  V25-V31 input columns (rotating). Go reserves R18, R26-R30.
'''

ARGS = ["r0", "r1", "r2", "w0", "w1", "w2", "bias", "scale", "dst", "npix", "nblk", "ch"]


def pixels(E, W, npx, s):
    """Emits npx output pixels: loads, SSUBL, SMULL/SMLAL chains, requantize, store."""
    ncol = (npx - 1) * s + 3
    n = 0
    for r in range(3):
        E("\tMOVD\tR%d, R19" % (13 + r))
        for col in range(ncol):
            x = 25 + n % 7
            n += 1
            E("\tVLD1.P\t(R19)(R11), [V%d.B8]" % x)
            W("ssubl v%d.8h, v%d.8b, v16.8b" % (x, x))
            for p in range(npx):
                kx = col - p * s
                if not 0 <= kx < 3:
                    continue
                lo, hi, wv = 17 + 2 * p, 18 + 2 * p, 3 * r + kx
                if r == 0 and kx == 0:
                    W("smull v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                    W("smull2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
                else:
                    W("smlal v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                    W("smlal2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
    for p in range(npx):
        lo, hi = 17 + 2 * p, 18 + 2 * p
        W("add v%d.4s, v%d.4s, v9.4s" % (lo, lo))
        W("add v%d.4s, v%d.4s, v10.4s" % (hi, hi))
        for v, sc in ((lo, 11), (hi, 12)):
            W("scvtf v%d.4s, v%d.4s" % (v, v))
            W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
            W("fcvtas v%d.4s, v%d.4s" % (v, v))
        W("sqxtn v%d.4h, v%d.4s" % (lo, lo))
        W("sqxtn2 v%d.8h, v%d.4s" % (lo, hi))
        W("sqadd v%d.8h, v%d.8h, v13.8h" % (lo, lo))
        W("smax v%d.8h, v%d.8h, v14.8h" % (lo, lo))
        W("smin v%d.8h, v%d.8h, v15.8h" % (lo, lo))
        W("xtn v%d.8b, v%d.8h" % (lo, lo))
        E("\tVST1.P\t[V%d.B8], (R16)(R11)" % lo)


def kernel(s):
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    name = "dwQ8S%d" % s
    E(DOC.rstrip() % {"s": s, "name": name, "ncol": 3 * s + 3})
    E("// func %s(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)" % name)
    E("TEXT ·%s(SB), NOSPLIT, $0-112" % name)
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tLSL\t$%d, R11, R12" % (s - 1))
    E("\tLSL\t$2, R12, R23")
    E("\tLSL\t$1, R11, R20")
    E("\tMOVW\txzp+96(FP), R22")
    E("\tVDUP\tR22, V16.B8")
    E("\tMOVW\tzp+100(FP), R22")
    E("\tVDUP\tR22, V13.H8")
    E("\tMOVW\tlo+104(FP), R22")
    E("\tVDUP\tR22, V14.H8")
    E("\tMOVW\thi+108(FP), R22")
    E("\tVDUP\tR22, V15.H8")
    E("\tCBZ\tR9, done")
    E("\tCBZ\tR10, done")
    E("block:")
    for r in range(3):
        E("\tMOVD\tR%d, R21" % (3 + r))
        for kx in range(3):
            E("\tVLD1.P\t(R21)(R20), [V%d.H8]" % (3 * r + kx))
    E("\tVLD1\t(R6), [V9.S4, V10.S4]")
    E("\tVLD1\t(R7), [V11.S4, V12.S4]")
    E("\tMOVD\tR0, R13")
    E("\tMOVD\tR1, R14")
    E("\tMOVD\tR2, R15")
    E("\tMOVD\tR8, R16")
    E("\tLSR\t$2, R9, R17")
    E("\tCBZ\tR17, tail")
    E("pix4:")
    pixels(E, W, 4, s)
    for r in range(3):
        E("\tADD\tR23, R%d, R%d" % (13 + r, 13 + r))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tpix4")
    E("tail:")
    E("\tANDS\t$3, R9, R17")
    E("\tBEQ\tnext")
    E("pix1:")
    pixels(E, W, 1, s)
    for r in range(3):
        E("\tADD\tR12, R%d, R%d" % (13 + r, 13 + r))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tpix1")
    E("next:")
    E("\tADD\t$8, R0, R0")
    E("\tADD\t$8, R1, R1")
    E("\tADD\t$8, R2, R2")
    E("\tADD\t$16, R3, R3")
    E("\tADD\t$16, R4, R4")
    E("\tADD\t$16, R5, R5")
    E("\tADD\t$32, R6, R6")
    E("\tADD\t$32, R7, R7")
    E("\tADD\t$8, R8, R8")
    E("\tSUBS\t$1, R10, R10")
    E("\tBNE\tblock")
    E("done:")
    E("\tRET")
    return o


DOC_N = '''
// %(name)s is %(wide)s for weights in [-127, 127] (every int8 model's
// symmetric weights), with the input zero point folded into the bias:
//
//	acc := bias[c] - xzp*sum_{ky,kx} w_ky[kx*C+c]
//	acc += sum_{ky,kx} int32(r_ky[(x*%(s)d+kx)*C+c]) * int32(w_ky[kx*C+c])
//	dst[x*C+c] = Requantize(acc, scale[c], zp, lo, hi)
//
// equal to %(wide)s's sum modulo 2^32, so bit-exact with generic.DWConvQ8.
// Same arguments and caller contract as %(wide)s: a padded kernel row has
// zero weights, so it drops out of both sums; a padded edge patch holds xzp,
// which the fold cancels.
//
// Algorithm: per channel block the 9 int16 tap vectors are loaded, summed
// (|sum| <= 9*127), the fold xzp*sum subtracted from the bias (MLS, modulo
// 2^32) and the taps narrowed to int8 (XTN, exact). Products of the raw int8
// inputs and weights by SMULL/SMLAL on 8 int8 lanes, two taps per int16
// partial (|sum| <= 2*128*127 < 2^15), each partial widened into the int32
// sums by SADDW/SADDW2 (the first one adds the bias): per 8 MACs one multiply
// instead of two, and no input widening. Requantization as in %(wide)s. 4
// output pixels per iteration, npix%%4 in a 1-pixel loop.
//
// Registers: as %(wide)s, except V0-V8 taps (int8x8 after the narrowing)
// V16, V25-V27 int16 partials (pixel 0-3)  V28-V31 input columns (rotating)
// and block set-up temporaries  R24 xzp.
'''


def pixels_n(E, W, npx, s):
    """Emits npx output pixels of the int8-weight variant."""
    ncol = (npx - 1) * s + 3
    part = [16, 25, 26, 27]
    n = 0
    for r in range(3):
        E("\tMOVD\tR%d, R19" % (13 + r))
        for col in range(ncol):
            x = 28 + n % 4
            n += 1
            E("\tVLD1.P\t(R19)(R11), [V%d.B8]" % x)
            for p in range(npx):
                kx = col - p * s
                if not 0 <= kx < 3:
                    continue
                t, P, wv = 3 * r + kx, part[p], 3 * r + kx
                lo, hi = 17 + 2 * p, 18 + 2 * p
                if t % 2 == 0:
                    W("smull v%d.8h, v%d.8b, v%d.8b" % (P, x, wv))
                else:
                    W("smlal v%d.8h, v%d.8b, v%d.8b" % (P, x, wv))
                if t == 1:
                    W("saddw v%d.4s, v9.4s, v%d.4h" % (lo, P))
                    W("saddw2 v%d.4s, v10.4s, v%d.8h" % (hi, P))
                elif t % 2 == 1 or t == 8:
                    W("saddw v%d.4s, v%d.4s, v%d.4h" % (lo, lo, P))
                    W("saddw2 v%d.4s, v%d.4s, v%d.8h" % (hi, hi, P))
    for p in range(npx):
        lo, hi = 17 + 2 * p, 18 + 2 * p
        for v, sc in ((lo, 11), (hi, 12)):
            W("scvtf v%d.4s, v%d.4s" % (v, v))
            W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
            W("fcvtas v%d.4s, v%d.4s" % (v, v))
        W("sqxtn v%d.4h, v%d.4s" % (lo, lo))
        W("sqxtn2 v%d.8h, v%d.4s" % (lo, hi))
        W("sqadd v%d.8h, v%d.8h, v13.8h" % (lo, lo))
        W("smax v%d.8h, v%d.8h, v14.8h" % (lo, lo))
        W("smin v%d.8h, v%d.8h, v15.8h" % (lo, lo))
        W("xtn v%d.8b, v%d.8h" % (lo, lo))
        E("\tVST1.P\t[V%d.B8], (R16)(R11)" % lo)


def kernel_n(s):
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    name = "dwQ8N%d" % s
    E(DOC_N.rstrip() % {"s": s, "name": name, "wide": "dwQ8S%d" % s})
    E("// func %s(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)" % name)
    E("TEXT ·%s(SB), NOSPLIT, $0-112" % name)
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tLSL\t$%d, R11, R12" % (s - 1))
    E("\tLSL\t$2, R12, R23")
    E("\tLSL\t$1, R11, R20")
    E("\tMOVW\txzp+96(FP), R24")
    for nm, off, v in (("zp", 100, 13), ("lo", 104, 14), ("hi", 108, 15)):
        E("\tMOVW\t%s+%d(FP), R22" % (nm, off))
        E("\tVDUP\tR22, V%d.H8" % v)
    E("\tCBZ\tR9, done")
    E("\tCBZ\tR10, done")
    E("block:")
    for r in range(3):
        E("\tMOVD\tR%d, R21" % (3 + r))
        for kx in range(3):
            E("\tVLD1.P\t(R21)(R20), [V%d.H8]" % (3 * r + kx))
    E("\tVLD1\t(R6), [V9.S4, V10.S4]")
    E("\tVLD1\t(R7), [V11.S4, V12.S4]")
    W("add v28.8h, v0.8h, v1.8h")
    for k in range(2, 9):
        W("add v28.8h, v28.8h, v%d.8h" % k)
    W("sxtl v29.4s, v28.4h")
    W("sxtl2 v30.4s, v28.8h")
    E("\tVDUP\tR24, V31.S4")
    W("mls v9.4s, v29.4s, v31.4s")
    W("mls v10.4s, v30.4s, v31.4s")
    for k in range(9):
        W("xtn v%d.8b, v%d.8h" % (k, k))
    E("\tMOVD\tR0, R13")
    E("\tMOVD\tR1, R14")
    E("\tMOVD\tR2, R15")
    E("\tMOVD\tR8, R16")
    E("\tLSR\t$2, R9, R17")
    E("\tCBZ\tR17, tail")
    E("pix4:")
    pixels_n(E, W, 4, s)
    for r in range(3):
        E("\tADD\tR23, R%d, R%d" % (13 + r, 13 + r))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tpix4")
    E("tail:")
    E("\tANDS\t$3, R9, R17")
    E("\tBEQ\tnext")
    E("pix1:")
    pixels_n(E, W, 1, s)
    for r in range(3):
        E("\tADD\tR12, R%d, R%d" % (13 + r, 13 + r))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tpix1")
    E("next:")
    for r in range(3):
        E("\tADD\t$8, R%d, R%d" % (r, r))
    for r in range(3, 6):
        E("\tADD\t$16, R%d, R%d" % (r, r))
    E("\tADD\t$32, R6, R6")
    E("\tADD\t$32, R7, R7")
    E("\tADD\t$8, R8, R8")
    E("\tSUBS\t$1, R10, R10")
    E("\tBNE\tblock")
    E("done:")
    E("\tRET")
    return o


def generate():
    return "dwconv_q8_arm64.s", kernel(1) + [""] + kernel(2) + [""] + kernel_n(1) + [""] + kernel_n(2)

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
// pixel adds the bias and is requantized as in the pointwise kernels
// (SCVTF, FMUL, FCVTAS, ADD, SMAX, SMIN, XTN). npix%%4 pixels run a 1-pixel
// loop.
//
// Registers:
//	R0-R2 input rows  R3-R5 weight rows  R6 bias  R7 scale  R8 dst  R9 npix
//	R10 blocks left  R11 C (input and output pixel stride, bytes)  R12 input
//	pixel step  R13-R15 row cursors  R16 dst cursor  R17 pixel counter
//	R19 load cursor  R20 2*C (weight tap stride)  R21 weight cursor  R22 temp
//	R23 4-pixel input step
//	V0-V8 taps (int16x8)  V9-V10 bias  V11-V12 scale  V13 zp  V14 lo  V15 hi
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
            W("add v%d.4s, v%d.4s, v13.4s" % (v, v))
            W("smax v%d.4s, v%d.4s, v14.4s" % (v, v))
            W("smin v%d.4s, v%d.4s, v15.4s" % (v, v))
        W("xtn v%d.4h, v%d.4s" % (lo, lo))
        W("xtn2 v%d.8h, v%d.4s" % (lo, hi))
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
    E("\tVDUP\tR22, V13.S4")
    E("\tMOVW\tlo+104(FP), R22")
    E("\tVDUP\tR22, V14.S4")
    E("\tMOVW\thi+108(FP), R22")
    E("\tVDUP\tR22, V15.S4")
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


def generate():
    return "dwconv3x3_q8_arm64.s", kernel(1) + [""] + kernel(2)

"""dwconv3x3_q8_neon: depthwise 3x3 int8, stride 1 and 2, 8 channels per vector."""

DOC = '''
// dwQ8 computes interior output pixels of one output row of a 3x3 int8
// depthwise convolution, 8 channels at a time:
//
//	for cb := 0; cb < nblk; cb++ {               // channels c = 8*cb .. 8*cb+7
//		for x := 0; x < npix; x++ {
//			acc := bias[c]
//			for ky := 0; ky < 3; ky++ {           // r_ky: input row, w_ky: its weights
//				for kx := 0; kx < 3; kx++ {
//					acc += (int32(r_ky[(x*s+kx)*C+c]) - xzp) * int32(w_ky[kx*C+c])
//				}
//			}
//			dst[x*C+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// r0..r2 point at the first input column of the first output pixel. A padded
// kernel row gets all-zero weights (w_ky = zeros) and any valid input row, so
// it contributes exactly 0 as generic requires; the caller handles padded edge
// columns and the C%8 channel tail in Go. Bit-exact with generic.DWConvQ8.
//
// Algorithm: per channel block the 9 int16 tap vectors, bias, scale and the
// requantization constants stay in registers. Per pixel and kernel row: 3
// loads of 8 input bytes, SSUBL (x - xzp, exact in int16), SMULL/SMLAL and
// SMULL2/SMLAL2 into that row's two int32x4 sums (6 independent chains per
// pixel), then the rows are added with the bias and requantized as in the
// pointwise kernels (SCVTF, FMUL, FCVTAS, ADD, SMAX, SMIN, XTN).
//
// Registers:
//	R0-R2 input rows  R3-R5 weight rows  R6 bias  R7 scale  R8 dst  R9 npix
//	R10 blocks left  R11 C (input and output pixel stride, bytes)  R12 s*C
//	R13-R15 row cursors  R16 dst cursor  R17 pixel counter  R19 load cursor
//	R20 2*C (weight tap stride)  R21 weight cursor  R22 temp
//	V0-V8 taps (int16x8)  V9-V10 bias  V11-V12 scale  V13 zp  V14 lo  V15 hi
//	V16 xzp (8 bytes)  V17-V22 row sums (row r: V17+2r channels 0-3, V18+2r
//	channels 4-7)  V23-V28 inputs. Go reserves R18, R26-R30.
'''

ARGS = ["r0", "r1", "r2", "w0", "w1", "w2", "bias", "scale", "dst", "npix", "nblk", "ch", "sx"]


def generate():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(DOC.rstrip())
    E("// func dwQ8(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch, sx int, xzp, zp, lo, hi int32)")
    E("TEXT ·dwQ8(SB), NOSPLIT, $0-120")
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMUL\tR11, R12, R12")
    E("\tLSL\t$1, R11, R20")
    E("\tMOVW\txzp+104(FP), R22")
    E("\tVDUP\tR22, V16.B8")
    E("\tMOVW\tzp+108(FP), R22")
    E("\tVDUP\tR22, V13.S4")
    E("\tMOVW\tlo+112(FP), R22")
    E("\tVDUP\tR22, V14.S4")
    E("\tMOVW\thi+116(FP), R22")
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
    E("\tMOVD\tR9, R17")
    E("pixel:")
    for r in range(3):
        E("\tMOVD\tR%d, R19" % (13 + r))
        base = 23 + 3 * (r % 2)
        for kx in range(3):
            E("\tVLD1.P\t(R19)(R11), [V%d.B8]" % (base + kx))
        for kx in range(3):
            x = base + kx
            W("ssubl v%d.8h, v%d.8b, v16.8b" % (x, x))
        for kx in range(3):
            x, wv = base + kx, 3 * r + kx
            lo, hi = 17 + 2 * r, 18 + 2 * r
            if kx == 0:
                W("smull v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                W("smull2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
            else:
                W("smlal v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                W("smlal2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
        E("\tADD\tR12, R%d, R%d" % (13 + r, 13 + r))
    W("add v17.4s, v17.4s, v19.4s")
    W("add v18.4s, v18.4s, v20.4s")
    W("add v21.4s, v21.4s, v9.4s")
    W("add v22.4s, v22.4s, v10.4s")
    W("add v17.4s, v17.4s, v21.4s")
    W("add v18.4s, v18.4s, v22.4s")
    for v, sc in ((17, 11), (18, 12)):
        W("scvtf v%d.4s, v%d.4s" % (v, v))
        W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        W("fcvtas v%d.4s, v%d.4s" % (v, v))
        W("add v%d.4s, v%d.4s, v13.4s" % (v, v))
        W("smax v%d.4s, v%d.4s, v14.4s" % (v, v))
        W("smin v%d.4s, v%d.4s, v15.4s" % (v, v))
    W("xtn v17.4h, v17.4s")
    W("xtn2 v17.8h, v18.4s")
    W("xtn v17.8b, v17.8h")
    E("\tVST1.P\t[V17.B8], (R16)(R11)")
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tpixel")
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
    return "dwconv3x3_q8_arm64.s", o

"""conv3x3c3_*_neon: the first layer, a full 3x3 convolution of a 3-channel image."""

DOC_F32 = '''
// convF32C3 computes npix output pixels of a 3x3 convolution with 3 input
// channels (MobileNet's first layer), 8 output channels at a time:
//
//	for x := 0; x < npix; x++ {                  // r_ky advance by step bytes
//		for c := 0; c < 8*nblk; c++ {
//			acc := 0
//			for t := 0; t < 27; t++ {             // t = ky*9 + kx*3 + ic
//				acc += r_{t/9}[t%9] * w[((c/8)*27+t)*8+c%8]
//			}
//			dst[x*8*nblk+c] = min(max(acc+bias[c], lo), hi)
//		}
//	}
//
// r0..r2 point at the 9 contiguous inputs (3 columns x 3 channels) of kernel
// rows 0..2 for the first pixel; the caller passes a zero-padded patch for
// pixels with taps outside the image and the weights transposed to
// [nblk][27][8]. Float32 sums differ from generic.ConvF32 by rounding only.
//
// Algorithm: per pixel the 27 inputs are loaded once into V0-V8 (per row: 8
// floats with LD1, the 9th with LDR S); per 8-channel block each tap loads
// its 8 weights and does 2 FMLA by element into one of 4 accumulator pairs
// (tap t into pair t%4: 8 independent chains), the pairs are summed, the
// bias added and the result clamped with FMAX/FMIN.
//
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 dst cursor  R6 pixels left  R7 step
//	R8 nblk  R9 blocks left  R10 weight cursor  R11 bias cursor
//	V0-V8 inputs (row r: V3r, V3r+1, lane 0 of V3r+2)  V16-V23 sums
//	V24-V29 weights (rotating pairs)  V30 lo  V31 hi. Go reserves R18, R26-R30.
'''

DOC_Q8 = '''
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
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 scale  R6 dst cursor  R7 pixels left
//	R8 step  R9 nblk  R10 blocks left  R11-R13 weight, bias, scale cursors
//	R14 temp  V0-V5 inputs (row r: V2r taps 0-7, lane 0 of V2r+1 tap 8)
//	V6 xzp (8 bytes)  V7 zp  V8-V9 bias  V10-V11 scale  V12 lo  V13 hi
//	V16-V21 sums  V24-V31 weights. Go reserves R18, R26-R30.
'''


def f32():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(DOC_F32.rstrip())
    E("// func convF32C3(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)")
    E("TEXT ·convF32C3(SB), NOSPLIT, $0-80")
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "dst", "npix", "step", "nblk"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tFMOVS\tlo+72(FP), F30")
    E("\tFMOVS\thi+76(FP), F31")
    W("dup v30.4s, v30.s[0]")
    W("dup v31.4s, v31.s[0]")
    E("\tCBZ\tR6, f32done")
    E("\tCBZ\tR8, f32done")
    E("f32pix:")
    for r in range(3):
        E("\tVLD1\t(R%d), [V%d.S4, V%d.S4]" % (r, 3 * r, 3 * r + 1))
        E("\tFMOVS\t32(R%d), F%d" % (r, 3 * r + 2))
    E("\tMOVD\tR3, R10")
    E("\tMOVD\tR4, R11")
    E("\tMOVD\tR8, R9")
    E("f32blk:")
    for t in range(27):
        wp = 24 + 2 * (t % 3)
        E("\tVLD1.P\t32(R10), [V%d.S4, V%d.S4]" % (wp, wp + 1))
        s = t % 4
        ky, j = t // 9, t % 9
        iv, lane = 3 * ky + j // 4, j % 4
        op = "fmul" if t < 4 else "fmla"
        W("%s v%d.4s, v%d.4s, v%d.s[%d]" % (op, 16 + 2 * s, wp, iv, lane))
        W("%s v%d.4s, v%d.4s, v%d.s[%d]" % (op, 17 + 2 * s, wp + 1, iv, lane))
    for a, b in ((16, 18), (17, 19), (20, 22), (21, 23), (16, 20), (17, 21)):
        W("fadd v%d.4s, v%d.4s, v%d.4s" % (a, a, b))
    E("\tVLD1.P\t32(R11), [V18.S4, V19.S4]")
    for v in (16, 17):
        W("fadd v%d.4s, v%d.4s, v%d.4s" % (v, v, v + 2))
        W("fmax v%d.4s, v%d.4s, v30.4s" % (v, v))
        W("fmin v%d.4s, v%d.4s, v31.4s" % (v, v))
    E("\tVST1.P\t[V16.S4, V17.S4], 32(R5)")
    E("\tSUBS\t$1, R9, R9")
    E("\tBNE\tf32blk")
    for r in range(3):
        E("\tADD\tR7, R%d, R%d" % (r, r))
    E("\tSUBS\t$1, R6, R6")
    E("\tBNE\tf32pix")
    E("f32done:")
    E("\tRET")
    return o


def q8():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(DOC_Q8.rstrip())
    E("// func convQ8C3(r0, r1, r2 *int8, w *int16, bias *int32, scale *float32, dst *int8, npix, step, nblk int, xzp, zp, lo, hi int32)")
    E("TEXT ·convQ8C3(SB), NOSPLIT, $0-96")
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "scale", "dst", "npix", "step", "nblk"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    for off, name, v, arr in ((80, "xzp", 6, "B8"), (84, "zp", 7, "S4"), (88, "lo", 12, "S4"), (92, "hi", 13, "S4")):
        E("\tMOVW\t%s+%d(FP), R14" % (name, off))
        E("\tVDUP\tR14, V%d.%s" % (v, arr))
    E("\tCBZ\tR7, q8done")
    E("\tCBZ\tR9, q8done")
    E("q8pix:")
    for r in range(3):
        E("\tVLD1\t(R%d), [V%d.B8]" % (r, 2 * r))
        E("\tADD\t$8, R%d, R14" % r)
        W("ld1 {v%d.b}[0], [x14]" % (2 * r + 1))
        W("ssubl v%d.8h, v%d.8b, v6.8b" % (2 * r, 2 * r))
        W("ssubl v%d.8h, v%d.8b, v6.8b" % (2 * r + 1, 2 * r + 1))
    E("\tMOVD\tR3, R11")
    E("\tMOVD\tR4, R12")
    E("\tMOVD\tR5, R13")
    E("\tMOVD\tR9, R10")
    E("q8blk:")
    for g in range(7):
        n = min(4, 27 - 4 * g)
        base = 24 + 4 * (g % 2)
        E("\tVLD1.P\t%d(R11), [%s]" % (16 * n, ", ".join("V%d.H8" % (base + i) for i in range(n))))
        for i in range(n):
            t = 4 * g + i
            wv, s = base + i, t % 3
            ky, j = t // 9, t % 9
            iv, lane = 2 * ky + j // 8, j % 8
            lo, hi = ("smull", "smull2") if t < 3 else ("smlal", "smlal2")
            W("%s v%d.4s, v%d.4h, v%d.h[%d]" % (lo, 16 + 2 * s, wv, iv, lane))
            W("%s v%d.4s, v%d.8h, v%d.h[%d]" % (hi, 17 + 2 * s, wv, iv, lane))
    E("\tVLD1.P\t32(R12), [V8.S4, V9.S4]")
    E("\tVLD1.P\t32(R13), [V10.S4, V11.S4]")
    for a, b in ((16, 18), (17, 19), (16, 20), (17, 21), (16, 8), (17, 9)):
        W("add v%d.4s, v%d.4s, v%d.4s" % (a, a, b))
    for v, sc in ((16, 10), (17, 11)):
        W("scvtf v%d.4s, v%d.4s" % (v, v))
        W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        W("fcvtas v%d.4s, v%d.4s" % (v, v))
        W("add v%d.4s, v%d.4s, v7.4s" % (v, v))
        W("smax v%d.4s, v%d.4s, v12.4s" % (v, v))
        W("smin v%d.4s, v%d.4s, v13.4s" % (v, v))
    W("xtn v16.4h, v16.4s")
    W("xtn2 v16.8h, v17.4s")
    W("xtn v16.8b, v16.8h")
    E("\tVST1.P\t[V16.B8], 8(R6)")
    E("\tSUBS\t$1, R10, R10")
    E("\tBNE\tq8blk")
    for r in range(3):
        E("\tADD\tR8, R%d, R%d" % (r, r))
    E("\tSUBS\t$1, R7, R7")
    E("\tBNE\tq8pix")
    E("q8done:")
    E("\tRET")
    return o


DOC_DOT = '''
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
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 scale  R6 dst cursor  R7 pixels left
//	R8 step  R9 nblk  R10 blocks left  R11-R13 weight, bias, scale cursors
//	R14 temp  V0-V2 input rows  V7 zp  V10-V11 scale  V12 lo  V13 hi (int16)
//	V16-V19 sums  V20-V31 weights (rotating). Go reserves R18, R26-R30.
'''


def q8dot():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(DOC_DOT.rstrip())
    E("// func convQ8C3Dot(r0, r1, r2, w *int8, bias *int32, scale *float32, dst *int8, npix, step, nblk int, zp, lo, hi int32)")
    E("TEXT ·convQ8C3Dot(SB), NOSPLIT, $0-92")
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "scale", "dst", "npix", "step", "nblk"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    for off, name, v in ((80, "zp", 7), (84, "lo", 12), (88, "hi", 13)):
        E("\tMOVW\t%s+%d(FP), R14" % (name, off))
        E("\tVDUP\tR14, V%d.H8" % v)
    E("\tCBZ\tR7, dotdone")
    E("\tCBZ\tR9, dotdone")
    E("dotpix:")
    for r in range(3):
        E("\tVLD1\t(R%d), [V%d.B8]" % (r, r))
        E("\tADD\t$8, R%d, R14" % r)
        W("ld1 {v%d.b}[8], [x14]" % r)
    E("\tMOVD\tR3, R11")
    E("\tMOVD\tR4, R12")
    E("\tMOVD\tR5, R13")
    E("\tMOVD\tR9, R10")
    E("dotblk:")
    E("\tVLD1.P\t32(R12), [V16.S4, V17.S4]")
    E("\tVEOR\tV18.B16, V18.B16, V18.B16")
    E("\tVEOR\tV19.B16, V19.B16, V19.B16")
    for q in range(5):
        n = 4 if q < 4 else 2
        base = 20 + 4 * (q % 3)
        E("\tVLD1.P\t%d(R11), [%s]" % (16 * n, ", ".join("V%d.B16" % (base + i) for i in range(n))))
        for i in range(n):
            vec = 4 * q + i
            rg, half = vec // 2, vec % 2
            r, g = rg // 3, rg % 3
            acc = 16 + 2 * (rg % 2) + half
            W("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (acc, base + i, r, g))
    W("add v16.4s, v16.4s, v18.4s")
    W("add v17.4s, v17.4s, v19.4s")
    E("\tVLD1.P\t32(R13), [V10.S4, V11.S4]")
    for v, sc in ((16, 10), (17, 11)):
        W("scvtf v%d.4s, v%d.4s" % (v, v))
        W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        W("fcvtas v%d.4s, v%d.4s" % (v, v))
    W("sqxtn v16.4h, v16.4s")
    W("sqxtn2 v16.8h, v17.4s")
    W("sqadd v16.8h, v16.8h, v7.8h")
    W("smax v16.8h, v16.8h, v12.8h")
    W("smin v16.8h, v16.8h, v13.8h")
    W("xtn v16.8b, v16.8h")
    E("\tVST1.P\t[V16.B8], 8(R6)")
    E("\tSUBS\t$1, R10, R10")
    E("\tBNE\tdotblk")
    for r in range(3):
        E("\tADD\tR8, R%d, R%d" % (r, r))
    E("\tSUBS\t$1, R7, R7")
    E("\tBNE\tdotpix")
    E("dotdone:")
    E("\tRET")
    return o


def generate():
    return "conv3x3c3_arm64.s", f32() + [""] + q8() + [""] + q8dot()

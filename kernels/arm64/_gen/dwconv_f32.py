"""dwconv3x3_f32_neon: depthwise 3x3 fp32, stride 1 and 2, 4 channels per vector."""

DOC = '''
// dwF32S%(s)d computes interior output pixels of one output row of a 3x3
// depthwise convolution with stride %(s)d, 4 channels at a time:
//
//	for cb := 0; cb < nblk; cb++ {           // channels c = 4*cb .. 4*cb+3
//		for x := 0; x < npix; x++ {
//			acc := bias[c]
//			for ky := 0; ky < 3; ky++ {       // r0, r1, r2: the three input rows
//				for kx := 0; kx < 3; kx++ {
//					acc += r_ky[(x*%(s)d+kx)*C+c] * w[(ky*3+kx)*C+c]
//				}
//			}
//			dst[x*C+c] = min(max(acc, lo), hi)
//		}
//	}
//
// with C = cbytes/4. r0..r2 point at the first input column of the first
// output pixel (padding rows point at zeros), so every tap is in bounds: the
// caller handles padded edge columns and the C%%4 channel tail in Go.
//
// Algorithm: per channel block the 9 tap vectors, the bias and the clamp stay
// in registers; 8 output pixels per iteration, each one FMLA chain from the
// bias (taps in ky, kx order, as generic sums them), so 8 independent chains
// hide the FMLA latency. Input columns are loaded once per row and shared by
// neighbouring pixels (%(ncol)d loads per row for 8 pixels). Sums are clamped
// with FMAX/FMIN and stored. npix%%8 pixels run a 1-pixel loop.
//
// Registers:
//	R0-R2  input rows (channel block base)   R3 w   R4 bias   R5 dst
//	R6  npix   R7 channel blocks left   R8 cbytes (C*4)   R9 input pixel step
//	R10 lo bits  R11 hi bits  R12-R14 row cursors  R15 dst cursor
//	R16 pixel counter  R17 load cursor  R19 8-pixel input step  R20 w cursor
//	V0-V8 taps  V9 bias  V10 lo  V11 hi  V12-V19 sums (pixel p: V12+p)
//	V20-V31 input columns (rotating)
//	free: R21-R25. Go reserves R18, R26-R30.
'''


NPX = 8  # output pixels per loop iteration


def pixels(E, W, npx, s):
    """Emits npx output pixels: column loads shared by neighbours, one FMLA
    chain per pixel starting from the bias, clamp, store."""
    ncol = (npx - 1) * s + 3
    for p in range(npx):
        E("\tVORR\tV9.B16, V9.B16, V%d.B16" % (12 + p))
    n = 0
    for r in range(3):
        E("\tMOVD\tR%d, R17" % (12 + r))
        for col in range(ncol):
            v = 20 + n % 12
            n += 1
            E("\tVLD1.P\t(R17)(R8), [V%d.S4]" % v)
            for p in range(npx):
                kx = col - p * s
                if 0 <= kx < 3:
                    W("fmla v%d.4s, v%d.4s, v%d.4s" % (12 + p, v, 3 * r + kx))
    for p in range(npx):
        W("fmax v%d.4s, v%d.4s, v10.4s" % (12 + p, 12 + p))
        W("fmin v%d.4s, v%d.4s, v11.4s" % (12 + p, 12 + p))
        E("\tVST1.P\t[V%d.S4], (R15)(R8)" % (12 + p))


def kernel(s):
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    ncol = (NPX - 1) * s + 3
    name = "dwF32S%d" % s
    E(DOC.rstrip() % {"s": s, "ncol": ncol})
    E("// func %s(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)" % name)
    E("TEXT ·%s(SB), NOSPLIT, $0-80" % name)
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "dst", "npix", "nblk", "cbytes"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMOVWU\tlo+72(FP), R10")
    E("\tMOVWU\thi+76(FP), R11")
    E("\tVDUP\tR10, V10.S4")
    E("\tVDUP\tR11, V11.S4")
    E("\tLSL\t$%d, R8, R9" % (s - 1))
    E("\tLSL\t$3, R9, R19")
    E("\tCBZ\tR7, done")
    E("\tCBZ\tR6, done")
    E("block:")
    E("\tMOVD\tR3, R20")
    for t in range(9):
        E("\tVLD1.P\t(R20)(R8), [V%d.S4]" % t)
    E("\tVLD1\t(R4), [V9.S4]")
    E("\tMOVD\tR0, R12")
    E("\tMOVD\tR1, R13")
    E("\tMOVD\tR2, R14")
    E("\tMOVD\tR5, R15")
    E("\tLSR\t$3, R6, R16")
    E("\tCBZ\tR16, tail")
    E("pix8:")
    pixels(E, W, NPX, s)
    for r in range(3):
        E("\tADD\tR19, R%d, R%d" % (12 + r, 12 + r))
    E("\tSUBS\t$1, R16, R16")
    E("\tBNE\tpix8")
    E("tail:")
    E("\tANDS\t$7, R6, R16")
    E("\tBEQ\tnext")
    E("pix1:")
    pixels(E, W, 1, s)
    for r in range(3):
        E("\tADD\tR9, R%d, R%d" % (12 + r, 12 + r))
    E("\tSUBS\t$1, R16, R16")
    E("\tBNE\tpix1")
    E("next:")
    for rg in (0, 1, 2, 3, 4, 5):
        E("\tADD\t$16, R%d, R%d" % (rg, rg))
    E("\tSUBS\t$1, R7, R7")
    E("\tBNE\tblock")
    E("done:")
    E("\tRET")
    return o


def generate():
    return "dwconv_f32_arm64.s", kernel(1) + [""] + kernel(2)

"""dwconv_f32 (dwconv_f32_neon, dwconv3x3_f32_neon_a53): depthwise 3x3 fp32, stride 1 and 2, 4 channels per vector.

The in-order kernels: dwF32S1A53 written for it (kernel_a53), dwF32S2A53 the
twin of dwF32S2 reordered by inorder.py."""

import inorder

DOC = '''// func dwF32S%(s)d(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)
//
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
// Loops:
//	block:         for each block of 4 channels
//	  pix8:        for each 8 output pixels: %(ncol)d x 3 loads, 72 FMLA
//	  tail, pix1:  for each remaining pixel (npix%%8): 9 loads, 9 FMLA
//	  next:        advance to the next channel block
//
// Registers:
//	R0-R2  input rows (channel block base)   R3 w   R4 bias   R5 dst
//	R6  npix   R7 channel blocks left   R8 cbytes (C*4)   R9 input pixel step
//	R10 lo bits  R11 hi bits  R12-R14 row cursors  R15 dst cursor
//	R16 pixel counter  R17 load cursor  R19 8-pixel input step  R20 w cursor
//	V0-V8 taps  V9 bias  V10 lo  V11 hi  V12-V19 sums (pixel p: V12+p)
//	V20-V31 input columns (rotating)
//	<free>
'''


NPX = 8  # output pixels per loop iteration


def pixels(I, npx, s, off=None):
    """Emits npx output pixels: column loads shared by neighbours, one FMLA
    chain per pixel starting from the bias, clamp, store. With off (the
    in-order kernels: off[k] a register holding k*C*4) columns load and
    pixels store by register offset, and the dst cursor advances once."""
    ncol = (npx - 1) * s + 3
    for p in range(npx):
        I("mov v%d.16b, v9.16b" % (12 + p))
    n = 0
    for r in range(3):
        if not off:
            I("mov x17, x%d" % (12 + r))
        for col in range(ncol):
            v = 20 + n % 12
            n += 1
            if off:
                I("ldr q%d, [x%d%s]" % (v, 12 + r, ", " + off[col] if col else ""))
            else:
                I("ld1 {v%d.4s}, [x17], x8" % v)
            for p in range(npx):
                kx = col - p * s
                if 0 <= kx < 3:
                    I("fmla v%d.4s, v%d.4s, v%d.4s" % (12 + p, v, 3 * r + kx))
    for p in range(npx):
        I("fmax v%d.4s, v%d.4s, v10.4s" % (12 + p, 12 + p))
        I("fmin v%d.4s, v%d.4s, v11.4s" % (12 + p, 12 + p))
        if off:
            I("str q%d, [x15%s]" % (12 + p, ", " + off[p] if p else ""))
        else:
            I("st1 {v%d.4s}, [x15], x8" % (12 + p))
    if off:
        I("add x15, x15, %s" % off[npx])


def kernel(s):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    ncol = (NPX - 1) * s + 3
    name = "dwF32S%d" % s
    E(DOC.strip("\n") % {"s": s, "ncol": ncol})
    E("TEXT ·%s(SB), NOSPLIT, $0-80" % name)
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "dst", "npix", "nblk", "cbytes"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMOVWU\tlo+72(FP), R10")
    E("\tMOVWU\thi+76(FP), R11")
    I("dup v10.4s, w10")
    I("dup v11.4s, w11")
    I("lsl x9, x8, #%d" % (s - 1))
    I("lsl x19, x9, #3")
    I("cbz x7, done")
    I("cbz x6, done")
    E("block:")
    I("mov x20, x3")
    for t in range(9):
        I("ld1 {v%d.4s}, [x20], x8" % t)
    I("ld1 {v9.4s}, [x4]")
    I("mov x12, x0")
    I("mov x13, x1")
    I("mov x14, x2")
    I("mov x15, x5")
    I("lsr x16, x6, #3")
    I("cbz x16, tail")
    E("pix8:")
    pixels(I, NPX, s)
    for r in range(3):
        I("add x%d, x%d, x19" % (12 + r, 12 + r))
    I("subs x16, x16, #1")
    I("b.ne pix8")
    E("tail:")
    I("ands x16, x6, #7")
    I("b.eq next")
    E("pix1:")
    pixels(I, 1, s)
    for r in range(3):
        I("add x%d, x%d, x9" % (12 + r, 12 + r))
    I("subs x16, x16, #1")
    I("b.ne pix1")
    E("next:")
    for rg in (0, 1, 2, 3, 4, 5):
        I("add x%d, x%d, #16" % (rg, rg))
    I("subs x7, x7, #1")
    I("b.ne block")
    E("done:")
    I("ret")
    return o


DOC_A53 = '''// func dwF32S1A53(r0, r1, r2, w, bias, dst *float32, npix, nblk, cbytes int, lo, hi float32)
//
// dwF32S1A53 is dwF32S1 for in-order cores (Cortex-A53, where the Go caller
// selects it): the same FMLA chains, each pixel's taps in the same order, so
// the same results; same arguments and contract. LLVM's Cortex-A53 model
// completes instructions in order (an ADD after an FMLA, 10 cycles, waits 7
// cycles; a post-indexed load or store waits for every older instruction),
// and dwF32S1 advances a load cursor after every column load. Here every
// column, tap and pixel is addressed by register offset from its row, tap
// or dst cursor (k*cbytes for k = 1..9 computed once per call), so the pixel
// loop has 5 integer instructions, and _gen/inorder.py orders each block,
// loads free to pass stores (dst never overlaps the input rows).
//
// Registers: as dwF32S1, but k*cbytes in R8 (k = 1), R9 (2), R17 (3), R20
// (4), R21 (5), R22 (6), R23 (7), R19 (8, the 8-pixel input step), R24 (9).
//	<free>
'''

# k*cbytes registers of dwF32S1A53 (k = 1..9).
OFF_A53 = {1: "x8", 2: "x9", 3: "x17", 4: "x20", 5: "x21", 6: "x22", 7: "x23", 8: "x19", 9: "x24"}
TRIALS = 200


def kernel_a53():
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731
    E = o.append
    off = OFF_A53
    E(DOC_A53.strip("\n"))
    E("TEXT ·dwF32S1A53(SB), NOSPLIT, $0-80")
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "dst", "npix", "nblk", "cbytes"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMOVWU\tlo+72(FP), R10")
    E("\tMOVWU\thi+76(FP), R11")
    I("dup v10.4s, w10")
    I("dup v11.4s, w11")
    I("lsl x9, x8, #1")
    I("add x17, x9, x8")
    I("lsl x20, x8, #2")
    I("add x21, x20, x8")
    I("lsl x22, x17, #1")
    I("add x23, x22, x8")
    I("lsl x19, x8, #3")
    I("add x24, x19, x8")
    I("cbz x7, done")
    I("cbz x6, done")
    E("block:")
    for t in range(9):
        I("ldr q%d, [x3%s]" % (t, ", " + off[t] if t else ""))
    I("ld1 {v9.4s}, [x4]")
    I("mov x12, x0")
    I("mov x13, x1")
    I("mov x14, x2")
    I("mov x15, x5")
    I("lsr x16, x6, #3")
    I("cbz x16, tail")
    E("pix8:")
    pixels(I, NPX, 1, off)
    for r in range(3):
        I("add x%d, x%d, x19" % (12 + r, 12 + r))
    I("subs x16, x16, #1")
    I("b.ne pix8")
    E("tail:")
    I("ands x16, x6, #7")
    I("b.eq next")
    E("pix1:")
    pixels(I, 1, 1, off)
    for r in range(3):
        I("add x%d, x%d, x8" % (12 + r, 12 + r))
    I("subs x16, x16, #1")
    I("b.ne pix1")
    E("next:")
    for rg in (0, 1, 2, 3, 4, 5):
        I("add x%d, x%d, #16" % (rg, rg))
    I("subs x7, x7, #1")
    I("b.ne block")
    E("done:")
    I("ret")
    return o[:2] + inorder.reorder(o[2:], noalias=True, trials=TRIALS)


def generate():
    out = kernel(1) + [""] + kernel(2)
    out += [""] + kernel_a53()
    out += [""] + inorder.twin(kernel(2), "dwF32S2", trials=100)
    return "dwconv_f32_arm64.s", out

"""conv_f32 (conv_f32_neon): the first layer, a full 3x3 convolution of a
3-channel float32 image."""

import inorder


DOC = '''// func convF32C3(r0, r1, r2, w, bias, dst *float32, npix, step, nblk int, lo, hi float32)
//
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
// Loops:
//	pixel:         for each output pixel: 6 loads of the 27 inputs
//	  block:       for each block of 8 output channels: 27 x 2 loads, 54 FMLA
//	               by element (the first 4 taps FMUL), sum, clamp, store
//
// Registers:
//	R0-R2 input rows  R3 w  R4 bias  R5 dst cursor  R6 pixels left  R7 step
//	R8 nblk  R9 blocks left  R10 weight cursor  R11 bias cursor
//	V0-V8 inputs (row r: V3r, V3r+1, lane 0 of V3r+2)  V16-V23 sums
//	V24-V29 weights (rotating pairs)  V30 lo  V31 hi
//	<free>
'''


def kernel():
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    E(DOC.strip("\n"))
    E("TEXT ·convF32C3(SB), NOSPLIT, $0-80")
    for i, a in enumerate(["r0", "r1", "r2", "w", "bias", "dst", "npix", "step", "nblk"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tFMOVS\tlo+72(FP), F30")
    E("\tFMOVS\thi+76(FP), F31")
    I("dup v30.4s, v30.s[0]")
    I("dup v31.4s, v31.s[0]")
    I("cbz x6, done")
    I("cbz x8, done")
    E("pixel:")
    for r in range(3):
        I("ld1 {v%d.4s, v%d.4s}, [x%d]" % (3 * r, 3 * r + 1, r))
        I("ldr s%d, [x%d, #32]" % (3 * r + 2, r))
    I("mov x10, x3")
    I("mov x11, x4")
    I("mov x9, x8")
    E("block:")
    for t in range(27):
        wp = 24 + 2 * (t % 3)
        I("ld1 {v%d.4s, v%d.4s}, [x10], #32" % (wp, wp + 1))
        s = t % 4
        ky, j = t // 9, t % 9
        iv, lane = 3 * ky + j // 4, j % 4
        op = "fmul" if t < 4 else "fmla"
        I("%s v%d.4s, v%d.4s, v%d.s[%d]" % (op, 16 + 2 * s, wp, iv, lane))
        I("%s v%d.4s, v%d.4s, v%d.s[%d]" % (op, 17 + 2 * s, wp + 1, iv, lane))
    for a, b in ((16, 18), (17, 19), (20, 22), (21, 23), (16, 20), (17, 21)):
        I("fadd v%d.4s, v%d.4s, v%d.4s" % (a, a, b))
    I("ld1 {v18.4s, v19.4s}, [x11], #32")
    for v in (16, 17):
        I("fadd v%d.4s, v%d.4s, v%d.4s" % (v, v, v + 2))
        I("fmax v%d.4s, v%d.4s, v30.4s" % (v, v))
        I("fmin v%d.4s, v%d.4s, v31.4s" % (v, v))
    I("st1 {v16.4s, v17.4s}, [x5], #32")
    I("subs x9, x9, #1")
    I("b.ne block")
    for r in range(3):
        I("add x%d, x%d, x7" % (r, r))
    I("subs x6, x6, #1")
    I("b.ne pixel")
    E("done:")
    I("ret")
    return o


def generate():
    return "conv_f32_arm64.s", kernel() + [""] + inorder.twin(kernel(), "convF32C3", trials=100)

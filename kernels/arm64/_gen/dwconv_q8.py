"""dwconv_q8: depthwise 3x3 int8, stride 1 and 2, 8 channels per vector:
dwconv3x3_q8_neon (int16 or int8 multiplies) and dwconv3x3_q8_dotprod (SDOT)."""

import goabi
import inorder

SIG = "(r0, r1, r2 *int8, w0, w1, w2 *int16, bias *int32, scale *float32, dst *int8, npix, nblk, ch int, xzp, zp, lo, hi int32)"

DOC = '''// func %(name)s%(sig)s
//
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
// pixel adds the bias and is requantized: SCVTF, FMUL, FCVTNS as in the
// pointwise kernels, then on 8 int16 lanes at once SQXTN (saturating: a value
// beyond int16 is beyond the int8 clamp either way), SQADD zp, SMAX, SMIN and
// XTN, which equals the int32 ADD/SMAX/SMIN of generic.Requantize for every
// input. npix%%4 pixels run a 1-pixel loop.
//
// Loops:
//	block:         for each block of 8 channels
//	  pix4:        for each 4 output pixels: %(ncol)d x 3 loads, 72 SMULL/SMLAL(2)
//	  tail, pix1:  for each remaining pixel (npix%%4): 9 loads, 18 SMULL/SMLAL(2)
//	  next:        advance to the next channel block
//
// Registers:
//	R0-R2 input rows  R3-R5 weight rows  R6 bias  R7 scale  R8 dst  R9 npix
//	R10 blocks left  R11 C (input and output pixel stride, bytes)  R12 input
//	pixel step  R13-R15 row cursors  R16 dst cursor  R17 pixel counter
//	R19 load cursor  R20 2*C (weight tap stride)  R21 weight cursor  R22 temp
//	R23 4-pixel input step
//	V0-V8 taps (int16x8)  V9-V10 bias  V11-V12 scale  V13 zp  V14 lo  V15 hi (int16x8)
//	V16 xzp (8 bytes)  V17-V24 sums (pixel p: V17+2p channels 0-3, V18+2p
//	channels 4-7)  V25-V31 input columns (rotating)
//	<free>
'''

ARGS = ["r0", "r1", "r2", "w0", "w1", "w2", "bias", "scale", "dst", "npix", "nblk", "ch"]


def pixels(I, npx, s, off=None, defer=None):
    """Emits npx output pixels: loads, SSUBL, SMULL/SMLAL chains, requantize,
    store (off, defer: as pixels_n)."""
    ncol = (npx - 1) * s + 3
    n = 0
    for r in range(3):
        if not off:
            I("mov x19, x%d" % (13 + r))
        for col in range(ncol):
            x = 25 + n % 7
            n += 1
            if off:
                I("ldr d%d, [x%d%s]" % (x, 13 + r, ", " + off[col] if col else ""))
            else:
                I("ld1 {v%d.8b}, [x19], x11" % x)
            I("ssubl v%d.8h, v%d.8b, v16.8b" % (x, x))
            for p in range(npx):
                kx = col - p * s
                if not 0 <= kx < 3:
                    continue
                lo, hi, wv = 17 + 2 * p, 18 + 2 * p, 3 * r + kx
                if r == 0 and kx == 0:
                    I("smull v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                    I("smull2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
                else:
                    I("smlal v%d.4s, v%d.4h, v%d.4h" % (lo, x, wv))
                    I("smlal2 v%d.4s, v%d.8h, v%d.8h" % (hi, x, wv))
    for p in range(npx):
        lo, hi = 17 + 2 * p, 18 + 2 * p
        I("add v%d.4s, v%d.4s, v9.4s" % (lo, lo))
        I("add v%d.4s, v%d.4s, v10.4s" % (hi, hi))
    finish(I, npx, off, defer)


def finish(I, npx, off, defer):
    """Requantizes and stores npx pixels but the DEFER last (with defer, the
    register that gets their address), and advances the dst cursor (with
    off)."""
    nd = DEFER if defer else 0
    for p in range(npx - nd):
        requant(I, 17 + 2 * p, 18 + 2 * p, off and (off[p] if p else ""))
    if defer:  # the last DEFER pixels are requantized in the next iteration, stored at defer
        I("add %s, x16, %s" % (defer, off[npx - nd]))
    if off:
        I("add x16, x16, %s" % off[npx])


def requant(I, lo, hi, off=None, base="x16"):
    """Requantizes the int32 sums of one pixel (V lo, V hi) and stores 8 bytes
    (at x16 and a post-index; with off, a string, at base plus off)."""
    for v, sc in ((lo, 11), (hi, 12)):
        I("scvtf v%d.4s, v%d.4s" % (v, v))
        I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
        I("fcvtns v%d.4s, v%d.4s" % (v, v))
    I("sqxtn v%d.4h, v%d.4s" % (lo, lo))
    I("sqxtn2 v%d.8h, v%d.4s" % (lo, hi))
    I("sqadd v%d.8h, v%d.8h, v13.8h" % (lo, lo))
    I("smax v%d.8h, v%d.8h, v14.8h" % (lo, lo))
    I("smin v%d.8h, v%d.8h, v15.8h" % (lo, lo))
    I("xtn v%d.8b, v%d.8h" % (lo, lo))
    if off is None:
        I("st1 {v%d.8b}, [x16], x11" % lo)
    else:
        I("str d%d, [%s%s]" % (lo, base, ", " + off if off else ""))


def prologue(E, I, name, doc, s):
    """The doc comment, argument loads and per-call constants of one kernel."""
    E(doc.strip("\n") % {"s": s, "name": name, "sig": SIG, "wide": "dwQ8S%d" % s, "ncol": 3 * s + 3})
    E("TEXT ·%s(SB), NOSPLIT, $0-112" % name)
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    I("lsl x12, x11, #%d" % (s - 1))
    I("lsl x23, x12, #2")
    I("lsl x20, x11, #1")


def block(E, I):
    """The loads of one channel block: 9 tap vectors, bias and scale."""
    E("block:")
    for r in range(3):
        I("mov x21, x%d" % (3 + r))
        for kx in range(3):
            I("ld1 {v%d.8h}, [x21], x20" % (3 * r + kx))
    I("ld1 {v9.4s, v10.4s}, [x6]")
    I("ld1 {v11.4s, v12.4s}, [x7]")


def loops(E, I, pixels, s):
    """The pixel loops of one channel block and the advance to the next."""
    I("mov x13, x0")
    I("mov x14, x1")
    I("mov x15, x2")
    I("mov x16, x8")
    I("lsr x17, x9, #2")
    I("cbz x17, tail")
    E("pix4:")
    pixels(I, 4, s)
    for r in range(3):
        I("add x%d, x%d, x23" % (13 + r, 13 + r))
    I("subs x17, x17, #1")
    I("b.ne pix4")
    E("tail:")
    I("ands x17, x9, #3")
    I("b.eq next")
    E("pix1:")
    pixels(I, 1, s)
    for r in range(3):
        I("add x%d, x%d, x12" % (13 + r, 13 + r))
    I("subs x17, x17, #1")
    I("b.ne pix1")
    E("next:")
    for r in range(3):
        I("add x%d, x%d, #8" % (r, r))
    for r in range(3, 6):
        I("add x%d, x%d, #16" % (r, r))
    I("add x6, x6, #32")
    I("add x7, x7, #32")
    I("add x8, x8, #8")
    I("subs x10, x10, #1")
    I("b.ne block")
    E("done:")
    I("ret")


def kernel(s):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    prologue(E, I, "dwQ8S%d" % s, DOC, s)
    E("\tMOVW\txzp+96(FP), R22")
    I("dup v16.8b, w22")
    E("\tMOVW\tzp+100(FP), R22")
    I("dup v13.8h, w22")
    E("\tMOVW\tlo+104(FP), R22")
    I("dup v14.8h, w22")
    E("\tMOVW\thi+108(FP), R22")
    I("dup v15.8h, w22")
    I("cbz x9, done")
    I("cbz x10, done")
    block(E, I)
    loops(E, I, pixels, s)
    return o


DOC_N = '''// func %(name)s%(sig)s
//
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
// Loops: as %(wide)s (block, pix4, tail, pix1, next); the block set-up also
// folds xzp into the bias and narrows the taps.
//
// Registers:
//	R0-R2 input rows  R3-R5 weight rows  R6 bias  R7 scale  R8 dst  R9 npix
//	R10 blocks left  R11 C (input and output pixel stride, bytes)  R12 input
//	pixel step  R13-R15 row cursors  R16 dst cursor  R17 pixel counter
//	R19 load cursor  R20 2*C (weight tap stride)  R21 weight cursor  R22 temp
//	R23 4-pixel input step  R24 xzp
//	V0-V8 taps (int8x8 after the narrowing)  V9-V10 bias (xzp folded in)
//	V11-V12 scale  V13 zp  V14 lo  V15 hi (int16x8)  V16, V25-V27 int16
//	partials (pixel 0-3)  V17-V24 sums (pixel p: V17+2p channels 0-3, V18+2p
//	channels 4-7)  V28-V31 input columns (rotating); in the block set-up V28
//	tap sum, V29-V30 its int32 halves, V31 xzp
//	<free>
'''


def pixels_n(I, npx, s, off=None, defer=None):
    """Emits npx output pixels of the int8-weight variant. With off (the
    in-order kernels: column k at register offset off[k] = k*C, none for 0)
    columns load by register offset from the row cursor and the pixels store
    by offset from the dst cursor, which advances once."""
    ncol = (npx - 1) * s + 3
    part = [16, 25, 26, 27]
    n = 0
    for r in range(3):
        if not off:
            I("mov x19, x%d" % (13 + r))
        for col in range(ncol):
            x = 28 + n % 4
            n += 1
            if off:
                I("ldr d%d, [x%d%s]" % (x, 13 + r, ", " + off[col] if col else ""))
            else:
                I("ld1 {v%d.8b}, [x19], x11" % x)
            for p in range(npx):
                kx = col - p * s
                if not 0 <= kx < 3:
                    continue
                t, P, wv = 3 * r + kx, part[p], 3 * r + kx
                lo, hi = 17 + 2 * p, 18 + 2 * p
                if t % 2 == 0:
                    I("smull v%d.8h, v%d.8b, v%d.8b" % (P, x, wv))
                else:
                    I("smlal v%d.8h, v%d.8b, v%d.8b" % (P, x, wv))
                if t == 1:
                    I("saddw v%d.4s, v9.4s, v%d.4h" % (lo, P))
                    I("saddw2 v%d.4s, v10.4s, v%d.8h" % (hi, P))
                elif t % 2 == 1 or t == 8:
                    I("saddw v%d.4s, v%d.4s, v%d.4h" % (lo, lo, P))
                    I("saddw2 v%d.4s, v%d.4s, v%d.8h" % (hi, hi, P))
    nd = DEFER if defer else 0
    for p in range(npx - nd):
        requant(I, 17 + 2 * p, 18 + 2 * p, off and (off[p] if p else ""))
    if defer:  # the last DEFER pixels are requantized in the next iteration, stored at defer
        I("add %s, x16, %s" % (defer, off[npx - nd]))
    if off:
        I("add x16, x16, %s" % off[npx])


def kernel_n(s):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    prologue(E, I, "dwQ8N%d" % s, DOC_N, s)
    E("\tMOVW\txzp+96(FP), R24")
    for nm, off, v in (("zp", 100, 13), ("lo", 104, 14), ("hi", 108, 15)):
        E("\tMOVW\t%s+%d(FP), R22" % (nm, off))
        I("dup v%d.8h, w22" % v)
    I("cbz x9, done")
    I("cbz x10, done")
    block(E, I)
    E("\t// Fold xzp into the bias: bias -= xzp * (sum of the 9 taps); taps to int8.")
    I("add v28.8h, v0.8h, v1.8h")
    for k in range(2, 9):
        I("add v28.8h, v28.8h, v%d.8h" % k)
    I("sxtl v29.4s, v28.4h")
    I("sxtl2 v30.4s, v28.8h")
    I("dup v31.4s, w24")
    I("mls v9.4s, v29.4s, v31.4s")
    I("mls v10.4s, v30.4s, v31.4s")
    for k in range(9):
        I("xtn v%d.8b, v%d.8h" % (k, k))
    loops(E, I, pixels_n, s)
    return o



DOC_A53 = '''// func %(name)s%(sig)s
//
// %(name)s is %(base)s for in-order cores (Cortex-A53, where the Go caller
// selects it): the same multiply-accumulates and requantization per pixel,
// in the same order on each accumulator, so the same results; same arguments
// and contract. LLVM's Cortex-A53 model completes instructions in order: an
// integer ADD issued after a NEON instruction waits for it (3 of its 6
// cycles), and a post-indexed load or store waits for every older
// instruction. %(base)s advances a load cursor after every column load; here
// the columns load by register offset from the row cursors (LDR D, [row,
// k*C], the offsets k*C computed once per call), the weights by offset from
// their rows, and the pixels store by offset from the dst cursor, so the
// pixel loop has 6 integer instructions. Each pixel's requantization is a
// chain of 9 dependent NEON instructions, so the 4-pixel loop is rotated by
// one pixel: an iteration requantizes and stores the previous iteration's
// last pixel (its sums are not touched before that), then its own first 3;
// the first iteration stores junk at dst, which its pixel 0 then overwrites,
// and the last pixel of the last iteration follows the loop. Each
// straight-line block is ordered by _gen/inorder.py, loads free to pass
// stores (dst never overlaps the input rows; stores keep their order), the
// pixel loop by the best of several perturbed list schedules.
//
// Registers: as %(base)s, but R19 3*C, %(regs)s, the 4-pixel dst step
// %(dstep)s, %(prev)s the previous iteration's last pixel in dst%(xzp)s.
//	<free>
'''


# Pixels of an iteration of the in-order kernels' 4-pixel loop requantized in
# the next iteration (the last ones).
DEFER = 1
# Perturbed schedules tried per pixel loop (inorder.schedule).
TRIALS = 200


def deferred(I, prev, off):
    """Requantizes and stores the deferred pixels, the first at prev."""
    for k in range(DEFER):
        p = 4 - DEFER + k
        requant(I, 17 + 2 * p, 18 + 2 * p, off[k] if k else "", prev)


def kernel_a53(s, narrow):
    """The in-order kernel dwQ8N<s>A53 (narrow) or dwQ8S<s>A53: column loads
    and stores by register offset (see DOC_A53), blocks scheduled by
    inorder.reorder."""
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    base = "dwQ8%s%d" % ("N" if narrow else "S", s)
    name = base + "A53"
    # off[k] holds k*C: R11 C, R20 2*C, R19 3*C, R23 4*C (stride 1) or 8*C
    # (stride 2; the 4-pixel input step either way).
    if s == 1:
        off = {1: "x11", 2: "x20", 3: "x19", 4: "x23", 5: "x22"}
        regs, c4, prev = "R22 5*C", "x23", "x21"
    else:
        off = {1: "x11", 2: "x12", 3: "x19", 4: "x21", 5: "x22", 6: "x25", 7: "x24", 8: "x23"}
        regs, c4, prev = "R21 4*C, R22 5*C, R25 6*C, R24 7*C, R23 8*C", "x21", "x20"
    E(DOC_A53.strip("\n") % {"name": name, "sig": SIG, "base": base, "regs": regs,
                               "dstep": "R23" if s == 1 else "R21", "prev": prev.replace("x", "R"),
                               "xzp": "; xzp is reloaded into R17 per block" if narrow else ""})
    E("TEXT ·%s(SB), NOSPLIT, $0-112" % name)
    for i, a in enumerate(ARGS):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    if not narrow:
        E("\tMOVW\txzp+96(FP), R22")
        I("dup v16.8b, w22")
    for nm, o_, v in (("zp", 100, 13), ("lo", 104, 14), ("hi", 108, 15)):
        E("\tMOVW\t%s+%d(FP), R22" % (nm, o_))
        I("dup v%d.8h, w22" % v)
    I("lsl x12, x11, #%d" % (s - 1))
    I("lsl x23, x12, #2")
    I("lsl x20, x11, #1")
    I("add x19, x20, x11")
    if s == 1:
        I("add x22, x23, x11")
    else:
        I("lsl x21, x11, #2")
        I("add x22, x21, x11")
        I("add x25, x19, x19")
        I("add x24, x25, x11")
    I("cbz x9, done")
    I("cbz x10, done")
    E("block:")
    if narrow:
        E("\tMOVW\txzp+96(FP), R17")
    for r in range(3):
        for kx in range(3):
            I("ldr q%d, [x%d%s]" % (3 * r + kx, 3 + r, ", " + off[2 * kx] if kx else ""))
    I("ld1 {v9.4s, v10.4s}, [x6]")
    I("ld1 {v11.4s, v12.4s}, [x7]")
    if narrow:
        fold(E, I)
    pix = pixels_n if narrow else pixels
    a53_loops(E, I, s, pix, off, prev)
    start = next(k for k, it in enumerate(o) if isinstance(it, str) and it.startswith("TEXT "))
    return o[:start + 1] + inorder.reorder(o[start + 1:], noalias=True, trials=TRIALS)


def fold(E, I):
    """Folds xzp (in R17) into the bias, narrows the taps."""
    E("\t// Fold xzp into the bias: bias -= xzp * (sum of the 9 taps); taps to int8.")
    I("add v28.8h, v0.8h, v1.8h")
    for k in range(2, 9):
        I("add v28.8h, v28.8h, v%d.8h" % k)
    I("sxtl v29.4s, v28.4h")
    I("sxtl2 v30.4s, v28.8h")
    I("dup v31.4s, w17")
    I("mls v9.4s, v29.4s, v31.4s")
    I("mls v10.4s, v30.4s, v31.4s")
    for k in range(9):
        I("xtn v%d.8b, v%d.8h" % (k, k))


def a53_loops(E, I, s, pix, off, prev):
    """The pixel loops of the in-order kernels and the block advance."""
    I("mov x13, x0")
    I("mov x14, x1")
    I("mov x15, x2")
    I("mov x16, x8")
    I("mov %s, x8" % prev)
    I("lsr x17, x9, #2")
    I("cbz x17, tail")
    E("pix4:")
    E("\t// The previous iteration's last pixel (the first iteration: junk at dst,\n"
      "\t// which its pixel 0 overwrites).")
    deferred(I, prev, off)
    pix(I, 4, s, off, prev)
    for r in range(3):
        I("add x%d, x%d, x23" % (13 + r, 13 + r))
    I("subs x17, x17, #1")
    I("b.ne pix4")
    E("\t// The last iteration's last pixels.")
    deferred(I, prev, off)
    E("tail:")
    I("ands x17, x9, #3")
    I("b.eq next")
    E("pix1:")
    pix(I, 1, s, {1: off[1], 2: off[2]})
    for r in range(3):
        I("add x%d, x%d, x12" % (13 + r, 13 + r))
    I("subs x17, x17, #1")
    I("b.ne pix1")
    E("next:")
    for r in range(3):
        I("add x%d, x%d, #8" % (r, r))
    for r in range(3, 6):
        I("add x%d, x%d, #16" % (r, r))
    I("add x6, x6, #32")
    I("add x7, x7, #32")
    I("add x8, x8, #8")
    I("subs x10, x10, #1")
    I("b.ne block")
    E("done:")
    I("ret")


DOT_SIG = [("r0", "*int8"), ("r1", "*int8"), ("r2", "*int8"), ("pk", "*int32"), ("scale", "*float32"),
           ("dst", "*int8"), ("npix", "int"), ("nblk", "int"), ("ch", "int"), ("s0", "int"), ("s1", "int"),
           ("s2", "int"), ("zp", "int32"), ("lo", "int32"), ("hi", "int32")]

DOC_DOT = '''// func %(name)s%(sig)s
//
// %(name)s computes interior output pixels of one output row of a 3x3 int8
// depthwise convolution with stride %(s)d and SDOT (ARMv8.2 dot product), 8
// channels at a time:
//
//	for cb := 0; cb < nblk; cb++ {               // channels c = 8*cb .. 8*cb+7
//		for x := 0; x < npix; x++ {
//			acc := bias'[c]                      // bias[c] - xzp*sum_t (w_t[c] - wzp[c])
//			for kx := 0; kx < 3; kx++ {
//				for ky := 0; ky < 3; ky++ {
//					v := int32(r_ky[(x*%(s)d+kx)*s_ky+c])
//					acc += v * int32(b[ky][kx][c])%(oterm)s
//				}
//			}
//			dst[x*C+c] = Requantize(acc, scale[c], zp, lo, hi)
//		}
//	}
//
// with C = ch and b[ky][kx][c] = w[ky][kx][c] - wzp[c] - o[c], all int8: the
// sum equals generic.DWConvQ8's modulo 2^32 (bit-exact), since a padded tap
// holds xzp, which the fold in bias' cancels. s_ky is row ky's column step:
// C, or 0 for a kernel row above or below the image, which the caller points
// at C values of xzp; padded edge columns go through a patch. pk holds per
// channel block the weights (3 kx x 2 quads of 4 channels x 4 bytes:
// b[0][kx][c], b[1][kx][c], b[2][kx][c], 0)%(opk)s and bias' + 0x4B400000 (8
// int32); scale has C values.
//
// Algorithm: each input column is loaded once per row (8 bytes of row 0 and
// of row 1 into the two halves of one register, 8 of row 2 into the next)
// and rearranged by two TBL into two vectors of 4 channels x [x_ky0, x_ky1,
// x_ky2, 0]. Per output pixel the accumulators start at bias' + 0x4B400000
// (one LD1) and take one SDOT per kernel column and quad (%(nsdot)d SDOT for 72
// MACs). The caller guarantees |acc| < 2^22 (|bias| bounded at pack time), so
// the accumulator's bits are those of the float 1.5*2^23 + acc, and one FSUB
// gives float32(acc) exactly, instead of SCVTF (two cycles on the A76's V0
// pipe). Two pixels are requantized together: FMUL, FCVTNS, SQXTN to int16,
// SQADD zp, SQXTN (SQXTN2) to one int8x16, SMAX, SMIN, two ST1 lane; with
// zp = lo = -128 and hi = 127 (ReLU6 outputs quantized over [0, max], what
// converters write) the pixel loop has a twin that narrows with SQXTUN
// (clamp to [0, 255]) and flips the top bit (minus 128) instead of SQADD,
// SQXTN, SMAX and SMIN: 3 instructions fewer per pair.
// %(cols)s
// The columns live in three register pairs that rotate, so the loop is
// unrolled to 3 pairs of pixels, with a pair count check after each pair and
// one last pixel (odd npix) after the loop.
//
// Loops:
//	block:         for each block of 8 channels: load weights%(oload)s and scales,
//	               load and rearrange the first %(first)s
//	  pix, gpix:   for each 2 output pixels (3 pairs per iteration): %(ncol)s
//	               loaded and rearranged, %(nsdot2)d SDOT, requantize, store 16 bytes
//	               (gpix: the general requantization)
//	  tail0-2, gtail0-2: the last pixel of an odd npix
//
// Registers:
//	R0-R2 input rows  R3 pk cursor  R4 dst  R5 npix  R6 blocks left  R7 C
//	R8 bias' of the block  R9-R11 row cursors  R12 dst cursor
//	R13 pairs left  R14 temp  R15-R17 row column steps  R19 scale cursor
//	R20 0 for the unsigned requantization  R21 temp
//	V0-V5 weights (kx 0-2, quads 0-1)%(oregs)s  V8-V9 scales  V10 zp (int16x8)
//	V11 lo  V12 hi (int8x16)  V13-V18 columns (3 pairs, rotating)
//	V19-V22 accumulators of a pair of pixels  V25 rows 0 and 1 of a column
//	V26 row 2  V28 0x80 bytes  V29 1.5*2^23  V30-V31 TBL indices (quads 0 and 1)
//	<free>
'''

# TBL indices of the column vectors: channel c of quad q takes byte c (row
# 0) and 8+c (row 1) of the first table register, byte c (index 16+c) of the
# second (row 2), and 0 (index 0xff, out of range).
TBL_IDX = [
    [(c, 8 + c, 16 + c, 0xff) for c in range(4 * q, 4 * q + 4)] for q in range(2)
]


def _u64(bs):
    return sum(b << (8 * i) for i, b in enumerate(bs))


def dot_kernel(s, with_o):
    o = []
    I = lambda x: o.append(("I", x))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    name = "dwQ8Dot%s%d" % ("O" if with_o else "", s)
    nsdot = 12 if with_o else 6
    E(DOC_DOT.strip("\n") % {
        "name": name, "sig": goabi.sig(DOT_SIG), "s": s, "nsdot": nsdot, "nsdot2": 2 * nsdot,
        "oterm": " + v*o[c]" if with_o else "",
        "opk": ", the offsets o (2 quads of 4 channels x [o, o, o, 0])" if with_o else "",
        "oload": ", offsets" if with_o else "",
        "oregs": "  V6-V7 offsets o" if with_o else "",
        "first": "two columns" if s == 1 else "column",
        "ncol": "2 columns" if s == 1 else "4 columns",
        "cols": ("Stride 1: one new column per pixel." if s == 1 else
                 "Stride 2: two new columns per pixel; the last is the next pixel's first."),
    })
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, goabi.frame(DOT_SIG)))
    goabi.load_args(E, DOT_SIG, {"r0": 0, "r1": 1, "r2": 2, "pk": 3, "scale": 19, "dst": 4, "npix": 5, "nblk": 6,
                                 "ch": 7, "s0": 15, "s1": 16, "s2": 17})
    for nm, v, arr, r in (("zp", 10, "8h", 20), ("lo", 11, "16b", 21), ("hi", 12, "16b", 14)):
        goabi.load_arg(E, DOT_SIG, nm, r)
        I("dup v%d.%s, w%d" % (v, arr, r))
    E("\t// R20 = 0 when zp = lo = -128 and hi = 127: the unsigned requantization.")
    I("add x20, x20, #128")
    I("add x21, x21, #128")
    I("sub x14, x14, #127")
    I("orr x20, x20, x21")
    I("orr x20, x20, x14")
    I("movi v28.16b, #0x80")
    E("\t// 1.5*2^23, and the TBL indices of the two quads.")
    E("\tMOVW\t$0x4b400000, R14")
    I("dup v29.4s, w14")
    for q in range(2):
        flat = [b for lane in TBL_IDX[q] for b in lane]
        for h in range(2):
            E("\tMOVD\t$0x%016x, R14" % _u64(flat[8 * h:8 * h + 8]))
            I("mov v%d.d[%d], x14" % (30 + q, h))
    I("cbz x5, done")
    I("cbz x6, done")
    sets = [(13, 14), (15, 16), (17, 18)]
    accs = [(19, 20), (21, 22)]

    def column(dst):
        I("ld1 {v25.8b}, [x9], x15")
        I("ld1 {v25.d}[1], [x10], x16")
        I("ld1 {v26.8b}, [x11], x17")
        for q in range(2):
            I("tbl v%d.16b, {v25.16b, v26.16b}, v%d.16b" % (dst[q], 30 + q))

    def macs(p, a):
        # Pixel p's new columns and SDOT into accumulator pair a.
        first = (p * s) % 3
        for c in range(3 - s, 3):  # the new columns: kx 2 (stride 1), kx 1 and 2 (stride 2)
            column(sets[(first + c) % 3])
        I("ld1 {v%d.4s, v%d.4s}, [x8]" % a)
        for kx in range(3):
            cs = sets[(first + kx) % 3]
            for q in range(2):
                I("sdot v%d.4s, v%d.16b, v%d.16b" % (a[q], cs[q], 2 * kx + q))
        if with_o:
            for kx in range(3):
                cs = sets[(first + kx) % 3]
                for q in range(2):
                    I("sdot v%d.4s, v%d.16b, v%d.16b" % (a[q], cs[q], 6 + q))

    def to_int16(a, u):
        for v in a:
            I("fsub v%d.4s, v%d.4s, v29.4s" % (v, v))
        I("fmul v%d.4s, v%d.4s, v8.4s" % (a[0], a[0]))
        I("fmul v%d.4s, v%d.4s, v9.4s" % (a[1], a[1]))
        for v in a:
            I("fcvtns v%d.4s, v%d.4s" % (v, v))
        I("sqxtn v%d.4h, v%d.4s" % (a[0], a[0]))
        I("sqxtn2 v%d.8h, v%d.4s" % (a[0], a[1]))
        if not u:
            I("sqadd v%d.8h, v%d.8h, v10.8h" % (a[0], a[0]))

    def pair(p, u):
        macs(p, accs[0])
        macs(p + 1, accs[1])
        to_int16(accs[0], u)
        to_int16(accs[1], u)
        v, w = accs[0][0], accs[1][0]
        if u:
            I("sqxtun v%d.8b, v%d.8h" % (v, v))
            I("sqxtun2 v%d.16b, v%d.8h" % (v, w))
            I("eor v%d.16b, v%d.16b, v28.16b" % (v, v))
        else:
            I("sqxtn v%d.8b, v%d.8h" % (v, v))
            I("sqxtn2 v%d.16b, v%d.8h" % (v, w))
            I("smax v%d.16b, v%d.16b, v11.16b" % (v, v))
            I("smin v%d.16b, v%d.16b, v12.16b" % (v, v))
        I("st1 {v%d.d}[0], [x12], x7" % v)
        I("st1 {v%d.d}[1], [x12], x7" % v)

    def single(p, u):
        macs(p, accs[0])
        to_int16(accs[0], u)
        v = accs[0][0]
        if u:
            I("sqxtun v%d.8b, v%d.8h" % (v, v))
            I("eor v%d.8b, v%d.8b, v28.8b" % (v, v))
        else:
            I("sqxtn v%d.8b, v%d.8h" % (v, v))
            I("smax v%d.8b, v%d.8b, v11.8b" % (v, v))
            I("smin v%d.8b, v%d.8b, v12.8b" % (v, v))
        I("st1 {v%d.8b}, [x12], x7" % v)

    def pixel_loop(u):
        """The pixel loop and its tails; labels with a g prefix for the
        general requantization."""
        g = "" if u else "g"
        I("cbz x13, %stail0" % g)
        E("%spix:" % g)
        for j in range(3):
            pair(2 * j, u)
            I("subs x13, x13, #1")
            if j < 2:
                I("b.eq %stail%d" % (g, j + 1))
            else:
                I("b.ne %spix" % g)
        for j in range(3):
            E("%stail%d:" % (g, j))
            E("\t// An odd npix: the last pixel, %d pixels after the loop's first." % (2 * j))
            I("tbz x5, #0, next")
            single(2 * j, u)
            if j < 2 or u:
                I("b next")

    E("block:")
    I("ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x3], #64")
    I("ld1 {v4.16b, v5.16b}, [x3], #32")
    if with_o:
        I("ld1 {v6.16b, v7.16b}, [x3], #32")
    I("mov x8, x3")
    I("add x3, x3, #32")
    I("ld1 {v8.4s, v9.4s}, [x19], #32")
    I("mov x9, x0")
    I("mov x10, x1")
    I("mov x11, x2")
    I("mov x12, x4")
    E("\t// The first column(s): set 0 (stride 1: and set 1).")
    column(sets[0])
    if s == 1:
        column(sets[1])
    I("lsr x13, x5, #1")
    I("cbnz x20, general")
    E("\t// zp = lo = -128, hi = 127: SQXTUN (clamp to [0, 255]), then minus 128 (EOR 0x80).")
    pixel_loop(True)
    E("general:")
    E("\t// Any zp, lo, hi: SQADD zp, SQXTN, SMAX lo, SMIN hi.")
    pixel_loop(False)
    E("next:")
    for r in range(3):
        I("add x%d, x%d, #8" % (r, r))
    I("add x4, x4, #8")
    I("subs x6, x6, #1")
    I("b.ne block")
    E("done:")
    I("ret")
    return o


def generate():
    out = kernel(1) + [""] + kernel(2) + [""] + kernel_n(1) + [""] + kernel_n(2)
    for s in (1, 2):
        out += [""] + kernel_a53(s, False)
        out += [""] + kernel_a53(s, True)
    for with_o in (False, True):
        for s in (1, 2):
            out += [""] + dot_kernel(s, with_o)
    return "dwconv_q8_arm64.s", out

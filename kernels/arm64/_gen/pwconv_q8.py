"""pwconv_q8: pwconv_q8_neon (widening SMULL/SMULL2/SADALP, 4x4) and pwconv_q8_dotprod (SDOT, 8x8)."""

COMMON = '''//
// Shared contract of both int8 pointwise kernels (one row tile, all full
// panels): for panel p < npanels, tile row i < m, panel column j:
//
//	acc := bias[p*NR+j] - rs[i]               // rs[i] = wzp * sum_k a[i][k]
//	for kk := 0; kk < K; kk++ {               // K = 16*kblocks (+16 with a tail)
//		acc += int32(a_i[kk]) * int32(w[p*NR+j][kk])
//	}
//	c[i*ldc + p*NR + j] = clamp(roundHalfAway(float32(acc)*scale[p*NR+j]) + zp, lo, hi)
//
// a_i is row i of the tile (lda bytes apart) for the first 16*kblocks bytes;
// with tail != 0 the last 16 k come from atail[i*16:], a zero-padded copy of
// the row's k%16 remainder made by the Go caller. bias advances biasStep
// bytes per panel (0: a zero vector, for a nil bias). Requantization is
// generic.Requantize in NEON: SCVTF, FMUL (not fused), FCVTAS (round half away
// from zero), ADD zp, SMAX lo, SMIN hi, XTN. Rows >= m repeat row m-1 for the
// loads and are not stored.'''

DOT_DOC = '''
//
// pwQ8DotTile is the SDOT (ARMv8.2 dot product) int8 pointwise kernel: an
// 8x8 tile, NR = 8.
''' + COMMON + '''
//
// Algorithm: weights are packed per panel in 4-k groups, 8 columns x 4 bytes
// (32 bytes) per group. Per 16 k the loop loads 16 bytes of each of the 8 rows
// (V16-V23) and 4 groups of weights (V24-V31) and issues 64 SDOT by element:
// acc[i][cols] += w_group(g) . a_i.4b[g], 1024 MACs per 16 loads, at the A76's
// two SDOT per cycle.
//
// Loops:
//	panel:         for each panel of 8 columns
//	  k16:         for each 16 k: 16 loads, 64 SDOT by element
//	  ktail:       once more through k16 on atail if tail != 0
//	  epilogue:    requantize, store the rows < m
//
// Registers:
//	R0 a  R1 lda  R2 m  R3 kblocks  R4 atail  R5 tail  R6 b cursor
//	R7 panels left  R8 c cursor  R9 ldc  R10 bias cursor  R11 biasStep
//	R12 scale cursor  R13-R17, R19-R21 row pointers a0..a7  R22 k counter
//	R23 tail pending  R24 rs cursor / temp  R25 temp
//	V0-V15 accumulators (row i: V2i cols 0-3, V2i+1 cols 4-7)
//	V16-V23 a0..a7   V24-V31 weights; in the epilogue V16-V20 hold scale,
//	zp, lo, hi.
//	<free>'''

WIDE_DOC = '''
//
// pwQ8WideTile is the ARMv8.0 int8 pointwise kernel (Cortex-A53/A72, no dot
// product): a 4x4 tile, NR = 4.
''' + COMMON + '''
//
// Algorithm: weights are packed per panel in 16-k blocks, 4 columns x 16
// bytes. Per 16 k the loop loads 16 bytes of each of the 4 rows (V16-V19) and
// of each of the 4 columns (V20-V23); every (row, column) pair takes SMULL
// (k 0-7) and SMULL2 (k 8-15) into int16 products and two SADALP into its
// int32x4 partial sums. Each int16 holds one product, so no input (not even
// -128 * -128) can overflow; A72 issues the multiplies on F0 and SADALP on F1,
// 8 MACs per cycle. The epilogue reduces each row's 4 partial-sum vectors
// with ADDP. Per panel the first 16-k block writes the partial sums with
// SADDLP (no zeroing). After FCVTAS two rows share an int16x8 vector: SQXTN
// (a value beyond int16 is beyond the int8 clamp either way), SQADD zp, SMAX,
// SMIN, XTN, equal to generic.Requantize when zp, lo and hi lie in
// [-128, 127] (the Go caller checks); full tiles store each row with ST1
// lane, post-indexed by ldc.
//
// Loops:
//	panel:         for each panel of 4 columns
//	  first:       the first 16-k block (SADDLP writes the partial sums)
//	  k16:         for each further 16 k: 8 loads, 32 SMULL(2), 32 SADALP
//	  ktail:       once more through k16 on atail if tail != 0
//	  epilogue:    reduce, requantize, store (partial: the rows < m)
//
// Registers:
//	R0 a  R1 lda  R2 m  R3 kblocks  R4 atail  R5 tail  R6 b cursor
//	R7 panels left  R8 c cursor  R9 ldc  R10 bias cursor  R11 biasStep
//	R12 scale cursor  R13-R16 row pointers a0..a3  R17 k counter
//	R19 tail pending  R20-R21 temps
//	V0-V15 partial sums (row i, column j: V4i+j)  V16-V19 a0..a3
//	V20-V23 weights  V24-V27 products  V28-V30 zp, lo, hi  V31 rs[0..3];
//	in the epilogue V20, V21 hold bias, scale.
//	<free>'''

SIG = "(a *int8, lda, m, kblocks int, atail *int8, tail int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32)"
# offsets: a0 lda8 m16 kblocks24 atail32 tail40 b48 npanels56 c64 ldc72 bias80 biasStep88 rs96 scale104 zp112 lo116 hi120 -> 124
ARGS = "$0-124"


def prologue(E, name, doc):
    E("// func %s%s" % (name, SIG))
    E(doc.strip("\n"))
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, ARGS))
    for i, a in enumerate(["a", "lda", "m", "kblocks", "atail", "tail", "b", "npanels", "c", "ldc", "bias", "biasStep"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMOVD\tscale+104(FP), R12")


def row_ptrs(I, regs, base):
    I("mov %s, %s" % (regs[0], base))
    for i in range(1, len(regs)):
        I("add %s, %s, x1" % (regs[i], regs[i - 1]))
        I("cmp x2, #%d" % i)
        I("csel %s, %s, %s, le" % (regs[i], regs[i - 1], regs[i]))


def requant(I, v, sc, zp, lo, hi):
    I("scvtf v%d.4s, v%d.4s" % (v, v))
    I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
    I("fcvtas v%d.4s, v%d.4s" % (v, v))
    I("add v%d.4s, v%d.4s, v%d.4s" % (v, v, zp))
    I("smax v%d.4s, v%d.4s, v%d.4s" % (v, v, lo))
    I("smin v%d.4s, v%d.4s, v%d.4s" % (v, v, hi))


def dot():
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    prologue(E, "pwQ8DotTile", DOT_DOC)
    I("cbz x7, done")
    rows = ["x13", "x14", "x15", "x16", "x17", "x19", "x20", "x21"]
    E("panel:")
    E("\t// acc = bias - rs[i]")
    I("ld1 {v16.4s, v17.4s}, [x10]")
    E("\tMOVD\trs+96(FP), R24")
    for i in range(8):
        I("ldrsw x25, [x24], #4")
        I("dup v18.4s, w25")
        I("sub v%d.4s, v16.4s, v18.4s" % (2 * i))
        I("sub v%d.4s, v17.4s, v18.4s" % (2 * i + 1))
    I("add x10, x10, x11")
    row_ptrs(I, rows, "x0")
    I("mov x23, x5")
    I("mov x22, x3")
    I("cbz x22, ktail")
    E("k16:")
    for i in range(8):
        I("ld1 {v%d.16b}, [%s], #16" % (16 + i, rows[i]))
    I("ld1 {v24.16b, v25.16b, v26.16b, v27.16b}, [x6], #64")
    I("ld1 {v28.16b, v29.16b, v30.16b, v31.16b}, [x6], #64")
    for g in range(4):
        for i in range(8):
            for h in range(2):
                I("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (2 * i + h, 24 + 2 * g + h, 16 + i, g))
    I("subs x22, x22, #1")
    I("b.ne k16")
    E("ktail:")
    I("cbz x23, epilogue")
    I("mov x23, xzr")
    I("mov x13, x4")
    for i in range(1, 8):
        I("add %s, %s, #16" % (rows[i], rows[i - 1]))
    I("orr x22, xzr, #1")  # Go's MOVD $1
    I("b k16")
    E("epilogue:")
    I("ld1 {v16.4s, v17.4s}, [x12], #32")
    E("\tMOVW\tzp+112(FP), R24")
    I("dup v18.4s, w24")
    E("\tMOVW\tlo+116(FP), R24")
    I("dup v19.4s, w24")
    E("\tMOVW\thi+120(FP), R24")
    I("dup v20.4s, w24")
    for i in range(8):
        for h in range(2):
            requant(I, 2 * i + h, 16 + h, 18, 19, 20)
    for i in range(8):
        I("xtn v%d.4h, v%d.4s" % (2 * i, 2 * i))
        I("xtn2 v%d.8h, v%d.4s" % (2 * i, 2 * i + 1))
        I("xtn v%d.8b, v%d.8h" % (2 * i, 2 * i))
    I("mov x24, x8")
    I("str d0, [x24]")
    for i in range(1, 8):
        I("cmp x2, #%d" % i)
        I("b.le stored")
        I("add x24, x24, x9")
        I("str d%d, [x24]" % (2 * i))
    E("stored:")
    I("add x8, x8, #8")
    I("subs x7, x7, #1")
    I("b.ne panel")
    E("done:")
    I("ret")
    return o


def wide_block(I, rows, first):
    """One 16-k block: loads, then SMULL/SMULL2 and two SADALP per (row,
    column) pair; the first block of a panel writes the partial sums with
    SADDLP instead of accumulating into zeroed registers."""
    for i in range(4):
        I("ld1 {v%d.16b}, [%s], #16" % (16 + i, rows[i]))
    I("ld1 {v20.16b, v21.16b, v22.16b, v23.16b}, [x6], #64")
    for i in range(4):
        for j in range(4):
            t = 24 + (2 * (4 * i + j)) % 4
            I("smull v%d.8h, v%d.8b, v%d.8b" % (t, 16 + i, 20 + j))
            I("smull2 v%d.8h, v%d.16b, v%d.16b" % (t + 1, 16 + i, 20 + j))
            I("%s v%d.4s, v%d.8h" % ("saddlp" if first else "sadalp", 4 * i + j, t))
            I("sadalp v%d.4s, v%d.8h" % (4 * i + j, t + 1))


def wide_atail(I, rows):
    I("mov x19, xzr")
    I("mov x13, x4")
    for i in range(1, 4):
        I("add %s, %s, #16" % (rows[i], rows[i - 1]))
    I("orr x17, xzr, #1")  # Go's MOVD $1


def wide():
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    prologue(E, "pwQ8WideTile", WIDE_DOC)
    I("cbz x7, done")
    rows = ["x13", "x14", "x15", "x16"]
    E("\t// Per call: zp, lo, hi in V28-V30 (int16x8), rs[0..3] in V31.")
    E("\tMOVW\tzp+112(FP), R21")
    I("dup v28.8h, w21")
    E("\tMOVW\tlo+116(FP), R21")
    I("dup v29.8h, w21")
    E("\tMOVW\thi+120(FP), R21")
    I("dup v30.8h, w21")
    E("\tMOVD\trs+96(FP), R20")
    I("ld1 {v31.4s}, [x20]")
    E("panel:")
    row_ptrs(I, rows, "x0")
    I("mov x19, x5")
    I("mov x17, x3")
    I("cbnz x17, first")
    E("\t// k < 16: the tail block is the first.")
    wide_atail(I, rows)
    E("first:")
    wide_block(I, rows, True)
    I("subs x17, x17, #1")
    I("b.eq ktail")
    E("k16:")
    wide_block(I, rows, False)
    I("subs x17, x17, #1")
    I("b.ne k16")
    E("ktail:")
    I("cbz x19, epilogue")
    wide_atail(I, rows)
    I("b k16")
    E("epilogue:")
    E("\t// Row i: V16+i = [sum V4i, sum V4i+1, sum V4i+2, sum V4i+3] + bias - rs[i].")
    for i in range(4):
        I("addp v24.4s, v%d.4s, v%d.4s" % (4 * i, 4 * i + 1))
        I("addp v25.4s, v%d.4s, v%d.4s" % (4 * i + 2, 4 * i + 3))
        I("addp v%d.4s, v24.4s, v25.4s" % (16 + i))
    I("ld1 {v20.4s}, [x10]")
    I("add x10, x10, x11")
    I("ld1 {v21.4s}, [x12], #16")
    for i in range(4):
        I("dup v%d.4s, v31.s[%d]" % (24 + i, i))
        I("add v%d.4s, v%d.4s, v20.4s" % (16 + i, 16 + i))
        I("sub v%d.4s, v%d.4s, v%d.4s" % (16 + i, 16 + i, 24 + i))
    for i in range(4):
        I("scvtf v%d.4s, v%d.4s" % (16 + i, 16 + i))
        I("fmul v%d.4s, v%d.4s, v21.4s" % (16 + i, 16 + i))
        I("fcvtas v%d.4s, v%d.4s" % (16 + i, 16 + i))
    E("\t// Rows 0,1 -> V16.8H, rows 2,3 -> V18.8H; then zp and the clamp on int16.")
    for v in (16, 18):
        I("sqxtn v%d.4h, v%d.4s" % (v, v))
        I("sqxtn2 v%d.8h, v%d.4s" % (v, v + 1))
        I("sqadd v%d.8h, v%d.8h, v28.8h" % (v, v))
        I("smax v%d.8h, v%d.8h, v29.8h" % (v, v))
        I("smin v%d.8h, v%d.8h, v30.8h" % (v, v))
        I("xtn v%d.8b, v%d.8h" % (v, v))
    I("mov x20, x8")
    I("cmp x2, #4")
    I("b.lt partial")
    for i in range(4):
        I("st1 {v%d.s}[%d], [x20], x9" % (16 + 2 * (i // 2), i % 2))
    E("stored:")
    I("add x8, x8, #4")
    I("subs x7, x7, #1")
    I("b.ne panel")
    E("done:")
    I("ret")
    E("partial:")
    E("\t// m < 4: store rows 0..m-1 only.")
    I("str s16, [x20]")
    for i in range(1, 4):
        I("cmp x2, #%d" % i)
        I("b.le stored")
        I("add x20, x20, x9")
        I("st1 {v%d.s}[%d], [x20]" % (16 + 2 * (i // 2), i % 2))
    I("b stored")
    return o


def generate():
    return "pwconv_q8_arm64.s", wide() + [""] + dot()

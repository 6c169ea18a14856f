"""pwconv_q8_neon (widening SMULL/SMULL2/SADALP, 4x4) and pwconv_q8_dotprod (SDOT, 8x8)."""

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
// Registers:
//	R0 a  R1 lda  R2 m  R3 kblocks  R4 atail  R5 tail  R6 b cursor
//	R7 panels left  R8 c cursor  R9 ldc  R10 bias cursor  R11 biasStep
//	R12 scale cursor  R13-R17, R19-R21 row pointers a0..a7  R22 k counter
//	R23 tail pending  R24 rs cursor / temp  R25 temp
//	V0-V15 accumulators (row i: V2i cols 0-3, V2i+1 cols 4-7)
//	V16-V23 a0..a7   V24-V31 weights; in the epilogue V16-V20 hold scale,
//	zp, lo, hi. Go reserves R18, R26-R30.'''

WIDE_DOC = '''
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
// Registers:
//	R0 a  R1 lda  R2 m  R3 kblocks  R4 atail  R5 tail  R6 b cursor
//	R7 panels left  R8 c cursor  R9 ldc  R10 bias cursor  R11 biasStep
//	R12 scale cursor  R13-R16 row pointers a0..a3  R17 k counter
//	R19 tail pending  R20-R25 temps
//	V0-V15 partial sums (row i, column j: V4i+j)  V16-V19 a0..a3
//	V20-V23 weights  V24-V27 products  V28-V30 zp, lo, hi  V31 rs[0..3];
//	in the epilogue V20, V21 hold bias, scale. Go reserves R18, R26-R30.'''

SIG = "(a *int8, lda, m, kblocks int, atail *int8, tail int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32)"
# offsets: a0 lda8 m16 kblocks24 atail32 tail40 b48 npanels56 c64 ldc72 bias80 biasStep88 rs96 scale104 zp112 lo116 hi120 -> 124
ARGS = "$0-124"


def prologue(E, name):
    E("// func %s%s" % (name, SIG))
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, ARGS))
    for i, a in enumerate(["a", "lda", "m", "kblocks", "atail", "tail", "b", "npanels", "c", "ldc", "bias", "biasStep"]):
        E("\tMOVD\t%s+%d(FP), R%d" % (a, 8 * i, i))
    E("\tMOVD\tscale+104(FP), R12")
    E("\tCBZ\tR7, done")


def row_ptrs(E, regs, base):
    E("\tMOVD\t%s, %s" % (base, regs[0]))
    for i in range(1, len(regs)):
        E("\tADD\tR1, %s, %s" % (regs[i - 1], regs[i]))
        E("\tCMP\t$%d, R2" % i)
        E("\tCSEL\tLE, %s, %s, %s" % (regs[i - 1], regs[i], regs[i]))


def requant(W, v, sc, zp, lo, hi):
    W("scvtf v%d.4s, v%d.4s" % (v, v))
    W("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc))
    W("fcvtas v%d.4s, v%d.4s" % (v, v))
    W("add v%d.4s, v%d.4s, v%d.4s" % (v, v, zp))
    W("smax v%d.4s, v%d.4s, v%d.4s" % (v, v, lo))
    W("smin v%d.4s, v%d.4s, v%d.4s" % (v, v, hi))


def dot():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(DOT_DOC.rstrip())
    prologue(E, "pwQ8DotTile")
    rows = ["R13", "R14", "R15", "R16", "R17", "R19", "R20", "R21"]
    E("panel:")
    E("\t// acc = bias - rs[i]")
    E("\tVLD1\t(R10), [V16.S4, V17.S4]")
    E("\tMOVD\trs+96(FP), R24")
    for i in range(8):
        E("\tMOVW.P\t4(R24), R25")
        E("\tVDUP\tR25, V18.S4")
        W("sub v%d.4s, v16.4s, v18.4s" % (2 * i))
        W("sub v%d.4s, v17.4s, v18.4s" % (2 * i + 1))
    E("\tADD\tR11, R10, R10")
    row_ptrs(E, rows, "R0")
    E("\tMOVD\tR5, R23")
    E("\tMOVD\tR3, R22")
    E("\tCBZ\tR22, ktail")
    E("k16:")
    for i in range(8):
        E("\tVLD1.P\t16(%s), [V%d.B16]" % (rows[i], 16 + i))
    E("\tVLD1.P\t64(R6), [V24.B16, V25.B16, V26.B16, V27.B16]")
    E("\tVLD1.P\t64(R6), [V28.B16, V29.B16, V30.B16, V31.B16]")
    for g in range(4):
        for i in range(8):
            for h in range(2):
                W("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (2 * i + h, 24 + 2 * g + h, 16 + i, g))
    E("\tSUBS\t$1, R22, R22")
    E("\tBNE\tk16")
    E("ktail:")
    E("\tCBZ\tR23, epilogue")
    E("\tMOVD\tZR, R23")
    E("\tMOVD\tR4, R13")
    for i in range(1, 8):
        E("\tADD\t$16, %s, %s" % (rows[i - 1], rows[i]))
    E("\tMOVD\t$1, R22")
    E("\tJMP\tk16")
    E("epilogue:")
    E("\tVLD1.P\t32(R12), [V16.S4, V17.S4]")
    E("\tMOVW\tzp+112(FP), R24")
    E("\tVDUP\tR24, V18.S4")
    E("\tMOVW\tlo+116(FP), R24")
    E("\tVDUP\tR24, V19.S4")
    E("\tMOVW\thi+120(FP), R24")
    E("\tVDUP\tR24, V20.S4")
    for i in range(8):
        for h in range(2):
            requant(W, 2 * i + h, 16 + h, 18, 19, 20)
    for i in range(8):
        W("xtn v%d.4h, v%d.4s" % (2 * i, 2 * i))
        W("xtn2 v%d.8h, v%d.4s" % (2 * i, 2 * i + 1))
        W("xtn v%d.8b, v%d.8h" % (2 * i, 2 * i))
    E("\tMOVD\tR8, R24")
    E("\tFMOVD\tF0, (R24)")
    for i in range(1, 8):
        E("\tCMP\t$%d, R2" % i)
        E("\tBLE\tstored")
        E("\tADD\tR9, R24, R24")
        E("\tFMOVD\tF%d, (R24)" % (2 * i))
    E("stored:")
    E("\tADD\t$8, R8, R8")
    E("\tSUBS\t$1, R7, R7")
    E("\tBNE\tpanel")
    E("done:")
    E("\tRET")
    return o


def wide_block(E, W, rows, first):
    """One 16-k block: loads, then SMULL/SMULL2 and two SADALP per (row,
    column) pair; the first block of a panel writes the partial sums with
    SADDLP instead of accumulating into zeroed registers."""
    for i in range(4):
        E("\tVLD1.P\t16(%s), [V%d.B16]" % (rows[i], 16 + i))
    E("\tVLD1.P\t64(R6), [V20.B16, V21.B16, V22.B16, V23.B16]")
    for i in range(4):
        for j in range(4):
            t = 24 + (2 * (4 * i + j)) % 4
            W("smull v%d.8h, v%d.8b, v%d.8b" % (t, 16 + i, 20 + j))
            W("smull2 v%d.8h, v%d.16b, v%d.16b" % (t + 1, 16 + i, 20 + j))
            W("%s v%d.4s, v%d.8h" % ("saddlp" if first else "sadalp", 4 * i + j, t))
            W("sadalp v%d.4s, v%d.8h" % (4 * i + j, t + 1))


def wide_atail(E, rows):
    E("\tMOVD\tZR, R19")
    E("\tMOVD\tR4, R13")
    for i in range(1, 4):
        E("\tADD\t$16, %s, %s" % (rows[i - 1], rows[i]))
    E("\tMOVD\t$1, R17")


def wide():
    o = []
    W = lambda x: o.append(("W", x))  # noqa: E731
    E = o.append
    E(WIDE_DOC.rstrip())
    prologue(E, "pwQ8WideTile")
    rows = ["R13", "R14", "R15", "R16"]
    E("\t// Per call: zp, lo, hi in V28-V30 (int16x8), rs[0..3] in V31.")
    E("\tMOVW\tzp+112(FP), R21")
    E("\tVDUP\tR21, V28.H8")
    E("\tMOVW\tlo+116(FP), R21")
    E("\tVDUP\tR21, V29.H8")
    E("\tMOVW\thi+120(FP), R21")
    E("\tVDUP\tR21, V30.H8")
    E("\tMOVD\trs+96(FP), R20")
    E("\tVLD1\t(R20), [V31.S4]")
    E("panel:")
    row_ptrs(E, rows, "R0")
    E("\tMOVD\tR5, R19")
    E("\tMOVD\tR3, R17")
    E("\tCBNZ\tR17, first")
    E("\t// k < 16: the tail block is the first.")
    wide_atail(E, rows)
    E("first:")
    wide_block(E, W, rows, True)
    E("\tSUBS\t$1, R17, R17")
    E("\tBEQ\tktail")
    E("k16:")
    wide_block(E, W, rows, False)
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tk16")
    E("ktail:")
    E("\tCBZ\tR19, epilogue")
    wide_atail(E, rows)
    E("\tJMP\tk16")
    E("epilogue:")
    E("\t// Row i: V16+i = [sum V4i, sum V4i+1, sum V4i+2, sum V4i+3] + bias - rs[i].")
    for i in range(4):
        E("\tVADDP\tV%d.S4, V%d.S4, V24.S4" % (4 * i + 1, 4 * i))
        E("\tVADDP\tV%d.S4, V%d.S4, V25.S4" % (4 * i + 3, 4 * i + 2))
        E("\tVADDP\tV25.S4, V24.S4, V%d.S4" % (16 + i))
    E("\tVLD1\t(R10), [V20.S4]")
    E("\tADD\tR11, R10, R10")
    E("\tVLD1.P\t16(R12), [V21.S4]")
    for i in range(4):
        W("dup v%d.4s, v31.s[%d]" % (24 + i, i))
        W("add v%d.4s, v%d.4s, v20.4s" % (16 + i, 16 + i))
        W("sub v%d.4s, v%d.4s, v%d.4s" % (16 + i, 16 + i, 24 + i))
    for i in range(4):
        W("scvtf v%d.4s, v%d.4s" % (16 + i, 16 + i))
        W("fmul v%d.4s, v%d.4s, v21.4s" % (16 + i, 16 + i))
        W("fcvtas v%d.4s, v%d.4s" % (16 + i, 16 + i))
    E("\t// Rows 0,1 -> V16.8H, rows 2,3 -> V18.8H; then zp and the clamp on int16.")
    for v in (16, 18):
        W("sqxtn v%d.4h, v%d.4s" % (v, v))
        W("sqxtn2 v%d.8h, v%d.4s" % (v, v + 1))
        W("sqadd v%d.8h, v%d.8h, v28.8h" % (v, v))
        W("smax v%d.8h, v%d.8h, v29.8h" % (v, v))
        W("smin v%d.8h, v%d.8h, v30.8h" % (v, v))
        W("xtn v%d.8b, v%d.8h" % (v, v))
    E("\tMOVD\tR8, R20")
    E("\tCMP\t$4, R2")
    E("\tBLT\tpartial")
    for i in range(4):
        W("st1 {v%d.s}[%d], [x20], x9" % (16 + 2 * (i // 2), i % 2))
    E("stored:")
    E("\tADD\t$4, R8, R8")
    E("\tSUBS\t$1, R7, R7")
    E("\tBNE\tpanel")
    E("done:")
    E("\tRET")
    E("partial:")
    E("\t// m < 4: store rows 0..m-1 only.")
    E("\tFMOVS\tF16, (R20)")
    for i in range(1, 4):
        E("\tCMP\t$%d, R2" % i)
        E("\tBLE\tstored")
        E("\tADD\tR9, R20, R20")
        W("st1 {v%d.s}[%d], [x20]" % (16 + 2 * (i // 2), i % 2))
    E("\tJMP\tstored")
    return o


def generate():
    return "pwconv_q8_arm64.s", wide() + [""] + dot()

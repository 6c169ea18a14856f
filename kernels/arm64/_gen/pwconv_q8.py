"""pwconv_q8: pwconv_q8_neon (widening, 4x4 tiles: SMULL/SMULL2/SADALP, or
SMULL/SMLAL2/SADALP for narrow weights) and pwconv_q8_dotprod (SDOT, 8x8
tiles). Each has a pack function (one row tile: copies the rows into a
k-blocked buffer and sums them for the weight zero point) and tile functions
(all full panels of that row tile)."""

import goabi
import inorder

PACK_SIG = [("a", "*int8"), ("lda", "int"), ("m", "int"), ("kblocks", "int"), ("ap", "*int8"),
            ("tail", "int"), ("rsb", "*int32"), ("wzp", "int32")]
TILE_SIG = [("ap", "*int8"), ("kblocks", "int"), ("b", "*int8"), ("npanels", "int"), ("c", "*int8"),
            ("ldc", "int"), ("m", "int"), ("bias", "*int32"), ("biasStep", "int"), ("scale", "*float32"),
            ("rsb", "*int32"), ("rsz", "int"), ("zp", "int32"), ("lo", "int32"), ("hi", "int32")]

PACK_DOC = '''// func %(name)s%(sig)s
//
// %(name)s packs one row tile of the %(kernel)s kernel and sums its rows for
// the weight zero point:
//
//	for kb := 0; kb < kblocks; kb++ {          // 16-k blocks of the rows
//		for i := 0; i < %(mr)d; i++ {             // rows >= m repeat row m-1
//			ap[(kb*%(mr)d+i)*16 : +16] = a[min(i, m-1)*lda + kb*16 : +16]
//		}
//	}
//	for i := 0; i < %(mr)d; i++ {                 // over kblocks+tail blocks of ap
//		rsb[i*4 : i*4+4] = -wzp * sum(row i of ap)   // broadcast, modulo 2^32
//	}
//
// With tail != 0 one more block, ap[kblocks*%(blk)d:], already holds the
// zero-padded k%%16 remainder of each row (written by the Go caller) and is
// summed too. With wzp = 0 rsb is all zeros and nothing is summed. The rows
// are summed with %(how)s while they are copied.
//
// Registers:
//	R0 a  R1 lda  R2 m  R3 blocks left  R4 ap cursor  R5 tail  R6 rsb
//	R7 wzp, then -wzp  %(rowregs)s row pointers
//	V0-V%(last)d row sums  V16-V%(alast)d rows  %(vtmp)s
//	<free>
'''

TILE_COMMON = '''//
// For panel p < npanels, tile row i < m, panel column j < NR:
//
//	acc := bias[p*NR+j] + rsb[i*4]            // rsb[i*4] = -wzp * sum_k a_i[k]
//	for kk := 0; kk < 16*kblocks; kk++ {
//		acc += int32(a_i[kk]) * int32(w[p*NR+j][kk])
//	}
//	c[i*ldc + p*NR + j] = clamp(roundHalfEven(float32(acc)*scale[p*NR+j]) + zp, lo, hi)
//
// a_i is row i of the tile as the pack function left it in ap (16-k blocks
// of %(pmr)d rows x 16 bytes, of which the kernel reads the first MR); bias
// advances biasStep bytes per panel (0: a zero vector, for a nil bias);
// rsz != 0 says rsb is all zeros (weight zero point 0), and the kernel skips
// it. Requantization is generic.Requantize in NEON:
// SCVTF, FMUL (not fused), FCVTNS (round to nearest, ties to even, as
// generic.RoundHalfEven), then SQXTN to int16 (a value beyond int16 is beyond
// the int8 clamp either way), SQADD zp, SQXTN to int8, SMAX lo, SMIN hi: equal
// to generic.Requantize when lo and hi lie in [-128, 127] and |zp| <= 32640
// (the Go caller checks). Rows >= m
// are computed from the repeated row and not stored; full tiles store each
// row with ST1 lane, post-indexed by ldc.'''

def _row_ptrs(I, regs, base):
    """regs[i] = base + i*lda (R1), repeating the last row for rows >= m (R2)."""
    I("mov %s, %s" % (regs[0], base))
    for i in range(1, len(regs)):
        I("add %s, %s, x1" % (regs[i], regs[i - 1]))
        I("cmp x2, #%d" % i)
        I("csel %s, %s, %s, le" % (regs[i], regs[i - 1], regs[i]))


def pack(name, mr, dot):
    """The pack function of one kernel: MR rows, SDOT or SADDLP/SADALP sums."""
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    rows = ["x%d" % (8 + i) for i in range(mr)]
    blk = 16 * mr
    E(PACK_DOC.strip("\n") % {
        "name": name, "sig": goabi.sig(PACK_SIG), "kernel": "SDOT" if dot else "widening", "mr": mr, "blk": blk,
        "how": "SDOT against a vector of ones" if dot else "SADDLP and SADALP",
        "rowregs": "R8-R%d" % (7 + mr), "last": mr - 1, "alast": 15 + mr,
        "vtmp": "V31 ones" if dot else "V20-V23 pair sums"})
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, goabi.frame(PACK_SIG)))
    goabi.load_args(E, PACK_SIG, {"a": 0, "lda": 1, "m": 2, "kblocks": 3, "ap": 4, "tail": 5, "rsb": 6, "wzp": 7})
    _row_ptrs(I, rows, "x0")
    st = ["st1 {v%d.16b, v%d.16b, v%d.16b, v%d.16b}, [x4], #64" % (16 + q, 17 + q, 18 + q, 19 + q)
          for q in range(0, mr, 4)]

    def loads():
        for i in range(mr):
            I("ld1 {v%d.16b}, [%s], #16" % (16 + i, rows[i]))

    def sums():
        for i in range(mr):
            if dot:
                I("sdot v%d.4s, v%d.16b, v31.16b" % (i, 16 + i))
            else:
                I("saddlp v%d.8h, v%d.16b" % (20 + i, 16 + i))
        if not dot:
            for i in range(mr):
                I("sadalp v%d.4s, v%d.8h" % (i, 20 + i))

    I("cbz x7, nosum")
    for i in range(mr):
        I("eor v%d.16b, v%d.16b, v%d.16b" % (i, i, i))
    if dot:
        I("movi v31.16b, #1")
    I("cbz x3, sumtail")
    E("sumloop:")
    loads()
    for s in st:
        I(s)
    sums()
    I("subs x3, x3, #1")
    I("b.ne sumloop")
    E("sumtail:")
    E("\t// The tail block, written by the Go caller, is summed from ap.")
    I("cbz x5, reduce")
    for q in range(0, mr, 4):
        I("ld1 {v%d.16b, v%d.16b, v%d.16b, v%d.16b}, [x4], #64" % (16 + q, 17 + q, 18 + q, 19 + q))
    sums()
    E("reduce:")
    E("\t// Row sums to V0 (rows 0-3) and V4 (rows 4-7), times -wzp.")
    if mr == 8:
        for a in (0, 2, 4, 6):
            I("addp v%d.4s, v%d.4s, v%d.4s" % (a, a, a + 1))
        I("addp v0.4s, v0.4s, v2.4s")
        I("addp v4.4s, v4.4s, v6.4s")
    else:
        I("addp v0.4s, v0.4s, v1.4s")
        I("addp v2.4s, v2.4s, v3.4s")
        I("addp v0.4s, v0.4s, v2.4s")
    I("neg x7, x7")
    I("dup v30.4s, w7")
    I("mul v0.4s, v0.4s, v30.4s")
    if mr == 8:
        I("mul v4.4s, v4.4s, v30.4s")
    I("b store")
    E("nosum:")
    I("cbz x3, zero")
    E("copy:")
    loads()
    for s in st:
        I(s)
    I("subs x3, x3, #1")
    I("b.ne copy")
    E("zero:")
    I("eor v0.16b, v0.16b, v0.16b")
    if mr == 8:
        I("eor v4.16b, v4.16b, v4.16b")
    E("store:")
    E("\t// rsb[i*4 : i*4+4] = the sum of row i, broadcast.")
    for i in range(mr):
        I("dup v%d.4s, v%d.s[%d]" % (16 + i, 4 * (i // 4), i % 4))
    for q in range(0, mr, 4):
        I("st1 {v%d.4s, v%d.4s, v%d.4s, v%d.4s}, [x6], #64" % (16 + q, 17 + q, 18 + q, 19 + q))
    I("ret")
    return o


DOT_DOC = '''// func %(name)s%(sig)s
//
// %(name)s is the SDOT (ARMv8.2 dot product) int8 pointwise kernel:
// %(mr)dx8 tiles (MR = %(mr)d, NR = 8) of one row tile, every full panel.%(why)s
''' + TILE_COMMON + '''
//
// Algorithm: weights are packed per panel in 4-k groups, 8 columns x 4 bytes
// (32 bytes) per group. Per 16 k the loop loads the %(mr)d row(s) (%(aload)s
// from ap) and the 4 groups of weights (two LD1 into the same 4 registers)
// and issues %(nsdot)d SDOT by element: acc[i][cols] += w_group(g) . a_i.4b[g], at
// the A76's two SDOT per cycle. The loop runs two 16-k blocks per iteration
// (one more first when kblocks is odd). The accumulators start at bias (%(mr2)s
// LD1) or, with rsb, at bias + rsb[i] (%(nadd)d ADD); zp, lo and hi stay in
// registers for the whole call.
//
// With zp = lo = -128 and hi = 127 (every ReLU and ReLU6 output quantized
// over [0, max], as converters and the builder write them) the epilogue
// narrows the int16 values with SQXTUN (clamp to [0, 255]) and flips the
// top bit (minus 128): clamp(r - 128, -128, 127) without SQADD, SMAX and
// SMIN, %(saved)s instructions fewer per panel; other clamps take the
// general path.
//
// Loops:
//	panel:         for each panel of 8 columns: acc = bias (+ rsb)
//	  k32:         for each 32 k: 2 x (%(nload)d loads, %(nsdot)d SDOT by element)
//	  epilogue:    requantize %(nout)d values, store the rows < m
//
// Registers:
//	R0 ap  R1 kblocks  R2 b cursor  R3 panels left  R4 c cursor  R5 ldc
//	R6 m  R7 bias cursor  R8 biasStep  R9 scale cursor  R10 rsb
//	R11 ap cursor  R12 k counter  R13 ap stride (128), store cursor, temp
//	R14 rsz  R15 0 when zp = lo = -128 and hi = 127
//	V0-V%(lastacc)d accumulators (row i: V2i cols 0-3, V2i+1 cols 4-7)
//	V16-V%(lasta)d rows  V24-V27 weights (groups 0-1, then 2-3)  V28 zp (int16x8)
//	V29 lo  V30 hi (int8x16)  V31 0x80 bytes; in the epilogue V16-V17 hold the
//	scales.
//	<free>'''

WIDE_DOC = '''// func %(name)s%(sig)s
//
// %(name)s is the ARMv8.0 int8 pointwise kernel (Cortex-A53/A72, no dot
// product), %(what)s: %(mr)dx4 tiles (MR = %(mr)d, NR = 4) of one row tile, every
// full panel.%(why)s
''' + TILE_COMMON + '''
//
// Algorithm: weights are packed per panel in 16-k blocks, 4 columns x 16
// bytes. Per 16 k the loop loads the %(mr)d row(s) (%(aload)s from ap) and the
// 4 columns (one LD1); every (row, column) pair %(pair)s
// The epilogue reduces each row's 4 partial-sum vectors with ADDP. Per panel
// the first 16-k block writes the partial sums with SADDLP (no zeroing); the
// loop runs two 16-k blocks per iteration (one more first when the count
// left is odd).
//
// Loops:
//	panel:         for each panel of 4 columns
//	  first:       the first 16-k block (SADDLP writes the partial sums)
//	  k32:         for each further 32 k: 2 x (2 loads, %(ops)s)
//	  epilogue:    reduce, add bias (+ rsb), requantize, store the rows < m
//
// Registers:
//	R0 ap  R1 kblocks  R2 b cursor  R3 panels left  R4 c cursor  R5 ldc
//	R6 m  R7 bias cursor  R8 biasStep  R9 scale cursor  R10 rsb
//	R11 ap cursor  R12 k counter  R13 store cursor  R14 rsz  R15 ap stride
//	(64, single-row variant)
//	V0-V%(lastacc)d partial sums (row i, column j: V4i+j)  V16-V%(lasta)d rows
//	V20-V23 weights  V24-V27 products  V28 zp (int16x8)  V29 lo  V30 hi
//	(int8x16); in the epilogue V16-V19 rows, V20-V23 rsb, V24 bias, V25 scale.
//	<free>'''

WIDE_WHAT = {
    False: "exact for every int8 input and weight",
    True: "for narrow weights (every weight in [-127, 127], as PackPointwiseQ8 notes)",
}
WIDE_PAIR = {
    False: '''takes SMULL
// (k 0-7) and SMULL2 (k 8-15) into int16 products and two SADALP into its
// int32x4 partial sums. Each int16 holds one product, so no input (not even
// -128 * -128) can overflow; A72 issues the multiplies on F0 and SADALP on F1,
// 8 MACs per cycle.''',
    True: '''takes SMULL
// (k 0-7) and SMLAL2 (k 8-15) into one int16x8 vector, two products per lane
// (|sum| <= 2*128*127 < 2^15, exact for narrow weights), and one SADALP into
// its int32x4 partial sums: 3 instructions per 16 MACs instead of 4, the
// same multiplies (A72: F0-bound at 8 MACs per cycle) and half the SADALP.''',
}
WIDE_OPS = {False: "SMULL(2) x2, SADALP x2 per pair", True: "SMULL, SMLAL2, SADALP per pair"}
WHY = {8: "", 4: " The Go caller uses it for row tiles of 2 to 4 rows.", 1: " The Go caller uses it for a single row."}


def tile_prologue(E, I, name, doc, relu=False):
    E(doc.strip("\n"))
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, goabi.frame(TILE_SIG)))
    goabi.load_args(E, TILE_SIG, {"ap": 0, "kblocks": 1, "b": 2, "npanels": 3, "c": 4, "ldc": 5, "m": 6,
                                  "bias": 7, "biasStep": 8, "scale": 9, "rsb": 10, "rsz": 14})
    E("\t// Per call: zp (int16x8), lo and hi (int8x16) in V28-V30.")
    regs = (12, 15, 13) if relu else (13, 13, 13)
    for (nm, v, arr), r in zip((("zp", 28, "8h"), ("lo", 29, "16b"), ("hi", 30, "16b")), regs):
        goabi.load_arg(E, TILE_SIG, nm, r)
        I("dup v%d.%s, w%d" % (v, arr, r))
    if relu:
        E("\t// R15 = 0 when zp = lo = -128 and hi = 127 (ReLU and ReLU6 outputs")
        E("\t// quantized over [0, max]): the epilogue's unsigned path. V31 = 0x80 bytes.")
        I("add x12, x12, #128")
        I("add x15, x15, #128")
        I("sub x13, x13, #127")
        I("orr x15, x15, x12")
        I("orr x15, x15, x13")
        I("movi v31.16b, #0x80")
    I("cbz x3, done")


def requant(I, vs, sc):
    """SCVTF, FMUL by the scale vector sc(v), FCVTNS for each int32 vector."""
    for v in vs:
        I("scvtf v%d.4s, v%d.4s" % (v, v))
    for v in vs:
        I("fmul v%d.4s, v%d.4s, v%d.4s" % (v, v, sc(v)))
    for v in vs:
        I("fcvtns v%d.4s, v%d.4s" % (v, v))


def narrow(I, pairs, quads, single=None, zp=()):
    """int32 -> int16 (SQXTN, SQXTN2) for pairs (lo, hi) into lo, SQADD zp
    (to them and to the int16 vectors zp lists); int16 -> int8 for quads
    (a, b) into a (SQXTN, SQXTN2), or for the single vector a (SQXTN to 8
    bytes), then SMAX lo, SMIN hi."""
    for a, b in pairs:
        I("sqxtn v%d.4h, v%d.4s" % (a, a))
        I("sqxtn2 v%d.8h, v%d.4s" % (a, b))
    for a in [a for a, _ in pairs] + list(zp):
        I("sqadd v%d.8h, v%d.8h, v28.8h" % (a, a))
    if single is not None:
        I("sqxtn v%d.8b, v%d.8h" % (single, single))
        I("smax v%d.8b, v%d.8b, v29.8b" % (single, single))
        I("smin v%d.8b, v%d.8b, v30.8b" % (single, single))
        return
    for a, b in quads:
        I("sqxtn v%d.8b, v%d.8h" % (a, a))
        I("sqxtn2 v%d.16b, v%d.8h" % (a, b))
    for a, _ in quads:
        I("smax v%d.16b, v%d.16b, v29.16b" % (a, a))
    for a, _ in quads:
        I("smin v%d.16b, v%d.16b, v30.16b" % (a, a))


def stores(E, I, mr, nr, lane, row, general=None):
    """Stores the rows < m: row(i) is the (register, lane) of row i.
    general, if given, emits the requantization's general path after the
    function's last instruction, jumping back to the stores."""
    if general is not None:
        E("store:")
    I("mov x13, x4")
    if mr > 1:
        I("cmp x6, #%d" % mr)
        I("b.lt partial")
    for i in range(mr):
        v, ln = row(i)
        I("st1 {v%d.%s}[%d], [x13], x5" % (v, lane, ln))
    E("stored:")
    I("add x4, x4, #%d" % nr)
    I("subs x3, x3, #1")
    I("b.ne panel")
    E("done:")
    I("ret")
    if mr > 1:
        E("partial:")
        E("\t// m < %d: store rows 0..m-1 only." % mr)
        for i in range(mr - 1):
            v, ln = row(i)
            I("st1 {v%d.%s}[%d], [x13], x5" % (v, lane, ln))
            I("cmp x6, #%d" % (i + 1))
            I("b.le stored")
        I("b stored")
    if general is not None:
        E("general:")
        general()
        I("b store")


def kloop(E, I, block):
    """The k loop from the panel's current block: two blocks per iteration,
    one more first when the count (R12) is odd."""
    I("tbz x12, #0, k32")
    block()
    I("subs x12, x12, #1")
    I("b.eq epilogue")
    E("k32:")
    block()
    block()
    I("subs x12, x12, #2")
    I("b.ne k32")


def dot_tile(mr):
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731
    E = o.append
    name = "pwQ8DotTile" + ("" if mr == 8 else str(mr))
    aload = {8: "two LD1 of 64 bytes", 4: "one LD1 of 64 bytes", 1: "one LD1 of 16 bytes"}[mr]
    nload = {8: 4, 4: 3, 1: 3}[mr]
    tile_prologue(E, I, name, DOT_DOC % {
        "name": name, "sig": goabi.sig(TILE_SIG), "mr": mr, "pmr": 8, "aload": aload,
        "why": WHY[mr] + ("" if mr > 1 else "\n// Its k loop alternates two accumulator pairs (V0-V1, then V2-V3, added at\n"
                                            "// the end), so that an SDOT does not wait for the previous one's result."),
        "nsdot": 8 * mr, "nload": nload, "mr2": {8: "eight", 4: "four", 1: "one"}[mr], "nadd": 2 * mr,
        "nout": 8 * mr, "lastacc": 2 * mr - 1, "lasta": 15 + mr,
        "saved": {8: "eleven", 4: "five", 1: "one"}[mr]}, relu=True)
    E("panel:")
    I("cbz x14, withrs")
    E("\t// acc = bias")
    for i in range(mr):
        I("ld1 {v%d.4s, v%d.4s}, [x7]" % (2 * i, 2 * i + 1))
    I("b kstart")
    E("withrs:")
    E("\t// acc = bias + rsb[i]")
    I("ld1 {v24.4s, v25.4s}, [x7]")
    if mr == 8:
        I("mov x13, x10")
        I("ld1 {v16.4s, v17.4s, v18.4s, v19.4s}, [x13], #64")
        I("ld1 {v20.4s, v21.4s, v22.4s, v23.4s}, [x13]")
    elif mr == 4:
        I("ld1 {v16.4s, v17.4s, v18.4s, v19.4s}, [x10]")
    else:
        I("ld1 {v16.4s}, [x10]")
    for i in range(mr):
        for h in range(2):
            I("add v%d.4s, v%d.4s, v%d.4s" % (2 * i + h, 16 + i, 24 + h))
    E("kstart:")
    I("add x7, x7, x8")
    I("mov x11, x0")
    I("mov x12, x1")
    I("orr x13, xzr, #128")
    if mr == 1:
        I("movi v2.16b, #0")
        I("movi v3.16b, #0")
    calls = [0]

    def block():
        # A single row: the second block of each k32 iteration (the third
        # call: odd block, then two per iteration) goes to V2-V3.
        acc = 2 if mr == 1 and calls[0] == 2 else 0
        calls[0] += 1
        if mr == 8:
            I("ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x11], #64")
            I("ld1 {v20.16b, v21.16b, v22.16b, v23.16b}, [x11], #64")
        elif mr == 4:
            I("ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x11], x13")
        else:
            I("ld1 {v16.16b}, [x11], x13")
        for half in range(2):
            I("ld1 {v24.16b, v25.16b, v26.16b, v27.16b}, [x2], #64")
            for g in (2 * half, 2 * half + 1):
                for i in range(mr):
                    for h in range(2):
                        I("sdot v%d.4s, v%d.16b, v%d.4b[%d]" % (acc + 2 * i + h, 24 + 2 * (g % 2) + h, 16 + i, g))

    kloop(E, I, block)
    E("epilogue:")
    if mr == 1:
        I("add v0.4s, v0.4s, v2.4s")
        I("add v1.4s, v1.4s, v3.4s")
    I("ld1 {v16.4s, v17.4s}, [x9], #32")
    requant(I, range(2 * mr), lambda v: 16 + v % 2)
    if mr == 1:
        E("\t// The row in V0 (int16x8, then int8x8).")
        pairs, quads = [(0, 1)], []
    else:
        E("\t// Row i in V2i (int16x8), rows 2q, 2q+1 in V4q (int8x16).")
        pairs, quads = [(2 * i, 2 * i + 1) for i in range(mr)], [(4 * q, 4 * q + 2) for q in range(mr // 2)]
    for a, b in pairs:
        I("sqxtn v%d.4h, v%d.4s" % (a, a))
        I("sqxtn2 v%d.8h, v%d.4s" % (a, b))
    I("cbnz x15, general")
    E("\t// zp = lo = -128, hi = 127: clamp(r16 - 128, -128, 127) is")
    E("\t// clamp(r16, 0, 255) - 128, SQXTUN then the top bit flipped.")
    if mr == 1:
        I("sqxtun v0.8b, v0.8h")
        I("eor v0.8b, v0.8b, v31.8b")
    else:
        for a, b in quads:
            I("sqxtun v%d.8b, v%d.8h" % (a, a))
            I("sqxtun2 v%d.16b, v%d.8h" % (a, b))
        for a, _ in quads:
            I("eor v%d.16b, v%d.16b, v31.16b" % (a, a))

    def general():
        E("\t// Any zp, lo, hi: SQADD zp, SQXTN, SMAX lo, SMIN hi.")
        narrow(I, [], quads, single=0 if mr == 1 else None, zp=[a for a, _ in pairs])

    if mr == 1:
        stores(E, I, 1, 8, "d", lambda i: (0, 0), general)
    else:
        stores(E, I, mr, 8, "d", lambda i: (4 * (i // 2), i % 2), general)
    return o


def wide_block(I, mr, first, narrow_w):
    """One 16-k block: 2 loads, then per (row, column) pair the products and
    their SADALP (SADDLP in the panel's first block)."""
    if mr == 4:
        I("ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x11], #64")
    else:
        I("ld1 {v16.16b}, [x11], x15")
    I("ld1 {v20.16b, v21.16b, v22.16b, v23.16b}, [x2], #64")
    acc = "saddlp" if first else "sadalp"
    for i in range(mr):
        for j in range(4):
            p = 4 * i + j
            if narrow_w:
                t = 24 + p % 4
                I("smull v%d.8h, v%d.8b, v%d.8b" % (t, 16 + i, 20 + j))
                I("smlal2 v%d.8h, v%d.16b, v%d.16b" % (t, 16 + i, 20 + j))
                I("%s v%d.4s, v%d.8h" % (acc, p, t))
            else:
                t = 24 + (2 * p) % 4
                I("smull v%d.8h, v%d.8b, v%d.8b" % (t, 16 + i, 20 + j))
                I("smull2 v%d.8h, v%d.16b, v%d.16b" % (t + 1, 16 + i, 20 + j))
                I("%s v%d.4s, v%d.8h" % (acc, p, t))
                I("sadalp v%d.4s, v%d.8h" % (p, t + 1))


def wide_tile(narrow_w, mr):
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731
    E = o.append
    name = "pwQ8WideTile" + ("N" if narrow_w else "") + ("" if mr == 4 else str(mr))
    tile_prologue(E, I, name, WIDE_DOC % {
        "name": name, "sig": goabi.sig(TILE_SIG), "what": WIDE_WHAT[narrow_w], "pair": WIDE_PAIR[narrow_w],
        "ops": WIDE_OPS[narrow_w], "mr": mr, "why": WHY[mr], "pmr": 4,
        "aload": "one LD1 of 64 bytes" if mr == 4 else "one LD1 of 16 bytes",
        "lastacc": 4 * mr - 1, "lasta": 15 + mr})
    E("panel:")
    I("mov x11, x0")
    I("mov x12, x1")
    if mr == 1:
        I("orr x15, xzr, #64")
    wide_block(I, mr, True, narrow_w)
    I("subs x12, x12, #1")
    I("b.eq epilogue")
    kloop(E, I, lambda: wide_block(I, mr, False, narrow_w))
    E("epilogue:")
    E("\t// Row i: V16+i = [sum V4i, sum V4i+1, sum V4i+2, sum V4i+3] + bias (+ rsb[i]).")
    for i in range(mr):
        I("addp v%d.4s, v%d.4s, v%d.4s" % (4 * i, 4 * i, 4 * i + 1))
        I("addp v%d.4s, v%d.4s, v%d.4s" % (4 * i + 2, 4 * i + 2, 4 * i + 3))
    for i in range(mr):
        I("addp v%d.4s, v%d.4s, v%d.4s" % (16 + i, 4 * i, 4 * i + 2))
    I("ld1 {v24.4s}, [x7]")
    I("add x7, x7, x8")
    I("ld1 {v25.4s}, [x9], #16")
    for i in range(mr):
        I("add v%d.4s, v%d.4s, v24.4s" % (16 + i, 16 + i))
    I("cbnz x14, norsb")
    if mr == 4:
        I("ld1 {v20.4s, v21.4s, v22.4s, v23.4s}, [x10]")
    else:
        I("ld1 {v20.4s}, [x10]")
    for i in range(mr):
        I("add v%d.4s, v%d.4s, v%d.4s" % (16 + i, 16 + i, 20 + i))
    E("norsb:")
    requant(I, range(16, 16 + mr), lambda v: 25)
    if mr == 1:
        I("sqxtn v16.4h, v16.4s")
        I("sqadd v16.4h, v16.4h, v28.4h")
        I("sqxtn v16.8b, v16.8h")
        I("smax v16.8b, v16.8b, v29.8b")
        I("smin v16.8b, v16.8b, v30.8b")
        stores(E, I, 1, 4, "s", lambda i: (16, 0))
    else:
        E("\t// Rows 0,1 in V16 (int16x8), rows 2,3 in V18; all four in V16 (int8x16).")
        narrow(I, [(16, 17), (18, 19)], [(16, 18)])
        stores(E, I, 4, 4, "s", lambda i: (16, i))
    return o

def generate():
    out = pack("pwQ8WidePack", 4, False) + [""] + inorder.twin(pack("pwQ8WidePack", 4, False), "pwQ8WidePack")
    for narrow_w in (False, True):
        for mr in (4, 1):
            out += [""] + wide_tile(narrow_w, mr)
        out += [""] + wide_tile_a53(narrow_w)
        name1 = "pwQ8WideTile" + ("N" if narrow_w else "") + "1"
        out += [""] + inorder.twin(wide_tile(narrow_w, 1), name1)
    out += [""] + pack("pwQ8DotPack", 8, True)
    for mr in (8, 4, 1):
        out += [""] + dot_tile(mr)
    return "pwconv_q8_arm64.s", out


WIDE_A53_DOC = '''// func %(name)s%(sig)s
//
// %(name)s is %(base)s scheduled for in-order cores (Cortex-A53, where
// the Go caller selects it): the same instructions and results, in an order
// that keeps an in-order pipeline issuing. LLVM's Cortex-A53 model gives
// every NEON instruction here a 6-cycle latency at one per cycle, so each
// (row, column) pair's chain %(chain)s runs as a software pipeline over
// "steps" of one pair: step s issues %(stepops)s, and the next 16-k block's
// loads sit right after the last use of each register (rows and columns
// one 16-byte LDR each, by offset: in the model a post-indexed load waits
// for every older instruction to complete), so no instruction waits for a
// result in the model.
// The accumulators start with SADDLP on each pair's first product of the
// panel. zp, lo and hi are read in the epilogue (LD1R) instead of held in
// registers: the pipeline needs %(nprod)d product registers.
//
// Loops:
//	panel:         for each panel of 4 columns: loads and the first steps of
//	               block 0, block 0 (SADDLP)
//	  k16:         for each further 16 k but the last: 16 steps
//	  last:        the last block (no loads), then reduce, add bias (+ rsb),
//	               requantize, store the rows < m
//
// Registers:
//	R0 ap  R1 kblocks  R2 b cursor  R3 panels left  R4 c cursor  R5 ldc
//	R6 m  R7 bias cursor  R8 biasStep  R9 scale cursor  R10 rsb
//	R11 ap cursor  R12 k counter  R13 store cursor  R14 rsz
//	R15-R17 the addresses of zp, lo and hi
//	V0-V15 partial sums (row i, column j: V4i+j)  V16-V19 rows  V20-V23
//	weights  V24-V31 products; in the epilogue V16-V19 rows, V20-V23 rsb,
//	V24 bias, V25 scale, V28 zp, V29 lo, V30 hi.
//	<free>'''


def wide_a53_stages(narrow_w):
    """The ops of one (row, column) pair as (step offset, text template with
    {a}, {b}, {p}, {q}, {acc}, {init}), in the order a step emits them: every
    instruction comes 6 or more instructions after what it reads (one NEON
    instruction per cycle, 6 cycles of latency in LLVM's model)."""
    if narrow_w:
        # step s: SADALP of pair s-5, SMULL of pair s, SMLAL2 of pair s-2
        return [
            (5, "{init} v{acc}.4s, v{p}.8h"),
            (0, "smull v{p}.8h, v{a}.8b, v{b}.8b"),
            (2, "smlal2 v{p}.8h, v{a}.16b, v{b}.16b"),
        ]
    # step s: SADALP (first product) of pair s-2, SMULL2 of pair s-2, SMULL of
    # pair s, SADALP (second product) of pair s-4
    return [
        (2, "{init} v{acc}.4s, v{p}.8h"),
        (2, "smull2 v{q}.8h, v{a}.16b, v{b}.16b"),
        (0, "smull v{p}.8h, v{a}.8b, v{b}.8b"),
        (4, "sadalp v{acc}.4s, v{q}.8h"),
    ]


def wide_tile_a53(narrow_w):
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731
    E = o.append
    base = "pwQ8WideTile" + ("N" if narrow_w else "")
    name = base + "A53"
    stages = wide_a53_stages(narrow_w)
    S0 = max(off for off, _ in stages)  # the steps before block 0's first accumulate
    E(WIDE_A53_DOC % {
        "name": name, "sig": goabi.sig(TILE_SIG), "base": base,
        "chain": ("SMULL, SMLAL2, SADALP" if narrow_w else "SMULL and SMULL2, then two SADALP"),
        "stepops": ("SADALP of pair s-5, SMULL of pair s, SMLAL2 of pair s-2 (each 6 or\n// more instructions after what it reads)" if narrow_w else
                    "SADALP (first product) and SMULL2 of pair s-2, SMULL of pair s,\n// SADALP (second product) of pair s-4 (each 6 or more instructions after\n// what it reads)"),
        "nprod": 8,
    })
    E("TEXT ·%s(SB), NOSPLIT, %s" % (name, goabi.frame(TILE_SIG)))
    goabi.load_args(E, TILE_SIG, {"ap": 0, "kblocks": 1, "b": 2, "npanels": 3, "c": 4, "ldc": 5, "m": 6,
                                  "bias": 7, "biasStep": 8, "scale": 9, "rsb": 10, "rsz": 14})
    offs, _ = goabi.offsets(TILE_SIG)
    for nm, reg in (("zp", 15), ("lo", 16), ("hi", 17)):
        E("\tMOVD\t$%s+%d(FP), R%d" % (nm, offs[nm], reg))
    I("cbz x3, done")

    # Product registers of pair g of the block (g >= 16: of the next one),
    # the same for g and g+16 so that the loop body repeats: narrow, V24+g%8
    # (a product lives 6 steps); wide, V24+g%4 and V28+g%4 (3 steps each).
    def prod(g):
        if narrow_w:
            return 24 + g % 8, None
        return 24 + g % 4, 28 + g % 4

    def op(stage_text, blk_first, p, g):
        i, j = p // 4, p % 4
        pr, qr = prod(g)
        init = "saddlp" if blk_first else "sadalp"
        return stage_text.format(a=16 + i, b=20 + j, p=pr, q=qr, acc=p, init=init)

    def loads_at(t):
        """The next block's loads placed before step t's ops (t relative to
        the block, in [S0, S0+16))."""
        out = []
        for i in range(4):  # row i: last read by pair 4i+3's second multiply, 2 steps on
            if t == 4 * i + 3 + 2 + 1:
                out.append("ldr q%d, [x11, #%d]" % (16 + i, 16 * i))
        for j in range(4):  # column j: last read by pair 12+j's second multiply
            if t == 12 + j + 2 + 1:
                out.append("ldr q%d, [x2, #%d]" % (20 + j, 16 * j))
        return out

    last_load = max(t for t in range(S0, S0 + 16) if loads_at(t))

    def emit_steps(lo, hi, first, last, count=False):
        """Steps [lo, hi) relative to block b: stage ops of block b (pairs g in
        [0, 16)) and of block b+1 (g >= 16, unless last); first: block b is
        the panel's first (SADDLP). Unless last, the pointers advance after
        the next block's last load, and with count the loop counter too."""
        for t in range(lo, hi):
            if not last and lo >= S0:
                for ld in loads_at(t):
                    I(ld)
                if t == last_load:
                    I("add x11, x11, #64")
                    I("add x2, x2, #64")
                    if count:
                        I("subs x12, x12, #1")
            for off, text in stages:
                g = t - off
                if g < 0 or (g >= 16 and last):
                    continue
                if lo < S0 and g >= 16:
                    continue
                nxt = g >= 16
                I(op(text, first and not nxt and text.startswith("{init}"), g % 16, g))

    E("panel:")
    I("mov x11, x0")
    I("mov x12, x1")
    for i in range(4):
        I("ldr q%d, [x11, #%d]" % (16 + i, 16 * i))
    for j in range(4):
        I("ldr q%d, [x2, #%d]" % (20 + j, 16 * j))
    I("add x11, x11, #64")
    I("add x2, x2, #64")
    E("\t// Block 0's first steps.")
    emit_steps(0, S0, True, False)
    I("cmp x12, #1")
    I("b.eq single")
    E("\t// Block 0 (SADDLP), the next block's first steps and loads.")
    emit_steps(S0, S0 + 16, True, False)
    I("sub x12, x12, #2")
    I("cbz x12, last")
    E("k16:")
    emit_steps(S0, S0 + 16, False, False, count=True)
    I("b.ne k16")
    E("last:")
    emit_steps(S0, S0 + 16, False, True)
    I("b epilogue")
    E("single:")
    emit_steps(S0, S0 + 16, True, True)
    E("epilogue:")
    E("\t// Row i: V16+i = [sum V4i, sum V4i+1, sum V4i+2, sum V4i+3] + bias (+ rsb[i]).")
    for i in range(4):
        I("addp v%d.4s, v%d.4s, v%d.4s" % (4 * i, 4 * i, 4 * i + 1))
        I("addp v%d.4s, v%d.4s, v%d.4s" % (4 * i + 2, 4 * i + 2, 4 * i + 3))
    for i in range(4):
        I("addp v%d.4s, v%d.4s, v%d.4s" % (16 + i, 4 * i, 4 * i + 2))
    I("ld1 {v24.4s}, [x7]")
    I("add x7, x7, x8")
    I("ld1 {v25.4s}, [x9], #16")
    I("ld1r {v28.8h}, [x15]")
    I("ld1r {v29.16b}, [x16]")
    I("ld1r {v30.16b}, [x17]")
    for i in range(4):
        I("add v%d.4s, v%d.4s, v24.4s" % (16 + i, 16 + i))
    I("cbnz x14, norsb")
    I("ld1 {v20.4s, v21.4s, v22.4s, v23.4s}, [x10]")
    for i in range(4):
        I("add v%d.4s, v%d.4s, v%d.4s" % (16 + i, 16 + i, 20 + i))
    E("norsb:")
    requant(I, range(16, 20), lambda v: 25)
    E("\t// Rows 0,1 in V16 (int16x8), rows 2,3 in V18; all four in V16 (int8x16).")
    narrow(I, [(16, 17), (18, 19)], [(16, 18)])
    stores(E, I, 4, 4, "s", lambda i: (16, i))
    return o

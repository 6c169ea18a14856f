"""pwconv_f32 (pwconv_f32_neon): the 8x8 fp32 GEMM micro-kernel of the pointwise convolution."""

DOC = '''// func pwF32Panel8(a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32)
//
// pwF32Panel8 computes one 8-column panel of a pointwise convolution (GEMM):
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < 8; j++ {
//			acc := bias[j]
//			for kk := 0; kk < k; kk++ {
//				acc += a[i*lda+kk] * b[kk*8+j]
//			}
//			c[i*ldc+j] = min(max(acc, lo), hi)
//		}
//	}
//
// a is row-major activations (pixels x channels), b one packed weight panel
// (k rows of 8 output channels, see PackPointwiseF32), c the output.
//
// Algorithm: 8x8 register tile. Per 4 k steps it loads 4 consecutive inputs
// of each of the 8 rows (V16-V23) and 4 rows of 8 packed weights (V24-V31),
// then issues 64 FMLA-by-element: acc[i][0:4] += b[kk][0:4] * a[i].s[kk].
// That is 16 loads per 64 FMLA (256 MACs), so the loop runs at the FMLA
// throughput of A72 (1/cycle) and A76 (2/cycle). k%4 steps run a 1-step loop
// with scalar loads. Rows beyond m in the last tile repeat row m-1 (loads stay
// in bounds) and are not stored. Accumulators start from the bias; the clamp
// is FMAX/FMIN against broadcast lo/hi.
//
// Loops:
//	tile:          for each tile of 8 rows of a and c
//	  k4:          for each 4 k: 16 loads, 64 FMLA by element
//	  krem, k1:    for each remaining k (k%4): 8 scalar loads, 16 FMLA
//	  epilogue:    clamp, store the rows < m
//
// Registers:
//	R0  a, row 0 of the current tile     R1  lda in bytes
//	R2  rows left (m)                    R3  k
//	R4  b (panel base)                   R5  c, row 0 of the current tile
//	R6  ldc in bytes                     R7  bias (8 floats)
//	R8-R15  row pointers a0..a7          R16 b cursor
//	R17 k loop counter                   R19 store cursor
//	R21 lo bits                          R22 hi bits
//	V0-V15  accumulators (row i: V2i cols 0-3, V2i+1 cols 4-7)
//	V16-V23 a0..a7 (4 k each)            V24-V31 b, 4 k x 8 cols
//	<free>
'''


DOC_A53 = '''// func pwF32Panel8A53(a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32)
//
// pwF32Panel8A53 is pwF32Panel8 scheduled for in-order cores (Cortex-A53,
// where the Go caller selects it): the same FMLA, each accumulator's in the
// same k order, so the same results. LLVM's Cortex-A53 model completes
// instructions in order (a load issued after an FMLA, 10 cycles, waits 6
// cycles; a post-indexed load waits for every older instruction), so the
// k4 loop loads all its operands first, by offset (rows by register offset,
// weights by LDP pairs), then issues the 64 FMLA k step by k step (16 apart
// on each accumulator): one stall per 64 FMLA.
//
// Loops:
//	tile:          for each tile of 8 rows of a and c
//	  k4:          for each 4 k: 8 LDR, 4 LDP, 64 FMLA by element
//	  krem, k1:    for each remaining k (k%4): 8 scalar loads, 16 FMLA
//	  epilogue:    clamp, store the rows < m
//
// Registers: as pwF32Panel8, with R17 the k offset of the rows (bytes) and
// R20 the k4 counter.
//	<free>
'''


def generate():
    return "pwconv_f32_arm64.s", panel(False) + [""] + panel(True)


def panel(a53):
    o = []
    I = lambda s: o.append(("I", s))  # noqa: E731  a machine instruction, GNU syntax
    E = o.append  # Go syntax: comments, labels, argument loads
    name = "pwF32Panel8" + ("A53" if a53 else "")
    E((DOC_A53 if a53 else DOC).rstrip())
    E("TEXT ·%s(SB), NOSPLIT, $0-72" % name)
    E("\tMOVD\ta+0(FP), R0")
    E("\tMOVD\tlda+8(FP), R1")
    I("lsl x1, x1, #2")
    E("\tMOVD\tm+16(FP), R2")
    E("\tMOVD\tk+24(FP), R3")
    E("\tMOVD\tb+32(FP), R4")
    E("\tMOVD\tc+40(FP), R5")
    E("\tMOVD\tldc+48(FP), R6")
    I("lsl x6, x6, #2")
    E("\tMOVD\tbias+56(FP), R7")
    E("\tMOVWU\tlo+64(FP), R21")
    E("\tMOVWU\thi+68(FP), R22")
    I("cmp x2, #0")
    I("b.le done")
    E("tile:")
    E("\t// Row pointers; rows >= m repeat the previous row.")
    I("mov x8, x0")
    for i in range(1, 8):
        I("add x%d, x%d, x1" % (8 + i, 7 + i))
        I("cmp x2, #%d" % i)
        I("csel x%d, x%d, x%d, le" % (8 + i, 7 + i, 8 + i))
    E("\t// Accumulators start from the bias.")
    I("ld1 {v16.4s, v17.4s}, [x7]")
    for i in range(8):
        I("mov v%d.16b, v16.16b" % (2 * i))
        I("mov v%d.16b, v17.16b" % (2 * i + 1))
    I("mov x16, x4")
    if a53:
        k4_a53(E, I)
    else:
        I("lsr x17, x3, #2")
        I("cbz x17, krem")
        E("k4:")
        for i in range(8):
            I("ld1 {v%d.4s}, [x%d], #16" % (16 + i, 8 + i))
        I("ld1 {v24.4s, v25.4s, v26.4s, v27.4s}, [x16], #64")
        I("ld1 {v28.4s, v29.4s, v30.4s, v31.4s}, [x16], #64")
        for kk in range(4):
            for i in range(8):
                for h in range(2):
                    I("fmla v%d.4s, v%d.4s, v%d.s[%d]" % (2 * i + h, 24 + 2 * kk + h, 16 + i, kk))
        I("subs x17, x17, #1")
        I("b.ne k4")
    E("krem:")
    I("ands x17, x3, #3")
    I("b.eq epilogue")
    E("k1:")
    for i in range(8):
        I("ldr s%d, [x%d], #4" % (16 + i, 8 + i))
    I("ld1 {v24.4s, v25.4s}, [x16], #32")
    for i in range(8):
        for h in range(2):
            I("fmla v%d.4s, v%d.4s, v%d.s[0]" % (2 * i + h, 24 + h, 16 + i))
    I("subs x17, x17, #1")
    I("b.ne k1")
    E("epilogue:")
    I("dup v30.4s, w21")
    I("dup v31.4s, w22")
    for r in range(16):
        I("fmax v%d.4s, v%d.4s, v30.4s" % (r, r))
    for r in range(16):
        I("fmin v%d.4s, v%d.4s, v31.4s" % (r, r))
    I("mov x19, x5")
    I("st1 {v0.4s, v1.4s}, [x19]")
    for i in range(1, 8):
        I("cmp x2, #%d" % i)
        I("b.le next")
        I("add x19, x19, x6")
        I("st1 {v%d.4s, v%d.4s}, [x19]" % (2 * i, 2 * i + 1))
    E("next:")
    I("add x0, x0, x1, lsl #3")
    I("add x5, x5, x6, lsl #3")
    I("subs x2, x2, #8")
    I("b.gt tile")
    E("done:")
    I("ret")
    return o


def k4_a53(E, I):
    """The k4 loop of pwF32Panel8A53; it leaves the row pointers R8-R15 past
    the 4k values it read, as pwF32Panel8's loop does.

    LLVM's Cortex-A53 model completes instructions in order: a load (4
    cycles) issued after an FMLA (10 cycles) waits until it would complete
    after it, and a post-indexed load waits for every older instruction. So
    the loads of the 4 k go first, all of them, by offset (k step 0's
    weights, the rows, the other weights: each FMLA finds its inputs loaded),
    one stall per 64 FMLA instead of one per load."""
    I("lsr x20, x3, #2")
    I("cbz x20, krem")
    I("mov x17, xzr")
    E("k4:")
    I("ldp q24, q25, [x16]")
    for i in range(8):
        I("ldr q%d, [x%d, x17]" % (16 + i, 8 + i))
    for kk in range(1, 4):
        I("ldp q%d, q%d, [x16, #%d]" % (24 + 2 * kk, 25 + 2 * kk, 32 * kk))
    I("add x17, x17, #16")
    I("add x16, x16, #128")
    I("subs x20, x20, #1")
    for kk in range(4):
        for i in range(8):
            for h in range(2):
                I("fmla v%d.4s, v%d.4s, v%d.s[%d]" % (2 * i + h, 24 + 2 * kk + h, 16 + i, kk))
    I("b.ne k4")
    E("\t// Rows past the 4k values read, for the k%4 loop.")
    for i in range(8):
        I("add x%d, x%d, x17" % (8 + i, 8 + i))

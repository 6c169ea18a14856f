"""pwconv_f32_neon: the 8x8 fp32 GEMM micro-kernel of the pointwise convolution."""

DOC = '''
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
//	free: R20, R23-R25. Go reserves R18, R26-R30.
'''


def generate():
    o = []
    W = lambda s: o.append(("W", s))  # noqa: E731
    E = o.append
    E(DOC.rstrip())
    E("// func pwF32Panel8(a *float32, lda, m, k int, b, c *float32, ldc int, bias *float32, lo, hi float32)")
    E("TEXT ·pwF32Panel8(SB), NOSPLIT, $0-72")
    E("\tMOVD\ta+0(FP), R0")
    E("\tMOVD\tlda+8(FP), R1")
    E("\tLSL\t$2, R1, R1")
    E("\tMOVD\tm+16(FP), R2")
    E("\tMOVD\tk+24(FP), R3")
    E("\tMOVD\tb+32(FP), R4")
    E("\tMOVD\tc+40(FP), R5")
    E("\tMOVD\tldc+48(FP), R6")
    E("\tLSL\t$2, R6, R6")
    E("\tMOVD\tbias+56(FP), R7")
    E("\tMOVWU\tlo+64(FP), R21")
    E("\tMOVWU\thi+68(FP), R22")
    E("\tCMP\t$0, R2")
    E("\tBLE\tdone")
    E("tile:")
    E("\t// Row pointers; rows >= m repeat the previous row.")
    E("\tMOVD\tR0, R8")
    for i in range(1, 8):
        E("\tADD\tR1, R%d, R%d" % (7 + i, 8 + i))
        E("\tCMP\t$%d, R2" % i)
        E("\tCSEL\tLE, R%d, R%d, R%d" % (7 + i, 8 + i, 8 + i))
    E("\t// Accumulators start from the bias.")
    E("\tVLD1\t(R7), [V16.S4, V17.S4]")
    for i in range(8):
        E("\tVORR\tV16.B16, V16.B16, V%d.B16" % (2 * i))
        E("\tVORR\tV17.B16, V17.B16, V%d.B16" % (2 * i + 1))
    E("\tMOVD\tR4, R16")
    E("\tLSR\t$2, R3, R17")
    E("\tCBZ\tR17, krem")
    E("k4:")
    for i in range(8):
        E("\tVLD1.P\t16(R%d), [V%d.S4]" % (8 + i, 16 + i))
    E("\tVLD1.P\t64(R16), [V24.S4, V25.S4, V26.S4, V27.S4]")
    E("\tVLD1.P\t64(R16), [V28.S4, V29.S4, V30.S4, V31.S4]")
    for kk in range(4):
        for i in range(8):
            for h in range(2):
                W("fmla v%d.4s, v%d.4s, v%d.s[%d]" % (2 * i + h, 24 + 2 * kk + h, 16 + i, kk))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tk4")
    E("krem:")
    E("\tANDS\t$3, R3, R17")
    E("\tBEQ\tepilogue")
    E("k1:")
    for i in range(8):
        E("\tFMOVS.P\t4(R%d), F%d" % (8 + i, 16 + i))
    E("\tVLD1.P\t32(R16), [V24.S4, V25.S4]")
    for i in range(8):
        for h in range(2):
            W("fmla v%d.4s, v%d.4s, v%d.s[0]" % (2 * i + h, 24 + h, 16 + i))
    E("\tSUBS\t$1, R17, R17")
    E("\tBNE\tk1")
    E("epilogue:")
    E("\tVDUP\tR21, V30.S4")
    E("\tVDUP\tR22, V31.S4")
    for r in range(16):
        W("fmax v%d.4s, v%d.4s, v30.4s" % (r, r))
    for r in range(16):
        W("fmin v%d.4s, v%d.4s, v31.4s" % (r, r))
    E("\tMOVD\tR5, R19")
    E("\tVST1\t[V0.S4, V1.S4], (R19)")
    for i in range(1, 8):
        E("\tCMP\t$%d, R2" % i)
        E("\tBLE\tnext")
        E("\tADD\tR6, R19, R19")
        E("\tVST1\t[V%d.S4, V%d.S4], (R19)" % (2 * i, 2 * i + 1))
    E("next:")
    E("\tADD\tR1<<3, R0, R0")
    E("\tADD\tR6<<3, R5, R5")
    E("\tSUBS\t$8, R2, R2")
    E("\tBGT\ttile")
    E("done:")
    E("\tRET")
    return "pwconv_f32_arm64.s", o

package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// genPwconvQ8 writes the int8 pointwise kernels: pwQ8Avx2 (6 rows x 16
// channels, int16 pairs through VPMADDWD), pwQ8Vnni (8 rows x 32 channels,
// VPDPBUSD) and the row-sum helper sumI8Avx2.
func genPwconvQ8(c *build.Context) {
	k := requantConsts(c, 8)
	genSumI8(c)
	genPwQ8Avx2(c, k)
	genPwQ8Vnni(c, k)
}

func genSumI8(c *build.Context) {
	c.Function("sumI8Avx2")
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(p *int8, n int) int32")
	c.Doc("sumI8Avx2 returns the int32 sum of the n int8 values at p; n is a",
		"positive multiple of 32:",
		"",
		"	for i := 0; i < n; i++ {",
		"		s += int32(p[i])",
		"	}",
	)
	c.Comment("Bytes are biased to uint8 (XOR 0x80) and summed with VPSADBW into",
		"four 64-bit lanes (Y0); 128*n is subtracted at the end.",
		"SI = p, CX = bytes left, AX = scratch; Y0-Y3 used.")
	registerNote(c)
	c.MOVQ(arg(c, "p"), reg.RSI)
	c.MOVQ(arg(c, "n"), reg.RCX)
	c.VPXOR(reg.Y0, reg.Y0, reg.Y0)
	c.VPXOR(reg.Y1, reg.Y1, reg.Y1)
	c.MOVL(operand.U32(0x80808080), reg.EAX)
	c.VMOVD(reg.EAX, reg.X2)
	c.VPBROADCASTD(reg.X2, reg.Y2)
	c.Label("loop")
	c.VPXOR(mem(reg.RSI, 0), reg.Y2, reg.Y3)
	c.VPSADBW(reg.Y1, reg.Y3, reg.Y3)
	c.VPADDQ(reg.Y3, reg.Y0, reg.Y0)
	c.ADDQ(operand.U8(32), reg.RSI)
	c.SUBQ(operand.U8(32), reg.RCX)
	c.JNZ(lbl("loop"))
	c.VEXTRACTI128(operand.U8(1), reg.Y0, reg.X3)
	c.VPADDQ(reg.X3, reg.X0, reg.X0)
	c.VPSHUFD(operand.U8(0x4e), reg.X0, reg.X3)
	c.VPADDQ(reg.X3, reg.X0, reg.X0)
	c.VMOVQ(reg.X0, reg.RAX)
	c.MOVQ(arg(c, "n"), reg.RCX)
	c.SHLQ(operand.U8(7), reg.RCX)
	c.SUBQ(reg.RCX, reg.RAX)
	b, _ := c.ReturnIndex(0).Resolve()
	c.MOVL(reg.EAX, b.Addr)
	c.VZEROUPPER()
	c.RET()
}

// q8Layout describes one int8 pointwise kernel.
type q8Layout struct {
	name   string
	mr, nr int // tile
	kstep  int // k values per multiply step: 2 (VPMADDWD) or 4 (VPDPBUSD)
	rows   []reg.Register
	npan   reg.Register
}

// pwQ8Prologue clamps the row pointers and the C row offsets to mr rows
// and moves the row pointers to the ends of their kfull values.
func pwQ8Prologue(c *build.Context, l q8Layout, offs operand.Mem) {
	var X, B, C, T reg.Register = reg.RCX, reg.RBX, reg.RDX, reg.RAX
	c.MOVQ(arg(c, "lda"), X)
	c.MOVQ(arg(c, "mr"), T)
	c.MOVQ(arg(c, "a"), l.rows[0])
	clampedRows(c, l.rows, X, T)
	c.MOVQ(arg(c, "ksteps"), X)
	c.SHLQ(operand.U8(uint64(log2(l.kstep))), X)
	for _, r := range l.rows {
		c.ADDQ(X, r)
	}
	c.MOVQ(arg(c, "ldc"), C)
	c.XORQ(X, X)
	c.MOVQ(X, offs)
	for r := 1; r < l.mr; r++ {
		c.MOVQ(X, B)
		c.ADDQ(C, X)
		c.CMPQ(T, operand.Imm(uint64(r)))
		c.CMOVQLE(B, X)
		c.MOVQ(X, offs.Offset(8*r))
	}
}

// pwQ8KLoop emits the k loop: two steps an iteration while two are left,
// then one, then the optional tail step from atail.
func pwQ8KLoop(c *build.Context, l q8Layout, step func(rowMem func(r int) operand.Mem, d int), bstep int) {
	X, B, T := reg.RCX, reg.RBX, reg.RAX
	c.MOVQ(arg(c, "ksteps"), X)
	c.SHLQ(operand.U8(uint64(log2(l.kstep))), X)
	c.NEGQ(X)
	c.JZ(lbl("ktail"))
	c.CMPQ(X, operand.I32(int32(-2*l.kstep)))
	c.JGT(lbl("k1"))
	c.Label("k2")
	for u := 0; u < 2; u++ {
		d := u * l.kstep
		step(func(r int) operand.Mem { return memx(l.rows[r], X, d) }, u*bstep)
	}
	c.ADDQ(operand.U32(2*bstep), B)
	c.ADDQ(operand.U8(uint64(2*l.kstep)), X)
	c.JZ(lbl("ktail"))
	c.CMPQ(X, operand.I32(int32(-2*l.kstep)))
	c.JLE(lbl("k2"))
	c.Label("k1")
	step(func(r int) operand.Mem { return memx(l.rows[r], X, 0) }, 0)
	c.ADDQ(operand.U32(bstep), B)
	c.Label("ktail")
	c.CMPQ(arg(c, "tail"), operand.U8(0))
	c.JEQ(lbl("store"))
	c.MOVQ(arg(c, "atail"), T)
	step(func(r int) operand.Mem { return mem(T, 4*r) }, 0)
	c.ADDQ(operand.U32(bstep), B)
}

func q8Doc(c *build.Context, name string, mr, nr int, extra ...string) {
	c.Doc(append([]string{
		fmt.Sprintf("%s computes npanels panels of %d output channels for rows", name, nr),
		fmt.Sprintf("[0, mr) of A (mr <= %d, row stride lda bytes), exact in int32:", mr),
		"",
		"	for p := 0; p < npanels; p++ {",
		"		for i := 0; i < mr; i++ {",
		fmt.Sprintf("			for j := 0; j < %d; j++ {", nr),
		"				acc := bias[p*biasStep/4+j] - rs[i] // rs[i] = wzp * sum of row i",
		"				for kk := 0; kk < K; kk++ {       // K = the row's length",
		"					acc += int32(a[i][kk]) * int32(w[p*NR+j][kk])",
		"				}",
		fmt.Sprintf("				c[i*ldc+p*%d+j] = generic.Requantize(acc, scale[p*%d+j], zp, lo, hi)", nr, nr),
		"			}",
		"		}",
		"	}",
		"",
	}, extra...)...)
}

func genPwQ8Avx2(c *build.Context, k rqConsts) {
	l := q8Layout{name: "pwQ8Avx2", mr: 6, nr: 16, kstep: 2,
		rows: []reg.Register{reg.RSI, reg.RDI, reg.R8, reg.R9, reg.R10, reg.R11}, npan: reg.R12}
	c.Function(l.name)
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(a *int8, lda, ksteps int, atail *int8, tail, mr int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, rs *int32, scale *float32, zp, lo, hi int32)")
	q8Doc(c, l.name, l.mr, l.nr,
		"The first 2*ksteps values of each row are read from a; when tail is 1,",
		"the rest (zero-padded to 2) from atail+4i. b holds each panel's k pairs",
		"as 16 channels x 2 int8 (PackPointwiseQ8AVX2). rs and atail have 6",
		"rows (rows past mr copy row mr-1). lo and hi lie in [-128, 127].",
	)
	registerNote(c)
	c.Comment(
		"Each k pair: the 16 weight pairs are sign-extended to int16 (VPMOVSXBW),",
		"each row's two inputs broadcast as an int16 pair (VPBROADCASTW, VPMOVSXBW),",
		"and VPMADDWD adds the two products per int32 lane: exact, since no",
		"operand is -32768. Registers: SI, DI, R8-R11 = A rows (clamped to mr,",
		"moved to the ends of their 2*ksteps bytes); CX = offset, -2*ksteps up",
		"to 0; BX = packed panel; DX = C; AX = scratch; R12 = panels left;",
		"R13 = scratch. Y0-Y11 accumulate 6 rows x 2 x 8 channels; Y12, Y13 the",
		"weights; Y14 the broadcast pair; Y15 the products.",
	)
	var B, C, T, U reg.Register = reg.RBX, reg.RDX, reg.RAX, reg.R13
	acc := func(r, j int) reg.VecPhysical { return ymms[2*r+j] }
	offs := c.AllocLocal(8 * l.mr)
	vecs := c.AllocLocal(3 * 32)
	ptrs := c.AllocLocal(16) // bias, scale
	q := rqAVX2{k: k, zp: vecs, lo: vecs.Offset(32), hi: vecs.Offset(64)}

	pwQ8Prologue(c, l, offs)
	for i, name := range []string{"zp", "lo", "hi"} {
		c.MOVL(arg(c, name), reg.EAX)
		c.VMOVD(reg.EAX, reg.X0)
		c.VPBROADCASTD(reg.X0, reg.Y0)
		c.VMOVDQU(reg.Y0, vecs.Offset(32*i))
	}
	c.MOVQ(arg(c, "bias"), T)
	c.MOVQ(T, ptrs)
	c.MOVQ(arg(c, "scale"), T)
	c.MOVQ(T, ptrs.Offset(8))
	c.MOVQ(arg(c, "b"), B)
	c.MOVQ(arg(c, "c"), C)
	c.MOVQ(arg(c, "npanels"), l.npan)

	c.Label("panel")
	for i := 0; i < 12; i++ {
		c.VPXOR(ymms[i], ymms[i], ymms[i])
	}
	step := func(rowMem func(r int) operand.Mem, d int) {
		c.VPMOVSXBW(mem(B, d), reg.Y12)
		c.VPMOVSXBW(mem(B, d+16), reg.Y13)
		for r := 0; r < l.mr; r++ {
			c.VPBROADCASTW(rowMem(r), reg.X14)
			c.VPMOVSXBW(reg.X14, reg.Y14)
			c.VPMADDWD(reg.Y12, reg.Y14, reg.Y15)
			c.VPADDD(reg.Y15, acc(r, 0), acc(r, 0))
			c.VPMADDWD(reg.Y13, reg.Y14, reg.Y15)
			c.VPADDD(reg.Y15, acc(r, 1), acc(r, 1))
		}
	}
	pwQ8KLoop(c, l, step, 32)

	c.Label("store")
	c.MOVQ(ptrs, T)
	c.VMOVDQU(mem(T, 0), reg.Y12)
	c.VMOVDQU(mem(T, 32), reg.Y13)
	c.ADDQ(arg(c, "biasStep"), T)
	c.MOVQ(T, ptrs)
	c.MOVQ(arg(c, "rs"), U)
	for r := 0; r < l.mr; r++ {
		c.VPBROADCASTD(mem(U, 4*r), reg.Y14)
		for j, b := range []reg.VecPhysical{reg.Y12, reg.Y13} {
			c.VPADDD(b, acc(r, j), acc(r, j))
			c.VPSUBD(reg.Y14, acc(r, j), acc(r, j))
		}
	}
	c.MOVQ(ptrs.Offset(8), T)
	c.VMOVUPS(mem(T, 0), reg.Y12)
	c.VMOVUPS(mem(T, 32), reg.Y13)
	c.ADDQ(operand.U8(64), T)
	c.MOVQ(T, ptrs.Offset(8))
	for r := 0; r < l.mr; r++ {
		requantAVX2(c, q, acc(r, 0), reg.Y14, reg.Y12)
		c.VMOVDQU(reg.Y14, acc(r, 0))
		requantAVX2(c, q, acc(r, 1), reg.Y14, reg.Y13)
		// Pack 2x8 int32 to 16 int8 in channel order.
		c.VPACKSSDW(reg.Y14, acc(r, 0), reg.Y15)
		c.VPERMQ(operand.U8(0xd8), reg.Y15, reg.Y15)
		c.VEXTRACTI128(operand.U8(1), reg.Y15, reg.X14)
		c.VPACKSSWB(reg.X14, reg.X15, reg.X15)
		c.MOVQ(offs.Offset(8*r), T)
		c.VMOVDQU(reg.X15, memx(C, T, 0))
	}
	c.ADDQ(operand.U8(16), C)
	c.DECQ(l.npan)
	c.JNZ(lbl("panel"))
	c.VZEROUPPER()
	c.RET()
}

func genPwQ8Vnni(c *build.Context, k rqConsts) {
	l := q8Layout{name: "pwQ8Vnni", mr: 8, nr: 32, kstep: 4,
		rows: []reg.Register{reg.RSI, reg.RDI, reg.R8, reg.R9, reg.R10, reg.R11, reg.R12, reg.R13}, npan: reg.R14}
	c.Function(l.name)
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(a *int8, lda, ksteps int, atail *int8, tail, mr int, b *int8, npanels int, c *int8, ldc int, bias *int32, biasStep int, cs *int32, rs *int32, scale *float32, zp, lo, hi int32)")
	q8Doc(c, l.name, l.mr, l.nr,
		"The first 4*ksteps values of each row are read from a; when tail is 1,",
		"the rest (zero-padded to 4) from atail+4i. b holds each panel's k",
		"groups as 32 channels x 4 int8 (PackPointwiseQ8VNNI); cs[j] = 128 *",
		"sum_k w[j][k], advancing 32 per panel. rs and atail have 8 rows (rows",
		"past mr copy row mr-1). lo and hi lie in [-128, 127].",
	)
	c.Comment(
		"VPDPBUSD multiplies unsigned by signed bytes, so the inputs are biased",
		"to uint8 (XOR 0x80 = x+128) after the broadcast and the kernel sums",
		"(x+128)*w; cs removes the 128*sum_k w[j][k] again. All exact mod 2^32.",
		"Registers: SI, DI, R8-R13 = A rows (clamped to mr, moved to the ends of",
		"their 4*ksteps bytes); CX = offset, -4*ksteps up to 0; BX = packed",
		"panel; DX = C; AX = scratch; R14 = panels left. Z0-Z15 accumulate 8 rows",
		"x 2 x 16 channels; Z16, Z17 weights, later bias; Z18 the broadcast",
		"inputs; Z19 = 0x80 bytes; Z20-Z24 requantization constants; Z28 the",
		"requantized vector; Z30, Z31 scales.",
	)
	registerNote(c)
	var B, C, T reg.Register = reg.RBX, reg.RDX, reg.RAX
	acc := func(r, j int) reg.VecPhysical { return zmms[2*r+j] }
	offs := c.AllocLocal(8 * l.mr)
	ptrs := c.AllocLocal(24) // bias, cs, scale
	q := rqAVX512{big: reg.Z20, mbig: reg.Z21, zp: reg.Z22, lo: reg.Z23, hi: reg.Z24}

	pwQ8Prologue(c, l, offs)
	loadRequantAVX512(c, k, q)
	c.MOVL(operand.U32(0x80808080), reg.EAX)
	c.VPBROADCASTD(reg.EAX, reg.Z19)
	for i, name := range []string{"bias", "cs", "scale"} {
		c.MOVQ(arg(c, name), T)
		c.MOVQ(T, ptrs.Offset(8*i))
	}
	c.MOVQ(arg(c, "b"), B)
	c.MOVQ(arg(c, "c"), C)
	c.MOVQ(arg(c, "npanels"), l.npan)

	c.Label("panel")
	for i := 0; i < 16; i++ {
		c.VPXORD(zmms[i], zmms[i], zmms[i])
	}
	step := func(rowMem func(r int) operand.Mem, d int) {
		c.VMOVDQU32(mem(B, d), reg.Z16)
		c.VMOVDQU32(mem(B, d+64), reg.Z17)
		for r := 0; r < l.mr; r++ {
			c.VPBROADCASTD(rowMem(r), reg.Z18)
			c.VPXORD(reg.Z19, reg.Z18, reg.Z18)
			c.VPDPBUSD(reg.Z16, reg.Z18, acc(r, 0))
			c.VPDPBUSD(reg.Z17, reg.Z18, acc(r, 1))
		}
	}
	pwQ8KLoop(c, l, step, 128)

	c.Label("store")
	c.MOVQ(ptrs, T)
	c.VMOVDQU32(mem(T, 0), reg.Z16)
	c.VMOVDQU32(mem(T, 64), reg.Z17)
	c.ADDQ(arg(c, "biasStep"), T)
	c.MOVQ(T, ptrs)
	c.MOVQ(ptrs.Offset(8), T)
	c.VPSUBD(mem(T, 0), reg.Z16, reg.Z16)
	c.VPSUBD(mem(T, 64), reg.Z17, reg.Z17)
	c.ADDQ(operand.U32(128), T)
	c.MOVQ(T, ptrs.Offset(8))
	c.MOVQ(arg(c, "rs"), T)
	for r := 0; r < l.mr; r++ {
		c.VPBROADCASTD(mem(T, 4*r), reg.Z18)
		for j, b := range []reg.VecPhysical{reg.Z16, reg.Z17} {
			c.VPADDD(b, acc(r, j), acc(r, j))
			c.VPSUBD(reg.Z18, acc(r, j), acc(r, j))
		}
	}
	c.MOVQ(ptrs.Offset(16), T)
	c.VMOVUPS(mem(T, 0), reg.Z30)
	c.VMOVUPS(mem(T, 64), reg.Z31)
	c.ADDQ(operand.U32(128), T)
	c.MOVQ(T, ptrs.Offset(16))
	for r := 0; r < l.mr; r++ {
		c.MOVQ(offs.Offset(8*r), T)
		for j, s := range []reg.VecPhysical{reg.Z30, reg.Z31} {
			requantAVX512(c, q, acc(r, j), reg.Z28, s)
			c.VPMOVSDB(reg.Z28, memx(C, T, 16*j))
		}
	}
	c.ADDQ(operand.U8(32), C)
	c.DECQ(l.npan)
	c.JNZ(lbl("panel"))
	c.VZEROUPPER()
	c.RET()
}

// log2 returns the base-2 logarithm of a power of two.
func log2(v int) int {
	n := 0
	for v > 1 {
		v >>= 1
		n++
	}
	return n
}

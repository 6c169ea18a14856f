package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// pwF32ISA describes one float32 pointwise micro-kernel: an mr x nr register
// tile of accumulators, nr = 2 vectors of vl floats.
type pwF32ISA struct {
	name    string
	mr, vl  int
	avx512  bool
	rows    []reg.Register // A row pointers
	npan    reg.Register   // panel count, or nil: kept in a local
	biasReg reg.Register   // bias pointer, or nil: kept in a local
}

// genPwconvF32 writes pwF32Avx2 (6x16 tile) and pwF32Avx512 (8x32 tile).
func genPwconvF32(c *build.Context) {
	pwF32(c, pwF32ISA{name: "pwF32Avx2", mr: 6, vl: 8,
		rows: []reg.Register{reg.RSI, reg.RDI, reg.R8, reg.R9, reg.R10, reg.R11},
		npan: reg.R12, biasReg: reg.R13})
	pwF32(c, pwF32ISA{name: "pwF32Avx512", mr: 8, vl: 16, avx512: true,
		rows: []reg.Register{reg.RSI, reg.RDI, reg.R8, reg.R9, reg.R10, reg.R11, reg.R12, reg.R13},
		npan: reg.R14})
}

func pwF32(c *build.Context, s pwF32ISA) {
	nr := 2 * s.vl
	c.Function(s.name)
	c.Attributes(0)
	c.Pragma("noescape")
	c.SignatureExpr("func(a *float32, lda, k, mr int, b *float32, npanels int, c *float32, ldc int, bias *float32, biasStep int, lo, hi float32)")
	c.Doc(
		fmt.Sprintf("%s computes npanels panels of %d output channels for rows", s.name, nr),
		fmt.Sprintf("[0, mr) of A (mr <= %d, row stride lda floats) in one %dx%d register tile:", s.mr, s.mr, nr),
		"",
		"	for p := 0; p < npanels; p++ {",
		"		for i := 0; i < mr; i++ {",
		fmt.Sprintf("			for j := 0; j < %d; j++ {", nr),
		"				acc := float32(0)",
		"				for kk := 0; kk < k; kk++ {",
		fmt.Sprintf("					acc += a[i*lda+kk] * b[p*k*%d+kk*%d+j] // fused multiply-add", nr, nr),
		"				}",
		fmt.Sprintf("				c[i*ldc+p*%d+j] = min(max(acc+bias[p*biasStep/4+j], lo), hi)", nr),
		"			}",
		"		}",
		"	}",
		"",
		"b holds panels packed k-major (PackPointwiseF32AVX2/AVX512); k >= 1.",
	)
	c.Comment(
		"Registers: "+regList(s.rows)+" = A row pointers (rows past mr repeat",
		"the last real one), advanced to the row ends; CX = byte offset into the rows,",
		"-4k up to 0; BX = packed panel; DX = C; AX = scratch; "+npanName(s)+".",
		fmt.Sprintf("Vector registers 0-%d hold the %dx2 accumulators, the next two the", 2*s.mr-1, s.mr),
		"panel row of the current k, then (AVX2) the broadcast A value.",
		"The k loop runs four steps an iteration, then single steps.",
	)
	registerNote(c)
	vec := ymms
	width := 32
	if s.avx512 {
		vec = zmms
		width = 64
	}
	acc := func(r, j int) reg.VecPhysical { return vec[2*r+j] }
	b0, b1, bc := vec[2*s.mr], vec[2*s.mr+1], vec[2*s.mr+2]
	lo, hi := vec[2*s.mr+2], vec[2*s.mr+3]
	var X, B, C, T reg.Register = reg.RCX, reg.RBX, reg.RDX, reg.RAX

	offs := c.AllocLocal(8 * s.mr) // C row byte offsets, clamped
	var biasLocal operand.Mem
	if s.biasReg == nil {
		biasLocal = c.AllocLocal(8)
	}

	// Row pointers, clamped to mr rows, then moved to the row ends.
	c.MOVQ(arg(c, "lda"), X)
	c.SHLQ(operand.Imm(2), X)
	c.MOVQ(arg(c, "mr"), T)
	c.MOVQ(arg(c, "a"), s.rows[0])
	clampedRows(c, s.rows, X, T)
	c.MOVQ(arg(c, "k"), X)
	c.SHLQ(operand.Imm(2), X)
	for _, r := range s.rows {
		c.ADDQ(X, r)
	}
	// C row offsets, clamped the same way, kept on the stack.
	c.MOVQ(arg(c, "ldc"), C)
	c.SHLQ(operand.Imm(2), C)
	c.XORQ(X, X)
	c.MOVQ(X, offs)
	for r := 1; r < s.mr; r++ {
		c.MOVQ(X, B)
		c.ADDQ(C, X)
		c.CMPQ(T, operand.Imm(uint64(r)))
		c.CMOVQLE(B, X)
		c.MOVQ(X, offs.Offset(8*r))
	}
	c.MOVQ(arg(c, "b"), B)
	c.MOVQ(arg(c, "c"), C)
	c.MOVQ(arg(c, "bias"), T)
	if s.biasReg != nil {
		c.MOVQ(T, s.biasReg)
	} else {
		c.MOVQ(T, biasLocal)
	}
	c.MOVQ(arg(c, "npanels"), s.npan)

	step := func(d int) { // one k step; d = byte offset into the A rows
		c.VMOVUPS(mem(B, d*2*s.vl), b0)
		c.VMOVUPS(mem(B, d*2*s.vl+width), b1)
		for r, a := range s.rows {
			m := memx(a, X, d)
			if s.avx512 {
				c.VFMADD231PS_BCST(m, b0, acc(r, 0))
				c.VFMADD231PS_BCST(m, b1, acc(r, 1))
				continue
			}
			c.VBROADCASTSS(m, bc)
			c.VFMADD231PS(b0, bc, acc(r, 0))
			c.VFMADD231PS(b1, bc, acc(r, 1))
		}
	}

	c.Label("panel")
	for r := 0; r < s.mr; r++ {
		c.VXORPS(acc(r, 0), acc(r, 0), acc(r, 0))
		c.VXORPS(acc(r, 1), acc(r, 1), acc(r, 1))
	}
	c.MOVQ(arg(c, "k"), X)
	c.SHLQ(operand.Imm(2), X)
	c.NEGQ(X)
	c.CMPQ(X, operand.I32(-16)) // fewer than four steps left?
	c.JGT(lbl("ktail"))
	c.Label("k4")
	for u := 0; u < 4; u++ {
		step(4 * u)
	}
	c.ADDQ(operand.U32(4*2*s.vl*4), B)
	c.ADDQ(operand.Imm(16), X)
	c.CMPQ(X, operand.I32(-16))
	c.JLE(lbl("k4"))
	c.Label("ktail")
	c.TESTQ(X, X)
	c.JZ(lbl("store"))
	c.Label("k1")
	step(0)
	c.ADDQ(operand.U32(2*s.vl*4), B)
	c.ADDQ(operand.Imm(4), X)
	c.JNZ(lbl("k1"))

	c.Label("store")
	// Bias (added last, as generic does), clamp, store the tile.
	bias := s.biasReg
	if bias == nil {
		bias = T
		c.MOVQ(biasLocal, T)
	}
	c.VMOVUPS(mem(bias, 0), b0)
	c.VMOVUPS(mem(bias, width), b1)
	c.ADDQ(arg(c, "biasStep"), bias)
	if s.biasReg == nil {
		c.MOVQ(T, biasLocal)
	}
	c.VBROADCASTSS(arg(c, "lo"), lo)
	c.VBROADCASTSS(arg(c, "hi"), hi)
	for r := 0; r < s.mr; r++ {
		c.MOVQ(offs.Offset(8*r), T)
		for j, bj := range []reg.VecPhysical{b0, b1} {
			v := acc(r, j)
			c.VADDPS(bj, v, v)
			c.VMAXPS(v, lo, v) // max(lo, v): a NaN v stays NaN, as in Go
			c.VMINPS(v, hi, v)
			c.VMOVUPS(v, memx(C, T, j*width))
		}
	}
	c.ADDQ(operand.U32(2*width), C)
	c.DECQ(s.npan)
	c.JNZ(lbl("panel"))
	c.VZEROUPPER()
	c.RET()
}

func regList(rs []reg.Register) string {
	s := ""
	for i, r := range rs {
		if i > 0 {
			s += ", "
		}
		s += r.Asm()
	}
	return s
}

func npanName(s pwF32ISA) string {
	n := s.npan.Asm() + " = panels left"
	if s.biasReg != nil {
		return n + "; " + s.biasReg.Asm() + " = bias"
	}
	return n + "; the bias pointer lives on the stack"
}

package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// arg returns the frame address of parameter name of the active function.
func arg(c *build.Context, name string) operand.Mem {
	b, err := c.Param(name).Resolve()
	if err != nil {
		panic(fmt.Sprintf("_asm: parameter %s: %v", name, err))
	}
	return b.Addr
}

// mem is base + disp.
func mem(base reg.Register, disp int) operand.Mem { return operand.Mem{Base: base, Disp: disp} }

// memx is base + index*1 + disp.
func memx(base, index reg.Register, disp int) operand.Mem {
	return operand.Mem{Base: base, Index: index, Scale: 1, Disp: disp}
}

// lbl returns a function-local label reference.
func lbl(name string) operand.LabelRef { return operand.LabelRef(name) }

var ymms = []reg.VecPhysical{reg.Y0, reg.Y1, reg.Y2, reg.Y3, reg.Y4, reg.Y5, reg.Y6, reg.Y7,
	reg.Y8, reg.Y9, reg.Y10, reg.Y11, reg.Y12, reg.Y13, reg.Y14, reg.Y15}

var zmms = []reg.VecPhysical{reg.Z0, reg.Z1, reg.Z2, reg.Z3, reg.Z4, reg.Z5, reg.Z6, reg.Z7,
	reg.Z8, reg.Z9, reg.Z10, reg.Z11, reg.Z12, reg.Z13, reg.Z14, reg.Z15,
	reg.Z16, reg.Z17, reg.Z18, reg.Z19, reg.Z20, reg.Z21, reg.Z22, reg.Z23,
	reg.Z24, reg.Z25, reg.Z26, reg.Z27, reg.Z28, reg.Z29, reg.Z30, reg.Z31}

// clampedRows sets rows[r] = rows[0] + min(r, mr-1)*stride for r >= 1: the
// row pointers (or offsets) of a tile of len(rows) rows when only mr are
// real; the missing rows repeat the last real one, so they compute and store
// the same values as it (the XNNPACK way of handling a short tile).
func clampedRows(c *build.Context, rows []reg.Register, stride, mr reg.Register) {
	for r := 1; r < len(rows); r++ {
		c.MOVQ(rows[r-1], rows[r])
		c.ADDQ(stride, rows[r])
		c.CMPQ(mr, operand.Imm(uint64(r)))
		c.CMOVQLE(rows[r-1], rows[r])
	}
}

// registerNote emits the ABI note as comment lines.
func registerNote(c *build.Context) {
	c.Comment(
		"Go reserves SP and BP (not touched) and R15 (GOT access when",
		"dynamically linked; not used); R14 and X15, fixed in ABIInternal, are",
		"scratch in this ABI0 code: Go's ABI wrappers restore them on return.",
	)
}

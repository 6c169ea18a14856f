package main

import (
	"math"

	"github.com/mmcloughlin/avo/attr"
	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/operand"
	"github.com/mmcloughlin/avo/reg"
)

// Requantization, bit-identical to generic.Requantize:
//
//	f := float32(acc) * scale          // VCVTDQ2PS (exact below 2^24, else
//	                                   // round to nearest even as Go), VMULPS
//	r := RoundHalfEven(f)              // see below
//	out = int8(min(max(r+zp, lo), hi)) // VPADDD, VPMAXSD, VPMINSD, saturating
//	                                   // packs (exact: lo, hi in int8, checked in Go)
//
// RoundHalfEven is VCVTPS2DQ, which rounds in the MXCSR rounding mode: Go
// keeps it at round to nearest, ties to even (the default; nothing in Go
// changes it), so one instruction rounds as generic does. Around it, NaN
// lanes become 0 (generic maps NaN to 0, VCVTPS2DQ to 0x80000000) and f is
// clamped to +-2^30 (as generic saturates; beyond int32 VCVTPS2DQ would
// give 0x80000000 for either sign).

// rqConsts are the float32 constants of the clamp, as static data.
type rqConsts struct {
	big, mbig operand.Mem
}

// requantConsts declares the clamp constants of one file (vector width vl
// float32 lanes, so the AVX2 code can use them as memory operands).
func requantConsts(c *build.Context, vl int) rqConsts {
	g := func(name string, v float32) operand.Mem {
		m := c.StaticGlobal(name)
		c.DataAttributes(attr.RODATA | attr.NOPTR)
		for i := 0; i < vl; i++ {
			c.AppendDatum(operand.U32(math.Float32bits(v)))
		}
		return m
	}
	return rqConsts{g("rqBig", 1<<30), g("rqMinusBig", -(1 << 30))}
}

// rqAVX2 holds the memory operands of one AVX2 requantization: zp, lo and
// hi broadcast to 8 lanes (on the stack) and the constants.
type rqAVX2 struct {
	k          rqConsts
	zp, lo, hi operand.Mem
}

// requantAVX2 turns the 8 int32 accumulators in v into clamped int32 outputs
// in t; scale is a register or memory operand of 8 float32 scales. v is
// clobbered.
func requantAVX2(c *build.Context, q rqAVX2, v, t reg.VecPhysical, scale operand.Op) {
	c.VCVTDQ2PS(v, v)
	c.VMULPS(scale, v, v)
	c.VCMPPS(operand.U8(7), v, v, t) // ordered: all ones unless NaN
	c.VANDPS(t, v, v)
	c.VMINPS(q.k.big, v, v)
	c.VMAXPS(q.k.mbig, v, v)
	c.VCVTPS2DQ(v, t) // MXCSR: to nearest, ties to even
	c.VPADDD(q.zp, t, t)
	c.VPMAXSD(q.lo, t, t)
	c.VPMINSD(q.hi, t, t)
}

// rqAVX512 holds the registers of one AVX-512 requantization.
type rqAVX512 struct {
	big, mbig, zp, lo, hi reg.VecPhysical
}

// loadRequantAVX512 fills the constant registers: the clamp constants from
// static data, zp, lo, hi from the parameters of those names.
func loadRequantAVX512(c *build.Context, k rqConsts, q rqAVX512) {
	c.VBROADCASTSS(k.big, q.big)
	c.VBROADCASTSS(k.mbig, q.mbig)
	for _, v := range []struct {
		name string
		r    reg.VecPhysical
	}{{"zp", q.zp}, {"lo", q.lo}, {"hi", q.hi}} {
		c.MOVL(arg(c, v.name), reg.EAX) // vet rejects a VPBROADCASTD of an int32 argument
		c.VPBROADCASTD(reg.EAX, v.r)
	}
}

// requantAVX512 turns the 16 int32 accumulators in v into clamped int32
// outputs in t, using mask register K1; v is clobbered.
func requantAVX512(c *build.Context, q rqAVX512, v, t reg.VecPhysical, scale operand.Op) {
	c.VCVTDQ2PS(v, v)
	c.VMULPS(scale, v, v)
	c.VCMPPS(operand.U8(7), v, v, reg.K1) // ordered
	c.VMOVAPS_Z(v, reg.K1, v)             // NaN lanes to 0
	c.VMINPS(q.big, v, v)
	c.VMAXPS(q.mbig, v, v)
	c.VCVTPS2DQ(v, t) // MXCSR: to nearest, ties to even
	c.VPADDD(q.zp, t, t)
	c.VPMAXSD(q.lo, t, t)
	c.VPMINSD(q.hi, t, t)
}

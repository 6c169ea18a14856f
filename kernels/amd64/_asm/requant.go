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
//	r := RoundHalfAway(f)              // see below
//	out = int8(min(max(r+zp, lo), hi)) // VPADDD, VPMAXSD, VPMINSD, saturating
//	                                   // packs (exact: lo, hi in int8, checked in Go)
//
// x86 has no round-half-away mode, so RoundHalfAway is done exactly: NaN
// lanes become 0 (generic maps NaN to 0), f is clamped to +-2^30 (as
// generic saturates), t = trunc(f) (VCVTTPS2DQ), and the fraction f - t,
// exact in float32 (t is f with its fraction bits cleared), is compared
// with +-0.5: r = t + (frac >= 0.5) - (frac <= -0.5).

// rqConsts are the float32 constants of the rounding, as static data.
type rqConsts struct {
	half, mhalf, big, mbig operand.Mem
}

// requantConsts declares the rounding constants of one file (vector width
// vl float32 lanes, so the AVX2 code can use them as memory operands).
func requantConsts(c *build.Context, vl int) rqConsts {
	g := func(name string, v float32) operand.Mem {
		m := c.StaticGlobal(name)
		c.DataAttributes(attr.RODATA | attr.NOPTR)
		for i := 0; i < vl; i++ {
			c.AppendDatum(operand.U32(math.Float32bits(v)))
		}
		return m
	}
	return rqConsts{g("rqHalf", 0.5), g("rqMinusHalf", -0.5), g("rqBig", 1<<30), g("rqMinusBig", -(1 << 30))}
}

// rqAVX2 holds the memory operands of one AVX2 requantization: zp, lo and
// hi broadcast to 8 lanes (on the stack) and the constants.
type rqAVX2 struct {
	k          rqConsts
	zp, lo, hi operand.Mem
}

// requantAVX2 turns the 8 int32 accumulators in v into clamped int32 outputs
// in t1, using t2 as scratch; scale is a register or memory operand of 8
// float32 scales. v is clobbered.
func requantAVX2(c *build.Context, q rqAVX2, v, t1, t2 reg.VecPhysical, scale operand.Op) {
	c.VCVTDQ2PS(v, v)
	c.VMULPS(scale, v, v)
	c.VCMPPS(operand.U8(7), v, v, t1) // ordered: all ones unless NaN
	c.VANDPS(t1, v, v)
	c.VMINPS(q.k.big, v, v)
	c.VMAXPS(q.k.mbig, v, v)
	c.VCVTTPS2DQ(v, t1)
	c.VCVTDQ2PS(t1, t2)
	c.VSUBPS(t2, v, v)                          // fraction, exact
	c.VCMPPS(operand.U8(0x0d), q.k.half, v, t2) // frac >= 0.5: -1
	c.VPSUBD(t2, t1, t1)
	c.VCMPPS(operand.U8(0x02), q.k.mhalf, v, t2) // frac <= -0.5: -1
	c.VPADDD(t2, t1, t1)
	c.VPADDD(q.zp, t1, t1)
	c.VPMAXSD(q.lo, t1, t1)
	c.VPMINSD(q.hi, t1, t1)
}

// rqAVX512 holds the registers of one AVX-512 requantization.
type rqAVX512 struct {
	half, mhalf, big, mbig, one, zp, lo, hi reg.VecPhysical
}

// loadRequantAVX512 fills the constant registers: the rounding constants
// from static data, zp, lo, hi from the parameters of those names.
func loadRequantAVX512(c *build.Context, k rqConsts, q rqAVX512) {
	c.VBROADCASTSS(k.half, q.half)
	c.VBROADCASTSS(k.mhalf, q.mhalf)
	c.VBROADCASTSS(k.big, q.big)
	c.VBROADCASTSS(k.mbig, q.mbig)
	for _, v := range []struct {
		name string
		r    reg.VecPhysical
	}{{"zp", q.zp}, {"lo", q.lo}, {"hi", q.hi}} {
		c.MOVL(arg(c, v.name), reg.EAX) // vet rejects a VPBROADCASTD of an int32 argument
		c.VPBROADCASTD(reg.EAX, v.r)
	}
	c.VPTERNLOGD(operand.U8(0xff), q.one, q.one, q.one) // all ones = -1
	c.VPABSD(q.one, q.one)                              // 1
}

// requantAVX512 turns the 16 int32 accumulators in v into clamped int32
// outputs in t1, using t2 and mask registers K1, K2; v is clobbered.
func requantAVX512(c *build.Context, q rqAVX512, v, t1, t2 reg.VecPhysical, scale operand.Op) {
	c.VCVTDQ2PS(v, v)
	c.VMULPS(scale, v, v)
	c.VCMPPS(operand.U8(7), v, v, reg.K1) // ordered
	c.VMOVAPS_Z(v, reg.K1, v)             // NaN lanes to 0
	c.VMINPS(q.big, v, v)
	c.VMAXPS(q.mbig, v, v)
	c.VCVTTPS2DQ(v, t1)
	c.VCVTDQ2PS(t1, t2)
	c.VSUBPS(t2, v, v) // fraction, exact
	c.VCMPPS(operand.U8(0x0d), q.half, v, reg.K1)
	c.VCMPPS(operand.U8(0x02), q.mhalf, v, reg.K2)
	c.VPADDD(q.one, t1, reg.K1, t1)
	c.VPSUBD(q.one, t1, reg.K2, t1)
	c.VPADDD(q.zp, t1, t1)
	c.VPMAXSD(q.lo, t1, t1)
	c.VPMINSD(q.hi, t1, t1)
}

package kernels_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/edgecam/edgecam/kernels"
)

// The equivalence harness: every registered implementation of every layer
// type, one subtest each (t.Run(impl.Name)), against the generic one on the
// awkward shapes of cases_test.go with random data, guard bands and unaligned
// starts. int8 results must be bit-exact, float32 within the named tolerance.
// Unavailable implementations are skipped with the reason; every subtest logs
// how many cases it ran (go test -v shows which kernels were exercised).

func skipUnavailable(t *testing.T, name string, avail bool) {
	t.Helper()
	if !avail {
		t.Skipf("%s is not available on %s", name, kernels.CPUSummary())
	}
}

func TestPointwiseF32Equivalence(t *testing.T) {
	reg := kernels.All()
	ref := reg.PointwiseF32[0]
	for _, impl := range reg.PointwiseF32 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(1)
			ran := 0
			for i, s := range pointwiseShapes(impl.TileM) {
				cl := clampCases[i%len(clampCases)]
				src := shifted(randF32(r, s.m*s.k), i%4)
				w := randF32(r, s.n*s.k)
				var bias []float32
				if i%3 != 0 {
					bias = randF32(r, s.n)
				}
				want := make([]float32, s.m*s.n)
				ref.Run(want, src, s.m, s.k, s.n, ref.Pack(w, s.n, s.k), bias, cl.lo, cl.hi)
				absSum := make([]float32, s.m*s.n)
				inf := float32(math.Inf(1))
				ref.Run(absSum, absF32(src), s.m, s.k, s.n, ref.Pack(absF32(w), s.n, s.k), absF32(bias), -inf, inf)

				g := newGuarded(s.m*s.n, (i+1)%4, sentinelF32)
				impl.Run(g.out(), src, s.m, s.k, s.n, impl.Pack(w, s.n, s.k), bias, cl.lo, cl.hi)
				what := fmt.Sprintf("%s %v clamp=%s", impl.Name, s, cl.name)
				compareF32(t, g.out(), want, absSum, s.k, what)
				g.checkUntouched(t, 0, s.m*s.n, sameF32, what)
				ran++
			}
			t.Logf("%s (level %s, TileM %d): %d shapes within tolerance of %s", impl.Name, impl.Level, impl.TileM, ran, ref.Name)
		})
	}
}

func TestPointwiseQ8Equivalence(t *testing.T) {
	reg := kernels.All()
	ref := reg.PointwiseQ8[0]
	wzps := []int32{0, 0, -3, 21, -128, 127}
	for _, impl := range reg.PointwiseQ8 {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(2)
			ran, narrowed := 0, 0
			for i, s := range pointwiseShapes(impl.TileM) {
				wzp := wzps[i%len(wzps)]
				src := shifted(randI8(r, s.m*s.k, -128), i%4)
				w := randI8(r, s.n*s.k, -128)
				if !impl.Supports(w, s.n, s.k) {
					// An implementation may exclude -128 weights; it must
					// then accept the symmetric range.
					w = randI8(r, s.n*s.k, -127)
					if !impl.Supports(w, s.n, s.k) {
						t.Fatalf("%s does not support weights in [-127, 127] for %v", impl.Name, s)
					}
					narrowed++
				}
				var bias []int32
				if i%3 != 0 {
					bias = randI32(r, s.n, 20000)
				}
				rq := randRequant(r, s.n, i)
				want := make([]int8, s.m*s.n)
				ref.Run(want, src, s.m, s.k, s.n, ref.Pack(w, s.n, s.k), bias, wzp, rq)

				g := newGuarded(s.m*s.n, (i+1)%4, sentinelI8)
				impl.Run(g.out(), src, s.m, s.k, s.n, impl.Pack(w, s.n, s.k), bias, wzp, rq)
				what := fmt.Sprintf("%s %v wzp=%d rq=%s", impl.Name, s, wzp, rqString(rq))
				compareI8(t, g.out(), want, what)
				g.checkUntouched(t, 0, s.m*s.n, sameI8, what)
				ran++
			}
			t.Logf("%s (level %s, TileM %d): %d shapes bit-exact with %s (%d with weights narrowed to [-127,127])",
				impl.Name, impl.Level, impl.TileM, ran, ref.Name, narrowed)
		})
	}
}

func TestConvF32Equivalence(t *testing.T)   { testConvF32(t, kernels.All().ConvF32, false) }
func TestDWConvF32Equivalence(t *testing.T) { testConvF32(t, kernels.All().DWConvF32, true) }
func TestConvQ8Equivalence(t *testing.T)    { testConvQ8(t, kernels.All().ConvQ8, false) }
func TestDWConvQ8Equivalence(t *testing.T)  { testConvQ8(t, kernels.All().DWConvQ8, true) }

func testConvF32(t *testing.T, impls []*kernels.ConvF32, depthwise bool) {
	ref := impls[0]
	cases := convCases(depthwise)
	for _, impl := range impls {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(3)
			ran := 0
			for i, c := range cases {
				p := c.p
				if !impl.Supports(&p) {
					continue
				}
				cl := clampCases[i%len(clampCases)]
				src := shifted(randF32(r, p.InH*p.InW*p.InC), i%4)
				w := randF32(r, weightLen(&p, depthwise))
				var bias []float32
				if i%3 != 0 {
					bias = randF32(r, p.OutC)
				}
				n := p.OutH * p.OutW * p.OutC
				want := make([]float32, n)
				ref.Run(&p, want, src, w, bias, c.y0, c.y1, cl.lo, cl.hi)
				absSum := make([]float32, n)
				inf := float32(math.Inf(1))
				ref.Run(&p, absSum, absF32(src), absF32(w), absF32(bias), c.y0, c.y1, -inf, inf)

				g := newGuarded(n, (i+3)%4, sentinelF32)
				impl.Run(&p, g.out(), src, w, bias, c.y0, c.y1, cl.lo, cl.hi)
				a, b := c.y0*p.OutW*p.OutC, c.y1*p.OutW*p.OutC
				what := fmt.Sprintf("%s %v clamp=%s", impl.Name, c, cl.name)
				compareF32(t, g.out()[a:b], want[a:b], absSum[a:b], taps(&p, depthwise), what)
				g.checkUntouched(t, a, b, sameF32, what)
				ran++
			}
			if ran == 0 && impl.Level != kernels.Generic {
				t.Fatalf("%s supports none of the %d harness shapes: it was not exercised", impl.Name, len(cases))
			}
			t.Logf("%s (level %s): %d of %d shapes supported and within tolerance of %s", impl.Name, impl.Level, ran, len(cases), ref.Name)
		})
	}
}

func testConvQ8(t *testing.T, impls []*kernels.ConvQ8, depthwise bool) {
	ref := impls[0]
	cases := convCases(depthwise)
	for _, impl := range impls {
		t.Run(impl.Name, func(t *testing.T) {
			skipUnavailable(t, impl.Name, impl.Avail)
			r := newRand(4)
			ran := 0
			for i, c := range cases {
				p := c.p
				if !impl.Supports(&p) {
					continue
				}
				src := shifted(randI8(r, p.InH*p.InW*p.InC, -128), i%4)
				// Weights minus their zero point: uint8 weights reach +-255.
				w := randI16(r, weightLen(&p, depthwise), 255)
				var bias []int32
				if i%3 != 0 {
					bias = randI32(r, p.OutC, 30000)
				}
				xzp := int32(r.IntN(256) - 128)
				rq := randRequant(r, p.OutC, i)
				n := p.OutH * p.OutW * p.OutC
				want := make([]int8, n)
				ref.Run(&p, want, src, xzp, w, bias, rq, c.y0, c.y1)

				g := newGuarded(n, (i+3)%4, sentinelI8)
				impl.Run(&p, g.out(), src, xzp, w, bias, rq, c.y0, c.y1)
				a, b := c.y0*p.OutW*p.OutC, c.y1*p.OutW*p.OutC
				what := fmt.Sprintf("%s %v xzp=%d rq=%s", impl.Name, c, xzp, rqString(rq))
				compareI8(t, g.out()[a:b], want[a:b], what)
				g.checkUntouched(t, a, b, sameI8, what)
				ran++
			}
			if ran == 0 && impl.Level != kernels.Generic {
				t.Fatalf("%s supports none of the %d harness shapes: it was not exercised", impl.Name, len(cases))
			}
			t.Logf("%s (level %s): %d of %d shapes supported and bit-exact with %s", impl.Name, impl.Level, ran, len(cases), ref.Name)
		})
	}
}

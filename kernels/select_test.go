package kernels_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels"
	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
)

// TestRegistryInvariants checks what the runtime and the tests rely on:
// every op lists an available generic implementation first, names are
// unique, levels are known, functions are set and tiles positive. It logs
// the whole registry with availability.
func TestRegistryInvariants(t *testing.T) {
	t.Logf("CPU: %s", kernels.CPUSummary())
	r := kernels.All()
	type entry struct {
		info  kernels.Info
		tileM int // -1: the op has none
		set   bool
	}
	ops := map[string][]entry{}
	for _, k := range r.PointwiseF32 {
		ops["pwconv_f32"] = append(ops["pwconv_f32"], entry{k.Info, k.TileM, k.Supports != nil && k.Pack != nil && k.Run != nil})
	}
	for _, k := range r.PointwiseQ8 {
		ops["pwconv_q8"] = append(ops["pwconv_q8"], entry{k.Info, k.TileM, k.Supports != nil && k.Pack != nil && k.Run != nil})
	}
	for op, list := range map[string][]*kernels.ConvF32{"conv_f32": r.ConvF32, "dwconv_f32": r.DWConvF32} {
		for _, k := range list {
			ops[op] = append(ops[op], entry{k.Info, -1, k.Supports != nil && k.Pack != nil})
		}
	}
	for op, list := range map[string][]*kernels.ConvQ8{"conv_q8": r.ConvQ8, "dwconv_q8": r.DWConvQ8} {
		for _, k := range list {
			ops[op] = append(ops[op], entry{k.Info, -1, k.Supports != nil && k.Pack != nil})
		}
	}
	seen := map[string]bool{}
	for _, op := range []string{"conv_f32", "dwconv_f32", "pwconv_f32", "conv_q8", "dwconv_q8", "pwconv_q8"} {
		list := ops[op]
		if len(list) == 0 {
			t.Fatalf("%s: no implementation registered", op)
		}
		if first := list[0].info; first.Level != kernels.Generic || !first.Avail {
			t.Errorf("%s: first implementation %q is %s (available %v), want an available generic one", op, first.Name, first.Level, first.Avail)
		}
		for _, e := range list {
			t.Logf("%-10s %-22s level=%-8s available=%v", op, e.info.Name, e.info.Level, e.info.Avail)
			if seen[e.info.Name] {
				t.Errorf("%s: duplicate implementation name %q", op, e.info.Name)
			}
			seen[e.info.Name] = true
			if !slices.Contains(kernels.Levels(), e.info.Level) || e.info.Level == kernels.Auto {
				t.Errorf("%s: %q has level %q, want generic or one of this architecture's (%v)", op, e.info.Name, e.info.Level, kernels.Levels())
			}
			if !e.set {
				t.Errorf("%s: %q has a nil function", op, e.info.Name)
			}
			if e.tileM == 0 || e.tileM < -1 {
				t.Errorf("%s: %q has TileM %d, want > 0", op, e.info.Name, e.tileM)
			}
		}
	}
}

// TestSelectRule checks Select and Explain on a made-up list: unavailable,
// above-level and unsupporting implementations are passed over, the highest
// level wins, ties go to the first registered, and no candidate is an error
// that names them.
func TestSelectRule(t *testing.T) {
	evenK := func(l *kernels.PointwiseLayer) bool { return l.K%2 == 0 }
	all := func(*kernels.PointwiseLayer) bool { return true }
	mk := func(name string, level kernels.Level, avail bool, supports func(*kernels.PointwiseLayer) bool) *kernels.PointwiseF32 {
		return &kernels.PointwiseF32{Kernel: kernels.Kernel[kernels.PointwiseLayer]{
			Info: kernels.Info{Name: name, Level: level, Avail: avail}, Supports: supports}}
	}
	list := []*kernels.PointwiseF32{
		mk("g", kernels.Generic, true, all), mk("n_even", kernels.NEON, true, evenK),
		mk("n_all", kernels.NEON, true, all), mk("d", kernels.DotProd, false, all),
	}
	cases := []struct {
		want kernels.Level
		k    int
		name string
	}{
		{kernels.Auto, 8, "n_even"}, // the first registered of the highest level
		{kernels.Auto, 7, "n_all"},  // n_even does not support it; d is unavailable
		{kernels.DotProd, 7, "n_all"},
		{kernels.NEON, 8, "n_even"},
		{kernels.Generic, 8, "g"},
	}
	for _, c := range cases {
		layer := &kernels.PointwiseLayer{K: c.k, N: 4}
		got, err := kernels.Select(list, c.want, layer)
		if err != nil || got.Name != c.name {
			t.Errorf("Select(%s, k=%d) = %v, %v; want %s", c.want, c.k, got, err, c.name)
		}
	}
	verdicts := func(want kernels.Level, k int) string {
		var s []string
		for _, c := range kernels.Explain("pwconv_f32", list, want, &kernels.PointwiseLayer{K: k, N: 4}) {
			s = append(s, fmt.Sprintf("%s:%d%s", c.Name, c.Verdict, c.By))
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		want kernels.Level
		k    int
		v    string
	}{
		{kernels.Auto, 7, fmt.Sprintf("g:%dn_all n_even:%d n_all:%d d:%d", kernels.Outranked, kernels.Unsupported, kernels.Selected, kernels.Unavailable)},
		{kernels.Generic, 8, fmt.Sprintf("g:%d n_even:%d n_all:%d d:%d", kernels.Selected, kernels.AboveLevel, kernels.AboveLevel, kernels.Unavailable)},
	} {
		if got := verdicts(c.want, c.k); got != c.v {
			t.Errorf("Explain(%s, k=%d) = %q, want %q", c.want, c.k, got, c.v)
		}
	}
	list[0].Avail = false
	if _, err := kernels.Select(list, kernels.Generic, &kernels.PointwiseLayer{K: 8, N: 4}); err == nil || !strings.Contains(err.Error(), "n_even") {
		t.Errorf("Select with no eligible implementation: err = %v, want one naming the candidates", err)
	}
}

// TestRegistryExplain: at every level, each op has exactly one selected
// implementation for a layer all support, available and allowed, and every
// verdict agrees with the implementation's Info.
func TestRegistryExplain(t *testing.T) {
	for _, want := range allLevels {
		selected := map[string]int{}
		for _, c := range kernels.All().Explain(want) {
			switch c.Verdict {
			case kernels.Selected:
				selected[c.Op]++
				if !c.Avail || !kernels.Allowed(c.Level, want) {
					t.Errorf("%s: selected %s at %s, available %v", c.Op, c.Name, want, c.Avail)
				}
			case kernels.Unavailable:
				if c.Avail {
					t.Errorf("%s: %s available but reported unavailable", c.Op, c.Name)
				}
			case kernels.AboveLevel:
				if kernels.Allowed(c.Level, want) {
					t.Errorf("%s: %s (%s) reported above level %s", c.Op, c.Name, c.Level, want)
				}
			case kernels.Outranked:
				if c.By == "" {
					t.Errorf("%s: %s outranked by nobody", c.Op, c.Name)
				}
			default:
				t.Errorf("%s: %s has verdict %d for a layer every implementation supports", c.Op, c.Name, c.Verdict)
			}
		}
		for _, op := range []string{"conv_f32", "dwconv_f32", "pwconv_f32", "conv_q8", "dwconv_q8", "pwconv_q8"} {
			if selected[op] != 1 {
				t.Errorf("level %s: %d implementations of %s selected, want 1", want, selected[op], op)
			}
		}
	}
}

// TestNoSilentFallback proves that what a plan reports is what runs: for
// layers outside some implementation's Supports, Select picks one that
// computes them (checked against generic), and every available
// implementation that does not support a layer refuses it (panics) instead
// of handing it to another implementation inside Run. On arm64 and amd64 the
// layers below are outside the support of some NEON, AVX2 or VNNI kernel;
// elsewhere (and with -tags purego) only generic runs.
func TestNoSilentFallback(t *testing.T) {
	reg := kernels.All()
	r := kerneltest.Rand(77)
	refused := 0

	// int8 pointwise with a requantization zero point beyond int8, and with
	// a clamp beyond int8 (outside the NEON and the AVX2/VNNI kernels).
	for _, rq := range []*generic.Requant{
		{Scale: []float32{0.01, 0.02, 0.004}, ZeroPoint: 300, Min: -128, Max: 127},
		{Scale: []float32{0.01, 0.02, 0.004}, ZeroPoint: 3, Min: -300, Max: 300},
	} {
		refused += checkPointwiseQ8Fallback(t, reg.PointwiseQ8, rq, r)
	}

	// Float32: a first layer of 12 output channels (not a multiple of 8); a
	// depthwise layer whose rows are wider than 32768 floats.
	first := generic.ConvParams{InH: 9, InW: 9, InC: 3, OutH: 5, OutW: 5, OutC: 12, KH: 3, KW: 3, StrideH: 2, StrideW: 2, PadTop: 1, PadLeft: 1}
	wide := generic.ConvParams{InH: 3, InW: 1100, InC: 32, OutH: 3, OutW: 1100, OutC: 32, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}
	refused += checkConvF32Fallback(t, reg.ConvF32, first, false, r)
	refused += checkConvF32Fallback(t, reg.DWConvF32, wide, true, r)

	// int8: input zero points beyond int8, legacy uint8 weights (beyond
	// int8 once their zero point is subtracted: outside the NEON SDOT and
	// the VNNI kernels), more channels than the NEON and AVX2 depthwise
	// kernels take, channel counts that are not a multiple of 16 and rows
	// wider than the VNNI depthwise kernel's buffers.
	first.OutC = 16
	first24 := first
	first24.OutC = 24
	small := kerneltest.DWParams(5, 16, 1)
	many := kerneltest.DWParams(3, 8200, 1)
	odd := kerneltest.DWParams(5, 24, 2)
	long := generic.ConvParams{InH: 3, InW: 160, InC: 64, OutH: 3, OutW: 160, OutC: 64, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadTop: 1, PadLeft: 1}
	for _, c := range []struct {
		list      []*kernels.ConvQ8
		p         generic.ConvParams
		depthwise bool
		xzp, wzp  int32
	}{
		{reg.ConvQ8, first, false, 300, 0},
		{reg.ConvQ8, first, false, 5, -128},
		{reg.DWConvQ8, small, true, -300, 0},
		{reg.DWConvQ8, many, true, 7, 0},
		{reg.ConvQ8, first24, false, 5, 0},
		{reg.DWConvQ8, small, true, -5, -128},
		{reg.DWConvQ8, odd, true, -5, 0},
		{reg.DWConvQ8, long, true, -5, 0},
	} {
		refused += checkConvQ8Fallback(t, c.list, c.p, c.depthwise, c.xzp, c.wzp, r)
	}

	specialised := false
	for _, c := range reg.Explain(kernels.Auto) {
		specialised = specialised || (c.Avail && c.Level != kernels.Generic)
	}
	if specialised && refused == 0 {
		t.Fatal("no available specialised implementation refused a layer outside its Supports: the test exercised nothing")
	}
	t.Logf("%d refusals of unsupported layers checked", refused)
}

// checkPointwiseQ8Fallback runs an int8 pointwise layer with requantization
// rq with the implementation Select picks, checks it against generic, and
// checks that every available implementation that does not support the
// layer refuses it. It returns the number of refusals.
func checkPointwiseQ8Fallback(t *testing.T, list []*kernels.PointwiseQ8, rq *generic.Requant, r *rand.Rand) int {
	t.Helper()
	const m, k, n = 5, 16, 3
	pw := &kernels.PointwiseLayer{K: k, N: n, Requant: rq}
	src, w, bias := kerneltest.I8s(r, m*k, -128, 127), kerneltest.I8s(r, n*k, -128, 127), kerneltest.I32s(r, n, -999, 999)
	run := func(impl *kernels.PointwiseQ8) []int8 {
		dst := make([]int8, m*n)
		impl.Run(dst, src, m, k, n, impl.Pack(w, n, k), bias, 3, rq)
		return dst
	}
	sel, err := kernels.Select(list, kernels.Auto, pw)
	if err != nil {
		t.Fatal(err)
	}
	kerneltest.CompareI8(t, run(sel), run(list[0]), fmt.Sprintf("pwconv_q8 with %s run by %s", kerneltest.RequantString(rq), sel.Name))
	refused := 0
	for _, impl := range list {
		if impl.Avail && !impl.Supports(pw) {
			refused += mustRefuse(t, impl.Name, func() { run(impl) })
		}
	}
	return refused
}

// checkConvF32Fallback runs a float32 layer with the implementation Select
// picks, checks it against generic, and checks that every available
// implementation that does not support the layer refuses it. It returns the
// number of refusals.
func checkConvF32Fallback(t *testing.T, list []*kernels.ConvF32, p generic.ConvParams, depthwise bool, r *rand.Rand) int {
	t.Helper()
	layer := &kernels.ConvF32Layer{Params: p, W: kerneltest.F32s(r, weightLen(&p, depthwise)), Bias: kerneltest.F32s(r, p.OutC), Lo: -1, Hi: 1}
	src := kerneltest.F32s(r, p.InH*p.InW*p.InC)
	n := p.OutH * p.OutW * p.OutC
	sel, err := kernels.Select(list, kernels.Auto, layer)
	if err != nil {
		t.Fatal(err)
	}
	got, want, absSum := make([]float32, n), make([]float32, n), make([]float32, n)
	sel.Pack(layer)(got, src, 0, p.OutH)
	list[0].Pack(layer)(want, src, 0, p.OutH)
	inf := float32(math.Inf(1))
	list[0].Pack(&kernels.ConvF32Layer{Params: p, W: kerneltest.Abs(layer.W), Bias: kerneltest.Abs(layer.Bias), Lo: -inf, Hi: inf})(absSum, kerneltest.Abs(src), 0, p.OutH)
	kerneltest.CompareF32(t, got, want, absSum, taps(&p, depthwise), fmt.Sprintf("%+v run by %s", p, sel.Name))
	refused := 0
	for _, impl := range list {
		if impl.Avail && !impl.Supports(layer) {
			refused += mustRefuse(t, impl.Name, func() { impl.Pack(layer)(make([]float32, n), src, 0, p.OutH) })
		}
	}
	return refused
}

// checkConvQ8Fallback is checkConvF32Fallback for int8, with input zero
// point xzp and one weight zero point wzp for every channel.
func checkConvQ8Fallback(t *testing.T, list []*kernels.ConvQ8, p generic.ConvParams, depthwise bool, xzp, wzp int32, r *rand.Rand) int {
	t.Helper()
	wzps := make([]int32, p.OutC)
	fill(wzps, wzp)
	layer := &kernels.ConvQ8Layer{Params: p, W: kerneltest.I8s(r, weightLen(&p, depthwise), -128, 127), WZP: wzps,
		Bias: kerneltest.I32s(r, p.OutC, -9999, 9999), XZP: xzp,
		Requant: kerneltest.FitRequant(kerneltest.RandRequant(r, p.OutC, 0), taps(&p, depthwise), 128, 255)}
	src := kerneltest.I8s(r, p.InH*p.InW*p.InC, -128, 127)
	n := p.OutH * p.OutW * p.OutC
	sel, err := kernels.Select(list, kernels.Auto, layer)
	if err != nil {
		t.Fatal(err)
	}
	got, want := make([]int8, n), make([]int8, n)
	sel.Pack(layer)(got, src, 0, p.OutH)
	list[0].Pack(layer)(want, src, 0, p.OutH)
	kerneltest.CompareI8(t, got, want, fmt.Sprintf("%+v xzp=%d wzp=%d run by %s", p, xzp, wzp, sel.Name))
	refused := 0
	for _, impl := range list {
		if impl.Avail && !impl.Supports(layer) {
			refused += mustRefuse(t, impl.Name, func() { impl.Pack(layer)(make([]int8, n), src, 0, p.OutH) })
		}
	}
	return refused
}

// mustRefuse fails t unless f panics, and returns 1 when it did.
func mustRefuse(t *testing.T, name string, f func()) (refused int) {
	t.Helper()
	defer func() {
		if msg := recover(); msg != nil {
			t.Logf("%s refuses: %v", name, msg)
			refused = 1
			return
		}
		t.Errorf("%s computed a layer outside its Supports instead of refusing it", name)
	}()
	f()
	return 0
}

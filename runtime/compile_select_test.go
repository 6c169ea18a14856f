package runtime

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels/amd64"
	"github.com/edgecam/edgecam/kernels/arm64"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// wideDepthwiseNet is two 3x3 depthwise layers on a 3 x 1100 x 32 float
// input: the first (stride 2) reads rows of 35200 floats, wider than the
// NEON and AVX2 depthwise kernels take (SupportsDWConvF32); the second (stride 1)
// reads its 2 x 550 x 32 output, rows of 17600 floats, which it takes.
func wideDepthwiseNet() *tflite.Model {
	b := &tinyBuilder{m: &tflite.Model{Version: 3}, rng: rand.New(rand.NewPCG(9, 7)), scheme: schemeF32}
	x := b.act("input", []int{1, 3, 1100, 32}, 1, 0)
	b.m.Inputs = []int{x}
	for _, s := range []int{2, 1} {
		w, bias := b.weights("w", []int{1, 3, 3, 32}, 3, 0.3, 1)
		y := b.act("y", []int{1, 2, 550, 32}, 1, 0)
		b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpDepthwiseConv2D, Inputs: []int{x, w, bias}, Outputs: []int{y}, Padding: tflite.PadSame,
			StrideH: s, StrideW: s, DilationH: 1, DilationW: 1, DepthMultiplier: 1, Activation: tflite.ActRelu6})
		x = y
	}
	b.m.Outputs = []int{x}
	return b.m
}

// TestReportedKernelRan: a layer outside a kernel's support is reported as
// the implementation that runs it, not as the kernel Select would prefer for
// other layers of its type (before Supports rejected wide rows, the NEON
// kernel was reported and handed such layers to the generic one inside its
// Run). The kernels package checks that every kernel refuses what its
// Supports rejects (TestNoSilentFallback).
func TestReportedKernelRan(t *testing.T) {
	p := compilePlanT(t, wideDepthwiseNet(), Options{Threads: 2})
	narrow := "dwconv_f32_generic"
	if arm64.HasNEON {
		narrow = "dwconv3x3_f32_neon"
		if arm64.A53 { // in-order cores: the twin with the same Supports
			narrow = "dwconv3x3_f32_neon_a53"
		}
	}
	if amd64.HasAVX2FMA {
		narrow = "dwconv3x3_f32_avx2"
	}
	layers := p.Layers()
	if len(layers) != 2 || layers[0].Kernel != "dwconv_f32_generic" || layers[1].Kernel != narrow {
		t.Fatalf("layers %+v: want the wide layer run by dwconv_f32_generic, the other by %s", layers, narrow)
	}
	want := strings.Join(slices.Compact([]string{"dwconv_f32_generic", narrow}), ",")
	if got := p.KernelsByType()["dwconv"]; got != want {
		t.Errorf("KernelsByType()[dwconv] = %q, want %q", got, want)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
}

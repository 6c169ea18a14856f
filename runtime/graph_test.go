package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Graphs that are not a chain: tensors with several consumers, joins, an op
// with several outputs and models with several outputs, run against the
// reference interpreter (compile_ref_test.go) at 1 and 3 threads.

// graphBuilder adds MobileNet-style layers to a tinyBuilder's model.
type graphBuilder struct {
	*tinyBuilder
}

func newGraphBuilder(scheme tinyScheme, seed uint64, inShape ...int) (*graphBuilder, int) {
	b := &graphBuilder{&tinyBuilder{m: &tflite.Model{Version: 3}, rng: rand.New(rand.NewPCG(seed, 9)), scheme: scheme}}
	x := b.act("input", inShape, 1.0/128, 0)
	b.m.Inputs = []int{x}
	return b, x
}

// quant returns the scale and int8-domain zero point of tensor x (1 and 0
// for float tensors).
func (b *graphBuilder) quant(x int) (float32, int64) {
	t := &b.m.Tensors[x]
	if t.Quant == nil {
		return 1, 0
	}
	zp := t.Quant.ZeroPoint[0]
	if t.Type == tflite.Uint8 {
		zp -= 128
	}
	return t.Quant.Scale[0], zp
}

// conv adds a CONV_2D or DEPTHWISE_CONV_2D (SAME padding) reading x. Its
// output is quantized for [0, 6] with RELU6, else with scale 0.05.
func (b *graphBuilder) conv(kind tflite.OpKind, x, k, stride, outC int, act tflite.Activation) int {
	in := b.m.Tensors[x].Shape
	oh, ow := (in[1]+stride-1)/stride, (in[2]+stride-1)/stride
	wshape, axis, fan := []int{outC, k, k, in[3]}, 0, k*k*in[3]
	if kind == tflite.OpDepthwiseConv2D {
		wshape, axis, fan = []int{1, k, k, outC}, 3, k*k
	}
	sIn, _ := b.quant(x)
	w, bias := b.weights("w", wshape, axis, 1.5/math.Sqrt(float64(fan)), sIn)
	sOut, zp := float32(0.05), int64(3)
	if act == tflite.ActRelu6 {
		sOut, zp = 6.0/255, -128
	}
	y := b.act("y", []int{1, oh, ow, outC}, sOut, zp)
	op := tflite.Op{Kind: kind, Inputs: []int{x, w, bias}, Outputs: []int{y}, Padding: tflite.PadSame,
		StrideH: stride, StrideW: stride, DilationH: 1, DilationW: 1, Activation: act}
	if kind == tflite.OpDepthwiseConv2D {
		op.DepthMultiplier = 1
	}
	b.m.Ops = append(b.m.Ops, op)
	return y
}

// custom adds a test op with the given inputs and n outputs shaped like
// the first input.
func (b *graphBuilder) custom(name string, n int, inputs ...int) []int {
	outs := make([]int, n)
	s, zp := b.quant(inputs[0])
	for k := range outs {
		outs[k] = b.act(fmt.Sprintf("%s_%d", name, k), slices.Clone(b.m.Tensors[inputs[0]].Shape), s, zp)
	}
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpCustom, Custom: name, Inputs: inputs, Outputs: outs})
	return outs
}

// head adds global average pool, reshape, fully connected (5 classes) and
// softmax, and returns the softmax output.
func (b *graphBuilder) head(x int) int {
	in := b.m.Tensors[x].Shape
	s, zp := b.quant(x)
	pooled := b.act("pool", []int{1, 1, 1, in[3]}, s, zp)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpAveragePool2D, Inputs: []int{x}, Outputs: []int{pooled},
		Padding: tflite.PadValid, StrideH: 1, StrideW: 1, FilterH: in[1], FilterW: in[2]})
	flat := b.act("flat", []int{1, in[3]}, s, zp)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpReshape, Inputs: []int{pooled}, Outputs: []int{flat}, NewShape: []int{1, in[3]}})
	w, bias := b.weights("fc", []int{5, in[3]}, 0, 0.8, s)
	logits := b.act("logits", []int{1, 5}, 0.04, -10)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpFullyConnected, Inputs: []int{flat, w, bias}, Outputs: []int{logits}})
	prob := b.act("prob", []int{1, 5}, 1.0/256, -128)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpSoftmax, Inputs: []int{logits}, Outputs: []int{prob}, Beta: 1})
	return prob
}

// branchyNet is a float graph with a fan-out, joins, a two-output op and
// three model outputs (two of them also read by later ops):
//
//	input -> conv 3x3/2 = A -> dw = B -> split -> (C, D)
//	C -> pw = E;  join(E, A) = F          (A has two consumers)
//	D -> dw = G;  join(F, G) = H -> pool -> reshape -> fc -> softmax = S
//	outputs: S, G, D
func branchyNet(seed uint64) *tflite.Model {
	b, x := newGraphBuilder(schemeF32, seed, 1, 10, 10, 3)
	a := b.conv(tflite.OpConv2D, x, 3, 2, 8, tflite.ActRelu6)
	bb := b.conv(tflite.OpDepthwiseConv2D, a, 3, 1, 8, tflite.ActRelu6)
	cd := b.custom(testSplitOp, 2, bb)
	e := b.conv(tflite.OpConv2D, cd[0], 1, 1, 8, tflite.ActNone)
	f := b.custom(testJoinOp, 1, e, a)[0]
	g := b.conv(tflite.OpDepthwiseConv2D, cd[1], 3, 1, 8, tflite.ActNone)
	h := b.custom(testJoinOp, 1, f, g)[0]
	s := b.head(h)
	b.m.Outputs = []int{s, g, cd[1]}
	return b.m
}

// rawF32 decodes little-endian float32 bytes.
func rawF32(raw []byte) []float32 {
	v := make([]float32, len(raw)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return v
}

// checkOutputsAgainstRef runs p on a few images and compares every model
// output with the reference within tol (in units of the tensor's step for
// quantized outputs, absolute for float ones).
func checkOutputsAgainstRef(t *testing.T, m *tflite.Model, p *Plan, tol float64) {
	t.Helper()
	h, w, _ := p.InputShape()
	if p.NumOutputs() != len(m.Outputs) {
		t.Fatalf("NumOutputs() = %d, want %d", p.NumOutputs(), len(m.Outputs))
	}
	for seed := range uint64(3) {
		img := planTestImage(h, w, seed)
		if err := p.SetInputRGB(img); err != nil {
			t.Fatal(err)
		}
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		ref := refRun(t, m, img)
		for i, ti := range m.Outputs {
			tt := &m.Tensors[ti]
			got := rawReals(tt, p.OutputRawAt(i))
			if d := maxStepDiff(tt, got, ref[ti]); d > tol {
				t.Errorf("image %d output %d (tensor %d %q): differs from the reference by %g (bound %g)", seed, i, ti, tt.Name, d, tol)
			}
		}
	}
}

func TestGraphBranchesAndOutputs(t *testing.T) {
	m := branchyNet(1)
	if err := Validate(m); err != nil {
		t.Fatal(err)
	}
	var ref []byte
	for _, threads := range []int{1, 3} {
		t.Run(fmt.Sprintf("t%d", threads), func(t *testing.T) {
			p := compilePlanT(t, m, Options{Threads: threads})
			checkOutputsAgainstRef(t, m, p, 1e-5)
			if threads == 1 {
				ref = bytes.Clone(p.OutputRawAt(1))
			} else if d := maxDiffF32(ref, p.OutputRawAt(1)); d > floatThreadTol {
				t.Errorf("output 1 differs from 1 thread by %g", d)
			}
			for i, ti := range m.Outputs {
				tt := &m.Tensors[ti]
				if !slices.Equal(p.OutputShapeAt(i), tt.Shape) || p.OutputTypeAt(i) != tflite.Float32 {
					t.Errorf("output %d: shape %v type %v, want %v float32", i, p.OutputShapeAt(i), p.OutputTypeAt(i), tt.Shape)
				}
				if f := p.OutputFloatAt(i, nil); !slices.Equal(f, rawF32(p.OutputRawAt(i))) {
					t.Errorf("output %d: OutputFloatAt and OutputRawAt disagree", i)
				}
			}
			if !bytes.Equal(p.OutputRaw(), p.OutputRawAt(0)) || !slices.Equal(p.OutputFloat(nil), p.OutputFloatAt(0, nil)) {
				t.Error("OutputRaw/OutputFloat are not output 0")
			}
			if _, ok := p.LogitsRaw(); !ok {
				t.Error("LogitsRaw: output 0 comes from a softmax")
			}
			layers := p.Layers()
			if len(layers) != len(m.Ops) {
				t.Fatalf("%d layers for %d ops", len(layers), len(m.Ops))
			}
			if l := layers[2]; l.Op != testSplitOp || l.Kernel != "test_split" || l.Type != "test" {
				t.Errorf("layer 2 = %+v, want the split op", l)
			}
			nanos := make([]int64, len(layers))
			if err := p.RunProfiled(nanos); err != nil {
				t.Fatal(err)
			}
			if nanos[4] <= 0 { // the join, compiled to two steps
				t.Errorf("RunProfiled: join layer time %d", nanos[4])
			}
		})
	}
}

func TestGraphOutputIndexPanics(t *testing.T) {
	p := compilePlanT(t, branchyNet(2), Options{Threads: 1})
	for _, i := range []int{-1, 3} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("OutputRawAt(%d) of 3 outputs did not panic", i)
				}
			}()
			p.OutputRawAt(i)
		}()
	}
}

func TestGraphAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	m := branchyNet(3)
	for _, threads := range []int{1, 3} {
		p := compilePlanT(t, m, Options{Threads: threads})
		img := planTestImage(10, 10, 1)
		bufs := make([][]float32, p.NumOutputs())
		for i := range bufs {
			bufs[i] = make([]float32, 0, 1024)
		}
		allocs := testing.AllocsPerRun(10, func() {
			if err := p.SetInputRGB(img); err != nil {
				t.Fatal(err)
			}
			if err := p.Run(); err != nil {
				t.Fatal(err)
			}
			for i := range bufs {
				p.OutputRawAt(i)
				bufs[i] = p.OutputFloatAt(i, bufs[i])
			}
		})
		if allocs != 0 {
			t.Errorf("threads %d: a frame of a 3-output graph allocates %v times, want 0", threads, allocs)
		}
	}
}

func TestGraphTrace(t *testing.T) {
	m := branchyNet(4)
	type call struct{ op, tensor int }
	var calls []call
	p := compilePlanT(t, m, Options{Threads: 2, Trace: func(op, tensor int, values []float32) {
		calls = append(calls, call{op, tensor})
	}})
	runPlanImage(t, p, 1)
	var want []call
	for i, op := range m.Ops {
		for _, t := range op.Outputs {
			want = append(want, call{i, t})
		}
	}
	if !slices.Equal(calls, want) {
		t.Errorf("trace calls %v, want every output of every op in order %v", calls, want)
	}
}

// TestGraphArenaBranches plans a graph of two branches that join:
//
//	X -> pw = A;  X -> pw = B;  join(A, B) = C -> pw = D -> pw = E
//
// A and B are live at once (until the join) and must not share memory; D
// and E, born after A and B died, must reuse theirs.
func TestGraphArenaBranches(t *testing.T) {
	b, x := newGraphBuilder(schemeF32, 5, 1, 8, 8, 3)
	a := b.conv(tflite.OpConv2D, x, 1, 1, 16, tflite.ActNone)
	bb := b.conv(tflite.OpConv2D, x, 1, 1, 16, tflite.ActNone)
	c := b.custom(testJoinOp, 1, a, bb)[0]
	d := b.conv(tflite.OpConv2D, c, 1, 1, 16, tflite.ActNone)
	e := b.conv(tflite.OpConv2D, d, 1, 1, 16, tflite.ActNone)
	b.m.Outputs = []int{e}
	m := b.m

	ap, err := planArena(m, m.Outputs)
	if err != nil {
		t.Fatal(err)
	}
	buf := func(ti int) arenaBuf { return ap.bufs[ap.bufOf[ti]] }
	const s = 8 * 8 * 16 * 4 // one 16-channel activation
	type span struct{ first, last int }
	for name, want := range map[string]struct {
		ti   int
		live span
	}{"A": {a, span{0, 2}}, "B": {bb, span{1, 2}}, "C": {c, span{2, 3}}, "D": {d, span{3, 4}}, "E": {e, span{4, 5}}, "X": {x, span{-1, 5}}} {
		if got := buf(want.ti); got.first != want.live.first || got.last != want.live.last {
			t.Errorf("%s live over ops [%d, %d], want [%d, %d]", name, got.first, got.last, want.live.first, want.live.last)
		}
	}
	overlap := func(p, q arenaBuf) bool { return p.off < q.off+q.size && q.off < p.off+p.size }
	if overlap(buf(a), buf(bb)) || overlap(buf(a), buf(c)) || overlap(buf(bb), buf(c)) {
		t.Errorf("branches live together share memory: A %d, B %d, C %d", buf(a).off, buf(bb).off, buf(c).off)
	}
	if buf(d).off != buf(a).off || buf(e).off != buf(bb).off {
		t.Errorf("D at %d, E at %d: want them in the dead A (%d) and B (%d)", buf(d).off, buf(e).off, buf(a).off, buf(bb).off)
	}
	if want := int64(3*s + 8*8*3*4); ap.size != want {
		t.Errorf("arena %d bytes, want %d (three 16-channel buffers and the input)", ap.size, want)
	}
	for _, threads := range []int{1, 3} {
		p := compilePlanT(t, m, Options{Threads: threads})
		if p.ArenaBytes() != int(ap.size) {
			t.Errorf("threads %d: plan arena %d bytes, planned %d", threads, p.ArenaBytes(), ap.size)
		}
		checkOutputsAgainstRef(t, m, p, 1e-5)
	}
}

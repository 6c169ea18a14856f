package runtime

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// A small SSD-shaped detector built in memory: two feature maps, a box head
// and a class head on each, reshapes, two concatenations, a LOGISTIC and
// TFLite_Detection_PostProcess, with outputs declared [] as converters do.

// flexOption is one entry of a custom-options map.
type flexOption struct {
	key   string
	float bool    // a float (else an int, or a bool when isBool)
	bool  bool    // a bool
	v     float64 // the value (ints and bools as numbers)
}

func flexInt(k string, v int) flexOption       { return flexOption{key: k, v: float64(v)} }
func flexFloat(k string, v float64) flexOption { return flexOption{key: k, float: true, v: v} }
func flexBool(k string, v bool) flexOption {
	o := flexOption{key: k, bool: true}
	if v {
		o.v = 1
	}
	return o
}

// flexMap encodes a FlexBuffers map as TFLite's custom options hold them:
// key strings, the key vector, the map (8-byte slots) and its type bytes,
// the root.
func flexMap(opts ...flexOption) []byte {
	opts = slices.Clone(opts)
	sort.Slice(opts, func(i, j int) bool { return opts[i].key < opts[j].key })
	put := func(b []byte, v uint64) []byte { return binary.LittleEndian.AppendUint64(b, v) }
	var b []byte
	keyPos := make([]int, len(opts))
	for i, o := range opts {
		keyPos[i] = len(b)
		b = append(append(b, o.key...), 0)
	}
	b = put(b, uint64(len(opts)))
	keys := len(b)
	for i := range opts {
		b = put(b, uint64(len(b)-keyPos[i]))
	}
	b = put(b, uint64(len(b)-keys)) // the key vector, back from here
	b = put(b, 8)                   // key width
	b = put(b, uint64(len(opts)))
	values := len(b)
	for _, o := range opts {
		if o.float {
			b = put(b, math.Float64bits(o.v))
		} else {
			b = put(b, uint64(int64(o.v)))
		}
	}
	for _, o := range opts {
		switch {
		case o.float:
			b = append(b, 3<<2|3) // float, 8 bytes
		case o.bool:
			b = append(b, 26<<2) // bool
		default:
			b = append(b, 1<<2) // int
		}
	}
	return append(b, byte(len(b)-values), 9<<2|3, 1) // root: the map, 8-byte slots
}

// ssdOptions are the SSD detector's post-process options with
// max_detections and num_classes of the test model.
func ssdOptions(maxDet, classes int, extra ...flexOption) []flexOption {
	return append([]flexOption{
		flexInt("max_detections", maxDet), flexInt("max_classes_per_detection", 1), flexInt("num_classes", classes),
		flexFloat("nms_score_threshold", 1e-8), flexFloat("nms_iou_threshold", 0.6),
		flexFloat("y_scale", 10), flexFloat("x_scale", 10), flexFloat("h_scale", 5), flexFloat("w_scale", 5),
		flexBool("_output_quantized", true),
	}, extra...)
}

// withOption returns opts with o replacing the entry of its key.
func withOption(opts []flexOption, o flexOption) []flexOption {
	out := slices.Clone(opts)
	for i := range out {
		if out[i].key == o.key {
			out[i] = o
		}
	}
	return out
}

// testDetector holds the tensors of a test detector.
type testDetector struct {
	m                    *tflite.Model
	enc, scores, anchors int // post-process inputs
	outs                 [4]int
	post                 int // the post-process op
}

const (
	testDetClasses = 3  // classes besides the background
	testDetAnchors = 36 // 4x4 cells x 2 anchors + 2x2 cells x 1
)

// detectorNet builds the test detector in a scheme with the given options.
func detectorNet(scheme tinyScheme, seed uint64, opts []flexOption) *testDetector {
	b, x := newGraphBuilder(scheme, seed, 1, 8, 8, 3)
	const c1 = testDetClasses + 1
	f1 := b.conv(tflite.OpConv2D, x, 3, 2, 8, tflite.ActRelu6)
	f2 := b.conv(tflite.OpConv2D, f1, 3, 2, 8, tflite.ActRelu6)
	box1 := b.reshape(b.conv(tflite.OpConv2D, f1, 1, 1, 2*4, tflite.ActNone), 1, 32, 1, 4)
	cls1 := b.reshape(b.conv(tflite.OpConv2D, f1, 1, 1, 2*c1, tflite.ActNone), 1, 32, c1)
	box2 := b.reshape(b.conv(tflite.OpConv2D, f2, 1, 1, 4, tflite.ActNone), 1, 4, 1, 4)
	cls2 := b.reshape(b.conv(tflite.OpConv2D, f2, 1, 1, c1, tflite.ActNone), 1, 4, c1)
	boxes := b.reshape(b.concat(1, []int{1, testDetAnchors, 1, 4}, 0.06, 0, box1, box2), 1, testDetAnchors, 4)
	scores := b.logistic(b.concat(1, []int{1, testDetAnchors, c1}, 0.05, 3, cls1, cls2))
	d := &testDetector{m: b.m, enc: boxes, scores: scores}
	d.anchors = b.add(testAnchors(scheme))
	for k := range d.outs {
		d.outs[k] = b.add(tflite.Tensor{Name: fmt.Sprintf("TFLite_Detection_PostProcess:%d", k), Type: tflite.Float32})
	}
	d.post = len(b.m.Ops)
	b.m.Ops = append(b.m.Ops, tflite.Op{Kind: tflite.OpCustom, Custom: detectionPostProcessName,
		Inputs: []int{boxes, scores, d.anchors}, Outputs: d.outs[:], CustomOptions: flexMap(opts...)})
	b.m.Outputs = d.outs[:]
	return d
}

// testAnchors are the anchors of the test detector: per cell of the 4x4
// map two boxes (0.25 and 0.4 wide), per cell of the 2x2 map one (0.6),
// as uint8 (scale 1/255), int8 (scale 1/255, zero point -128) or float32.
func testAnchors(scheme tinyScheme) tflite.Tensor {
	var a []float64
	for y := range 4 {
		for x := range 4 {
			for _, s := range []float64{0.25, 0.4} {
				a = append(a, (float64(y)+0.5)/4, (float64(x)+0.5)/4, s, s*0.8)
			}
		}
	}
	for y := range 2 {
		for x := range 2 {
			a = append(a, (float64(y)+0.5)/2, (float64(x)+0.5)/2, 0.6, 0.6)
		}
	}
	t := tflite.Tensor{Name: "anchors", Shape: []int{testDetAnchors, 4}}
	switch scheme {
	case schemeF32:
		f := make([]float32, len(a))
		for i, v := range a {
			f[i] = float32(v)
		}
		t.Type, t.Data = tflite.Float32, refF32Bytes(f)
	case schemeU8:
		t.Type = tflite.Uint8
		t.Quant = &tflite.Quantization{Scale: []float32{1.0 / 255}, ZeroPoint: []int64{0}}
		for _, v := range a {
			t.Data = append(t.Data, byte(math.Round(v*255)))
		}
	default:
		t.Type = tflite.Int8
		t.Quant = &tflite.Quantization{Scale: []float32{1.0 / 255}, ZeroPoint: []int64{-128}}
		for _, v := range a {
			t.Data = append(t.Data, byte(int8(math.Round(v*255)-128)))
		}
	}
	return t
}

// kernelTensor is the kernel's view of a raw tensor as the model defines it.
func kernelTensor(t *tflite.Tensor, raw []byte) generic.DetectionTensor {
	switch t.Type {
	case tflite.Float32:
		return generic.DetectionTensor{F32: rawF32(raw)}
	case tflite.Uint8:
		return generic.DetectionTensor{U8: raw, Scale: t.Quant.Scale[0], ZeroPoint: int32(t.Quant.ZeroPoint[0])}
	}
	i8 := make([]int8, len(raw))
	for i, v := range raw {
		i8[i] = int8(v)
	}
	return generic.DetectionTensor{I8: i8, Scale: t.Quant.Scale[0], ZeroPoint: int32(t.Quant.ZeroPoint[0])}
}

// TestDetectionPostProcessOp runs the test detector in every scheme, with
// fast and regular NMS, on 1 and 2 threads, and checks the op end to end:
// the outputs get the shapes the options define, the post-process inputs
// (DetectionRaw) agree with the reference interpreter, and the four
// outputs equal, bit for bit, what generic.DetectionPostProcess computes
// from those inputs and the anchors as the model stores them.
func TestDetectionPostProcessOp(t *testing.T) {
	variants := map[string][]flexOption{
		"fast":    ssdOptions(5, testDetClasses),
		"regular": ssdOptions(6, testDetClasses, flexBool("use_regular_nms", true), flexInt("detections_per_class", 3)),
		"classes": withOption(ssdOptions(4, testDetClasses), flexInt("max_classes_per_detection", 2)),
	}
	for _, scheme := range []tinyScheme{schemeF32, schemeU8, schemeI8} {
		for name, opts := range variants {
			d := detectorNet(scheme, 31, opts)
			if err := Validate(d.m); err != nil {
				t.Fatalf("%v/%s: %v", scheme, name, err)
			}
			for _, threads := range []int{1, 2} {
				t.Run(fmt.Sprintf("%v/%s/t%d", scheme, name, threads), func(t *testing.T) {
					checkTestDetector(t, d, compilePlanT(t, d.m, Options{Threads: threads}))
				})
			}
		}
	}
}

func checkTestDetector(t *testing.T, d *testDetector, p *Plan) {
	t.Helper()
	o, err := detectionOptions(&d.m.Ops[d.post])
	if err != nil {
		t.Fatal(err)
	}
	rows := o.OutputRows()
	for i, want := range [][]int{{1, rows, 4}, {1, rows}, {1, rows}, {1}} {
		if got := p.OutputShapeAt(i); !slices.Equal(got, want) {
			t.Errorf("output %d shape %v, want %v", i, got, want)
		}
	}
	if !p.IsDetector() {
		t.Fatal("IsDetector is false")
	}
	sc, err := generic.NewDetectionScratch(o, testDetAnchors)
	if err != nil {
		t.Fatal(err)
	}
	encT, scoreT := &d.m.Tensors[d.enc], &d.m.Tensors[d.scores]
	total := 0
	for seed := range uint64(4) {
		img := planTestImage(8, 8, seed)
		if err := p.SetInputRGB(img); err != nil {
			t.Fatal(err)
		}
		if err := p.Run(); err != nil {
			t.Fatal(err)
		}
		enc, scores, et, st, ok := p.DetectionRaw()
		if !ok || et != encT.Type || st != scoreT.Type {
			t.Fatalf("DetectionRaw: ok %v, types %v %v, want %v %v", ok, et, st, encT.Type, scoreT.Type)
		}
		ref := refRunUpTo(t, d.m, img, d.post)
		tol := 1e-5
		if isQuantType(encT.Type) {
			tol = 1
		}
		for _, c := range []struct {
			ti  int
			raw []byte
		}{{d.enc, enc}, {d.scores, scores}} {
			tt := &d.m.Tensors[c.ti]
			if diff := maxStepDiff(tt, rawReals(tt, c.raw), ref[c.ti]); diff > tol {
				t.Errorf("image %d: %s differs from the reference by %g (bound %g)", seed, tt.Name, diff, tol)
			}
		}
		want := generic.DetectionOutputs{Boxes: make([]float32, 4*rows), Classes: make([]float32, rows), Scores: make([]float32, rows), Count: make([]float32, 1)}
		count, err := generic.DetectionPostProcess(sc, want, kernelTensor(encT, enc), kernelTensor(scoreT, scores), kernelTensor(&d.m.Tensors[d.anchors], d.m.Tensors[d.anchors].Data))
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range [][]float32{want.Boxes, want.Classes, want.Scores, want.Count} {
			if got := rawF32(p.OutputRawAt(k)); !slices.Equal(got, w) {
				t.Errorf("image %d output %d (%s) = %v, want %v", seed, k, detectionOutputNames[k], got, w)
			}
		}
		dets := p.Detections(nil, 0)
		if len(dets) != count {
			t.Errorf("image %d: %d detections, count %d", seed, len(dets), count)
		}
		for r, det := range dets {
			w := Detection{Class: int(want.Classes[r]), Score: want.Scores[r], YMin: want.Boxes[4*r], XMin: want.Boxes[4*r+1], YMax: want.Boxes[4*r+2], XMax: want.Boxes[4*r+3]}
			if det != w {
				t.Errorf("image %d detection %d = %+v, want %+v", seed, r, det, w)
			}
		}
		if count > 1 {
			// A threshold between the first and the last score keeps a prefix.
			thr := dets[count-1].Score + (dets[0].Score-dets[count-1].Score)/2
			kept := p.Detections(nil, thr)
			for _, k := range kept {
				if k.Score < thr {
					t.Errorf("Detections(%v) kept score %v", thr, k.Score)
				}
			}
			if len(kept) == 0 || len(kept) == count {
				t.Errorf("Detections(%v) kept %d of %d (scores %v .. %v)", thr, len(kept), count, dets[0].Score, dets[count-1].Score)
			}
		}
		total += count
	}
	if total == 0 {
		t.Error("no image gave a detection: the comparison compared nothing")
	}
}

// refRunUpTo runs the reference interpreter on the ops before op n.
func refRunUpTo(t *testing.T, m *tflite.Model, img []byte, n int) [][]float64 {
	c := *m
	c.Ops = m.Ops[:n]
	return refRun(t, &c, img)
}

// TestDetectionOutputShapesFromFile writes the test detector with its
// outputs declared [] and reads it back: Parse fills in the shapes the
// options define, Validate accepts them declared, and refuses others.
func TestDetectionOutputShapesFromFile(t *testing.T) {
	d := detectorNet(schemeU8, 5, ssdOptions(7, testDetClasses))
	var buf bytes.Buffer
	if err := tflite.Write(&buf, d.m); err != nil {
		t.Fatal(err)
	}
	m, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range [][]int{{1, 7, 4}, {1, 7}, {1, 7}, {1}} {
		if got := m.Tensors[d.outs[k]].Shape; !slices.Equal(got, want) {
			t.Errorf("output %d: shape %v after Parse, want %v", k, got, want)
		}
		if got := d.m.Tensors[d.outs[k]].Shape; len(got) != 0 {
			t.Errorf("Parse changed the written model's shapes: %v", got)
		}
	}
	if err := Validate(m); err != nil {
		t.Errorf("Validate of the declared shapes: %v", err)
	}
	m.Tensors[d.outs[0]].Shape = []int{1, 8, 4}
	if err := Validate(m); err == nil || !strings.Contains(err.Error(), "shape [1 8 4], want [1 7 4] (or [], left to the op)") {
		t.Errorf("Validate of a wrong declared shape: %v", err)
	}
	if op, outs, ok := DetectionOutputs(m); !ok || op != d.post || outs != [4]int{0, 1, 2, 3} {
		t.Errorf("DetectionOutputs = %d, %v, %v; want %d, [0 1 2 3], true", op, outs, ok, d.post)
	}
}

// TestDetectionPostProcessValidate refuses malformed post-processes with
// an error naming the op, the tensor and what is wrong.
func TestDetectionPostProcessValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(d *testDetector)
		kind   error
		want   string
	}{
		{"no options", func(d *testDetector) { d.m.Ops[d.post].CustomOptions = nil }, ErrInvalidModel, "no custom options"},
		{"options not a map", func(d *testDetector) { d.m.Ops[d.post].CustomOptions = []byte{1, 4, 1} }, ErrInvalidModel, "custom options"},
		{"missing option", func(d *testDetector) { d.m.Ops[d.post].CustomOptions = flexMap(ssdOptions(5, 3)[1:]...) }, ErrInvalidModel, "max_detections is missing"},
		{"iou threshold", func(d *testDetector) {
			d.m.Ops[d.post].CustomOptions = flexMap(append(ssdOptions(5, 3)[:4], ssdOptions(5, 3)[5:]...)...)
		}, ErrInvalidModel, "nms_iou_threshold is missing"},
		{"classes", func(d *testDetector) { d.m.Ops[d.post].CustomOptions = flexMap(ssdOptions(5, 7)...) }, ErrInvalidModel, "want [1 36 7] or [1 36 8]"},
		{"anchor count", func(d *testDetector) {
			a := &d.m.Tensors[d.anchors]
			a.Shape, a.Data = []int{35, 4}, a.Data[:35*4]
		}, ErrInvalidModel, `"anchors": shape [35 4], want [36 4]`},
		{"negative anchor height", func(d *testDetector) {
			a := &d.m.Tensors[d.anchors]
			a.Quant.ZeroPoint[0] = 100 // heights 0.25*255 = 64 - 100 < 0
		}, ErrInvalidModel, "anchor 0 has height -0.14"},
		{"output type", func(d *testDetector) { d.m.Tensors[d.outs[2]].Type = tflite.Uint8 }, ErrUnsupported, "(scores): type uint8, want float32"},
		{"input type", func(d *testDetector) {
			d.m.Tensors[d.anchors].Type, d.m.Tensors[d.anchors].Data = tflite.Int32, make([]byte, 4*4*testDetAnchors)
		}, ErrUnsupported, "type int32 (want float32, uint8 or int8)"},
		{"undeclared output read", func(d *testDetector) {
			y := len(d.m.Tensors)
			d.m.Tensors = append(d.m.Tensors, tflite.Tensor{Name: "again", Type: tflite.Float32})
			d.m.Ops = append(d.m.Ops, tflite.Op{Kind: tflite.OpReshape, Inputs: []int{d.outs[0]}, Outputs: []int{y}})
		}, ErrUnsupported, "shape [] (undeclared) is read by op 15 (RESHAPE); declare it [1 5 4]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := detectorNet(schemeU8, 3, ssdOptions(5, testDetClasses))
			c.mutate(d)
			err := Validate(d.m)
			if err == nil || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "(TFLite_Detection_PostProcess)") {
				t.Errorf("Validate: %v\nwant %v naming TFLite_Detection_PostProcess and %q", err, c.kind, c.want)
			}
		})
	}
}

// TestUnsupportedCustomOp names the custom op edgecam does not run.
func TestUnsupportedCustomOp(t *testing.T) {
	d := detectorNet(schemeU8, 3, ssdOptions(5, testDetClasses))
	d.m.Ops[d.post].Custom = "TFLite_Detection_PostProcess_v2"
	err := Validate(d.m)
	if err == nil || !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `unsupported custom op "TFLite_Detection_PostProcess_v2"`) ||
		!strings.Contains(err.Error(), "edgecam runs the custom ops ") || !strings.Contains(err.Error(), detectionPostProcessName+")") {
		t.Errorf("Validate: %v", err)
	}
}

// TestDetectorAllocatesNothing: a frame of the detector, the post-process
// included, and reading its results allocate nothing.
func TestDetectorAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, scheme := range []tinyScheme{schemeF32, schemeU8} {
		d := detectorNet(scheme, 9, ssdOptions(5, testDetClasses))
		for _, threads := range []int{1, 2} {
			p := compilePlanT(t, d.m, Options{Threads: threads})
			img := planTestImage(8, 8, 1)
			dets := make([]Detection, 0, 5)
			allocs := testing.AllocsPerRun(10, func() {
				if err := p.SetInputRGB(img); err != nil {
					t.Fatal(err)
				}
				if err := p.Run(); err != nil {
					t.Fatal(err)
				}
				dets = p.Detections(dets, 0.1)
				p.DetectionRaw()
				p.OutputRawAt(0)
			})
			if allocs != 0 {
				t.Errorf("%v threads %d: a detector frame allocates %v times, want 0", scheme, threads, allocs)
			}
		}
	}
}

// TestDetectorMemoryBudget: the plan counts the post-process's scratch and
// dequantized anchors, and the raw-input buffers, and a budget just below
// what it needs is refused.
func TestDetectorMemoryBudget(t *testing.T) {
	d := detectorNet(schemeU8, 4, ssdOptions(5, testDetClasses))
	p := compilePlanT(t, d.m, Options{Threads: 1})
	o, _ := detectionOptions(&d.m.Ops[d.post])
	if s := generic.DetectionScratchBytes(o, testDetAnchors); p.planned.scratch < s {
		t.Errorf("planned scratch %d bytes, the post-process alone needs %d", p.planned.scratch, s)
	}
	// Outputs 4*(5*4+5+5+1) bytes, raw inputs 36*4 + 36*4 bytes.
	if want := int64(4*(20+5+5+1) + 36*4 + 36*4); p.planned.io != want {
		t.Errorf("planned io %d bytes, want %d", p.planned.io, want)
	}
	if _, err := Compile(d.m, Options{Threads: 1, MaxMemory: p.planned.total() - 1}); !errors.Is(err, ErrMemoryBudget) {
		t.Errorf("Compile within %d bytes of a %d-byte plan: %v, want ErrMemoryBudget", p.planned.total()-1, p.planned.total(), err)
	}
	if _, err := Compile(d.m, Options{Threads: 1, MaxMemory: p.planned.total()}); err != nil {
		t.Errorf("Compile at exactly the plan's %d bytes: %v", p.planned.total(), err)
	}
}

// TestNotADetector: a classifier has no detections and no raw detection
// inputs.
func TestNotADetector(t *testing.T) {
	m := tinyNet(schemeU8, 16, 1)
	p := compilePlanT(t, m, Options{Threads: 1})
	runPlanImage(t, p, 1)
	if IsDetector(m) || p.IsDetector() {
		t.Error("a classifier is called a detector")
	}
	if d := p.Detections(make([]Detection, 3), 0); len(d) != 0 {
		t.Errorf("Detections of a classifier: %v", d)
	}
	if _, _, _, _, ok := p.DetectionRaw(); ok {
		t.Error("DetectionRaw of a classifier reports ok")
	}
}

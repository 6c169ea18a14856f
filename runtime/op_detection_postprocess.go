package runtime

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/edgecam/edgecam/kernels/generic"
	"github.com/edgecam/edgecam/runtime/tflite"
	"github.com/edgecam/edgecam/runtime/tflite/flexbuffers"
)

// TFLite_Detection_PostProcess, the custom op that ends SSD detectors
// (generic.DetectionPostProcess, TFLite's semantics): box encodings
// [1, anchors, >=4] and class scores [1, anchors, classes (+1 background)]
// decoded against a constant anchor tensor [anchors, 4], non-maximum
// suppression, four float32 outputs: boxes [1, rows, 4], classes [1, rows],
// scores [1, rows] and the count [1], rows = max_detections *
// max_classes_per_detection. The options come from the op's custom options
// (a flexbuffer map). The anchors are dequantized once at compile time and
// the scratch is allocated then, counted in the memory budget, so a run
// allocates nothing.

// detectionPostProcessName is the op's custom_code.
const detectionPostProcessName = "TFLite_Detection_PostProcess"

func init() {
	registerOp(&opDef{
		kind:   tflite.OpCustom,
		custom: detectionPostProcessName,
		inputs: []operand{
			{name: "box encodings"},
			{name: "class scores"},
			{name: "anchors", role: roleConstant},
		},
		minIn: 3, maxIn: 3, minOut: 4, maxOut: 4,
		layerType:    fixedType("postprocess"),
		validate:     (*opCheck).detectionPostProcess,
		outputShapes: detectionOutputShapes,
		planBytes:    detectionPlanBytes,
		compile: func(c *compiler, op *tflite.Op, info *LayerInfo) (step, error) {
			return c.buildDetectionPostProcess(op, info)
		},
	})
}

// detectionOptions parses the op's custom options.
func detectionOptions(op *tflite.Op) (generic.DetectionPostProcessOptions, error) {
	if len(op.CustomOptions) == 0 {
		return generic.DetectionPostProcessOptions{}, fmt.Errorf("no custom options (want a flexbuffer map with max_detections, num_classes, ...)")
	}
	m, err := flexbuffers.Parse(op.CustomOptions)
	if err != nil {
		return generic.DetectionPostProcessOptions{}, fmt.Errorf("custom options: %w", err)
	}
	return generic.ParseDetectionPostProcessOptions(m)
}

// detectionOutputShapes is the op's outputShapes: boxes [1 rows 4],
// classes [1 rows], scores [1 rows], count [1].
func detectionOutputShapes(_ *tflite.Model, op *tflite.Op) ([][]int, error) {
	o, err := detectionOptions(op)
	if err != nil {
		return nil, err
	}
	rows := o.OutputRows()
	return [][]int{{1, rows, 4}, {1, rows}, {1, rows}, {1}}, nil
}

// detectionOutputNames name the outputs in messages.
var detectionOutputNames = [4]string{"boxes", "classes", "scores", "count"}

// detectionPostProcess checks the op: options, the three inputs' shapes and
// types, the anchors' values (finite, sizes not negative: a negative size
// would decode to a box whose min lies above its max) and the four float32
// outputs.
func (c *opCheck) detectionPostProcess() error {
	op := c.op
	o, err := detectionOptions(op)
	if err != nil {
		return c.errf("%v", err)
	}
	enc, scores, anchors := &c.m.Tensors[op.Inputs[0]], &c.m.Tensors[op.Inputs[1]], &c.m.Tensors[op.Inputs[2]]
	if s := enc.Shape; len(s) != 3 || s[0] != 1 || s[2] < 4 {
		return c.errf("%s: shape %v, want [1 anchors L] with L >= 4 (ty, tx, th, tw first)", c.name("box encodings", op.Inputs[0]), s)
	}
	n := enc.Shape[1]
	if n < 1 || n > generic.MaxDetectionAnchors {
		return c.unsupportedf("%s: %d anchors, want 1 to %d", c.name("box encodings", op.Inputs[0]), n, generic.MaxDetectionAnchors)
	}
	if s := scores.Shape; len(s) != 3 || s[0] != 1 || s[1] != n || (s[2] != o.NumClasses && s[2] != o.NumClasses+1) {
		return c.errf("%s: shape %v, want [1 %d %d] or [1 %d %d] (num_classes %d, with the background column)",
			c.name("class scores", op.Inputs[1]), s, n, o.NumClasses, n, o.NumClasses+1, o.NumClasses)
	}
	if s := anchors.Shape; len(s) != 2 || s[0] != n || s[1] != 4 {
		return c.errf("%s: shape %v, want [%d 4] (ycenter, xcenter, h, w)", c.name("anchors", op.Inputs[2]), s, n)
	}
	for j, ti := range op.Inputs {
		t := &c.m.Tensors[ti]
		switch t.Type {
		case tflite.Float32:
		case tflite.Uint8, tflite.Int8:
			if err := c.perTensor(c.def.operand(j).name, ti); err != nil {
				return err
			}
		default:
			return c.unsupportedf("%s: type %v (want float32, uint8 or int8)", c.name(c.def.operand(j).name, ti), t.Type)
		}
	}
	if anchors.Data == nil {
		return c.unsupportedf("%s: anchors are not a constant", c.name("anchors", op.Inputs[2]))
	}
	if err := c.checkAnchors(op.Inputs[2]); err != nil {
		return err
	}
	for j, ti := range op.Outputs {
		if t := &c.m.Tensors[ti]; t.Type != tflite.Float32 {
			return c.unsupportedf("%s (%s): type %v, want float32", c.name("output", ti), detectionOutputNames[j], t.Type)
		}
	}
	shapes, err := detectionOutputShapes(c.m, op)
	if err != nil {
		return c.errf("%v", err)
	}
	return c.checkOutputShapes(shapes)
}

// checkAnchors checks every anchor of constant tensor ti (valid shape and
// type): finite values and a height and width >= 0. It allocates nothing.
func (c *opCheck) checkAnchors(ti int) error {
	t := &c.m.Tensors[ti]
	if len(t.Data) != t.Elems()*t.Type.Size() {
		return c.errf("%s: %d bytes of data, want %d", c.name("anchors", ti), len(t.Data), t.Elems()*t.Type.Size())
	}
	for i := range t.Elems() {
		v := anchorValue(t, i)
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return c.errf("%s: anchor %d value %d is %v, want a finite number", c.name("anchors", ti), i/4, i%4, v)
		}
		if i%4 >= 2 && v < 0 {
			return c.errf("%s: anchor %d has %s %v, want a size >= 0", c.name("anchors", ti), i/4, [2]string{"height", "width"}[i%4-2], v)
		}
	}
	return nil
}

// anchorValue is element i of an anchor tensor as TFLite dequantizes it:
// float32(q - zero point) * scale in float32 (as compile_fold.go's
// dequantizeConstant).
func anchorValue(t *tflite.Tensor, i int) float32 {
	switch t.Type {
	case tflite.Float32:
		return math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	case tflite.Uint8:
		return float32(int32(t.Data[i])-int32(t.Quant.ZeroPoint[0])) * t.Quant.Scale[0]
	}
	return float32(int32(int8(t.Data[i]))-int32(t.Quant.ZeroPoint[0])) * t.Quant.Scale[0]
}

// detectionPlanBytes is the op's planBytes: the dequantized anchors and the
// post-process scratch.
func detectionPlanBytes(m *tflite.Model, op *tflite.Op, _ int) (weights, scratch int64) {
	o, err := detectionOptions(op)
	if err != nil { // Validate refused it
		return 0, 0
	}
	n := m.Tensors[op.Inputs[2]].Elems() / 4
	return 16 * int64(n), generic.DetectionScratchBytes(o, n)
}

// detectionTensor binds post-process input j (an arena activation) to the
// kernel's view of it: float32, or int8-domain values with the int8-domain
// zero point (generic.DetectionTensor's I8 convention for uint8 tensors).
func (c *compiler) detectionTensor(ti int) (generic.DetectionTensor, error) {
	if c.m.Tensors[ti].Type == tflite.Float32 {
		return generic.DetectionTensor{F32: c.f32(ti)}, nil
	}
	q, err := tensorQParams(c.m, ti)
	if err != nil {
		return generic.DetectionTensor{}, err
	}
	return generic.DetectionTensor{I8: c.i8(ti), Scale: q.scale, ZeroPoint: q.zp}, nil
}

// buildDetectionPostProcess compiles the op into one serial step: the
// scratch and the anchors are made here, once.
func (c *compiler) buildDetectionPostProcess(op *tflite.Op, info *LayerInfo) (step, error) {
	o, err := detectionOptions(op)
	if err != nil {
		return step{}, err
	}
	at := &c.m.Tensors[op.Inputs[2]]
	n := at.Elems() / 4
	scratch, err := generic.NewDetectionScratch(o, n)
	if err != nil {
		return step{}, err
	}
	anchors := make([]float32, 4*n)
	for i := range anchors {
		anchors[i] = anchorValue(at, i)
	}
	enc, err := c.detectionTensor(op.Inputs[0])
	if err != nil {
		return step{}, fmt.Errorf("box encodings: %w", err)
	}
	scores, err := c.detectionTensor(op.Inputs[1])
	if err != nil {
		return step{}, fmt.Errorf("class scores: %w", err)
	}
	rows := o.OutputRows()
	out := generic.DetectionOutputs{
		Boxes: c.f32(op.Outputs[0]), Classes: c.f32(op.Outputs[1]),
		Scores: c.f32(op.Outputs[2]), Count: c.f32(op.Outputs[3]),
	}
	if len(out.Boxes) != 4*rows || len(out.Classes) != rows || len(out.Scores) != rows || len(out.Count) != 1 {
		return step{}, fmt.Errorf("outputs of %d, %d, %d and %d values, want %d, %d, %d and 1 (shapes not resolved?)",
			len(out.Boxes), len(out.Classes), len(out.Scores), len(out.Count), 4*rows, rows, rows)
	}
	anchorTensor := generic.DetectionTensor{F32: anchors}
	// A first call checks what the kernel checks on every call (lengths,
	// zero points, the decoded anchors), so that a run cannot fail.
	if _, err := generic.DetectionPostProcess(scratch, out, enc, scores, anchorTensor); err != nil {
		return step{}, err
	}
	info.Type, info.Kernel = "postprocess", "detection_postprocess_fast_nms"
	if o.UseRegularNMS {
		info.Kernel = "detection_postprocess_regular_nms"
	}
	info.Params = int64(at.Elems())
	return step{units: 1, serial: true, run: func(int, int, int) {
		if _, err := generic.DetectionPostProcess(scratch, out, enc, scores, anchorTensor); err != nil {
			// Unreachable: the checks above hold for every input value.
			panic(err)
		}
	}}, nil
}

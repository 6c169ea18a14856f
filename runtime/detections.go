package runtime

import (
	"slices"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// A detection model ends in TFLite_Detection_PostProcess, whose four
// outputs (boxes, classes, scores, count) are model outputs. For such a
// plan, Detections reads them as a list and DetectionRaw returns the
// op's quantized inputs (box encodings and class scores) as they were
// computed, which the plan keeps intact until the next Run.

// Detection is one detected object.
type Detection struct {
	Class int     // the model's class id: 0 is the first class after the background (COCO: person)
	Score float32 // 0..1
	// The box's corners in the model's order, normalized to the input
	// image: 0..1 across its height (Y) and width (X). They may fall
	// slightly outside [0, 1].
	YMin, XMin, YMax, XMax float32
}

// detector is what a plan of a detection model keeps.
type detector struct {
	outs        [4]int   // positions in p.outs of boxes, classes, scores, count
	enc, scores ioTensor // the post-process's box encodings and class scores
}

// DetectionOutputs returns, for a model whose TFLite_Detection_PostProcess
// outputs are all model outputs, the op's index and the position of each
// of its outputs (boxes, classes, scores, count) in m.Outputs; ok is false
// for any other model.
func DetectionOutputs(m *tflite.Model) (op int, outs [4]int, ok bool) {
	for i := range m.Ops {
		o := &m.Ops[i]
		if o.Kind != tflite.OpCustom || o.Custom != detectionPostProcessName || len(o.Outputs) != 4 {
			continue
		}
		for j, t := range o.Outputs {
			k := slices.Index(m.Outputs, t)
			if k < 0 {
				return 0, outs, false
			}
			outs[j] = k
		}
		return i, outs, true
	}
	return 0, outs, false
}

// IsDetector reports whether m is a detection model (see DetectionOutputs).
func IsDetector(m *tflite.Model) bool {
	_, _, ok := DetectionOutputs(m)
	return ok
}

// detectionPinned lists the post-process inputs the plan of m keeps live
// to the end of a run (for DetectionRaw): none when m is not a detector.
func detectionPinned(m *tflite.Model) []int {
	op, _, ok := DetectionOutputs(m)
	if !ok {
		return nil
	}
	return m.Ops[op].Inputs[:2]
}

// bindDetector binds the detection outputs and raw inputs once the
// outputs are bound (bindOutputs).
func (p *Plan) bindDetector(c *compiler) error {
	op, outs, ok := DetectionOutputs(c.m)
	if !ok {
		return nil
	}
	d := &detector{outs: outs}
	var err error
	if d.enc, err = newIOTensor(c, c.m.Ops[op].Inputs[0], true); err != nil {
		return err
	}
	if d.scores, err = newIOTensor(c, c.m.Ops[op].Inputs[1], true); err != nil {
		return err
	}
	p.det = d
	return nil
}

// IsDetector reports whether the plan's model is a detection model.
func (p *Plan) IsDetector() bool { return p.det != nil }

// Detections appends to dst[:0] the detections of the last Run whose score
// is at least minScore, in the model's order (by decreasing score), and
// returns it: the first count rows of the outputs, count clamped to the
// rows there are. Rows with a NaN score are left out. With cap(dst) at
// least the rows of the model it allocates nothing. For a plan that is
// not a detector it returns dst[:0].
func (p *Plan) Detections(dst []Detection, minScore float32) []Detection {
	dst = dst[:0]
	if p.det == nil {
		return dst
	}
	boxes, classes := p.outs[p.det.outs[0]].f32, p.outs[p.det.outs[1]].f32
	scores, count := p.outs[p.det.outs[2]].f32, p.outs[p.det.outs[3]].f32
	rows, c := len(scores), count[0]
	n := rows
	switch {
	case c != c: // NaN
		n = 0
	case c < float32(rows):
		n = int(max(c, 0))
	}
	for r := range n {
		s := scores[r]
		if !(s >= minScore) {
			continue
		}
		b := boxes[4*r : 4*r+4]
		dst = append(dst, Detection{Class: int(classes[r]), Score: s, YMin: b[0], XMin: b[1], YMax: b[2], XMax: b[3]})
	}
	return dst
}

// DetectionRaw returns, for a detector, the two computed inputs of its
// post-process as the model defines their bytes (uint8, int8 or
// little-endian float32; OutputRaw's conversion) with their types: the box
// encodings [1, anchors, 4] and the class scores [1, anchors, classes].
// The slices are owned by the plan and overwritten by the next call. ok is
// false for a plan that is not a detector.
func (p *Plan) DetectionRaw() (boxEncodings, classScores []byte, boxType, scoreType tflite.DType, ok bool) {
	if p.det == nil {
		return nil, nil, 0, 0, false
	}
	return p.det.enc.rawBytes(), p.det.scores.rawBytes(), p.det.enc.dtype, p.det.scores.dtype, true
}

package main

import (
	"github.com/edgecam/edgecam/camera/imageinput"
	"github.com/edgecam/edgecam/internal/snapshots"
	"github.com/edgecam/edgecam/runtime"
)

// `edgecam run` with a detection model: the camera frame is seen whole
// (imageinput.WholeFrame), each result carries the detections scoring at
// least -threshold, and the consumers of a result get them in the forms
// they take: JSON for the lines and /api/latest, runtime.Class (class id
// and score) for the GPIO trigger and label matching, snapshots.Box
// (normalized corners and a caption) for what draws them: the live view,
// and the event snapshots.

// runDetector turns each result of a detection plan into a frame's
// detections, reusing its buffers.
type runDetector struct {
	plan      *runtime.Plan
	labels    []string
	threshold float32

	dets    []runtime.Detection
	json    []detectionJSON
	classes []runtime.Class
	boxes   []snapshots.Box
	out     []float32 // one output at a time, for the finite check
}

// newRunDetector returns the per-frame reader of a detection plan, or nil
// when the plan is a classifier.
func newRunDetector(plan *runtime.Plan, labels []string, threshold float64) *runDetector {
	if !plan.IsDetector() {
		return nil
	}
	return &runDetector{plan: plan, labels: labels, threshold: float32(threshold)}
}

// runFraming is the framing of the camera frames for a plan: the whole
// frame for a detector, the centre square for a classifier.
func runFraming(plan *runtime.Plan) imageinput.Framing {
	if plan.IsDetector() {
		return imageinput.WholeFrame
	}
	return imageinput.CentreCrop
}

// read takes the last run's detections: it fills line.Detections (present,
// possibly empty) and returns the detections as classes (index = class id)
// and whether every output value was finite (a broken model's NaN scores
// or boxes make the frame bad, as NaN scores do a classifier's).
func (d *runDetector) read(line *frameJSON) (classes []runtime.Class, finite bool) {
	d.dets = d.plan.Detections(d.dets, d.threshold)
	d.json = appendDetectionsJSON(d.json[:0], d.dets, d.labels)
	line.Detections = &d.json
	d.classes = d.classes[:0]
	for _, det := range d.dets {
		d.classes = append(d.classes, runtime.Class{Index: det.Class, Score: det.Score})
	}
	d.boxes = detectionBoxes(d.boxes, d.json)
	finite = true
	for i := range d.plan.NumOutputs() {
		d.out = d.plan.OutputFloatAt(i, d.out)
		finite = finite && allFinite(d.out)
	}
	return d.classes, finite
}

// Boxes are the last frame's detections to draw, as the live view draws
// them (valid until the next read): the hook for the event snapshots,
// which pass them to snapshots.Annotate with the frame.
func (d *runDetector) Boxes() []snapshots.Box { return d.boxes }

// classScores returns, in dst, the best score of the last frame's detections
// for each of n classes (0 where none was detected): what the watched labels
// and MQTT state see of a detector.
func (d *runDetector) classScores(dst []float32, n int) []float32 {
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	clear(dst)
	for _, det := range d.dets {
		if det.Class >= 0 && det.Class < n {
			dst[det.Class] = max(dst[det.Class], det.Score)
		}
	}
	return dst
}

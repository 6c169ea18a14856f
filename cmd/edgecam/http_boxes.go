package main

import (
	"fmt"
	"strings"

	"github.com/edgecam/edgecam/internal/snapshots"
)

// The live view of a detection model: the frame with each detection's box
// and caption drawn as the event snapshots draw them (snapshots.Annotate),
// and a label bar that lists what was detected.

// detectionBoxes appends to dst[:0] the boxes to draw for dets, captioned
// "label NN%", and returns it.
func detectionBoxes(dst []snapshots.Box, dets []detectionJSON) []snapshots.Box {
	dst = dst[:0]
	for _, d := range dets {
		dst = append(dst, snapshots.Box{XMin: float32(d.Box.XMin), YMin: float32(d.Box.YMin), XMax: float32(d.Box.XMax), YMax: float32(d.Box.YMax),
			Label: fmt.Sprintf("%s %.0f%%", d.Label, 100*float32(d.Score))})
	}
	return dst
}

// previewText is the label bar of a result: the best class of a classifier,
// or the detections of a detector ("no detections" when there are none).
func previewText(line *frameJSON) string {
	if line.Detections == nil {
		return overlayText(line)
	}
	dets := *line.Detections
	if len(dets) == 0 {
		return "no detections"
	}
	parts := make([]string, len(dets))
	for i, d := range dets {
		parts[i] = fmt.Sprintf("%s %.0f%%", d.Label, 100*float32(d.Score))
	}
	return strings.Join(parts, ", ")
}

// setResult records a result's frame, label bar and boxes under its result
// number (line.Frame), for the live view and /snapshot.jpg?frame=N.
func (p *preview) setResult(rgb []byte, line *frameJSON) {
	p.mu.Lock()
	f := &p.frames[line.Frame%previewHistory]
	copy(f.rgb, rgb)
	f.text, f.version = previewText(line), line.Frame
	f.boxes = f.boxes[:0]
	if line.Detections != nil {
		f.boxes = detectionBoxes(f.boxes, *line.Detections)
	}
	p.version = line.Frame
	p.mu.Unlock()
}

// drawBoxes draws boxes over the rendered frame (encMu held): the boxes'
// corners are fractions of the model input, which the preview shows whole.
func (p *preview) drawBoxes(boxes []snapshots.Box) {
	if len(boxes) == 0 {
		return
	}
	annotated := snapshots.Annotate(p.img, "", boxes)
	copy(p.img.Pix, annotated.Pix)
}

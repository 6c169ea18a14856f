package main

import (
	"fmt"
	"io"
)

// The post-process of a detection model, in bench's report: its mean time
// per frame and its share of the frame, apart from the layer table.

// postProcessType is the layer type of SSD's TFLite_Detection_PostProcess.
const postProcessType = "postprocess"

// postProcessTime sums the mean time of the post-process layers and its
// share of a frame of frameMS; ok is false for a model without one.
func postProcessTime(layers []benchLayer, frameMS float64) (ms, share float64, ok bool) {
	for _, l := range layers {
		if l.Type == postProcessType {
			ms, ok = ms+l.MS, true
		}
	}
	if ok && frameMS > 0 {
		share = ms / frameMS
	}
	return ms, share, ok
}

// writePostProcessText prints the post-process line of a result, if any.
func writePostProcessText(w io.Writer, r *benchResult) {
	if r.PostProcessMS == nil {
		return
	}
	fmt.Fprintf(w, "  post-process: %.3f ms per frame, %.2f%% of the frame\n", *r.PostProcessMS, 100*r.PostProcessShare)
}

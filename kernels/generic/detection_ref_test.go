package generic_test

import (
	"github.com/edgecam/edgecam/kernels/internal/kerneltest"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/edgecam/edgecam/kernels/generic"
)

// refPostProcess is a literal port of TFLite's detection_postprocess.cc
// (decode; sort every candidate stably; walk them with active flags; regular
// NMS re-sorting the merged list after each class) on float inputs, written
// apart from the kernel to check that the kernel's heap-based selection and
// list merge give the same outputs. Its sorts are stable where C++ uses
// std::partial_sort, the order the kernel documents for ties.
func refPostProcess(o generic.DetectionPostProcessOptions, enc []float32, stride int, scores []float32, cols int, anchors []float32) (boxes, classes, scoresOut []float32, count int, ok bool) {
	n := len(anchors) / 4
	type box struct{ ymin, xmin, ymax, xmax float32 }
	decoded := make([]box, n)
	for i := range decoded {
		y, x, h, w := float64(enc[i*stride]), float64(enc[i*stride+1]), float64(enc[i*stride+2]), float64(enc[i*stride+3])
		ay, ax, ah, aw := float64(anchors[4*i]), float64(anchors[4*i+1]), float64(anchors[4*i+2]), float64(anchors[4*i+3])
		var yc, xc, hh, hw float32
		yq := y / float64(o.YScale) * ah
		yc = float32(yq + ay)
		xq := x / float64(o.XScale) * aw
		xc = float32(xq + ax)
		hh = float32(0.5 * math.Exp(h/float64(o.HScale)) * ah)
		hw = float32(0.5 * math.Exp(w/float64(o.WScale)) * aw)
		decoded[i] = box{yc - hh, xc - hw, yc + hh, xc + hw}
		if decoded[i].ymin > decoded[i].ymax || decoded[i].xmin > decoded[i].xmax {
			return nil, nil, nil, 0, false
		}
	}
	iou := func(i, j int) float32 {
		a, b := decoded[i], decoded[j]
		areaI := float32((a.ymax - a.ymin) * (a.xmax - a.xmin))
		areaJ := float32((b.ymax - b.ymin) * (b.xmax - b.xmin))
		if areaI <= 0 || areaJ <= 0 {
			return 0
		}
		stdMax := func(p, q float32) float32 {
			if p < q {
				return q
			}
			return p
		}
		stdMin := func(p, q float32) float32 {
			if q < p {
				return q
			}
			return p
		}
		inter := float32(stdMax(stdMin(a.ymax, b.ymax)-stdMax(a.ymin, b.ymin), 0) * stdMax(stdMin(a.xmax, b.xmax)-stdMax(a.xmin, b.xmin), 0))
		return inter / (areaI + areaJ - inter)
	}
	// DecreasingArgSort (stable) and DecreasingPartialArgSort (ArgMaxVector
	// for one; here stable for more).
	argSort := func(v []float32) []int {
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return v[idx[a]] > v[idx[b]] })
		return idx
	}
	partialArgSort := func(v []float32, k int) []int {
		if k != 1 {
			return argSort(v)[:k]
		}
		best := 0
		for i := 1; i < len(v); i++ {
			if v[i] > v[best] {
				best = i
			}
		}
		return []int{best}
	}
	singleClass := func(s []float32, maxDet int) []int {
		var keepIdx []int
		var keepScores []float32
		for i, v := range s {
			if v >= o.NMSScoreThreshold {
				keepIdx = append(keepIdx, i)
				keepScores = append(keepScores, v)
			}
		}
		sorted := argSort(keepScores)
		outSize := min(len(keepIdx), maxDet)
		active := make([]bool, len(keepIdx))
		for i := range active {
			active[i] = true
		}
		numActive := len(keepIdx)
		var sel []int
		for i := range keepIdx {
			if numActive == 0 || len(sel) >= outSize {
				break
			}
			if !active[i] {
				continue
			}
			sel = append(sel, keepIdx[sorted[i]])
			active[i] = false
			numActive--
			for j := i + 1; j < len(keepIdx); j++ {
				if active[j] && iou(keepIdx[sorted[i]], keepIdx[sorted[j]]) > o.NMSIoUThreshold {
					active[j] = false
					numActive--
				}
			}
		}
		return sel
	}
	off := cols - o.NumClasses
	rows := o.OutputRows()
	boxes, classes, scoresOut = make([]float32, 4*rows), make([]float32, rows), make([]float32, rows)
	put := func(r, anchor, class int, score float32) {
		b := decoded[anchor]
		copy(boxes[4*r:], []float32{b.ymin, b.xmin, b.ymax, b.xmax})
		classes[r], scoresOut[r] = float32(class), score
	}
	if !o.UseRegularNMS {
		k := min(o.MaxClassesPerDetection, o.NumClasses)
		maxScores := make([]float32, n)
		top := make([][]int, n)
		for i := range n {
			row := scores[i*cols+off : i*cols+off+o.NumClasses]
			top[i] = partialArgSort(row, k)
			maxScores[i] = row[top[i][0]]
		}
		sel := singleClass(maxScores, o.MaxDetections)
		for r, a := range sel {
			for c, class := range top[a] {
				put(r*o.MaxClassesPerDetection+c, a, class, scores[a*cols+off+class])
			}
		}
		return boxes, classes, scoresOut, len(sel), true
	}
	var idx []int // anchor*cols + off + class, as TFLite packs them
	var vals []float32
	for class := range o.NumClasses {
		col := make([]float32, n)
		for i := range col {
			col[i] = scores[i*cols+off+class]
		}
		for _, a := range singleClass(col, o.DetectionsPerClass) {
			idx = append(idx, a*cols+off+class)
			vals = append(vals, col[a])
		}
		k := min(len(idx), o.MaxDetections)
		var order []int
		if k > 0 {
			order = partialArgSort(vals, k)
		}
		nIdx, nVals := make([]int, k), make([]float32, k)
		for r, p := range order {
			nIdx[r], nVals[r] = idx[p], vals[p]
		}
		idx, vals = nIdx, nVals
	}
	for r := range idx {
		a := idx[r] / cols
		put(r, a, idx[r]-a*cols-off, vals[r])
	}
	return boxes, classes, scoresOut, len(idx), true
}

// TestDetectionMatchesReference runs the kernel and the literal port on
// random inputs, float and quantized (many equal scores), both NMS variants,
// with and without a background column, and requires identical outputs.
func TestDetectionMatchesReference(t *testing.T) {
	r := kerneltest.Rand(77)
	for trial := range 400 {
		o := generic.DetectionPostProcessOptions{
			MaxDetections:          1 + r.IntN(12),
			MaxClassesPerDetection: 1 + r.IntN(3),
			DetectionsPerClass:     1 + r.IntN(8),
			NMSScoreThreshold:      []float32{1e-8, 0.2, 0.5, -1}[r.IntN(4)],
			NMSIoUThreshold:        []float32{0.3, 0.5, 0.6, 1}[r.IntN(4)],
			NumClasses:             1 + r.IntN(5),
			YScale:                 10, XScale: 10, HScale: 5, WScale: 5,
			UseRegularNMS: trial%2 == 1,
		}
		n := 1 + r.IntN(120)
		cols := o.NumClasses + r.IntN(2)
		stride := 4 + r.IntN(2)
		// Anchors on a coarse grid with few sizes, so boxes overlap often.
		anchorsQ := make([]uint8, 4*n)
		for i := range n {
			anchorsQ[4*i] = uint8(20 * r.IntN(8))
			anchorsQ[4*i+1] = uint8(20 * r.IntN(8))
			anchorsQ[4*i+2] = uint8(30 + 40*r.IntN(3))
			anchorsQ[4*i+3] = uint8(30 + 40*r.IntN(3))
		}
		encQ := make([]uint8, stride*n)
		for i := range encQ {
			encQ[i] = uint8(128 + r.IntN(41) - 20)
		}
		scoresQ := make([]uint8, cols*n)
		levels := 2 + r.IntN(30) // few levels: many ties
		for i := range scoresQ {
			scoresQ[i] = uint8(r.IntN(levels) * 255 / levels)
		}
		encT := generic.DetectionTensor{U8: encQ, Scale: 0.08, ZeroPoint: 128}
		scoreT := generic.DetectionTensor{U8: scoresQ, Scale: 1.0 / 256, ZeroPoint: 0}
		anchorT := generic.DetectionTensor{U8: anchorsQ, Scale: 1.0 / 160, ZeroPoint: 0}
		if trial%4 >= 2 { // float inputs with ties broken at random
			encT = generic.DetectionTensor{F32: dequantBoxes(encQ, encT.Scale, encT.ZeroPoint)}
			f := dequantScores(scoresQ, scoreT.Scale, scoreT.ZeroPoint)
			for i := range f {
				if r.IntN(3) == 0 {
					f[i] += r.Float32() * 0.01
				}
			}
			scoreT = generic.DetectionTensor{F32: f}
		}
		encF := encT.F32
		if encF == nil {
			encF = dequantBoxes(encQ, encT.Scale, encT.ZeroPoint)
		}
		scoreF := scoreT.F32
		if scoreF == nil {
			scoreF = dequantScores(scoresQ, scoreT.Scale, scoreT.ZeroPoint)
		}
		wantBoxes, wantClasses, wantScores, wantCount, ok := refPostProcess(o, encF, stride, scoreF, cols, dequantBoxes(anchorsQ, anchorT.Scale, anchorT.ZeroPoint))
		if !ok {
			t.Fatalf("trial %d: reference rejects the boxes", trial)
		}
		s, err := generic.NewDetectionScratch(o, n)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		out := newDetectionOutputs(&o)
		count, err := generic.DetectionPostProcess(s, out, encT, scoreT, anchorT)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if count != wantCount || out.Count[0] != float32(wantCount) || !sameBits(out.Boxes, wantBoxes) || !sameBits(out.Classes, wantClasses) || !sameBits(out.Scores, wantScores) {
			t.Fatalf("trial %d (%+v, n %d, cols %d):\ncount %d classes %v scores %v\nwant  %d classes %v scores %v",
				trial, o, n, cols, count, out.Classes, out.Scores, wantCount, wantClasses, wantScores)
		}
	}
}

// TestDetectionQuantizedPaths checks that uint8 and int8 inputs, with a
// positive scale (maximum found on raw values) and a negative one (on the
// dequantized values), give the outputs of the same values given as floats.
func TestDetectionQuantizedPaths(t *testing.T) {
	r := kerneltest.Rand(5)
	for _, regular := range []bool{false, true} {
		for _, scale := range []float32{1.0 / 256, -1.0 / 200, 1e-42} {
			o := generic.DetectionPostProcessOptions{
				MaxDetections: 8, MaxClassesPerDetection: 2, DetectionsPerClass: 3,
				NMSScoreThreshold: -10, NMSIoUThreshold: 0.5, NumClasses: 6,
				YScale: 10, XScale: 10, HScale: 5, WScale: 5, UseRegularNMS: regular,
			}
			const n = 64
			enc, scores, anchors := randU8(r, 4*n), randU8(r, 7*n), randU8(r, 4*n)
			zp := int32(r.IntN(256))
			u8 := []generic.DetectionTensor{{U8: enc, Scale: 0.05, ZeroPoint: 120}, {U8: scores, Scale: scale, ZeroPoint: zp}, {U8: anchors, Scale: 0.004, ZeroPoint: 0}}
			i8 := make([]generic.DetectionTensor, 3)
			f32 := []generic.DetectionTensor{
				{F32: dequantBoxes(enc, 0.05, 120)}, {F32: dequantScores(scores, scale, zp)}, {F32: dequantBoxes(anchors, 0.004, 0)},
			}
			for k, t := range u8 {
				i8[k] = generic.DetectionTensor{I8: shiftToInt8(t.U8), Scale: t.Scale, ZeroPoint: t.ZeroPoint - 128}
			}
			var outs [3]generic.DetectionOutputs
			for v, in := range [][]generic.DetectionTensor{u8, i8, f32} {
				s, err := generic.NewDetectionScratch(o, n)
				if err != nil {
					t.Fatal(err)
				}
				outs[v] = newDetectionOutputs(&o)
				if _, err := generic.DetectionPostProcess(s, outs[v], in[0], in[1], in[2]); err != nil {
					t.Fatal(err)
				}
			}
			if outs[0].Count[0] == 0 {
				t.Fatalf("regular %v scale %v: nothing detected", regular, scale)
			}
			for v, name := range []string{"int8", "float32"} {
				o := outs[v+1]
				if !sameBits(o.Boxes, outs[0].Boxes) || !sameBits(o.Classes, outs[0].Classes) || !sameBits(o.Scores, outs[0].Scores) || !sameBits(o.Count, outs[0].Count) {
					t.Errorf("regular %v scale %v: %s outputs differ from uint8:\n%v %v\n%v %v", regular, scale, name, o.Classes, o.Scores, outs[0].Classes, outs[0].Scores)
				}
			}
		}
	}
}

func randU8(r *rand.Rand, n int) []uint8 {
	b := make([]uint8, n)
	for i := range b {
		b[i] = uint8(r.IntN(256))
	}
	return b
}

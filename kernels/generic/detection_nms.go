package generic

// fastNMS is TFLite's NonMaxSuppressionMultiClassFastHelper: every anchor
// competes with its best class score; the kept anchors report their best
// classes. cols is the class score row length.
func (s *DetectionScratch) fastNMS(out DetectionOutputs, scores *DetectionTensor, cols int) int {
	o := &s.opts
	off := cols - o.NumClasses // 1 with a background column
	switch {
	case scores.U8 != nil:
		s.scoreTab.buildScores(keyOf(scores))
		maxScoresQ(s.score, scores.U8, cols, off, o.NumClasses, &s.scoreTab)
	case scores.I8 != nil:
		s.scoreTab.buildScores(keyOf(scores))
		maxScoresQ(s.score, scores.I8, cols, off, o.NumClasses, &s.scoreTab)
	default:
		maxScoresF32(s.score, scores.F32, cols, off, o.NumClasses)
	}
	selected := s.nms(o.MaxDetections, 0, false)
	k := len(s.top)
	for r, anchor := range selected {
		row := s.row
		base := int(anchor)*cols + off
		switch {
		case scores.U8 != nil:
			dequantRow(row, scores.U8[base:base+len(row)], &s.scoreTab)
		case scores.I8 != nil:
			dequantRow(row, scores.I8[base:base+len(row)], &s.scoreTab)
		default:
			copy(row, scores.F32[base:base+len(row)])
		}
		topClasses(s.top, row)
		for col, class := range s.top[:k] {
			writeDetection(out, r*o.MaxClassesPerDetection+col, s.boxes[anchor], class, row[class])
		}
	}
	return len(selected)
}

// regularNMS is TFLite's NonMaxSuppressionMultiClassRegularHelper: NMS per
// class, merged into the best MaxDetections (anchor, class) pairs.
func (s *DetectionScratch) regularNMS(out DetectionOutputs, scores *DetectionTensor, cols int) int {
	o := &s.opts
	if o.MaxDetections == 0 {
		return 0
	}
	off := cols - o.NumClasses
	if scores.F32 == nil {
		s.scoreTab.buildScores(keyOf(scores))
	}
	merged := s.merged[:0]
	for class := range o.NumClasses {
		switch {
		case scores.U8 != nil:
			columnQ(s.score, scores.U8, cols, off+class, &s.scoreTab)
		case scores.I8 != nil:
			columnQ(s.score, scores.I8, cols, off+class, &s.scoreTab)
		default:
			for i := range s.score {
				s.score[i] = scores.F32[i*cols+off+class]
			}
		}
		// Once MaxDetections entries are kept, a score not above the last
		// of them can no longer enter (the earlier entry wins a tie), and
		// such candidates come after every other in NMS order, so they
		// change nothing and are left out.
		var floor float32
		full := len(merged) == o.MaxDetections
		if full {
			floor = merged[len(merged)-1].score
		}
		selected := s.nms(o.DetectionsPerClass, floor, full)
		// Both lists are in decreasing score order; on equal scores the
		// earlier list (and within a list the earlier entry) goes first.
		next := s.mergeTmp[:0]
		i, j := 0, 0
		for len(next) < o.MaxDetections && (i < len(merged) || j < len(selected)) {
			if j == len(selected) || i < len(merged) && merged[i].score >= s.score[selected[j]] {
				next = append(next, merged[i])
				i++
			} else {
				a := selected[j]
				next = append(next, detectionHit{anchor: a, class: int32(class), score: s.score[a]})
				j++
			}
		}
		merged, s.mergeTmp = next, merged[:0]
	}
	s.merged = merged[:0]
	for r, h := range merged {
		writeDetection(out, r, s.boxes[h.anchor], h.class, h.score)
	}
	return len(merged)
}

func writeDetection(out DetectionOutputs, row int, b detectionBox, class int32, score float32) {
	out.Boxes[4*row+0] = b.ymin
	out.Boxes[4*row+1] = b.xmin
	out.Boxes[4*row+2] = b.ymax
	out.Boxes[4*row+3] = b.xmax
	out.Classes[row] = float32(class)
	out.Scores[row] = score
}

// nms is TFLite's NonMaxSuppressionSingleClassHelper over s.score: it keeps
// at most maxOut anchors into s.selected and returns them in the order kept.
// With hasFloor, only candidates scoring above floor are considered; the
// caller sets one only where the others cannot matter.
//
// TFLite sorts all anchors with a score >= the threshold (stable, by
// decreasing score) and walks them, keeping an active one and deactivating
// every later one whose IoU with it is above the threshold. An anchor is
// therefore kept exactly when no anchor kept before it overlaps it that much.
// This visits the candidates in the same order from a heap and tests each
// against the kept ones only, so it stops after the few candidates it needs.
func (s *DetectionScratch) nms(maxOut int, floor float32, hasFloor bool) []int32 {
	score, thr := s.score, s.opts.NMSScoreThreshold
	h := s.heap[:0]
	for i, v := range score {
		if v >= thr && !(hasFloor && v <= floor) {
			h = append(h, int32(i))
		}
	}
	selected := s.selected[:0]
	want := min(len(h), maxOut)
	if want <= 0 {
		return selected
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i, score)
	}
	iouThr := s.opts.NMSIoUThreshold
	for len(selected) < want && len(h) > 0 {
		c := h[0]
		last := len(h) - 1
		h[0] = h[last]
		h = h[:last]
		siftDown(h, 0, score)
		keep := true
		for _, k := range selected {
			if detectionIoU(&s.boxes[k], &s.boxes[c]) > iouThr {
				keep = false
				break
			}
		}
		if keep {
			selected = append(selected, c)
		}
	}
	return selected
}

// before reports whether candidate a comes before b: higher score, then
// lower anchor (TFLite's stable sort by decreasing score).
func before(a, b int32, score []float32) bool {
	sa, sb := score[a], score[b]
	return sa > sb || sa == sb && a < b
}

// siftDown restores the heap order (first candidate at the root) below i.
func siftDown(h []int32, i int, score []float32) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && before(h[r], h[c], score) {
			c = r
		}
		if !before(h[c], h[i], score) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// detectionIoU is TFLite's ComputeIntersectionOverUnion in float32, with
// std::max/std::min's handling of NaN. The explicit float32 conversions keep
// the products from being fused with the sums.
func detectionIoU(a, b *detectionBox) float32 {
	areaA := float32((a.ymax - a.ymin) * (a.xmax - a.xmin))
	areaB := float32((b.ymax - b.ymin) * (b.xmax - b.xmin))
	if areaA <= 0 || areaB <= 0 {
		return 0
	}
	ymin, xmin := stdMax(a.ymin, b.ymin), stdMax(a.xmin, b.xmin)
	ymax, xmax := stdMin(a.ymax, b.ymax), stdMin(a.xmax, b.xmax)
	inter := float32(stdMax(ymax-ymin, 0) * stdMax(xmax-xmin, 0))
	return inter / (areaA + areaB - inter)
}

// stdMax and stdMin are std::max and std::min: the first argument unless the
// comparison says otherwise (so a NaN second argument is ignored).
func stdMax(a, b float32) float32 {
	if a < b {
		return b
	}
	return a
}

func stdMin(a, b float32) float32 {
	if b < a {
		return b
	}
	return a
}

// topClasses writes the indices of the len(top) best scores of row into top,
// best first, equal scores lower class first: for one class, TFLite's
// ArgMaxVector (the first maximum, a leading NaN included).
func topClasses(top []int32, row []float32) {
	n := 0
	for c, v := range row {
		p := n
		for p > 0 && v > row[top[p-1]] {
			p--
		}
		if p == len(top) {
			continue
		}
		if n < len(top) {
			n++
		}
		copy(top[p+1:n], top[p:n-1])
		top[p] = int32(c)
	}
}

// maxScoresF32 sets score[i] to the first maximum of anchor i's class scores
// (TFLite's ArgMaxVector: a later value must be strictly greater).
func maxScoresF32(score, scores []float32, cols, off, classes int) {
	for i := range score {
		row := scores[i*cols+off : i*cols+off+classes]
		best := row[0]
		for _, v := range row[1:] {
			if v > best {
				best = v
			}
		}
		score[i] = best
	}
}

// maxScoresQ is maxScoresF32 on quantized scores. With a positive scale the
// raw values order as the reals do, so the maximum is found on them.
func maxScoresQ[T byteQ](score []float32, scores []T, cols, off, classes int, t *q8Table) {
	for i := range score {
		row := scores[i*cols+off : i*cols+off+classes]
		if t.increasing {
			best := row[0]
			for _, v := range row[1:] {
				best = max(best, v)
			}
			score[i] = t.v[uint8(best)]
			continue
		}
		best := t.v[uint8(row[0])]
		for _, v := range row[1:] {
			if f := t.v[uint8(v)]; f > best {
				best = f
			}
		}
		score[i] = best
	}
}

func dequantRow[T byteQ](dst []float32, src []T, t *q8Table) {
	for i, v := range src {
		dst[i] = t.v[uint8(v)]
	}
}

// columnQ sets score[i] to the dequantized class score at column col of row i.
func columnQ[T byteQ](score []float32, scores []T, cols, col int, t *q8Table) {
	for i := range score {
		score[i] = t.v[uint8(scores[i*cols+col])]
	}
}

package generic

import (
	"errors"
	"fmt"
	"unsafe"
)

// TFLite_Detection_PostProcess: SSD box decoding against anchors and
// non-maximum suppression, with the results of
// tensorflow/lite/kernels/detection_postprocess.cc:
//
//   - decoding, per anchor i with encodings (y, x, h, w) and anchor
//     (ay, ax, ah, aw), in float64 rounded to float32 where TFLite rounds:
//     yc = float32(y/YScale*ah + ay), half_h = float32(0.5*exp(h/HScale)*ah),
//     box = (yc-half_h, xc-half_w, yc+half_h, xc+half_w) in float32;
//   - fast NMS (default): each anchor competes with its best class score
//     (the first maximum); anchors with a score >= NMSScoreThreshold are
//     visited by decreasing score, equal scores lower anchor first (TFLite's
//     stable sort); an anchor is kept unless its IoU with an anchor kept
//     before it is above NMSIoUThreshold (a suppressed anchor suppresses
//     nothing); at most MaxDetections are kept, and each reports its
//     min(MaxClassesPerDetection, NumClasses) best classes, one row each;
//   - regular NMS: the same suppression per class (at most
//     DetectionsPerClass per class), merged over the classes into the
//     MaxDetections best by score, earlier entries first on equal scores.
//
// Where C++ leaves the order unspecified (std::partial_sort of equal scores,
// used to rank the classes of one anchor when MaxClassesPerDetection > 1 and
// in the regular merge), the lower class and the earlier entry come first;
// with one class per detection this is exactly TFLite's ArgMaxVector.
//
// Rows past the count are zero, as in TFLite's regular NMS (its fast NMS
// leaves them unwritten).

// DetectionTensor is one input of DetectionPostProcess: float32 values (F32),
// or 8-bit quantized values (U8, or I8 as edgecam stores uint8 tensors with
// 128 subtracted from values and zero point) with Scale and ZeroPoint.
// Exactly one of F32, U8 and I8 is set. Dequantization follows TFLite:
// box encodings and anchors as float32(q-ZeroPoint)*Scale in float32, class
// scores as float32(float64(Scale)*float64(q-ZeroPoint)).
type DetectionTensor struct {
	F32       []float32
	U8        []uint8
	I8        []int8
	Scale     float32
	ZeroPoint int32
}

// DetectionOutputs are the four float32 outputs of the post-process, each
// exactly as long as stated (rows = DetectionPostProcessOptions.OutputRows()).
type DetectionOutputs struct {
	Boxes   []float32 // [rows][4]: ymin, xmin, ymax, xmax, normalized like the anchors
	Classes []float32 // [rows]: class index, 0 = the first class after the background
	Scores  []float32 // [rows]
	Count   []float32 // [1]: kept anchors (fast NMS) or rows (regular NMS)
}

// MaxDetectionAnchors bounds the anchors a scratch is sized for.
const MaxDetectionAnchors = 1 << 24

// DetectionScratch holds everything one post-process call needs, sized once
// for the options and the anchor count, so that DetectionPostProcess
// allocates nothing. It is not safe for concurrent use.
type DetectionScratch struct {
	opts DetectionPostProcessOptions
	n    int // anchors

	boxes    []detectionBox // decoded boxes, [n]
	anchors  []float32      // dequantized anchors, [n*4], for quantized anchors
	score    []float32      // the score each anchor competes with, [n]
	heap     []int32        // candidates above the score threshold, cap n
	selected []int32        // anchors kept by one NMS, cap min(n, kept per NMS)
	row      []float32      // one anchor's class scores, [NumClasses]
	top      []int32        // one anchor's best classes, [min(MaxClassesPerDetection, NumClasses)]
	merged   []detectionHit // regular NMS: best so far, cap MaxDetections
	mergeTmp []detectionHit // regular NMS: merge target, cap MaxDetections

	boxTab    boxTable
	scoreTab  q8Table
	anchorTab q8Table
}

// detectionHit is one (anchor, class, score) of regular NMS.
type detectionHit struct {
	anchor, class int32
	score         float32
}

// NewDetectionScratch validates opts and returns a scratch for n anchors.
func NewDetectionScratch(opts DetectionPostProcessOptions, n int) (*DetectionScratch, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if n < 1 || n > MaxDetectionAnchors {
		return nil, fmt.Errorf("detection post-process: %d anchors, want 1 to %d", n, MaxDetectionAnchors)
	}
	perNMS := opts.MaxDetections
	if opts.UseRegularNMS {
		perNMS = opts.DetectionsPerClass
	}
	s := &DetectionScratch{
		opts:     opts,
		n:        n,
		boxes:    make([]detectionBox, n),
		anchors:  make([]float32, 4*n),
		score:    make([]float32, n),
		heap:     make([]int32, 0, n),
		selected: make([]int32, 0, min(n, perNMS)),
		row:      make([]float32, opts.NumClasses),
		top:      make([]int32, min(opts.MaxClassesPerDetection, opts.NumClasses)),
	}
	if opts.UseRegularNMS {
		s.merged = make([]detectionHit, 0, opts.MaxDetections)
		s.mergeTmp = make([]detectionHit, 0, opts.MaxDetections)
	}
	return s, nil
}

// DetectionScratchBytes is what NewDetectionScratch(opts, n) allocates, in
// bytes (the scratch and every slice it makes, before the allocator rounds
// them up), for memory budgets. opts must be valid.
func DetectionScratchBytes(opts DetectionPostProcessOptions, n int) int64 {
	perNMS := opts.MaxDetections
	if opts.UseRegularNMS {
		perNMS = opts.DetectionsPerClass
	}
	n64 := int64(n)
	b := int64(unsafe.Sizeof(DetectionScratch{}))
	b += n64 * int64(unsafe.Sizeof(detectionBox{})) // boxes
	b += n64 * (4*4 + 4 + 4)                        // anchors, score, heap
	b += 4 * int64(min(n, perNMS))                  // selected
	b += 4 * int64(opts.NumClasses)                 // row
	b += 4 * int64(min(opts.MaxClassesPerDetection, opts.NumClasses))
	if opts.UseRegularNMS {
		b += 2 * int64(opts.MaxDetections) * int64(unsafe.Sizeof(detectionHit{})) // merged, mergeTmp
	}
	return b
}

// Options returns the options the scratch was made for.
func (s *DetectionScratch) Options() DetectionPostProcessOptions { return s.opts }

// Anchors returns the anchor count the scratch was made for.
func (s *DetectionScratch) Anchors() int { return s.n }

// DetectionPostProcess decodes boxEncodings ([n][L], L >= 4: ty, tx, th, tw
// first) against anchors ([n][4]: ycenter, xcenter, h, w), selects detections
// from classScores ([n][C], C = NumClasses, or NumClasses+1 with the
// background in column 0) with the scratch's options, writes out and returns
// the count. It allocates nothing.
func DetectionPostProcess(s *DetectionScratch, out DetectionOutputs, boxEncodings, classScores, anchors DetectionTensor) (int, error) {
	n, o := s.n, &s.opts
	encLen, err := checkDetectionTensor(&boxEncodings, "box encodings")
	if err != nil {
		return 0, err
	}
	if encLen%n != 0 || encLen/n < 4 {
		return 0, fmt.Errorf("detection post-process: %d box encoding values for %d anchors, want [%d][L] with L >= 4", encLen, n, n)
	}
	scoreLen, err := checkDetectionTensor(&classScores, "class scores")
	if err != nil {
		return 0, err
	}
	if int64(scoreLen) != int64(n)*int64(o.NumClasses) && int64(scoreLen) != int64(n)*int64(o.NumClasses+1) {
		return 0, fmt.Errorf("detection post-process: %d class score values, want [%d][%d] or [%d][%d] (with background)", scoreLen, n, o.NumClasses, n, o.NumClasses+1)
	}
	anchorLen, err := checkDetectionTensor(&anchors, "anchors")
	if err != nil {
		return 0, err
	}
	if anchorLen != n*4 {
		return 0, fmt.Errorf("detection post-process: %d anchor values, want [%d][4]", anchorLen, n)
	}
	rows := o.OutputRows()
	if len(out.Boxes) != 4*rows || len(out.Classes) != rows || len(out.Scores) != rows || len(out.Count) != 1 {
		return 0, fmt.Errorf("detection post-process: outputs of %d, %d, %d and %d values, want %d, %d, %d and 1",
			len(out.Boxes), len(out.Classes), len(out.Scores), len(out.Count), 4*rows, rows, rows)
	}
	if err := s.decodeBoxes(&boxEncodings, encLen/n, &anchors); err != nil {
		return 0, err
	}
	clear(out.Boxes)
	clear(out.Classes)
	clear(out.Scores)
	var count int
	if o.UseRegularNMS {
		count = s.regularNMS(out, &classScores, scoreLen/n)
	} else {
		count = s.fastNMS(out, &classScores, scoreLen/n)
	}
	out.Count[0] = float32(count)
	return count, nil
}

var errDetectionTensorKind = errors.New("set exactly one of F32, U8 and I8")

// checkDetectionTensor returns the length of the one slice t sets, after
// checking the zero point of quantized values.
func checkDetectionTensor(t *DetectionTensor, what string) (int, error) {
	set, n := 0, 0
	if t.F32 != nil {
		set, n = set+1, len(t.F32)
	}
	if t.U8 != nil {
		set, n = set+1, len(t.U8)
		if t.ZeroPoint < 0 || t.ZeroPoint > 255 {
			return 0, fmt.Errorf("detection post-process: %s: uint8 zero point %d out of range", what, t.ZeroPoint)
		}
	}
	if t.I8 != nil {
		set, n = set+1, len(t.I8)
		if t.ZeroPoint < -128 || t.ZeroPoint > 127 {
			return 0, fmt.Errorf("detection post-process: %s: int8 zero point %d out of range", what, t.ZeroPoint)
		}
	}
	if set != 1 {
		return 0, fmt.Errorf("detection post-process: %s: %w", what, errDetectionTensorKind)
	}
	return n, nil
}

package generic

import (
	"fmt"
	"math"
)

// detectionBox is a decoded box in corner form (TFLite's BoxCornerEncoding).
type detectionBox struct{ ymin, xmin, ymax, xmax float32 }

// byteQ is an 8-bit quantized element: uint8, or int8 for edgecam's shifted
// uint8 tensors. tab[uint8(q)] indexes a 256-entry table for either.
type byteQ interface{ ~uint8 | ~int8 }

// q8Key identifies the quantization a table was built for.
type q8Key struct {
	built, signed bool
	scaleBits     uint32
	zp            int32
}

func keyOf(t *DetectionTensor) q8Key {
	return q8Key{built: true, signed: t.I8 != nil, scaleBits: math.Float32bits(t.Scale), zp: t.ZeroPoint}
}

// quantValue returns the integer value of raw byte b for the key's type.
func (k q8Key) quantValue(b int) int32 {
	if k.signed {
		return int32(int8(uint8(b)))
	}
	return int32(b)
}

// q8Table maps a raw byte to its dequantized value.
type q8Table struct {
	key q8Key
	v   [256]float32
	// increasing: v grows strictly with the quantized value (a positive
	// scale), so comparing raw values orders the reals the same way.
	increasing bool
}

// buildScores fills the table with TFLite's class score dequantization
// (optimized_ops::Dequantize: float(double(scale) * (q - zero_point))).
func (t *q8Table) buildScores(k q8Key) {
	if t.key == k {
		return
	}
	scale := float64(math.Float32frombits(k.scaleBits))
	for b := range 256 {
		t.v[b] = float32(scale * float64(k.quantValue(b)-k.zp))
	}
	t.key = k
	lo, hi := int32(0), int32(255)
	if k.signed {
		lo, hi = -128, 127
	}
	t.increasing = true
	for q := lo + 1; q <= hi; q++ {
		if !(t.v[uint8(q)] > t.v[uint8(q-1)]) {
			t.increasing = false
			break
		}
	}
}

// buildBoxes fills the table with TFLite's box encoding and anchor
// dequantization (its Dequantizer: (float(q) - zero_point) * scale in float32).
func (t *q8Table) buildBoxes(k q8Key) {
	if t.key == k {
		return
	}
	scale := math.Float32frombits(k.scaleBits)
	for b := range 256 {
		t.v[b] = float32(k.quantValue(b)-k.zp) * scale
	}
	t.key, t.increasing = k, false
}

// boxTable holds, per raw byte of quantized box encodings, the float64
// terms of the decoding: y/YScale, x/XScale, exp(h/HScale), exp(w/WScale).
type boxTable struct {
	key        q8Key
	y, x, h, w [256]float64
}

func (t *boxTable) build(k q8Key, o *DetectionPostProcessOptions) {
	if t.key == k {
		return
	}
	var deq q8Table
	deq.buildBoxes(k)
	for b, v := range deq.v {
		t.y[b] = float64(v) / float64(o.YScale)
		t.x[b] = float64(v) / float64(o.XScale)
		t.h[b] = math.Exp(float64(v) / float64(o.HScale))
		t.w[b] = math.Exp(float64(v) / float64(o.WScale))
	}
	t.key = k
}

// decodeBoxes fills s.boxes from the box encodings ([n][stride]) and the
// anchors, and checks each box as TFLite's ValidateBoxes does.
func (s *DetectionScratch) decodeBoxes(enc *DetectionTensor, stride int, anchors *DetectionTensor) error {
	a := anchors.F32
	switch {
	case anchors.U8 != nil:
		s.anchorTab.buildBoxes(keyOf(anchors))
		a = dequantAnchors(s, anchors.U8)
	case anchors.I8 != nil:
		s.anchorTab.buildBoxes(keyOf(anchors))
		a = dequantAnchors(s, anchors.I8)
	}
	o := &s.opts
	switch {
	case enc.U8 != nil:
		s.boxTab.build(keyOf(enc), o)
		decodeBoxesQ(s.boxes, enc.U8, stride, a, &s.boxTab)
	case enc.I8 != nil:
		s.boxTab.build(keyOf(enc), o)
		decodeBoxesQ(s.boxes, enc.I8, stride, a, &s.boxTab)
	default:
		decodeBoxesF32(s.boxes, enc.F32, stride, a, o)
	}
	for i, b := range s.boxes {
		if b.ymin > b.ymax || b.xmin > b.xmax {
			return fmt.Errorf("detection post-process: anchor %d decodes to box (%v, %v, %v, %v) with min above max (negative anchor size?)",
				i, b.ymin, b.xmin, b.ymax, b.xmax)
		}
	}
	return nil
}

func dequantAnchors[T byteQ](s *DetectionScratch, q []T) []float32 {
	for i, v := range q {
		s.anchors[i] = s.anchorTab.v[uint8(v)]
	}
	return s.anchors
}

// decodeBoxesF32 is the float decoding. The explicit float64 conversion of
// each product keeps the compiler from fusing it with the following add
// (TFLite's reference rounds both).
func decodeBoxesF32(boxes []detectionBox, enc []float32, stride int, anchors []float32, o *DetectionPostProcessOptions) {
	ys, xs, hs, ws := float64(o.YScale), float64(o.XScale), float64(o.HScale), float64(o.WScale)
	for i := range boxes {
		e, a := enc[i*stride:i*stride+4], anchors[i*4:i*4+4]
		ay, ax, ah, aw := float64(a[0]), float64(a[1]), float64(a[2]), float64(a[3])
		yc := float32(float64(float64(e[0])/ys*ah) + ay)
		xc := float32(float64(float64(e[1])/xs*aw) + ax)
		hh := float32(0.5 * math.Exp(float64(e[2])/hs) * ah)
		hw := float32(0.5 * math.Exp(float64(e[3])/ws) * aw)
		boxes[i] = detectionBox{yc - hh, xc - hw, yc + hh, xc + hw}
	}
}

// decodeBoxesQ is decodeBoxesF32 for quantized encodings, with the float64
// terms looked up per byte: the same operations on the same values.
func decodeBoxesQ[T byteQ](boxes []detectionBox, enc []T, stride int, anchors []float32, t *boxTable) {
	for i := range boxes {
		e, a := enc[i*stride:i*stride+4], anchors[i*4:i*4+4]
		ay, ax, ah, aw := float64(a[0]), float64(a[1]), float64(a[2]), float64(a[3])
		yc := float32(float64(t.y[uint8(e[0])]*ah) + ay)
		xc := float32(float64(t.x[uint8(e[1])]*aw) + ax)
		hh := float32(0.5 * t.h[uint8(e[2])] * ah)
		hw := float32(0.5 * t.w[uint8(e[3])] * aw)
		boxes[i] = detectionBox{yc - hh, xc - hw, yc + hh, xc + hw}
	}
}

package resample

import "fmt"

// MaxRes is the largest output side a Resizer makes.
const MaxRes = 1 << 14

// RowFunc writes source row y (absolute, in source coordinates) of the
// region [x0, x0+w) as packed RGB into dst (len 3*w).
type RowFunc func(dst []byte, y, x0, w int)

// Resizer resamples a region of a SrcW×SrcH image to Res×Res RGB with
// Pillow's BILINEAR filter: the centre square (New, the canonical
// preprocessing: Pillow's crop then resize) or the whole image (NewWhole,
// a detector's input: Pillow's resize of the image itself, the aspect
// ratio not kept). It owns all its buffers, so resizing allocates nothing.
// The exported fields describe the region and the filters for callers that
// run their own passes (planar YUV); they are read only.
type Resizer struct {
	SrcW, SrcH, Res int
	Left, Top       int    // the region's top-left corner in the source
	CropW, CropH    int    // the region's size: a square for New, the source for NewWhole
	H, V            *Taps  // horizontal (CropW → Res) and vertical (CropH → Res) filters
	Row             []byte // scratch for one converted source row, 3*CropW bytes
	y0, y1          int    // region-relative rows the vertical pass reads
	tmp             []byte // horizontally resampled rows y0..y1, 3*Res each
	rows            [][]byte
	acc             []int32 // vertical pass accumulators
	raw             []byte  // one vertically filtered raw row (vertical-first path)
	rows8           [8][]byte
}

// CentreCrop returns Pillow's centre crop of a w×h image to a square.
func CentreCrop(w, h int) (left, top, side int) {
	side = min(w, h)
	return (w - side) / 2, (h - side) / 2, side
}

// New returns a resizer from srcW×srcH to res×res through the centre
// square (CentreCrop).
func New(srcW, srcH, res int) (*Resizer, error) {
	if err := checkSizes(srcW, srcH, res); err != nil {
		return nil, err
	}
	left, top, side := CentreCrop(srcW, srcH)
	return newResizer(srcW, srcH, res, left, top, side, side), nil
}

// NewWhole returns a resizer from the whole srcW×srcH image to res×res:
// each axis is resampled on its own, so a non-square image is squeezed.
func NewWhole(srcW, srcH, res int) (*Resizer, error) {
	if err := checkSizes(srcW, srcH, res); err != nil {
		return nil, err
	}
	return newResizer(srcW, srcH, res, 0, 0, srcW, srcH), nil
}

func checkSizes(srcW, srcH, res int) error {
	if srcW <= 0 || srcH <= 0 {
		return fmt.Errorf("bad source size %dx%d", srcW, srcH)
	}
	if res <= 0 || res > MaxRes {
		return fmt.Errorf("bad output size %d (want 1..%d)", res, MaxRes)
	}
	return nil
}

func newResizer(srcW, srcH, res, left, top, w, h int) *Resizer {
	r := &Resizer{SrcW: srcW, SrcH: srcH, Res: res, Left: left, Top: top, CropW: w, CropH: h}
	r.H = newTaps(w, 0, float64(w), res)
	r.V = newTaps(h, 0, float64(h), res)
	r.y0, r.y1 = r.V.span()
	r.Row = make([]byte, 3*w)
	r.tmp = make([]byte, (r.y1-r.y0)*3*res)
	r.rows = make([][]byte, r.V.k)
	r.acc = make([]int32, max(3*res, 4*w))
	r.raw = make([]byte, 4*w)
	return r
}

// Resize fills dst (3*Res*Res bytes) from the rows src produces, in
// Pillow's order: each source row is resampled horizontally (and rounded),
// then the rows vertically. src is asked for each row of the region once.
func (r *Resizer) Resize(dst []byte, src RowFunc) {
	stride := 3 * r.Res
	for y := r.y0; y < r.y1; y++ {
		src(r.Row, r.Top+y, r.Left, r.CropW)
		r.H.Horizontal3(r.tmp[(y-r.y0)*stride:(y-r.y0+1)*stride], r.Row)
	}
	for yy := 0; yy < r.Res; yy++ {
		if r.V.First8 != nil {
			first := int(r.V.First8[yy])
			for i := range r.rows8 {
				// Rows outside the filtered range carry zero weight.
				y := min(max(first+i, r.y0), r.y1-1) - r.y0
				r.rows8[i] = r.tmp[y*stride : (y+1)*stride]
			}
			r.V.Vertical8(dst[yy*stride:(yy+1)*stride], yy, &r.rows8)
			continue
		}
		first := int(r.V.first[yy]) - r.y0
		n := int(r.V.n[yy])
		for i := 0; i < n; i++ {
			r.rows[i] = r.tmp[(first+i)*stride : (first+i+1)*stride]
		}
		r.V.vertical(dst[yy*stride:(yy+1)*stride], yy, r.rows[:n], r.acc)
	}
}

// ResizeVerticalFirst is Resize for packed formats whose bytes can be
// filtered independently (YUYV): it filters the raw rows vertically first,
// converts the Res filtered rows (instead of CropH rows) to RGB, then filters
// horizontally. Faster by about the downscale factor; not bit-identical to
// Pillow's order, which no YUV source can be anyway. span(y) returns the
// region's bytes of source row y (absolute, at most 4*CropW bytes), toRGB
// converts such a span into packed RGB.
func (r *Resizer) ResizeVerticalFirst(dst []byte, span func(y int) []byte, toRGB func(dst, raw []byte)) {
	stride := 3 * r.Res
	for yy := 0; yy < r.Res; yy++ {
		var raw []byte
		if r.V.First8 != nil {
			first := int(r.V.First8[yy])
			for i := range r.rows8 {
				r.rows8[i] = span(r.Top + first + i)
			}
			raw = r.raw[:len(r.rows8[0])]
			r.V.Vertical8(raw, yy, &r.rows8)
		} else {
			first := int(r.V.first[yy])
			n := int(r.V.n[yy])
			for i := 0; i < n; i++ {
				r.rows[i] = span(r.Top + first + i)
			}
			raw = r.raw[:len(r.rows[0])]
			r.V.vertical(raw, yy, r.rows[:n], r.acc)
		}
		toRGB(r.Row, raw)
		r.H.Horizontal3(dst[yy*stride:(yy+1)*stride], r.Row)
	}
}

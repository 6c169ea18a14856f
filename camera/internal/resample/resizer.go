package resample

import "fmt"

// MaxRes is the largest output side a Resizer makes.
const MaxRes = 1 << 14

// RowFunc writes source row y (absolute, in source coordinates) of the crop
// [x0, x0+w) as packed RGB into dst (len 3*w).
type RowFunc func(dst []byte, y, x0, w int)

// Resizer centre-crops a SrcW×SrcH image to a square and resamples it to
// Res×Res RGB with Pillow's BILINEAR filter. It owns all its buffers, so
// resizing allocates nothing. The exported fields describe the crop and the
// filters for callers that run their own passes (planar YUV); they are read
// only.
type Resizer struct {
	SrcW, SrcH, Res int
	Left, Top, Side int    // the centre crop
	H, V            *Taps  // horizontal and vertical filters
	Row             []byte // scratch for one converted source row, 3*Side bytes
	y0, y1          int    // crop-relative rows the vertical pass reads
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

// New returns a resizer from srcW×srcH to res×res.
func New(srcW, srcH, res int) (*Resizer, error) {
	if srcW <= 0 || srcH <= 0 {
		return nil, fmt.Errorf("bad source size %dx%d", srcW, srcH)
	}
	if res <= 0 || res > MaxRes {
		return nil, fmt.Errorf("bad output size %d (want 1..%d)", res, MaxRes)
	}
	left, top, side := CentreCrop(srcW, srcH)
	r := &Resizer{SrcW: srcW, SrcH: srcH, Res: res, Left: left, Top: top, Side: side}
	r.H = newTaps(side, 0, float64(side), res)
	r.V = newTaps(side, 0, float64(side), res)
	r.y0, r.y1 = r.V.span()
	r.Row = make([]byte, 3*side)
	r.tmp = make([]byte, (r.y1-r.y0)*3*res)
	r.rows = make([][]byte, r.V.k)
	r.acc = make([]int32, max(3*res, 4*side))
	r.raw = make([]byte, 4*side)
	return r, nil
}

// Resize fills dst (3*Res*Res bytes) from the rows src produces, in
// Pillow's order: each source row is resampled horizontally (and rounded),
// then the rows vertically. src is asked for each row of the crop once.
func (r *Resizer) Resize(dst []byte, src RowFunc) {
	stride := 3 * r.Res
	for y := r.y0; y < r.y1; y++ {
		src(r.Row, r.Top+y, r.Left, r.Side)
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
// converts the Res filtered rows (instead of Side rows) to RGB, then filters
// horizontally. Faster by about the downscale factor; not bit-identical to
// Pillow's order, which no YUV source can be anyway. span(y) returns the
// crop's bytes of source row y (absolute, at most 4*Side bytes), toRGB
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

package camera

import "fmt"

// rowFunc writes source row y (absolute, in source coordinates) of the crop
// [x0, x0+w) as packed RGB into dst (len 3*w).
type rowFunc func(dst []byte, y, x0, w int)

// resizer centre-crops a srcW×srcH image to a square and resamples it to
// res×res RGB with Pillow's BILINEAR filter. It owns all its buffers, so
// resizing allocates nothing.
type resizer struct {
	srcW, srcH, res int
	left, top, side int
	h, v            *taps
	y0, y1          int      // crop-relative rows the vertical pass reads
	row             []byte   // one converted source row, 3*side
	tmp             []byte   // horizontally resampled rows y0..y1, 3*res each
	rows            [][]byte // views into tmp for the vertical pass
	acc             []int32  // vertical pass accumulators
	raw             []byte   // one vertically filtered raw row (vertical-first path)
	rows8           [8][]byte
}

// centreCrop returns Pillow's centre crop of a w×h image to a square.
func centreCrop(w, h int) (left, top, side int) {
	side = min(w, h)
	return (w - side) / 2, (h - side) / 2, side
}

func newResizer(srcW, srcH, res int) (*resizer, error) {
	if srcW <= 0 || srcH <= 0 {
		return nil, fmt.Errorf("camera: bad source size %dx%d", srcW, srcH)
	}
	if res <= 0 || res > 1<<14 {
		return nil, fmt.Errorf("camera: bad output size %d", res)
	}
	left, top, side := centreCrop(srcW, srcH)
	r := &resizer{srcW: srcW, srcH: srcH, res: res, left: left, top: top, side: side}
	r.h = newTaps(side, 0, float64(side), res)
	r.v = newTaps(side, 0, float64(side), res)
	r.y0, r.y1 = r.v.span()
	r.row = make([]byte, 3*side)
	n := r.y1 - r.y0
	r.tmp = make([]byte, n*3*res)
	r.rows = make([][]byte, r.v.k)
	r.acc = make([]int32, max(3*res, 4*side))
	r.raw = make([]byte, 4*side)
	return r, nil
}

// resize fills dst (3*res*res bytes) from the rows src produces.
func (r *resizer) resize(dst []byte, src rowFunc) {
	stride := 3 * r.res
	for y := r.y0; y < r.y1; y++ {
		src(r.row, r.top+y, r.left, r.side)
		r.h.horizontal3(r.tmp[(y-r.y0)*stride:(y-r.y0+1)*stride], r.row)
	}
	for yy := 0; yy < r.res; yy++ {
		if r.v.first8 != nil {
			first := int(r.v.first8[yy])
			for i := range r.rows8 {
				// Rows outside the filtered range carry zero weight.
				y := min(max(first+i, r.y0), r.y1-1) - r.y0
				r.rows8[i] = r.tmp[y*stride : (y+1)*stride]
			}
			r.v.vertical8(dst[yy*stride:(yy+1)*stride], yy, &r.rows8)
			continue
		}
		first := int(r.v.first[yy]) - r.y0
		n := int(r.v.n[yy])
		for i := 0; i < n; i++ {
			r.rows[i] = r.tmp[(first+i)*stride : (first+i+1)*stride]
		}
		r.v.vertical(dst[yy*stride:(yy+1)*stride], yy, r.rows[:n], r.acc)
	}
}

// resizeVerticalFirst is resize for packed formats whose bytes can be
// filtered independently (YUYV): it filters the raw rows vertically first,
// converts the res filtered rows (instead of side rows) to RGB, then filters
// horizontally. Faster by about the downscale factor; not bit-identical to
// Pillow's order, which no YUV source can be anyway. span(y) returns the
// crop's bytes of source row y (absolute), toRGB converts such a span.
func (r *resizer) resizeVerticalFirst(dst []byte, span func(y int) []byte, toRGB func(dst, raw []byte)) {
	stride := 3 * r.res
	for yy := 0; yy < r.res; yy++ {
		var raw []byte
		if r.v.first8 != nil {
			first := int(r.v.first8[yy])
			for i := range r.rows8 {
				r.rows8[i] = span(r.top + first + i)
			}
			raw = r.raw[:len(r.rows8[0])]
			r.v.vertical8(raw, yy, &r.rows8)
		} else {
			first := int(r.v.first[yy])
			n := int(r.v.n[yy])
			for i := 0; i < n; i++ {
				r.rows[i] = span(r.top + first + i)
			}
			raw = r.raw[:len(r.rows[0])]
			r.v.vertical(raw, yy, r.rows[:n], r.acc)
		}
		toRGB(r.row, raw)
		r.h.horizontal3(dst[yy*stride:(yy+1)*stride], r.row)
	}
}

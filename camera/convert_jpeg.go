package camera

import "image"

// ycbcrPlanes is scratch for converting decoded JPEG planes vertical-first.
type ycbcrPlanes struct {
	y, cb, cr          [8][]byte
	yRaw, cbRaw, crRaw []byte
}

// resizeYCbCr is the MJPEG counterpart of resizeVerticalFirst: it filters
// the Y, Cb and Cr planes vertically (chroma rows as the standard library's
// nearest-neighbour upsampling assigns them), converts only res rows to RGB
// and filters them horizontally. It returns false, doing nothing, when the
// image's layout does not allow it (then the caller takes the exact path).
func (c *Converter) resizeYCbCr(dst []byte, m *image.YCbCr) bool {
	r := c.rz
	var hshift uint
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440:
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		hshift = 1
	default:
		return false
	}
	min := m.Rect.Min
	if r.v.first8 == nil || (hshift == 1 && ((min.X+r.left)%2 != 0 || r.side%2 != 0)) {
		return false
	}
	p := &c.planes
	cw := r.side >> hshift
	if len(p.yRaw) != r.side || len(p.cbRaw) != cw {
		p.yRaw, p.cbRaw, p.crRaw = make([]byte, r.side), make([]byte, cw), make([]byte, cw)
	}
	stride := 3 * r.res
	x0 := min.X + r.left
	for yy := 0; yy < r.res; yy++ {
		first := int(r.v.first8[yy])
		for i := range 8 {
			y := min.Y + r.top + first + i
			yo, co := m.YOffset(x0, y), m.COffset(x0, y)
			p.y[i] = m.Y[yo : yo+r.side]
			p.cb[i] = m.Cb[co : co+cw]
			p.cr[i] = m.Cr[co : co+cw]
		}
		r.v.vertical8(p.yRaw, yy, &p.y)
		r.v.vertical8(p.cbRaw, yy, &p.cb)
		r.v.vertical8(p.crRaw, yy, &p.cr)
		row := r.row[:3*r.side]
		cb, cr := p.cbRaw, p.crRaw
		for x, yv := range p.yRaw {
			ci := x >> hshift
			yy1 := int32(yv) * 0x10101
			cb1 := int32(cb[ci]) - 128
			cr1 := int32(cr[ci]) - 128
			row[3*x] = clamp16(yy1 + 91881*cr1)
			row[3*x+1] = clamp16(yy1 - 22554*cb1 - 46802*cr1)
			row[3*x+2] = clamp16(yy1 + 116130*cb1)
		}
		r.h.horizontal3(dst[yy*stride:(yy+1)*stride], row)
	}
	return true
}

// resizeNV12 is resizeYCbCr for NV12 frames: the Y plane and the
// interleaved UV plane (rows shared by two luma rows) are filtered
// vertically, then res rows are converted (BT.601 limited range) and
// filtered horizontally. False when the crop is not chroma-aligned.
func (c *Converter) resizeNV12(dst []byte, f *Frame) bool {
	r := c.rz
	if r.v.first8 == nil || r.left%2 != 0 || r.side%2 != 0 {
		return false
	}
	p := &c.planes
	if len(p.yRaw) != r.side || len(p.cbRaw) != r.side {
		p.yRaw, p.cbRaw, p.crRaw = make([]byte, r.side), make([]byte, r.side), make([]byte, r.side)
	}
	cw := (f.Width + 1) / 2
	uvPlane := f.Data[f.Width*f.Height:]
	stride := 3 * r.res
	for yy := 0; yy < r.res; yy++ {
		first := int(r.v.first8[yy])
		for i := range 8 {
			y := r.top + first + i
			yo := y*f.Width + r.left
			uo := (y/2)*2*cw + r.left
			p.y[i] = f.Data[yo : yo+r.side]
			p.cb[i] = uvPlane[uo : uo+r.side]
		}
		r.v.vertical8(p.yRaw, yy, &p.y)
		r.v.vertical8(p.cbRaw, yy, &p.cb)
		row := r.row[:3*r.side]
		uv := p.cbRaw
		for x := 0; x+1 < r.side; x += 2 {
			d, e := int32(uv[x])-128, int32(uv[x+1])-128
			rv, gv, bv := 409*e+128, 128-100*d-208*e, 516*d+128
			c0, c1 := 298*(int32(p.yRaw[x])-16), 298*(int32(p.yRaw[x+1])-16)
			o := (*[6]byte)(row[3*x:])
			o[0], o[1], o[2] = clampShift8(c0+rv), clampShift8(c0+gv), clampShift8(c0+bv)
			o[3], o[4], o[5] = clampShift8(c1+rv), clampShift8(c1+gv), clampShift8(c1+bv)
		}
		r.h.horizontal3(dst[yy*stride:(yy+1)*stride], row)
	}
	return true
}

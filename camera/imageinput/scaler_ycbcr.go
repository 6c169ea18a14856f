package imageinput

import "image"

// ycbcrPlanes is scratch for converting decoded JPEG planes vertical-first.
type ycbcrPlanes struct {
	y, cb, cr          [8][]byte
	yRaw, cbRaw, crRaw []byte
}

// resizeYCbCr filters the Y, Cb and Cr planes of m vertically (chroma rows
// as the standard library's nearest-neighbour upsampling assigns them),
// converts only res rows to RGB and filters them horizontally, through
// s.rz, already sized for m. It returns false, doing nothing, when the
// image's layout does not allow it (then the caller takes the exact path).
func (s *Scaler) resizeYCbCr(dst []byte, m *image.YCbCr) bool {
	r := s.rz
	var hshift uint
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440:
	case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
		hshift = 1
	default:
		return false
	}
	min := m.Rect.Min
	if r.V.First8 == nil || (hshift == 1 && ((min.X+r.Left)%2 != 0 || r.CropW%2 != 0)) {
		return false
	}
	p := &s.planes
	cw := r.CropW >> hshift
	if len(p.yRaw) != r.CropW || len(p.cbRaw) != cw {
		p.yRaw, p.cbRaw, p.crRaw = make([]byte, r.CropW), make([]byte, cw), make([]byte, cw)
	}
	stride := 3 * r.Res
	x0 := min.X + r.Left
	for yy := 0; yy < r.Res; yy++ {
		first := int(r.V.First8[yy])
		for i := range 8 {
			y := min.Y + r.Top + first + i
			yo, co := m.YOffset(x0, y), m.COffset(x0, y)
			p.y[i] = m.Y[yo : yo+r.CropW]
			p.cb[i] = m.Cb[co : co+cw]
			p.cr[i] = m.Cr[co : co+cw]
		}
		r.V.Vertical8(p.yRaw, yy, &p.y)
		r.V.Vertical8(p.cbRaw, yy, &p.cb)
		r.V.Vertical8(p.crRaw, yy, &p.cr)
		row := r.Row[:3*r.CropW]
		cb, cr := p.cbRaw, p.crRaw
		for x, yv := range p.yRaw {
			ci := x >> hshift
			row[3*x], row[3*x+1], row[3*x+2] = ycbcrToRGB(yv, cb[ci], cr[ci])
		}
		r.H.Horizontal3(dst[yy*stride:(yy+1)*stride], row)
	}
	return true
}

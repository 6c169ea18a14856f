package camera

// i420Planes is scratch for converting I420 frames vertical-first.
type i420Planes struct {
	y, u, v          [8][]byte
	yRaw, uRaw, vRaw []byte
}

// i420Offsets returns where the U and V planes of a w×h I420 frame start
// and their row length (chroma planes are (w+1)/2 × (h+1)/2).
func i420Offsets(w, h int) (uOff, vOff, cw int) {
	cw = (w + 1) / 2
	uOff = w * h
	return uOff, uOff + cw*((h+1)/2), cw
}

// i420Row converts one cropped row of the current I420 frame: luma row y,
// chroma row y/2, chroma column x/2 (BT.601 limited range).
func (c *Converter) i420Row(dst []byte, y, x0, w int) {
	f := c.cur
	uOff, vOff, cw := i420Offsets(f.Width, f.Height)
	yrow := f.Data[y*f.Width : (y+1)*f.Width]
	urow := f.Data[uOff+(y/2)*cw : uOff+(y/2+1)*cw]
	vrow := f.Data[vOff+(y/2)*cw : vOff+(y/2+1)*cw]
	dst = dst[:3*w]
	for i := 0; i < w; i++ {
		x := x0 + i
		dst[3*i], dst[3*i+1], dst[3*i+2] = yuvToRGB(yrow[x], urow[x/2], vrow[x/2])
	}
}

// resizeI420 converts an I420 frame vertical-first, as resizeNV12 does NV12:
// the Y, U and V planes are filtered vertically (chroma rows shared by two
// luma rows, as i420Row reads them), then res rows are converted and
// filtered horizontally. False when the crop is not chroma-aligned.
func (c *Converter) resizeI420(dst []byte, f *Frame) bool {
	r := c.rz
	if r.V.First8 == nil || r.Left%2 != 0 || r.CropW%2 != 0 {
		return false
	}
	p := &c.i420Planes
	half := r.CropW / 2
	if len(p.yRaw) != r.CropW {
		p.yRaw, p.uRaw, p.vRaw = make([]byte, r.CropW), make([]byte, half), make([]byte, half)
	}
	uOff, vOff, cw := i420Offsets(f.Width, f.Height)
	stride := 3 * r.Res
	for yy := 0; yy < r.Res; yy++ {
		first := int(r.V.First8[yy])
		for i := range 8 {
			y := r.Top + first + i
			yo := y*f.Width + r.Left
			co := (y/2)*cw + r.Left/2
			p.y[i] = f.Data[yo : yo+r.CropW]
			p.u[i] = f.Data[uOff+co : uOff+co+half]
			p.v[i] = f.Data[vOff+co : vOff+co+half]
		}
		r.V.Vertical8(p.yRaw, yy, &p.y)
		r.V.Vertical8(p.uRaw, yy, &p.u)
		r.V.Vertical8(p.vRaw, yy, &p.v)
		row := r.Row[:3*r.CropW]
		for x := 0; x+1 < r.CropW; x += 2 {
			d, e := int32(p.uRaw[x/2])-128, int32(p.vRaw[x/2])-128
			rv, gv, bv := 409*e+128, 128-100*d-208*e, 516*d+128
			c0, c1 := 298*(int32(p.yRaw[x])-16), 298*(int32(p.yRaw[x+1])-16)
			o := (*[6]byte)(row[3*x:])
			o[0], o[1], o[2] = clampShift8(c0+rv), clampShift8(c0+gv), clampShift8(c0+bv)
			o[3], o[4], o[5] = clampShift8(c1+rv), clampShift8(c1+gv), clampShift8(c1+bv)
		}
		r.H.Horizontal3(dst[yy*stride:(yy+1)*stride], row)
	}
	return true
}

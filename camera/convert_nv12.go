package camera

// nv12Planes is scratch for converting NV12 frames vertical-first.
type nv12Planes struct {
	y, uv       [8][]byte
	yRaw, uvRaw []byte
}

// resizeNV12 converts an NV12 frame vertical-first, as imageinput does the
// planes of MJPEG frames: the Y plane and the interleaved UV plane (rows
// shared by two luma rows) are filtered vertically, then res rows are
// converted (BT.601 limited range) and filtered horizontally. False when
// the crop is not chroma-aligned.
func (c *Converter) resizeNV12(dst []byte, f *Frame) bool {
	r := c.rz
	if r.V.First8 == nil || r.Left%2 != 0 || r.CropW%2 != 0 {
		return false
	}
	p := &c.planes
	if len(p.yRaw) != r.CropW {
		p.yRaw, p.uvRaw = make([]byte, r.CropW), make([]byte, r.CropW)
	}
	cw := (f.Width + 1) / 2
	uvPlane := f.Data[f.Width*f.Height:]
	stride := 3 * r.Res
	for yy := 0; yy < r.Res; yy++ {
		first := int(r.V.First8[yy])
		for i := range 8 {
			y := r.Top + first + i
			yo := y*f.Width + r.Left
			uo := (y/2)*2*cw + r.Left
			p.y[i] = f.Data[yo : yo+r.CropW]
			p.uv[i] = uvPlane[uo : uo+r.CropW]
		}
		r.V.Vertical8(p.yRaw, yy, &p.y)
		r.V.Vertical8(p.uvRaw, yy, &p.uv)
		row := r.Row[:3*r.CropW]
		uv := p.uvRaw
		for x := 0; x+1 < r.CropW; x += 2 {
			d, e := int32(uv[x])-128, int32(uv[x+1])-128
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

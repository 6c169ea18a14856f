package imageinput

import (
	"image"
	"image/color"

	"github.com/edgecam/edgecam/camera/internal/resample"
)

// rowsOf returns a row reader that converts img to packed RGB as Pillow's
// convert("RGB") does (see the package doc), with a fast path for every
// type the PNG, JPEG and BMP decoders produce. Coordinates passed to the
// reader are relative to img.Bounds().Min. Color.RGBA() is never used on
// non-premultiplied types: it would multiply the colour by alpha.
func rowsOf(img image.Image) resample.RowFunc {
	min := img.Bounds().Min
	switch m := img.(type) {
	case *image.NRGBA:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			pack4(dst, m.Pix[off:off+4*w])
		}
	case *image.RGBA:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			rgbaRow(dst, m.Pix[off:off+4*w])
		}
	case *image.Gray:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			greyRow(dst, m.Pix[off:off+w])
		}
	case *image.Gray16:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			gray16Row(dst, m.Pix[off:off+2*w], 2)
		}
	case gray16Alpha:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			gray16Row(dst, m.Pix[off:off+8*w], 8)
		}
	case *image.NRGBA64:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			highBytes(dst, m.Pix[off:off+8*w])
		}
	case *image.RGBA64:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			rgba64Row(dst, m.Pix[off:off+8*w])
		}
	case *image.Paletted:
		table := paletteRGB(m.Palette)
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			dst = dst[:3*w]
			for i, idx := range m.Pix[off : off+w] {
				c := &table[idx]
				dst[3*i], dst[3*i+1], dst[3*i+2] = c[0], c[1], c[2]
			}
		}
	case *image.YCbCr:
		return func(dst []byte, y, x0, w int) { ycbcrRow(dst, m, min.X+x0, min.Y+y, w) }
	}
	return func(dst []byte, y, x0, w int) {
		for i := range w {
			dst[3*i], dst[3*i+1], dst[3*i+2] = storedRGB(img.At(min.X+x0+i, min.Y+y))
		}
	}
}

// storedRGB is the straight (not premultiplied) colour of c.
func storedRGB(c color.Color) (r, g, b byte) {
	switch c := c.(type) {
	case color.NRGBA:
		return c.R, c.G, c.B
	case color.NRGBA64:
		return byte(c.R >> 8), byte(c.G >> 8), byte(c.B >> 8)
	case color.RGBA:
		if c.A == 0xFF {
			return c.R, c.G, c.B
		}
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return n.R, n.G, n.B
}

// paletteRGB is the straight colour of each palette entry; indices past
// the palette are black, as the PNG decoder fills them.
func paletteRGB(p color.Palette) *[256][3]byte {
	var t [256][3]byte
	for i, c := range p[:min(len(p), 256)] {
		t[i][0], t[i][1], t[i][2] = storedRGB(c)
	}
	return &t
}

// pack4 drops the fourth byte of each pixel of src into dst.
func pack4(dst, src []byte) {
	n := len(src) / 4
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		dst[3*i], dst[3*i+1], dst[3*i+2] = src[4*i], src[4*i+1], src[4*i+2]
	}
}

// rgbaRow converts premultiplied RGBA: opaque pixels (every pixel of a
// decoded file) as stored, others divided by alpha.
func rgbaRow(dst, src []byte) {
	n := len(src) / 4
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		p := src[4*i : 4*i+4 : 4*i+4]
		if p[3] == 0xFF {
			dst[3*i], dst[3*i+1], dst[3*i+2] = p[0], p[1], p[2]
			continue
		}
		dst[3*i], dst[3*i+1], dst[3*i+2] = storedRGB(color.RGBA{p[0], p[1], p[2], p[3]})
	}
}

// rgba64Row is rgbaRow for 16-bit samples, keeping the high byte.
func rgba64Row(dst, src []byte) {
	n := len(src) / 8
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		p := src[8*i : 8*i+8 : 8*i+8]
		if p[6] == 0xFF && p[7] == 0xFF {
			dst[3*i], dst[3*i+1], dst[3*i+2] = p[0], p[2], p[4]
			continue
		}
		c := color.RGBA64{uint16(p[0])<<8 | uint16(p[1]), uint16(p[2])<<8 | uint16(p[3]), uint16(p[4])<<8 | uint16(p[5]), uint16(p[6])<<8 | uint16(p[7])}
		n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
		dst[3*i], dst[3*i+1], dst[3*i+2] = byte(n.R>>8), byte(n.G>>8), byte(n.B>>8)
	}
}

// highBytes takes the high byte of R, G and B of big-endian 16-bit RGBA
// pixels, as Pillow's RGBA;16B and LA;16B unpackers do.
func highBytes(dst, src []byte) {
	n := len(src) / 8
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		dst[3*i], dst[3*i+1], dst[3*i+2] = src[8*i], src[8*i+2], src[8*i+4]
	}
}

// gray16Row converts big-endian 16-bit gray samples, one every stride
// bytes, as Pillow converts mode "I" to RGB: values above 255 become 255.
func gray16Row(dst, src []byte, stride int) {
	n := len(src) / stride
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		v := src[stride*i+1]
		if src[stride*i] != 0 {
			v = 0xFF
		}
		dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
	}
}

// greyRow expands luma bytes to RGB.
func greyRow(dst, src []byte) {
	dst = dst[:3*len(src)]
	for i, v := range src {
		dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
	}
}

// ycbcrRow converts w pixels of row y from x0 (absolute coordinates) of m to
// packed RGB with exactly color.YCbCrToRGB's arithmetic, inlined, for the
// subsampling ratios JPEG decoders produce.
func ycbcrRow(dst []byte, m *image.YCbCr, x0, y, w int) {
	var cy int
	var hshift uint
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
		cy = y - m.Rect.Min.Y
	case image.YCbCrSubsampleRatio422:
		cy, hshift = y-m.Rect.Min.Y, 1
	case image.YCbCrSubsampleRatio420:
		cy, hshift = y/2-m.Rect.Min.Y/2, 1
	case image.YCbCrSubsampleRatio440:
		cy = y/2 - m.Rect.Min.Y/2
	default:
		for i := 0; i < w; i++ {
			yi := m.YOffset(x0+i, y)
			ci := m.COffset(x0+i, y)
			dst[3*i], dst[3*i+1], dst[3*i+2] = color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
		return
	}
	yrow := m.Y[(y-m.Rect.Min.Y)*m.YStride+(x0-m.Rect.Min.X):]
	yrow = yrow[:w]
	cbase := cy*m.CStride + (x0 >> hshift) - (m.Rect.Min.X >> hshift)
	cb, cr := m.Cb[cbase:], m.Cr[cbase:]
	dst = dst[:3*w]
	for i, yv := range yrow {
		ci := (x0+i)>>hshift - x0>>hshift
		dst[3*i], dst[3*i+1], dst[3*i+2] = ycbcrToRGB(yv, cb[ci], cr[ci])
	}
}

// ycbcrToRGB is color.YCbCrToRGB, inlinable.
func ycbcrToRGB(y, cb, cr byte) (r, g, b byte) {
	yy1 := int32(y) * 0x10101
	cb1 := int32(cb) - 128
	cr1 := int32(cr) - 128
	return clamp16(yy1 + 91881*cr1), clamp16(yy1 - 22554*cb1 - 46802*cr1), clamp16(yy1 + 116130*cb1)
}

// clamp16 is color.YCbCrToRGB's clamp of a 16.16 value to a byte.
func clamp16(v int32) byte {
	if uint32(v)&0xff000000 == 0 {
		return byte(v >> 16)
	}
	return byte(^(v >> 31))
}

package camera

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // registers JPEG for image.Decode
	_ "image/png"  // registers PNG for image.Decode
	"os"
	"path/filepath"
	"strings"

	_ "golang.org/x/image/bmp" // registers BMP for image.Decode
)

// LoadRGB reads an image file and returns it as res×res HWC uint8 RGB: PNG,
// JPEG and BMP are decoded, centre-cropped to a square and resized with
// Pillow's BILINEAR filter (bit-exact for PNG). A .rgb file must hold exactly
// res*res*3 bytes and is returned as is.
func LoadRGB(path string, res int) ([]byte, error) {
	if res <= 0 {
		return nil, fmt.Errorf("load %s: bad resolution %d", path, res)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load image: %w", err)
	}
	if strings.EqualFold(filepath.Ext(path), ".rgb") {
		if want := res * res * 3; len(data) != want {
			return nil, fmt.Errorf("load %s: raw RGB file has %d bytes, want %d (%dx%dx3)", path, len(data), want, res, res)
		}
		return data, nil
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	out, err := ImageToRGB(img, res)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return out, nil
}

// ImageToRGB centre-crops img to a square and resizes it to res×res HWC
// uint8 RGB with Pillow's BILINEAR filter. Alpha is dropped, as Pillow's
// convert("RGB") does.
func ImageToRGB(img image.Image, res int) ([]byte, error) {
	b := img.Bounds()
	r, err := newResizer(b.Dx(), b.Dy(), res)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 3*res*res)
	r.resize(out, imageRows(img))
	return out, nil
}

// imageRows returns a row reader for img with fast paths for the types the
// standard decoders produce. Coordinates are relative to img.Bounds().Min.
func imageRows(img image.Image) rowFunc {
	min := img.Bounds().Min
	switch m := img.(type) {
	case *image.RGBA:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			packRGB(dst, m.Pix[off:off+4*w])
		}
	case *image.NRGBA:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			packRGB(dst, m.Pix[off:off+4*w])
		}
	case *image.Gray:
		return func(dst []byte, y, x0, w int) {
			off := m.PixOffset(min.X+x0, min.Y+y)
			greyRow(dst, m.Pix[off:off+w])
		}
	case *image.YCbCr:
		return func(dst []byte, y, x0, w int) { ycbcrRow(dst, m, min.X+x0, min.Y+y, w) }
	}
	return func(dst []byte, y, x0, w int) {
		for i := 0; i < w; i++ {
			c := color.NRGBAModel.Convert(img.At(min.X+x0+i, min.Y+y)).(color.NRGBA)
			dst[3*i], dst[3*i+1], dst[3*i+2] = c.R, c.G, c.B
		}
	}
}

// packRGB drops the fourth byte of each pixel of src into dst.
func packRGB(dst, src []byte) {
	n := len(src) / 4
	dst = dst[:3*n]
	for i := 0; i < n; i++ {
		dst[3*i], dst[3*i+1], dst[3*i+2] = src[4*i], src[4*i+1], src[4*i+2]
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
		yy1 := int32(yv) * 0x10101
		cb1 := int32(cb[ci]) - 128
		cr1 := int32(cr[ci]) - 128
		r := yy1 + 91881*cr1
		g := yy1 - 22554*cb1 - 46802*cr1
		b := yy1 + 116130*cb1
		dst[3*i] = clamp16(r)
		dst[3*i+1] = clamp16(g)
		dst[3*i+2] = clamp16(b)
	}
}

// clamp16 is color.YCbCrToRGB's clamp of a 16.16 value to a byte.
func clamp16(v int32) byte {
	if uint32(v)&0xff000000 == 0 {
		return byte(v >> 16)
	}
	return byte(^(v >> 31))
}

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
		return func(dst []byte, y, x0, w int) {
			for i := 0; i < w; i++ {
				yi := m.YOffset(min.X+x0+i, min.Y+y)
				ci := m.COffset(min.X+x0+i, min.Y+y)
				r, g, b := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				dst[3*i], dst[3*i+1], dst[3*i+2] = r, g, b
			}
		}
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

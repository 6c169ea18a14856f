package imageinput

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/bmp"
)

// Decode decodes a PNG, JPEG or BMP image from data, the whole encoded
// file, once DecodeConfig has accepted its declared size; name names the
// image in errors. The format is told by the data's signature, not by a
// file name, and only these three decoders are ever run, whatever else a
// program registers with package image.
func Decode(data []byte, name string) (image.Image, error) {
	img, _, err := decode(data, name)
	return img, err
}

// decode is Decode, also returning the header.
func decode(data []byte, name string) (image.Image, Header, error) {
	h, err := DecodeConfig(data, name)
	if err != nil {
		return nil, h, err
	}
	r := bytes.NewReader(data)
	var img image.Image
	switch h.Format {
	case "png":
		img, err = png.Decode(r)
	case "jpeg":
		img, err = jpeg.Decode(r)
	case "bmp":
		img, err = bmp.Decode(r)
	}
	if err != nil {
		return nil, h, fmt.Errorf("decode %s: %w", name, err)
	}
	if b := img.Bounds(); b.Dx() != h.Width || b.Dy() != h.Height {
		return nil, h, fmt.Errorf("decode %s: decoded %dx%d where the header declares %dx%d", name, b.Dx(), b.Dy(), h.Width, h.Height)
	}
	if h.gray16 {
		if m, ok := img.(*image.NRGBA64); ok { // 16-bit gray with a tRNS chunk
			return gray16Alpha{m}, h, nil
		}
	}
	return img, h, nil
}

// gray16Alpha is a 16-bit grayscale PNG with transparency, which Go decodes
// as NRGBA64 with the gray value in R, G and B. Pillow reads it as mode "I"
// and clips values above 255 when converting to RGB, where it takes the
// high byte of other 16-bit images; the type tells the two apart.
type gray16Alpha struct{ *image.NRGBA64 }

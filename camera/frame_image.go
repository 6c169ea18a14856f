package camera

import (
	"fmt"
	"image"

	"github.com/edgecam/edgecam/camera/imageinput"
)

// FrameImage returns the whole frame as an image, at its own size, for
// pictures of it (snapshots): encoded frames are decoded by
// camera/imageinput (which checks the size they declare first), YUV frames
// converted from BT.601 limited range as the Converter does. A short or
// corrupt frame is an error wrapping ErrBadFrame. The image does not share
// f.Data.
func FrameImage(f *Frame) (image.Image, error) {
	switch f.Format {
	case FormatMJPEG, FormatImage:
		img, err := imageinput.Decode(f.Data, f.Format.String()+" frame")
		if err != nil {
			return nil, fmt.Errorf("%w: frame %d: %w", ErrBadFrame, f.Seq, err)
		}
		return img, nil
	case FormatUnknown:
		return nil, fmt.Errorf("camera: frame %d has no pixel format", f.Seq)
	}
	if !isRaw(f.Format) {
		return nil, fmt.Errorf("camera: frame %d: unsupported pixel format %v", f.Seq, f.Format)
	}
	w, h := f.Width, f.Height
	if w <= 0 || h <= 0 || w*h > imageinput.MaxPixels {
		return nil, fmt.Errorf("%w: frame %d has size %dx%d", ErrBadFrame, f.Seq, w, h)
	}
	if f.Format == FormatYUYV && w%2 != 0 {
		return nil, fmt.Errorf("%w: frame %d: yuyv needs an even width, got %d", ErrBadFrame, f.Seq, w)
	}
	if need := f.Format.FrameSize(w, h); len(f.Data) < need {
		return nil, fmt.Errorf("%w: frame %d: %v %dx%d has %d bytes, want %d", ErrBadFrame, f.Seq, f.Format, w, h, len(f.Data), need)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	d := f.Data
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			var r, g, b byte
			switch f.Format {
			case FormatRGB24:
				p := d[3*(y*w+x):]
				r, g, b = p[0], p[1], p[2]
			case FormatGrey:
				r, g, b = d[y*w+x], d[y*w+x], d[y*w+x]
			case FormatYUYV:
				p := d[2*(y*w+(x&^1)):]
				yy := p[0]
				if x&1 == 1 {
					yy = p[2]
				}
				r, g, b = yuvToRGB(yy, p[1], p[3])
			case FormatNV12:
				cw := (w + 1) / 2
				uv := d[w*h+(y/2)*2*cw+(x/2)*2:]
				r, g, b = yuvToRGB(d[y*w+x], uv[0], uv[1])
			case FormatI420:
				uOff, vOff, cw := i420Offsets(w, h)
				c := (y/2)*cw + x/2
				r, g, b = yuvToRGB(d[y*w+x], d[uOff+c], d[vOff+c])
			}
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, b, 255
		}
	}
	return img, nil
}

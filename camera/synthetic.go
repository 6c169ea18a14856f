package camera

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
)

// Synthetic is a Source of a moving test pattern (scrolling colour bars and
// a bouncing square) of any size, format and rate, for demos and tests.
type Synthetic struct {
	cfg  Config
	pace *pacer
	seq  uint64
	rgba *image.RGBA
	jpg  bytes.Buffer
	pool framePool
	open bool
}

// NewSynthetic returns a synthetic source. Zero fields of cfg default to
// 640x480 YUYV at 30 fps; a negative FPS means as fast as possible.
func NewSynthetic(cfg Config) (*Synthetic, error) {
	if cfg.Width == 0 && cfg.Height == 0 {
		cfg.Width, cfg.Height = 640, 480
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 8192 || cfg.Height > 8192 {
		return nil, fmt.Errorf("camera: synthetic: bad size %dx%d", cfg.Width, cfg.Height)
	}
	if cfg.Format == FormatUnknown {
		cfg.Format = FormatYUYV
	}
	if _, ok := formatNames[cfg.Format]; !ok || cfg.Format == FormatImage {
		return nil, fmt.Errorf("camera: synthetic: unsupported format %v", cfg.Format)
	}
	if cfg.Format == FormatYUYV && cfg.Width%2 != 0 {
		return nil, fmt.Errorf("camera: synthetic: yuyv needs an even width, got %d", cfg.Width)
	}
	if cfg.FPS == 0 {
		cfg.FPS = 30
	}
	return &Synthetic{cfg: cfg}, nil
}

// Open implements Source.
func (s *Synthetic) Open(ctx context.Context) error {
	s.pace = newPacer(s.cfg.FPS)
	s.rgba = image.NewRGBA(image.Rect(0, 0, s.cfg.Width, s.cfg.Height))
	s.open = true
	return nil
}

// Mode implements Source.
func (s *Synthetic) Mode() Config { return s.cfg }

// Next implements Source.
func (s *Synthetic) Next(ctx context.Context) (*Frame, error) {
	if !s.open {
		return nil, fmt.Errorf("camera: synthetic: not open")
	}
	t, err := s.pace.wait(ctx)
	if err != nil {
		return nil, err
	}
	s.seq++
	DrawPattern(s.rgba, s.seq)
	f := &Frame{Seq: s.seq, Time: t, Format: s.cfg.Format, Width: s.cfg.Width, Height: s.cfg.Height}
	if s.cfg.Format == FormatMJPEG {
		s.jpg.Reset()
		if err := jpeg.Encode(&s.jpg, s.rgba, &jpeg.Options{Quality: 80}); err != nil {
			return nil, fmt.Errorf("camera: synthetic: encode jpeg: %w", err)
		}
		f.Data = append(s.pool.get(s.jpg.Len())[:0], s.jpg.Bytes()...)
		return f, nil
	}
	f.Data = s.pool.get(s.cfg.Format.FrameSize(s.cfg.Width, s.cfg.Height))
	EncodeRGBA(f.Data, s.rgba, s.cfg.Format)
	return f, nil
}

// Release implements Source; it may be called from any goroutine.
func (s *Synthetic) Release(f *Frame) {
	if f == nil || f.Data == nil {
		return
	}
	s.pool.put(f.Data)
	f.Data = nil
}

// Close implements Source.
func (s *Synthetic) Close() error {
	s.open = false
	return nil
}

// bars are the classic colour bars.
var bars = [8][3]byte{{235, 235, 235}, {235, 235, 16}, {16, 235, 235}, {16, 235, 16}, {235, 16, 235}, {235, 16, 16}, {16, 16, 235}, {16, 16, 16}}

// DrawPattern draws test pattern frame n into img: colour bars scrolling
// left by 4 pixels a frame and a white square bouncing across them.
func DrawPattern(img *image.RGBA, n uint64) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	shift := int(n*4) % max(w, 1)
	side := max(min(w, h)/5, 1)
	sx := bounce(int(n*7), w-side)
	sy := bounce(int(n*5), h-side)
	if w == 0 || h == 0 {
		return
	}
	// Draw the bars once, copy them to every row, then draw the square.
	row0 := img.Pix[:4*w]
	for x := 0; x < w; x++ {
		c := bars[((x+shift)%w)*8/w]
		p := row0[4*x : 4*x+4 : 4*x+4]
		p[0], p[1], p[2], p[3] = c[0], c[1], c[2], 255
	}
	for y := 1; y < h; y++ {
		copy(img.Pix[y*img.Stride:y*img.Stride+4*w], row0)
	}
	for y := sy; y < min(sy+side, h); y++ {
		row := img.Pix[y*img.Stride+4*sx : y*img.Stride+4*min(sx+side, w)]
		for i := range row {
			row[i] = 255
		}
	}
}

// bounce folds t into [0, span] back and forth.
func bounce(t, span int) int {
	if span <= 0 {
		return 0
	}
	t %= 2 * span
	if t > span {
		return 2*span - t
	}
	return t
}

// rgbToYUV is BT.601 limited range, the inverse of yuvToRGB.
func rgbToYUV(r, g, b byte) (y, u, v byte) {
	R, G, B := int32(r), int32(g), int32(b)
	return byte(((66*R + 129*G + 25*B + 128) >> 8) + 16),
		byte(((-38*R - 74*G + 112*B + 128) >> 8) + 128),
		byte(((112*R - 94*G - 18*B + 128) >> 8) + 128)
}

// EncodeRGBA writes img in an uncompressed format into dst, which must hold
// f.FrameSize(w, h) bytes. Chroma is taken from the left (YUYV) or top-left
// (NV12, I420) pixel of each pair or block.
func EncodeRGBA(dst []byte, img *image.RGBA, f PixelFormat) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	px := func(x, y int) (byte, byte, byte) {
		p := img.Pix[y*img.Stride+4*x:]
		return p[0], p[1], p[2]
	}
	switch f {
	case FormatRGB24:
		for y := 0; y < h; y++ {
			row, out := img.Pix[y*img.Stride:y*img.Stride+4*w], dst[3*w*y:3*w*(y+1)]
			for x := range w {
				out[3*x], out[3*x+1], out[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	case FormatGrey:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				Y, _, _ := rgbToYUV(px(x, y))
				dst[y*w+x] = Y
			}
		}
	case FormatYUYV:
		for y := 0; y < h; y++ {
			for x := 0; x+1 < w; x += 2 {
				y0, u, v := rgbToYUV(px(x, y))
				y1, _, _ := rgbToYUV(px(x+1, y))
				o := (y*w + x) * 2
				dst[o], dst[o+1], dst[o+2], dst[o+3] = y0, u, y1, v
			}
		}
	case FormatNV12:
		cw := (w + 1) / 2
		uv := dst[w*h:]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				Y, u, v := rgbToYUV(px(x, y))
				dst[y*w+x] = Y
				if x%2 == 0 && y%2 == 0 {
					uv[(y/2)*2*cw+x], uv[(y/2)*2*cw+x+1] = u, v
				}
			}
		}
	case FormatI420:
		uOff, vOff, cw := i420Offsets(w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				Y, u, v := rgbToYUV(px(x, y))
				dst[y*w+x] = Y
				if x%2 == 0 && y%2 == 0 {
					dst[uOff+(y/2)*cw+x/2], dst[vOff+(y/2)*cw+x/2] = u, v
				}
			}
		}
	}
}

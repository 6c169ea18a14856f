package main

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/edgecam/edgecam/board"
)

// preview holds the latest model input and label, and encodes it as a JPEG
// (nearest-neighbour upscaled, label bar at the bottom) once per new frame,
// however many clients watch.
type preview struct {
	res, scale int
	mu         sync.Mutex
	rgb        []byte
	text       string
	version    uint64
	jpegVer    uint64
	jpg        []byte
	img        *image.RGBA
}

func newPreview(res int) *preview {
	scale := max(1, 256/res)
	return &preview{res: res, scale: scale, rgb: make([]byte, 3*res*res),
		img: image.NewRGBA(image.Rect(0, 0, res*scale, res*scale))}
}

// Set copies a new model input and its label.
func (p *preview) Set(rgb []byte, text string, seq uint64) {
	p.mu.Lock()
	copy(p.rgb, rgb)
	p.text = text
	p.version = seq
	p.mu.Unlock()
}

// JPEG returns the current frame if it is newer than seen (nil otherwise),
// and its version. seen 0 always returns the current frame, if any.
func (p *preview) JPEG(seen uint64) ([]byte, uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.version == 0 || (seen != 0 && p.version == seen) {
		return nil, p.version
	}
	if p.jpegVer != p.version {
		p.render()
		var b bytes.Buffer
		if err := jpeg.Encode(&b, p.img, &jpeg.Options{Quality: 80}); err != nil {
			return nil, p.version
		}
		p.jpg, p.jpegVer = b.Bytes(), p.version
	}
	return p.jpg, p.version
}

// render draws the input and the label into p.img (lock held).
func (p *preview) render() {
	n, s := p.res, p.scale
	for y := 0; y < n*s; y++ {
		row := p.img.Pix[y*p.img.Stride:]
		src := p.rgb[(y/s)*3*n:]
		for x := 0; x < n*s; x++ {
			q := src[(x/s)*3:]
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = q[0], q[1], q[2], 255
		}
	}
	if p.text == "" {
		return
	}
	h := n * s
	bar := image.Rect(0, h-18, h, h)
	draw.Draw(p.img, bar, image.NewUniform(color.RGBA{0, 0, 0, 200}), image.Point{}, draw.Over)
	d := &font.Drawer{Dst: p.img, Src: image.White, Face: basicfont.Face7x13, Dot: fixed.P(4, h-5)}
	d.DrawString(p.text)
}

// socTemperature reads the SoC temperature when the machine reports one.
func socTemperature() (float64, bool) {
	z := board.SoCZone(board.ReadThermal(os.DirFS("/")))
	if z == nil || z.TempC == nil {
		return 0, false
	}
	return *z.TempC, true
}

package main

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/edgecam/edgecam/board"
	"github.com/edgecam/edgecam/internal/snapshots"
)

// preview holds the latest model input and label, and encodes it as a JPEG
// (nearest-neighbour upscaled, label bar at the bottom) once per new frame,
// however many clients watch.
//
// Two locks keep the inference goroutine, which calls Set, from ever waiting
// for an encode: mu guards the latest frame and is held only to copy it;
// encMu serialises the HTTP handlers that render and encode a snapshot of
// it, outside mu.
type preview struct {
	res, scale int
	// encode writes img as a JPEG; a field so tests can slow it down.
	encode func(w io.Writer, img image.Image) error

	mu      sync.Mutex // guards the four fields below
	rgb     []byte
	text    string
	boxes   []snapshots.Box // detections to draw (http_boxes.go)
	version uint64

	encMu     sync.Mutex // guards the fields below
	snap      []byte     // the frame being encoded, copied from rgb
	snapBoxes []snapshots.Box
	img       *image.RGBA
	jpegVer   uint64
	jpg       []byte // never modified once published: handlers write it unlocked
}

func newPreview(res int) *preview {
	scale := max(1, 256/res)
	return &preview{res: res, scale: scale, rgb: make([]byte, 3*res*res), snap: make([]byte, 3*res*res),
		img:    image.NewRGBA(image.Rect(0, 0, res*scale, res*scale)),
		encode: func(w io.Writer, img image.Image) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: 80}) }}
}

// Set copies a new model input and its label.
func (p *preview) Set(rgb []byte, text string, seq uint64) {
	p.mu.Lock()
	copy(p.rgb, rgb)
	p.text = text
	p.boxes = p.boxes[:0]
	p.version = seq
	p.mu.Unlock()
}

// JPEG returns the current frame if it is newer than seen (nil otherwise),
// and its version. seen 0 always returns the current frame, if any.
func (p *preview) JPEG(seen uint64) ([]byte, uint64) {
	p.encMu.Lock()
	defer p.encMu.Unlock()
	p.mu.Lock()
	version := p.version
	if version == 0 || (seen != 0 && version == seen) {
		p.mu.Unlock()
		return nil, version
	}
	if p.jpegVer == version {
		p.mu.Unlock()
		return p.jpg, version
	}
	copy(p.snap, p.rgb)
	text := p.text
	p.snapBoxes = append(p.snapBoxes[:0], p.boxes...)
	p.mu.Unlock()

	p.render(text)
	var b bytes.Buffer
	if err := p.encode(&b, p.img); err != nil {
		return nil, version
	}
	p.jpg, p.jpegVer = b.Bytes(), version
	return p.jpg, version
}

// render draws the snapshot, its detection boxes and the label into p.img
// (encMu held).
func (p *preview) render(text string) {
	n, s := p.res, p.scale
	for y := 0; y < n*s; y++ {
		row := p.img.Pix[y*p.img.Stride:]
		src := p.snap[(y/s)*3*n:]
		for x := 0; x < n*s; x++ {
			q := src[(x/s)*3:]
			row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = q[0], q[1], q[2], 255
		}
	}
	p.drawBoxes(p.snapBoxes)
	if text == "" {
		return
	}
	h := n * s
	bar := image.Rect(0, h-18, h, h)
	draw.Draw(p.img, bar, image.NewUniform(color.RGBA{0, 0, 0, 200}), image.Point{}, draw.Over)
	d := &font.Drawer{Dst: p.img, Src: image.White, Face: basicfont.Face7x13, Dot: fixed.P(4, h-5)}
	d.DrawString(text)
}

// socTemperature reads the SoC temperature when the machine reports one.
func socTemperature() (float64, bool) {
	z := board.SoCZone(board.ReadThermal(os.DirFS("/")))
	if z == nil || z.TempC == nil {
		return 0, false
	}
	return *z.TempC, true
}

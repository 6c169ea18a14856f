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

// previewHistory is how many recent frames the preview holds, so that a page
// that has just read result N from /api/latest can still fetch frame N's
// picture: a few frames at 30 fps cover a request's round trip.
const previewHistory = 8

// preview holds the latest model inputs and their labels, each under the
// number of its result, and encodes one as a JPEG (nearest-neighbour
// upscaled, label bar at the bottom) once, however many clients watch.
//
// Two locks keep the inference goroutine, which calls Set, from ever waiting
// for an encode: mu guards the frames and is held only to copy one; encMu
// serialises the HTTP handlers that render and encode a copy, outside mu.
type preview struct {
	res, scale int
	// encode writes img as a JPEG; a field so tests can slow it down.
	encode func(w io.Writer, img image.Image) error

	mu      sync.Mutex // guards the fields below
	frames  [previewHistory]previewFrame
	version uint64 // of the latest frame; 0: none yet

	encMu     sync.Mutex // guards the fields below
	snap      []byte     // the frame being encoded, copied from frames
	snapBoxes []snapshots.Box
	img       *image.RGBA
	jpgs      [previewHistory]previewJPEG // never modified once published: handlers write them unlocked
}

// previewFrame is one model input and the label drawn on it.
type previewFrame struct {
	version uint64
	rgb     []byte
	text    string
	boxes   []snapshots.Box // detections to draw (http_boxes.go)
}

type previewJPEG struct {
	version uint64
	jpg     []byte
}

func newPreview(res int) *preview {
	scale := max(1, 256/res)
	p := &preview{res: res, scale: scale, snap: make([]byte, 3*res*res),
		img:    image.NewRGBA(image.Rect(0, 0, res*scale, res*scale)),
		encode: func(w io.Writer, img image.Image) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: 80}) }}
	for i := range p.frames {
		p.frames[i].rgb = make([]byte, 3*res*res)
	}
	return p
}

// Set copies frame version's model input and label; versions increase.
func (p *preview) Set(rgb []byte, text string, version uint64) {
	p.mu.Lock()
	f := &p.frames[version%previewHistory]
	copy(f.rgb, rgb)
	f.text, f.version = text, version
	p.version = version
	f.boxes = f.boxes[:0]
	p.mu.Unlock()
}

// JPEG returns the latest frame if it is newer than seen (nil otherwise),
// and its version. seen 0 always returns the latest frame, if any.
func (p *preview) JPEG(seen uint64) ([]byte, uint64) {
	var version uint64
	for range 3 { // a frame overwritten before it is encoded: try the newest again
		p.mu.Lock()
		version = p.version
		p.mu.Unlock()
		if version == 0 || (seen != 0 && version == seen) {
			return nil, version
		}
		if jpg := p.Frame(version); jpg != nil {
			return jpg, version
		}
	}
	return nil, version
}

// Frame returns the JPEG of frame version, or nil when the preview no
// longer holds it (or never did).
func (p *preview) Frame(version uint64) []byte {
	if version == 0 {
		return nil
	}
	p.encMu.Lock()
	defer p.encMu.Unlock()
	slot := version % previewHistory
	if j := p.jpgs[slot]; j.version == version {
		return j.jpg
	}
	p.mu.Lock()
	f := &p.frames[slot]
	if f.version != version {
		p.mu.Unlock()
		return nil
	}
	copy(p.snap, f.rgb)
	text := f.text
	p.snapBoxes = append(p.snapBoxes[:0], f.boxes...)
	p.mu.Unlock()

	p.render(text)
	var b bytes.Buffer
	if err := p.encode(&b, p.img); err != nil {
		return nil
	}
	p.jpgs[slot] = previewJPEG{version, b.Bytes()}
	return b.Bytes()
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

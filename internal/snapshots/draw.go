package snapshots

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// Box is a detection to draw: corners as fractions of the frame's width and
// height (the detector's normalized ymin, xmin, ymax, xmax), and its caption.
type Box struct {
	XMin, YMin, XMax, YMax float32
	Label                  string
}

// Colours of the drawing: boxes cycle through boxColors.
var (
	boxColors = []color.RGBA{{255, 64, 64, 255}, {64, 200, 255, 255}, {255, 220, 0, 255}, {80, 255, 80, 255}}
	barColor  = color.RGBA{0, 0, 0, 200}
	textColor = color.RGBA{255, 255, 255, 255}
)

// Geometry of the 7x13 font: a line of text takes textHeight pixels.
const (
	textHeight  = 16
	textAscent  = 11
	textPadding = 3
)

// Annotate returns a copy of frame with each box outlined and captioned and
// label written on a dark bar along the bottom ("" draws no bar). Boxes with
// a NaN corner or no area inside the frame are skipped; the rest are clipped
// to the frame.
func Annotate(frame image.Image, label string, boxes []Box) *image.RGBA {
	b := frame.Bounds()
	img := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(img, img.Bounds(), frame, b.Min, draw.Src)
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	thick := max(1, min(w, h)/160)
	for i, bx := range boxes {
		r, ok := pixelRect(bx, w, h)
		if !ok {
			continue
		}
		c := boxColors[i%len(boxColors)]
		outline(img, r, thick, c)
		if bx.Label != "" {
			caption(img, r.Min, bx.Label, c)
		}
	}
	if label != "" {
		bar := image.Rect(0, h-textHeight, w, h)
		draw.Draw(img, bar, image.NewUniform(barColor), image.Point{}, draw.Over)
		text(img, image.Pt(textPadding, h-textHeight+textAscent+2), label, textColor)
	}
	return img
}

// pixelRect converts a normalized box to pixels, clipped to w x h.
func pixelRect(b Box, w, h int) (image.Rectangle, bool) {
	for _, v := range []float32{b.XMin, b.YMin, b.XMax, b.YMax} {
		if math.IsNaN(float64(v)) {
			return image.Rectangle{}, false
		}
	}
	px := func(v float32, n int) int { return int(math.Round(float64(max(0, min(1, v)) * float32(n)))) }
	r := image.Rect(px(b.XMin, w), px(b.YMin, h), px(b.XMax, w), px(b.YMax, h))
	return r, !r.Empty()
}

// outline draws the border of r, thick pixels wide, inside r.
func outline(img *image.RGBA, r image.Rectangle, thick int, c color.RGBA) {
	u := image.NewUniform(c)
	t := min(thick, r.Dx(), r.Dy())
	for _, side := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+t)},
		{image.Pt(r.Min.X, r.Max.Y-t), r.Max},
		{r.Min, image.Pt(r.Min.X+t, r.Max.Y)},
		{image.Pt(r.Max.X-t, r.Min.Y), r.Max},
	} {
		draw.Draw(img, side, u, image.Point{}, draw.Src)
	}
}

// caption writes s on a box-coloured tag above the box's top-left corner, or
// inside the box when there is no room above.
func caption(img *image.RGBA, at image.Point, s string, c color.RGBA) {
	wd := font.MeasureString(basicfont.Face7x13, s).Ceil() + 2*textPadding
	top := at.Y - textHeight
	if top < 0 {
		top = at.Y
	}
	tag := image.Rect(at.X, top, at.X+wd, top+textHeight)
	draw.Draw(img, tag, image.NewUniform(c), image.Point{}, draw.Src)
	text(img, image.Pt(at.X+textPadding, top+textAscent+2), s, color.RGBA{0, 0, 0, 255})
}

// text draws s with its baseline starting at dot; what falls outside the
// image is clipped.
func text(img *image.RGBA, dot image.Point, s string, c color.RGBA) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(dot.X, dot.Y)}
	d.DrawString(s)
}

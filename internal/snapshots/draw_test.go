package snapshots

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"testing"
)

var gray = color.RGBA{120, 120, 120, 255}

func grayImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(gray), image.Point{}, draw.Src)
	return img
}

func TestAnnotateBox(t *testing.T) {
	img := Annotate(grayImage(100, 80), "", []Box{{XMin: 0.1, YMin: 0.2, XMax: 0.5, YMax: 0.6, Label: "cat"}})
	// The box is (10,16)-(50,48), outlined 1 pixel wide (80/160 < 1).
	box := boxColors[0]
	for _, p := range []image.Point{{10, 30}, {49, 30}, {30, 16}, {30, 47}, {10, 16}, {49, 47}} {
		if got := img.RGBAAt(p.X, p.Y); got != box {
			t.Errorf("border pixel %v = %v, want the box colour %v", p, got, box)
		}
	}
	for _, p := range []image.Point{{11, 30}, {48, 30}, {30, 17}, {30, 46}, {9, 30}, {50, 30}, {30, 48}, {90, 70}} {
		if got := img.RGBAAt(p.X, p.Y); got != gray {
			t.Errorf("pixel %v = %v off the border, want the frame's %v", p, got, gray)
		}
	}
	// The caption tag sits above the box: box-coloured background with
	// black text inside (10,0)-(10+3+21+3,16).
	var tagBg, tagText int
	for y := 0; y < 16; y++ {
		for x := 10; x < 37; x++ {
			switch img.RGBAAt(x, y) {
			case box:
				tagBg++
			case color.RGBA{0, 0, 0, 255}:
				tagText++
			}
		}
	}
	if tagBg < 200 || tagText < 15 {
		t.Errorf("caption tag: %d background and %d text pixels, want a filled tag with text", tagBg, tagText)
	}
	if got := img.RGBAAt(40, 5); got != gray {
		t.Errorf("pixel right of the caption tag = %v, want the frame's", got)
	}
}

func TestAnnotateLabelBar(t *testing.T) {
	img := Annotate(grayImage(64, 48), "tabby", nil)
	var white, dark int
	for y := 48 - textHeight; y < 48; y++ {
		for x := 0; x < 64; x++ {
			c := img.RGBAAt(x, y)
			switch {
			case c.R > 200 && c.G > 200 && c.B > 200:
				white++
			case c.R < gray.R:
				dark++
			default:
				t.Fatalf("bar pixel (%d,%d) = %v, neither text nor bar", x, y, c)
			}
		}
	}
	if white < 20 || dark < 64*textHeight/2 {
		t.Errorf("label bar: %d text and %d bar pixels", white, dark)
	}
	for y := 0; y < 48-textHeight; y++ {
		for x := 0; x < 64; x++ {
			if img.RGBAAt(x, y) != gray {
				t.Fatalf("pixel (%d,%d) above the bar changed", x, y)
			}
		}
	}
}

// Boxes with NaN corners or without area in the frame draw nothing; a box
// past the edges is clipped; a frame whose bounds do not start at 0,0 is
// copied from its own origin.
func TestAnnotateBadBoxes(t *testing.T) {
	nan := float32(math.NaN())
	img := Annotate(grayImage(40, 40), "", []Box{
		{XMin: nan, YMin: 0, XMax: 1, YMax: 1},
		{XMin: 1.2, YMin: 0, XMax: 1.5, YMax: 1},
		{XMin: 0.5, YMin: 0.5, XMax: 0.5, YMax: 0.9},
	})
	for y := 0; y < 40; y++ {
		for x := 0; x < 40; x++ {
			if img.RGBAAt(x, y) != gray {
				t.Fatalf("pixel (%d,%d) changed by a box that should be skipped", x, y)
			}
		}
	}
	img = Annotate(grayImage(40, 40), "", []Box{{XMin: -1, YMin: -1, XMax: 2, YMax: 2}})
	if img.RGBAAt(0, 0) != boxColors[0] || img.RGBAAt(39, 39) != boxColors[0] || img.RGBAAt(20, 20) != gray {
		t.Error("a box past the frame is not clipped to its edges")
	}
	src := grayImage(40, 40)
	src.SetRGBA(10, 10, color.RGBA{1, 2, 3, 255})
	img = Annotate(src.SubImage(image.Rect(10, 10, 30, 30)), "", nil)
	if img.Bounds() != image.Rect(0, 0, 20, 20) || img.RGBAAt(0, 0) != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("sub-image: bounds %v, pixel 0,0 %v", img.Bounds(), img.RGBAAt(0, 0))
	}
}

package imageinput

import (
	"image"
	"image/color"
	"testing"
)

// smoothImage is a gradient without sharp chroma edges.
func smoothImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			p := img.Pix[y*img.Stride+4*x:]
			p[0], p[1], p[2], p[3] = byte(40+x*170/w), byte(30+y*180/h), byte(200-(x+y)*150/(w+h)), 255
		}
	}
	return img
}

// maxDiff returns the largest absolute byte difference and the mean one.
func maxDiff(a, b []byte) (int, float64) {
	m, sum := 0, 0
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		m = max(m, d)
		sum += d
	}
	return m, float64(sum) / float64(len(a))
}

// TestYCbCrRowMatchesStdlib checks the inlined JPEG colour conversion
// against color.YCbCrToRGB for every subsampling ratio, odd offsets included.
func TestYCbCrRowMatchesStdlib(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411}
	for _, ratio := range ratios {
		m := image.NewYCbCr(image.Rect(3, 1, 40, 30), ratio)
		for i := range m.Y {
			m.Y[i] = byte(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = byte(i*13), byte(255-i*5)
		}
		sub := m.SubImage(image.Rect(5, 4, 33, 27)).(*image.YCbCr)
		b := sub.Bounds()
		got := make([]byte, 3*b.Dx())
		for y := b.Min.Y; y < b.Max.Y; y++ {
			ycbcrRow(got, sub, b.Min.X, y, b.Dx())
			for i := 0; i < b.Dx(); i++ {
				c := sub.YCbCrAt(b.Min.X+i, y)
				r, g, bb := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
				if got[3*i] != r || got[3*i+1] != g || got[3*i+2] != bb {
					t.Fatalf("%v at %d,%d: got %v, want %d,%d,%d", ratio, b.Min.X+i, y, got[3*i:3*i+3], r, g, bb)
				}
			}
		}
	}
}

// TestResizeYCbCrCloseToExact compares the vertical-first JPEG plane path
// with Pillow's order over the same decoded planes, for every ratio it takes.
func TestResizeYCbCrCloseToExact(t *testing.T) {
	const w, h, res = 100, 80, 32
	src := smoothImage(w, h)
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		m := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p := src.Pix[y*src.Stride+4*x:]
				yy, cb, cr := color.RGBToYCbCr(p[0], p[1], p[2])
				m.Y[m.YOffset(x, y)] = yy
				m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = cb, cr
			}
		}
		s, _ := NewScaler(res)
		if _, err := s.resizer(w, h); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, 3*res*res)
		if !s.resizeYCbCr(got, m) {
			t.Fatalf("%v: vertical-first path not taken", ratio)
		}
		want := make([]byte, 3*res*res)
		if err := s.Scale(want, m); err != nil {
			t.Fatal(err)
		}
		if d, mean := maxDiff(got, want); d > 2 || mean > 0.5 {
			t.Errorf("%v: max |diff| %d, mean %.2f against the exact order", ratio, d, mean)
		}
	}
}

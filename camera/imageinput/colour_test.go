package imageinput

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// The colour tests decode 4x4 images to res 4 (the identity resize) and
// compare every pixel with the colour Pillow 9.4's convert("RGB") gives,
// computed here from the stored samples by Pillow's rule:
//
//   - 8-bit RGBA, RGB with tRNS, gray+alpha, gray with tRNS: the stored
//     colour, alpha dropped (not multiplied in);
//   - 16-bit RGB, RGBA, gray+alpha: the high byte of each sample;
//   - 16-bit gray, with or without tRNS (mode "I"): the value clipped to 255;
//   - paletted with tRNS: the palette colour;
//   - 1, 2, 4-bit gray: the value scaled to 0..255.
//
// (Checked against Pillow 9.4.0 on the images of the same construction:
// e.g. a 16-bit RGBA pixel 0x0A0B,0x1415,0x1E1F alpha 0 gives 10,20,30; a
// 16-bit gray 0x0100 gives 255.) Pixels of alpha 0 have distinct colours.

const side = 4

// sample is the test pattern: channel c of pixel i, distinct everywhere.
func sample(i, c int) int { return (i*53 + c*97 + 11) % 256 }

// sample16 is a 16-bit pattern whose high and low bytes differ.
func sample16(i, c int) int { return (i*5003 + c*20011 + 257) % 65536 }

// alphaOf makes every other pixel fully transparent, others partly.
func alphaOf(i int) int {
	if i%2 == 0 {
		return 0
	}
	return 77 + i
}

type colourCase struct {
	name string
	data []byte
	want func(i int) [3]byte
}

func colourCases(t *testing.T) []colourCase {
	n := side * side
	var cases []colourCase
	add := func(name string, depth, ct byte, bpp int, extra []pngChunk, raw []byte, want func(i int) [3]byte) {
		cases = append(cases, colourCase{name, buildPNG(t, side, side, depth, ct, 0, extra, filtered(raw, side*bpp)), want})
		cases = append(cases, colourCase{name + "/interlaced", buildPNG(t, side, side, depth, ct, 1, extra, interlaced(raw, side, side, bpp)), want})
	}
	grayOf := func(v int) [3]byte { return [3]byte{byte(v), byte(v), byte(v)} }

	var raw []byte
	for i := range n {
		raw = append(raw, byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2)), byte(alphaOf(i)))
	}
	add("rgba8", 8, 6, 4, nil, raw, func(i int) [3]byte {
		return [3]byte{byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2))}
	})

	raw = nil
	for i := range n {
		for c := range 3 {
			raw = append(raw, byte(sample16(i, c)>>8), byte(sample16(i, c)))
		}
		raw = append(raw, byte(alphaOf(i)), 0)
	}
	add("rgba16", 16, 6, 8, nil, raw, func(i int) [3]byte {
		return [3]byte{byte(sample16(i, 0) >> 8), byte(sample16(i, 1) >> 8), byte(sample16(i, 2) >> 8)}
	})

	raw = nil
	for i := range n {
		for c := range 3 {
			raw = append(raw, byte(sample16(i, c)>>8), byte(sample16(i, c)))
		}
	}
	add("rgb16", 16, 2, 6, nil, raw, func(i int) [3]byte {
		return [3]byte{byte(sample16(i, 0) >> 8), byte(sample16(i, 1) >> 8), byte(sample16(i, 2) >> 8)}
	})
	// tRNS naming pixel 0's colour: decoded as NRGBA64, same rule.
	add("rgb16+trns", 16, 2, 6, []pngChunk{{"tRNS", raw[:6]}}, raw, func(i int) [3]byte {
		return [3]byte{byte(sample16(i, 0) >> 8), byte(sample16(i, 1) >> 8), byte(sample16(i, 2) >> 8)}
	})

	raw = nil
	for i := range n {
		raw = append(raw, byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2)))
	}
	add("rgb8+trns", 8, 2, 3, []pngChunk{{"tRNS", []byte{0, raw[0], 0, raw[1], 0, raw[2]}}}, raw, func(i int) [3]byte {
		return [3]byte{byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2))}
	})

	raw = nil
	for i := range n {
		raw = append(raw, byte(sample(i, 0)), byte(alphaOf(i)))
	}
	add("gray+alpha8", 8, 4, 2, nil, raw, func(i int) [3]byte { return grayOf(sample(i, 0)) })

	raw = nil
	for i := range n {
		raw = append(raw, byte(sample16(i, 0)>>8), byte(sample16(i, 0)), byte(alphaOf(i)), 0)
	}
	add("gray+alpha16", 16, 4, 4, nil, raw, func(i int) [3]byte { return grayOf(sample16(i, 0) >> 8) })

	raw = nil
	for i := range n {
		raw = append(raw, byte(sample(i, 0)))
	}
	add("gray8+trns", 8, 0, 1, []pngChunk{{"tRNS", []byte{0, raw[0]}}}, raw, func(i int) [3]byte { return grayOf(sample(i, 0)) })

	// 16-bit gray: a third of the values under 256, to see them kept.
	g16 := func(i int) int {
		if i%3 == 0 {
			return sample(i, 0)
		}
		return sample16(i, 0)
	}
	raw = nil
	for i := range n {
		raw = append(raw, byte(g16(i)>>8), byte(g16(i)))
	}
	clip := func(i int) [3]byte { return grayOf(min(g16(i), 255)) }
	add("gray16", 16, 0, 2, nil, raw, clip)
	add("gray16+trns", 16, 0, 2, []pngChunk{{"tRNS", raw[:2]}}, raw, clip)

	var plte, trns, idx []byte
	for i := range n {
		plte = append(plte, byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2)))
		trns = append(trns, byte(alphaOf(i)))
		idx = append(idx, byte(n-1-i))
	}
	add("paletted+trns", 8, 3, 1, []pngChunk{{"PLTE", plte}, {"tRNS", trns}}, idx, func(i int) [3]byte {
		j := n - 1 - i
		return [3]byte{byte(sample(j, 0)), byte(sample(j, 1)), byte(sample(j, 2))}
	})

	for _, depth := range []int{1, 2, 4} {
		levels := 1<<depth - 1
		raw = nil
		for y := range side {
			var bits, nbits int
			for x := range side {
				bits = bits<<depth | (y*side+x)%(levels+1)
				nbits += depth
			}
			for ; nbits%8 != 0; nbits++ {
				bits <<= 1
			}
			for k := nbits - 8; k >= 0; k -= 8 {
				raw = append(raw, byte(bits>>k))
			}
		}
		rowBytes := (side*depth + 7) / 8
		cases = append(cases, colourCase{fmt.Sprintf("gray%d", depth), buildPNG(t, side, side, byte(depth), 0, 0, nil, filtered(raw, rowBytes)),
			func(i int) [3]byte { return grayOf(i % (levels + 1) * 255 / levels) }})
	}

	// The standard library's encoder writes *image.NRGBA as 8-bit RGBA.
	m := image.NewNRGBA(image.Rect(0, 0, side, side))
	for i := range n {
		m.Pix[4*i], m.Pix[4*i+1], m.Pix[4*i+2], m.Pix[4*i+3] = byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2)), byte(alphaOf(i))
	}
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, colourCase{"go-encoded nrgba", b.Bytes(), func(i int) [3]byte {
		return [3]byte{byte(sample(i, 0)), byte(sample(i, 1)), byte(sample(i, 2))}
	}})
	return cases
}

func TestColourFollowsPillowConvertRGB(t *testing.T) {
	for _, c := range colourCases(t) {
		t.Run(c.name, func(t *testing.T) {
			img, err := Decode(c.data, c.name)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 3*side*side)
			s, _ := NewScaler(side)
			if err := s.Scale(got, img); err != nil {
				t.Fatal(err)
			}
			for i := range side * side {
				if w := c.want(i); !bytes.Equal(got[3*i:3*i+3], w[:]) {
					t.Errorf("%T pixel %d: got %v, want %v", img, i, got[3*i:3*i+3], w)
				}
			}
		})
	}
}

// A premultiplied image given through the API is divided by alpha, so
// that it means the same colour as its straight-alpha equivalent.
func TestScalePremultipliedAPIImage(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 1, 1))
	m.SetRGBA(0, 0, color.RGBA{100, 50, 0, 128})
	got, err := ImageToRGB(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := color.NRGBAModel.Convert(color.RGBA{100, 50, 0, 128}).(color.NRGBA)
	if !bytes.Equal(got, []byte{want.R, want.G, want.B}) || want.R != 199 {
		t.Fatalf("got %v, want %d,%d,%d (about 200,100,0)", got, want.R, want.G, want.B)
	}
}

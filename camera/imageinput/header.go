package imageinput

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/bmp"
)

// Header is what an image file declares before its pixels.
type Header struct {
	Format        string // "png", "jpeg" or "bmp"
	Kind          string // for messages, e.g. "an 8-bit RGBA PNG"
	Width, Height int
	// DecodeBytes is the memory Go's decoder allocates for the image: the
	// decoded pixels, plus the DCT coefficients of a progressive JPEG, the
	// RGBA copy the JPEG decoder makes of RGB and CMYK images, the pass
	// images of an interlaced PNG and the decoders' row buffers.
	DecodeBytes int64

	// gray16 marks 16-bit grayscale PNG, which Pillow converts by clipping
	// (mode "I"), not by taking the high byte.
	gray16 bool
}

// errUnknownFormat: the data starts like none of the formats decoded here.
var errUnknownFormat = errors.New("unknown image format (want PNG, JPEG or BMP)")

const pngSignature = "\x89PNG\r\n\x1a\n"

// DecodeConfig reads an image's header from data, the whole encoded file,
// and checks its declared size against MaxPixels and MaxDecodeBytes. name
// names the image in errors. Oversized images return an error wrapping
// ErrTooLarge; no pixel is decoded either way.
func DecodeConfig(data []byte, name string) (Header, error) {
	var h Header
	var err error
	switch {
	case bytes.HasPrefix(data, []byte(pngSignature)):
		h, err = pngHeader(data)
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		h, err = jpegHeader(data)
	case bytes.HasPrefix(data, []byte("BM")):
		h, err = bmpHeader(data)
	default:
		err = errUnknownFormat
	}
	if err != nil {
		return h, fmt.Errorf("decode %s: %w", name, err)
	}
	if err := h.check(name); err != nil {
		return h, err
	}
	// The standard decoder must see the same size, or the check above
	// proves nothing about what it will allocate.
	var cfg image.Config
	switch h.Format {
	case "png":
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case "bmp":
		cfg, err = bmp.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return h, fmt.Errorf("decode %s: %w", name, err)
	}
	if cfg.Width != h.Width || cfg.Height != h.Height {
		return h, fmt.Errorf("decode %s: the %s decoder reads a size of %dx%d where the header declares %dx%d", name, h.Format, cfg.Width, cfg.Height, h.Width, h.Height)
	}
	return h, nil
}

// be32 reads a big-endian uint32.
func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// le32 and le16 read little-endian integers.
func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}
func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

// pngHeader parses the IHDR chunk and looks for a tRNS chunk before the
// first IDAT (where the format puts it), which changes the decoded type of
// gray and truecolour images to one with alpha.
func pngHeader(b []byte) (Header, error) {
	h := Header{Format: "png"}
	const ihdrEnd = 8 + 8 + 13
	if len(b) < ihdrEnd+4 {
		return h, errors.New("png: file too short for a header")
	}
	if be32(b[8:]) != 13 || string(b[12:16]) != "IHDR" {
		return h, errors.New("png: the first chunk is not a 13-byte IHDR")
	}
	w, ht := be32(b[16:]), be32(b[20:])
	if w == 0 || ht == 0 || w > 1<<31-1 || ht > 1<<31-1 {
		return h, fmt.Errorf("png: bad declared size %dx%d", w, ht)
	}
	h.Width, h.Height = int(w), int(ht)
	depth, ct, interlaced := int(b[24]), b[25], b[28] != 0
	trns := false
	for off := int64(ihdrEnd + 4); off+8 <= int64(len(b)); {
		n, typ := int64(be32(b[off:])), string(b[off+4:off+8])
		if typ == "IDAT" {
			break
		}
		if typ == "tRNS" {
			trns = true
		}
		off += 12 + n
	}
	var channels, perPixel int64
	var colour string
	switch ct {
	case 0:
		channels, perPixel, colour = 1, 1, "gray"
		if depth == 16 {
			perPixel = 2
			h.gray16 = true
		}
		if trns { // decoded with alpha: NRGBA or NRGBA64
			perPixel, colour = 4*perPixel, "gray with transparency"
		}
	case 2:
		channels, perPixel, colour = 3, 4, "RGB"
	case 3:
		channels, perPixel, colour = 1, 1, "paletted"
	case 4:
		channels, perPixel, colour = 2, 4, "gray+alpha"
	case 6:
		channels, perPixel, colour = 4, 4, "RGBA"
	default:
		return h, fmt.Errorf("png: bad colour type %d", ct)
	}
	if depth == 16 && ct != 0 {
		perPixel = 8
	}
	if depth < 1 || depth > 16 {
		return h, fmt.Errorf("png: bad bit depth %d", depth)
	}
	pixels := int64(w) * int64(ht)
	h.DecodeBytes = pixels * perPixel
	h.Kind = article(fmt.Sprintf("%d-bit %s PNG", depth, colour))
	if interlaced {
		// Each pass is decoded into an image of its own, then merged.
		h.DecodeBytes *= 2
		h.Kind += " (interlaced)"
	}
	rowBytes := 1 + (channels*int64(depth)*int64(w)+7)/8
	h.DecodeBytes += 2 * rowBytes // the current and previous row
	return h, nil
}

// bmpHeader parses the file and info headers of a BMP.
func bmpHeader(b []byte) (Header, error) {
	h := Header{Format: "bmp"}
	if len(b) < 30 {
		return h, errors.New("bmp: file too short for a header")
	}
	w, ht := int64(int32(le32(b[18:]))), int64(int32(le32(b[22:])))
	if ht < 0 {
		ht = -ht // top-down rows
	}
	if w <= 0 || ht <= 0 || ht > 1<<31-1 {
		return h, fmt.Errorf("bmp: bad declared size %dx%d", w, ht)
	}
	h.Width, h.Height = int(w), int(ht)
	bpp := int64(le16(b[28:]))
	perPixel := int64(4) // RGBA or NRGBA
	if bpp <= 8 {
		perPixel = 1 // paletted
	}
	h.DecodeBytes = w*ht*perPixel + 4*w // plus one row buffer
	h.Kind = article(fmt.Sprintf("%d-bit BMP", bpp))
	return h, nil
}

// article puts "a" or "an" before a kind of image for messages.
func article(s string) string {
	if len(s) > 0 && (s[0] == '8' || s[0] == 'R') { // "an 8-bit", "an RGB"
		return "an " + s
	}
	return "a " + s
}

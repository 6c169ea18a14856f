package imageinput

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"
	"testing"
)

// Encoders for the test images that the standard library cannot write:
// every PNG colour type, bit depth and tRNS chunk, interlacing, and headers
// that declare sizes their data do not have.

// pngChunk is one chunk of a hand-built PNG.
type pngChunk struct {
	typ  string
	data []byte
}

// buildPNG writes a PNG of the given header fields whose IDAT holds rows
// (each already prefixed with its filter byte), compressed, and the extra
// chunks between IHDR and IDAT.
func buildPNG(t testing.TB, w, h uint32, depth, colorType, interlace byte, extra []pngChunk, rows []byte) []byte {
	t.Helper()
	return buildPNGFunc(t, w, h, depth, colorType, interlace, extra, func(zw io.Writer) error {
		_, err := zw.Write(rows)
		return err
	})
}

// buildPNGFunc is buildPNG with the uncompressed IDAT data written by
// rows, for images too large to hold uncompressed.
func buildPNGFunc(t testing.TB, w, h uint32, depth, colorType, interlace byte, extra []pngChunk, rows func(io.Writer) error) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if err := rows(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, interlace)
	out := []byte(pngSignature)
	out = appendChunk(out, "IHDR", ihdr)
	for _, c := range extra {
		out = appendChunk(out, c.typ, c.data)
	}
	out = appendChunk(out, "IDAT", z.Bytes())
	return appendChunk(out, "IEND", nil)
}

func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// filtered prefixes each row of rowBytes bytes of raw with filter 0.
func filtered(raw []byte, rowBytes int) []byte {
	var out []byte
	for y := 0; y+rowBytes <= len(raw); y += rowBytes {
		out = append(out, 0)
		out = append(out, raw[y:y+rowBytes]...)
	}
	return out
}

// adam7 holds the seven passes of PNG interlacing: start and step in x and y.
var adam7 = [7][4]int{{0, 8, 0, 8}, {4, 8, 0, 8}, {0, 4, 4, 8}, {2, 4, 0, 4}, {0, 2, 2, 4}, {1, 2, 0, 2}, {0, 1, 1, 2}}

// interlaced reorders a w×h image of bpp bytes a pixel (8-bit or 16-bit
// samples) into Adam7 passes, each row prefixed with filter 0.
func interlaced(raw []byte, w, h, bpp int) []byte {
	var out []byte
	for _, p := range adam7 {
		for y := p[2]; y < h; y += p[3] {
			if p[0] >= w {
				break
			}
			out = append(out, 0)
			for x := p[0]; x < w; x += p[1] {
				out = append(out, raw[(y*w+x)*bpp:(y*w+x+1)*bpp]...)
			}
		}
	}
	return out
}

// buildBMP writes a 24-bit BMP header (BITMAPINFOHEADER) for a w×h image,
// followed by pixels (bottom-up BGR rows padded to 4 bytes), which may be
// missing for a header-only bomb.
func buildBMP(w, h int32, pixels []byte) []byte {
	le := binary.LittleEndian
	b := []byte("BM")
	b = le.AppendUint32(b, uint32(54+len(pixels)))
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, 54) // pixel data offset
	b = le.AppendUint32(b, 40) // info header size
	b = le.AppendUint32(b, uint32(w))
	b = le.AppendUint32(b, uint32(h))
	b = le.AppendUint16(b, 1)  // planes
	b = le.AppendUint16(b, 24) // bits per pixel
	b = le.AppendUint32(b, 0)  // no compression
	b = le.AppendUint32(b, uint32(len(pixels)))
	b = le.AppendUint32(b, 2835)
	b = le.AppendUint32(b, 2835)
	b = le.AppendUint32(b, 0)
	b = le.AppendUint32(b, 0)
	return append(b, pixels...)
}

// jpegComp is one component of a hand-built JPEG frame header.
type jpegComp struct{ id, hv byte }

// buildJPEGHeader writes the segments a JPEG decoder reads before it
// allocates the image (quantisation and Huffman tables, the frame header
// with marker sof, a scan header) and a few bytes of scan data: enough for
// Go's decoder to allocate the declared w×h image and then fail on the
// missing data. app are extra segments (marker, payload) after SOI.
func buildJPEGHeader(sof byte, w, h uint16, comps []jpegComp, app ...[]byte) []byte {
	seg := func(out []byte, marker byte, payload []byte) []byte {
		out = append(out, 0xFF, marker)
		out = binary.BigEndian.AppendUint16(out, uint16(2+len(payload)))
		return append(out, payload...)
	}
	out := []byte{0xFF, 0xD8}
	for _, a := range app {
		out = seg(out, a[0], a[1:])
	}
	out = seg(out, 0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)) // DQT 0
	f := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(comps))}
	for _, c := range comps {
		f = append(f, c.id, c.hv, 0)
	}
	out = seg(out, sof, f)
	// One Huffman table of one 1-bit code for the DC (class 0) and AC
	// (class 1) coefficients, both as table 0.
	dht := func(class byte) []byte {
		t := []byte{class << 4, 1}
		t = append(t, make([]byte, 15)...)
		return append(t, 0)
	}
	out = seg(out, 0xC4, dht(0))
	out = seg(out, 0xC4, dht(1))
	sos := []byte{byte(len(comps))}
	for _, c := range comps {
		sos = append(sos, c.id, 0)
	}
	se := byte(63)
	if sof == 0xC2 {
		se = 0 // a progressive scan starts with the DC coefficients alone
	}
	sos = append(sos, 0, se, 0)
	out = seg(out, 0xDA, sos)
	return append(out, 0, 0, 0, 0, 0xFF, 0xD9)
}

// ycc420 and friends are the usual component layouts.
var (
	ycc420 = []jpegComp{{1, 0x22}, {2, 0x11}, {3, 0x11}}
	ycc444 = []jpegComp{{1, 0x11}, {2, 0x11}, {3, 0x11}}
	rgbIDs = []jpegComp{{'R', 0x11}, {'G', 0x11}, {'B', 0x11}}
	gray1  = []jpegComp{{1, 0x11}}
	cmyk   = []jpegComp{{1, 0x11}, {2, 0x11}, {3, 0x11}, {4, 0x11}}
)

package imageinput

import (
	"errors"
	"fmt"
)

// jpegHeader walks the marker segments of a JPEG (skipping entropy-coded
// data as the decoder does) to find its frame header (SOF) and any Adobe
// APP14 segment, and from them what Go's decoder will allocate.
func jpegHeader(b []byte) (Header, error) {
	h := Header{Format: "jpeg"}
	var sof []byte
	var sofMarker byte
	adobeRGB := false
	for i := 2; i+1 < len(b); {
		if b[i] != 0xFF { // entropy-coded data, or junk the decoder skips too
			i++
			continue
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x00 || m == 0x01 || m == 0xD8 || (m >= 0xD0 && m <= 0xD7): // no length
			i += 2
			continue
		case m == 0xD9: // EOI
			i = len(b)
			continue
		}
		if i+4 > len(b) {
			break
		}
		end := i + 2 + (int(b[i+2])<<8 | int(b[i+3]))
		if end < i+4 || end > len(b) {
			break // a cut segment: the decoder fails on it
		}
		payload := b[i+4 : end]
		switch {
		case m == 0xC0 || m == 0xC1 || m == 0xC2:
			if sof == nil {
				sof, sofMarker = payload, m
			}
		case m >= 0xC3 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			if sof == nil {
				return h, fmt.Errorf("jpeg: unsupported frame type (marker 0x%02X; only baseline and progressive Huffman JPEG decode)", m)
			}
		case m == 0xEE: // APP14: transform 0 means RGB (or CMYK), not YCbCr
			if len(payload) >= 12 && string(payload[:5]) == "Adobe" && payload[11] == 0 {
				adobeRGB = true
			}
		}
		i = end
	}
	if sof == nil {
		return h, errors.New("jpeg: no frame header (SOF marker)")
	}
	if len(sof) < 6 || len(sof) < 6+3*int(sof[5]) {
		return h, errors.New("jpeg: short frame header")
	}
	h.Height, h.Width = int(sof[1])<<8|int(sof[2]), int(sof[3])<<8|int(sof[4])
	n := int(sof[5])
	if n != 1 && n != 3 && n != 4 {
		return h, fmt.Errorf("jpeg: unsupported number of components %d", n)
	}
	type comp struct{ id, h, v int }
	var all [4]comp
	comps := all[:n]
	for i := range comps {
		c := sof[6+3*i:]
		comps[i] = comp{int(c[0]), max(int(c[1]>>4), 1), max(int(c[1]&15), 1)}
	}
	if n == 1 {
		comps[0].h, comps[0].v = 1, 1 // one component: one block per MCU
	}
	// As the decoder's makeImg: planes of whole MCUs, each component at its
	// own sampling.
	mxx := (int64(h.Width) + 8*int64(comps[0].h) - 1) / (8 * int64(comps[0].h))
	myy := (int64(h.Height) + 8*int64(comps[0].v) - 1) / (8 * int64(comps[0].v))
	var planes int64
	for _, c := range comps {
		planes += 64 * mxx * int64(c.h) * myy * int64(c.v)
	}
	h.DecodeBytes = planes
	progressive := sofMarker == 0xC2
	if progressive {
		h.DecodeBytes += 4 * planes // one 64×int32 block per 8x8 samples
	}
	rgb := n == 3 && (adobeRGB || (comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B'))
	if n == 4 || rgb {
		h.DecodeBytes += 4 * int64(h.Width) * int64(h.Height) // RGBA or CMYK copy
	}
	mode := "baseline"
	if progressive {
		mode = "progressive"
	}
	switch {
	case n == 1:
		h.Kind = fmt.Sprintf("a %s gray JPEG", mode)
	case n == 4:
		h.Kind = fmt.Sprintf("a %s CMYK JPEG", mode)
	case rgb:
		h.Kind = fmt.Sprintf("a %s RGB JPEG", mode)
	default:
		h.Kind = fmt.Sprintf("a %s %s JPEG", mode, subsampling(comps[0].h/comps[1].h, comps[0].v/comps[1].v))
	}
	return h, nil
}

// subsampling names a chroma subsampling by its luma-to-chroma ratios.
func subsampling(hr, vr int) string {
	switch hr<<4 | vr {
	case 0x11:
		return "4:4:4"
	case 0x12:
		return "4:4:0"
	case 0x21:
		return "4:2:2"
	case 0x22:
		return "4:2:0"
	case 0x41:
		return "4:1:1"
	case 0x42:
		return "4:1:0"
	}
	return fmt.Sprintf("%dx%d-subsampled", hr, vr)
}

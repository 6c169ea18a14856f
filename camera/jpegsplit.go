package camera

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
)

// errNoJPEG: no start-of-image marker where a JPEG should begin.
var errNoJPEG = errors.New("no JPEG start-of-image marker")

// nextJPEG returns the length of the JPEG image at the start of b (SOI to
// EOI inclusive) by walking its marker segments and entropy-coded data, so
// that an EOI inside a thumbnail or metadata segment does not end it. A
// truncated image returns len(b) and ok=false.
func nextJPEG(b []byte) (n int, ok bool, err error) {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		return 0, false, errNoJPEG
	}
	i := 2
	for i+1 < len(b) {
		if b[i] != 0xFF {
			// Entropy-coded data after SOS: scan for a real marker.
			i++
			continue
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
		case m == 0x00 || (m >= 0xD0 && m <= 0xD7) || m == 0x01: // stuffing, RSTn, TEM
			i += 2
		case m == 0xD9: // EOI
			return i + 2, true, nil
		default: // segment with a 16-bit length
			if i+3 >= len(b) {
				return len(b), false, nil
			}
			seg := int(b[i+2])<<8 | int(b[i+3])
			if seg < 2 {
				return len(b), false, nil
			}
			i += 2 + seg
		}
	}
	return len(b), false, nil
}

// splitJPEGs splits a concatenated MJPEG stream into its images. A trailing
// truncated image is kept (the converter counts it as a bad frame); bytes
// between images that are not a JPEG are skipped up to the next SOI.
func splitJPEGs(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n, _, err := nextJPEG(b)
		if err != nil {
			// Resynchronise on the next SOI.
			j := 1
			for j+1 < len(b) && !(b[j] == 0xFF && b[j+1] == 0xD8) {
				j++
			}
			if j+1 >= len(b) {
				break
			}
			b = b[j:]
			continue
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// jpegSize reads a JPEG's dimensions without decoding it.
func jpegSize(b []byte) (image.Config, error) {
	return jpeg.DecodeConfig(bytes.NewReader(b))
}

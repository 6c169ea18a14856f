package camera

import "errors"

var (
	// errNoJPEG: no start-of-image marker where a JPEG should begin.
	errNoJPEG = errors.New("no JPEG start-of-image marker")
	// errNeedMore: the bytes so far do not tell where the image ends.
	errNeedMore = errors.New("JPEG image continues past the data read")
)

// nextJPEG returns the length of the JPEG image at the start of b (SOI to
// EOI inclusive) by walking its marker segments and entropy-coded data, so
// that an EOI inside a thumbnail or metadata segment does not end it. A
// truncated image returns ok=false and the length up to the end of b or up
// to the next image's start-of-image marker.
//
// final tells whether b runs to the end of the stream. When it does not,
// any answer that would depend on bytes past b is errNeedMore instead, so
// that a stream read piece by piece splits exactly as it would whole.
func nextJPEG(b []byte, final bool) (n int, ok bool, err error) {
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xD8 {
		if !final && len(b) < 2 {
			return 0, false, errNeedMore
		}
		return 0, false, errNoJPEG
	}
	// cut ends a truncated image at the next SOI from i on, if there is one
	// in b, or at the end of the stream.
	cut := func(i int) (int, bool, error) {
		j := nextSOI(b, i)
		if j == len(b) && !final {
			return 0, false, errNeedMore
		}
		return j, false, nil
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
		case m == 0xD8: // SOI outside any segment: this image was cut short
			return i, false, nil
		default: // segment with a 16-bit length
			if i+3 >= len(b) {
				return cut(len(b))
			}
			seg := int(b[i+2])<<8 | int(b[i+3])
			next := i + 2 + seg
			if seg < 2 {
				return cut(i + 2)
			}
			// A header segment is followed by a marker; anything else
			// means this image was cut inside the segment.
			if m != 0xDA {
				if next >= len(b) && !final {
					return 0, false, errNeedMore
				}
				if next >= len(b) || b[next] != 0xFF {
					return cut(i + 2)
				}
			}
			i = next
		}
	}
	return cut(len(b))
}

// nextSOI is the index of the first start-of-image marker at or after
// from, or len(b).
func nextSOI(b []byte, from int) int {
	for j := from; j+1 < len(b); j++ {
		if b[j] == 0xFF && b[j+1] == 0xD8 {
			return j
		}
	}
	return len(b)
}

// splitJPEGs splits a whole concatenated MJPEG stream into its images. A
// trailing truncated image is kept (the converter counts it as a bad
// frame); bytes between images that are not a JPEG are skipped up to the
// next SOI. mjpegReader splits a stream read piece by piece the same way.
func splitJPEGs(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		n, _, err := nextJPEG(b, true)
		if err != nil {
			// Resynchronise on the next SOI.
			j := nextSOI(b, 1)
			if j >= len(b) {
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

package imageinput

import (
	"errors"
	"fmt"
)

// The limits keep edgecam's peak resident memory under 200 MB on a 512 MB
// Raspberry Pi Zero 2 W for any image, valid or hostile. Go's decoders
// allocate the whole decoded image as soon as they have read its header, so
// a 77-byte PNG that declares 60000x60000 pixels would ask for 14 GB: the
// size an image declares is checked against these limits before any pixel
// is decoded.
const (
	// MaxDecodeBytes is the memory that decoding one image may take (see
	// Header.DecodeBytes for what is counted). Per pixel, Go's decoders
	// hold 1 byte for 8-bit gray and paletted PNG, 1.5 to 3 for JPEG (4:2:0
	// to 4:4:4), 4 for RGBA PNG and for BMP, 8 for 16-bit PNG; a
	// progressive JPEG adds 4 bytes a pixel for each component's DCT
	// coefficients, an RGB or CMYK JPEG 4 for the converted copy, and an
	// interlaced PNG a second full-size set of pass images. 48 MiB
	// decodes a 12-megapixel RGBA PNG or a 4:2:0 JPEG of 30 megapixels.
	// Within 200 MB it leaves room for the file (MaxFileBytes), the model
	// and runtime (under 40 MB for the MobileNets edgecam runs), and for
	// the garbage Go's collector lets accumulate before it runs.
	MaxDecodeBytes = 48 << 20

	// MaxPixels is the most pixels (width × height as declared) that any
	// image may have: MaxDecodeBytes at one byte a pixel, the cheapest
	// decoded type (8-bit gray, paletted). Costlier types are held to
	// fewer pixels by MaxDecodeBytes.
	MaxPixels = MaxDecodeBytes

	// MaxFileBytes is the largest PNG, JPEG or BMP file read. No image
	// within MaxDecodeBytes needs more: PNG and BMP store at most about
	// the decoded size (deflate's stored blocks, 3 or 4 bytes a BMP
	// pixel), JPEG far less; only metadata could make a file larger.
	MaxFileBytes = 32 << 20
)

// ErrTooLarge is wrapped by the error for an image whose declared size is
// over MaxPixels or would take more than MaxDecodeBytes to decode.
var ErrTooLarge = errors.New("image too large")

// check returns an error naming the image, its declared size and the limit
// it breaks, or nil.
func (h *Header) check(name string) error {
	pixels := int64(h.Width) * int64(h.Height)
	if h.Width <= 0 || h.Height <= 0 {
		return fmt.Errorf("decode %s: it declares an empty size %dx%d", name, h.Width, h.Height)
	}
	if pixels > MaxPixels {
		return fmt.Errorf("decode %s: %w: it declares %dx%d (%d pixels), over the limit of %d pixels (imageinput.MaxPixels)",
			name, ErrTooLarge, h.Width, h.Height, pixels, MaxPixels)
	}
	if h.DecodeBytes > MaxDecodeBytes {
		perPixel := float64(h.DecodeBytes) / float64(max(pixels, 1))
		return fmt.Errorf("decode %s: %w: it declares %dx%d, and %s of that size takes %d MiB to decode, over the limit of %d MiB (imageinput.MaxDecodeBytes; about %d pixels at %.1f bytes a pixel)",
			name, ErrTooLarge, h.Width, h.Height, h.Kind, h.DecodeBytes>>20, MaxDecodeBytes>>20, int64(MaxDecodeBytes/perPixel), perPixel)
	}
	return nil
}

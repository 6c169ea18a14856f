package imageinput

import (
	"fmt"

	"github.com/edgecam/edgecam/camera/internal/resample"
)

// Framing is how a picture of any shape becomes the square model input.
type Framing uint8

const (
	// CentreCrop takes the largest centred square of the picture and
	// resizes it: the canonical preprocessing of the classifiers
	// (../shared/golden/README.md). The parts left and right of a
	// landscape picture (above and below a portrait one) are not seen.
	CentreCrop Framing = iota
	// WholeFrame resizes the whole picture to the square, each axis on its
	// own, so a non-square picture is squeezed (aspect ratio not kept), as
	// detectors are fed (TensorFlow's Raspberry Pi detection example, the
	// detector's golden set). A normalized coordinate of the input is the
	// same fraction of the picture's width or height: pixel x = X * width,
	// pixel y = Y * height.
	WholeFrame
)

// String names the framing as the CLI and logs spell it.
func (f Framing) String() string {
	switch f {
	case CentreCrop:
		return "centre-crop"
	case WholeFrame:
		return "whole-frame"
	}
	return fmt.Sprintf("framing(%d)", uint8(f))
}

// newResizer returns the resizer of framing f from w×h to res×res.
func (f Framing) newResizer(w, h, res int) (*resample.Resizer, error) {
	switch f {
	case CentreCrop:
		return resample.New(w, h, res)
	case WholeFrame:
		return resample.NewWhole(w, h, res)
	}
	return nil, fmt.Errorf("unknown framing %d", uint8(f))
}

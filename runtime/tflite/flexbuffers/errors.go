package flexbuffers

import (
	"errors"
	"fmt"
)

// The errors Parse and the typed lookups wrap; test with errors.Is.
var (
	// ErrMalformed: the bytes are not a well-formed FlexBuffers map (an
	// offset, width or length points outside the buffer, keys out of order).
	ErrMalformed = errors.New("malformed flexbuffer")
	// ErrUnsupported: well-formed, but holds something a TFLite option map
	// does not (a root that is not a map, a string, vector, blob or null value).
	ErrUnsupported = errors.New("unsupported flexbuffer value")
	// ErrType: a typed lookup found a value of another kind (a float where an
	// integer is wanted) or out of the wanted range.
	ErrType = errors.New("flexbuffer value of the wrong type")
)

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

func wrongType(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrType}, args...)...)
}

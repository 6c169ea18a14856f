// Package flexbuffers reads the FlexBuffers maps TFLite stores in a custom
// operator's custom_options: string keys mapped to integers, unsigned
// integers, floats and booleans.
//
// The reader is bounded: every offset, width and length is checked against the
// buffer before it is used, nothing is allocated from a size read from the
// input (nothing is allocated at all on success), and no input makes it panic.
// Anything a TFLite option map does not hold (strings, vectors, nested maps,
// blobs, nulls) is refused with an error that names the key and its type.
//
// Format reference: the FlexBuffers section of the FlatBuffers documentation
// (internals) and flatbuffers/flexbuffers.h.
package flexbuffers

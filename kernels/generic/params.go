package generic

// ConvParams describes a 2-D convolution, depthwise convolution or pool over one
// NHWC image (batch 1). Padding is given as the 'before' amounts of TensorFlow
// SAME padding; the 'after' amounts follow from the shapes (for a stride-2 3x3
// conv on an even input they are 0 before and 1 after).
//
// Kernels write output rows [y0, y1) only, so the runtime can split a layer
// across workers by rows.
type ConvParams struct {
	InH, InW, InC    int
	OutH, OutW, OutC int
	KH, KW           int
	StrideH, StrideW int
	PadTop, PadLeft  int
}

package kernels

import "github.com/edgecam/edgecam/kernels/generic"

// ConvF32Layer is one float32 convolution or depthwise convolution (depth
// multiplier 1), as the runtime hands it to Supports and Pack.
type ConvF32Layer struct {
	Params generic.ConvParams
	W      []float32 // [OutC][KH][KW][InC]; depthwise [KH][KW][C]
	Bias   []float32 // OutC values, or nil for zeros
	Lo, Hi float32   // the fused activation's clamp
}

// ConvQ8Layer is one int8 convolution or depthwise convolution. Values are in
// the int8 domain (legacy uint8 ones minus 128).
type ConvQ8Layer struct {
	Params  generic.ConvParams
	W       []int8  // laid out as ConvF32Layer.W
	WZP     []int32 // weight zero point of each output channel
	Bias    []int32 // OutC values, or nil for zeros
	XZP     int32   // input zero point; padding is the real value 0
	Requant *generic.Requant
}

// ConvF32Rows computes output rows [y0, y1) of a packed layer from src into
// dst (the whole input and output tensors). Workers call it concurrently on
// disjoint rows; it allocates nothing.
type ConvF32Rows func(dst, src []float32, y0, y1 int)

// ConvQ8Rows is the int8 twin of ConvF32Rows.
type ConvQ8Rows func(dst, src []int8, y0, y1 int)

// ConvF32 is a direct convolution (spec: generic.ConvF32) or a depthwise one
// (generic.DWConvF32). Pack runs once per layer, at plan time: it puts the
// weights and bias in the order the implementation reads (no implementation
// reorders or widens weights per call) and returns the function that computes
// the layer's rows.
type ConvF32 struct {
	Kernel[ConvF32Layer]
	Pack func(l *ConvF32Layer) ConvF32Rows
}

// ConvQ8 is the int8 twin of ConvF32 (spec: generic.ConvQ8,
// generic.DWConvQ8). Its Pack subtracts the weight zero points (widening to
// int16 where the implementation multiplies int16) and folds what the
// implementation folds into the bias.
type ConvQ8 struct {
	Kernel[ConvQ8Layer]
	Pack func(l *ConvQ8Layer) ConvQ8Rows
}

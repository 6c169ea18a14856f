package tflite

import "strconv"

// The graph a TFLite file holds, as edgecam uses it: one subgraph of tensors
// and operators. Enum values are TFLite's own, so nothing is translated
// between the file and the engine.

// DType is a tensor element type. The values are TFLite's TensorType enum, so a
// DType read from a file needs no translation.
type DType int8

// Tensor element types (TFLite TensorType numbering).
const (
	Float32 DType = 0
	Float16 DType = 1
	Int32   DType = 2
	Uint8   DType = 3
	Int64   DType = 4
	String  DType = 5
	Bool    DType = 6
	Int16   DType = 7
	Int8    DType = 9
)

// Size is the size of one element in bytes, or 0 for types edgecam cannot hold.
func (t DType) Size() int {
	switch t {
	case Float32, Int32:
		return 4
	case Float16, Int16:
		return 2
	case Uint8, Int8, Bool:
		return 1
	case Int64:
		return 8
	}
	return 0
}

func (t DType) String() string {
	switch t {
	case Float32:
		return "float32"
	case Float16:
		return "float16"
	case Int32:
		return "int32"
	case Uint8:
		return "uint8"
	case Int64:
		return "int64"
	case String:
		return "string"
	case Bool:
		return "bool"
	case Int16:
		return "int16"
	case Int8:
		return "int8"
	}
	return "dtype(" + strconv.Itoa(int(t)) + ")"
}

// Quantization holds a tensor's affine quantization: real = Scale * (q - ZeroPoint).
// One entry means per-tensor; len(Scale) == Shape[Axis] means per-channel along Axis.
type Quantization struct {
	Scale     []float32
	ZeroPoint []int64
	Axis      int // TFLite quantized_dimension
}

// PerChannel reports whether q has more than one scale.
func (q *Quantization) PerChannel() bool { return q != nil && len(q.Scale) > 1 }

// Tensor is one tensor of the graph. Data holds the constant contents
// (little-endian, as in the file) and is nil for activations.
type Tensor struct {
	Name  string
	Shape []int
	Type  DType
	Quant *Quantization // nil when the tensor is not quantized
	Data  []byte
}

// Elems is the number of elements of the tensor's shape.
func (t *Tensor) Elems() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// OpKind is an operator. The values are TFLite's BuiltinOperator enum.
type OpKind int32

// The operators this package reads and writes (TFLite BuiltinOperator
// numbering). OpCustom is every custom operator; Op.Custom names it.
const (
	OpAdd             OpKind = 0
	OpAveragePool2D   OpKind = 1
	OpConcatenation   OpKind = 2
	OpConv2D          OpKind = 3
	OpDepthwiseConv2D OpKind = 4
	OpDequantize      OpKind = 6
	OpFullyConnected  OpKind = 9
	OpLogistic        OpKind = 14
	OpRelu            OpKind = 19
	OpReluN1To1       OpKind = 20
	OpRelu6           OpKind = 21
	OpReshape         OpKind = 22
	OpSoftmax         OpKind = 25
	OpCustom          OpKind = 32
	OpPad             OpKind = 34
	OpMean            OpKind = 40
	OpSqueeze         OpKind = 43
	OpQuantize        OpKind = 114
)

// String is TFLite's name of the operator ("CONV_2D"), or BUILTIN_OP(n)
// for a code beyond the names edgecam knows.
func (k OpKind) String() string {
	if k >= 0 && int(k) < len(builtinOperatorNames) {
		return builtinOperatorNames[k]
	}
	return "BUILTIN_OP(" + strconv.Itoa(int(k)) + ")"
}

// Padding is TFLite's Padding enum.
type Padding int8

// Padding schemes.
const (
	PadSame  Padding = 0
	PadValid Padding = 1
)

// Activation is TFLite's ActivationFunctionType enum (fused activations).
type Activation int8

// Fused activations.
const (
	ActNone      Activation = 0
	ActRelu      Activation = 1
	ActReluN1To1 Activation = 2
	ActRelu6     Activation = 3
)

// Op is one operator with its options. Fields an operator does not use are zero.
type Op struct {
	Kind    OpKind
	Version int
	Inputs  []int // tensor indices; -1 marks an absent optional input
	Outputs []int

	// Custom operators (Kind OpCustom): the custom_code naming the
	// operator and its custom_options bytes (a flexbuffer, as the file
	// holds them; nil when absent).
	Custom        string
	CustomOptions []byte

	// CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D; Activation also ADD
	// and CONCATENATION
	Padding          Padding
	StrideH, StrideW int
	DilationH        int // 1 when the file does not say
	DilationW        int
	FilterH, FilterW int // pools only
	DepthMultiplier  int // depthwise only
	Activation       Activation

	Beta        float32 // SOFTMAX
	NewShape    []int   // RESHAPE (may be nil: shape comes from the second input)
	SqueezeDims []int   // SQUEEZE
	KeepNumDims bool    // FULLY_CONNECTED
	KeepDims    bool    // MEAN
	Axis        int     // CONCATENATION (negative counts from the last dimension)
}

// Name names the operator in messages: its custom code for a custom
// operator ("TFLite_Detection_PostProcess"), else the builtin name.
func (op *Op) Name() string {
	if op.Kind == OpCustom && op.Custom != "" {
		return op.Custom
	}
	return op.Kind.String()
}

// Model is a TFLite model with one subgraph (a loaded file or a graph built
// in memory). Check verifies what the file format requires of it.
type Model struct {
	Version     uint32
	Description string
	Tensors     []Tensor
	Ops         []Op
	Inputs      []int
	Outputs     []int
	// Metadata is the model's TFLite metadata ("TFLITE_METADATA") with its
	// associated files, nil when the model has none.
	Metadata *Metadata
}

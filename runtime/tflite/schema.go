package tflite

import flatbuffers "github.com/google/flatbuffers/go"

// The subset of the TFLite flatbuffer schema (tensorflow/lite/schema/schema.fbs,
// schema version 3) that edgecam reads and writes.
//
// Field constants are flatbuffer field ids (the order of the fields in the
// schema, starting at 0). The writer passes them directly as the slot number
// of flatbuffers.Builder.Prepend*Slot / PrependUOffsetTSlot and uses the
// *NumFields constants for Builder.StartObject; the reader turns them into
// vtable offsets with fieldVT (4 + 2*id).

// fileIdentifier is the file identifier at bytes 4..8 of every TFLite file.
const fileIdentifier = "TFL3"

// SchemaVersion is the Model.Version the writer emits and the reader accepts.
const SchemaVersion = 3

// fieldVT is the vtable offset of flatbuffer field id.
func fieldVT(id int) flatbuffers.VOffsetT { return flatbuffers.VOffsetT(4 + 2*id) }

// table Model
const (
	fModelVersion        = 0 // uint32
	fModelOperatorCodes  = 1 // [OperatorCode]
	fModelSubgraphs      = 2 // [SubGraph]
	fModelDescription    = 3 // string
	fModelBuffers        = 4 // [Buffer]
	fModelMetadataBuffer = 5 // [int] (deprecated)
	fModelMetadata       = 6 // [Metadata]
	fModelSignatureDefs  = 7 // [SignatureDef]
	modelNumFields       = 8
)

// table SubGraph
const (
	fSubGraphTensors   = 0 // [Tensor]
	fSubGraphInputs    = 1 // [int]
	fSubGraphOutputs   = 2 // [int]
	fSubGraphOperators = 3 // [Operator]
	fSubGraphName      = 4 // string
	subGraphNumFields  = 5
)

// table Tensor
const (
	fTensorShape          = 0 // [int]
	fTensorType           = 1 // TensorType (byte), default FLOAT32
	fTensorBuffer         = 2 // uint32 index into Model.buffers; 0 = no data
	fTensorName           = 3 // string
	fTensorQuantization   = 4 // QuantizationParameters
	fTensorIsVariable     = 5 // bool
	fTensorSparsity       = 6 // SparsityParameters (rejected when present)
	fTensorShapeSignature = 7 // [int]
	tensorNumFields       = 8
)

// table Buffer
const (
	fBufferData     = 0 // [ubyte]
	fBufferOffset   = 1 // ulong (large-model extension; rejected when non-zero)
	fBufferSize     = 2 // ulong
	bufferNumFields = 3
)

// table Operator
const (
	fOperatorOpcodeIndex         = 0 // uint32 index into Model.operator_codes
	fOperatorInputs              = 1 // [int], -1 = absent optional input
	fOperatorOutputs             = 2 // [int]
	fOperatorBuiltinOptionsType  = 3 // BuiltinOptions union type (ubyte)
	fOperatorBuiltinOptions      = 4 // BuiltinOptions union value (table)
	fOperatorCustomOptions       = 5 // [ubyte]
	fOperatorCustomOptionsFormat = 6 // byte
	fOperatorMutatingVarInputs   = 7 // [bool]
	fOperatorIntermediates       = 8 // [int]
	operatorNumFields            = 9
)

// table OperatorCode. The builtin operator is max(deprecated_builtin_code,
// builtin_code): old files only set the int8 field 0, new files set both
// (field 0 saturates at 127 = PLACEHOLDER_FOR_GREATER_OP_CODES).
const (
	fOperatorCodeDeprecatedBuiltinCode = 0 // byte
	fOperatorCodeCustomCode            = 1 // string
	fOperatorCodeVersion               = 2 // int, default 1
	fOperatorCodeBuiltinCode           = 3 // int (BuiltinOperator)
	operatorCodeNumFields              = 4
)

// opPlaceholderForGreaterOpCodes is the deprecated_builtin_code of operators
// numbered 127 and above.
const opPlaceholderForGreaterOpCodes = 127

// table QuantizationParameters
const (
	fQuantMin                = 0 // [float]
	fQuantMax                = 1 // [float]
	fQuantScale              = 2 // [float]
	fQuantZeroPoint          = 3 // [long]
	fQuantDetailsType        = 4 // QuantizationDetails union type (rejected when non-zero)
	fQuantDetails            = 5
	fQuantQuantizedDimension = 6 // int
	quantNumFields           = 7
)

// union BuiltinOptions: the type ids of the options tables edgecam uses.
const (
	optNone                   = 0
	optConv2DOptions          = 1
	optDepthwiseConv2DOptions = 2
	optPool2DOptions          = 5
	optFullyConnectedOptions  = 8
	optSoftmaxOptions         = 9
	optConcatenationOptions   = 10
	optAddOptions             = 11
	optReshapeOptions         = 17
	optPadOptions             = 22
	optReducerOptions         = 27
	optSqueezeOptions         = 30
	optDequantizeOptions      = 38
	optQuantizeOptions        = 89
)

// table Conv2DOptions
const (
	fConv2DPadding       = 0 // Padding (byte)
	fConv2DStrideW       = 1 // int
	fConv2DStrideH       = 2 // int
	fConv2DActivation    = 3 // ActivationFunctionType (byte)
	fConv2DDilationW     = 4 // int, default 1
	fConv2DDilationH     = 5 // int, default 1
	conv2DOptionsNumFlds = 6
)

// table DepthwiseConv2DOptions
const (
	fDWConvPadding         = 0 // Padding (byte)
	fDWConvStrideW         = 1 // int
	fDWConvStrideH         = 2 // int
	fDWConvDepthMultiplier = 3 // int
	fDWConvActivation      = 4 // ActivationFunctionType (byte)
	fDWConvDilationW       = 5 // int, default 1
	fDWConvDilationH       = 6 // int, default 1
	dwConvOptionsNumFlds   = 7
)

// table Pool2DOptions
const (
	fPoolPadding       = 0 // Padding (byte)
	fPoolStrideW       = 1 // int
	fPoolStrideH       = 2 // int
	fPoolFilterWidth   = 3 // int
	fPoolFilterHeight  = 4 // int
	fPoolActivation    = 5 // ActivationFunctionType (byte)
	poolOptionsNumFlds = 6
)

// table FullyConnectedOptions
const (
	fFCActivation            = 0 // ActivationFunctionType (byte)
	fFCWeightsFormat         = 1 // byte: 0 DEFAULT (others rejected)
	fFCKeepNumDims           = 2 // bool
	fFCAsymmetricQuantInputs = 3 // bool
	fcOptionsNumFlds         = 4
)

// table SoftmaxOptions
const (
	fSoftmaxBeta          = 0 // float
	softmaxOptionsNumFlds = 1
)

// table ConcatenationOptions
const (
	fConcatAxis          = 0 // int
	fConcatActivation    = 1 // ActivationFunctionType (byte)
	concatOptionsNumFlds = 2
)

// table ReshapeOptions
const (
	fReshapeNewShape      = 0 // [int]
	reshapeOptionsNumFlds = 1
)

// table SqueezeOptions
const (
	fSqueezeDims          = 0 // [int]
	squeezeOptionsNumFlds = 1
)

// table AddOptions
const (
	fAddActivation    = 0 // ActivationFunctionType (byte)
	fAddPotScaleInt16 = 1 // bool, default true (int16 only)
	addOptionsNumFlds = 2
)

// table ReducerOptions (MEAN)
const (
	fReducerKeepDims      = 0 // bool
	reducerOptionsNumFlds = 1
)

// QuantizeOptions, DequantizeOptions and PadOptions are empty tables.
const (
	quantizeOptionsNumFlds   = 0
	dequantizeOptionsNumFlds = 0
	padOptionsNumFlds        = 0
)

// customOptionsFlexbuffers is the only CustomOptionsFormat TFLite defines.
const customOptionsFlexbuffers = 0

// builtinOperatorNames are TFLite's BuiltinOperator names by code (0..145),
// for naming the operators edgecam rejects.
var builtinOperatorNames = [...]string{
	"ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE",
	"DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP",
	"L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION",
	"LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR",
	"RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH", "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL",
	"CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD", "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER",
	"BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE",
	"UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2",
	"SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM",
	"ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT",
	"SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL",
	"LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD",
	"REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK",
	"REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE",
	"RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V",
	"UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU",
	"REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF",
	"WHILE", "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",
	"SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE",
	"BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND",
	"HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE",
	"READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS",
}

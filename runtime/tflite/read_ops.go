package tflite

import (
	"fmt"
	"slices"
	"strings"
)

// decodeOp reads operator i and its builtin options.
func decodeOp(r *fbReader, pos uint32, i int, op *Op, codes []opCode) error {
	t, err := r.table(pos, fmt.Sprintf("op %d", i))
	if err != nil {
		return err
	}
	idx, err := t.uint32(fOperatorOpcodeIndex, 0)
	if err != nil {
		return err
	}
	if uint64(idx) >= uint64(len(codes)) {
		return fmt.Errorf("%w: op %d: opcode index %d out of range (model has %d operator codes)", ErrInvalidModel, i, idx, len(codes))
	}
	code := codes[idx]
	op.Kind, op.Version = code.kind, code.version
	// As TFLite resolves operators: the builtin code decides, and
	// custom_code names the operator when that code is CUSTOM.
	switch {
	case op.Kind == OpCustom && code.custom == "":
		return fmt.Errorf("%w: op %d: custom operator without a custom_code", ErrInvalidModel, i)
	case op.Kind == OpCustom:
		op.Custom = code.custom
	case code.custom != "":
		return fmt.Errorf("%w: op %d: custom operator %q has builtin code %s, want CUSTOM", ErrUnsupported, i, code.custom, op.Kind)
	}
	where := fmt.Sprintf("op %d (%s)", i, op.Name())
	t.what = where
	if !readableOp(op.Kind) {
		return fmt.Errorf("%w: %s: operator not supported (the reader decodes %s and custom operators)", ErrUnsupported, where, readableOpNames())
	}
	if op.Inputs, err = t.ints(fOperatorInputs, "inputs"); err != nil {
		return err
	}
	if op.Outputs, err = t.ints(fOperatorOutputs, "outputs"); err != nil {
		return err
	}
	if op.Kind == OpCustom {
		return decodeCustomOptions(t, op, where)
	}
	if t.has(fOperatorCustomOptions) {
		return fmt.Errorf("%w: %s: has custom options", ErrUnsupported, where)
	}
	typ, err := t.uint8(fOperatorBuiltinOptionsType, optNone)
	if err != nil {
		return err
	}
	want := optionsType(op.Kind)
	if typ != optNone && typ != want {
		return fmt.Errorf("%w: %s: builtin options type %d, want %d", ErrInvalidModel, where, typ, want)
	}
	var o *fbTable
	if typ != optNone {
		if o, err = t.subTable(fOperatorBuiltinOptions, "builtin_options"); err != nil {
			return err
		}
	}
	if err := decodeOptions(o, op, where); err != nil {
		return err
	}
	return nil
}

// readableOps are the builtin operators whose options this package decodes
// and encodes (every field of Op they use), in code order. A file with
// another builtin operator is refused: the writer could not write it back.
var readableOps = []OpKind{
	OpAdd, OpAveragePool2D, OpConcatenation, OpConv2D, OpDepthwiseConv2D, OpDequantize, OpFullyConnected,
	OpLogistic, OpRelu, OpReluN1To1, OpRelu6, OpReshape, OpSoftmax, OpPad, OpMean, OpSqueeze, OpQuantize,
}

func readableOp(k OpKind) bool { return k == OpCustom || slices.Contains(readableOps, k) }

// readableOpNames lists readableOps for messages.
func readableOpNames() string {
	names := make([]string, len(readableOps))
	for i, k := range readableOps {
		names[i] = k.String()
	}
	return strings.Join(names, ", ")
}

// decodeCustomOptions reads a custom operator's options: raw bytes, which
// only the operator's implementation interprets. They must be a flexbuffer
// (the one format TFLite defines); builtin options are refused.
func decodeCustomOptions(t *fbTable, op *Op, where string) error {
	if t.has(fOperatorBuiltinOptionsType) || t.has(fOperatorBuiltinOptions) {
		return fmt.Errorf("%w: %s: custom operator with builtin options", ErrInvalidModel, where)
	}
	format, err := t.int8(fOperatorCustomOptionsFormat, customOptionsFlexbuffers)
	if err != nil {
		return err
	}
	if format != customOptionsFlexbuffers {
		return fmt.Errorf("%w: %s: custom options format %d (only flexbuffers, 0, is defined)", ErrUnsupported, where, format)
	}
	op.CustomOptions, err = t.bytes(fOperatorCustomOptions, "custom_options")
	return err
}

// optionsType is the BuiltinOptions union type of an operator's options.
func optionsType(k OpKind) uint8 {
	switch k {
	case OpConv2D:
		return optConv2DOptions
	case OpDepthwiseConv2D:
		return optDepthwiseConv2DOptions
	case OpAveragePool2D:
		return optPool2DOptions
	case OpFullyConnected:
		return optFullyConnectedOptions
	case OpSoftmax:
		return optSoftmaxOptions
	case OpConcatenation:
		return optConcatenationOptions
	case OpReshape:
		return optReshapeOptions
	case OpSqueeze:
		return optSqueezeOptions
	case OpQuantize:
		return optQuantizeOptions
	case OpDequantize:
		return optDequantizeOptions
	case OpAdd:
		return optAddOptions
	case OpPad:
		return optPadOptions
	case OpMean:
		return optReducerOptions
	}
	return optNone
}

// decodeOptions fills op's option fields from o (nil when the file has none:
// every field takes its schema default).
func decodeOptions(o *fbTable, op *Op, where string) error {
	op.DilationH, op.DilationW = 1, 1
	if o == nil {
		o = &fbTable{} // vtLen 0: every field absent
	}
	var err error
	i32 := func(id int, def int32) int {
		if err != nil {
			return 0
		}
		var v int32
		v, err = o.int32(id, def)
		return int(v)
	}
	i8 := func(id int) int8 {
		if err != nil {
			return 0
		}
		var v int8
		v, err = o.int8(id, 0)
		return v
	}
	switch op.Kind {
	case OpConv2D:
		op.Padding = Padding(i8(fConv2DPadding))
		op.StrideW = i32(fConv2DStrideW, 0)
		op.StrideH = i32(fConv2DStrideH, 0)
		op.Activation = Activation(i8(fConv2DActivation))
		op.DilationW = i32(fConv2DDilationW, 1)
		op.DilationH = i32(fConv2DDilationH, 1)
	case OpDepthwiseConv2D:
		op.Padding = Padding(i8(fDWConvPadding))
		op.StrideW = i32(fDWConvStrideW, 0)
		op.StrideH = i32(fDWConvStrideH, 0)
		op.DepthMultiplier = i32(fDWConvDepthMultiplier, 0)
		op.Activation = Activation(i8(fDWConvActivation))
		op.DilationW = i32(fDWConvDilationW, 1)
		op.DilationH = i32(fDWConvDilationH, 1)
	case OpAveragePool2D:
		op.Padding = Padding(i8(fPoolPadding))
		op.StrideW = i32(fPoolStrideW, 0)
		op.StrideH = i32(fPoolStrideH, 0)
		op.FilterW = i32(fPoolFilterWidth, 0)
		op.FilterH = i32(fPoolFilterHeight, 0)
		op.Activation = Activation(i8(fPoolActivation))
	case OpFullyConnected:
		op.Activation = Activation(i8(fFCActivation))
		if f := i8(fFCWeightsFormat); f != 0 && err == nil {
			return fmt.Errorf("%w: %s: shuffled weights format %d", ErrUnsupported, where, f)
		}
		if err == nil {
			op.KeepNumDims, err = o.bool(fFCKeepNumDims)
		}
	case OpSoftmax:
		if err == nil {
			op.Beta, err = o.float32(fSoftmaxBeta, 0)
		}
	case OpReshape:
		if err == nil {
			op.NewShape, err = o.ints(fReshapeNewShape, "new_shape")
		}
	case OpSqueeze:
		if err == nil {
			op.SqueezeDims, err = o.ints(fSqueezeDims, "squeeze_dims")
		}
	case OpAdd:
		op.Activation = Activation(i8(fAddActivation))
	case OpConcatenation:
		op.Axis = i32(fConcatAxis, 0)
		op.Activation = Activation(i8(fConcatActivation))
	case OpMean:
		if err == nil {
			op.KeepDims, err = o.bool(fReducerKeepDims)
		}
	}
	return err
}

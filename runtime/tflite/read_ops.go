package tflite

import "fmt"

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
	where := fmt.Sprintf("op %d (%s)", i, op.Kind)
	t.what = where
	if code.custom != "" || op.Kind == 32 {
		return fmt.Errorf("%w: op %d: custom operator %q", ErrUnsupported, i, code.custom)
	}
	if !supportedOp(op.Kind) {
		return fmt.Errorf("%w: %s: operator not supported (edgecam runs CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, FULLY_CONNECTED, RESHAPE, SQUEEZE, SOFTMAX, QUANTIZE, DEQUANTIZE)", ErrUnsupported, where)
	}
	if op.Inputs, err = t.ints(fOperatorInputs, "inputs"); err != nil {
		return err
	}
	if op.Outputs, err = t.ints(fOperatorOutputs, "outputs"); err != nil {
		return err
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

func supportedOp(k OpKind) bool {
	switch k {
	case OpAveragePool2D, OpConv2D, OpDepthwiseConv2D, OpDequantize, OpFullyConnected,
		OpReshape, OpSoftmax, OpSqueeze, OpQuantize:
		return true
	}
	return false
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
	case OpReshape:
		return optReshapeOptions
	case OpSqueeze:
		return optSqueezeOptions
	case OpQuantize:
		return optQuantizeOptions
	case OpDequantize:
		return optDequantizeOptions
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
	}
	return err
}

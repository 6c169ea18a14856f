package tflite

import (
	flatbuffers "github.com/google/flatbuffers/go"
)

// encodeKnobs corrupt what a Model cannot express, for the loader's error tests.
type encodeKnobs struct {
	opcodeIndex map[int]uint32 // op -> opcode index written instead of the real one
	tensorBuf   map[int]uint32 // tensor -> buffer index written instead of the real one
	subgraphs   int            // number of copies of the subgraph (0 -> 1)
	version     uint32         // model version (0 -> 3)
	customCode  string         // when set, the first operator code is custom
	customFmt   int8           // custom_options_format written for custom ops
	bufOffset   uint64         // when set, buffer 1 gets a large-model offset field
}

// encodeForTest serialises m as a TFLite flatbuffer without checking it.
// Each constant tensor gets its own buffer; buffer 0 is the empty sentinel.
//
// It stays independent of Write for two reasons. The reader's error tests
// need files that Write refuses to produce or cannot express: out-of-range
// tensor indices, short buffers, bad shapes and quantization arrays (Write
// runs Check first), and opcode and buffer indices, several subgraphs, other
// schema versions, custom operators and large-model buffer offsets (the
// knobs below). And a reader tested only on the writer's output would accept
// any misreading of the schema that the writer shares; this encoder is a
// second, separate reading of schema.fbs.
func encodeForTest(m *Model, k encodeKnobs) []byte {
	b := flatbuffers.NewBuilder(1 << 16)
	ints := func(v []int) flatbuffers.UOffsetT {
		b.StartVector(4, len(v), 4)
		for i := len(v) - 1; i >= 0; i-- {
			b.PrependInt32(int32(v[i]))
		}
		return b.EndVector(len(v))
	}
	tables := func(v []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
		b.StartVector(4, len(v), 4)
		for i := len(v) - 1; i >= 0; i-- {
			b.PrependUOffsetT(v[i])
		}
		return b.EndVector(len(v))
	}

	// Operator codes: one per distinct kind (and custom name), in order of
	// first use.
	type codeKey struct {
		kind   OpKind
		custom string
	}
	codeIndex := map[codeKey]int{}
	var kinds []codeKey
	for _, op := range m.Ops {
		if _, ok := codeIndex[codeKey{op.Kind, op.Custom}]; !ok {
			codeIndex[codeKey{op.Kind, op.Custom}] = len(kinds)
			kinds = append(kinds, codeKey{op.Kind, op.Custom})
		}
	}
	codes := make([]flatbuffers.UOffsetT, len(kinds))
	for i, key := range kinds {
		kind := key.kind
		var custom flatbuffers.UOffsetT
		switch {
		case i == 0 && k.customCode != "":
			custom = b.CreateString(k.customCode)
		case key.custom != "":
			custom = b.CreateString(key.custom)
		}
		b.StartObject(operatorCodeNumFields)
		b.PrependInt8Slot(fOperatorCodeDeprecatedBuiltinCode, int8(min(kind, opPlaceholderForGreaterOpCodes)), 0)
		b.PrependInt32Slot(fOperatorCodeBuiltinCode, int32(kind), 0)
		b.PrependInt32Slot(fOperatorCodeVersion, 1, 1)
		if custom != 0 {
			b.PrependUOffsetTSlot(fOperatorCodeCustomCode, custom, 0)
		}
		codes[i] = b.EndObject()
	}

	// Buffers.
	bufIndex := make([]uint32, len(m.Tensors))
	var bufs []flatbuffers.UOffsetT
	b.StartObject(bufferNumFields)
	bufs = append(bufs, b.EndObject())
	for i, t := range m.Tensors {
		if t.Data == nil {
			continue
		}
		data := b.CreateByteVector(t.Data)
		b.StartObject(bufferNumFields)
		b.PrependUOffsetTSlot(fBufferData, data, 0)
		if len(bufs) == 1 && k.bufOffset != 0 {
			b.PrependUint64Slot(fBufferOffset, k.bufOffset, 0)
		}
		bufIndex[i] = uint32(len(bufs))
		bufs = append(bufs, b.EndObject())
	}

	// Tensors.
	tens := make([]flatbuffers.UOffsetT, len(m.Tensors))
	for i, t := range m.Tensors {
		name := b.CreateString(t.Name)
		shape := ints(t.Shape)
		var quant flatbuffers.UOffsetT
		if q := t.Quant; q != nil {
			b.StartVector(4, len(q.Scale), 4)
			for j := len(q.Scale) - 1; j >= 0; j-- {
				b.PrependFloat32(q.Scale[j])
			}
			sc := b.EndVector(len(q.Scale))
			b.StartVector(8, len(q.ZeroPoint), 8)
			for j := len(q.ZeroPoint) - 1; j >= 0; j-- {
				b.PrependInt64(q.ZeroPoint[j])
			}
			zp := b.EndVector(len(q.ZeroPoint))
			b.StartObject(quantNumFields)
			b.PrependUOffsetTSlot(fQuantScale, sc, 0)
			b.PrependUOffsetTSlot(fQuantZeroPoint, zp, 0)
			b.PrependInt32Slot(fQuantQuantizedDimension, int32(q.Axis), 0)
			quant = b.EndObject()
		}
		buf := bufIndex[i]
		if v, ok := k.tensorBuf[i]; ok {
			buf = v
		}
		b.StartObject(tensorNumFields)
		b.PrependUOffsetTSlot(fTensorShape, shape, 0)
		b.PrependInt8Slot(fTensorType, int8(t.Type), 0)
		b.PrependUint32Slot(fTensorBuffer, buf, 0)
		b.PrependUOffsetTSlot(fTensorName, name, 0)
		if quant != 0 {
			b.PrependUOffsetTSlot(fTensorQuantization, quant, 0)
		}
		tens[i] = b.EndObject()
	}

	// Operators.
	ops := make([]flatbuffers.UOffsetT, len(m.Ops))
	for i := range m.Ops {
		op := &m.Ops[i]
		in, out := ints(op.Inputs), ints(op.Outputs)
		opt := encodeOptionsForTest(b, op, ints)
		var customOpts flatbuffers.UOffsetT
		if op.CustomOptions != nil {
			customOpts = b.CreateByteVector(op.CustomOptions)
		}
		idx := uint32(codeIndex[codeKey{op.Kind, op.Custom}])
		if v, ok := k.opcodeIndex[i]; ok {
			idx = v
		}
		b.StartObject(operatorNumFields)
		b.PrependUint32Slot(fOperatorOpcodeIndex, idx, 0)
		b.PrependUOffsetTSlot(fOperatorInputs, in, 0)
		b.PrependUOffsetTSlot(fOperatorOutputs, out, 0)
		if opt != 0 {
			b.PrependUint8Slot(fOperatorBuiltinOptionsType, optionsType(op.Kind), 0)
			b.PrependUOffsetTSlot(fOperatorBuiltinOptions, opt, 0)
		}
		if customOpts != 0 {
			b.PrependUOffsetTSlot(fOperatorCustomOptions, customOpts, 0)
			b.PrependInt8Slot(fOperatorCustomOptionsFormat, k.customFmt, 0)
		}
		ops[i] = b.EndObject()
	}

	tv, ov := tables(tens), tables(ops)
	in, out := ints(m.Inputs), ints(m.Outputs)
	name := b.CreateString("main")
	b.StartObject(subGraphNumFields)
	b.PrependUOffsetTSlot(fSubGraphTensors, tv, 0)
	b.PrependUOffsetTSlot(fSubGraphInputs, in, 0)
	b.PrependUOffsetTSlot(fSubGraphOutputs, out, 0)
	b.PrependUOffsetTSlot(fSubGraphOperators, ov, 0)
	b.PrependUOffsetTSlot(fSubGraphName, name, 0)
	sg := b.EndObject()
	n := max(k.subgraphs, 1)
	sgs := make([]flatbuffers.UOffsetT, n)
	for i := range sgs {
		sgs[i] = sg
	}

	cv, sv, bv := tables(codes), tables(sgs), tables(bufs)
	desc := b.CreateString(m.Description)
	version := k.version
	if version == 0 {
		version = SchemaVersion
	}
	b.StartObject(modelNumFields)
	b.PrependUint32Slot(fModelVersion, version, 0)
	b.PrependUOffsetTSlot(fModelOperatorCodes, cv, 0)
	b.PrependUOffsetTSlot(fModelSubgraphs, sv, 0)
	b.PrependUOffsetTSlot(fModelDescription, desc, 0)
	b.PrependUOffsetTSlot(fModelBuffers, bv, 0)
	b.FinishWithFileIdentifier(b.EndObject(), []byte(fileIdentifier))
	return b.FinishedBytes()
}

func encodeOptionsForTest(b *flatbuffers.Builder, op *Op, ints func([]int) flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	switch op.Kind {
	case OpConv2D:
		b.StartObject(conv2DOptionsNumFlds)
		b.PrependInt8Slot(fConv2DPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fConv2DStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fConv2DStrideH, int32(op.StrideH), 0)
		b.PrependInt8Slot(fConv2DActivation, int8(op.Activation), 0)
		b.PrependInt32Slot(fConv2DDilationW, int32(op.DilationW), 1)
		b.PrependInt32Slot(fConv2DDilationH, int32(op.DilationH), 1)
	case OpDepthwiseConv2D:
		b.StartObject(dwConvOptionsNumFlds)
		b.PrependInt8Slot(fDWConvPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fDWConvStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fDWConvStrideH, int32(op.StrideH), 0)
		b.PrependInt32Slot(fDWConvDepthMultiplier, int32(op.DepthMultiplier), 0)
		b.PrependInt8Slot(fDWConvActivation, int8(op.Activation), 0)
		b.PrependInt32Slot(fDWConvDilationW, int32(op.DilationW), 1)
		b.PrependInt32Slot(fDWConvDilationH, int32(op.DilationH), 1)
	case OpAveragePool2D:
		b.StartObject(poolOptionsNumFlds)
		b.PrependInt8Slot(fPoolPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fPoolStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fPoolStrideH, int32(op.StrideH), 0)
		b.PrependInt32Slot(fPoolFilterWidth, int32(op.FilterW), 0)
		b.PrependInt32Slot(fPoolFilterHeight, int32(op.FilterH), 0)
		b.PrependInt8Slot(fPoolActivation, int8(op.Activation), 0)
	case OpFullyConnected:
		b.StartObject(fcOptionsNumFlds)
		b.PrependInt8Slot(fFCActivation, int8(op.Activation), 0)
		b.PrependBoolSlot(fFCKeepNumDims, op.KeepNumDims, false)
	case OpSoftmax:
		b.StartObject(softmaxOptionsNumFlds)
		b.PrependFloat32Slot(fSoftmaxBeta, op.Beta, 0)
	case OpReshape:
		if op.NewShape == nil {
			return 0
		}
		ns := ints(op.NewShape)
		b.StartObject(reshapeOptionsNumFlds)
		b.PrependUOffsetTSlot(fReshapeNewShape, ns, 0)
	case OpSqueeze:
		sd := ints(op.SqueezeDims)
		b.StartObject(squeezeOptionsNumFlds)
		b.PrependUOffsetTSlot(fSqueezeDims, sd, 0)
	case OpAdd:
		b.StartObject(addOptionsNumFlds)
		b.PrependInt8Slot(fAddActivation, int8(op.Activation), 0)
	case OpMean:
		b.StartObject(reducerOptionsNumFlds)
		b.PrependBoolSlot(fReducerKeepDims, op.KeepDims, false)
	case OpConcatenation:
		b.StartObject(concatOptionsNumFlds)
		b.PrependInt32Slot(fConcatAxis, int32(op.Axis), 0)
		b.PrependInt8Slot(fConcatActivation, int8(op.Activation), 0)
	default:
		return 0
	}
	return b.EndObject()
}

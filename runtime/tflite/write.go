package tflite

import (
	"bytes"
	"fmt"
	"io"

	flatbuffers "github.com/google/flatbuffers/go"
)

// bufferAlign is the alignment of constant data in the file. The schema
// declares Buffer.data with force_align: 16 so that engines can map weights
// in place.
const bufferAlign = 16

// maxFileSize bounds what Write encodes: flatbuffer offsets are 32-bit, and
// the flatbuffers builder cannot grow past 2 GiB.
const maxFileSize = 1<<31 - 1<<20

// Write serializes m as a TFLite flatbuffer (schema version 3, identifier
// "TFL3") with one subgraph. Every distinct constant gets its own buffer:
// tensors whose Data is the same slice (as the reader returns for tensors
// sharing a buffer) share one, so a file read and written again does not
// grow. Activations share the empty buffer 0, as the TFLite converters emit.
// Operator codes are deduplicated by (operator, version). A model that fails
// Check is refused, so the writer never emits a file the reader rejects for
// its structure. A model with Metadata gets a "TFLITE_METADATA" buffer and
// its associated files in a zip archive appended to the flatbuffer, as
// TFLite's metadata writers produce them.
func Write(w io.Writer, m *Model) error {
	data, err := marshal(m)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("tflite write: %w", err)
	}
	return nil
}

// dataKey identifies a constant's bytes: the same slice of the same memory.
type dataKey struct {
	first *byte
	n     int
}

// marshal returns the TFLite flatbuffer encoding of m (see Write).
func marshal(m *Model) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, fmt.Errorf("tflite write: %w", err)
	}
	// bufOf maps each distinct constant to the tensor that writes it.
	bufOf := map[dataKey]int{}
	size := int64(1 << 16)
	for i := range m.Tensors {
		d := m.Tensors[i].Data
		if len(d) == 0 {
			continue
		}
		if k := (dataKey{&d[0], len(d)}); bufOf[k] == 0 {
			bufOf[k] = i + 1
			size += int64(len(d)) + bufferAlign
		}
	}
	if size > maxFileSize {
		return nil, fmt.Errorf("tflite write: %w: %d bytes of constants, more than a flatbuffer holds", ErrUnsupported, size)
	}
	b := flatbuffers.NewBuilder(int(size))

	// Buffers: 0 is the shared empty buffer; constants get 1, 2, ...
	bufIndex := make([]uint32, len(m.Tensors))
	bufs := []flatbuffers.UOffsetT{writeEmptyBuffer(b)}
	for i := range m.Tensors {
		t := &m.Tensors[i]
		if len(t.Data) == 0 {
			continue
		}
		if first := bufOf[dataKey{&t.Data[0], len(t.Data)}] - 1; first < i {
			bufIndex[i] = bufIndex[first]
			continue
		}
		b.Prep(bufferAlign, len(t.Data))
		data := b.CreateByteVector(t.Data)
		b.StartObject(bufferNumFields)
		b.PrependUOffsetTSlot(fBufferData, data, 0)
		bufIndex[i] = uint32(len(bufs))
		bufs = append(bufs, b.EndObject())
	}
	metadata := writeMetadata(b, m, &bufs)

	tensors := make([]flatbuffers.UOffsetT, len(m.Tensors))
	zeros := map[int]flatbuffers.UOffsetT{}
	for i := range m.Tensors {
		tensors[i] = writeTensor(b, &m.Tensors[i], bufIndex[i], zeros)
	}

	codes, opcodeIndex := writeOperatorCodes(m)
	ops := make([]flatbuffers.UOffsetT, len(m.Ops))
	for i := range m.Ops {
		off, err := writeOperator(b, &m.Ops[i], opcodeIndex[i])
		if err != nil {
			return nil, fmt.Errorf("tflite write: op %d (%s): %w", i, m.Ops[i].Name(), err)
		}
		ops[i] = off
	}

	tensorVec := writeTableVector(b, tensors)
	inVec := writeInt32Vector(b, m.Inputs)
	outVec := writeInt32Vector(b, m.Outputs)
	opVec := writeTableVector(b, ops)
	name := b.CreateString("main")
	b.StartObject(subGraphNumFields)
	b.PrependUOffsetTSlot(fSubGraphTensors, tensorVec, 0)
	b.PrependUOffsetTSlot(fSubGraphInputs, inVec, 0)
	b.PrependUOffsetTSlot(fSubGraphOutputs, outVec, 0)
	b.PrependUOffsetTSlot(fSubGraphOperators, opVec, 0)
	b.PrependUOffsetTSlot(fSubGraphName, name, 0)
	subgraph := b.EndObject()

	codeOffs := make([]flatbuffers.UOffsetT, len(codes))
	for i, c := range codes {
		var custom flatbuffers.UOffsetT
		if c.kind == OpCustom {
			custom = b.CreateString(c.custom)
		}
		b.StartObject(operatorCodeNumFields)
		dep := int8(opPlaceholderForGreaterOpCodes)
		if c.kind < opPlaceholderForGreaterOpCodes {
			dep = int8(c.kind)
		}
		b.PrependInt8Slot(fOperatorCodeDeprecatedBuiltinCode, dep, 0)
		b.PrependInt32Slot(fOperatorCodeVersion, int32(c.version), 1)
		b.PrependInt32Slot(fOperatorCodeBuiltinCode, int32(c.kind), 0)
		if custom != 0 {
			b.PrependUOffsetTSlot(fOperatorCodeCustomCode, custom, 0)
		}
		codeOffs[i] = b.EndObject()
	}

	codeVec := writeTableVector(b, codeOffs)
	subgraphVec := writeTableVector(b, []flatbuffers.UOffsetT{subgraph})
	bufVec := writeTableVector(b, bufs)
	var desc flatbuffers.UOffsetT
	if m.Description != "" {
		desc = b.CreateString(m.Description)
	}
	b.StartObject(modelNumFields)
	b.PrependUint32Slot(fModelVersion, SchemaVersion, 0)
	b.PrependUOffsetTSlot(fModelOperatorCodes, codeVec, 0)
	b.PrependUOffsetTSlot(fModelSubgraphs, subgraphVec, 0)
	if desc != 0 {
		b.PrependUOffsetTSlot(fModelDescription, desc, 0)
	}
	b.PrependUOffsetTSlot(fModelBuffers, bufVec, 0)
	if metadata != 0 {
		b.PrependUOffsetTSlot(fModelMetadata, metadata, 0)
	}
	root := b.EndObject()
	b.FinishWithFileIdentifier(root, []byte(fileIdentifier))
	out, err := appendAssociatedFiles(bytes.Clone(b.FinishedBytes()), m.Metadata)
	if err != nil {
		return nil, fmt.Errorf("tflite write: %w", err)
	}
	if len(out) > maxFileSize {
		return nil, fmt.Errorf("tflite write: %w: %d bytes with the associated files, more than a flatbuffer file holds", ErrUnsupported, len(out))
	}
	return out, nil
}

func writeEmptyBuffer(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	b.StartObject(bufferNumFields)
	return b.EndObject()
}

// writeTensor writes one tensor table. zeros caches all-zero zero_point
// vectors by length: flatbuffers may reference one vector from many tables,
// and per-channel weights and biases all have zero points 0, so sharing them
// saves 8 bytes per channel twice over.
func writeTensor(b *flatbuffers.Builder, t *Tensor, buf uint32, zeros map[int]flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	shape := writeInt32Vector(b, t.Shape)
	name := b.CreateString(t.Name)
	var q flatbuffers.UOffsetT
	if t.Quant != nil {
		q = writeQuantization(b, t.Quant, zeros)
	}
	b.StartObject(tensorNumFields)
	b.PrependUOffsetTSlot(fTensorShape, shape, 0)
	b.PrependInt8Slot(fTensorType, int8(t.Type), 0)
	b.PrependUint32Slot(fTensorBuffer, buf, 0)
	b.PrependUOffsetTSlot(fTensorName, name, 0)
	if q != 0 {
		b.PrependUOffsetTSlot(fTensorQuantization, q, 0)
	}
	return b.EndObject()
}

func writeQuantization(b *flatbuffers.Builder, q *Quantization, zeros map[int]flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(q.Scale), 4)
	for i := len(q.Scale) - 1; i >= 0; i-- {
		b.PrependFloat32(q.Scale[i])
	}
	scale := b.EndVector(len(q.Scale))
	allZero := true
	for _, z := range q.ZeroPoint {
		allZero = allZero && z == 0
	}
	zp, shared := zeros[len(q.ZeroPoint)]
	if !allZero || !shared {
		b.StartVector(8, len(q.ZeroPoint), 8)
		for i := len(q.ZeroPoint) - 1; i >= 0; i-- {
			b.PrependInt64(q.ZeroPoint[i])
		}
		zp = b.EndVector(len(q.ZeroPoint))
		if allZero {
			zeros[len(q.ZeroPoint)] = zp
		}
	}
	b.StartObject(quantNumFields)
	b.PrependUOffsetTSlot(fQuantScale, scale, 0)
	b.PrependUOffsetTSlot(fQuantZeroPoint, zp, 0)
	b.PrependInt32Slot(fQuantQuantizedDimension, int32(q.Axis), 0)
	return b.EndObject()
}

// writeOpCode is one entry of Model.operator_codes.
type writeOpCode struct {
	kind    OpKind
	custom  string // custom_code of a custom operator
	version int
}

// writeOperatorCodes lists the distinct (kind, custom code, version) triples
// in order of first use and maps every op to its entry.
func writeOperatorCodes(m *Model) ([]writeOpCode, []uint32) {
	var codes []writeOpCode
	index := make([]uint32, len(m.Ops))
	seen := map[writeOpCode]uint32{}
	for i := range m.Ops {
		c := writeOpCode{m.Ops[i].Kind, m.Ops[i].Custom, max(m.Ops[i].Version, 1)}
		j, ok := seen[c]
		if !ok {
			j = uint32(len(codes))
			seen[c] = j
			codes = append(codes, c)
		}
		index[i] = j
	}
	return codes, index
}

func writeOperator(b *flatbuffers.Builder, op *Op, opcode uint32) (flatbuffers.UOffsetT, error) {
	in := writeInt32Vector(b, op.Inputs)
	out := writeInt32Vector(b, op.Outputs)
	if op.Kind == OpCustom {
		if op.Custom == "" {
			return 0, fmt.Errorf("custom operator without a name (Op.Custom)")
		}
		var opts flatbuffers.UOffsetT
		if op.CustomOptions != nil {
			opts = b.CreateByteVector(op.CustomOptions)
		}
		b.StartObject(operatorNumFields)
		b.PrependUint32Slot(fOperatorOpcodeIndex, opcode, 0)
		b.PrependUOffsetTSlot(fOperatorInputs, in, 0)
		b.PrependUOffsetTSlot(fOperatorOutputs, out, 0)
		if opts != 0 {
			b.PrependUOffsetTSlot(fOperatorCustomOptions, opts, 0)
		}
		return b.EndObject(), nil
	}
	if op.Custom != "" || op.CustomOptions != nil {
		return 0, fmt.Errorf("builtin operator with a custom name or custom options")
	}
	optType, opts, err := writeOpOptions(b, op)
	if err != nil {
		return 0, err
	}
	b.StartObject(operatorNumFields)
	b.PrependUint32Slot(fOperatorOpcodeIndex, opcode, 0)
	b.PrependUOffsetTSlot(fOperatorInputs, in, 0)
	b.PrependUOffsetTSlot(fOperatorOutputs, out, 0)
	if optType != optNone {
		b.PrependUint8Slot(fOperatorBuiltinOptionsType, optType, 0)
		b.PrependUOffsetTSlot(fOperatorBuiltinOptions, opts, 0)
	}
	return b.EndObject(), nil
}

// writeOpOptions writes the builtin options table of op and returns its union type.
func writeOpOptions(b *flatbuffers.Builder, op *Op) (uint8, flatbuffers.UOffsetT, error) {
	dil := func(d int) int32 { return int32(max(d, 1)) }
	switch op.Kind {
	case OpConv2D:
		b.StartObject(conv2DOptionsNumFlds)
		b.PrependInt8Slot(fConv2DPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fConv2DStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fConv2DStrideH, int32(op.StrideH), 0)
		b.PrependInt8Slot(fConv2DActivation, int8(op.Activation), 0)
		b.PrependInt32Slot(fConv2DDilationW, dil(op.DilationW), 1)
		b.PrependInt32Slot(fConv2DDilationH, dil(op.DilationH), 1)
		return optConv2DOptions, b.EndObject(), nil
	case OpDepthwiseConv2D:
		b.StartObject(dwConvOptionsNumFlds)
		b.PrependInt8Slot(fDWConvPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fDWConvStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fDWConvStrideH, int32(op.StrideH), 0)
		b.PrependInt32Slot(fDWConvDepthMultiplier, int32(op.DepthMultiplier), 0)
		b.PrependInt8Slot(fDWConvActivation, int8(op.Activation), 0)
		b.PrependInt32Slot(fDWConvDilationW, dil(op.DilationW), 1)
		b.PrependInt32Slot(fDWConvDilationH, dil(op.DilationH), 1)
		return optDepthwiseConv2DOptions, b.EndObject(), nil
	case OpAveragePool2D:
		b.StartObject(poolOptionsNumFlds)
		b.PrependInt8Slot(fPoolPadding, int8(op.Padding), 0)
		b.PrependInt32Slot(fPoolStrideW, int32(op.StrideW), 0)
		b.PrependInt32Slot(fPoolStrideH, int32(op.StrideH), 0)
		b.PrependInt32Slot(fPoolFilterWidth, int32(op.FilterW), 0)
		b.PrependInt32Slot(fPoolFilterHeight, int32(op.FilterH), 0)
		b.PrependInt8Slot(fPoolActivation, int8(op.Activation), 0)
		return optPool2DOptions, b.EndObject(), nil
	case OpFullyConnected:
		b.StartObject(fcOptionsNumFlds)
		b.PrependInt8Slot(fFCActivation, int8(op.Activation), 0)
		b.PrependBoolSlot(fFCKeepNumDims, op.KeepNumDims, false)
		return optFullyConnectedOptions, b.EndObject(), nil
	case OpSoftmax:
		b.StartObject(softmaxOptionsNumFlds)
		b.PrependFloat32Slot(fSoftmaxBeta, op.Beta, 0)
		return optSoftmaxOptions, b.EndObject(), nil
	case OpReshape:
		if op.NewShape == nil {
			return optNone, 0, nil
		}
		shape := writeInt32Vector(b, op.NewShape)
		b.StartObject(reshapeOptionsNumFlds)
		b.PrependUOffsetTSlot(fReshapeNewShape, shape, 0)
		return optReshapeOptions, b.EndObject(), nil
	case OpSqueeze:
		dims := writeInt32Vector(b, op.SqueezeDims)
		b.StartObject(squeezeOptionsNumFlds)
		b.PrependUOffsetTSlot(fSqueezeDims, dims, 0)
		return optSqueezeOptions, b.EndObject(), nil
	case OpQuantize:
		b.StartObject(quantizeOptionsNumFlds)
		return optQuantizeOptions, b.EndObject(), nil
	case OpDequantize:
		b.StartObject(dequantizeOptionsNumFlds)
		return optDequantizeOptions, b.EndObject(), nil
	case OpAdd:
		b.StartObject(addOptionsNumFlds)
		b.PrependInt8Slot(fAddActivation, int8(op.Activation), 0)
		return optAddOptions, b.EndObject(), nil
	case OpMean:
		b.StartObject(reducerOptionsNumFlds)
		b.PrependBoolSlot(fReducerKeepDims, op.KeepDims, false)
		return optReducerOptions, b.EndObject(), nil
	case OpPad:
		b.StartObject(padOptionsNumFlds)
		return optPadOptions, b.EndObject(), nil
	case OpConcatenation:
		b.StartObject(concatOptionsNumFlds)
		b.PrependInt32Slot(fConcatAxis, int32(op.Axis), 0)
		b.PrependInt8Slot(fConcatActivation, int8(op.Activation), 0)
		return optConcatenationOptions, b.EndObject(), nil
	case OpRelu, OpReluN1To1, OpRelu6, OpLogistic: // no options table
		return optNone, 0, nil
	}
	return 0, 0, fmt.Errorf("operator %v cannot be written", op.Kind)
}

func writeInt32Vector(b *flatbuffers.Builder, v []int) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependInt32(int32(v[i]))
	}
	return b.EndVector(len(v))
}

func writeTableVector(b *flatbuffers.Builder, offs []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(offs), 4)
	for i := len(offs) - 1; i >= 0; i-- {
		b.PrependUOffsetT(offs[i])
	}
	return b.EndVector(len(offs))
}

package tflite

import (
	"errors"
	"fmt"

	"github.com/edgecam/edgecam/internal/fileio"
)

// MaxFileBytes is the largest model file ReadFile reads. The largest TFLite
// MobileNet-family files are tens of megabytes; the limit keeps a hostile
// file from costing more memory than a 512 MB board can spare.
const MaxFileBytes = 128 << 20

// maxTensors and maxOps bound what a MobileNet-style graph may hold; larger
// counts are reported as absurd rather than allocated.
const (
	maxTensors = 1 << 16
	maxOps     = 1 << 14
)

// ReadFile reads and decodes the TFLite file at path (see Parse). Only a
// regular file of at most MaxFileBytes is read: a device, a FIFO or a
// directory is refused without reading from it.
func ReadFile(path string) (*Model, error) {
	data, err := fileio.ReadFile(path, "model", MaxFileBytes)
	if err != nil {
		return nil, err
	}
	m, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("read model %s: %w", path, err)
	}
	return m, nil
}

// Parse decodes a TFLite flatbuffer held in memory and checks its structure
// (see Model.Check); whether an engine can run the graph is for the engine
// to judge. Constant tensors' Data slices alias data, which the caller must
// not modify afterwards. Parse never panics on malformed input, and the
// memory it allocates is bounded by a small multiple of len(data), plus at
// most MaxAssociatedBytes of associated files decompressed from the zip
// archive a model with metadata carries (see Metadata). Errors wrap
// ErrInvalidModel or ErrUnsupported.
func Parse(data []byte) (m *Model, err error) {
	// Every access is bounds-checked; the recover only turns a bug in those
	// checks into an error instead of a crash of the caller.
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("%w: tflite: internal decoder error: %v", ErrInvalidModel, r)
		}
	}()
	m, err = decodeModel(data)
	if err != nil {
		return nil, err
	}
	if err := m.Check(); err != nil {
		return nil, err
	}
	return m, nil
}

// formatErr wraps a flatbuffer-level error.
func formatErr(err error) error {
	if errors.Is(err, ErrInvalidModel) || errors.Is(err, ErrUnsupported) {
		return err
	}
	return fmt.Errorf("%w: tflite: %w", ErrInvalidModel, err)
}

func decodeModel(data []byte) (*Model, error) {
	r := newFBReader(data)
	root, err := r.root(fileIdentifier)
	if err != nil {
		return nil, formatErr(err)
	}
	m, err := decodeModelTable(root)
	if err != nil {
		return nil, formatErr(err)
	}
	return m, nil
}

func decodeModelTable(root *fbTable) (*Model, error) {
	m := &Model{}
	var err error
	if m.Version, err = root.uint32(fModelVersion, 0); err != nil {
		return nil, err
	}
	if m.Version != SchemaVersion {
		return nil, fmt.Errorf("%w: tflite schema version %d (want %d)", ErrUnsupported, m.Version, SchemaVersion)
	}
	if m.Description, err = root.string(fModelDescription, "description"); err != nil {
		return nil, err
	}
	codes, err := decodeOpCodes(root)
	if err != nil {
		return nil, err
	}
	buffers, err := decodeBuffers(root)
	if err != nil {
		return nil, err
	}
	subgraphs, err := root.tables(fModelSubgraphs, "subgraphs")
	if err != nil {
		return nil, err
	}
	if len(subgraphs) != 1 {
		return nil, fmt.Errorf("%w: model has %d subgraphs, edgecam runs exactly one", ErrUnsupported, len(subgraphs))
	}
	sg, err := root.r.table(subgraphs[0], "subgraph 0")
	if err != nil {
		return nil, err
	}
	if err := decodeSubGraph(sg, m, codes, buffers); err != nil {
		return nil, err
	}
	if m.Metadata, err = decodeMetadata(root, buffers, len(m.Inputs), len(m.Outputs)); err != nil {
		return nil, err
	}
	return m, nil
}

// opCode is one decoded OperatorCode.
type opCode struct {
	kind    OpKind
	version int
	custom  string
}

func decodeOpCodes(root *fbTable) ([]opCode, error) {
	pos, err := root.tables(fModelOperatorCodes, "operator_codes")
	if err != nil {
		return nil, err
	}
	codes := make([]opCode, len(pos))
	for i, p := range pos {
		t, err := root.r.table(p, fmt.Sprintf("operator_codes[%d]", i))
		if err != nil {
			return nil, err
		}
		dep, err := t.int8(fOperatorCodeDeprecatedBuiltinCode, 0)
		if err != nil {
			return nil, err
		}
		code, err := t.int32(fOperatorCodeBuiltinCode, 0)
		if err != nil {
			return nil, err
		}
		ver, err := t.int32(fOperatorCodeVersion, 1)
		if err != nil {
			return nil, err
		}
		custom, err := t.string(fOperatorCodeCustomCode, "custom_code")
		if err != nil {
			return nil, err
		}
		// TFLite's GetBuiltinCode: the larger of the two fields.
		codes[i] = opCode{kind: OpKind(max(int32(dep), code)), version: int(ver), custom: custom}
	}
	return codes, nil
}

// decodeBuffers returns each buffer's data (nil when empty).
func decodeBuffers(root *fbTable) ([][]byte, error) {
	pos, err := root.tables(fModelBuffers, "buffers")
	if err != nil {
		return nil, err
	}
	bufs := make([][]byte, len(pos))
	for i, p := range pos {
		what := fmt.Sprintf("buffer %d", i)
		t, err := root.r.table(p, what)
		if err != nil {
			return nil, err
		}
		off, err := t.uint64(fBufferOffset)
		if err != nil {
			return nil, err
		}
		size, err := t.uint64(fBufferSize)
		if err != nil {
			return nil, err
		}
		if off > 1 || size != 0 {
			return nil, fmt.Errorf("%w: %s stores its data outside the flatbuffer (offset %d, size %d; large-model files are not supported)", ErrUnsupported, what, off, size)
		}
		d, err := t.bytes(fBufferData, "data")
		if err != nil {
			return nil, err
		}
		if len(d) > 0 {
			bufs[i] = d
		}
	}
	return bufs, nil
}

func decodeSubGraph(sg *fbTable, m *Model, codes []opCode, buffers [][]byte) error {
	var err error
	if m.Inputs, err = sg.ints(fSubGraphInputs, "inputs"); err != nil {
		return err
	}
	if m.Outputs, err = sg.ints(fSubGraphOutputs, "outputs"); err != nil {
		return err
	}
	tensors, err := sg.tables(fSubGraphTensors, "tensors")
	if err != nil {
		return err
	}
	if len(tensors) > maxTensors {
		return fmt.Errorf("%w: subgraph has %d tensors (more than %d)", ErrInvalidModel, len(tensors), maxTensors)
	}
	m.Tensors = make([]Tensor, len(tensors))
	for i, p := range tensors {
		if err := decodeTensor(sg.r, p, i, &m.Tensors[i], buffers); err != nil {
			return err
		}
	}
	ops, err := sg.tables(fSubGraphOperators, "operators")
	if err != nil {
		return err
	}
	if len(ops) > maxOps {
		return fmt.Errorf("%w: subgraph has %d operators (more than %d)", ErrInvalidModel, len(ops), maxOps)
	}
	m.Ops = make([]Op, len(ops))
	for i, p := range ops {
		if err := decodeOp(sg.r, p, i, &m.Ops[i], codes); err != nil {
			return err
		}
	}
	return nil
}

func decodeTensor(r *fbReader, pos uint32, i int, t *Tensor, buffers [][]byte) error {
	tb, err := r.table(pos, fmt.Sprintf("tensor %d", i))
	if err != nil {
		return err
	}
	if t.Name, err = tb.string(fTensorName, "name"); err != nil {
		return err
	}
	what := fmt.Sprintf("tensor %d %q", i, t.Name)
	tb.what = what
	if t.Shape, err = tb.ints(fTensorShape, "shape"); err != nil {
		return err
	}
	if t.Shape == nil {
		t.Shape = []int{} // a scalar
	}
	typ, err := tb.int8(fTensorType, int8(Float32))
	if err != nil {
		return err
	}
	t.Type = DType(typ)
	buf, err := tb.uint32(fTensorBuffer, 0)
	if err != nil {
		return err
	}
	if uint64(buf) >= uint64(len(buffers)) {
		if buf != 0 {
			return fmt.Errorf("%w: %s: buffer index %d out of range (model has %d buffers)", ErrInvalidModel, what, buf, len(buffers))
		}
	} else {
		t.Data = buffers[buf]
	}
	if tb.has(fTensorSparsity) {
		return fmt.Errorf("%w: %s: sparse tensors", ErrUnsupported, what)
	}
	if v, err := tb.bool(fTensorIsVariable); err != nil {
		return err
	} else if v {
		return fmt.Errorf("%w: %s: variable tensors", ErrUnsupported, what)
	}
	q, err := tb.subTable(fTensorQuantization, "quantization")
	if err != nil {
		return err
	}
	if q != nil {
		if t.Quant, err = decodeQuant(q, what); err != nil {
			return err
		}
	}
	return nil
}

// decodeQuant returns nil for a quantization table without scales (TFLite
// writes an empty table for float tensors).
func decodeQuant(q *fbTable, what string) (*Quantization, error) {
	if dt, err := q.uint8(fQuantDetailsType, 0); err != nil {
		return nil, err
	} else if dt != 0 {
		return nil, fmt.Errorf("%w: %s: custom quantization details (type %d)", ErrUnsupported, what, dt)
	}
	scale, err := q.float32s(fQuantScale, "scale")
	if err != nil {
		return nil, err
	}
	zp, err := q.int64s(fQuantZeroPoint, "zero_point")
	if err != nil {
		return nil, err
	}
	axis, err := q.int32(fQuantQuantizedDimension, 0)
	if err != nil {
		return nil, err
	}
	if len(scale) == 0 && len(zp) == 0 {
		return nil, nil
	}
	return &Quantization{Scale: scale, ZeroPoint: zp, Axis: int(axis)}, nil
}

package generic_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// The SSD detector fixtures: the model, from which the tests take the
// post-process op's custom options and its constant anchor tensor with a
// minimal walk of the TFLite flatbuffer, and the golden folder.

const (
	ssdName   = "ssd_mobilenet_v1_1.0_quant_2018_06_29"
	ssdModel  = "models/" + ssdName + ".tflite"
	ssdGolden = "golden/" + ssdName
	ssdOpName = "TFLite_Detection_PostProcess"
)

// ssdTensor is a tensor of the model as the tests need it.
type ssdTensor struct {
	name      string
	shape     []int32
	typ       int8 // TFLite TensorType: 3 = UINT8
	scale     []float32
	zeroPoint []int64
	data      []byte // constant contents, nil for activations
}

// ssdPostProcessOp is the post-process operator of the model.
type ssdPostProcessOp struct {
	options []byte       // custom options (a flexbuffer)
	inputs  [3]ssdTensor // box encodings, class scores, anchors
}

// TFLite schema field ids used by the walk.
const (
	fModelOperatorCodes = 1
	fModelSubgraphs     = 2
	fModelBuffers       = 4
	fCodeCustomCode     = 1
	fSubgraphTensors    = 0
	fSubgraphOperators  = 3
	fOpOpcodeIndex      = 0
	fOpInputs           = 1
	fOpCustomOptions    = 5
	fTensorShape        = 0
	fTensorType         = 1
	fTensorBuffer       = 2
	fTensorName         = 3
	fTensorQuant        = 4
	fQuantScale         = 2
	fQuantZeroPoint     = 3
	fBufferData         = 0
	tfliteUint8         = 3
)

// loadSSDPostProcess reads the model (checking its sha256 against
// golden.json) and returns its post-process operator.
func loadSSDPostProcess(t testing.TB) ssdPostProcessOp {
	t.Helper()
	model, err := os.ReadFile(fixtures.Path(t, ssdModel))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(model)
	if got, want := hex.EncodeToString(sum[:]), readSSDGolden(t).ModelSHA256; got != want {
		t.Fatalf("%s: sha256 %s, golden.json says %s", ssdModel, got, want)
	}
	op, ok := findPostProcess(model)
	if !ok {
		t.Fatalf("%s: no %s operator with three inputs and custom options", ssdModel, ssdOpName)
	}
	return op
}

// findPostProcess walks a trusted model; the flatbuffers runtime panics on a
// broken file, which is reported as not found.
func findPostProcess(model []byte) (op ssdPostProcessOp, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	root := fbTable(model, flatbuffers.GetUOffsetT(model))
	sub := fbTable(model, fbVectorTable(root, fModelSubgraphs, 0))
	for i := range fbVectorLen(sub, fSubgraphOperators) {
		o := fbTable(model, fbVectorTable(sub, fSubgraphOperators, i))
		code := 0
		if f := fbField(o, fOpOpcodeIndex); f != 0 {
			code = int(o.GetUint32(o.Pos + f))
		}
		if code >= fbVectorLen(root, fModelOperatorCodes) {
			continue
		}
		oc := fbTable(model, fbVectorTable(root, fModelOperatorCodes, code))
		f := fbField(oc, fCodeCustomCode)
		if f == 0 || oc.String(oc.Pos+f) != ssdOpName {
			continue
		}
		f = fbField(o, fOpCustomOptions)
		if f == 0 || fbVectorLen(o, fOpInputs) != 3 {
			continue
		}
		op.options = o.ByteVector(o.Pos + f)
		in := o.Vector(fbField(o, fOpInputs))
		for k := range op.inputs {
			op.inputs[k] = readTensor(model, root, sub, int(o.GetInt32(in+flatbuffers.UOffsetT(4*k))))
		}
		return op, true
	}
	return op, false
}

func readTensor(model []byte, root, sub *flatbuffers.Table, index int) ssdTensor {
	tt := fbTable(model, fbVectorTable(sub, fSubgraphTensors, index))
	var st ssdTensor
	if f := fbField(tt, fTensorName); f != 0 {
		st.name = tt.String(tt.Pos + f)
	}
	if f := fbField(tt, fTensorType); f != 0 {
		st.typ = tt.GetInt8(tt.Pos + f)
	}
	for i, v := 0, tt.Vector(fbField(tt, fTensorShape)); i < fbVectorLen(tt, fTensorShape); i++ {
		st.shape = append(st.shape, tt.GetInt32(v+flatbuffers.UOffsetT(4*i)))
	}
	if f := fbField(tt, fTensorQuant); f != 0 {
		q := fbTable(model, tt.Indirect(tt.Pos+f))
		for i, v := 0, q.Vector(fbField(q, fQuantScale)); i < fbVectorLen(q, fQuantScale); i++ {
			st.scale = append(st.scale, q.GetFloat32(v+flatbuffers.UOffsetT(4*i)))
		}
		for i, v := 0, q.Vector(fbField(q, fQuantZeroPoint)); i < fbVectorLen(q, fQuantZeroPoint); i++ {
			st.zeroPoint = append(st.zeroPoint, q.GetInt64(v+flatbuffers.UOffsetT(8*i)))
		}
	}
	if f := fbField(tt, fTensorBuffer); f != 0 {
		if b := int(tt.GetUint32(tt.Pos + f)); b > 0 && b < fbVectorLen(root, fModelBuffers) {
			buf := fbTable(model, fbVectorTable(root, fModelBuffers, b))
			if f := fbField(buf, fBufferData); f != 0 {
				st.data = buf.ByteVector(buf.Pos + f)
			}
		}
	}
	return st
}

func fbTable(b []byte, pos flatbuffers.UOffsetT) *flatbuffers.Table {
	return &flatbuffers.Table{Bytes: b, Pos: pos}
}

// fbField returns the table-relative offset of field id, 0 when absent.
func fbField(t *flatbuffers.Table, id int) flatbuffers.UOffsetT {
	return flatbuffers.UOffsetT(t.Offset(flatbuffers.VOffsetT(4 + 2*id)))
}

// fbVectorLen returns the length of vector field id (0 when absent).
func fbVectorLen(t *flatbuffers.Table, id int) int {
	if f := fbField(t, id); f != 0 {
		return t.VectorLen(f)
	}
	return 0
}

// fbVectorTable returns the position of table i of vector-of-tables field id.
func fbVectorTable(t *flatbuffers.Table, id, i int) flatbuffers.UOffsetT {
	return t.Indirect(t.Vector(fbField(t, id)) + flatbuffers.UOffsetT(4*i))
}

// ssdGoldenJSON is the part of golden.json the detection tests read.
type ssdGoldenJSON struct {
	ModelSHA256 string `json:"model_sha256"`
	Anchors     struct {
		Shape     []int32   `json:"shape"`
		Scale     []float32 `json:"scale"`
		ZeroPoint []int64   `json:"zero_point"`
	} `json:"anchors"`
	RawOutputs []struct {
		Name       string    `json:"name"`
		Shape      []int32   `json:"shape"`
		Scale      []float32 `json:"scale"`
		ZeroPoint  []int64   `json:"zero_point"`
		FileSuffix string    `json:"file_suffix"`
	} `json:"raw_outputs"`
	Options map[string]any `json:"postprocess_options"`
	Results []struct {
		Image          string `json:"image"`
		Count          int    `json:"count"`
		TFLiteSemantic struct {
			Rows []struct {
				Class int        `json:"class"`
				Score float64    `json:"score"`
				Box   [4]float64 `json:"box"`
			} `json:"rows"`
		} `json:"tflite_semantics_postprocess"`
	} `json:"results"`
}

func readSSDGolden(t testing.TB) ssdGoldenJSON {
	t.Helper()
	p := fixtures.Path(t, filepath.Join(ssdGolden, "golden.json"))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var g ssdGoldenJSON
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return g
}

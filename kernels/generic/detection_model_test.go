package generic_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// The SSD detector fixtures: the model, from which the tests take the
// post-process op's custom options and its constant anchor tensor (read by
// runtime/tflite), and the golden folder.

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

// tfliteUint8 is TFLite's TensorType UINT8.
const tfliteUint8 = int8(tflite.Uint8)

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

// findPostProcess reads the model with runtime/tflite's bounds-checked
// reader and returns its post-process operator: the custom op of that name
// with three inputs and custom options.
func findPostProcess(model []byte) (op ssdPostProcessOp, ok bool) {
	m, err := tflite.Parse(model)
	if err != nil {
		return op, false
	}
	for _, o := range m.Ops {
		if o.Kind != tflite.OpCustom || o.Custom != ssdOpName || o.CustomOptions == nil || len(o.Inputs) != 3 {
			continue
		}
		op.options = o.CustomOptions
		for k, ti := range o.Inputs {
			t := &m.Tensors[ti]
			st := ssdTensor{name: t.Name, typ: int8(t.Type), data: t.Data}
			for _, d := range t.Shape {
				st.shape = append(st.shape, int32(d))
			}
			if t.Quant != nil {
				st.scale, st.zeroPoint = t.Quant.Scale, t.Quant.ZeroPoint
			}
			op.inputs[k] = st
		}
		return op, true
	}
	return op, false
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

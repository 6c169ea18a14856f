package flexbuffers

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

// The SSD detector's TFLite_Detection_PostProcess custom options, read from
// the shared model with a minimal walk of the TFLite flatbuffer (schema field
// ids: Model.operator_codes 1, subgraphs 2; OperatorCode.custom_code 1;
// SubGraph.operators 3; Operator.opcode_index 0, custom_options 5).

const (
	ssdModel  = "models/ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite"
	ssdGolden = "golden/ssd_mobilenet_v1_1.0_quant_2018_06_29/golden.json"
	ssdOpName = "TFLite_Detection_PostProcess"
)

// ssdGoldenJSON is the part of golden.json these tests read.
type ssdGoldenJSON struct {
	ModelSHA256 string         `json:"model_sha256"`
	Options     map[string]any `json:"postprocess_options"`
}

func readSSDGolden(t testing.TB) ssdGoldenJSON {
	t.Helper()
	b, err := os.ReadFile(fixtures.Path(t, ssdGolden))
	if err != nil {
		t.Fatal(err)
	}
	var g ssdGoldenJSON
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", ssdGolden, err)
	}
	return g
}

// ssdCustomOptions returns the post-process op's custom options from the
// shared model, after checking the model's sha256 against golden.json.
func ssdCustomOptions(t testing.TB) []byte {
	t.Helper()
	model, err := os.ReadFile(fixtures.Path(t, ssdModel))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(model)
	if got, want := hex.EncodeToString(sum[:]), readSSDGolden(t).ModelSHA256; got != want {
		t.Fatalf("%s: sha256 %s, golden.json says %s", ssdModel, got, want)
	}
	opts, ok := customOptions(model, ssdOpName)
	if !ok {
		t.Fatalf("%s: no %s operator with custom options", ssdModel, ssdOpName)
	}
	return opts
}

// readSSDCustomOptions is ssdCustomOptions for fuzz seeding: nil when the
// fixtures are absent, so the fuzz target still runs on its other seeds.
func readSSDCustomOptions() []byte {
	model, err := os.ReadFile(filepath.Join(fixtures.Dir(), ssdModel))
	if err != nil {
		return nil
	}
	opts, _ := customOptions(model, ssdOpName)
	return opts
}

// customOptions walks a trusted TFLite model and returns the custom options
// of the first operator whose operator code has the given custom_code.
func customOptions(model []byte, opName string) (opts []byte, ok bool) {
	defer func() {
		if recover() != nil { // the flatbuffers runtime panics on a broken file
			opts, ok = nil, false
		}
	}()
	root := table(model, flatbuffers.GetUOffsetT(model))
	codes := vector(root, 1)
	sub := table(model, vectorTableAt(root, 2, 0))
	for i := range vector(sub, 3) {
		op := table(model, vectorTableAt(sub, 3, i))
		code := uint32(0)
		if o := field(op, 0); o != 0 {
			code = op.GetUint32(op.Pos + o)
		}
		if int(code) >= codes {
			continue
		}
		oc := table(model, vectorTableAt(root, 1, int(code)))
		o := field(oc, 1)
		if o == 0 || oc.String(oc.Pos+o) != opName {
			continue
		}
		if o := field(op, 5); o != 0 {
			return op.ByteVector(op.Pos + o), true
		}
	}
	return nil, false
}

func table(b []byte, pos flatbuffers.UOffsetT) *flatbuffers.Table {
	return &flatbuffers.Table{Bytes: b, Pos: pos}
}

// field returns the table-relative offset of field id, 0 when absent.
func field(t *flatbuffers.Table, id int) flatbuffers.UOffsetT {
	return flatbuffers.UOffsetT(t.Offset(flatbuffers.VOffsetT(4 + 2*id)))
}

// vector returns the length of vector field id (0 when absent).
func vector(t *flatbuffers.Table, id int) int {
	o := field(t, id)
	if o == 0 {
		return 0
	}
	return t.VectorLen(o)
}

// vectorTableAt returns the position of table i of vector-of-tables field id.
func vectorTableAt(t *flatbuffers.Table, id, i int) flatbuffers.UOffsetT {
	return t.Indirect(t.Vector(field(t, id)) + flatbuffers.UOffsetT(4*i))
}

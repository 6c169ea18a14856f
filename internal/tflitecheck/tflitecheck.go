// Package tflitecheck reads a TFLite file with an independent, schema-free
// reader (scripts/check-tflite.py, built on flatbuffers' Python Table API) so
// tests can check what edgecam's writer produced without trusting edgecam's
// own reader.
package tflitecheck

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// Summary is the JSON that scripts/check-tflite.py prints.
type Summary struct {
	Version       uint32 `json:"version"`
	Description   string `json:"description"`
	OperatorCodes []struct {
		Builtin int `json:"builtin"`
		Version int `json:"version"`
	} `json:"operator_codes"`
	Buffers []struct {
		Size    int  `json:"size"`
		Align16 bool `json:"align16"`
	} `json:"buffers"`
	Tensors []struct {
		Name      string    `json:"name"`
		Shape     []int     `json:"shape"`
		Type      int       `json:"type"`
		Buffer    int       `json:"buffer"`
		Scale     []float32 `json:"scale"`
		ZeroPoint []int64   `json:"zero_point"`
		QuantDim  int       `json:"quantized_dimension"`
	} `json:"tensors"`
	Operators []struct {
		Builtin int            `json:"builtin"`
		Inputs  []int          `json:"inputs"`
		Outputs []int          `json:"outputs"`
		Options map[string]any `json:"options"`
	} `json:"operators"`
	Inputs  []int `json:"inputs"`
	Outputs []int `json:"outputs"`
}

// Read runs the independent reader on the file at path. Without a python3
// that can import flatbuffers (Debian python3-flatbuffers) the test is
// skipped, or failed under EDGECAM_REQUIRE_FIXTURES=1.
func Read(t testing.TB, path string) *Summary {
	t.Helper()
	py := python(t)
	script, err := scriptPath()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, script, path).Output()
	if err != nil {
		var stderr []byte
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("check-tflite.py %s: %v\n%s", path, err, stderr)
	}
	var s Summary
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("check-tflite.py output: %v\n%s", err, out)
	}
	return &s
}

func python(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import flatbuffers").Run() == nil {
			return py
		}
	}
	fixtures.Missing(t, "python3 with the flatbuffers module (Debian python3-flatbuffers)")
	return ""
}

// scriptPath finds scripts/check-tflite.py beside the module's go.mod.
func scriptPath() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "scripts", "check-tflite.py"), nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("tflitecheck: no go.mod above the working directory")
		}
		d = parent
	}
}

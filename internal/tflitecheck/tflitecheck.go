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
	// Metadata lists the Model.metadata entries by name and decodes the
	// TFLITE_METADATA one.
	Metadata struct {
		Entries []string       `json:"entries"`
		Model   *ModelMetadata `json:"model_metadata"`
	} `json:"metadata"`
	// AssociatedFiles are the entries of the zip archive appended to the
	// file (nil when there is none), read with Python's zipfile.
	AssociatedFiles []struct {
		Name         string `json:"name"`
		Size         int    `json:"size"`
		CompressType int    `json:"compress_type"`
		SHA256       string `json:"sha256"`
	} `json:"associated_files"`
}

// ModelMetadata is the decoded TFLITE_METADATA buffer (metadata_schema.fbs).
type ModelMetadata struct {
	Name             string           `json:"name"`
	Description      string           `json:"description"`
	Version          string           `json:"version"`
	Author           string           `json:"author"`
	License          string           `json:"license"`
	MinParserVersion string           `json:"min_parser_version"`
	Files            []AssociatedFile `json:"files"`
	Inputs           []TensorMetadata `json:"inputs"`
	Outputs          []TensorMetadata `json:"outputs"`
}

// TensorMetadata is one input or output entry of the metadata.
type TensorMetadata struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	ContentType   int    `json:"content_type"` // 1 FeatureProperties, 2 ImageProperties
	ColorSpace    *int   `json:"color_space"`  // ImageProperties: 0 UNKNOWN, 1 RGB, 2 GRAYSCALE
	Normalization *struct {
		Mean []float32 `json:"mean"`
		Std  []float32 `json:"std"`
	} `json:"normalization"`
	Files []AssociatedFile `json:"files"`
}

// AssociatedFile is one associated_files entry.
type AssociatedFile struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        int    `json:"type"`
	Locale      string `json:"locale"`
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

package runtime

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fileio"
	"github.com/edgecam/edgecam/runtime/mobilenet"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// encodeT writes m with tflite's writer or fails the test.
func encodeT(t testing.TB, m *tflite.Model) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := tflite.Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoadAndParseValidate checks that Load and Parse are the tflite reader
// followed by Validate: a well-formed file of a graph edgecam cannot run is
// refused with Validate's error, naming the file for Load.
func TestLoadAndParseValidate(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "good.tflite"), filepath.Join(dir, "bad.tflite")
	m := tinyModel()
	if err := os.WriteFile(good, encodeT(t, m), 0o644); err != nil {
		t.Fatal(err)
	}
	m.Ops[0].StrideH = 0
	badData := encodeT(t, m)
	if err := os.WriteFile(bad, badData, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := tflite.Parse(badData); err != nil {
		t.Fatalf("tflite.Parse refuses the well-formed file: %v", err)
	}

	got, err := Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Ops) != 6 || !slices.Equal(got.Tensors[1].Shape, []int{4, 3, 3, 3}) {
		t.Errorf("Load: %d ops, tensor 1 shape %v; want 6 ops, [4 3 3 3]", len(got.Ops), got.Tensors[1].Shape)
	}
	_, err = Load(bad)
	if !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "op 0 (CONV_2D): stride 0x2") {
		t.Errorf("Load(bad) = %v, want ErrInvalidModel naming the file and the op", err)
	}
	if _, err := Parse(badData); !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), "stride 0x2") {
		t.Errorf("Parse(bad) = %v, want ErrInvalidModel naming the stride", err)
	}
	if _, err := Parse([]byte("garbage")); !errors.Is(err, ErrInvalidModel) {
		t.Errorf("Parse(garbage) = %v, want ErrInvalidModel", err)
	}
	if _, err := Load(filepath.Join(dir, "none.tflite")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "none.tflite") {
		t.Errorf("Load(missing) = %v, want a not-exist error naming the file", err)
	}
	if _, err := Load("/dev/zero"); !errors.Is(err, fileio.ErrNotRegular) {
		t.Errorf("Load(/dev/zero) = %v, want ErrNotRegular", err)
	}
}

// TestParseBitFlipsCompile flips each bit of a valid file once: whatever
// Parse accepts must describe, compile (or be refused with an error) and
// run, never panic.
func TestParseBitFlipsCompile(t *testing.T) {
	orig := encodeT(t, tinyModel())
	b := slices.Clone(orig)
	accepted, compiled := 0, 0
	for i := range b {
		for bit := range 8 {
			b[i] ^= 1 << bit
			if m, err := Parse(b); err == nil {
				accepted++
				if _, err := mobilenet.Describe(m); err != nil {
					t.Fatalf("flip byte %d bit %d: Describe refuses a model Parse accepted: %v", i, bit, err)
				}
				if p, err := Compile(m, Options{Threads: 1}); err == nil {
					compiled++
					if err := p.Run(); err != nil {
						t.Errorf("flip byte %d bit %d: Run: %v", i, bit, err)
					}
					p.Close()
				}
			}
			b[i] = orig[i]
		}
	}
	t.Logf("%d of %d bit flips parsed, %d compiled and ran", accepted, len(b)*8, compiled)
	if accepted == 0 || compiled == 0 {
		t.Errorf("no bit flip was accepted (%d) or compiled (%d): the test exercises nothing", accepted, compiled)
	}
}

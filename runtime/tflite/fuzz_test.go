package tflite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// fuzzSeedModels are the shared models used as seeds (smallest first).
var fuzzSeedModels = []string{
	"mobilenet_v1_0.25_128_quant.tflite",
	"coral_mlir_mobilenet_v1_0.25_128_quant.tflite",
	"mobilenet_v1_0.25_224.tflite",
}

// addMangled adds b, truncations of it and copies with bits flipped in the
// header, the vtables near the root and the middle of the file.
func addMangled(f *testing.F, b []byte) {
	f.Add(b)
	for _, n := range []int{0, 4, 8, 12, 64, len(b) / 3, len(b) / 2, len(b) - 1} {
		if n >= 0 && n < len(b) {
			f.Add(b[:n])
		}
	}
	for _, at := range []int{0, 1, 4, 9, 16, 20, 24, 33, 40, len(b) / 2, len(b) - 5} {
		if at >= 0 && at < len(b) {
			c := slices.Clone(b)
			c[at] ^= 0x41
			f.Add(c)
		}
	}
}

// FuzzParse checks that Parse never panics, that every error is one of the
// two documented kinds, and that whatever it accepts passes Check and can be
// written and read back (unless an associated file could not be read from
// its archive: then Write refuses it). Run (minimizing a new input derived from the
// megabyte-sized real-model seeds otherwise takes minutes):
//
//	go test -run='^$' -fuzz=FuzzParse -fuzzminimizetime=5s -parallel=1 ./runtime/tflite
func FuzzParse(f *testing.F) {
	addMangled(f, encodeForTest(everyOpModel(), encodeKnobs{}))
	var withMetadata bytes.Buffer
	if err := Write(&withMetadata, metadataModel()); err != nil {
		f.Fatal(err)
	}
	addMangled(f, withMetadata.Bytes())
	for _, name := range fuzzSeedModels {
		p := filepath.Join(fixtures.Dir(), "models", name)
		b, err := os.ReadFile(p)
		if err != nil {
			if fixtures.Required() {
				f.Fatalf("required fixture %s: %v", p, err)
			}
			f.Logf("seed %s skipped: %v", p, err)
			continue
		}
		addMangled(f, b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidModel) && !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %q wraps neither ErrInvalidModel nor ErrUnsupported", err)
			}
			return
		}
		if err := m.Check(); err != nil {
			t.Fatalf("Parse accepted a model that fails Check: %v", err)
		}
		unread := false // an associated file the archive did not yield
		if m.Metadata != nil {
			m.Metadata.allFiles(func(af *AssociatedFile) bool { unread = af.Err != nil; return !unread })
		}
		var buf bytes.Buffer
		if err := Write(&buf, m); unread {
			if err == nil {
				t.Fatal("Write wrote a model whose associated file could not be read")
			}
			return
		} else if err != nil {
			t.Fatalf("Parse accepted a model Write refuses: %v", err)
		}
		back, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatalf("the written model does not parse: %v", err)
		}
		if len(back.Tensors) != len(m.Tensors) || len(back.Ops) != len(m.Ops) {
			t.Fatalf("written and read back: %d tensors %d ops, want %d %d", len(back.Tensors), len(back.Ops), len(m.Tensors), len(m.Ops))
		}
	})
}

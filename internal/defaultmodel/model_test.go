package defaultmodel

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

const labelsSHA256 = "536feacc519de3d418de26b2effb4d75694a8c4c0063e36499a46fa8061e2da9"

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestEmbeddedBytes(t *testing.T) {
	b := Bytes()
	if len(b) != 497272 {
		t.Errorf("model is %d bytes, want 497272", len(b))
	}
	if got := sum(b); got != SHA256 {
		t.Errorf("model sha256 %s, want %s", got, SHA256)
	}
	if got := sum([]byte(labels)); got != labelsSHA256 {
		t.Errorf("labels sha256 %s, want %s", got, labelsSHA256)
	}
	// Bytes hands out copies: changing one leaves the embedded model intact.
	b[0] ^= 0xff
	if sum(Bytes()) != SHA256 {
		t.Error("changing the slice returned by Bytes changed the embedded model")
	}
}

// The embedded files are the shared fixtures' files: the sha256 in the
// fixtures' README table, and the same bytes.
func TestMatchesSharedModels(t *testing.T) {
	readme := fixtures.Path(t, "models/README.md")
	want := readmeSHA256(t, readme, Name+".tflite")
	if want != SHA256 {
		t.Errorf("README gives sha256 %s for %s.tflite, the embedded model has %s", want, Name, SHA256)
	}
	for file, embedded := range map[string][]byte{Name + ".tflite": model, "labels.txt": []byte(labels)} {
		shared, err := os.ReadFile(filepath.Join(filepath.Dir(readme), file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(shared, embedded) {
			t.Errorf("embedded %s differs from the shared file (%d vs %d bytes)", file, len(embedded), len(shared))
		}
	}
}

// readmeSHA256 finds the sha256 column of file's row in the README tables
// ("| file | bytes | sha256 | ...").
func readmeSHA256(t *testing.T, readme, file string) string {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "|")
		if len(cols) > 4 && strings.TrimSpace(cols[1]) == file {
			return strings.TrimSpace(cols[3])
		}
	}
	t.Fatalf("%s has no table row for %s", readme, file)
	return ""
}

func TestLabels(t *testing.T) {
	l := Labels()
	if len(l) != 1001 {
		t.Fatalf("%d labels, want 1001", len(l))
	}
	if l[0] != "background" || l[1] != "tench" || l[1000] != "toilet tissue" {
		t.Errorf("labels 0, 1, 1000 = %q, %q, %q; want background, tench, toilet tissue", l[0], l[1], l[1000])
	}
	for i, s := range l {
		if s == "" || strings.TrimSpace(s) != s {
			t.Errorf("label %d is %q: empty or padded", i, s)
		}
	}
}

func TestLoad(t *testing.T) {
	m, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	in, out := m.Tensors[m.Inputs[0]], m.Tensors[m.Outputs[0]]
	if got := fmt.Sprint(in.Shape); got != "[1 128 128 3]" {
		t.Errorf("input shape %s, want [1 128 128 3]", got)
	}
	if got := fmt.Sprint(out.Shape); got != "[1 1001]" {
		t.Errorf("output shape %s, want [1 1001]", got)
	}
}

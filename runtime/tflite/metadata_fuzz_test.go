package tflite

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// FuzzMetadata feeds the metadata decoder arbitrary ModelMetadata buffers
// and the associated-file loader arbitrary archives. Neither may panic; a
// decoded metadata names at most maxAssociatedFiles files; every file ends
// with contents or an error, never both, within MaxAssociatedFileBytes each
// and MaxAssociatedBytes together. Run:
//
//	go test -run='^$' -fuzz=FuzzMetadata -fuzzminimizetime=5s -parallel=1 ./runtime/tflite
func FuzzMetadata(f *testing.F) {
	m := metadataModel()
	enc := encodeModelMetadata(m.Metadata, m)
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		f.Fatal(err)
	}
	file := buf.Bytes()
	archive := file[zipStart(f, file):]
	f.Add(enc, archive)
	f.Add(enc, []byte(nil))
	f.Add(enc[:len(enc)/2], archive)
	if len(archive) > 10 {
		f.Add(enc, archive[:len(archive)-10])
		f.Add(enc, archive[10:])
	}
	var deflated bytes.Buffer
	zw := zip.NewWriter(&deflated)
	if w, err := zw.Create("labels.txt"); err == nil {
		w.Write(bytes.Repeat([]byte("label\n"), 1000))
	}
	zw.Close()
	f.Add(enc, deflated.Bytes())
	for _, name := range fuzzSeedModels {
		if b, err := os.ReadFile(filepath.Join(fixtures.Dir(), "models", name)); err == nil {
			if pm, err := Parse(b); err == nil && pm.Metadata != nil {
				f.Add(encodeModelMetadata(pm.Metadata, pm), b[len(b)*9/10:])
			}
		}
	}
	f.Fuzz(func(t *testing.T, meta, archive []byte) {
		md, err := decodeModelMetadata(meta)
		if err != nil {
			return
		}
		n := 0
		md.allFiles(func(*AssociatedFile) bool { n++; return true })
		if n > maxAssociatedFiles {
			t.Fatalf("decoded %d associated files, more than %d", n, maxAssociatedFiles)
		}
		md.loadFiles(archive)
		loaded := map[string]int{} // one archive entry may be named twice
		md.allFiles(func(af *AssociatedFile) bool {
			if (af.Data == nil) == (af.Err == nil) {
				t.Fatalf("file %q: %d bytes and error %v: want exactly one", af.Name, len(af.Data), af.Err)
			}
			if len(af.Data) > MaxAssociatedFileBytes {
				t.Fatalf("file %q: %d bytes", af.Name, len(af.Data))
			}
			loaded[af.Name] = len(af.Data)
			return true
		})
		total := 0
		for _, n := range loaded {
			total += n
		}
		if total > MaxAssociatedBytes {
			t.Fatalf("%d bytes of associated files", total)
		}
	})
}

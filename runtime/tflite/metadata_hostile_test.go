package tflite

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"
)

// zipStart returns where the archive appended by the writer begins: the
// local header offset of the first central directory record (the writer
// records offsets from the file start, and adds no archive comment).
func zipStart(t testing.TB, file []byte) int {
	t.Helper()
	end := file[len(file)-zipEndLen:]
	if binary.LittleEndian.Uint32(end) != zipEndSignature {
		t.Fatal("no end record at the end of the written file")
	}
	dir := int(binary.LittleEndian.Uint32(end[16:]))
	return int(binary.LittleEndian.Uint32(file[dir+42:]))
}

// withArchive replaces the archive of a written model by archive.
func withArchive(t *testing.T, file, archive []byte) []byte {
	t.Helper()
	return append(bytes.Clone(file[:zipStart(t, file)]), archive...)
}

// rawZip builds an archive with one entry written raw: the header says
// what the caller wants (sizes and CRC included), whatever data follows.
func rawZip(t *testing.T, h zip.FileHeader, data []byte) []byte {
	t.Helper()
	h.CompressedSize64 = uint64(len(data))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflated(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

// labelsModel is everyOpModel whose metadata gives the input's
// normalization and names labels.txt on its output, and no other file.
func labelsModel() *Model {
	m := everyOpModel()
	m.SetInputNormalization(Normalization{Mean: []float32{127.5}, Std: []float32{127.5}})
	m.SetOutputLabels("labels.txt", []byte(testLabels))
	return m
}

// TestMetadataHostileArchives replaces the appended archive by hostile or
// broken ones: the model still parses (it is sound), the label file has no
// contents and its Err names the problem, and nothing is read beyond the
// limits.
func TestMetadataHostileArchives(t *testing.T) {
	file := marshalT(t, labelsModel())
	bomb := bytes.Repeat([]byte{'a'}, MaxAssociatedFileBytes+100)
	small := []byte(testLabels)
	crc := crc32.ChecksumIEEE(small)
	for _, tc := range []struct {
		name    string
		archive func() []byte
		want    string
	}{
		{"no archive", func() []byte { return nil }, "no zip archive"},
		{"truncated archive", func() []byte {
			full := file[zipStart(t, file):]
			return full[:len(full)-10]
		}, "no zip archive"},
		{"zip bomb, honest header", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(bomb),
				UncompressedSize64: uint64(len(bomb))}, deflated(t, bomb))
		}, "4194404 bytes (at most 4194304"},
		{"zip bomb, header lies", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Deflate, CRC32: crc, UncompressedSize64: uint64(len(small))}, deflated(t, bomb))
		}, "zip: not a valid zip file"},
		{"stored, size too small", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Store, CRC32: crc, UncompressedSize64: 5}, small)
		}, "zip: not a valid zip file"},
		{"stored, size too large", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Store, CRC32: crc, UncompressedSize64: 5000}, small)
		}, "unexpected EOF"},
		{"bad checksum", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Store, CRC32: crc ^ 1, UncompressedSize64: uint64(len(small))}, small)
		}, "checksum error"},
		{"unknown method", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "labels.txt", Method: 99, CRC32: crc, UncompressedSize64: uint64(len(small))}, small)
		}, "unsupported compression algorithm"},
		{"file not archived", func() []byte {
			return rawZip(t, zip.FileHeader{Name: "other.txt", Method: zip.Store, CRC32: crc, UncompressedSize64: uint64(len(small))}, small)
		}, `"labels.txt" is not in the zip archive`},
		{"file archived twice", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for range 2 {
				w, _ := zw.Create("labels.txt")
				w.Write(small)
			}
			zw.Close()
			return buf.Bytes()
		}, "holds it twice"},
		{"too many entries", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			for range maxZipEntries + 1 {
				zw.CreateHeader(&zip.FileHeader{Name: "x", Method: zip.Store})
			}
			zw.Close()
			return buf.Bytes()
		}, "1025 entries (more than 1024)"},
		{"zip64 end record", func() []byte {
			a := rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Store, CRC32: crc, UncompressedSize64: uint64(len(small))}, small)
			binary.LittleEndian.PutUint16(a[len(a)-zipEndLen+10:], 0xffff)
			return a
		}, "zip64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Parse(withArchive(t, file, tc.archive()))
			if err != nil {
				t.Fatalf("Parse: %v (a broken archive must not make the model unreadable)", err)
			}
			l := m.Metadata.OutputLabels()
			if l == nil {
				t.Fatal("the metadata's label file is gone")
			}
			t.Logf("labels: %v", l.Err)
			if l.Data != nil || l.Err == nil || !strings.Contains(l.Err.Error(), tc.want) {
				t.Errorf("labels: %d bytes, err %v; want no data and an error containing %q", len(l.Data), l.Err, tc.want)
			}
			if err := Write(&bytes.Buffer{}, m); err == nil || !strings.Contains(err.Error(), "no contents to write") {
				t.Errorf("Write of the model = %v, want a refusal naming the missing contents", err)
			}
		})
	}
	// A deflated label file within the limits is read.
	m, err := Parse(withArchive(t, file, rawZip(t, zip.FileHeader{Name: "labels.txt", Method: zip.Deflate, CRC32: crc,
		UncompressedSize64: uint64(len(small))}, deflated(t, small))))
	if err != nil {
		t.Fatal(err)
	}
	if l := m.Metadata.OutputLabels(); l.Err != nil || string(l.Data) != testLabels {
		t.Errorf("deflated labels: %q, %v", l.Data, l.Err)
	}
}

// TestMetadataHostileBuffers damages the TFLITE_METADATA buffer and its
// model entry: Parse reports an invalid model naming the metadata, and never
// panics.
func TestMetadataHostileBuffers(t *testing.T) {
	lm := labelsModel()
	file := marshalT(t, lm)
	enc := encodeModelMetadata(lm.Metadata, lm)
	at := bytes.Index(file, enc[:64])
	if at < 0 {
		t.Fatal("metadata buffer not found in the written file")
	}
	for _, tc := range []struct {
		name string
		edit func(f []byte)
		want string
	}{
		{"identifier", func(f []byte) { copy(f[at+4:], "M002") }, `file identifier is "M002"`},
		{"root offset beyond the buffer", func(f []byte) { binary.LittleEndian.PutUint32(f[at:], uint32(len(enc)+100)) }, "beyond the end"},
		{"root offset in range, vtable out", func(f []byte) {
			root := at + int(binary.LittleEndian.Uint32(f[at:]))
			binary.LittleEndian.PutUint32(f[root:], 0x7fff0000)
		}, "vtable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := bytes.Clone(file)
			tc.edit(f)
			_, err := Parse(f)
			if err == nil || !errors.Is(err, ErrInvalidModel) || !strings.Contains(err.Error(), "TFLITE_METADATA") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse = %v, want an invalid-model error about TFLITE_METADATA containing %q", err, tc.want)
			}
		})
	}
	// The entry names a buffer the model does not have.
	if _, err := decodeMetadata(metadataRoot(t, 7), [][]byte{nil}, 1, 1); err == nil || !strings.Contains(err.Error(), "buffer 7 is absent") {
		t.Errorf("entry naming buffer 7 of 1: %v", err)
	}
}

// TestMetadataLenientSemantics reads metadata that TFLite's metadata tools
// would refuse but that leaves the model runnable: tensor entries beyond
// the model's inputs and outputs are dropped, a normalization of the wrong
// length or with a zero std is kept as given (the runtime refuses it when
// it would feed a float input).
func TestMetadataLenientSemantics(t *testing.T) {
	two := everyOpModel()
	two.Inputs, two.Outputs = []int{0, 0}, []int{13, 13}
	two.SetInputNormalization(Normalization{Mean: []float32{1, 2}, Std: []float32{0}})
	two.SetOutputLabels("labels.txt", []byte(testLabels))
	two.Metadata.Inputs = append(two.Metadata.Inputs, TensorMetadata{Name: "extra"})
	two.Metadata.Outputs = append(two.Metadata.Outputs, TensorMetadata{Name: "extra", Files: []AssociatedFile{{Name: "x.txt", Data: []byte("x")}}})
	enc := encodeModelMetadata(two.Metadata, two)
	md, err := decodeMetadata(metadataRoot(t, 1), [][]byte{nil, enc}, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Inputs) != 1 || len(md.Outputs) != 1 || md.Inputs[0].Name != "input" || len(md.Outputs[0].Files) != 1 {
		t.Errorf("entries %+v %+v: want the first input and output only", md.Inputs, md.Outputs)
	}
	if n := md.InputNormalization(); n == nil || len(n.Mean) != 2 || n.Std[0] != 0 {
		t.Errorf("normalization %+v: want it as written", n)
	}
	m := everyOpModel()
	m.Metadata = md
	if err := m.Check(); err != nil {
		t.Errorf("Check of the read metadata: %v", err)
	}
}

// metadataRoot is a model root table whose one metadata entry names buffer
// "TFLITE_METADATA" at index buf.
func metadataRoot(t *testing.T, buf uint32) *fbTable {
	t.Helper()
	b := flatbuffers.NewBuilder(0)
	bufs := []flatbuffers.UOffsetT{writeEmptyBuffer(b)}
	name := b.CreateString(metadataName)
	b.StartObject(metadataEntryNumFlds)
	b.PrependUOffsetTSlot(fMetadataEntryName, name, 0)
	b.PrependUint32Slot(fMetadataEntryBuffer, buf, 0)
	entries := writeTableVector(b, []flatbuffers.UOffsetT{b.EndObject()})
	bufVec := writeTableVector(b, bufs)
	b.StartObject(modelNumFields)
	b.PrependUint32Slot(fModelVersion, SchemaVersion, 0)
	b.PrependUOffsetTSlot(fModelBuffers, bufVec, 0)
	b.PrependUOffsetTSlot(fModelMetadata, entries, 0)
	b.FinishWithFileIdentifier(b.EndObject(), []byte(fileIdentifier))
	root, err := newFBReader(b.FinishedBytes()).root(fileIdentifier)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

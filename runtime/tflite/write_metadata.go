package tflite

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"time"

	flatbuffers "github.com/google/flatbuffers/go"
)

// zipTime is the modification time of every archived file, so that the
// same model always encodes to the same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// writeMetadata encodes m.Metadata as TFLite's metadata writers do: a
// ModelMetadata flatbuffer ("M001") in a buffer of its own, appended to
// bufs, named by a Model.metadata entry "TFLITE_METADATA". It returns the
// Model.metadata vector, or 0 when m has no metadata.
func writeMetadata(b *flatbuffers.Builder, m *Model, bufs *[]flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	if m.Metadata == nil {
		return 0
	}
	enc := encodeModelMetadata(m.Metadata, m)
	b.Prep(bufferAlign, len(enc))
	data := b.CreateByteVector(enc)
	b.StartObject(bufferNumFields)
	b.PrependUOffsetTSlot(fBufferData, data, 0)
	index := len(*bufs)
	*bufs = append(*bufs, b.EndObject())

	name := b.CreateString(metadataName)
	b.StartObject(metadataEntryNumFlds)
	b.PrependUOffsetTSlot(fMetadataEntryName, name, 0)
	b.PrependUint32Slot(fMetadataEntryBuffer, uint32(index), 0)
	entry := b.EndObject()
	return writeTableVector(b, []flatbuffers.UOffsetT{entry})
}

// encodeModelMetadata returns the ModelMetadata flatbuffer of md. The
// subgraph metadata has one TensorMetadata per model input and output, as
// the schema requires: entries md lacks are filled with the tensor's name.
// An image input gets ImageProperties content, any other tensor
// FeatureProperties; the normalization becomes a NormalizationOptions
// process unit.
func encodeModelMetadata(md *Metadata, m *Model) []byte {
	b := flatbuffers.NewBuilder(1024)
	tensorList := func(mds []TensorMetadata, tensors []int) flatbuffers.UOffsetT {
		offs := make([]flatbuffers.UOffsetT, len(tensors))
		for i, ti := range tensors {
			var tm TensorMetadata
			if i < len(mds) {
				tm = mds[i]
			}
			if tm.Name == "" {
				tm.Name = m.Tensors[ti].Name
			}
			offs[i] = encodeTensorMetadata(b, &tm)
		}
		return writeTableVector(b, offs)
	}
	inputs := tensorList(md.Inputs, m.Inputs)
	outputs := tensorList(md.Outputs, m.Outputs)
	b.StartObject(subGraphMDNumFlds)
	b.PrependUOffsetTSlot(fSubGraphMDInputs, inputs, 0)
	b.PrependUOffsetTSlot(fSubGraphMDOutputs, outputs, 0)
	subgraph := b.EndObject()
	subgraphs := writeTableVector(b, []flatbuffers.UOffsetT{subgraph})

	files := encodeAssociatedFiles(b, md.Files)
	strs := []struct {
		id  int
		s   string
		off flatbuffers.UOffsetT
	}{
		{id: fModelMDName, s: md.Name}, {id: fModelMDDescription, s: md.Description},
		{id: fModelMDVersion, s: md.Version}, {id: fModelMDAuthor, s: md.Author},
		{id: fModelMDLicense, s: md.License}, {id: fModelMDMinParserVersion, s: metadataParserVersion},
	}
	for i := range strs {
		if strs[i].s != "" {
			strs[i].off = b.CreateString(strs[i].s)
		}
	}
	b.StartObject(modelMDNumFlds)
	for _, s := range strs {
		if s.off != 0 {
			b.PrependUOffsetTSlot(s.id, s.off, 0)
		}
	}
	b.PrependUOffsetTSlot(fModelMDSubgraphs, subgraphs, 0)
	if files != 0 {
		b.PrependUOffsetTSlot(fModelMDAssociatedFiles, files, 0)
	}
	b.FinishWithFileIdentifier(b.EndObject(), []byte(metadataIdentifier))
	return b.FinishedBytes()
}

func encodeTensorMetadata(b *flatbuffers.Builder, tm *TensorMetadata) flatbuffers.UOffsetT {
	name := b.CreateString(tm.Name)
	var desc flatbuffers.UOffsetT
	if tm.Description != "" {
		desc = b.CreateString(tm.Description)
	}
	// Content: ImageProperties for an image, FeatureProperties otherwise.
	var props flatbuffers.UOffsetT
	propsType := byte(contentFeatureProperties)
	if tm.ColorSpace != ColorSpaceNone {
		propsType = contentImageProperties
		b.StartObject(imagePropsNumFlds)
		b.PrependInt8Slot(fImagePropsColorSpace, int8(tm.ColorSpace-ColorSpaceUnknown), 0)
		props = b.EndObject()
	} else {
		b.StartObject(0)
		props = b.EndObject()
	}
	b.StartObject(contentNumFlds)
	b.PrependUint8Slot(fContentPropertiesType, propsType, 0)
	b.PrependUOffsetTSlot(fContentProperties, props, 0)
	content := b.EndObject()

	var units flatbuffers.UOffsetT
	if n := tm.Normalization; n != nil {
		mean, std := writeFloat32Vector(b, n.Mean), writeFloat32Vector(b, n.Std)
		b.StartObject(normalizationNumFl)
		b.PrependUOffsetTSlot(fNormalizationMean, mean, 0)
		b.PrependUOffsetTSlot(fNormalizationStd, std, 0)
		opts := b.EndObject()
		b.StartObject(processUnitNumFlds)
		b.PrependUint8Slot(fProcessUnitOptionsType, unitNormalizationOptions, 0)
		b.PrependUOffsetTSlot(fProcessUnitOptions, opts, 0)
		units = writeTableVector(b, []flatbuffers.UOffsetT{b.EndObject()})
	}
	files := encodeAssociatedFiles(b, tm.Files)

	b.StartObject(tensorMDNumFlds)
	b.PrependUOffsetTSlot(fTensorMDName, name, 0)
	if desc != 0 {
		b.PrependUOffsetTSlot(fTensorMDDescription, desc, 0)
	}
	b.PrependUOffsetTSlot(fTensorMDContent, content, 0)
	if units != 0 {
		b.PrependUOffsetTSlot(fTensorMDProcessUnits, units, 0)
	}
	if files != 0 {
		b.PrependUOffsetTSlot(fTensorMDAssociatedFiles, files, 0)
	}
	return b.EndObject()
}

// encodeAssociatedFiles writes an [AssociatedFile] vector, 0 for none.
func encodeAssociatedFiles(b *flatbuffers.Builder, files []AssociatedFile) flatbuffers.UOffsetT {
	if len(files) == 0 {
		return 0
	}
	offs := make([]flatbuffers.UOffsetT, len(files))
	for i := range files {
		f := &files[i]
		name := b.CreateString(f.Name)
		var desc, locale flatbuffers.UOffsetT
		if f.Description != "" {
			desc = b.CreateString(f.Description)
		}
		if f.Locale != "" {
			locale = b.CreateString(f.Locale)
		}
		b.StartObject(assocFileNumFlds)
		b.PrependUOffsetTSlot(fAssocFileName, name, 0)
		if desc != 0 {
			b.PrependUOffsetTSlot(fAssocFileDescription, desc, 0)
		}
		b.PrependInt8Slot(fAssocFileType, int8(f.Type), 0)
		if locale != 0 {
			b.PrependUOffsetTSlot(fAssocFileLocale, locale, 0)
		}
		offs[i] = b.EndObject()
	}
	return writeTableVector(b, offs)
}

func writeFloat32Vector(b *flatbuffers.Builder, v []float32) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependFloat32(v[i])
	}
	return b.EndVector(len(v))
}

// appendAssociatedFiles appends to the flatbuffer fb a zip archive holding
// every associated file of md once (stored, not compressed, as TFLite's
// MetadataPopulator writes them), with offsets counted from the start of
// the file so that unzip and archive/zip read it without adjustment. Every
// named file must have contents.
func appendAssociatedFiles(fb []byte, md *Metadata) ([]byte, error) {
	if md == nil {
		return fb, nil
	}
	var err error
	var names []string
	md.allFiles(func(f *AssociatedFile) bool {
		for _, n := range names {
			if n == f.Name {
				return true
			}
		}
		if f.Data == nil {
			err = fmt.Errorf("associated file %q has no contents to write", f.Name)
			if f.Err != nil {
				err = fmt.Errorf("%w (reading it failed: %w)", err, f.Err)
			}
			return false
		}
		names = append(names, f.Name)
		return true
	})
	if err != nil || len(names) == 0 {
		return fb, err
	}
	buf := bytes.NewBuffer(fb)
	zw := zip.NewWriter(buf)
	zw.SetOffset(int64(len(fb)))
	md.allFiles(func(f *AssociatedFile) bool {
		if len(names) == 0 || names[0] != f.Name {
			return true // written already
		}
		names = names[1:]
		var w io.Writer
		if w, err = zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store, Modified: zipTime}); err == nil {
			_, err = w.Write(f.Data)
		}
		return err == nil
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("zip archive of associated files: %w", err)
	}
	return buf.Bytes(), nil
}

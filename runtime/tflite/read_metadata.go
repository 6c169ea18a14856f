package tflite

import "fmt"

// maxProcessUnits bounds the process units of one tensor's metadata.
const maxProcessUnits = 64

// decodeMetadata decodes the metadata of the model whose root table is root:
// the buffer of the first Model.metadata entry named "TFLITE_METADATA", as a
// bounds-checked flatbuffer of its own, then the associated files from the
// zip archive appended to the file. A model without that entry has none
// (nil). A malformed metadata buffer is an error; an unreadable associated
// file is not (its Err says why), because the model itself is sound.
//
// Tensor entries beyond the model's nIn inputs and nOut outputs describe no
// tensor and are dropped (TFLite's metadata tools refuse such files, but
// the model runs).
func decodeMetadata(root *fbTable, buffers [][]byte, nIn, nOut int) (*Metadata, error) {
	entries, err := root.tables(fModelMetadata, "metadata")
	if err != nil {
		return nil, err
	}
	for i, p := range entries {
		t, err := root.r.table(p, fmt.Sprintf("metadata[%d]", i))
		if err != nil {
			return nil, err
		}
		name, err := t.string(fMetadataEntryName, "name")
		if err != nil {
			return nil, err
		}
		if name != metadataName {
			continue // e.g. min_runtime_version
		}
		buf, err := t.uint32(fMetadataEntryBuffer, 0)
		if err != nil {
			return nil, err
		}
		if uint64(buf) >= uint64(len(buffers)) || len(buffers[buf]) == 0 {
			return nil, fmt.Errorf("%w: metadata[%d] %q: buffer %d is absent or empty (model has %d buffers)", ErrInvalidModel, i, name, buf, len(buffers))
		}
		md, err := decodeModelMetadata(buffers[buf])
		if err != nil {
			return nil, fmt.Errorf("%w: metadata[%d] %q (buffer %d): %w", ErrInvalidModel, i, name, buf, err)
		}
		md.Inputs = md.Inputs[:min(len(md.Inputs), nIn)]
		md.Outputs = md.Outputs[:min(len(md.Outputs), nOut)]
		md.loadFiles(root.r.b)
		return md, nil
	}
	return nil, nil
}

// decodeModelMetadata decodes a ModelMetadata flatbuffer (identifier "M001").
// Like Parse, it never panics and allocates at most a small multiple of
// len(data).
func decodeModelMetadata(data []byte) (md *Metadata, err error) {
	defer func() {
		if r := recover(); r != nil {
			md, err = nil, fmt.Errorf("internal metadata decoder error: %v", r)
		}
	}()
	r := newFBReader(data)
	if len(data) < 8 {
		return nil, fmt.Errorf("%d bytes, too short for a flatbuffer header", len(data))
	}
	if got := string(data[4:8]); got != metadataIdentifier {
		return nil, fmt.Errorf("file identifier is %q, want %q", got, metadataIdentifier)
	}
	pos, err := r.uoffset(0, "ModelMetadata root")
	if err != nil {
		return nil, err
	}
	root, err := r.table(pos, "ModelMetadata")
	if err != nil {
		return nil, err
	}
	md = &Metadata{}
	for _, s := range []struct {
		id   int
		name string
		dst  *string
	}{
		{fModelMDName, "name", &md.Name},
		{fModelMDDescription, "description", &md.Description},
		{fModelMDVersion, "version", &md.Version},
		{fModelMDAuthor, "author", &md.Author},
		{fModelMDLicense, "license", &md.License},
	} {
		if *s.dst, err = root.string(s.id, s.name); err != nil {
			return nil, err
		}
	}
	nfiles := 0
	if md.Files, err = decodeAssociatedFiles(root, fModelMDAssociatedFiles, &nfiles); err != nil {
		return nil, err
	}
	subgraphs, err := root.tables(fModelMDSubgraphs, "subgraph_metadata")
	if err != nil || len(subgraphs) == 0 {
		return md, err
	}
	sg, err := r.table(subgraphs[0], "subgraph_metadata[0]")
	if err != nil {
		return nil, err
	}
	sgFiles, err := decodeAssociatedFiles(sg, fSubGraphMDAssociatedFiles, &nfiles)
	if err != nil {
		return nil, err
	}
	md.Files = append(md.Files, sgFiles...)
	if md.Inputs, err = decodeTensorMetadataList(sg, fSubGraphMDInputs, "input_tensor_metadata", &nfiles); err != nil {
		return nil, err
	}
	if md.Outputs, err = decodeTensorMetadataList(sg, fSubGraphMDOutputs, "output_tensor_metadata", &nfiles); err != nil {
		return nil, err
	}
	return md, nil
}

func decodeTensorMetadataList(sg *fbTable, id int, name string, nfiles *int) ([]TensorMetadata, error) {
	pos, err := sg.tables(id, name)
	if err != nil || pos == nil {
		return nil, err
	}
	if len(pos) > maxTensorMetadata {
		return nil, fmt.Errorf("%s has %d entries (more than %d)", name, len(pos), maxTensorMetadata)
	}
	out := make([]TensorMetadata, len(pos))
	for i, p := range pos {
		t, err := sg.r.table(p, fmt.Sprintf("%s[%d]", name, i))
		if err != nil {
			return nil, err
		}
		if err := decodeTensorMetadata(t, &out[i], nfiles); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func decodeTensorMetadata(t *fbTable, tm *TensorMetadata, nfiles *int) error {
	var err error
	if tm.Name, err = t.string(fTensorMDName, "name"); err != nil {
		return err
	}
	if tm.Description, err = t.string(fTensorMDDescription, "description"); err != nil {
		return err
	}
	content, err := t.subTable(fTensorMDContent, "content")
	if err != nil {
		return err
	}
	if content != nil {
		if tm.ColorSpace, err = decodeContentColorSpace(content); err != nil {
			return err
		}
	}
	units, err := t.tables(fTensorMDProcessUnits, "process_units")
	if err != nil {
		return err
	}
	if len(units) > maxProcessUnits {
		return fmt.Errorf("%s process_units has %d entries (more than %d)", t.what, len(units), maxProcessUnits)
	}
	for i, p := range units {
		u, err := t.r.table(p, fmt.Sprintf("%s process_units[%d]", t.what, i))
		if err != nil {
			return err
		}
		typ, err := u.uint8(fProcessUnitOptionsType, 0)
		if err != nil {
			return err
		}
		if typ != unitNormalizationOptions || tm.Normalization != nil {
			continue // other units, and normalizations after the first, do not concern edgecam
		}
		opts, err := u.subTable(fProcessUnitOptions, "NormalizationOptions")
		if err != nil {
			return err
		}
		if opts == nil {
			return fmt.Errorf("%s: NormalizationOptions process unit without options", u.what)
		}
		if tm.Normalization, err = decodeNormalization(opts); err != nil {
			return err
		}
	}
	tm.Files, err = decodeAssociatedFiles(t, fTensorMDAssociatedFiles, nfiles)
	return err
}

// decodeContentColorSpace returns the color space of an ImageProperties
// content, ColorSpaceNone for any other content.
func decodeContentColorSpace(content *fbTable) (ColorSpace, error) {
	typ, err := content.uint8(fContentPropertiesType, 0)
	if err != nil || typ != contentImageProperties {
		return ColorSpaceNone, err
	}
	props, err := content.subTable(fContentProperties, "ImageProperties")
	if err != nil || props == nil {
		return ColorSpaceUnknown, err
	}
	cs, err := props.uint8(fImagePropsColorSpace, 0)
	if err != nil {
		return ColorSpaceNone, err
	}
	if cs > 2 {
		return ColorSpaceUnknown, nil
	}
	return ColorSpace(cs) + ColorSpaceUnknown, nil
}

// decodeNormalization reads NormalizationOptions as they are: checking
// them is for the user of a float input.
func decodeNormalization(opts *fbTable) (*Normalization, error) {
	mean, err := opts.float32s(fNormalizationMean, "mean")
	if err != nil {
		return nil, err
	}
	std, err := opts.float32s(fNormalizationStd, "std")
	if err != nil {
		return nil, err
	}
	return &Normalization{Mean: mean, Std: std}, nil
}

// decodeAssociatedFiles decodes the [AssociatedFile] vector in field id;
// *n counts the files of the whole metadata against maxAssociatedFiles.
func decodeAssociatedFiles(t *fbTable, id int, n *int) ([]AssociatedFile, error) {
	pos, err := t.tables(id, "associated_files")
	if err != nil || pos == nil {
		return nil, err
	}
	if *n += len(pos); *n > maxAssociatedFiles {
		return nil, fmt.Errorf("metadata names more than %d associated files", maxAssociatedFiles)
	}
	files := make([]AssociatedFile, len(pos))
	for i, p := range pos {
		ft, err := t.r.table(p, fmt.Sprintf("%s associated_files[%d]", t.what, i))
		if err != nil {
			return nil, err
		}
		f := &files[i]
		if f.Name, err = ft.string(fAssocFileName, "name"); err != nil {
			return nil, err
		}
		if f.Name == "" {
			return nil, fmt.Errorf("%s: associated file without a name", ft.what)
		}
		if f.Description, err = ft.string(fAssocFileDescription, "description"); err != nil {
			return nil, err
		}
		if f.Locale, err = ft.string(fAssocFileLocale, "locale"); err != nil {
			return nil, err
		}
		typ, err := ft.int8(fAssocFileType, 0)
		if err != nil {
			return nil, err
		}
		f.Type = AssociatedFileType(typ)
	}
	return files, nil
}

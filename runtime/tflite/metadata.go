package tflite

import (
	"bytes"
	"fmt"
	"strconv"
)

// TFLite metadata: the "TFLITE_METADATA" buffer of a model (a flatbuffer of
// tensorflow/tflite-support's metadata_schema.fbs, file identifier "M001")
// and the files it names, packed into a zip archive appended to the model
// file. edgecam keeps the parts an image model's user needs: names, the
// input's normalization and the associated files (label files above all).

// Limits on associated files. A label file of ImageNet's 1001 classes takes
// 10-22 KB; the limits leave room for far larger ones while keeping a
// hostile archive (a zip bomb, a directory of millions of entries) from
// costing memory.
const (
	// MaxAssociatedFileBytes is the largest associated file read or written.
	MaxAssociatedFileBytes = 4 << 20
	// MaxAssociatedBytes bounds the associated files of one model together.
	MaxAssociatedBytes = 16 << 20
	// maxAssociatedFiles bounds the files the metadata may name.
	maxAssociatedFiles = 64
	// maxZipEntries bounds the entries of the appended archive.
	maxZipEntries = 1024
	// maxTensorMetadata bounds the input and output tensor metadata lists.
	maxTensorMetadata = 1024
)

// Metadata is a model's TFLite metadata (ModelMetadata), the subset edgecam
// reads and writes. Inputs and Outputs follow SubGraph.inputs and
// SubGraph.outputs of the model's subgraph, one entry per tensor (the lists
// may be shorter than the model's).
type Metadata struct {
	Name, Description, Version, Author, License string

	Inputs  []TensorMetadata
	Outputs []TensorMetadata
	// Files are the files associated with the model as a whole (the
	// model's and the subgraph's associated_files).
	Files []AssociatedFile
}

// TensorMetadata describes one input or output tensor.
type TensorMetadata struct {
	Name, Description string
	// ColorSpace is set when the content is an image (ImageProperties);
	// ColorSpaceNone otherwise.
	ColorSpace ColorSpace
	// Normalization is the NormalizationOptions process unit, nil when absent.
	Normalization *Normalization
	Files         []AssociatedFile
}

// Normalization maps a value x of channel c to (x - Mean[c]) / Std[c]. A
// single value applies to every channel. It is kept as the file gives it;
// whoever feeds the input checks it (see runtime.NormalizationFromMetadata).
type Normalization struct {
	Mean, Std []float32
}

// ColorSpace is the metadata's ColorSpaceType, with ColorSpaceNone for a
// tensor whose content is not an image.
type ColorSpace int8

// Color spaces. The values are the schema's ColorSpaceType plus one, so the
// zero value means "not an image".
const (
	ColorSpaceNone      ColorSpace = 0
	ColorSpaceUnknown   ColorSpace = 1 // an image of unstated color space
	ColorSpaceRGB       ColorSpace = 2
	ColorSpaceGrayscale ColorSpace = 3
)

// AssociatedFileType is the metadata's AssociatedFileType enum.
type AssociatedFileType int8

// Associated file types (metadata_schema.fbs numbering).
const (
	FileUnknown                    AssociatedFileType = 0
	FileDescriptions               AssociatedFileType = 1
	FileTensorAxisLabels           AssociatedFileType = 2 // one label per index of the tensor's class axis
	FileTensorValueLabels          AssociatedFileType = 3 // labels of the values a tensor holds (detection classes)
	FileTensorAxisScoreCalibration AssociatedFileType = 4
	FileVocabulary                 AssociatedFileType = 5
)

func (t AssociatedFileType) String() string {
	switch t {
	case FileUnknown:
		return "UNKNOWN"
	case FileDescriptions:
		return "DESCRIPTIONS"
	case FileTensorAxisLabels:
		return "TENSOR_AXIS_LABELS"
	case FileTensorValueLabels:
		return "TENSOR_VALUE_LABELS"
	case FileTensorAxisScoreCalibration:
		return "TENSOR_AXIS_SCORE_CALIBRATION"
	case FileVocabulary:
		return "VOCABULARY"
	}
	return "AssociatedFileType(" + strconv.Itoa(int(t)) + ")"
}

// AssociatedFile is a file the metadata names. Its contents come from the
// zip archive appended to the model file: Data holds them, or Err says why
// they could not be read (no archive, no such entry, too large, corrupt).
type AssociatedFile struct {
	Name, Description, Locale string
	Type                      AssociatedFileType
	Data                      []byte
	Err                       error
}

// InputNormalization is the normalization of the first input, or nil.
func (md *Metadata) InputNormalization() *Normalization {
	if md == nil || len(md.Inputs) == 0 {
		return nil
	}
	return md.Inputs[0].Normalization
}

// OutputLabels is the label file of the first output: its first
// TENSOR_AXIS_LABELS file (the schema's default when several locales are
// present), or nil.
func (md *Metadata) OutputLabels() *AssociatedFile {
	if md == nil || len(md.Outputs) == 0 {
		return nil
	}
	for i := range md.Outputs[0].Files {
		if f := &md.Outputs[0].Files[i]; f.Type == FileTensorAxisLabels {
			return f
		}
	}
	return nil
}

// allFiles calls fn for every associated file: the model's, then the input
// tensors', then the output tensors', in order; it stops when fn returns
// false. It allocates nothing.
func (md *Metadata) allFiles(fn func(f *AssociatedFile) bool) {
	for l := range 1 + len(md.Inputs) + len(md.Outputs) {
		files := md.Files
		switch {
		case l > len(md.Inputs):
			files = md.Outputs[l-1-len(md.Inputs)].Files
		case l > 0:
			files = md.Inputs[l-1].Files
		}
		for i := range files {
			if !fn(&files[i]) {
				return
			}
		}
	}
}

// check verifies what the metadata must hold for the writer: at most as
// many tensor entries as the model has inputs and outputs, named associated
// files of bounded size, and no name given to two different contents (the
// archive has one entry per name). The normalization is not checked here:
// it matters only to a float input, and its user (the runtime) checks it.
func (md *Metadata) check(m *Model) error {
	if md == nil {
		return nil
	}
	if len(md.Inputs) > len(m.Inputs) || len(md.Outputs) > len(m.Outputs) {
		return fmt.Errorf("%w: metadata: %d input and %d output tensor entries for a model of %d inputs and %d outputs",
			ErrInvalidModel, len(md.Inputs), len(md.Outputs), len(m.Inputs), len(m.Outputs))
	}
	var err error
	n, total := 0, 0
	md.allFiles(func(f *AssociatedFile) bool {
		n++
		switch {
		case n > maxAssociatedFiles:
			err = fmt.Errorf("more than %d associated files", maxAssociatedFiles)
		case f.Name == "":
			err = fmt.Errorf("an associated file has no name")
		case len(f.Data) > MaxAssociatedFileBytes:
			err = fmt.Errorf("associated file %q has %d bytes (more than %d)", f.Name, len(f.Data), MaxAssociatedFileBytes)
		}
		named := false // an earlier file of the same name: one archive entry
		if err == nil {
			md.allFiles(func(g *AssociatedFile) bool {
				if g == f {
					return false // only the files before f
				}
				if g.Name == f.Name {
					named = true
					if g.Data != nil && f.Data != nil && !bytes.Equal(g.Data, f.Data) {
						err = fmt.Errorf("two associated files named %q differ", f.Name)
					}
				}
				return err == nil
			})
		}
		if !named {
			total += len(f.Data)
		}
		if err == nil && total > MaxAssociatedBytes {
			err = fmt.Errorf("associated files hold more than %d bytes together", MaxAssociatedBytes)
		}
		return err == nil
	})
	if err != nil {
		return fmt.Errorf("%w: metadata: %w", ErrInvalidModel, err)
	}
	return nil
}

package tflite

import "slices"

// Clone returns a deep copy of md (nil for nil); associated file contents
// are shared, since nothing modifies them in place.
func (md *Metadata) Clone() *Metadata {
	if md == nil {
		return nil
	}
	c := *md
	c.Files = slices.Clone(md.Files)
	c.Inputs = cloneTensorMetadata(md.Inputs)
	c.Outputs = cloneTensorMetadata(md.Outputs)
	return &c
}

func cloneTensorMetadata(l []TensorMetadata) []TensorMetadata {
	out := slices.Clone(l)
	for i := range out {
		out[i].Files = slices.Clone(out[i].Files)
		if n := out[i].Normalization; n != nil {
			out[i].Normalization = &Normalization{Mean: slices.Clone(n.Mean), Std: slices.Clone(n.Std)}
		}
	}
	return out
}

// SetInputNormalization records n as the NormalizationOptions of the first
// input, creating the metadata when m has none. An input of three channels
// whose content the metadata does not state is marked an RGB image, as
// TFLite's image model metadata does.
func (m *Model) SetInputNormalization(n Normalization) {
	tm := m.tensorMetadata(true)
	tm.Normalization = &Normalization{Mean: slices.Clone(n.Mean), Std: slices.Clone(n.Std)}
	if len(m.Inputs) == 0 || m.Inputs[0] < 0 || m.Inputs[0] >= len(m.Tensors) {
		return // Check reports the model
	}
	if s := m.Tensors[m.Inputs[0]].Shape; tm.ColorSpace == ColorSpaceNone && len(s) == 4 && s[3] == 3 {
		tm.ColorSpace = ColorSpaceRGB
	}
}

// SetOutputLabels makes data, under the given file name, the label file
// (TENSOR_AXIS_LABELS) of the first output, replacing the output's earlier
// label files and creating the metadata when m has none. The writer stores
// it in the zip archive it appends to the model.
func (m *Model) SetOutputLabels(name string, data []byte) {
	tm := m.tensorMetadata(false)
	tm.Files = slices.DeleteFunc(tm.Files, func(f AssociatedFile) bool { return f.Type == FileTensorAxisLabels })
	tm.Files = append(tm.Files, AssociatedFile{
		Name:        name,
		Description: "Labels for categories that the model can recognize.",
		Type:        FileTensorAxisLabels,
		Data:        data,
	})
}

// tensorMetadata returns the metadata of the first input or output,
// creating the entries up to it.
func (m *Model) tensorMetadata(input bool) *TensorMetadata {
	if m.Metadata == nil {
		m.Metadata = &Metadata{}
	}
	l := &m.Metadata.Outputs
	if input {
		l = &m.Metadata.Inputs
	}
	if len(*l) == 0 {
		*l = append(*l, TensorMetadata{})
	}
	return &(*l)[0]
}

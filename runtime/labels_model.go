package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// Labels are the class names of a classifier, matched to its output.
type Labels struct {
	// Names[i] names output class i; nil when no labels were found.
	Names []string
	// Source says where they came from: the -labels path, "model metadata
	// (labels.txt)" for a file packed in the model, or the path of
	// labels.txt beside the model.
	Source string
	// Skipped says why labels found in the model's metadata or in
	// labels.txt beside the model were not used ("" otherwise): they do not
	// fit the output.
	Skipped string
}

// Name names class i, "class i" when there is no label for it.
func (l *Labels) Name(i int) string {
	if l != nil && i >= 0 && i < len(l.Names) {
		return l.Names[i]
	}
	return fmt.Sprintf("class %d", i)
}

// ClassifierLabels finds the labels of classifier m, loaded from
// modelPath, in this order:
//
//  1. labelsPath, when not empty (the -labels flag);
//  2. the label file the model's metadata gives its output, packed in the
//     model, when it fits the output (a model cut at an inner tensor, or
//     given another head, keeps its old metadata: labels that do not fit
//     are skipped and Labels.Skipped says why; a file the metadata names
//     but the model does not carry readably is an error: give -labels);
//  3. labels.txt beside the model, when it exists and fits the output (a
//     directory of models may hold another model's labels.txt: one that
//     does not fit is skipped, Labels.Skipped says why);
//  4. none: classes are named by index.
//
// Labels from 1 must fit the output (see AlignLabels): a mismatch is an error.
func ClassifierLabels(m *tflite.Model, modelPath, labelsPath string) (Labels, error) {
	classes := OutputClasses(m)
	if labelsPath != "" {
		names, err := LoadLabels(labelsPath)
		if err == nil {
			names, err = AlignLabels(names, classes)
		}
		if err != nil {
			return Labels{}, fmt.Errorf("labels %s: %w", labelsPath, err)
		}
		return Labels{Names: names, Source: labelsPath}, nil
	}
	names, file, err := ModelLabels(m)
	if err != nil {
		return Labels{}, fmt.Errorf("labels in the model metadata: %w (give -labels to use another file)", err)
	}
	var skipped []string
	if names != nil {
		aligned, err := AlignLabels(names, classes)
		if err == nil {
			return Labels{Names: aligned, Source: "model metadata (" + file + ")"}, nil
		}
		skipped = append(skipped, fmt.Sprintf("labels in the model metadata (%s) not used: %v", file, err))
	}
	beside := filepath.Join(filepath.Dir(modelPath), "labels.txt")
	if _, err := os.Stat(beside); errors.Is(err, fs.ErrNotExist) {
		return Labels{Skipped: strings.Join(skipped, "; ")}, nil
	}
	if names, err = LoadLabels(beside); err != nil {
		return Labels{}, err
	}
	aligned, err := AlignLabels(names, classes)
	if err != nil {
		skipped = append(skipped, fmt.Sprintf("%s not used: %v", beside, err))
		return Labels{Skipped: strings.Join(skipped, "; ")}, nil
	}
	return Labels{Names: aligned, Source: beside, Skipped: strings.Join(skipped, "; ")}, nil
}

// ModelLabels returns the label file that m's metadata gives its first
// output (TENSOR_AXIS_LABELS), parsed as LoadLabels does, and the file's
// name; nil when the metadata names none. A file the metadata names but
// the model's zip archive does not yield is an error.
func ModelLabels(m *tflite.Model) (labels []string, name string, err error) {
	f := m.Metadata.OutputLabels()
	if f == nil {
		return nil, "", nil
	}
	if f.Err != nil {
		return nil, f.Name, f.Err
	}
	if labels, err = parseLabels(string(f.Data)); err != nil {
		return nil, f.Name, fmt.Errorf("%s: %w", f.Name, err)
	}
	return labels, f.Name, nil
}

// OutputClasses is the number of classes of a classifier: the last
// dimension of its first output (0 for a model without outputs).
func OutputClasses(m *tflite.Model) int {
	if len(m.Outputs) == 0 {
		return 0
	}
	s := m.Tensors[m.Outputs[0]].Shape
	if len(s) == 0 {
		return 1
	}
	return s[len(s)-1]
}

// backgroundLabel is the first line of the 1001-class ImageNet label files
// (TFLite's labels_mobilenet_quant_v1_224.txt).
const backgroundLabel = "background"

// AlignLabels matches a label list to a classifier output of classes
// entries, so that the result names output index i at i. ImageNet models
// come with 1001 outputs (index 0 is a background class) or 1000, and
// their label files with or without a first "background" line; the counts
// decide:
//
//   - as many labels as classes: as they are (a 1001-line file starting
//     with background fits a 1001-class output);
//   - one label fewer than classes (1000 labels, 1001 outputs): index 0 is
//     the background class the file leaves out, every label moves up by
//     one and index 0 is named "background";
//   - one label more, the first being "background" (1001 lines, 1000
//     outputs): that line is dropped;
//   - anything else is an error naming both counts.
func AlignLabels(labels []string, classes int) ([]string, error) {
	switch n := len(labels); {
	case n == classes:
		return labels, nil
	case n+1 == classes:
		return append([]string{backgroundLabel}, labels...), nil
	case n == classes+1 && strings.EqualFold(labels[0], backgroundLabel):
		return labels[1:], nil
	default:
		return nil, fmt.Errorf("%d labels for an output of %d classes", n, classes)
	}
}

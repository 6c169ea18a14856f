package runtime

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// detectorLabelFiles are the label files looked for beside a detector, in
// order: the name of the detector's COCO labels in Raspberry Pi's and
// TensorFlow's camera examples, the name in TFLite's example zip, and the
// classifiers' name.
var detectorLabelFiles = []string{"coco_labels.txt", "labelmap.txt", "labels.txt"}

// DetectionClasses is the number of classes (without the background) of
// detector m's post-process, 0 when m is not a detector (IsDetector).
func DetectionClasses(m *tflite.Model) int {
	op, _, ok := DetectionOutputs(m)
	if !ok {
		return 0
	}
	o, err := detectionOptions(&m.Ops[op])
	if err != nil {
		return 0
	}
	return o.NumClasses
}

// DetectorLabels finds the labels of detector m, loaded from modelPath, so
// that Names[k] names class id k of its detections (Detection.Class), in
// this order:
//
//  1. labelsPath, when not empty (the -labels flag);
//  2. coco_labels.txt, labelmap.txt or labels.txt beside the model, the
//     first that exists and fits (one that does not fit is skipped,
//     Labels.Skipped says why);
//  3. none: classes are named by index.
//
// Labels must fit the classes: see AlignDetectionLabels.
func DetectorLabels(m *tflite.Model, modelPath, labelsPath string) (Labels, error) {
	classes := DetectionClasses(m)
	if classes == 0 {
		return Labels{}, errors.New("labels: the model is not a detector")
	}
	if labelsPath != "" {
		names, err := LoadLabels(labelsPath)
		if err == nil {
			names, err = AlignDetectionLabels(names, classes)
		}
		if err != nil {
			return Labels{}, fmt.Errorf("labels %s: %w", labelsPath, err)
		}
		return Labels{Names: names, Source: labelsPath}, nil
	}
	var l Labels
	for _, name := range detectorLabelFiles {
		beside := filepath.Join(filepath.Dir(modelPath), name)
		if _, err := os.Stat(beside); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		names, err := LoadLabels(beside)
		if err != nil {
			return Labels{}, err
		}
		aligned, err := AlignDetectionLabels(names, classes)
		if err != nil {
			if l.Skipped != "" {
				l.Skipped += "; "
			}
			l.Skipped += fmt.Sprintf("%s not used: %v", beside, err)
			continue
		}
		l.Names, l.Source = aligned, beside
		return l, nil
	}
	return l, nil
}

// AlignDetectionLabels matches a label list to a detector of classes
// classes, so that the result names class id k at k. Detectors' label
// files list the background first (COCO's coco_labels.txt: line 0 is
// "???", class k is line k+1) or not at all; the count decides:
//
//   - classes+1 labels: the first line is the background and is dropped;
//   - classes labels: as they are;
//   - anything else is an error naming both counts.
func AlignDetectionLabels(labels []string, classes int) ([]string, error) {
	switch n := len(labels); n {
	case classes + 1:
		return labels[1:], nil
	case classes:
		return labels, nil
	default:
		return nil, fmt.Errorf("%d labels for a detector of %d classes (want %d, or %d with the background first)", n, classes, classes, classes+1)
	}
}

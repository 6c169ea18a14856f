package quant

import (
	"fmt"
	"strings"

	"github.com/edgecam/edgecam/runtime"
	"github.com/edgecam/edgecam/runtime/tflite"
)

// LabelsFileName is the name under which PrepareMetadata packs the labels.
const LabelsFileName = "labels.txt"

// PrepareMetadata gives the float model m the TFLite metadata that its
// quantized versions inherit (Convert and WeightsOnly copy it): the input's
// normalization, norm when given, else m's own (runtime.ModelNormalization:
// its metadata's, else MobileNet's 127.5/127.5), which calibration and the
// agreement report then also use; and, when labels are given, a label file
// on the output, one line per class. So LiteRT clients and edgecam feed the
// quantized file the same way, and name its classes without a -labels flag.
func PrepareMetadata(m *tflite.Model, norm *runtime.Normalization, labels []string) error {
	n := norm
	if n == nil {
		mn, _, err := runtime.ModelNormalization(m)
		if err != nil {
			return err
		}
		n = &mn
	}
	if err := n.Validate(); err != nil {
		return err
	}
	m.SetInputNormalization(n.Metadata())
	if labels != nil {
		if classes := runtime.OutputClasses(m); len(labels) != classes {
			return fmt.Errorf("%d labels for an output of %d classes", len(labels), classes)
		}
		m.SetOutputLabels(LabelsFileName, []byte(strings.Join(labels, "\n")+"\n"))
	}
	return m.Check()
}

package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
)

// TestDetectorLabelsCOCO reads the detector's COCO labels beside it: line 0
// "???" is the background, class 0 is person, class 37 kite.
func TestDetectorLabelsCOCO(t *testing.T) {
	path := fixtures.Path(t, filepath.Join("models", ssdGoldenStem+".tflite"))
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := DetectionClasses(m); n != 90 {
		t.Fatalf("DetectionClasses = %d, want 90", n)
	}
	l, err := DetectorLabels(m, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Names) != 90 || l.Names[0] != "person" || l.Names[37] != "kite" || l.Names[16] != "cat" || filepath.Base(l.Source) != "coco_labels.txt" {
		t.Errorf("labels: %d names, [0] %q [16] %q [37] %q, source %q", len(l.Names), l.Names[0], l.Names[16], l.Names[37], l.Source)
	}
}

func TestDetectorLabelsFiles(t *testing.T) {
	d := detectorNet(schemeU8, 1, ssdOptions(5, testDetClasses))
	dir := t.TempDir()
	model := filepath.Join(dir, "det.tflite")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Nothing beside: no labels.
	if l, err := DetectorLabels(d.m, model, ""); err != nil || l.Names != nil || l.Skipped != "" {
		t.Errorf("no files: %+v, %v", l, err)
	}
	// A classifier's labels.txt that does not fit is skipped with a reason;
	// labelmap.txt without a background line is taken as it is.
	write("labels.txt", "a\nb\nc\nd\ne\n")
	write("labelmap.txt", "cat\ndog\nbird\n")
	l, err := DetectorLabels(d.m, model, "")
	if err != nil || strings.Join(l.Names, ",") != "cat,dog,bird" || !strings.HasSuffix(l.Source, "labelmap.txt") || l.Skipped != "" {
		t.Errorf("labelmap.txt: %+v, %v", l, err)
	}
	// coco_labels.txt comes first; its background line is dropped.
	write("coco_labels.txt", "???\nperson\ncar\nkite\n")
	if l, err = DetectorLabels(d.m, model, ""); err != nil || strings.Join(l.Names, ",") != "person,car,kite" {
		t.Errorf("coco_labels.txt: %+v, %v", l, err)
	}
	write("coco_labels.txt", "one\ntwo\n")
	if l, err = DetectorLabels(d.m, model, ""); err != nil || !strings.HasSuffix(l.Source, "labelmap.txt") || !strings.Contains(l.Skipped, "coco_labels.txt not used: 2 labels for a detector of 3 classes") {
		t.Errorf("unfit coco_labels.txt: %+v, %v", l, err)
	}
	// -labels must fit.
	bad := write("mine.txt", "x\n")
	if _, err := DetectorLabels(d.m, model, bad); err == nil || !strings.Contains(err.Error(), "mine.txt") || !strings.Contains(err.Error(), "1 labels for a detector of 3 classes (want 3, or 4 with the background first)") {
		t.Errorf("-labels of 1 line: %v", err)
	}
	// A classifier is not a detector.
	if _, err := DetectorLabels(tinyNet(schemeU8, 16, 1), model, ""); err == nil {
		t.Error("DetectorLabels of a classifier: no error")
	}
}

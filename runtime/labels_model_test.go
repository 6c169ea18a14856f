package runtime

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/edgecam/edgecam/internal/fixtures"
	"github.com/edgecam/edgecam/runtime/tflite"
)

func TestAlignLabels(t *testing.T) {
	five := []string{"a", "b", "c", "d", "e"}
	for _, tc := range []struct {
		name    string
		labels  []string
		classes int
		want    []string
		err     string
	}{
		{"as many as classes", five, 5, five, ""},
		{"as many, background first", []string{"background", "a", "b"}, 3, []string{"background", "a", "b"}, ""},
		{"one fewer: index 0 is background", five, 6, append([]string{"background"}, five...), ""},
		{"one more, background first: dropped", []string{"Background", "a", "b"}, 2, []string{"a", "b"}, ""},
		{"one more, no background", []string{"x", "a", "b"}, 2, nil, "3 labels for an output of 2 classes"},
		{"another model's labels", five, 2, nil, "5 labels for an output of 2 classes"},
		{"too few", five, 7, nil, "5 labels for an output of 7 classes"},
	} {
		got, err := AlignLabels(tc.labels, tc.classes)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %q, %v; want an error containing %q", tc.name, got, err, tc.err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	// The shared 1001-line ImageNet file on a 1000-class output: tench is class 0.
	l, err := LoadLabels(fixtures.Path(t, "models/labels.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := AlignLabels(l, 1000)
	if err != nil || len(got) != 1000 || got[0] != "tench" || got[285] != "Egyptian cat" {
		t.Errorf("1001 labels on 1000 classes: %d labels, [0]=%q [285]=%q, %v", len(got), got[0], got[285], err)
	}
	got, err = AlignLabels(l[1:], 1001)
	if err != nil || len(got) != 1001 || got[0] != "background" || got[286] != "Egyptian cat" {
		t.Errorf("1000 labels on 1001 classes: %d labels, [0]=%q [286]=%q, %v", len(got), got[0], got[286], err)
	}
}

// TestClassifierLabels checks the lookup order: -labels, the labels packed
// in the model, labels.txt beside it (only when it fits), none.
func TestClassifierLabels(t *testing.T) {
	five := "one\ntwo\nthree\nfour\nfive\n"
	write := func(t *testing.T, dir string, embedded string, beside string) string {
		t.Helper()
		m := tinyNet(schemeI8, 10, 1)
		if embedded != "" {
			m.SetOutputLabels("labels.txt", []byte(embedded))
		}
		path := filepath.Join(dir, "model.tflite")
		if err := tflite.WriteFile(path, m); err != nil {
			t.Fatal(err)
		}
		if beside != "" {
			if err := os.WriteFile(filepath.Join(dir, "labels.txt"), []byte(beside), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return path
	}
	flagFile := filepath.Join(t.TempDir(), "flag.txt")
	if err := os.WriteFile(flagFile, []byte("background\nA\nB\nC\nD\nE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name             string
		embedded, beside string
		flag             string
		want             []string
		source, skipped  string
	}{
		{"none", "", "", "", nil, "", ""},
		{"beside", "", five, "", strings.Fields(five), "labels.txt", ""},
		{"beside, 1000 for 1001 style", "", "two\nthree\nfour\nfive\n", "", []string{"background", "two", "three", "four", "five"}, "labels.txt", ""},
		{"beside does not fit: skipped", "", "a\nb\n", "", nil, "", "2 labels for an output of 5 classes"},
		{"embedded before beside", "1\n2\n3\n4\n5\n", five, "", []string{"1", "2", "3", "4", "5"}, "model metadata (labels.txt)", ""},
		{"flag before embedded", "1\n2\n3\n4\n5\n", five, flagFile, []string{"A", "B", "C", "D", "E"}, flagFile, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := write(t, t.TempDir(), tc.embedded, tc.beside)
			m, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			l, err := ClassifierLabels(m, path, tc.flag)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(l.Names, tc.want) || !strings.HasSuffix(l.Source, tc.source) || !strings.Contains(l.Skipped, tc.skipped) || (tc.skipped == "") != (l.Skipped == "") {
				t.Errorf("labels %q from %q (skipped %q); want %q from …%q (skipped …%q)", l.Names, l.Source, l.Skipped, tc.want, tc.source, tc.skipped)
			}
			if got := l.Name(7); got != "class 7" {
				t.Errorf("Name(7) = %q, want class 7", got)
			}
		})
	}
	// Labels packed in the model that cannot fit are skipped with the
	// counts named (a tapped model keeps its metadata); given explicitly,
	// they are an error naming the counts; so is a packed file the model
	// does not carry readably.
	dir := t.TempDir()
	path := write(t, dir, "a\nb\n", "")
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := ClassifierLabels(m, path, ""); err != nil || l.Names != nil || !strings.Contains(l.Skipped, "labels in the model metadata (labels.txt) not used: 2 labels for an output of 5 classes") {
		t.Errorf("embedded labels that do not fit: %q skipped %q, %v", l.Names, l.Skipped, err)
	}
	if _, err := ClassifierLabels(m, path, filepath.Join(dir, "two.txt")); err == nil {
		t.Error("-labels with a missing file: no error")
	}
	if err := os.WriteFile(filepath.Join(dir, "two.txt"), []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ClassifierLabels(m, path, filepath.Join(dir, "two.txt")); err == nil || !strings.Contains(err.Error(), "2 labels for an output of 5 classes") {
		t.Errorf("-labels that do not fit: %v", err)
	}
	if _, err := ClassifierLabels(m, path, filepath.Join(dir, "model.tflite")); err == nil || !strings.Contains(err.Error(), "model.tflite") {
		t.Errorf("-labels naming a binary file: %v", err)
	}
	m.Metadata.Outputs[0].Files[0].Data, m.Metadata.Outputs[0].Files[0].Err = nil, os.ErrNotExist
	if _, err := ClassifierLabels(m, path, ""); err == nil || !strings.Contains(err.Error(), "file does not exist") {
		t.Errorf("embedded labels that could not be read: %v", err)
	}
}

// TestClassifierLabelsOfficial reads the label files packed in the shared
// models: the Coral file's full WordNet names and the TFLite file's short
// ones, 1001 each with background first, preferred to labels.txt beside.
func TestClassifierLabelsOfficial(t *testing.T) {
	for _, tc := range []struct{ model, cat, source string }{
		{"coral_mlir_mobilenet_v1_0.25_128_quant", "Egyptian cat", "model metadata (imagenet_labels.txt)"},
		{"mobilenet_v1_0.25_224_quant", "Egyptian cat", "model metadata (labels.txt)"},
		{"mobilenet_v1_0.25_128_quant", "Egyptian cat", "labels.txt"},
	} {
		path := fixtures.Path(t, "models/"+tc.model+".tflite")
		m, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		l, err := ClassifierLabels(m, path, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Names) != 1001 || l.Names[0] != "background" || l.Names[286] != tc.cat || !strings.HasSuffix(l.Source, tc.source) {
			t.Errorf("%s: %d labels, [0]=%q [286]=%q from %q", tc.model, len(l.Names), l.Names[0], l.Names[286], l.Source)
		}
	}
	// VWW has two classes: the ImageNet labels.txt in the same directory
	// does not name them.
	path := fixtures.Path(t, "models/vww_96_int8.tflite")
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := ClassifierLabels(m, path, ""); err != nil || l.Names != nil || !strings.Contains(l.Skipped, "1001 labels for an output of 2 classes") {
		t.Errorf("VWW: labels %q, skipped %q, %v; want none, labels.txt skipped", l.Names, l.Skipped, err)
	}
}

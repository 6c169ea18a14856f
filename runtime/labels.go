package runtime

import (
	"fmt"
	"strings"

	"github.com/edgecam/edgecam/internal/fileio"
)

// MaxLabelsBytes is the largest label file LoadLabels reads. ImageNet's
// 1001 labels take 10-20 KB; the limit leaves room for far larger label
// sets while keeping a hostile file from costing memory.
const MaxLabelsBytes = 4 << 20

// LoadLabels reads a class-label file: one label per line, line i naming
// class index i (TFLite's labels_mobilenet_quant_v1_224.txt convention, line
// 0 = "background"). Surrounding spaces and CR line endings are dropped,
// trailing empty lines ignored; an interior empty line is an error because it
// would shift every later class. Only a regular file of at most
// MaxLabelsBytes is read (fileio.ReadFile): a device, a FIFO or a directory
// is refused without reading from it.
func LoadLabels(path string) ([]string, error) {
	data, err := fileio.ReadFile(path, "labels", MaxLabelsBytes)
	if err != nil {
		return nil, err
	}
	labels, err := parseLabels(string(data))
	if err != nil {
		return nil, fmt.Errorf("load labels %s: %w", path, err)
	}
	return labels, nil
}

func parseLabels(s string) ([]string, error) {
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("no labels")
	}
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
		if lines[i] == "" {
			return nil, fmt.Errorf("line %d is empty", i+1)
		}
	}
	return lines, nil
}

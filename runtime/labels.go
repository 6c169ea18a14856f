package runtime

import (
	"fmt"
	"os"
	"strings"
)

// LoadLabels reads a class-label file: one label per line, line i naming
// class index i (TFLite's labels_mobilenet_quant_v1_224.txt convention, line
// 0 = "background"). Surrounding spaces and CR line endings are dropped,
// trailing empty lines ignored; an interior empty line is an error because it
// would shift every later class.
func LoadLabels(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load labels: %w", err)
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

package svgplot

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// WriteFile writes the chart to path atomically: into a temporary file in
// the same directory, then renamed over path.
func WriteFile(path string, c *BarChart) error {
	var buf bytes.Buffer
	if err := c.WriteSVG(&buf); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(buf.Bytes())
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("plot %s: %w", path, werr)
	}
	return nil
}

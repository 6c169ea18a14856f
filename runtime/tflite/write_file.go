package tflite

import (
	"fmt"

	"github.com/edgecam/edgecam/internal/fileio"
)

// WriteFile writes m as a TFLite file at path atomically (fileio.WriteAtomic):
// the model is encoded in memory, written to a temporary file in the same
// directory, synced and renamed over path. On any error path is left as it
// was, so a reader never sees a half-written model; a device, FIFO or
// directory at path is refused, never replaced.
func WriteFile(path string, m *Model) error {
	data, err := marshal(m)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return fileio.WriteAtomic(path, data, 0o644)
}

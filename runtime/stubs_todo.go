package runtime

// Placeholders for the loader, builder and describer (replaced by their real
// files; see docs/ARCHITECTURE.md).

// Load reads and validates a TFLite file.
func Load(path string) (*Model, error) { return nil, errNotYet }

// Parse decodes and validates a TFLite flatbuffer held in memory.
func Parse(data []byte) (*Model, error) { return nil, errNotYet }

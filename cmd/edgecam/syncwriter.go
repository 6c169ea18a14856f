package main

import (
	"io"
	"sync"
)

// syncWriter serialises writes to w. run writes its stderr from several
// goroutines (the log of the MQTT client, of a stream command, of the
// snapshot writer, and the summary), and the writer main or a test gives
// it need not be safe for that.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

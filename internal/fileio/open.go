package fileio

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegular is wrapped by the error for a path that names a device, a
// FIFO, a socket or a directory where a regular file is expected.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file above the size limit of what
// it is read as.
var ErrTooLarge = errors.New("file too large")

// Open opens path for reading and checks that it is a regular file (symbolic
// links are followed). The open itself never blocks: a FIFO without a writer
// is refused, not waited on. what names the file in errors ("model", "image").
func Open(path, what string) (*os.File, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", what, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", what, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s %s: %w (%s)", what, path, ErrNotRegular, kind(fi.Mode()))
	}
	if err := clearNonBlocking(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", what, err)
	}
	return f, nil
}

// ReadFile reads a whole regular file of at most limit bytes. A larger file,
// or one that grows past limit while it is read, is an error wrapping
// ErrTooLarge; nothing beyond limit+1 bytes is ever read or allocated.
func ReadFile(path, what string, limit int64) ([]byte, error) {
	f, err := Open(path, what)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	if fi.Size() > limit {
		return nil, tooLarge(path, what, fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", what, path, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, what, int64(len(data)), limit)
	}
	return data, nil
}

func tooLarge(path, what string, size, limit int64) error {
	return fmt.Errorf("read %s %s: %w: %d bytes, the limit for a %s is %d", what, path, ErrTooLarge, size, what, limit)
}

// kind names a non-regular file mode for error messages.
func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a block device"
	}
	return "mode " + m.String()
}

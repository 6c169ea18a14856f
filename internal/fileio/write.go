package fileio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// WriteAtomic replaces path with data: the bytes go to a temporary file in the
// same directory, which is synced and renamed over path, so a reader (or a
// crash) sees either the old file or the new one, never a part. The target
// must be absent or a regular file (a symbolic link to one is followed and
// the link kept); a device, FIFO or directory is refused, never replaced.
//
// Temporary files are named ".NAME.tmp-PID-RANDOM". A process killed while
// writing cannot remove its own, so each WriteAtomic first removes the ones
// for the same target whose process no longer exists.
func WriteAtomic(path string, data []byte, perm os.FileMode) (err error) {
	path, err = writableTarget(path)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStaleTemps(dir, base)
	f, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename durable; syncing a directory is not supported on
	// every file system, so its failure is ignored.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// CheckWritable reports, before any work is done, whether WriteAtomic could
// replace path: it must be absent or a regular file.
func CheckWritable(path string) error {
	_, err := writableTarget(path)
	return err
}

// writableTarget resolves a symbolic link and refuses non-regular targets.
func writableTarget(path string) (string, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return path, nil
	case err != nil:
		return "", fmt.Errorf("write %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return "", fmt.Errorf("write %s: %w (%s); refusing to replace it", path, ErrNotRegular, kind(fi.Mode()))
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return real, nil
}

func tempPrefix(base string) string { return "." + base + ".tmp-" }

// removeStaleTemps removes the temporary files of earlier writes of base
// whose writing process is gone.
func removeStaleTemps(dir, base string) {
	matches, _ := filepath.Glob(filepath.Join(dir, globEscape(tempPrefix(base))+"*"))
	for _, m := range matches {
		rest := strings.TrimPrefix(filepath.Base(m), tempPrefix(base))
		pidStr, _, ok := strings.Cut(rest, "-")
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(pidStr)
		if err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() {
			os.Remove(m)
		}
	}
}

// globEscape escapes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

package snapshots

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"
)

// DefaultQuality is the JPEG quality used when Config.Quality is 0.
const DefaultQuality = 85

// ErrTooLarge is wrapped by the error for a snapshot that alone is larger
// than the directory's bound; it is not written.
var ErrTooLarge = errors.New("snapshot larger than the bound")

// Config says where snapshots go and how much room they may take.
type Config struct {
	Dir      string // created (mode 0755) if absent
	MaxBytes int64  // bound on the total size of this package's files in Dir, > 0
	Quality  int    // JPEG quality 1..100; 0 means DefaultQuality
}

// Store writes snapshots into one directory and keeps the total size of the
// snapshot files there (those named as Store names them, including ones left
// by earlier runs) at most MaxBytes, removing the oldest first. Other files
// in the directory are neither counted nor touched. One Store should own a
// directory: files another process adds meanwhile are not counted. A Store
// is safe for concurrent use.
type Store struct {
	dir     string
	max     int64
	quality int

	mu    sync.Mutex
	files []snapFile // oldest first
	total int64
	buf   bytes.Buffer
}

type snapFile struct {
	name string
	size int64
}

// nameRE matches the names Store gives: edgecam-TIME-LABEL[-N].jpg with TIME
// in UTC to the millisecond, so that names sort in time order.
var nameRE = regexp.MustCompile(`^edgecam-[0-9]{8}T[0-9]{6}\.[0-9]{3}Z-[a-z0-9_]{1,40}(-[0-9]+)?\.jpg$`)

const timeLayout = "20060102T150405.000Z"

// Open prepares cfg.Dir, counts the snapshot files already there and removes
// the oldest of them if they exceed the bound.
func Open(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("snapshots: no directory")
	}
	if cfg.MaxBytes <= 0 {
		return nil, fmt.Errorf("snapshots: bound %d bytes is not positive", cfg.MaxBytes)
	}
	q := cfg.Quality
	if q == 0 {
		q = DefaultQuality
	}
	if q < 1 || q > 100 {
		return nil, fmt.Errorf("snapshots: JPEG quality %d is outside 1..100", cfg.Quality)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	ents, err := os.ReadDir(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots: %w", err)
	}
	s := &Store{dir: cfg.Dir, max: cfg.MaxBytes, quality: q}
	for _, e := range ents {
		if !e.Type().IsRegular() || !nameRE.MatchString(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("snapshots: %w", err)
		}
		s.files = append(s.files, snapFile{e.Name(), fi.Size()})
		s.total += fi.Size()
	}
	slices.SortFunc(s.files, func(a, b snapFile) int { return compareNames(a.name, b.name) })
	if err := s.makeRoom(0); err != nil {
		return nil, err
	}
	return s, nil
}

// Dir returns the snapshot directory.
func (s *Store) Dir() string { return s.dir }

// Usage returns how many snapshot files the directory holds and their total
// size in bytes, as the Store counts them.
func (s *Store) Usage() (files int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.total
}

// Snapshot draws label and boxes on frame (see Annotate), encodes it as a
// JPEG and saves it (see Save).
func (s *Store) Snapshot(t time.Time, label string, frame image.Image, boxes []Box) (string, error) {
	return s.Save(t, label, Annotate(frame, label, boxes))
}

// Save encodes img as a JPEG and writes it atomically as
// Dir/edgecam-TIME-LABEL.jpg (TIME is t in UTC to the millisecond, LABEL the
// label in lower case with anything but letters and digits turned into _; a
// -N suffix keeps names unique). Before writing, the oldest snapshots are
// removed until the new one fits under the bound, so the bound holds after
// every call; a snapshot larger than the bound by itself is refused with
// ErrTooLarge. It returns the path written.
func (s *Store) Save(t time.Time, label string, img image.Image) (string, error) {
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return "", fmt.Errorf("snapshots: time %v is outside the years 1..9999 a file name can hold", t)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Reset()
	if err := jpeg.Encode(&s.buf, img, &jpeg.Options{Quality: s.quality}); err != nil {
		return "", fmt.Errorf("snapshots: encode: %w", err)
	}
	data := s.buf.Bytes()
	size := int64(len(data))
	if size > s.max {
		return "", fmt.Errorf("snapshots: %w: %d bytes, the bound is %d", ErrTooLarge, size, s.max)
	}
	if err := s.makeRoom(size); err != nil {
		return "", err
	}
	name := s.uniqueName(t, label)
	path := filepath.Join(s.dir, name)
	if err := fileio.WriteAtomic(path, data, 0o644); err != nil {
		return "", fmt.Errorf("snapshots: %w", err)
	}
	s.files = append(s.files, snapFile{name, size})
	s.total += size
	return path, nil
}

// makeRoom removes the oldest snapshots until size more bytes fit under the
// bound (lock held). A file already gone counts as removed.
func (s *Store) makeRoom(size int64) error {
	for len(s.files) > 0 && s.total+size > s.max {
		f := s.files[0]
		if err := os.Remove(filepath.Join(s.dir, f.name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("snapshots: make room under the %d-byte bound: %w", s.max, err)
		}
		s.files = slices.Delete(s.files, 0, 1)
		s.total -= f.size
	}
	return nil
}

// uniqueName names a snapshot of label taken at t, not yet used (lock held).
func (s *Store) uniqueName(t time.Time, label string) string {
	base := "edgecam-" + t.UTC().Format(timeLayout) + "-" + slug(label)
	name := base + ".jpg"
	for n := 2; s.has(name); n++ {
		name = base + "-" + strconv.Itoa(n) + ".jpg"
	}
	return name
}

// has reports whether name is a known snapshot; only the newest few can
// share a time stamp, so the search starts from the end.
func (s *Store) has(name string) bool {
	for i := len(s.files) - 1; i >= 0; i-- {
		if s.files[i].name == name {
			return true
		}
	}
	return false
}

// compareNames orders snapshot names by time, then label, then the -N
// suffix (none counts as 1, so x.jpg < x-2.jpg < x-10.jpg).
func compareNames(a, b string) int {
	ab, an := splitSuffix(a)
	bb, bn := splitSuffix(b)
	if c := strings.Compare(ab, bb); c != 0 {
		return c
	}
	return an - bn
}

// splitSuffix splits a snapshot name into its part before the -N suffix and
// N (1 without a suffix).
func splitSuffix(name string) (string, int) {
	base := strings.TrimSuffix(name, ".jpg")
	if i := strings.LastIndexByte(base, '-'); i > 0 {
		if n, err := strconv.Atoi(base[i+1:]); err == nil {
			return base[:i], n
		}
	}
	return base, 1
}

// slug turns a label into the file name part: lower-case letters and digits,
// runs of anything else as one _, at most 40 bytes, "label" when empty.
func slug(label string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(label) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		return "label"
	}
	return out
}

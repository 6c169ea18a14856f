package snapshots

import (
	"errors"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/events"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// noiseImage is an image that JPEG cannot compress much.
func noiseImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	x := uint32(1)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x)
	}
	return img
}

// fastTempDir is a temporary directory on tmpfs (/dev/shm) when there is
// one: WriteAtomic syncs every file and its directory, which on a disk makes
// 10,000 writes take a minute while the bound logic under test is the same.
func fastTempDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "edgecam-snapshots-test-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	return t.TempDir()
}

// dirUsage returns the snapshot files in dir (by Store's naming) and their
// total size, read from the directory itself.
func dirUsage(t testing.TB, dir string) ([]string, int64) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var total int64
	for _, e := range ents {
		if !e.Type().IsRegular() || !nameRE.MatchString(e.Name()) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, e.Name())
		total += fi.Size()
	}
	return names, total
}

// 10,000 snapshots from a stream of frequent events (a label flapping every
// frame): after every write the directory holds at most the bound, and at
// the end exactly the newest snapshots are left.
func TestTenThousandWritesStayUnderBound(t *testing.T) {
	const writes, bound = 10000, 24 << 10
	dir := fastTempDir(t)
	s, err := Open(Config{Dir: dir, MaxBytes: bound})
	if err != nil {
		t.Fatal(err)
	}
	d, err := events.New(events.Config{Labels: []string{"tabby cat", "dog"}, MinScore: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	frame := grayImage(32, 24)
	var paths []string
	var maxSeen int64
	for i := 0; len(paths) < writes; i++ {
		now := t0.Add(time.Duration(i) * 7 * time.Millisecond)
		on := float32(0.1)
		if i%2 == 0 {
			on = 0.9
		}
		evs, err := d.Update(now, []float32{on, 1 - on})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Kind != events.Start || len(paths) == writes {
				continue
			}
			p, err := s.Snapshot(e.Time, e.Label, frame, []Box{{XMin: 0.2, YMin: 0.2, XMax: 0.8, YMax: 0.8}})
			if err != nil {
				t.Fatalf("write %d: %v", len(paths), err)
			}
			paths = append(paths, p)
			names, total := dirUsage(t, dir)
			n, counted := s.Usage()
			if total > bound || total != counted || len(names) != n {
				t.Fatalf("after write %d: directory holds %d files, %d bytes; store counts %d, %d; bound %d",
					len(paths), len(names), total, n, counted, bound)
			}
			maxSeen = max(maxSeen, total)
		}
	}
	names, total := dirUsage(t, dir)
	var newest []string
	for _, p := range paths[len(paths)-len(names):] {
		newest = append(newest, filepath.Base(p))
	}
	if !sameSet(names, newest) {
		t.Errorf("the %d files left are not the newest written:\n got %v\nwant %v", len(names), names, newest)
	}
	if len(names) < 2 || maxSeen < bound*3/4 {
		t.Errorf("only %d files, at most %d bytes, kept under a %d-byte bound: eviction too eager", len(names), maxSeen, bound)
	}
	if got := len(uniq(paths)); got != writes {
		t.Errorf("%d distinct paths for %d writes", got, writes)
	}
	t.Logf("%d writes, %d files (%d bytes) left, largest total seen %d, bound %d", writes, len(names), total, maxSeen, bound)
}

func sameSet(a, b []string) bool {
	return slices.Equal(uniq(a), uniq(b)) && len(a) == len(b)
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// Snapshot files left by an earlier run count against the bound from the
// start; the oldest go first; other files are left alone.
func TestOpenCountsExistingFiles(t *testing.T) {
	dir := t.TempDir()
	old := []string{
		"edgecam-20250101T000000.000Z-cat.jpg",
		"edgecam-20250101T000001.000Z-dog.jpg",
		"edgecam-20250101T000001.000Z-dog-2.jpg",
		"edgecam-20250102T000000.000Z-cat.jpg",
	}
	foreign := []string{"notes.txt", "edgecam-latest.jpg", "EDGECAM-20250101T000000.000Z-cat.jpg", "edgecam-20250101T000000.000Z-cat.jpg.bak"}
	for _, n := range append(slices.Clone(old), foreign...) {
		if err := os.WriteFile(filepath.Join(dir, n), make([]byte, 1000), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "edgecam-20240101T000000.000Z-dir.jpg"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Open(Config{Dir: dir, MaxBytes: 2500})
	if err != nil {
		t.Fatal(err)
	}
	if n, b := s.Usage(); n != 2 || b != 2000 {
		t.Errorf("after Open: %d files, %d bytes; want 2, 2000", n, b)
	}
	names, _ := dirUsage(t, dir)
	if want := []string{old[2], old[3]}; !sameSet(names, want) {
		t.Errorf("after Open the snapshots are %v, want %v", names, want)
	}
	for _, n := range foreign {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("foreign file %s: %v", n, err)
		}
	}
	// A new snapshot pushes out the older of the two.
	p, err := s.Save(t0, "cat", grayImage(16, 16))
	if err != nil {
		t.Fatal(err)
	}
	names, total := dirUsage(t, dir)
	if want := []string{filepath.Base(p), old[3]}; !sameSet(names, want) || total > 2500 {
		t.Errorf("after a write: %v (%d bytes), want %v", names, total, want)
	}
}

func TestSaveNamesAndContent(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Config{Dir: filepath.Join(dir, "new", "sub"), MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 6, 1, 14, 3, 4, 567890000, time.FixedZone("CEST", 2*3600))
	var got []string
	for _, label := range []string{"Tabby, tabby cat", "Tabby, tabby cat", "tabby tabby-cat", "", "   ***  "} {
		p, err := s.Save(at, label, grayImage(40, 30))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, filepath.Base(p))
	}
	want := []string{
		"edgecam-20250601T120304.567Z-tabby_tabby_cat.jpg",
		"edgecam-20250601T120304.567Z-tabby_tabby_cat-2.jpg",
		"edgecam-20250601T120304.567Z-tabby_tabby_cat-3.jpg",
		"edgecam-20250601T120304.567Z-label.jpg",
		"edgecam-20250601T120304.567Z-label-2.jpg",
	}
	if !slices.Equal(got, want) {
		t.Errorf("names:\n got %v\nwant %v", got, want)
	}
	f, err := os.Open(filepath.Join(s.Dir(), got[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := jpeg.Decode(f)
	if err != nil {
		t.Fatalf("snapshot is not a JPEG: %v", err)
	}
	if img.Bounds() != image.Rect(0, 0, 40, 30) {
		t.Errorf("snapshot is %v, want 40x30", img.Bounds())
	}
	r, g, b, _ := img.At(20, 5).RGBA()
	if d := max(r>>8, g>>8, b>>8) - min(r>>8, g>>8, b>>8); d > 4 || r>>8 < 110 || r>>8 > 130 {
		t.Errorf("snapshot pixel (20,5) = %d,%d,%d, want about gray 120", r>>8, g>>8, b>>8)
	}
	long := strings.Repeat("x", 100)
	if got := slug(long); len(got) != 40 || !nameRE.MatchString("edgecam-20250601T120304.567Z-"+got+".jpg") {
		t.Errorf("slug of a 100-byte label = %q", got)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{MaxBytes: 1}, "no directory"},
		{Config{Dir: dir}, "bound 0 bytes is not positive"},
		{Config{Dir: dir, MaxBytes: 10, Quality: 101}, "quality 101 is outside 1..100"},
		{Config{Dir: file, MaxBytes: 10}, "not a directory"},
	} {
		if _, err := Open(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%+v) = %v, want an error containing %q", tc.cfg, err, tc.want)
		}
	}
	s, err := Open(Config{Dir: dir, MaxBytes: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(t0, "cat", noiseImage(64, 64)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a snapshot above the bound: %v, want ErrTooLarge", err)
	}
	if _, err := s.Save(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), "cat", grayImage(4, 4)); err == nil || !strings.Contains(err.Error(), "years 1..9999") {
		t.Errorf("a time past year 9999: %v", err)
	}
	if names, _ := dirUsage(t, dir); len(names) != 0 {
		t.Errorf("refused snapshots left files %v", names)
	}
	// A snapshot removed by someone else is simply forgotten.
	p, err := s.Save(t0, "cat", grayImage(4, 4))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	for i := range 5 {
		if _, err := s.Save(t0.Add(time.Duration(i+1)*time.Second), "cat", grayImage(4, 4)); err != nil {
			t.Fatalf("write %d after an outside removal: %v", i, err)
		}
	}
	if _, b := dirUsage(t, dir); b > 3000 {
		t.Errorf("directory holds %d bytes, bound 3000", b)
	}
}

func TestCompareNames(t *testing.T) {
	names := []string{
		"edgecam-20250101T000001.000Z-dog-10.jpg",
		"edgecam-20250101T000001.000Z-dog-2.jpg",
		"edgecam-20250101T000002.000Z-cat.jpg",
		"edgecam-20250101T000001.000Z-dog.jpg",
		"edgecam-20241231T235959.999Z-zebra.jpg",
	}
	slices.SortFunc(names, compareNames)
	want := []string{
		"edgecam-20241231T235959.999Z-zebra.jpg",
		"edgecam-20250101T000001.000Z-dog.jpg",
		"edgecam-20250101T000001.000Z-dog-2.jpg",
		"edgecam-20250101T000001.000Z-dog-10.jpg",
		"edgecam-20250101T000002.000Z-cat.jpg",
	}
	if !slices.Equal(names, want) {
		t.Errorf("sorted:\n got %v\nwant %v", names, want)
	}
}

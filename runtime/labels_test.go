package runtime

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/internal/fileio"

	"github.com/edgecam/edgecam/internal/fixtures"
)

func TestLoadLabels(t *testing.T) {
	for _, f := range []string{"labels.txt", "imagenet_labels_full.txt"} {
		l, err := LoadLabels(fixtures.Path(t, "models/"+f))
		if err != nil {
			t.Fatalf("LoadLabels(%s): %v", f, err)
		}
		if len(l) != 1001 || l[0] != "background" || !strings.HasPrefix(l[1], "tench") || !strings.HasPrefix(l[1000], "toilet tissue") {
			t.Errorf("%s: %d labels, [0]=%q [1]=%q [1000]=%q", f, len(l), l[0], l[1], l[1000])
		}
	}
}

func TestParseLabels(t *testing.T) {
	got, err := parseLabels("background\r\n tench \r\ngoldfish\n\n\n")
	if err != nil || !slices.Equal(got, []string{"background", "tench", "goldfish"}) {
		t.Errorf("parseLabels = %q, %v; want [background tench goldfish]", got, err)
	}
	for _, bad := range []string{"", "\n\n", "a\n\nb\n"} {
		if l, err := parseLabels(bad); err == nil {
			t.Errorf("parseLabels(%q) = %q, want an error", bad, l)
		}
	}
}

// TestLoadLabelsRefusesSpecialFiles checks that a device (also behind a
// symbolic link), a FIFO without a writer, a directory and a file above
// MaxLabelsBytes are refused at once with an error naming the labels.
func TestLoadLabelsRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.txt")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/dev/zero", link, dir}
	fifo := filepath.Join(dir, "fifo.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		paths = append(paths, fifo)
	} else {
		t.Logf("no FIFO case: mkfifo: %v", err)
	}
	for _, p := range paths {
		done := make(chan error, 1)
		go func() { _, err := LoadLabels(p); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, fileio.ErrNotRegular) || !strings.Contains(err.Error(), "labels") {
				t.Errorf("LoadLabels(%s) = %v, want ErrNotRegular naming the labels", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("LoadLabels(%s) blocked", p)
		}
	}
	big := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(big, []byte(strings.Repeat("label\n", MaxLabelsBytes/6+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadLabels(big); !errors.Is(err, fileio.ErrTooLarge) || !strings.Contains(err.Error(), big) {
		t.Errorf("LoadLabels of a file above %d bytes = %v, want ErrTooLarge naming it", MaxLabelsBytes, err)
	}
	if _, err := LoadLabels(filepath.Join(dir, "none.txt")); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "none.txt") {
		t.Errorf("LoadLabels(missing) = %v, want a not-exist error naming the file", err)
	}
}

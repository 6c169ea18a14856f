package board

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// loadFixture reads testdata/board/<name> into a MapFS, unescaping %3A in
// paths (":" is not allowed in Go module file names).
func loadFixture(t *testing.T, name string) fstest.MapFS {
	t.Helper()
	root := filepath.Join("..", "testdata", "board", name)
	m := fstest.MapFS{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		key, err := url.PathUnescape(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m[key] = &fstest.MapFile{Data: data, Mode: 0o444}
		return nil
	})
	if err != nil {
		t.Fatalf("load fixture %s: %v", name, err)
	}
	if len(m) == 0 {
		t.Fatalf("fixture %s is empty", name)
	}
	return m
}

// fixtureSource is a Source over a captured fixture with fixed program facts.
func fixtureSource(t *testing.T, name, goarch, machine string, features map[string]bool) Source {
	return Source{
		FS: loadFixture(t, name), GOOS: "linux", GOARCH: goarch, UserBits: MachineBits(machine),
		Uname:    func() (string, string, error) { return machine, "6.6.31+rpt-rpi-v8", nil },
		Features: func() map[string]bool { return features },
	}
}

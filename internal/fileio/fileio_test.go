package fileio

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestReadFileRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.bin")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(p, "model", 5)
	if err != nil || string(got) != "hello" {
		t.Fatalf("ReadFile = %q, %v; want hello", got, err)
	}
	if _, err := ReadFile(p, "model", 4); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("limit 4: err = %v, want ErrTooLarge", err)
	}
}

func TestRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "zero-link")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/dev/zero", link, fifo, dir} {
		done := make(chan error, 1)
		go func() { _, err := ReadFile(p, "image", 1<<20); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: err = %v, want ErrNotRegular", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ReadFile blocked", p)
		}
	}
}

func TestWriteAtomicReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.tflite")
	for _, s := range []string{"first", "second"} {
		if err := WriteAtomic(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(p); string(got) != s {
			t.Fatalf("content %q, want %q", got, s)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("%d entries left in the directory, want 1", len(ents))
	}
}

func TestWriteAtomicRefusesNonRegular(t *testing.T) {
	for _, p := range []string{"/dev/null", t.TempDir()} {
		if err := WriteAtomic(p, []byte("x"), 0o644); !errors.Is(err, ErrNotRegular) {
			t.Errorf("%s: err = %v, want ErrNotRegular", p, err)
		}
		if err := CheckWritable(p); !errors.Is(err, ErrNotRegular) {
			t.Errorf("CheckWritable(%s) = %v, want ErrNotRegular", p, err)
		}
	}
}

func TestWriteAtomicFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	target, link := filepath.Join(dir, "real"), filepath.Join(dir, "link")
	os.WriteFile(target, []byte("old"), 0o644)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteAtomic(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symbolic link was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Fatalf("target holds %q, want new", got)
	}
}

// A temporary file left by a killed writer is removed by the next write; one
// of a live process is kept.
func TestWriteAtomicRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "q.tflite")
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	dead := filepath.Join(dir, ".q.tflite.tmp-"+strconv.Itoa(cmd.Process.Pid)+"-123")
	live := filepath.Join(dir, ".q.tflite.tmp-1-456") // pid 1 always exists
	other := filepath.Join(dir, ".other.tmp-"+strconv.Itoa(cmd.Process.Pid)+"-1")
	for _, f := range []string{dead, live, other} {
		os.WriteFile(f, []byte("partial"), 0o600)
	}
	if err := WriteAtomic(p, []byte("ok"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dead); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp of a dead writer survived: %v", err)
	}
	for _, f := range []string{live, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: %v", f, err)
		}
	}
}

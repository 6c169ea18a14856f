//go:build unix

package camera

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer is a log destination the stream's goroutines and the test
// share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A command whose output ends is started again: its frames keep coming, in
// order, across the restarts, and its end is logged with its exit status
// and the end of its standard error.
func TestCommandRestartsWhenItEnds(t *testing.T) {
	frames := patternFrames(t, FormatI420, 16, 12, 2)
	file := filepath.Join(t.TempDir(), "two.i420")
	if err := os.WriteFile(file, bytes.Join(frames, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"sh", "-c", `cat "$0"; echo "done with $0" >&2; exit 3`, file}
	s, err := NewCommand(args, Config{Format: FormatI420, Width: 16, Height: 12})
	if err != nil {
		t.Fatal(err)
	}
	var log lockedBuffer
	s.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s.MinBackoff = 10 * time.Millisecond
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, bad, end := nextAll(t, s, 7)
	if end != nil || len(bad) != 0 || len(got) != 7 {
		t.Fatalf("%d frames, %d bad, end %v; want 7 frames", len(got), len(bad), end)
	}
	for i, g := range got {
		if !bytes.Equal(g, frames[i%2]) {
			t.Errorf("frame %d is not frame %d of the command's output", i+1, i%2+1)
		}
	}
	if n := s.Restarts(); n < 3 {
		t.Errorf("%d restarts for 7 frames of a 2-frame command, want at least 3", n)
	}
	for _, want := range []string{"stream command ended; starting it again", "exit status 3", "done with " + file, `source="exec sh"`} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

// alive reports whether pid is a live process (a zombie is not).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !errors.Is(err, os.ErrNotExist) && !strings.HasPrefix(err.Error(), "open /proc") // no /proc (macOS): trust kill
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// Close ends the command and everything it started (its process group),
// even a child that keeps the output open.
func TestCommandCloseKillsProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pids := filepath.Join(dir, "pids")
	frames := filepath.Join(dir, "frames.rgb24")
	if err := os.WriteFile(frames, make([]byte, 3*4*4*3), 0o644); err != nil {
		t.Fatal(err)
	}
	// The shell starts a child that holds stdout open and sleeps, writes
	// both pids, sends three frames and waits.
	script := `sleep 300 & echo $$ $! >"$0"; cat "$1"; wait`
	s, err := NewCommand([]string{"sh", "-c", script, pids, frames}, Config{Format: FormatRGB24, Width: 4, Height: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _, _ := nextAll(t, s, 3)
	if len(got) != 3 {
		t.Fatalf("%d frames, want 3", len(got))
	}
	b, err := os.ReadFile(pids)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for _, f := range strings.Fields(string(b)) {
		id, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 2 || !alive(ids[0]) || !alive(ids[1]) {
		t.Fatalf("pids %v: want the shell and its sleeping child, both running", ids)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		for attempt := 0; alive(id); attempt++ {
			if attempt == 400 {
				t.Fatalf("process %d still runs after Close", id)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if s.Restarts() != 0 {
		t.Errorf("%d restarts after Close, want 0", s.Restarts())
	}
}

func TestCommandThatCannotStart(t *testing.T) {
	s, err := NewCommand([]string{"edgecam-no-such-program", "-o", "-"}, Config{Format: FormatMJPEG})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Open(context.Background())
	if err == nil || !strings.Contains(err.Error(), "edgecam-no-such-program") {
		t.Fatalf("Open = %v, want an error naming the program", err)
	}
}

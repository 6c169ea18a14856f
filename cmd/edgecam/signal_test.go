package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edgecam/edgecam/runtime/tflite"
)

// TestMain lets a test run the real main in a child process: with
// EDGECAM_TEST_MAIN=1 the test binary is edgecam itself.
func TestMain(m *testing.M) {
	if os.Getenv("EDGECAM_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// exitRecorder stands in for os.Exit.
type exitRecorder chan int

func (e exitRecorder) exit(code int) { e <- code }

func TestExitOnSignalAfterGrace(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	ctx, cancel := context.WithCancel(context.Background())
	exits := make(exitRecorder, 1)
	var stderr syncBuffer
	go exitOnSignal(sigs, cancel, &stderr, time.Millisecond, exits.exit)
	sigs <- syscall.SIGINT
	<-ctx.Done() // the command is asked to stop first
	if code := <-exits; code != 130 {
		t.Errorf("exit code %d after SIGINT, want 130", code)
	}
	if !strings.Contains(stderr.String(), "exiting without waiting") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestExitOnSecondSignal(t *testing.T) {
	sigs := make(chan os.Signal, 2)
	ctx, cancel := context.WithCancel(context.Background())
	exits := make(exitRecorder, 1)
	go exitOnSignal(sigs, cancel, &syncBuffer{}, time.Hour, exits.exit)
	sigs <- syscall.SIGTERM
	<-ctx.Done()
	select {
	case code := <-exits:
		t.Fatalf("exited (%d) before the grace period or a second signal", code)
	default:
	}
	sigs <- syscall.SIGTERM
	if code := <-exits; code != 143 {
		t.Errorf("exit code %d after SIGTERM, want 143", code)
	}
}

// TestSignalsEndCommands runs edgecam as a child process, waits until each
// command is busy in its main loop, then signals it: the command must stop
// by itself (its own status and summary, not the forced exit of
// exitOnSignal).
func TestSignalsEndCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	model := builtFloatModel(t, tflite.Float32)
	out := t.TempDir() + "/q.tflite"
	cases := []struct {
		name   string
		args   []string
		sig    syscall.Signal
		busy   string // output that shows the main loop is running
		code   int
		stderr string
	}{
		{"run SIGINT", []string{"run", "-model", model, "-source", "synthetic", "-size", "64x48", "-fps", "0"}, syscall.SIGINT, `"seq":`, 0, "edgecam run: "},
		{"run -http SIGTERM", []string{"run", "-model", model, "-source", "synthetic", "-size", "64x48", "-fps", "0", "-http", "127.0.0.1:0"}, syscall.SIGTERM, `"seq":`, 0, "edgecam run: "},
		{"quantize SIGTERM", []string{"quantize", "-model", model, "-calib", "synthetic", "-frames", "100000000", "-out", out}, syscall.SIGTERM, "calibrating", 1, "not written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], c.args...)
			// A race-enabled binary sleeps a second in os.Exit unless told
			// not to, which would count against the grace period.
			cmd.Env = append(os.Environ(), "EDGECAM_TEST_MAIN=1", "GORACE=atexit_sleep_ms=0")
			var stdout, stderr syncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			for attempt := 0; !strings.Contains(stdout.String()+stderr.String(), c.busy); attempt++ {
				if attempt == 1000 {
					t.Fatalf("never busy:\n%s", stderr.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				code := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					code = ee.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				if code != c.code || !strings.Contains(stderr.String(), c.stderr) || strings.Contains(stderr.String(), "without waiting") {
					t.Errorf("exit %d, stderr:\n%s\nwant exit %d mentioning %q, and a clean stop", code, stderr.String(), c.code, c.stderr)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running after %v:\n%s", c.sig, stderr.String())
			}
		})
	}
}

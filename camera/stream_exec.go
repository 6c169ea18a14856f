package camera

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// SplitCommand splits the text of an exec: source into the program and its
// arguments the way a shell splits a simple command: at blanks outside
// quotes; '...' taken literally; "..." with \" \\ \$ and \` as escapes; a
// backslash outside quotes escaping the next character. Nothing is
// expanded and there are no pipes or redirections: the program is run
// directly, not by a shell (write `sh -c '...'` for one).
func SplitCommand(s string) ([]string, error) {
	var (
		args  []string
		cur   strings.Builder
		inArg bool
		quote byte // 0, '\'' or '"'
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0:
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(c)
			}
		case c == ' ' || c == '\t' || c == '\n':
			if inArg {
				args = append(args, cur.String())
				cur.Reset()
				inArg = false
			}
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("command %q ends with a lone backslash", s)
			}
			i++
			cur.WriteByte(s[i])
			inArg = true
		case c == '\'' || c == '"':
			quote = c
			inArg = true
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("command %q has an unterminated %c quote", s, quote)
	}
	if inArg {
		args = append(args, cur.String())
	}
	if len(args) == 0 || args[0] == "" {
		return nil, fmt.Errorf("command %q names no program", s)
	}
	return args, nil
}

// NewCommand returns a Source of the frames a command writes on its
// standard output, such as `rpicam-vid -t 0 --codec yuv420 -o -`. args is
// the program and its arguments (see SplitCommand). cfg is as for NewPipe.
//
// The command runs in a process group of its own with no standard input;
// its standard error goes to Log. When its output ends it is waited for and
// started again (see Stream). Close ends the whole group: SIGTERM, then
// SIGKILL. On Linux the command also gets SIGKILL if edgecam dies without
// closing it (PR_SET_PDEATHSIG), so that a camera is never left held by an
// orphan.
func NewCommand(args []string, cfg Config) (*Stream, error) {
	if len(args) == 0 || args[0] == "" {
		return nil, errors.New("camera: exec: no command")
	}
	name := "exec " + filepath.Base(args[0])
	if err := checkStreamConfig(cfg); err != nil {
		return nil, fmt.Errorf("camera: %s: %w", name, err)
	}
	s := &Stream{name: name, cfg: cfg, again: true}
	args = append([]string(nil), args...)
	s.start = func() (producer, error) {
		p, err := startCommand(args, s.Log)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	return s, nil
}

// Waits of a command's end.
const (
	// commandKillGrace is how long a command has to end after SIGTERM
	// before its group gets SIGKILL.
	commandKillGrace = 300 * time.Millisecond
	// commandExitWait is how long a command whose output has ended has to
	// exit by itself before it is killed.
	commandExitWait = 2 * time.Second
	// stderrTail is how much of a command's standard error is kept for the
	// message about its end.
	stderrTail = 1024
)

// commandProcess is one run of a command: its output pipe and its end.
type commandProcess struct {
	cmd    *exec.Cmd
	out    *os.File // read end of the command's standard output
	stderr *tailWriter
	exited chan struct{} // closed once Wait has returned
	err    error         // Wait's result, valid once exited is closed
	once   sync.Once
}

func startCommand(args []string, log *slog.Logger) (*commandProcess, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout = w // an *os.File: the command writes straight into the pipe
	tail := &tailWriter{log: log, program: filepath.Base(args[0])}
	cmd.Stderr = tail
	cmd.WaitDelay = time.Second // bounds Wait when a descendant keeps stderr open
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("start: %w", err)
	}
	w.Close() // the command holds its own copy: EOF once it (and its children) close it
	p := &commandProcess{cmd: cmd, out: r, stderr: tail, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *commandProcess) Read(b []byte) (int, error) { return p.out.Read(b) }

// wait waits for the command to exit after its output ended (killing it
// if it lingers), ends what is left of its process group and says how it
// ended.
func (p *commandProcess) wait() string {
	select {
	case <-p.exited:
	case <-time.After(commandExitWait):
		p.kill()
	}
	p.finish()
	how := "exit status 0"
	if p.err != nil {
		how = p.err.Error()
	}
	if t := p.stderr.String(); t != "" {
		how += "; stderr: " + t
	}
	return how
}

// kill ends the command's process group now: SIGTERM, then SIGKILL.
func (p *commandProcess) kill() error {
	signalGroup(p.cmd, groupTerminate)
	t := time.NewTimer(commandKillGrace)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
	}
	p.finish()
	select {
	case <-p.exited:
		return nil
	case <-time.After(commandExitWait):
		return fmt.Errorf("camera: exec %s (pid %d) did not end after SIGKILL", p.cmd.Path, p.cmd.Process.Pid)
	}
}

// finish kills whatever is left in the command's process group (children
// that outlived it) and closes the output pipe, once.
func (p *commandProcess) finish() {
	p.once.Do(func() {
		signalGroup(p.cmd, groupKill)
		go func() { // close once the process is gone, without holding up the caller
			<-p.exited
			p.out.Close()
		}()
	})
}

// tailWriter keeps the end of a command's standard error and logs its
// lines at debug level.
type tailWriter struct {
	log     *slog.Logger
	program string

	mu   sync.Mutex
	tail []byte
	line []byte
}

func (w *tailWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.tail = append(w.tail, b...)
	if len(w.tail) > stderrTail {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-stderrTail:]...)
	}
	if w.log != nil {
		w.line = append(w.line, b...)
		for {
			i := bytes.IndexByte(w.line, '\n')
			if i < 0 {
				break
			}
			w.log.Debug("stream command stderr", "program", w.program, "line", string(bytes.TrimRight(w.line[:i], "\r")))
			w.line = w.line[i+1:]
		}
		if len(w.line) > stderrTail { // a very long line: log what there is
			w.log.Debug("stream command stderr", "program", w.program, "line", string(w.line))
			w.line = w.line[:0]
		}
	}
	return len(b), nil
}

// String is the kept end of the standard error, its last lines joined by
// " | ".
func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	lines := strings.FieldsFunc(string(w.tail), func(r rune) bool { return r == '\n' || r == '\r' })
	return strings.Join(lines, " | ")
}

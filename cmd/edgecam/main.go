// Command edgecam runs MobileNet image classification and SSD object
// detection on edge boards: from a V4L2 camera or a stream such as
// rpicam-vid's (run, with results to JSON lines, HTTP, GPIO and MQTT for Home
// Assistant), on image files (classify, detect), as a benchmark (bench), and
// it describes models (describe), the machine (info) and quantizes float
// models to int8 (quantize). Without -model, run and classify use the
// MobileNet-V1 built into the binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// command is one subcommand, in the manner of cmd/go's base.Command.
type command struct {
	Name  string
	Short string
	Usage string // argument synopsis after the name
	// Run executes the command. fs has been created but not parsed: Run
	// defines its flags, then calls env.parse(fs, args).
	Run func(ctx context.Context, env *env, args []string) error
}

// env is what a command gets from main: streams, and nothing global.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError marks errors that exit with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// commands is the table of subcommands, in the order `edgecam help` lists them.
var commands = []*command{cmdRun, cmdClassify, cmdDetect, cmdBench, cmdDescribe, cmdInfo, cmdQuantize}

// stopGrace is how long a command has, after the first SIGINT or SIGTERM,
// to return before the process ends without it. Every long loop checks its
// context far more often; this bounds whatever does not (a read or a decode
// in a library), so that the process always ends within a second of the
// signal (issue: a Pi service must stop promptly). It leaves run the time to
// stop an exec: source (commandKillGrace) and to close its outputs
// (closeBudget: the last MQTT events and "offline").
const stopGrace = 950 * time.Millisecond

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go exitOnSignal(sigs, cancel, os.Stderr, stopGrace, os.Exit)
	code := exitCode(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr)
	os.Exit(code)
}

// exitOnSignal cancels the command's context on the first signal; if the
// command has not returned within grace, or a second signal comes, it ends
// the process with status 128+signal, as a shell reports a signal death.
func exitOnSignal(sigs <-chan os.Signal, cancel context.CancelFunc, stderr io.Writer, grace time.Duration, exit func(int)) {
	sig := <-sigs
	cancel()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-sigs:
	case <-t.C:
	}
	fmt.Fprintf(stderr, "edgecam: %v: exiting without waiting for the command to stop\n", sig)
	code := 128 + int(syscall.SIGINT)
	if s, ok := sig.(syscall.Signal); ok {
		code = 128 + int(s)
	}
	exit(code)
}

// exitCode prints err as `edgecam: ...` and maps it to 0, 1 or 2.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "edgecam: %v\n", err)
	var ue *usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// run is main without the process: testable end to end.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printUsage(stderr)
		return usagef("no command given")
	}
	name := args[0]
	if name == "help" || name == "-h" || name == "-help" || name == "--help" {
		printUsage(stdout)
		return nil
	}
	for _, c := range commands {
		if c.Name == name {
			return c.Run(ctx, e, args[1:])
		}
	}
	printUsage(stderr)
	return usagef("unknown command %q", name)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: edgecam <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.Name, c.Short)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'edgecam <command> -h' for a command's flags.")
}

// newFlags returns a FlagSet for c whose errors go to the command's stderr.
func newFlags(c *command, e *env) *flag.FlagSet {
	fs := flag.NewFlagSet("edgecam "+c.Name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: edgecam %s %s\n\n%s\n\nflags:\n", c.Name, c.Usage, c.Short)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	return nil
}

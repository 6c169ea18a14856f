// Command edgecam runs MobileNet-V1 image classification on edge boards:
// from a V4L2 camera (run), on image files (classify), as a benchmark (bench),
// and it describes models (describe), the machine (info) and quantizes float
// models to int8 (quantize).
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
var commands = []*command{cmdRun, cmdClassify, cmdBench, cmdDescribe, cmdInfo, cmdQuantize}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := exitCode(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr)
	stop()
	os.Exit(code)
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

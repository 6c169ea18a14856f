//go:build !unix

package camera

import "os/exec"

// groupSignal stands in for a signal where there are no process groups.
type groupSignal int

const (
	groupTerminate groupSignal = iota
	groupKill
)

// setProcessGroup does nothing: no process groups here.
func setProcessGroup(cmd *exec.Cmd) {}

// signalGroup kills the command itself (its children are not reached).
func signalGroup(cmd *exec.Cmd, _ groupSignal) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

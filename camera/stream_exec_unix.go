//go:build unix

package camera

import (
	"os/exec"
	"syscall"
)

// Signals signalGroup sends.
const (
	groupTerminate = syscall.SIGTERM
	groupKill      = syscall.SIGKILL
)

// signalGroup sends sig to the command's process group (its pid: see
// setProcessGroup). A group already gone is not an error.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, sig)
	}
}

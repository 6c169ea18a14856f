package camera

import (
	"os/exec"
	"syscall"
)

// setProcessGroup starts the command as the leader of a process group of
// its own, so that signalGroup reaches everything it starts, and has the
// kernel kill it if edgecam dies first.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

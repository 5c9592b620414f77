//go:build unix

package browser

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup runs cmd in a process group of its own, so that when the
// suite times out, node and every Chromium it started are stopped together.
// The returned function stops whatever of the group is still running.
func ownProcessGroup(cmd *exec.Cmd) (stopAll func()) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return func() {
		if cmd.Process != nil {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // ESRCH when all have exited: nothing to do
		}
	}
}

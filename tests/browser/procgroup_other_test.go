//go:build !unix

package browser

import "os/exec"

// ownProcessGroup does nothing where there are no process groups.
func ownProcessGroup(cmd *exec.Cmd) (stopAll func()) { return func() {} }

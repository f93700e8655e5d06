//go:build !unix

package interop

import (
	"os/exec"
	"syscall"
	"time"
)

// inGroup, off Unix: no process groups; the process alone is killed.
func inGroup(cmd *exec.Cmd, _ syscall.Signal, grace time.Duration) {
	cmd.Cancel = func() error { return killGroup(cmd, 0) }
	cmd.WaitDelay = grace
}

func ownGroup(*exec.Cmd) {}

func killGroup(cmd *exec.Cmd, _ syscall.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

//go:build unix

package interop

import (
	"os/exec"
	"syscall"
	"time"
)

// inGroup puts cmd, made by exec.CommandContext, in a process group of its
// own and, when the context ends, sends sig to the whole group (a go
// build's compilers too); exec kills the process itself if it has not
// ended after grace.
func inGroup(cmd *exec.Cmd, sig syscall.Signal, grace time.Duration) {
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd, sig) }
	cmd.WaitDelay = grace
}

// ownGroup puts cmd in a process group of its own, for killGroup; on
// Linux the kernel also kills it should the harness die without cleaning
// up (SIGKILL cannot be caught): the last exit path.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setParentDeathSignal(cmd.SysProcAttr)
}

// killGroup sends sig to cmd's process group; a group already gone is not
// an error.
func killGroup(cmd *exec.Cmd, sig syscall.Signal) error {
	if cmd.Process == nil {
		return nil
	}
	if err := syscall.Kill(-cmd.Process.Pid, sig); err != nil && err != syscall.ESRCH {
		return err
	}
	return nil
}

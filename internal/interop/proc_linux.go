package interop

import "syscall"

// setParentDeathSignal has the kernel kill a child when the harness dies.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

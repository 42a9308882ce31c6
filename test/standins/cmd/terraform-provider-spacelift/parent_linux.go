package main

import (
	"os"
	"syscall"
)

// exitWithParent makes the kernel end this process when the process that started it (Pulumi's bridge) ends.
// The bridge is stopped by the engine without shutting its Terraform providers down, and a stand-in must not
// outlive the test that started it (a real provider would linger the same way).
func exitWithParent() {
	parent := os.Getppid()
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0); errno != 0 {
		return
	}
	if os.Getppid() != parent { // the parent died before the signal was armed
		os.Exit(1)
	}
}

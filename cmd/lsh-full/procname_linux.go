package main

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// setProcessName sets the name ps, top and tmux's window names show for
// this process (its comm, otherwise the executable's file name): after lsh
// hands over, a person sees the shell they started, "lsh", not lsh-full.
// The kernel keeps the first 15 bytes.
func setProcessName(name string) {
	p, err := unix.BytePtrFromString(name)
	if err != nil {
		return
	}
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(p)), 0, 0, 0)
}

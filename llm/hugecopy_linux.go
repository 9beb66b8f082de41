package llm

import (
	"runtime"
	"syscall"
)

// idleThread gives the calling goroutine a thread of its own at nice 19,
// for background work that must not slow the foreground. The goroutine
// must end without unlocking: the runtime then discards the thread rather
// than reusing it at that priority.
func idleThread() {
	runtime.LockOSThread()
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}

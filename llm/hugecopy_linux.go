package llm

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

// hugeAlloc maps size bytes of anonymous memory aligned to 2 MiB and
// advised for transparent huge pages, or returns nil when the kernel would
// not back it with them (transparent_hugepage "never") or the mapping fails.
func hugeAlloc(size int) ([]byte, func([]byte)) {
	if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil ||
		strings.Contains(string(mode), "[never]") {
		return nil, nil
	}
	const huge = 2 << 20
	raw, err := syscall.Mmap(-1, 0, size+huge, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, nil
	}
	off := (huge - int(uintptr(unsafe.Pointer(&raw[0])))%huge) % huge
	mem := raw[off : off+size : off+size]
	if err := syscall.Madvise(mem, syscall.MADV_HUGEPAGE); err != nil {
		syscall.Munmap(raw)
		return nil, nil
	}
	return mem, func([]byte) { syscall.Munmap(raw) }
}

// idleThread gives the calling goroutine a thread of its own at nice 19,
// for background work that must not slow the foreground. The goroutine
// must end without unlocking: the runtime then discards the thread rather
// than reusing it at that priority.
func idleThread() {
	runtime.LockOSThread()
	syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}

package llm

import (
	"syscall"
	"unsafe"
)

// madvPopulateRead is Linux 5.14's MADV_POPULATE_READ.
const madvPopulateRead = 22

// populate fills the page tables for the pages holding b (a part of a
// read-only file mapping), and reports whether the kernel could.
func populate(b []byte) bool {
	if len(b) == 0 {
		return true
	}
	page := uintptr(syscall.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	first := start &^ (page - 1)
	end := start + uintptr(len(b))
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, first, end-first, madvPopulateRead)
	return errno == 0
}

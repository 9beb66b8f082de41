package pages

import (
	"syscall"
	"unsafe"
)

// madvPopulateRead and madvPopulateWrite are Linux 5.14's
// MADV_POPULATE_READ and MADV_POPULATE_WRITE.
const (
	madvPopulateRead  = 22
	madvPopulateWrite = 23
)

// PopulateRead fills the page tables for the pages holding b (a part of a
// read-only file mapping), reading into the page cache what it does not
// hold yet, and reports whether the kernel could.
func PopulateRead(b []byte) bool { return madvise(b, madvPopulateRead) }

func populateWrite(b []byte) { madvise(b, madvPopulateWrite) }

// madvise applies advice to the pages holding b.
func madvise(b []byte, advice uintptr) bool {
	if len(b) == 0 {
		return true
	}
	page := uintptr(syscall.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	first := start &^ (page - 1)
	end := start + uintptr(len(b))
	_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, first, end-first, advice)
	return errno == 0
}

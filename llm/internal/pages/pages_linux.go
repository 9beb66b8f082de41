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

// Resident reports, for each page holding the elements of x, whether it
// is mapped (mincore): how tests see what Populate and the code built on
// it did.
func Resident[T any](x []T) ([]bool, error) {
	if len(x) == 0 {
		return nil, nil
	}
	page := uintptr(syscall.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(x)))
	first := start &^ (page - 1)
	end := start + uintptr(len(x))*unsafe.Sizeof(x[0])
	vec := make([]byte, (end-first+page-1)/page)
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, first, end-first, uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		return nil, errno
	}
	r := make([]bool, len(vec))
	for i, v := range vec {
		r[i] = v&1 != 0
	}
	return r, nil
}

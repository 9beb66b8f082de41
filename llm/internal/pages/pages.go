// Package pages maps fresh memory's pages before it is first touched, and
// model files in 2 MiB pages (MapFile).
//
// On a virtual machine a page fault is dear: one on fresh anonymous
// memory costs ~17 µs on the VM lsh is measured on, against ~0.85 µs a
// page (plus ~3 µs at the first access) for Linux 5.14's
// MADV_POPULATE_WRITE, which maps a whole range in one call. A process
// that loads a model touches megabytes of fresh heap once (the
// tokenizer's tables, the grammar's vocabulary trie, the KV cache), so
// the packages that allocate them populate each large allocation right
// after making it. Elsewhere, and where the kernel refuses, the first
// writes fault the pages in as before: populating is only ever an
// optimisation.
package pages

import "unsafe"

// HugePage is the size of a page that maps a 2 MiB folio whole (amd64
// and arm64 with 4 KiB base pages): see MapFile.
const HugePage = 2 << 20

// Populate maps writable, zero-filled pages under the elements of x (a
// fresh allocation about to be written; pages already mapped stay as they
// are). Use it for allocations of tens of KiB or more that are written
// right away: a call costs about a microsecond even when every page is
// already there.
func Populate[T any](x []T) {
	if len(x) > 0 {
		populateWrite(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x)*int(unsafe.Sizeof(x[0]))))
	}
}

// Make is make([]T, n) with its pages populated.
func Make[T any](n int) []T {
	x := make([]T, n)
	Populate(x)
	return x
}

// MakeCap is make([]T, 0, n) with the pages of its n elements populated.
func MakeCap[T any](n int) []T {
	x := make([]T, n)
	Populate(x)
	return x[:0]
}

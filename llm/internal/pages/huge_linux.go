package pages

import (
	"os"
	"strings"
	"syscall"
	"unsafe"
)

// HugeAlloc maps size bytes of anonymous memory aligned to HugePage and
// advised for transparent huge pages, or returns nil when the kernel would
// not back it with them (transparent_hugepage "never") or the mapping
// fails. release unmaps it; the memory must not be used after.
func HugeAlloc(size int) (mem []byte, release func()) {
	if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil ||
		strings.Contains(string(mode), "[never]") {
		return nil, nil
	}
	raw, err := syscall.Mmap(-1, 0, size+HugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, nil
	}
	off := (HugePage - int(uintptr(unsafe.Pointer(&raw[0])))%HugePage) % HugePage
	mem = raw[off : off+size : off+size]
	if err := syscall.Madvise(mem, syscall.MADV_HUGEPAGE); err != nil {
		syscall.Munmap(raw)
		return nil, nil
	}
	return mem, func() { syscall.Munmap(raw) }
}

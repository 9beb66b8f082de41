package pages

import (
	"os"
	"strings"
	"testing"
	"unsafe"
)

// HugeAlloc gives memory that starts a 2 MiB page, of the size asked and
// no more (the capacity ends it: an append cannot write past it), zeroed
// and writable, or nil where the kernel will not give huge pages.
func TestHugeAlloc(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	never := err != nil || strings.Contains(string(mode), "[never]")
	const size = 3*HugePage + 4096
	mem, release := HugeAlloc(size)
	if never {
		if mem != nil {
			t.Fatalf("transparent huge pages off (%q), yet HugeAlloc gave %d bytes", mode, len(mem))
		}
		t.Skip("transparent huge pages off")
	}
	if mem == nil {
		t.Fatalf("no memory with transparent huge pages %q", mode)
	}
	defer release()
	if len(mem) != size || cap(mem) != size {
		t.Errorf("len %d cap %d, want %d", len(mem), cap(mem), size)
	}
	if p := uintptr(unsafe.Pointer(&mem[0])); p%HugePage != 0 {
		t.Errorf("starts at %#x, not a 2 MiB boundary", p)
	}
	for i := 0; i < size; i += 4096 {
		if mem[i] != 0 {
			t.Fatalf("byte %d is %d, want 0", i, mem[i])
		}
		mem[i] = byte(i >> 12 & 0xff)
	}
	if want := byte((size - 4096) >> 12 & 0xff); mem[size-4096] != want {
		t.Error("a write did not stick")
	}
}

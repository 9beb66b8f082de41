package pages

import (
	"syscall"
	"testing"
	"unsafe"
)

// resident reports, per page of b, whether it is mapped (mincore).
func resident(t *testing.T, b []byte) []bool {
	t.Helper()
	vec := make([]byte, (len(b)+syscall.Getpagesize()-1)/syscall.Getpagesize())
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)),
		uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Skipf("mincore: %v", errno)
	}
	r := make([]bool, len(vec))
	for i, v := range vec {
		r[i] = v&1 != 0
	}
	return r
}

// Populate maps every page under the slice, and only those: memory past
// it is left to grow on use.
func TestPopulateMapsTheSlicesPages(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 64*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip(err)
	}
	defer syscall.Munmap(mem)
	for p, in := range resident(t, mem) {
		if in {
			t.Fatalf("page %d of a fresh mapping is resident before anything touched it", p)
		}
	}
	// 16 pages' worth of uint64s starting mid-page: pages 1–17 hold them.
	x := unsafe.Slice((*uint64)(unsafe.Pointer(&mem[page+page/2])), 16*page/8)
	Populate(x)
	if x[0] != 0 || x[len(x)-1] != 0 {
		t.Errorf("populated memory is not zero: %d %d", x[0], x[len(x)-1])
	}
	for p, in := range resident(t, mem) {
		if want := p >= 1 && p <= 17; in != want {
			t.Errorf("page %d: resident %v, want %v", p, in, want)
		}
	}
	Populate([]uint64{}) // nothing to map: no call, no panic
}

// Make and MakeCap return ordinary slices of the asked length and
// capacity, resident.
func TestMake(t *testing.T) {
	x := Make[int32](300_000)
	if len(x) != 300_000 || cap(x) != 300_000 {
		t.Errorf("Make: len %d cap %d", len(x), cap(x))
	}
	for p, in := range resident(t, unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))) {
		if !in {
			t.Errorf("Make: page %d not resident", p)
		}
	}
	y := MakeCap[byte](1 << 20)
	if len(y) != 0 || cap(y) != 1<<20 {
		t.Errorf("MakeCap: len %d cap %d", len(y), cap(y))
	}
	for p, in := range resident(t, y[:cap(y)]) {
		if !in {
			t.Errorf("MakeCap: page %d not resident", p)
		}
	}
}

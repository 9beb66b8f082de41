package pages

import (
	"syscall"
	"testing"
	"unsafe"
)

// resident is Resident, skipping the test where mincore is refused.
func resident[T any](t *testing.T, x []T) []bool {
	t.Helper()
	r, err := Resident(x)
	if err != nil {
		t.Skipf("mincore: %v", err)
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
	for p, in := range resident(t, x) {
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

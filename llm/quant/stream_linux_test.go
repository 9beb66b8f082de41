package quant

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"syscall"
	"testing"
	"unsafe"

	"github.com/llamashell/lsh/llm/gguf"
)

// Streams against what the kernels do: weights in pages that fault when
// read, a one-column MatMul run again and again, each run's fault (the
// first page it touched that is still closed) opened before the next.
// The first pages faulted are where a call starts reading: the pages of
// the rows Streams names, in order, or for kernels that read one run of
// rows, the page of row 0 and then the page after it.
func TestStreamsAreWhereKernelsRead(t *testing.T) {
	const n = 2048 // a row spans several 4 KiB pages for no type: ~0.3–8 KiB
	page := syscall.Getpagesize()
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	for _, l := range testLevels() {
		for _, typ := range []gguf.Type{gguf.Q4_K, gguf.Q6_K, gguf.Q8_0, gguf.Q5_0, gguf.F16} {
			base, _ := Lookup(typ)
			fs := []*Format{base.atLevel(l)}
			if r := fs[0].Repacked(); r != nil {
				fs = append(fs, r.atLevel(l))
			}
			for _, f := range fs {
				name := l.String() + "/" + typ.String() + f.Layout
				for _, rows := range []int{96, 97, 98, 99} {
					rb := f.RowBytes(n)
					mem, err := syscall.Mmap(-1, 0, rows*rb+page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
					if err != nil {
						t.Fatal(err)
					}
					w := mem[:rows*rb]
					src := weightCase(rand.New(rand.NewPCG(1, uint64(rows))), base, rows*n, "random bits")
					if f.Repack != nil {
						f.Repack(w, src)
					} else {
						copy(w, src)
					}
					x := make([]byte, f.XRowBytes(n))
					f.Acts().Encode(x, normalRow(rand.New(rand.NewPCG(2, 3)), n, 1))
					dst := make([]float32, rows)
					if err := syscall.Mprotect(mem, syscall.PROT_NONE); err != nil {
						t.Fatal(err)
					}
					starts, count := f.Streams(rows, n)
					want := []int{0, 1}
					if count > 1 {
						want = nil
						for _, r := range starts[:count] {
							want = append(want, r*rb/page)
						}
					}
					var faults []int // page indexes, in the order the runs hit them
					for len(faults) < len(want) {
						addr, ok := faultOf(func() { f.MatMul(dst, w, rows, x, 1, n) })
						if !ok {
							break
						}
						pg := int(addr-uintptrOf(mem)) / page
						if pg < 0 || pg*page >= len(mem) {
							t.Fatalf("%s: a fault outside the weights, at %#x", name, addr)
						}
						faults = append(faults, pg)
						if err := syscall.Mprotect(mem[pg*page:(pg+1)*page], syscall.PROT_READ); err != nil {
							t.Fatal(err)
						}
					}
					if !slices.Equal(faults, want) {
						t.Errorf("%s, %d rows: first pages read %v, want %v (Streams %v, rows of %d bytes)", name, rows, faults, want, starts[:count], rb)
					}
					syscall.Munmap(mem)
				}
			}
		}
	}
}

// faultOf runs fn and returns the address of the memory fault it stops
// at, if it does.
func faultOf(fn func()) (addr uintptr, faulted bool) {
	defer func() {
		if r := recover(); r != nil {
			var e interface{ Addr() uintptr }
			err, _ := r.(error)
			if !errors.As(err, &e) {
				panic(r)
			}
			addr, faulted = e.Addr(), true
		}
	}()
	fn()
	runtime.KeepAlive(fn)
	return 0, false
}

func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(&b[0])) }

// Prefetch never faults, whatever the address: the engine's workers
// prefetch weights named a job earlier, which may since have moved.
func TestPrefetchNeverFaults(t *testing.T) {
	mem, err := syscall.Mmap(-1, 0, 64<<10, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(mem)
	for _, addr := range []uintptr{uintptrOf(mem), 0, 1 << 47, ^uintptr(0) - 4096} {
		Prefetch(addr, 4096) // the test fails by crashing
	}
}

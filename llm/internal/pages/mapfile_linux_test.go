package pages

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// writeFile writes n random bytes to a new file 4 KiB at a time, as cp
// does (the page cache then holds it in 4 KiB folios), on disk (synced, so
// those pages are clean), and returns it open for reading with its bytes.
func writeFile(t *testing.T, n int) (*os.File, []byte) {
	t.Helper()
	want := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(n), byte(n >> 8), byte(n >> 16)}).Read(want)
	path := filepath.Join(t.TempDir(), "model.gguf")
	w, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for b := want; len(b) > 0; b = b[min(len(b), 4096):] {
		if _, err := w.Write(b[:min(len(b), 4096)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, want
}

// MapFile maps exactly the file's bytes, at a 2 MiB boundary when the
// file holds a whole 2 MiB piece, and Unmap releases the range.
func TestMapFileMapsTheFile(t *testing.T) {
	for _, n := range []int{1, 100 << 10, 2*HugePage - 1, 2*HugePage + 12345, 5 * HugePage} {
		f, want := writeFile(t, n)
		m, err := MapFile(f, n)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(m.Data, want) {
			t.Errorf("%d bytes: the mapping differs from the file", n)
		}
		addr := uintptr(unsafe.Pointer(unsafe.SliceData(m.Data)))
		if n >= 2*HugePage && addr%HugePage != 0 {
			t.Errorf("%d bytes: mapped at %#x, not at a 2 MiB boundary", n, addr)
		}
		if n < 2*HugePage && m.Pages != SmallPages {
			t.Errorf("%d bytes: Pages = %v for a file without a whole 2 MiB piece", n, m.Pages)
		}
		data := m.Data
		if err := m.Unmap(); err != nil {
			t.Errorf("%d bytes: Unmap: %v", n, err)
		}
		if _, err := Resident(data); err == nil {
			t.Errorf("%d bytes: the range is still mapped after Unmap", n)
		}
		if err := m.Unmap(); err != nil {
			t.Errorf("a second Unmap: %v", err)
		}
	}
	if _, err := MapFile(os.Stdin, 0); err == nil {
		t.Error("mapping 0 bytes: no error")
	}
}

// cachesHuge reports whether this kernel and the filesystem of dir read
// a file into 2 MiB folios through a mapping advised MADV_HUGEPAGE, found
// by hand: the file's pages dropped, read back, and the mapping's 2 MiB
// pages counted.
func cachesHuge(t *testing.T) bool {
	f, _ := writeFile(t, 2*HugePage)
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	raw, err := syscall.Mmap(int(f.Fd()), 0, 3*HugePage, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(raw)
	// The 2 MiB-aligned piece of the mapping whose file offset is too.
	addr := uintptr(unsafe.Pointer(&raw[0]))
	if addr%HugePage != 0 {
		return false // the kernel did not align the mapping; MapFile does
	}
	if unix.Madvise(raw, unix.MADV_HUGEPAGE) != nil {
		return false
	}
	touch(raw[0])
	huge, err := HugeMapped(raw)
	return err == nil && huge > 0
}

// A file written 4 KiB at a time sits in the page cache in 4 KiB folios;
// MapFile drops them, the first read through its mapping brings the file
// back in 2 MiB folios mapped in 2 MiB pages, and the next mapping (the
// next process) finds them so.
func TestMapFileSettlesTheCacheInHugeFolios(t *testing.T) {
	if !cachesHuge(t) {
		t.Skip("this kernel or filesystem reads no file into 2 MiB folios")
	}
	n := 6*HugePage + 4096
	f, want := writeFile(t, n)
	plain, err := syscall.Mmap(int(f.Fd()), 0, n, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i += 4096 {
		touch(plain[i])
	}
	hugeBefore, err := HugeMapped(plain)
	syscall.Munmap(plain)
	if err != nil || hugeBefore != 0 {
		t.Fatalf("written 4 KiB at a time, %d bytes of the file are in 2 MiB pages (%v), want 0", hugeBefore, err)
	}
	// The first mapping drops the 4 KiB folios; reading it brings the file
	// back in 2 MiB ones, which the second mapping finds.
	for i, wantPages := range []FilePages{HugePagesOnRead, HugePages} {
		m, err := MapFile(f, n)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Unmap()
		if m.Pages != wantPages {
			t.Errorf("mapping %d: %v, want %v", i+1, m.Pages, wantPages)
		}
		if !bytes.Equal(m.Data, want) {
			t.Fatalf("mapping %d differs from the file", i+1)
		}
		if got, err := HugeMapped(m.Data); err != nil || got != 6*HugePage {
			t.Errorf("mapping %d: after reading the file, %d bytes are in 2 MiB pages (%v), want %d", i+1, got, err, 6*HugePage)
		}
	}
}

// A mapping in 2 MiB pages is advised MADV_HUGEPAGE and MADV_RANDOM (the
// kernel's VmFlags hg and rr): without the second, asynchronous readahead
// left pieces of a model re-read from disk in small folios, and every
// later start dropped and re-read the whole file.
func TestMapFileAdvice(t *testing.T) {
	if !cachesHuge(t) {
		t.Skip("this kernel or filesystem reads no file into 2 MiB folios")
	}
	f, _ := writeFile(t, 3*HugePage)
	m, err := MapFile(f, 3*HugePage)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Unmap()
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	head := fmt.Sprintf("%x-", uintptr(unsafe.Pointer(unsafe.SliceData(m.Data))))
	_, rest, ok := strings.Cut(string(smaps), "\n"+head)
	if !ok {
		t.Fatalf("no mapping starting at %s in /proc/self/smaps", head)
	}
	_, flags, _ := strings.Cut(rest, "VmFlags:")
	flags, _, _ = strings.Cut(flags, "\n")
	for _, want := range []string{"hg", "rr"} {
		if !slices.Contains(strings.Fields(flags), want) {
			t.Errorf("the mapping's VmFlags are %q, want %s among them", flags, want)
		}
	}
}

// HugeMapped names what it could not find.
func TestHugeMappedNeedsAMappingStart(t *testing.T) {
	heap := make([]byte, 64)
	if _, err := HugeMapped(heap[1:]); err == nil || !strings.Contains(err.Error(), "no FilePmdMapped") {
		t.Errorf("HugeMapped of a heap slice: %v, want an error saying no mapping starts there", err)
	}
}

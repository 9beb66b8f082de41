package pages

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Why a model file is mapped in 2 MiB pages, and how.
//
// A mapping reads a file in 4 KiB pages unless the page cache holds it in
// 2 MiB folios, which Linux then maps whole (one page-table entry each).
// The difference is large on a virtual machine: on the one lsh is measured
// on, the first touch of each 4 KiB page of a mapping costs ~1.5 µs even
// when its page-table entry is already there (the hypervisor's shadow page
// tables, it seems, build their own entry at that moment), so a process mapping TinyLlama's 636 MiB pays ~250 ms
// of CPU before its first answer, and every token after it a TLB miss per
// 4 KiB. In 2 MiB pages the same first touch took 10 ms.
//
// The folios' size is decided when the file is read from disk: through a
// mapping advised MADV_HUGEPAGE, readahead reads it into 2 MiB folios (on
// filesystems with large folios: ext4 and XFS in current kernels), and
// they stay until the cache evicts them. A file read by read(2) or written
// by cp or a downloader sits in small folios, and the kernel cannot merge
// those in place (MADV_COLLAPSE refuses page-cache files here). So MapFile
// advises its mapping, checks whether the cache holds the file in 2 MiB
// folios, and if it does not, first tests on one 2 MiB piece that reading
// it again gives one, then drops the file's cached pages: the model's
// first use reads them back from disk, once, into 2 MiB folios, and every
// later process maps them in 2 MiB pages. Pages that another process maps
// or that are not yet written back are not dropped, and stay as they are.
//
// The mapping is also advised MADV_RANDOM. A fault in a mapping advised
// MADV_HUGEPAGE reads the 2 MiB folio around it whatever the advice; what
// MADV_RANDOM turns off is the asynchronous readahead that the next
// accesses would start, which read some pieces in smaller folios: after
// lsh read TinyLlama back from disk (load, a prompt, the background copy)
// 12 of its 318 pieces were in small folios, more than the few MapFile
// leaves alone, so every start dropped the file and read it from disk
// again (load and first token 0.36–0.44 s); advised MADV_RANDOM, none
// were, and load and first token took 0.15–0.17 s.

// FilePages says in which pages a file mapping reads its file.
type FilePages int

const (
	// SmallPages: 4 KiB pages; the kernel, its settings or the file's
	// filesystem give no larger ones.
	SmallPages FilePages = iota
	// HugePages: the page cache holds the file in 2 MiB folios.
	HugePages
	// HugePagesOnRead: the file's small folios were dropped from the page
	// cache; it is read from disk again, into 2 MiB folios, as it is used.
	HugePagesOnRead
)

func (p FilePages) String() string {
	switch p {
	case HugePages:
		return "2 MiB pages"
	case HugePagesOnRead:
		return "2 MiB pages once re-read from disk"
	}
	return "4 KiB pages"
}

// FileMap is a read-only shared mapping of a whole file.
type FileMap struct {
	Data  []byte
	Pages FilePages
}

// MapFile maps the size bytes of fd read-only and shared, at an address
// aligned to HugePage, in 2 MiB pages wherever it can (see above).
func MapFile(fd *os.File, size int) (*FileMap, error) {
	if size <= 0 {
		return nil, fmt.Errorf("cannot map %d bytes", size)
	}
	if size < 2*HugePage { // too small for 2 MiB pages to matter
		p, err := unix.MmapPtr(int(fd.Fd()), 0, nil, uintptr(size), unix.PROT_READ, unix.MAP_SHARED)
		if err != nil {
			return nil, fmt.Errorf("mmap: %w", err)
		}
		return &FileMap{Data: unsafe.Slice((*byte)(p), size)}, nil
	}
	// Reserve HugePage more than needed, then map the file over the
	// aligned part: a 2 MiB folio is mapped whole only where file offset
	// and address agree modulo 2 MiB.
	total := uintptr(size + HugePage)
	raw, err := unix.MmapPtr(-1, 0, nil, total, unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	head := (HugePage - uintptr(raw)%HugePage) % HugePage
	start := unsafe.Add(raw, head)
	if _, err := unix.MmapPtr(int(fd.Fd()), 0, start, uintptr(size), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_FIXED); err != nil {
		unix.MunmapPtr(raw, total)
		return nil, fmt.Errorf("mmap: %w", err)
	}
	// The reservation's slack before and after the file.
	if head > 0 {
		unix.MunmapPtr(raw, head)
	}
	if tail := total - head - uintptr(size); tail > 0 {
		unix.MunmapPtr(unsafe.Add(start, size), tail)
	}
	data := unsafe.Slice((*byte)(start), size)
	return &FileMap{Data: data, Pages: settle(fd, data)}, nil
}

// Unmap releases the mapping; Data must no longer be used.
func (m *FileMap) Unmap() error {
	if m.Data == nil {
		return nil
	}
	err := unix.MunmapPtr(unsafe.Pointer(unsafe.SliceData(m.Data)), uintptr(len(m.Data)))
	m.Data = nil
	return err
}

// settle advises data (fd's mapping) for 2 MiB pages and makes the page
// cache hold fd in 2 MiB folios if it can (see above), reporting the
// pages data will be read in.
func settle(fd *os.File, data []byte) FilePages {
	const page = 4096
	if os.Getpagesize() != page || unix.Madvise(data, unix.MADV_HUGEPAGE) != nil {
		return SmallPages // other base pages (2 MiB is not their PMD), or no transparent huge pages
	}
	// No readahead beyond the 2 MiB folio a fault reads (see above):
	// without it a model re-read from disk kept a few pieces in small
	// folios, and every later start dropped and re-read the whole file.
	unix.Madvise(data, unix.MADV_RANDOM)
	// Touch every whole 2 MiB piece the cache holds: each is mapped in one
	// 2 MiB page if its folio is one. A piece held only in part was read
	// in small folios (a 2 MiB folio is cached whole or not at all); one
	// not held at all will be read through this mapping, into one folio.
	resident, err := Resident(data)
	if err != nil {
		return SmallPages
	}
	const perPiece = HugePage / page
	touched, partial, sample := 0, 0, -1
	for o := 0; o+HugePage <= len(data); o += HugePage {
		held := 0
		for _, r := range resident[o/page : o/page+perPiece] {
			if r {
				held++
			}
		}
		switch held {
		case perPiece:
			touch(data[o])
			touched++
			sample = o
		case 0:
		default:
			partial++
			sample = o
		}
	}
	if sample < 0 {
		return HugePages // nothing cached: the first reads fill 2 MiB folios
	}
	huge, err := HugeMapped(data)
	if err != nil {
		return SmallPages
	}
	// A few pieces in small folios are not worth reading the whole file
	// again for (something read the header with read(2), say); more are.
	if small := int64(touched+partial)*HugePage - huge; small <= max(2*HugePage, int64(len(data))/100) {
		return HugePages
	}
	// Would the cache read a piece back into a 2 MiB folio? Drop one
	// and read it again before dropping the whole file (its folios of
	// either size: which pieces are small, smaps does not say).
	o := sample
	if unix.Madvise(data, unix.MADV_DONTNEED) != nil || // unmap the samples, so the cache may drop them
		unix.Fadvise(int(fd.Fd()), int64(o), HugePage, unix.FADV_DONTNEED) != nil {
		return SmallPages
	}
	touch(data[o])
	if huge, err := HugeMapped(data); err != nil || huge < HugePage {
		return SmallPages
	}
	if unix.Madvise(data[o:o+HugePage], unix.MADV_DONTNEED) != nil ||
		unix.Fadvise(int(fd.Fd()), 0, 0, unix.FADV_DONTNEED) != nil {
		return SmallPages
	}
	return HugePagesOnRead
}

// sink keeps touch's reads from being optimised away.
var sink byte

// touch reads b, mapping the page that holds it.
func touch(b byte) { sink += b }

// HugeMapped reports how many bytes of the file mapping b starts are
// mapped in 2 MiB pages now (FilePmdMapped in /proc/self/smaps).
func HugeMapped(b []byte) (int64, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := fmt.Appendf(nil, "%x-", uintptr(unsafe.Pointer(unsafe.SliceData(b))))
	s := bufio.NewScanner(f)
	in := false
	for s.Scan() {
		line := s.Bytes()
		if isMapLine(line) {
			if in {
				break
			}
			in = bytes.HasPrefix(line, head)
			continue
		}
		if v, ok := bytes.CutPrefix(line, []byte("FilePmdMapped:")); in && ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/self/smaps: %q: %w", line, err)
			}
			return kb << 10, nil
		}
	}
	if err := s.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("/proc/self/smaps: no FilePmdMapped for the mapping at %s", head[:len(head)-1])
}

// isMapLine reports whether an smaps line starts a mapping's entry
// ("7f3af5e00000-7f3b1d600000 r--s …") rather than being one of its
// fields ("Rss:   651264 kB").
func isMapLine(line []byte) bool {
	i := bytes.IndexByte(line, ' ')
	return i > 0 && bytes.IndexByte(line[:i], '-') > 0 && bytes.IndexByte(line[:i], ':') < 0
}

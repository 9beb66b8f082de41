//go:build unix && !linux

package pages

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// FilePages says in which pages a file mapping reads its file; here
// always SmallPages.
type FilePages int

// SmallPages is the only value outside Linux.
const SmallPages FilePages = 0

func (FilePages) String() string { return "4 KiB pages" }

// FileMap is a read-only shared mapping of a whole file.
type FileMap struct {
	Data  []byte
	Pages FilePages
}

// MapFile maps the size bytes of fd read-only and shared.
func MapFile(fd *os.File, size int) (*FileMap, error) {
	data, err := syscall.Mmap(int(fd.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	return &FileMap{Data: data}, nil
}

// Unmap releases the mapping; Data must no longer be used.
func (m *FileMap) Unmap() error {
	if m.Data == nil {
		return nil
	}
	err := syscall.Munmap(m.Data)
	m.Data = nil
	return err
}

// HugeMapped reports errors.ErrUnsupported: smaps is Linux's.
func HugeMapped(b []byte) (int64, error) { return 0, errors.ErrUnsupported }

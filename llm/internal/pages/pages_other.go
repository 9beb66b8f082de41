//go:build !linux

package pages

import "errors"

// PopulateRead reports false: MADV_POPULATE_READ is Linux's, and
// elsewhere the first reads fault the pages in.
func PopulateRead(b []byte) bool { return false }

// populateWrite does nothing: the first writes fault the pages in.
func populateWrite(b []byte) {}

// Resident reports errors.ErrUnsupported: mincore is not asked for here.
func Resident[T any](x []T) ([]bool, error) { return nil, errors.ErrUnsupported }

// HugeAlloc returns nil: transparent huge pages are a Linux feature.
func HugeAlloc(size int) (mem []byte, release func()) { return nil, nil }

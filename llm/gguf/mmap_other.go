//go:build !unix

package gguf

import (
	"errors"
	"io"
	"os"
)

// mapFile reads the whole file where memory mapping is not available.
func mapFile(fd *os.File, size int64) ([]byte, func() error, bool, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(fd, data); err != nil {
		return nil, nil, false, err
	}
	return data, func() error { return nil }, false, nil
}

func hugeMapped([]byte) (int64, error) { return 0, errors.ErrUnsupported }

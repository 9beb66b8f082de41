//go:build unix

package gguf

import (
	"fmt"
	"os"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// mapFile maps the file read-only. The pages are shared with the page
// cache, so several lsh processes using one model share one copy of the
// weights; on Linux they are mapped in 2 MiB pages where the page cache
// can hold the file that way (pages.MapFile: a model's first touch of its
// weights costs a few milliseconds instead of hundreds), and huge reports
// whether they are.
func mapFile(fd *os.File, size int64) (data []byte, unmap func() error, huge bool, err error) {
	if int64(int(size)) != size {
		return nil, nil, false, fmt.Errorf("file of %d bytes is too large to map", size)
	}
	m, err := pages.MapFile(fd, int(size))
	if err != nil {
		return nil, nil, false, err
	}
	return m.Data, m.Unmap, m.Pages != pages.SmallPages, nil
}

func hugeMapped(data []byte) (int64, error) { return pages.HugeMapped(data) }

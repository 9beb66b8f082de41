package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// OpenScript opens a script for lsh FILE, refusing what sh refuses with
// its statuses: 127 when it does not exist, 126 when it cannot be read as
// a script (a directory, a binary, no permission).
func OpenScript(path string) (io.Reader, int, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 127, fmt.Errorf("%s: No such file or directory", path)
		}
		return nil, 126, fmt.Errorf("%s: %s", path, osText(err))
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		f.Close()
		return nil, 126, fmt.Errorf("%s: Is a directory", path)
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, 126, fmt.Errorf("%s: %s", path, osText(err))
	}
	head = head[:n]
	// Like bash: a NUL byte in the first line means a binary, not a script.
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	if bytes.IndexByte(line, 0) >= 0 {
		f.Close()
		return nil, 126, fmt.Errorf("%s: cannot execute binary file", path)
	}
	// Hide the *os.File: the script is not the commands' input, so the
	// shell may read it in blocks.
	return io.MultiReader(bytes.NewReader(head), f), 0, nil
}

// osText is an OS error without Go's "open FILE:" prefix.
func osText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	return strings.ToUpper(s[:1]) + s[1:]
}

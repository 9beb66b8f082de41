package shell

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
)

// lineReader feeds a script to the parser. For standard input, which the
// script's own commands may read too (`read line`, `cat`), it never leaves
// the file offset past the line being run, as POSIX asks:
//
//   - a pipe, terminal or other stream is read one byte at a time up to the
//     newline (there is no way to give back what was read ahead);
//   - a regular file is read in blocks and, before each line runs, the offset
//     is moved back to just after it (release);
//   - anything else (a string, a script file the commands do not read) is
//     read as it comes.
//
// It also echoes what it reads to standard error while `set -v` is on.
type lineReader struct {
	r    io.Reader
	f    *os.File // nil unless reading must stop at line ends
	seek bool     // f is a regular file: read blocks, seek back on release
	buf  []byte   // read from f but not yet given to the parser (seek mode)
	s    *Session
	rerr error
	// last is the last byte given to the parser and backslashes the number
	// of backslashes ending the input so far. At end of input a missing final
	// newline is supplied, as the parser only hands over complete lines; a
	// lone final backslash is kept literal, as sh keeps it.
	last        byte
	backslashes int
	closed      bool
}

func newLineReader(r io.Reader, s *Session) *lineReader {
	lr := &lineReader{r: r, s: s}
	if f, ok := r.(*os.File); ok {
		lr.f = f
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if _, err := f.Seek(0, io.SeekCurrent); err == nil {
				lr.seek = true
			}
		}
	}
	return lr
}

func (lr *lineReader) Read(p []byte) (int, error) {
	if lr.closed {
		return 0, io.EOF
	}
	n, err := lr.read(p)
	if n == 0 && errors.Is(err, io.EOF) && lr.last != '\n' && lr.last != 0 && len(p) > 1 {
		end := "\n"
		if lr.backslashes%2 == 1 {
			end = "\\\n"
		}
		n, err = copy(p, end), nil
		lr.closed = true
	}
	for _, b := range p[:n] {
		if b == '\\' {
			lr.backslashes++
		} else {
			lr.backslashes = 0
		}
	}
	if n > 0 {
		lr.last = p[n-1]
	}
	if n > 0 {
		if flags, _ := lr.s.mainFlags.Load().(string); strings.IndexByte(flags, 'v') >= 0 {
			lr.s.stderr.Write(p[:n])
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		lr.rerr = err
	}
	return n, err
}

func (lr *lineReader) read(p []byte) (int, error) {
	switch {
	case lr.f == nil:
		return lr.r.Read(p)
	case lr.seek:
		if len(lr.buf) == 0 {
			block := make([]byte, 64<<10)
			n, err := lr.f.Read(block)
			lr.buf = block[:n]
			if n == 0 {
				return 0, err
			}
		}
		end := len(lr.buf)
		if i := bytes.IndexByte(lr.buf, '\n'); i >= 0 {
			end = i + 1
		}
		n := copy(p, lr.buf[:end])
		lr.buf = lr.buf[n:]
		return n, nil
	}
	n := 0
	for n < len(p) {
		m, err := lr.f.Read(p[n : n+1])
		n += m
		if err != nil {
			if n > 0 && errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		if m == 1 && p[n-1] == '\n' {
			break
		}
	}
	return n, nil
}

// release gives back what was read past the line about to run.
func (lr *lineReader) release() {
	if lr.seek && len(lr.buf) > 0 {
		lr.f.Seek(-int64(len(lr.buf)), io.SeekCurrent)
		lr.buf = nil
	}
}

// err is the read error that ended the input early, if any.
func (lr *lineReader) err() error { return lr.rerr }

package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// sourcePrefix starts the name under which lsh hands a rewritten sourced
// file to the interpreter's `.`, which opens it through openHandler. A path
// holding a NUL byte names no file, so no real path can collide.
const sourcePrefix = "\x00lsh-source/"

// openHandler opens the files of redirections and of `.`. Files are
// created under the umask of the (sub)shell that redirects.
func (s *Session) openHandler(ctx context.Context, path string, flag int, perm os.FileMode) (io.ReadWriteCloser, error) {
	if id, ok := strings.CutPrefix(path, sourcePrefix); ok {
		n, _ := strconv.Atoi(id)
		s.mu.Lock()
		text, found := s.sources[n]
		s.mu.Unlock()
		if !found {
			return nil, &os.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
		}
		return readOnly{strings.NewReader(text)}, nil
	}
	hc := interp.HandlerCtx(ctx)
	abs := path
	if path != "" && !filepath.IsAbs(path) {
		abs = filepath.Join(hc.Dir, path)
	}
	var f *os.File
	var err error
	open := func() { f, err = os.OpenFile(abs, flag, perm) }
	if flag&os.O_CREATE != 0 {
		s.umask.with(hc.Env, open)
	} else {
		open()
	}
	if err != nil {
		// The interpreter prints a *os.PathError and gives status 1; make
		// it read as sh's "lsh: FILE: No such file or directory".
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &os.PathError{Op: "lsh:", Path: path, Err: shError{pe.Err}}
		}
		return nil, err
	}
	return f, nil
}

// shError prints an OS error the way sh does, capitalised.
type shError struct{ err error }

func (e shError) Error() string { return errText(e.err) }
func (e shError) Unwrap() error { return e.err }

type readOnly struct{ *strings.Reader }

func (readOnly) Write([]byte) (int, error) { return 0, errors.New("read-only") }
func (readOnly) Close() error              { return nil }

func (s *Session) stashSource(text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sources == nil {
		s.sources = make(map[int]string)
	}
	s.seq++
	s.sources[s.seq] = text
	return s.seq
}

func (s *Session) dropSource(id int) {
	s.mu.Lock()
	delete(s.sources, id)
	s.mu.Unlock()
}

// findSourced finds the file `. name` reads: a name with a slash as is,
// otherwise the first readable file in PATH, then the current directory.
func findSourced(c *bcall, name string) string {
	if strings.Contains(name, "/") {
		if filepath.IsAbs(name) {
			return name
		}
		return filepath.Join(c.Dir, name)
	}
	for _, dir := range filepath.SplitList(c.Getenv("PATH")) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if !filepath.IsAbs(p) {
			p = filepath.Join(c.Dir, p)
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return filepath.Join(c.Dir, name)
}

// builtinSource is `. file [args…]` (and `source`): lsh parses the file
// (so a syntax error names FILE:LINE:COL) and rewrites it, then the
// interpreter's `.` runs it with sh's semantics for return and parameters.
func builtinSource(s *Session, c *bcall) error {
	// A bad file ends a non-interactive shell, as POSIX asks of a special
	// builtin's errors; not when it is a startup file.
	fail := func(status int) error {
		if c.Args[0] == startupCmd {
			return exitStatus(status)
		}
		return s.exitWith(c, status)
	}
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		c.errorf("%s: filename argument required", c.Args[0])
		return exitStatus(2)
	}
	name := args[0]
	path := findSourced(c, name)
	data, err := os.ReadFile(path)
	if err != nil {
		c.errorf("%s: %s", name, errText(err))
		return fail(1)
	}
	f, err := newParser().Parse(bytes.NewReader(data), name)
	if err != nil {
		c.errorf("%v", newSyntaxError(err, name))
		return fail(2)
	}
	text := string(data)
	if s.rewrite(f) {
		text = printProgram(f)
	}
	id := s.stashSource(text)
	defer s.dropSource(id)
	return c.builtin(".", append([]string{sourcePrefix + strconv.Itoa(id)}, args[1:]...)...)
}

// builtinEval is `eval args…`: lsh parses the code (a syntax error gives
// status 2, as in sh) and rewrites it before the interpreter runs it.
func builtinEval(s *Session, c *bcall) error {
	src := strings.Join(c.Args[1:], " ")
	f, err := newParser().Parse(strings.NewReader(src), "eval")
	if err != nil {
		se := newSyntaxError(err, "eval")
		c.errorf("eval: %d:%d: %s", se.Line, se.Col, se.Msg)
		return s.exitWith(c, 2)
	}
	if s.rewrite(f) {
		return c.builtin("eval", printProgram(f))
	}
	return c.builtin("eval", c.Args[1:]...)
}

// startupCmd is `.` for a startup file, whose errors do not end the shell.
const startupCmd = "lsh:startup"

// Source runs the file at path in the session as `. path` would, for the
// startup files: errors are printed on the session's standard error and
// the shell goes on (an `exit` in the file still ends it).
func (s *Session) Source(ctx context.Context, path string) (int, error) {
	st := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord(startupCmd), litWord(path)}}}
	return s.runProgram(ctx, &syntax.File{Stmts: []*syntax.Stmt{st}}, "", true)
}

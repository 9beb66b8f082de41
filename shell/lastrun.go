package shell

import (
	"io"
	"os"
	"strings"
	"sync"
)

// LastRun is a command that finished, as `why` and `explain` see it.
type LastRun struct {
	// Text is the command line: the line as typed for a program given to
	// Run, the command's words for one run from a script or -c string.
	Text string
	// Status is its exit status.
	Status int
	// Stderr is the tail of what lsh captured of its error output (see
	// the package doc of trace).
	Stderr string
}

// trace remembers what ran last, for LastRun. It sees every simple command
// through the call handler (so also cd, echo and the interpreter's other
// builtins), and every program through runProgram.
//
// What it captures of error output, without changing how anything runs:
//
//   - lsh's own messages about a command ("lsh: gti: command not found",
//     "Permission denied", "Is a directory", syntax errors of a typed line,
//     the guard's refusals);
//   - everything a command or a registered builtin writes to standard error
//     when that is already not a file (a writer lsh copies from through a
//     pipe anyway, as in the TUI and in tests).
//
// A command writing to a terminal, a file or a pipe lsh did not make is not
// captured: putting a pipe in its way would change what it sees (isatty,
// seeking) and when it ends (a daemon holding the pipe open).
type trace struct {
	mu   sync.Mutex
	prog int // sequence number of the program running or last run
	// cur is the latest simple command called, prev the one before.
	cur, prev callRecord
	progErr   tail    // lsh's messages during the running program
	last      LastRun // the last program that finished (Text "" if unknown)
}

// callRecord is one simple command as the call handler saw it.
type callRecord struct {
	args []string
	prog int
	err  tail
}

// tail keeps the last tailMax bytes written to it.
type tail struct{ b []byte }

const tailMax = 4096

func (t *tail) write(p []byte) {
	t.b = append(t.b, p...)
	if n := len(t.b); n > tailMax {
		t.b = append(t.b[:0:0], t.b[n-tailMax:]...)
	}
}

// String is what the tail holds.
func (t *tail) String() string { return string(t.b) }

// called records a simple command about to run.
func (t *trace) called(args []string) {
	if len(args) == 0 || strings.HasPrefix(args[0], "lsh:") || strings.HasPrefix(args[0], "\x00") {
		return // lsh's own plumbing, not something the person ran
	}
	t.mu.Lock()
	t.prev = t.cur
	t.cur = callRecord{args: args, prog: t.prog}
	t.mu.Unlock()
}

// note records an error message lsh printed about the current command.
func (t *trace) note(p []byte) {
	t.mu.Lock()
	t.cur.err.write(p)
	t.progErr.write(p)
	t.mu.Unlock()
}

// begin starts a program.
func (t *trace) begin() {
	t.mu.Lock()
	t.prog++
	t.progErr = tail{}
	t.mu.Unlock()
}

// end records the program that finished; text is "" when the program
// came from a script or -c string, whose commands speak for it.
func (t *trace) end(text string, status int, msg string) {
	t.mu.Lock()
	if msg != "" {
		t.progErr.write([]byte(msg))
	}
	t.last = LastRun{Text: strings.TrimRight(text, "\n"), Status: status, Stderr: t.progErr.String()}
	t.mu.Unlock()
}

// lastBefore is what ran before the command now being called, whose exit
// status is status ($? as the command sees it): the command before it in
// the same program, else the last program if its text is known, else the
// last command of the last program.
func (t *trace) lastBefore(status int) LastRun {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.prev.args != nil && t.prev.prog == t.prog:
		return LastRun{Text: quoteArgs(t.prev.args), Status: status, Stderr: t.prev.err.String()}
	case t.last.Text != "":
		r := t.last
		r.Status = status
		return r
	case t.prev.args != nil:
		return LastRun{Text: quoteArgs(t.prev.args), Status: status, Stderr: t.prev.err.String()}
	}
	return LastRun{}
}

// lastProgram is what ran last when no program runs.
func (t *trace) lastProgram(status int) LastRun {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last.Text != "" {
		r := t.last
		r.Status = status
		return r
	}
	if t.cur.args != nil {
		return LastRun{Text: quoteArgs(t.cur.args), Status: status, Stderr: t.cur.err.String()}
	}
	return LastRun{}
}

func quoteArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quote(a))
	}
	return b.String()
}

// Last is the last command line the session finished, with the status it
// ended with ($? now) and what lsh captured of its error output.
func (s *Session) Last() LastRun { return s.trace.lastProgram(s.LastStatus()) }

// Last is the command line that finished before this builtin was called:
// the command before it on the same line, or the line before.
func (c *Call) Last() LastRun {
	if c.trace == nil {
		return LastRun{}
	}
	return c.trace.lastBefore(c.lastStatus)
}

// captureStderr returns w, or when w is already not a file, a writer that
// also records what passes through (see trace).
func (s *Session) captureStderr(w io.Writer) io.Writer {
	if w == nil {
		return nil
	}
	if _, ok := w.(*os.File); ok {
		return w
	}
	return stderrTee{w: w, t: &s.trace}
}

type stderrTee struct {
	w io.Writer
	t *trace
}

// Write records p, then writes it where it was going.
func (st stderrTee) Write(p []byte) (int, error) {
	st.t.note(p)
	return st.w.Write(p)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/llamashell/lsh/shell"
)

// plain is the plain interactive front-end: prompt on standard error,
// read a line, run it, repeat; end of file (Ctrl-D) ends the shell.
type plain struct {
	sess *shell.Session
	in   *os.File
	errw io.Writer
	// interrupted is set when Ctrl-C arrives while a line is being typed:
	// a half-typed multi-line command is dropped.
	interrupted atomic.Bool
}

func runPlain(ctx context.Context, sess *shell.Session, in *os.File, errw io.Writer) int {
	p := &plain{sess: sess, in: in, errw: errw}
	go func() {
		for range sess.IdleInterrupts() {
			p.interrupted.Store(true)
			fmt.Fprint(errw, "\n"+sess.Prompt("PS1"))
		}
	}()
	eofs := 0
	for !sess.Exited() {
		for _, notice := range sess.TakeJobNotices() {
			fmt.Fprintln(errw, notice)
		}
		p.interrupted.Store(false)
		line, err := p.readLine(sess.Prompt("PS1"))
		if errors.Is(err, io.EOF) {
			if on, _ := sess.Option("ignoreeof"); on && eofs < 10 {
				eofs++
				fmt.Fprintln(errw, `Use "exit" to leave the shell.`)
				continue
			}
			fmt.Fprintln(errw, "exit")
			break
		}
		if err != nil {
			fmt.Fprintf(errw, "lsh: reading input: %v\n", err)
			break
		}
		eofs = 0
		p.dispatch(ctx, line)
	}
	return sess.LastStatus()
}

// dispatch runs one typed line. It is the one place where a line typed at
// the prompt is decided on: the natural-language classification (a line
// starting with "?" or "llama", or whose first word runs nothing) goes
// here, before continuation lines are read for shell code.
func (p *plain) dispatch(ctx context.Context, line string) {
	src := line
	for {
		_, err := shell.Parse(src+"\n", "")
		var se *shell.SyntaxError
		if !errors.As(err, &se) || !se.Incomplete {
			break
		}
		more, rerr := p.readLine(p.sess.Prompt("PS2"))
		if rerr != nil {
			break // run what there is: the syntax error is reported
		}
		if p.interrupted.Swap(false) {
			// Ctrl-C dropped the unfinished command; this line starts anew.
			p.dispatch(ctx, more)
			return
		}
		src += "\n" + more
	}
	if _, err := p.sess.Run(ctx, src, ""); err != nil {
		fmt.Fprintf(p.errw, "lsh: %v\n", err)
	}
}

// readLine prints a prompt and reads one line, without its newline. It
// reads a byte at a time so that commands that read the same input get
// what follows the line.
func (p *plain) readLine(prompt string) (string, error) {
	fmt.Fprint(p.errw, prompt)
	var buf []byte
	var b [1]byte
	for {
		n, err := p.in.Read(b[:])
		if n == 1 {
			if b[0] == '\n' {
				return string(buf), nil
			}
			buf = append(buf, b[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && len(buf) > 0 {
				return string(buf), nil
			}
			return "", err
		}
	}
}

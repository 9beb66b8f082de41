package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/shell"
)

// plain is the plain interactive front-end: prompt on standard error,
// read a line, run it, repeat; end of file (Ctrl-D) ends the shell.
type plain struct {
	sess *shell.Session
	in   *os.File
	errw io.Writer
	nl   *nlPath
	// interrupted is set when Ctrl-C arrives while a line is being typed:
	// a half-typed multi-line command is dropped.
	interrupted atomic.Bool
	// cancelAsk cancels the natural-language request under way, if any.
	cancelAsk atomic.Pointer[context.CancelFunc]
}

func (nl *nlPath) runPlain(ctx context.Context, sess *shell.Session, in *os.File, errw io.Writer) int {
	p := &plain{sess: sess, in: in, errw: errw, nl: nl}
	go nl.engine.Prepare(ctx)
	if cli.IsTTY(in) {
		// Cards are answered on the terminal the lines come from.
		nl.front = natural.Prompter{In: in, Out: errw}.Confirm
	}
	go func() {
		for range sess.IdleInterrupts() {
			if cancel := p.cancelAsk.Load(); cancel != nil {
				// Ctrl-C while a request is resolved or its card waits.
				(*cancel)()
				continue
			}
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
// the prompt is decided on: a natural-language request (a line starting
// with "?" or "llama", whose first word runs nothing, or that reads as
// English; see intents/classify) goes to the natural-language flow;
// shell code reads its continuation lines and runs.
func (p *plain) dispatch(ctx context.Context, line string) {
	if res := natural.Classify(p.sess, line, classify.Typed); res.Natural {
		p.ask(ctx, line, res)
		return
	}
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

// ask takes a natural-language line through the flow: the card on this
// terminal, the confirmed command run in the session and recorded in its
// history with the request. $? is the command's status, or the flow's
// when nothing ran.
func (p *plain) ask(ctx context.Context, line string, res classify.Result) {
	ctx, cancel := context.WithCancel(ctx)
	p.cancelAsk.Store(&cancel)
	defer func() {
		p.cancelAsk.Store(nil)
		cancel()
	}()
	req := natural.NewRequest(p.sess, res.Request)
	flow := p.nl.flow(p.nl.stdout, p.errw)
	ran := false
	runner := replRunner{sessionRunner{p.sess, p.errw}, &ran}
	status := flow.Do(ctx, req, res, line, runner)
	if !ran {
		p.sess.SetStatus(ctx, status)
	}
}

// replRunner notes whether anything ran, so that $? is left to it.
type replRunner struct {
	sessionRunner
	ran *bool
}

func (r replRunner) Command(ctx context.Context, command, request string) int {
	*r.ran = true
	return r.sessionRunner.Command(ctx, command, request)
}

func (r replRunner) Typed(ctx context.Context, line string) int {
	*r.ran = true
	return r.sessionRunner.Typed(ctx, line)
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

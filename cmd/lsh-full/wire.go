package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/builtins"
	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
	lshconfig "github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/shell"
)

// nlPath is a session's natural-language path as the command line set it
// up: the engine (built on the first request), --yes and --json, and how
// to reach a terminal to ask on. One per lsh process.
type nlPath struct {
	sess   *shell.Session
	engine *natural.Engine
	config func() (*lshconfig.Config, lshconfig.Paths, error)
	yes    natural.Yes
	json   bool
	// stdout and stderr are lsh's: answers and cards of the front-end.
	stdout, stderr *os.File

	// canAsk: standard input or error is a terminal, so a person is
	// there; confirmations are then read from /dev/tty.
	canAsk bool
	ttyMu  sync.Mutex
	tty    *os.File
	ttyErr error
	// front is the interactive front-end's asker, when it has one: the
	// plain REPL asks on its own terminal.
	front natural.Asker
}

func newNLPath(cfg *config, stdin, stdout, stderr *os.File) *nlPath {
	s := cfg.engine
	s.Builtins = builtins.Names()
	s.Config = natural.LoadConfig(os.Getenv)
	return &nlPath{
		engine: natural.NewEngine(s),
		config: s.Config,
		yes:    cfg.yes,
		json:   cfg.JSON,
		stdout: stdout,
		stderr: stderr,
		canAsk: cli.IsTTY(stdin) || cli.IsTTY(stderr),
	}
}

// guardFromConfig reports whether the config file turns the guard on
// (guard = true). Only interactive shells read it: -c and scripts never
// read the config file unless a request needs it.
func (nl *nlPath) guardFromConfig() bool {
	c, _, _ := nl.config()
	return c != nil && c.Guard != nil && *c.Guard
}

// asker is how to ask the person now: the front-end's terminal, else
// /dev/tty when a person is there, else nil (refuse).
func (nl *nlPath) asker() natural.Asker {
	if nl.front != nil {
		return nl.front
	}
	if !nl.canAsk {
		return nil
	}
	nl.ttyMu.Lock()
	defer nl.ttyMu.Unlock()
	if nl.tty == nil && nl.ttyErr == nil {
		nl.tty, nl.ttyErr = os.OpenFile("/dev/tty", os.O_RDWR, 0)
	}
	if nl.ttyErr != nil {
		return nil
	}
	return natural.Prompter{In: nl.tty, Out: nl.tty}.Confirm
}

// flow is the natural-language flow writing to out and errw.
func (nl *nlPath) flow(out, errw io.Writer) *natural.Flow {
	return &natural.Flow{Engine: nl.engine, Yes: nl.yes, Ask: nl.asker(), Stdout: out, Stderr: errw, JSON: nl.json,
		Progress: progressTo(errw)}
}

// guard is the shell's guard hook.
func (nl *nlPath) guard() func(context.Context, *syntax.File) error {
	return natural.Guard(nl.yes, nl.asker, func() (string, string) {
		if nl.sess == nil {
			return "", ""
		}
		return nl.sess.Dir(), nl.sess.Getenv("HOME")
	})
}

// close releases the model and the terminal.
func (nl *nlPath) close() {
	nl.engine.Close()
	if nl.tty != nil {
		nl.tty.Close()
	}
}

// progressTo reports a model's progress on a terminal: a line when the
// model loads, so the wait has a reason.
func progressTo(errw io.Writer) func(intents.Progress) {
	f, ok := errw.(*os.File)
	if !ok || !cli.IsTTY(f) {
		return nil
	}
	var once sync.Once
	return func(p intents.Progress) {
		if p.Phase == intents.PhaseLoading {
			once.Do(func() { fmt.Fprintln(errw, "lsh: loading the model…") })
		}
	}
}

// sessionRunner runs what the flow decides in the session's main shell:
// confirmed commands go into the history with their request.
type sessionRunner struct {
	sess *shell.Session
	errw io.Writer
}

func (r sessionRunner) Command(ctx context.Context, command, request string) int {
	status, err := r.sess.RunRequest(ctx, command, "", request)
	if err != nil {
		fmt.Fprintf(r.errw, "lsh: %v\n", err)
	}
	return status
}

func (r sessionRunner) Typed(ctx context.Context, line string) int {
	status, err := r.sess.Run(ctx, line, "")
	if err != nil {
		fmt.Fprintf(r.errw, "lsh: %v\n", err)
	}
	return status
}

// callRunner runs what the llama builtin's flow decides in the shell that
// called it.
type callRunner struct {
	run  builtins.Runner
	errw io.Writer
}

func (r callRunner) Command(ctx context.Context, command, _ string) int {
	status, err := r.run(command)
	if err != nil {
		fmt.Fprintf(r.errw, "lsh: %v\n", err)
	}
	return status
}

func (r callRunner) Typed(ctx context.Context, line string) int { return r.Command(ctx, line, "") }

// oneShot answers `lsh -c '? TEXT'`: the request is resolved and acted on
// as at the prompt, with the card on the terminal when there is one.
func (nl *nlPath) oneShot(ctx context.Context, program string, stdout, stderr io.Writer) int {
	res := natural.Classify(nl.sess, program, classify.Script)
	req := natural.NewRequest(nl.sess, res.Request)
	return nl.flow(stdout, stderr).Do(ctx, req, res, program, sessionRunner{nl.sess, stderr})
}

// dryRun prints what lsh would do with program: its intent, for a person
// or as JSON. It runs nothing.
func (nl *nlPath) dryRun(ctx context.Context, program string, stdout, stderr io.Writer) int {
	for _, w := range nl.engine.Warnings() {
		fmt.Fprintf(stderr, "lsh: %s\n", w)
	}
	in, _, err := natural.Plan(ctx, nl.engine, nl.sess, program, nil)
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
		return 1
	}
	if nl.json {
		natural.WriteJSON(stdout, in)
	} else {
		natural.WriteHuman(stdout, in)
	}
	return 0
}

// isQuestion reports a -c program that is a "? TEXT" request: a cheap
// test, so that plain -c programs pay nothing for the natural-language
// path.
func isQuestion(program string) bool {
	t := strings.TrimLeft(program, " \t\n")
	return t == "?" || strings.HasPrefix(t, "? ") || strings.HasPrefix(t, "?\t")
}

// registerBuiltins makes lsh's builtins (package builtins) commands of the
// session, and gives llama the natural-language path. A builtin whose name
// the shell refuses is skipped and reported; the others are registered.
func (nl *nlPath) registerBuiltins(sess *shell.Session) error {
	var errs []error
	for _, name := range builtins.Names() {
		fn, _ := builtins.Lookup(name)
		err := sess.RegisterBuiltin(name, func(ctx context.Context, c *shell.Call) int {
			last := c.Last()
			env := &builtins.Env{
				Stdin:       c.Stdin,
				Stdout:      c.Stdout,
				Stderr:      c.Stderr,
				Dir:         c.Dir,
				Getenv:      c.Getenv,
				Interactive: isTerminal(c.Stdin) && isTerminal(c.Stdout),
				Last:        builtins.LastRun{Command: last.Text, Status: last.Status, Stderr: last.Stderr},
			}
			if env.Stdin == nil {
				env.Stdin = strings.NewReader("")
			}
			return fn(builtins.WithRunner(ctx, c.Run), env, c.Args)
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	builtins.SetNatural(nl.llama)
	return errors.Join(errs...)
}

// llama is the llama builtin's natural-language path: the same flow as
// "? TEXT", running what is confirmed in the shell that called it.
func (nl *nlPath) llama(ctx context.Context, env *builtins.Env, run builtins.Runner, request string) int {
	req := intents.Request{
		Text: request, Dir: env.Dir, Home: env.Getenv("HOME"),
		LastCommand: env.Last.Command, LastStatus: env.Last.Status,
	}
	for _, h := range nl.sess.History() {
		req.History = append(req.History, h.Text)
	}
	if n := len(req.History); n > 10 {
		req.History = req.History[n-10:]
	}
	res := classify.Result{Natural: true, Explicit: true, Request: request}
	return nl.flow(env.Stdout, env.Stderr).Do(ctx, req, res, "", callRunner{run, env.Stderr})
}

// isTerminal reports whether r or w is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && cli.IsTTY(file)
}

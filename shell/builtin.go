package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Call is what a builtin sees of the shell when it runs.
type Call struct {
	// Args are the expanded words of the command; Args[0] is the name the
	// builtin was called by.
	Args   []string
	Stdin  io.Reader // nil when the command's input is closed
	Stdout io.Writer
	Stderr io.Writer
	// Dir is the working directory of the (sub)shell running the builtin.
	Dir string

	env     expand.Environ
	resolve func(string) Resolution
	run     func(src string) (int, error)
	// trace and lastStatus give Last: what ran before, and $? as the
	// builtin was called.
	trace      *trace
	lastStatus int
}

// Getenv returns the value of a variable in the (sub)shell running the
// builtin, "" when unset.
func (c *Call) Getenv(name string) string { return getVar(c.env, name) }

// Resolve says what name would run as a command in the (sub)shell running
// the builtin, as Session.Resolve does for the main shell.
func (c *Call) Resolve(name string) Resolution { return c.resolve(name) }

// Run runs src in the (sub)shell running the builtin, as `eval` would,
// with the builtin's standard input and output, and returns its exit
// status. A program that does not parse runs nothing: status 2 and a
// *SyntaxError. The guard does not see it: the builtin that calls Run
// decides what runs (llama runs what the person confirmed).
func (c *Call) Run(src string) (int, error) {
	if c.run == nil {
		return 1, errors.New("no shell to run in")
	}
	return c.run(src)
}

// BuiltinFunc implements a command lsh provides itself. It returns the
// command's exit status; ctx is cancelled when the command is interrupted.
type BuiltinFunc func(ctx context.Context, c *Call) int

// builtinFunc is the form of lsh's own shell builtins, which need the
// interpreter's handler context. An error is an interp.ExitStatus or the
// control-flow result of a builtin the interpreter ran (exit, return).
type builtinFunc func(s *Session, c *bcall) error

// bcall is a Call plus what lsh's own builtins need to act on the
// (sub)shell that runs them.
type bcall struct {
	Call
	s      *Session
	ctx    context.Context
	hc     interp.HandlerContext
	runner *interp.Runner // the (sub)shell running the command; nil if unknown
	main   bool           // runner is the session's main shell
}

// Names lsh puts in the arguments of a command it routes. dispatchCmd and
// trapsCmd only ever come from the call handler, so no program can spell
// them; bgCmd, statusCmd, runTrapsCmd and trapDoneCmd appear in rewritten
// programs, which lsh may print and parse again.
const (
	dispatchCmd = "\x00lsh"       // [dispatchCmd, name, args…]: run lsh's builtin name
	trapsCmd    = "\x00lsh-traps" // [trapsCmd, args…]: run pending traps, then args
	bgCmd       = "lsh:bg"        // [bgCmd, id]: start background job id
	statusCmd   = "lsh:status"    // [statusCmd, n]: exit with status n, to set $?
	runTrapsCmd = "lsh:traps"     // [runTrapsCmd]: run pending traps
	trapDoneCmd = "lsh:trap-done" // [trapDoneCmd, token]: a trap ran to its end
)

// RegisterBuiltin adds a command that lsh runs itself, like `llama` or
// `explain`. Shell functions of the same name take precedence, as they do
// over sh's builtins; executables in PATH do not. The name must be a plain
// word that no shell keyword or lsh builtin already uses.
func (s *Session) RegisterBuiltin(name string, fn BuiltinFunc) error {
	if name == "" || strings.ContainsAny(name, "/=$`\"'\\ \t\n;&|<>()") {
		return fmt.Errorf("builtin name %q: not a plain command word", name)
	}
	if syntax.IsKeyword(name) {
		return fmt.Errorf("builtin name %q: a shell keyword", name)
	}
	if fn == nil {
		return fmt.Errorf("builtin %q: nil function", name)
	}
	s.builtinsMu.Lock()
	defer s.builtinsMu.Unlock()
	if _, ok := s.builtins[name]; ok {
		return fmt.Errorf("builtin %q: already registered", name)
	}
	s.builtins[name] = func(s *Session, c *bcall) error {
		call := c.Call
		call.Stderr = s.captureStderr(call.Stderr)
		return exitStatus(fn(c.ctx, &call))
	}
	s.registered(name)
	return nil
}

func (s *Session) registered(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lshBuiltins == nil {
		s.lshBuiltins = make(map[string]bool)
	}
	s.lshBuiltins[name] = true
}

func (s *Session) isLshBuiltin(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lshBuiltins[name]
}

func (s *Session) lookupBuiltin(name string) builtinFunc {
	s.builtinsMu.RLock()
	defer s.builtinsMu.RUnlock()
	return s.builtins[name]
}

// registerOwnBuiltins installs the builtins lsh implements itself, either
// because the interpreter lacks them or because lsh must see them.
func (s *Session) registerOwnBuiltins() {
	for name, fn := range map[string]builtinFunc{
		"set": builtinSet, "trap": builtinTrap, "kill": builtinKill,
		"jobs": builtinJobs, "fg": builtinFg, "bg": builtinBg, "wait": builtinWait, "disown": builtinDisown,
		"umask": builtinUmask, "ulimit": builtinUlimit, "times": builtinTimes,
		"exec": builtinExec, "eval": builtinEval, ".": builtinSource, "source": builtinSource, startupCmd: builtinSource,
		"type": builtinType, "command": builtinCommand, "builtin": builtinBuiltin,
		"alias": builtinAlias, "unalias": builtinUnalias, "history": builtinHistory,
		"logout": builtinLogout, "suspend": builtinSuspend, "shopt": builtinShopt,
		"printf": builtinPrintf, "test": builtinTest, "[": builtinTest,
		"complete": builtinIgnored, "compopt": builtinIgnored, "bind": builtinIgnored,
	} {
		s.builtins[name] = fn
	}
}

// callHandler runs before every simple command, after its expansion. It
// sends lsh's builtins, and any command while a trapped signal waits, to the
// exec handler (the interpreter would run its own builtin of that name).
func (s *Session) callHandler(ctx context.Context, args []string) ([]string, error) {
	s.trace.called(args)
	if s.traps.anyPending() {
		return append([]string{trapsCmd}, args...), nil
	}
	name := args[0]
	if s.lookupBuiltin(name) != nil {
		if r := runnerOf(interp.HandlerCtx(ctx)); r != nil && r.Funcs[name] != nil {
			return args, nil // a function of that name wins
		}
		return append([]string{dispatchCmd}, args...), nil
	}
	return args, nil
}

// builtinMiddleware runs lsh's builtins and the commands its rewrites and
// call handler produce; anything else goes on to execMiddleware.
func (s *Session) builtinMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		switch args[0] {
		case dispatchCmd:
			if fn := s.lookupBuiltin(args[1]); fn != nil {
				return fn(s, s.newCall(ctx, args[1:]))
			}
			return next(ctx, args[1:])
		case trapsCmd:
			c := s.newCall(ctx, args[1:])
			if err := s.runPendingTraps(c); err != nil {
				return err
			}
			return c.evalWords(args[1:])
		case runTrapsCmd:
			return s.runPendingTraps(s.newCall(ctx, args))
		case bgCmd:
			id, _ := strconv.Atoi(argOr(args, 1))
			return s.startJob(s.newCall(ctx, args), id)
		case statusCmd:
			n, _ := strconv.Atoi(argOr(args, 1))
			return exitStatus(n)
		case trapDoneCmd:
			s.traps.done(argOr(args, 1))
			return nil
		}
		if fn := s.lookupBuiltin(args[0]); fn != nil {
			return fn(s, s.newCall(ctx, args))
		}
		return next(ctx, args)
	}
}

func argOr(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// with returns a copy of c running other arguments.
func (c *bcall) with(args []string) *bcall {
	c2 := *c
	c2.Args = args
	return &c2
}

func (s *Session) newCall(ctx context.Context, args []string) *bcall {
	hc := interp.HandlerCtx(ctx)
	r := runnerOf(hc)
	c := &bcall{
		Call: Call{
			Args:   args,
			Stdin:  hc.Stdin,
			Stdout: hc.Stdout,
			Stderr: hc.Stderr,
			Dir:    hc.Dir,
			env:    hc.Env,

			trace:      &s.trace,
			lastStatus: hc.LastExitStatus,
		},
		s:      s,
		ctx:    ctx,
		hc:     hc,
		runner: r,
		main:   r != nil && r == s.runner,
	}
	c.Call.resolve = func(name string) Resolution { return s.resolveHere(c, name) }
	c.Call.run = func(src string) (int, error) {
		if _, err := Parse(src, "-c"); err != nil {
			return 2, err
		}
		return statusOf(builtinEval(s, c.with([]string{"eval", src}))), nil
	}
	return c
}

// exitStatus converts a status to what an exec handler returns: nil for 0,
// as the interpreter requires.
func exitStatus(n int) error {
	if n&0xff == 0 {
		return nil
	}
	return interp.ExitStatus(uint8(n))
}

// statusOf reads the exit status out of a handler or builtin result.
func statusOf(err error) int {
	var es interp.ExitStatus
	switch {
	case err == nil:
		return 0
	case errors.As(err, &es):
		return int(es)
	}
	if n, ok := builtinStatus(err); ok {
		return n
	}
	return 1
}

// builtinStatus reads the status of an error from HandlerContext.Builtin,
// whose type the interpreter keeps to itself; its message is stable.
func builtinStatus(err error) (int, bool) {
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "builtin exit status "); ok {
		n, err := strconv.Atoi(rest)
		return n, err == nil
	}
	return 0, false
}

// errorf prints "lsh: " and a message on the command's standard error,
// and keeps it for LastRun.
func (c *bcall) errorf(format string, args ...any) {
	msg := []byte(fmt.Sprintf("lsh: "+format+"\n", args...))
	c.Stderr.Write(msg)
	c.s.trace.note(msg)
}

// builtin runs one of the interpreter's builtins in the (sub)shell running c.
func (c *bcall) builtin(name string, args ...string) error {
	return c.hc.Builtin(c.ctx, append([]string{name}, args...))
}

// evalWords runs args as a command, exactly as given (each word quoted).
func (c *bcall) evalWords(args []string) error {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quote(a))
	}
	return c.builtin("eval", b.String())
}

// setVars assigns variables in the (sub)shell running c, without tracing
// the assignment when xtrace is on.
func (c *bcall) setVars(vars map[string]string) error {
	var b strings.Builder
	for name, v := range vars {
		fmt.Fprintf(&b, "%s=%s ", name, quote(v))
	}
	trace := strings.IndexByte(c.Getenv(varFlags), 'x') >= 0
	if trace {
		c.builtin("set", "+x")
	}
	err := c.builtin("eval", b.String())
	if trace {
		c.builtin("set", "-x")
	}
	return err
}

// quote renders s as one shell word.
func quote(s string) string {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		// Only a NUL byte cannot be quoted; a shell value never holds one.
		return "''"
	}
	return q
}

// sentinelStmt is a statement running one of lsh's routed commands with its
// standard error sent to /dev/null, so that xtrace does not show it.
func sentinelStmt(args ...string) *syntax.Stmt {
	call := &syntax.CallExpr{}
	for _, a := range args {
		call.Args = append(call.Args, litWord(a))
	}
	return &syntax.Stmt{
		Cmd: call,
		Redirs: []*syntax.Redirect{{
			Op:   syntax.RdrOut,
			N:    &syntax.Lit{Value: "2"},
			Word: litWord("/dev/null"),
		}},
	}
}

package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Input says where a shell reads its program; it decides the c or s letter
// that sh shows in $-.
type Input int

// The ways a shell reads its program.
const (
	InputFile    Input = iota // a script file, or programs handed to Run
	InputCommand              // a -c command string
	InputStdin                // standard input (-s, a pipe, a terminal)
)

// Options configure a new Session. The zero value is a non-interactive shell
// with no input, output discarded, the process environment and directory.
type Options struct {
	Stdin  io.Reader // nil: commands read end of file
	Stdout io.Writer // nil: discarded
	Stderr io.Writer // nil: discarded

	// Interactive makes the shell behave as when a person types at it:
	// `i` and `m` in $-, job notices, survival of SIGINT.
	Interactive bool
	// Login marks a login shell: SIGTERM ends an interactive login shell
	// cleanly, and `logout` works.
	Login bool
	// Input sets the c or s letter in $-.
	Input Input

	Arg0 string   // $0; "lsh" if empty
	Args []string // $1, $2, …

	// Env is the initial environment as NAME=value pairs; nil means the
	// process environment. SHLVL is incremented as every sh does.
	Env []string
	// Dir is the initial working directory; "" means the process's.
	Dir string
	// Set holds options applied as by the `set` builtin before anything
	// runs, e.g. {"-e", "-o", "pipefail", "-o", "guard"}.
	Set []string

	// Guard is called with every parsed program before it runs while the
	// guard option is on (`set -o guard`), except programs given to
	// RunRequest (the person confirmed them already). A non-nil error stops
	// the program: Run returns that error and status 1, or the error's own
	// status when it has an `ExitStatus() int` method. The program is the
	// parser's tree, before lsh rewrites it for the interpreter.
	Guard func(ctx context.Context, prog *syntax.File) error

	// History records each program given to Run in History.
	History bool

	// Question names the builtin that a statement starting with the bare
	// word "?" runs ("? delete the logs" in a script runs `llama delete
	// the logs`); "" leaves "?" a glob pattern, as in sh.
	Question string

	// HandleSignals makes this session own the process's signal handling:
	// traps on INT, TERM, HUP…, an interactive shell surviving SIGINT, a
	// script dying of it. At most one session per process may set it.
	HandleSignals bool
}

// HistoryEntry is one program the session ran.
type HistoryEntry struct {
	Text     string        // the program as given to Run
	Status   int           // its exit status
	Start    time.Time     // when it started
	Duration time.Duration // how long it ran
	// Request is the natural-language request the program was proposed
	// for and confirmed (RunRequest); "" for a line typed as shell code.
	Request string
}

// Session is a running shell. Run, RunReader, Source, Exit, SetStdio,
// SetOption (for the interpreter's options) and Prompt run code or change
// the shell: call them from one goroutine, between programs. The accessors
// (Dir, Getenv, Environ, Functions, Aliases, History, LastStatus, Exited,
// Jobs, Option, Resolve) and RegisterBuiltin are safe at any time, also
// from a builtin while a program runs; they then show the main shell as it
// was when the program started (a builtin sees the present through Call).
type Session struct {
	opts   Options
	runner *interp.Runner
	arg0   string
	stderr io.Writer

	// runMu is held while the main shell runs code; a terminating signal
	// that finds it free ends the shell at once.
	runMu    sync.Mutex
	status   int  // last exit status
	exited   bool // `exit` ran, errexit fired or a fatal error occurred
	exitDone bool // Exit ran the EXIT trap

	// What the accessors return, copied from the interpreter when no
	// program runs, so that a builtin may call them in the middle of one.
	lastStatus atomic.Int32
	ended      atomic.Bool
	dirty      atomic.Bool // a program ran since snap was taken
	snap       snapshot    // guarded by mu

	cancelMu sync.Mutex
	cancel   context.CancelFunc // of the program running now, for interrupts

	builtinsMu sync.RWMutex
	builtins   map[string]builtinFunc

	mu          sync.Mutex      // guards the fields below
	lshBuiltins map[string]bool // names given to RegisterBuiltin
	history     []HistoryEntry
	aliases     map[string]string
	bgStmts     map[int]*bgStmt
	sources     map[int]string
	seq         int

	jobs  jobTable
	traps trapTable
	sig   *signalState // nil unless Options.HandleSignals

	guard, vi, emacs, ignoreEOF atomic.Bool
	mainFlags                   atomic.Value // string: $- of the main shell

	nofileSet  atomic.Bool  // ulimit -n ran in the main shell
	fgChildren atomic.Int32 // foreground processes running now
	fgPids     sync.Map     // their PIDs (int → true)
	intCount   atomic.Int64 // SIGINTs an interactive shell received
	intTaken   atomic.Int64 // the last of them that killed a foreground command
	fgJob      atomic.Pointer[job]
	idleInt    chan struct{}
	jobsCtx    context.Context // parent of every job's context

	umask umaskState

	trace trace // what ran last, for LastRun
}

// New starts a session. It runs nothing from the environment or files; see
// StartupFiles for that.
func New(opts Options) (*Session, error) {
	s := &Session{
		opts:     opts,
		arg0:     opts.Arg0,
		builtins: make(map[string]builtinFunc),
		aliases:  make(map[string]string),
		idleInt:  make(chan struct{}, 1),
		jobsCtx:  context.Background(),
	}
	if s.arg0 == "" {
		s.arg0 = "lsh"
	}
	s.stderr = opts.Stderr
	if s.stderr == nil {
		s.stderr = io.Discard
	}
	s.jobs.init()
	s.traps.init()
	s.umask.init()
	s.registerOwnBuiltins()

	flags := initialFlags(opts)
	plan, err := planSet(opts.Set, flags, false)
	if err != nil {
		return nil, err
	}
	if plan.list != 0 {
		return nil, fmt.Errorf("set: -o needs an option name at start-up")
	}
	for _, c := range plan.session {
		s.setSessionOption(c.name, c.on)
	}

	env, dir := initialEnv(opts.Env, opts.Dir)
	r, err := interp.New(
		interp.Env(expand.ListEnviron(env...)),
		interp.Dir(dir),
		interp.StdIO(opts.Stdin, opts.Stdout, opts.Stderr),
		// POSIX sh expands aliases in scripts too; bash does in --posix.
		interp.Interactive(true),
		interp.CallHandler(s.callHandler),
		interp.ExecHandlers(s.builtinMiddleware, s.execMiddleware),
		interp.OpenHandler(s.openHandler),
	)
	if err != nil {
		return nil, err
	}
	s.runner = r

	// Give the shell lsh's own variables, then its options: the order keeps
	// an -x given at start-up from tracing this set-up.
	init := &syntax.File{Name: s.arg0, Stmts: []*syntax.Stmt{assignStmt(map[string]string{
		varFlags:    plan.flags,
		varPipefail: boolVar(plan.pipefail),
	})}}
	if err := r.Run(context.Background(), init); err != nil {
		return nil, fmt.Errorf("starting the interpreter: %w", err)
	}
	if len(plan.interp) > 0 {
		if err := interp.Params(plan.interp...)(r); err != nil {
			return nil, fmt.Errorf("set: %w", err)
		}
	}
	if err := interp.Params(append([]string{"--"}, opts.Args...)...)(r); err != nil {
		return nil, err
	}
	if opts.Args == nil {
		r.Params = nil
	}
	s.mainFlags.Store(plan.flags)
	s.dirty.Store(true)

	if opts.HandleSignals {
		if err := s.handleSignals(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Run parses src as a complete program and runs it in the session; name is
// used in messages (a file name, "-c", "stdin"…). A program that does not
// parse gives status 2 and a *SyntaxError; otherwise err is nil unless the
// guard refused the program or the interpreter failed, and status is the
// exit status of the last command as in $?.
func (s *Session) Run(ctx context.Context, src, name string) (status int, err error) {
	return s.run(ctx, src, name, "")
}

// RunRequest runs src, a command the person confirmed for the natural-
// language request, as Run does, but without asking the guard again; the
// history records the request with the command.
func (s *Session) RunRequest(ctx context.Context, src, name, request string) (status int, err error) {
	return s.run(ctx, src, name, request)
}

func (s *Session) run(ctx context.Context, src, name, request string) (status int, err error) {
	start := time.Now()
	entry := -1
	if s.opts.History {
		// Recorded before it runs, so that `history` lists itself.
		s.mu.Lock()
		s.history = append(s.history, HistoryEntry{Text: src, Start: start, Request: request})
		entry = len(s.history) - 1
		s.mu.Unlock()
	}
	f, perr := newParser().Parse(strings.NewReader(src), name)
	if perr != nil {
		err = newSyntaxError(perr, name)
		status = 2
		s.runMu.Lock()
		s.trace.begin()
		s.setStatusLocked(ctx, status)
		s.trace.end(src, status, "lsh: "+err.Error()+"\n")
		s.runMu.Unlock()
	} else {
		status, err = s.runProgram(ctx, f, src, request == "")
	}
	if entry >= 0 {
		s.mu.Lock()
		if entry < len(s.history) && s.history[entry].Start == start {
			s.history[entry].Status = status
			s.history[entry].Duration = time.Since(start)
		}
		s.mu.Unlock()
	}
	return status, err
}

// RunReader runs the program read from r as sh runs a script: each line is
// run as soon as it is complete, so output precedes a syntax error further
// down, and when r is an *os.File the shell never reads past the line it
// runs, so commands that read the same input (`read`, `cat`) get the rest.
// It stops at end of input, at `exit`, or at a syntax error (status 2 and a
// *SyntaxError naming name).
func (s *Session) RunReader(ctx context.Context, r io.Reader, name string) (status int, err error) {
	in := newLineReader(r, s)
	p := newParser()
	for stmts, perr := range p.InteractiveSeq(in) {
		if perr != nil {
			status = 2
			s.runMu.Lock()
			s.setStatusLocked(ctx, status)
			s.runMu.Unlock()
			return status, newSyntaxError(perr, name)
		}
		if p.Incomplete() || len(stmts) == 0 {
			continue
		}
		in.release()
		status, err = s.runProgram(ctx, &syntax.File{Name: name, Stmts: stmts}, "", true)
		if err != nil || s.Exited() || ctx.Err() != nil {
			return status, err
		}
	}
	if err := in.err(); err != nil {
		return 1, fmt.Errorf("%s: %w", name, err)
	}
	return s.LastStatus(), nil
}

// runProgram runs a parsed program in the main shell. text is the
// program as typed, for LastRun ("" when it came from a script); guard
// says whether the guard sees it.
func (s *Session) runProgram(ctx context.Context, f *syntax.File, text string, guard bool) (int, error) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if s.exited {
		return s.status, nil
	}
	s.trace.begin()
	if guard && s.guard.Load() && s.opts.Guard != nil {
		// The guard reads the accessors (Dir, Getenv): show it the shell
		// as it is now, after the lines before this one.
		s.refreshLocked()
		if err := s.opts.Guard(ctx, f); err != nil {
			status := 1
			var es interface{ ExitStatus() int }
			if errors.As(err, &es) {
				status = es.ExitStatus()
			}
			s.setStatusLocked(ctx, status)
			s.trace.end(text, status, "lsh: "+err.Error()+"\n")
			return status, err
		}
	}
	s.rewrite(f)
	f.Name = s.arg0

	rctx, cancel := context.WithCancel(ctx)
	s.cancelMu.Lock()
	s.cancel = cancel
	s.cancelMu.Unlock()
	err := s.runner.Run(rctx, f)
	s.cancelMu.Lock()
	s.cancel = nil
	s.cancelMu.Unlock()
	cancel()

	status, err := s.settle(ctx, rctx, err)
	s.status = status
	s.trace.end(text, status, "")
	s.publish()
	s.checkTermination()
	return status, err
}

// publish makes the state after a program visible to the accessors.
// runMu must be held.
func (s *Session) publish() {
	s.lastStatus.Store(int32(s.status))
	s.ended.Store(s.exited)
	s.dirty.Store(true)
}

// snapshot is the main shell's state as the accessors show it.
type snapshot struct {
	dir   string
	vars  map[string]expand.Variable
	funcs map[string]*syntax.Stmt
}

// state returns the main shell's state: fresh when no program runs, as of
// the start of the running program otherwise.
func (s *Session) state() snapshot {
	if s.dirty.Load() && s.runMu.TryLock() {
		s.refreshLocked()
		s.runMu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// refreshLocked copies the main shell's state for the accessors. runMu
// must be held.
func (s *Session) refreshLocked() {
	if !s.dirty.Load() {
		return
	}
	snap := snapshot{
		dir:   s.runner.Dir,
		vars:  make(map[string]expand.Variable, len(s.runner.Vars)),
		funcs: make(map[string]*syntax.Stmt, len(s.runner.Funcs)),
	}
	for k, v := range s.runner.Vars {
		snap.vars[k] = v
	}
	for k, v := range s.runner.Funcs {
		snap.funcs[k] = v
	}
	s.dirty.Store(false)
	s.mu.Lock()
	s.snap = snap
	s.mu.Unlock()
}

// settle turns what the interpreter returned into an exit status, telling
// an interrupted program (status 130, the shell goes on) from one that ended
// the shell.
func (s *Session) settle(ctx, rctx context.Context, err error) (int, error) {
	if rctx.Err() != nil && errors.Is(err, rctx.Err()) {
		// The interpreter treats cancellation as fatal; for a shell it is
		// an interrupted command line.
		s.setStatusLocked(ctx, 130)
		if ctx.Err() != nil {
			return 130, ctx.Err()
		}
		return 130, nil
	}
	var es interp.ExitStatus
	switch {
	case err == nil:
		if s.runner.Exited() {
			s.exited = true
		}
		return 0, nil
	case errors.As(err, &es):
		if s.runner.Exited() {
			s.exited = true
		}
		return int(es), nil
	default:
		s.exited = true
		return 1, err
	}
}

// setStatusLocked makes $? read n, as sh does after a syntax error or an
// interrupt that the interpreter itself never saw. runMu must be held.
func (s *Session) setStatusLocked(ctx context.Context, n int) {
	s.status = n
	st := sentinelStmt(statusCmd, strconv.Itoa(n))
	s.runner.Run(context.WithoutCancel(ctx), &syntax.File{Name: s.arg0, Stmts: []*syntax.Stmt{st}})
	s.publish()
}

// SetStatus makes $? read n, for a line the shell did not run itself: a
// natural-language request that was answered, cancelled or refused.
func (s *Session) SetStatus(ctx context.Context, n int) {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	s.setStatusLocked(ctx, n)
}

// Exit ends the session as sh ends: pending traps, then the EXIT trap with
// $? set to status. It returns the status the shell exits with, which an
// `exit N` in the EXIT trap changes. Later calls only return status.
func (s *Session) Exit(ctx context.Context, status int) int {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	return s.exitLocked(ctx, status)
}

func (s *Session) exitLocked(ctx context.Context, status int) int {
	if s.exitDone {
		return status
	}
	s.exitDone = true
	if s.traps.anyPending() {
		st := sentinelStmt(runTrapsCmd)
		st.Redirs = nil
		s.runner.Run(ctx, &syntax.File{Name: s.arg0, Stmts: []*syntax.Stmt{st}})
	}
	if prog := s.traps.takeExit(); prog != nil {
		s.setStatusLocked(ctx, status)
		prog.Name = s.arg0
		err := s.runner.Run(ctx, prog)
		if s.runner.Exited() {
			var es interp.ExitStatus
			switch {
			case err == nil:
				status = 0
			case errors.As(err, &es):
				status = int(es)
			}
		}
	}
	s.exited = true
	s.status = status
	s.publish()
	return status
}

// SetStdio replaces the shell's standard input, output and error for the
// programs run from now on. A nil writer discards; a reader other than an
// *os.File is copied through a pipe, which may consume all of it.
func (s *Session) SetStdio(in io.Reader, out, errw io.Writer) error {
	s.runMu.Lock()
	defer s.runMu.Unlock()
	if errw == nil {
		s.stderr = io.Discard
	} else {
		s.stderr = errw
	}
	return interp.StdIO(in, out, errw)(s.runner)
}

// Interrupt stops the program running now as Ctrl-C does at an interactive
// prompt: the shell stops at the next command and Run returns status 130.
// External commands are not signalled (the terminal sends them SIGINT).
func (s *Session) Interrupt() {
	s.cancelMu.Lock()
	defer s.cancelMu.Unlock()
	if s.cancel != nil {
		s.cancel()
	}
}

// IdleInterrupts delivers a value each time SIGINT arrives while no program
// runs, so an interactive front-end can drop the line being typed.
// Only sessions with HandleSignals and Interactive receive them.
func (s *Session) IdleInterrupts() <-chan struct{} { return s.idleInt }

// Interactive reports whether the session was started interactive.
func (s *Session) Interactive() bool { return s.opts.Interactive }

// Login reports whether the session is a login shell.
func (s *Session) Login() bool { return s.opts.Login }

// Exited reports whether the shell has ended: `exit`, errexit, a fatal
// error, or Exit.
func (s *Session) Exited() bool { return s.ended.Load() }

// LastStatus is the exit status of the last program, as in $?.
func (s *Session) LastStatus() int { return int(s.lastStatus.Load()) }

// Dir is the shell's working directory.
func (s *Session) Dir() string { return s.state().dir }

// Getenv returns the value of a shell variable, exported or not, and ""
// when it is unset.
func (s *Session) Getenv(name string) string {
	vr := s.state().vars[name]
	if !vr.IsSet() {
		return ""
	}
	return vr.String()
}

// Environ returns the exported variables as sorted NAME=value pairs: the
// environment a command started now would get.
func (s *Session) Environ() []string {
	var env []string
	for name, vr := range s.state().vars {
		if vr.IsSet() && vr.Exported && vr.Kind == expand.String && !hiddenVar(name) {
			env = append(env, name+"="+vr.Str)
		}
	}
	sort.Strings(env)
	return env
}

// Functions returns the names of the defined shell functions, sorted.
func (s *Session) Functions() []string {
	funcs := s.state().funcs
	names := make([]string, 0, len(funcs))
	for name := range funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Aliases returns the defined aliases, name to replacement text.
func (s *Session) Aliases() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]string, len(s.aliases))
	for k, v := range s.aliases {
		m[k] = v
	}
	return m
}

// History returns what ran through Run, oldest first, if Options.History.
func (s *Session) History() []HistoryEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]HistoryEntry(nil), s.history...)
}

// Arg0 is $0.
func (s *Session) Arg0() string { return s.arg0 }

// isTerminal reports whether r is a terminal: a background job must not
// read it.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

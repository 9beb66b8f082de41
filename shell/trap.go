package shell

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/syntax"
)

// trap is the action for one condition. src is what the user gave ("" to
// ignore the signal); prog is src as lsh runs it (rewritten, see rewrite).
type trap struct {
	src  string
	prog string
}

// trapTable holds a session's traps. Signal traps belong to the whole
// process: subshells are goroutines that share its signals. The EXIT trap
// of the main shell is kept here and run by Exit (the interpreter would run
// it after every program); subshells keep theirs in the interpreter.
type trapTable struct {
	mu      sync.Mutex
	sigs    map[syscall.Signal]trap
	exit    *syntax.File
	exitSrc string
	errSrc  string // the main shell's ERR trap, for listing
	dispose func(syscall.Signal)

	pending atomic.Uint64 // bit sig-1 set: sig arrived, its trap has not run
	wakeMu  sync.Mutex
	wakeCh  chan struct{} // closed and replaced when a trap becomes pending

	tokens  sync.Map // trap-done tokens reached
	tokenNo atomic.Int64
}

func (t *trapTable) init() {
	t.sigs = make(map[syscall.Signal]trap)
	t.wakeCh = make(chan struct{})
}

func (t *trapTable) setDisposer(f func(syscall.Signal)) {
	t.mu.Lock()
	t.dispose = f
	t.mu.Unlock()
}

func (t *trapTable) get(sig syscall.Signal) (trap, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.sigs[sig]
	return tr, ok
}

// trapped reports whether sig has a trap that runs code.
func (t *trapTable) trapped(sig syscall.Signal) bool {
	tr, ok := t.get(sig)
	return ok && tr.src != ""
}

func (t *trapTable) set(sig syscall.Signal, tr *trap) {
	t.mu.Lock()
	if tr == nil {
		delete(t.sigs, sig)
	} else {
		t.sigs[sig] = *tr
	}
	dispose := t.dispose
	t.mu.Unlock()
	if dispose != nil {
		dispose(sig)
	}
}

func (t *trapTable) setPending(sig syscall.Signal) {
	t.pending.Or(1 << (uint(sig) - 1))
	t.wakeMu.Lock()
	close(t.wakeCh)
	t.wakeCh = make(chan struct{})
	t.wakeMu.Unlock()
}

func (t *trapTable) anyPending() bool { return t.pending.Load() != 0 }

// wake returns a channel closed when a trapped signal next arrives.
func (t *trapTable) wake() <-chan struct{} {
	t.wakeMu.Lock()
	defer t.wakeMu.Unlock()
	return t.wakeCh
}

// takePending removes and returns the lowest pending signal, 0 if none.
func (t *trapTable) takePending() syscall.Signal {
	for {
		p := t.pending.Load()
		if p == 0 {
			return 0
		}
		bit := p & -p
		if t.pending.CompareAndSwap(p, p&^bit) {
			n := 0
			for bit > 1 {
				bit >>= 1
				n++
			}
			return syscall.Signal(n + 1)
		}
	}
}

// peekPending returns the lowest pending signal without taking it.
func (t *trapTable) peekPending() syscall.Signal {
	p := t.pending.Load()
	for n := 1; p != 0; n, p = n+1, p>>1 {
		if p&1 != 0 {
			return syscall.Signal(n)
		}
	}
	return 0
}

// await waits until sig is pending, for at most d.
func (t *trapTable) await(sig syscall.Signal, d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		wake := t.wake()
		if t.pending.Load()&(1<<(uint(sig)-1)) != 0 {
			return
		}
		select {
		case <-wake:
		case <-timer.C:
			return
		}
	}
}

func (t *trapTable) takeExit() *syntax.File {
	t.mu.Lock()
	defer t.mu.Unlock()
	f := t.exit
	t.exit, t.exitSrc = nil, ""
	return f
}

func (t *trapTable) done(token string) { t.tokens.Store(token, true) }

// runPendingTraps runs the traps of the signals that arrived, in the
// (sub)shell running c. It returns nil when every trap ran to its end, and
// otherwise the result of the builtin that ended it (`exit`, `return`), for
// the interpreter to act on.
func (s *Session) runPendingTraps(c *bcall) error {
	for {
		sig := s.traps.takePending()
		if sig == 0 {
			return nil
		}
		tr, ok := s.traps.get(sig)
		if !ok || tr.src == "" {
			continue
		}
		token := strconv.FormatInt(s.traps.tokenNo.Add(1), 10)
		err := c.builtin("eval", tr.prog+"\n"+trapDoneCmd+" "+token+" 2>/dev/null")
		if _, ok := s.traps.tokens.LoadAndDelete(token); !ok {
			return err
		}
	}
}

// prepare parses a trap's code and rewrites it for the interpreter.
func (s *Session) prepare(src, name string) (string, *syntax.File, error) {
	f, err := newParser().Parse(strings.NewReader(src), name)
	if err != nil {
		return "", nil, newSyntaxError(err, name)
	}
	if !s.rewrite(f) {
		return src, f, nil
	}
	return printProgram(f), f, nil
}

// condition is what a trap applies to.
type condition struct {
	sig  syscall.Signal // 0 for EXIT and ERR
	name string         // EXIT, ERR or the signal's name
}

func parseCondition(spec string) (condition, error) {
	switch up := strings.ToUpper(spec); {
	case spec == "0" || up == "EXIT" || up == "SIGEXIT":
		return condition{name: "EXIT"}, nil
	case up == "ERR":
		return condition{name: "ERR"}, nil
	case up == "DEBUG" || up == "RETURN":
		return condition{}, fmt.Errorf("%s: not supported by lsh", spec)
	}
	sig, ok := parseSignal(spec)
	if !ok || sig == 0 {
		return condition{}, fmt.Errorf("%s: invalid signal specification", spec)
	}
	if untrappable.Get()[sig] {
		return condition{}, fmt.Errorf("%s: cannot be trapped", spec)
	}
	return condition{sig: sig, name: signalName(sig)}, nil
}

// builtinTrap is `trap [-lp] [[action] condition…]` for EXIT, ERR and every
// catchable signal.
func builtinTrap(s *Session, c *bcall) error {
	args := c.Args[1:]
	switch {
	case len(args) > 0 && args[0] == "-l":
		listSignals(c)
		return nil
	case len(args) > 0 && args[0] == "-p":
		return printTraps(s, c, args[1:])
	case len(args) > 0 && args[0] == "--":
		args = args[1:]
	}
	if len(args) == 0 {
		return printTraps(s, c, nil)
	}
	action, specs := args[0], args[1:]
	// POSIX: a single operand, or a first operand that is a number, means
	// every operand is a condition to reset.
	if len(args) == 1 || isUnsigned(args[0]) {
		action, specs = "-", args
	}
	status := 0
	for _, spec := range specs {
		cond, err := parseCondition(spec)
		if err != nil {
			c.errorf("trap: %v", err)
			status = 1
			continue
		}
		if err := s.setTrap(c, cond, action); err != nil {
			c.errorf("trap: %v", err)
			status = 1
		}
	}
	return exitStatus(status)
}

func isUnsigned(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s *Session) setTrap(c *bcall, cond condition, action string) error {
	reset := action == "-"
	switch cond.name {
	case "ERR":
		if reset {
			action = "-"
		}
		if err := c.builtin("trap", action, "ERR"); err != nil {
			return fmt.Errorf("ERR: status %d", statusOf(err))
		}
		if c.main {
			s.traps.mu.Lock()
			s.traps.errSrc = map[bool]string{true: "", false: action}[reset]
			s.traps.mu.Unlock()
		}
		return nil
	case "EXIT":
		if !c.main {
			// A subshell's EXIT trap runs when the interpreter ends it.
			if reset {
				action = "-"
			}
			c.builtin("trap", action, "EXIT")
			return nil
		}
		var f *syntax.File
		if !reset && action != "" {
			_, pf, err := s.prepare(action, "EXIT trap")
			if err != nil {
				return err
			}
			f = pf
		}
		s.traps.mu.Lock()
		s.traps.exit, s.traps.exitSrc = f, action
		if reset {
			s.traps.exitSrc = ""
		}
		s.traps.mu.Unlock()
		return nil
	}
	if reset {
		s.traps.set(cond.sig, nil)
		return nil
	}
	tr := &trap{src: action}
	if action != "" {
		prog, _, err := s.prepare(action, cond.name+" trap")
		if err != nil {
			return err
		}
		tr.prog = prog
	}
	s.traps.set(cond.sig, tr)
	return nil
}

// printTraps lists traps in the form `trap -- 'action' CONDITION`, which
// can be run again to set them.
func printTraps(s *Session, c *bcall, specs []string) error {
	type line struct {
		order int
		name  string
		src   string
	}
	var lines []line
	s.traps.mu.Lock()
	if s.traps.exit != nil || s.traps.exitSrc != "" {
		lines = append(lines, line{0, "EXIT", s.traps.exitSrc})
	}
	for sig, tr := range s.traps.sigs {
		lines = append(lines, line{int(sig), signalName(sig), tr.src})
	}
	if s.traps.errSrc != "" {
		lines = append(lines, line{1000, "ERR", s.traps.errSrc})
	}
	s.traps.mu.Unlock()
	sort.Slice(lines, func(a, b int) bool { return lines[a].order < lines[b].order })
	want := map[string]bool{}
	for _, spec := range specs {
		cond, err := parseCondition(spec)
		if err != nil {
			c.errorf("trap: %v", err)
			return exitStatus(1)
		}
		want[cond.name] = true
	}
	for _, l := range lines {
		if len(want) > 0 && !want[l.name] {
			continue
		}
		fmt.Fprintf(c.Stdout, "trap -- %s %s\n", singleQuote(l.src), l.name)
	}
	return nil
}

// singleQuote quotes s in single quotes, as sh prints trap actions.
func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

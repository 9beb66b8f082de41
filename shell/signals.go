package shell

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/llamashell/lsh/internal/lazy"
)

// signalOwner is set once a session handles the process's signals.
var signalOwner atomic.Bool

// signalState is a session's hold on the process's signals. What sh does
// by default, lsh does with os/signal:
//
//   - non-interactive: every signal has its default action (SIG_DFL), so
//     SIGINT, SIGTERM, SIGQUIT, SIGUSR1… kill lsh and its parent sees the
//     signal; nothing is caught until a trap asks;
//   - interactive: SIGINT interrupts the command line, SIGQUIT is ignored,
//     SIGTERM is ignored unless the shell is a login shell, SIGHUP (and
//     SIGTERM for a login shell) end the shell after its EXIT trap, and
//     SIGTSTP, SIGTTIN, SIGTTOU are ignored (lsh cannot suspend jobs);
//   - a trapped signal is caught and its trap runs between commands;
//     an empty trap action ignores it, which programs started afterwards inherit.
//
// Caught signals are reset to their default in the programs lsh starts
// (execve does it); ignored ones stay ignored, as in sh.
type signalState struct {
	s    *Session
	ch   chan os.Signal
	loop sync.Once // the goroutine reading ch starts with the first catch
	// ignoredAtStart holds the signals ignored when lsh started; POSIX
	// keeps them ignored in a non-interactive shell (nohup relies on it).
	ignoredAtStart map[syscall.Signal]bool
}

// handledSignals are the signals whose disposition lsh manages.
var handledSignals = []syscall.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM,
	syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU,
}

// untrappable are signals lsh will not trap: the kernel forbids KILL and
// STOP, and the Go runtime needs URG and PROF.
var untrappable = lazy.Value[map[syscall.Signal]bool]{Build: func() map[syscall.Signal]bool {
	return map[syscall.Signal]bool{
		syscall.SIGKILL: true, syscall.SIGSTOP: true, syscall.SIGURG: true, syscall.SIGPROF: true,
		syscall.SIGSEGV: true, syscall.SIGBUS: true, syscall.SIGFPE: true, syscall.SIGILL: true,
	}
}}

func (s *Session) handleSignals() error {
	if !signalOwner.CompareAndSwap(false, true) {
		return errors.New("another session already handles this process's signals")
	}
	st := &signalState{s: s, ch: make(chan os.Signal, 16), ignoredAtStart: make(map[syscall.Signal]bool)}
	for _, sig := range handledSignals {
		if signal.Ignored(sig) {
			st.ignoredAtStart[sig] = true
		}
	}
	s.sig = st
	s.traps.setDisposer(st.dispose)
	for _, sig := range handledSignals {
		st.dispose(sig)
	}
	return nil
}

// catch makes lsh receive sig on st.ch. A non-interactive shell catches
// nothing until a trap asks, so `lsh -c` starts no signal goroutine.
func (st *signalState) catch(sig syscall.Signal) {
	st.loop.Do(func() { go st.receive() })
	// Ignore first: after setDefault the runtime believes it no longer
	// handles sig, and Notify then installs its handler again.
	signal.Ignore(sig)
	signal.Notify(st.ch, sig)
}

// setDefault gives sig its default action (SIG_DFL) in lsh and in the
// programs it starts. os/signal has no way to say so: Reset puts back the
// runtime's own handling, which dumps goroutines on SIGQUIT and ignores
// SIGUSR1.
func setDefault(sig syscall.Signal) {
	signal.Ignore(sig) // the runtime forgets the signal…
	// …and the kernel gets SIG_DFL: a zeroed kernel sigaction is SIG_DFL
	// with no flags and an empty mask, whatever the architecture's layout.
	var act [8]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&act)), 0, 8, 0, 0)
}

// dispose sets the process's disposition of sig from its trap and the mode.
func (st *signalState) dispose(sig syscall.Signal) {
	interactive := st.s.opts.Interactive
	if st.ignoredAtStart[sig] && !interactive {
		return
	}
	if t, ok := st.s.traps.get(sig); ok {
		if t.src == "" {
			signal.Ignore(sig)
		} else {
			st.catch(sig)
		}
		return
	}
	switch sig {
	case syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT:
		if interactive {
			st.catch(sig)
		} else {
			setDefault(sig)
		}
	case syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		if interactive {
			signal.Ignore(sig)
		} else {
			setDefault(sig)
		}
	default:
		setDefault(sig)
	}
}

func (st *signalState) receive() {
	for v := range st.ch {
		st.handle(v.(syscall.Signal))
	}
}

// handle acts on a signal the shell received.
func (st *signalState) handle(sig syscall.Signal) {
	s := st.s
	interactive := s.opts.Interactive
	if t, ok := s.traps.get(sig); ok {
		if t.src != "" {
			s.traps.setPending(sig)
		}
		return
	}
	if st.ignoredAtStart[sig] && !interactive {
		return
	}
	{
		switch {
		case interactive && sig == syscall.SIGINT:
			s.interactiveInterrupt(s.intCount.Add(1))
		case interactive && sig == syscall.SIGQUIT:
			// Ignored by an interactive shell, as in sh.
		case interactive && sig == syscall.SIGTERM && !s.opts.Login:
			// bash ignores it, so that `kill 0` spares the shell.
		case interactive && (sig == syscall.SIGHUP || sig == syscall.SIGTERM):
			s.terminate(sig)
		case !terminates(sig):
		default:
			dieOf(sig)
		}
	}
}

// interactiveInterrupt is Ctrl-C at an interactive shell; n counts the
// SIGINTs received.
func (s *Session) interactiveInterrupt(n int64) {
	if j := s.fgJob.Load(); j != nil {
		j.signal(syscall.SIGINT)
		return
	}
	if s.fgChildren.Load() > 0 || n <= s.intTaken.Load() {
		// The terminal sent SIGINT to the command too; if it dies of it,
		// runExternal abandons the command line (and takes this SIGINT).
		return
	}
	s.cancelMu.Lock()
	cancel := s.cancel
	s.cancelMu.Unlock()
	if cancel != nil {
		fmt.Fprintln(s.stderr) // after the terminal's ^C, as sh does
		cancel()
		return
	}
	select {
	case s.idleInt <- struct{}{}:
	default:
	}
}

// termSig is the signal ending the shell, once terminate ran.
var termSig atomic.Int32

// terminate ends an interactive shell on SIGHUP or SIGTERM: its jobs get
// SIGHUP, the foreground command gets the signal, the EXIT trap runs, and
// lsh dies of the signal.
func (s *Session) terminate(sig syscall.Signal) {
	// First: a foreground program killed below may return, and its
	// command line end with checkTermination, before this goroutine runs
	// again; under load the shell then read on and exited 0.
	termSig.Store(int32(sig))
	s.hangUpJobs()
	s.fgPids.Range(func(pid, _ any) bool {
		unix.Kill(pid.(int), sig)
		return true
	})
	if s.runMu.TryLock() {
		// Nothing runs: end now.
		s.exitLocked(context.Background(), 128+int(sig))
		dieOf(sig)
	}
	// A program runs: stop it at its next command; checkTermination ends
	// the shell when it returns. A foreground program that ignores the
	// signal must not keep the shell forever.
	s.Interrupt()
	go func() {
		time.Sleep(3 * time.Second)
		dieOf(sig)
	}()
}

// checkTermination ends the shell if terminate asked it to while a program
// ran. runMu must be held.
func (s *Session) checkTermination() {
	if sig := syscall.Signal(termSig.Load()); sig != 0 && s.sig != nil {
		s.exitLocked(context.Background(), 128+int(sig))
		dieOf(sig)
	}
}

// dieOf ends the process by sig with its default action, so that the
// parent's wait sees the signal (a shell reports 128+N), as the Go runtime
// does for the signals it kills the program on.
func dieOf(sig syscall.Signal) {
	runtime.LockOSThread()
	setDefault(sig)
	var set unix.Sigset_t
	set.Val[(sig-1)/64] |= 1 << ((uint(sig) - 1) % 64)
	unix.PthreadSigmask(unix.SIG_UNBLOCK, &set, nil)
	unix.Tgkill(unix.Getpid(), unix.Gettid(), sig)
	time.Sleep(100 * time.Millisecond)
	os.Exit(128 + int(sig))
}

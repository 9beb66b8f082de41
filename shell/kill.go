package shell

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxSignal is the highest signal number on Linux.
const maxSignal = 64

// parseSignal reads a signal as kill and trap take it: a name with or
// without SIG, in any case (INT, SIGINT, int), or a number.
func parseSignal(s string) (syscall.Signal, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		if n >= 0 && n <= maxSignal {
			return syscall.Signal(n), true
		}
		return 0, false
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, true
	}
	return 0, false
}

// signalName is a signal's name without SIG, as kill -l and trap print it.
func signalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return strings.TrimPrefix(name, "SIG")
	}
	return strconv.Itoa(int(sig))
}

// listSignals prints signal names one per line, as dash's kill -l does.
func listSignals(c *bcall) {
	for sig := syscall.Signal(1); sig <= 31; sig++ {
		if name := unix.SignalName(sig); name != "" {
			fmt.Fprintln(c.Stdout, strings.TrimPrefix(name, "SIG"))
		}
	}
}

// builtinKill is `kill [-s sig | -sig | -n num] pid|%job…` and `kill -l`.
// Jobs are signalled through their process groups; a job running only shell
// code is stopped as its process would have been. Signals the shell traps
// and sends to itself run their trap before kill returns.
func builtinKill(s *Session, c *bcall) error {
	args := c.Args[1:]
	sig := syscall.SIGTERM
	if len(args) == 0 {
		c.errorf("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]")
		return exitStatus(2)
	}
	switch a := args[0]; {
	case a == "-l" || a == "-L":
		if len(args) == 1 {
			listSignals(c)
			return nil
		}
		status := 0
		for _, v := range args[1:] {
			n, err := strconv.Atoi(v)
			if err == nil && n > 128 {
				n -= 128
			}
			if sig, ok := parseSignal(v); err != nil && ok {
				fmt.Fprintln(c.Stdout, int(sig))
				continue
			}
			if err != nil || n < 1 || n > maxSignal {
				c.errorf("kill: %s: invalid signal specification", v)
				status = 1
				continue
			}
			fmt.Fprintln(c.Stdout, signalName(syscall.Signal(n)))
		}
		return exitStatus(status)
	case a == "-s" || a == "-n":
		if len(args) < 2 {
			c.errorf("kill: %s: option requires an argument", a)
			return exitStatus(2)
		}
		sg, ok := parseSignal(args[1])
		if !ok {
			c.errorf("kill: %s: invalid signal specification", args[1])
			return exitStatus(1)
		}
		sig, args = sg, args[2:]
	case a == "--":
		args = args[1:]
	case len(a) > 1 && a[0] == '-' && !isNumber(a[1:]) || len(a) > 1 && a[0] == '-' && len(args) > 1:
		sg, ok := parseSignal(a[1:])
		if !ok {
			c.errorf("kill: %s: invalid signal specification", a[1:])
			return exitStatus(1)
		}
		sig, args = sg, args[1:]
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		c.errorf("kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...")
		return exitStatus(2)
	}
	status := 0
	self := os.Getpid()
	for _, target := range args {
		if strings.HasPrefix(target, "%") {
			j, err := s.jobs.find(target)
			if err == nil {
				err = j.signal(sig)
			}
			if err != nil {
				c.errorf("kill: %s: %v", target, err)
				status = 1
			}
			continue
		}
		pid, err := strconv.Atoi(target)
		if err != nil {
			c.errorf("kill: %s: arguments must be process or job IDs", target)
			status = 1
			continue
		}
		if pid > pseudoPIDBase {
			// A job that started no process; its $! is ours to resolve.
			j, err := s.jobs.find(target)
			if err == nil {
				err = j.signal(sig)
			}
			if err != nil {
				c.errorf("kill: (%d) - No such process", pid)
				status = 1
			}
			continue
		}
		if (pid == self || pid == 0 || pid == -self) && sig != 0 && s.traps.trapped(sig) {
			// The shell traps it: run the trap now rather than when the
			// signal arrives back, as sh does after kill returns.
			s.traps.setPending(sig)
			if pid == self {
				continue
			}
		}
		if pid == self && sig != 0 && s.sig != nil {
			// Act on it now, as a process does when it signals itself,
			// rather than after the signal's trip through os/signal.
			if _, ignored := s.traps.get(sig); !ignored {
				s.sig.handle(sig)
				continue
			}
		}
		if pid == 0 || pid == -self {
			// The shell's own process group. Background jobs have groups
			// of their own; sh's would have been in this one.
			for _, j := range s.jobs.snapshot() {
				if !j.finished() {
					j.signal(sig)
				}
			}
		}
		if err := unix.Kill(pid, sig); err != nil {
			c.errorf("kill: (%d) - %s", pid, errText(err))
			status = 1
		}
	}
	if s.traps.anyPending() {
		if err := s.runPendingTraps(c); err != nil {
			return err
		}
	}
	return exitStatus(status)
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

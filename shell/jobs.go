package shell

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// bgStmt is the statement of a `cmd &` that the rewrite replaced.
type bgStmt struct {
	stmt *syntax.Stmt
	text string
}

// startJob runs background statement id in a subshell of the shell that
// reached it, and sets $! there.
func (s *Session) startJob(c *bcall, id int) error {
	s.mu.Lock()
	bg := s.bgStmts[id]
	s.mu.Unlock()
	if bg == nil || c.runner == nil {
		c.errorf("%s: cannot start background job %d", bgCmd, id)
		return exitStatus(2)
	}
	r2 := c.runner.Subshell()
	stdin := c.Stdin
	// POSIX: without job control a background job reads /dev/null. With it,
	// sh would stop a job that reads the terminal; lsh cannot, so a job
	// never gets the terminal as input.
	if !strings.Contains(c.Getenv(varFlags), "m") || isTerminal(stdin) {
		stdin = nil
	}
	if err := interp.StdIO(stdin, c.Stdout, c.Stderr)(r2); err != nil {
		c.errorf("%v", err)
		return exitStatus(2)
	}
	ctx, cancel := context.WithCancel(s.jobsCtx)
	j := s.jobs.add(bg.text, c.runner, cancel)
	ctx = context.WithValue(ctx, jobKey{}, j)
	file := &syntax.File{Name: s.arg0, Stmts: []*syntax.Stmt{bg.stmt}}
	go func() {
		err := r2.Run(ctx, file)
		s.jobs.finish(j, statusOf(err))
		cancel()
	}()
	// $! must be a process ID: give the job a moment to start its first
	// program. One that starts none (builtins only) gets a pseudo ID.
	select {
	case <-j.started:
	case <-time.After(100 * time.Millisecond):
	}
	pid := j.pid()
	if s.opts.Interactive && c.main {
		fmt.Fprintf(c.Stderr, "[%d] %d\n", j.id, pid)
	}
	return c.setVars(map[string]string{varBang: strconv.Itoa(pid)})
}

// jobLine formats a job as `jobs` prints it.
func (s *Session) jobLine(j *job, long bool) string {
	state := j.state()
	text := j.text
	if state == "Running" {
		text += " &"
	}
	pid := ""
	if long {
		pid = strconv.Itoa(j.pid()) + " "
	}
	return fmt.Sprintf("[%d]%c  %s%-24s%s", j.id, s.jobs.mark(j), pid, state, text)
}

// TakeJobNotices returns a line for each background job that ended since
// the last call and forgets those jobs. An interactive front-end prints them
// before its prompt, as sh prints "[1]+  Done  sleep 1".
func (s *Session) TakeJobNotices() []string {
	var lines []string
	for _, j := range s.jobs.snapshot() {
		if !j.finished() {
			continue
		}
		j.mu.Lock()
		seen := j.notified
		j.notified = true
		j.mu.Unlock()
		if !seen {
			lines = append(lines, s.jobLine(j, false))
		}
		s.jobs.remove(j)
	}
	return lines
}

// Job describes a background job.
type Job struct {
	ID      int    // the N of %N
	PID     int    // $! for the job
	Command string // the command as written
	State   string // Running, Stopped, Done, Exit N, or how it was killed
}

// Jobs returns the session's background jobs, oldest first.
func (s *Session) Jobs() []Job {
	var js []Job
	for _, j := range s.jobs.snapshot() {
		js = append(js, Job{ID: j.id, PID: j.pid(), Command: j.text, State: j.state()})
	}
	return js
}

func builtinJobs(s *Session, c *bcall) error {
	long, pids := false, false
	args := c.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for _, f := range args[0][1:] {
			switch f {
			case 'l':
				long = true
			case 'p':
				pids = true
			default:
				c.errorf("jobs: -%c: invalid option\nusage: jobs [-lp] [jobspec ...]", f)
				return exitStatus(2)
			}
		}
		args = args[1:]
	}
	var list []*job
	status := 0
	if len(args) == 0 {
		list = s.jobs.snapshot()
	}
	for _, spec := range args {
		j, err := s.jobs.find(spec)
		if err != nil {
			c.errorf("jobs: %v", err)
			status = 1
			continue
		}
		list = append(list, j)
	}
	for _, j := range list {
		if pids {
			fmt.Fprintln(c.Stdout, j.pid())
		} else {
			fmt.Fprintln(c.Stdout, s.jobLine(j, long))
		}
		if j.finished() && c.main {
			// Reported: forgotten, as sh does. A subshell (jobs | wc)
			// only looks.
			j.mu.Lock()
			j.notified = true
			j.mu.Unlock()
			s.jobs.remove(j)
		}
	}
	return exitStatus(status)
}

// waitJob waits for a job to end, for the command to be interrupted, or for
// a trapped signal (then it returns 128+signal, as POSIX asks of wait).
func (s *Session) waitJob(c *bcall, j *job) (int, bool) {
	wake := s.traps.wake()
	if sig := s.traps.peekPending(); sig != 0 {
		return 128 + int(sig), false
	}
	select {
	case <-j.done:
		return j.exitStatus(), true
	case <-c.ctx.Done():
		return 130, false
	case <-wake:
		return 128 + int(s.traps.peekPending()), false
	}
}

func builtinWait(s *Session, c *bcall) error {
	args := c.Args[1:]
	next := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		if args[0] != "-n" {
			c.errorf("wait: %s: invalid option\nusage: wait [-n] [id ...]", args[0])
			return exitStatus(2)
		}
		next = true
		args = args[1:]
	}
	forget := func(j *job) {
		j.mu.Lock()
		j.notified = true
		j.mu.Unlock()
		s.jobs.remove(j)
	}
	if len(args) == 0 {
		for {
			var mine []*job
			for _, j := range s.jobs.snapshot() {
				if j.owner == c.runner {
					mine = append(mine, j)
				}
			}
			if next {
				var running []*job
				for _, j := range mine {
					if j.finished() {
						forget(j)
						return exitStatus(j.exitStatus())
					}
					running = append(running, j)
				}
				if len(running) == 0 {
					return exitStatus(127)
				}
				changed, wake := s.jobs.changedCh(), s.traps.wake()
				if sig := s.traps.peekPending(); sig != 0 {
					return s.afterTrap(c, 128+int(sig))
				}
				select {
				case <-changed:
					continue
				case <-c.ctx.Done():
					return exitStatus(130)
				case <-wake:
					return s.afterTrap(c, 128+int(s.traps.peekPending()))
				}
			}
			for _, j := range mine {
				if n, ok := s.waitJob(c, j); !ok {
					return s.afterTrap(c, n)
				}
				forget(j)
			}
			// Process substitutions are the interpreter's own background.
			c.builtin("wait")
			return nil
		}
	}
	status := 0
	for _, spec := range args {
		j, err := s.jobs.find(spec)
		if err != nil {
			c.errorf("wait: %v", err)
			status = 127
			continue
		}
		n, ok := s.waitJob(c, j)
		if !ok {
			return s.afterTrap(c, n)
		}
		forget(j)
		status = n
	}
	return exitStatus(status)
}

// afterTrap runs the traps whose signals interrupted a builtin and returns
// the builtin's status, unless a trap ended the shell.
func (s *Session) afterTrap(c *bcall, status int) error {
	if err := s.runPendingTraps(c); err != nil {
		return err
	}
	return exitStatus(status)
}

// jobControl refuses fg and bg in a shell without job control, as sh does.
func jobControl(c *bcall, name string) bool {
	if !strings.Contains(c.Getenv(varFlags), "m") {
		c.errorf("%s: no job control (turn it on with set -m)", name)
		return false
	}
	return true
}

func builtinFg(s *Session, c *bcall) error {
	if !jobControl(c, "fg") {
		return exitStatus(1)
	}
	spec := "%+"
	if len(c.Args) > 1 {
		spec = c.Args[1]
	}
	j, err := s.jobs.find(spec)
	if err != nil {
		c.errorf("fg: %v", err)
		return exitStatus(1)
	}
	fmt.Fprintln(c.Stdout, j.text)
	if j.stopped() {
		j.signal(syscall.SIGCONT)
	}
	// While the job is in the foreground the interactive Ctrl-C is
	// forwarded to it (its processes are in another process group).
	s.fgJob.Store(j)
	defer s.fgJob.Store(nil)
	select {
	case <-j.done:
	case <-c.ctx.Done():
		return exitStatus(130)
	}
	j.mu.Lock()
	j.notified = true
	j.mu.Unlock()
	s.jobs.remove(j)
	return exitStatus(j.exitStatus())
}

func builtinBg(s *Session, c *bcall) error {
	if !jobControl(c, "bg") {
		return exitStatus(1)
	}
	specs := c.Args[1:]
	if len(specs) == 0 {
		specs = []string{"%+"}
	}
	status := 0
	for _, spec := range specs {
		j, err := s.jobs.find(spec)
		if err != nil {
			c.errorf("bg: %v", err)
			status = 1
			continue
		}
		if err := j.signal(syscall.SIGCONT); err != nil {
			c.errorf("bg: %s: %v", spec, err)
			status = 1
			continue
		}
		fmt.Fprintf(c.Stdout, "[%d]%c %s &\n", j.id, s.jobs.mark(j), j.text)
	}
	return exitStatus(status)
}

func builtinDisown(s *Session, c *bcall) error {
	args := c.Args[1:]
	for len(args) > 0 && (args[0] == "-h" || args[0] == "-a" || args[0] == "-r" || args[0] == "--") {
		args = args[1:]
	}
	if len(args) == 0 {
		if len(c.Args) > 1 {
			// -a and -r: every job.
			for _, j := range s.jobs.snapshot() {
				s.jobs.remove(j)
			}
			return nil
		}
		args = []string{"%+"}
	}
	status := 0
	for _, spec := range args {
		j, err := s.jobs.find(spec)
		if err != nil {
			c.errorf("disown: %v", err)
			status = 1
			continue
		}
		s.jobs.remove(j)
	}
	return exitStatus(status)
}

// hangUpJobs sends SIGHUP (then SIGCONT, so stopped ones see it) to every
// running job, as a shell does when its terminal goes away.
func (s *Session) hangUpJobs() {
	for _, j := range s.jobs.snapshot() {
		if !j.finished() {
			j.signal(syscall.SIGHUP)
			j.signal(syscall.SIGCONT)
		}
	}
}

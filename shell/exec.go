package shell

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"

	"github.com/llamashell/lsh/internal/lazy"
)

// execMiddleware runs external programs. It is the end of the chain: the
// interpreter's default handler after it is never called.
func (s *Session) execMiddleware(next interp.ExecHandlerFunc) interp.ExecHandlerFunc {
	return func(ctx context.Context, args []string) error {
		return s.runExternal(s.newCall(ctx, args))
	}
}

// commandError is why a command word found no program to run, with the
// status sh gives: 127 not found, 126 found but not runnable.
type commandError struct {
	status int
	msg    string
}

// lookCommand finds the program a command word runs, as sh does: a word
// with a slash names a file; otherwise the first executable regular file in
// the directories of PATH. A file found that is not executable gives 126.
func lookCommand(dir string, env expand.Environ, name string) (string, *commandError) {
	if strings.Contains(name, "/") {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		fi, err := os.Stat(path)
		switch {
		case err != nil:
			if errors.Is(err, fs.ErrNotExist) {
				return "", &commandError{127, name + ": No such file or directory"}
			}
			return "", &commandError{126, name + ": " + errText(err)}
		case fi.IsDir():
			return "", &commandError{126, name + ": Is a directory"}
		case unix.Access(path, unix.X_OK) != nil:
			return "", &commandError{126, name + ": Permission denied"}
		}
		return path, nil
	}
	pathVar := env.Get("PATH")
	list := defaultPath
	if pathVar.IsSet() {
		list = pathVar.String()
	}
	denied := ""
	for _, elem := range filepath.SplitList(list) {
		if elem == "" {
			elem = "."
		}
		path := filepath.Join(elem, name)
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		fi, err := os.Stat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if unix.Access(path, unix.X_OK) != nil {
			if denied == "" {
				denied = path
			}
			continue
		}
		return path, nil
	}
	if denied != "" {
		return "", &commandError{126, denied + ": Permission denied"}
	}
	return "", &commandError{127, name + ": command not found"}
}

// errText is an OS error as sh prints it: "Permission denied", without Go's
// "stat /x:" prefix.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}

// runExternal runs a program and waits for it, giving sh's statuses.
func (s *Session) runExternal(c *bcall) error {
	name := c.Args[0]
	path, cerr := lookCommand(c.Dir, c.env, name)
	if cerr != nil {
		c.errorf("%s", cerr.msg)
		return exitStatus(cerr.status)
	}
	j := jobOf(c.ctx)
	cmd, err := s.startProcess(c, path, c.Args, j)
	if errors.Is(err, syscall.ENOEXEC) {
		// A file the kernel will not run, such as a script without "#!",
		// is a shell script: run it with a new lsh, as sh runs it with sh.
		var self string
		if self, err = selfExe(); err == nil {
			cmd, err = s.startProcess(c, self, append([]string{"lsh", path}, c.Args[1:]...), j)
		}
	}
	if err != nil {
		status := 126
		msg := errText(err)
		switch {
		case errors.Is(err, syscall.ENOENT):
			// The file exists (lookCommand saw it): its interpreter does not.
			status, msg = 127, "cannot execute: required file not found"
		case errors.Is(err, syscall.EACCES):
			msg = "Permission denied"
		case errors.Is(err, syscall.E2BIG):
			msg = "Argument list too long"
		}
		c.errorf("%s: %s", name, msg)
		return exitStatus(status)
	}

	fg := j == nil
	ints := s.intCount.Load()
	if fg {
		s.fgChildren.Add(1)
		s.fgPids.Store(cmd.Process.Pid, true)
	}
	werr := cmd.Wait()
	if fg {
		s.fgPids.Delete(cmd.Process.Pid)
		s.fgChildren.Add(-1)
	}
	if j != nil {
		j.procDone(cmd.Process.Pid)
	}

	status := 0
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		switch {
		case ws.Signaled():
			sig := ws.Signal()
			status = 128 + int(sig)
			if fg && s.opts.Interactive {
				s.reportSignal(c, sig, ws.CoreDump())
			}
			if fg && s.sig != nil && s.traps.trapped(sig) {
				// The terminal sent the signal to the shell too, most
				// likely; os/signal hands it over a moment later. Wait for
				// it, so that the trap runs now, as sh runs it.
				s.traps.await(sig, 100*time.Millisecond)
			}
			if fg && sig == syscall.SIGINT && s.opts.Interactive {
				// Ctrl-C killed the foreground command: abandon the
				// rest of the command line, as an interactive sh does.
				// The shell got the same SIGINT from the terminal; once
				// os/signal hands it over, it is this command's, not one
				// typed at the prompt.
				if s.sig != nil {
					deadline := time.Now().Add(100 * time.Millisecond)
					for s.intCount.Load() == ints && time.Now().Before(deadline) {
						time.Sleep(time.Millisecond)
					}
					s.intTaken.Store(s.intCount.Load())
				}
				fmt.Fprintln(c.Stderr)
				s.Interrupt()
			}
		case ws.Exited():
			status = ws.ExitStatus()
		}
	} else if werr != nil {
		status = 1
	}
	if s.traps.anyPending() {
		if err := s.runPendingTraps(c); err != nil {
			return err
		}
	}
	return exitStatus(status)
}

// reportSignal tells an interactive user how a foreground command died, as
// sh does ("Killed", "Segmentation fault (core dumped)"); Ctrl-C and broken
// pipes are not worth a message.
func (s *Session) reportSignal(c *bcall, sig syscall.Signal, core bool) {
	if sig == syscall.SIGINT || sig == syscall.SIGPIPE {
		return
	}
	msg := unix.SignalName(sig)
	if d := sigDescriptions.Get()[sig]; d != "" {
		msg = d
	}
	if core {
		msg += " (core dumped)"
	}
	fmt.Fprintln(c.Stderr, msg)
}

var sigDescriptions = lazy.Value[map[syscall.Signal]string]{Build: func() map[syscall.Signal]string {
	return map[syscall.Signal]string{
		syscall.SIGHUP: "Hangup", syscall.SIGQUIT: "Quit", syscall.SIGILL: "Illegal instruction",
		syscall.SIGTRAP: "Trace/breakpoint trap", syscall.SIGABRT: "Aborted", syscall.SIGBUS: "Bus error",
		syscall.SIGFPE: "Floating point exception", syscall.SIGKILL: "Killed", syscall.SIGUSR1: "User defined signal 1",
		syscall.SIGSEGV: "Segmentation fault", syscall.SIGUSR2: "User defined signal 2", syscall.SIGALRM: "Alarm clock",
		syscall.SIGTERM: "Terminated", syscall.SIGXCPU: "CPU time limit exceeded", syscall.SIGXFSZ: "File size limit exceeded",
		syscall.SIGSYS: "Bad system call",
	}
}}

// startProcess starts one program for c, in job j's process group when j
// is not nil. The umask and resource limits of the (sub)shell apply.
func (s *Session) startProcess(c *bcall, path string, argv []string, j *job) (*exec.Cmd, error) {
	path, argv, env := trampoline(c, path, argv, childEnv(c.env))
	stderr := s.captureStderr(c.Stderr)
	newCmd := func() *exec.Cmd {
		cmd := &exec.Cmd{
			Path:   path,
			Args:   argv,
			Env:    env,
			Dir:    c.Dir,
			Stdin:  c.Stdin,
			Stdout: c.Stdout,
			Stderr: stderr,
		}
		if j != nil {
			// Background processes get their own process group, so that
			// the terminal's Ctrl-C (sent to the foreground group) spares
			// them as sh's job control does, and `kill %N` reaches their
			// children too.
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: j.groupID()}
		}
		return cmd
	}
	var cmd *exec.Cmd
	var err error
	start := func() {
		cmd = newCmd()
		err = cmd.Start()
		if err != nil && j != nil && errors.Is(err, syscall.EPERM) && cmd.SysProcAttr.Pgid != 0 {
			// The job's group has no process left to join: start a new one.
			j.resetGroup()
			cmd = newCmd()
			err = cmd.Start()
		}
		// A concurrently forked process may briefly hold the file open
		// for writing (go.dev/issue/22315): retry a little.
		for delay := time.Millisecond; errors.Is(err, syscall.ETXTBSY) && delay < 300*time.Millisecond; delay *= 2 {
			time.Sleep(delay)
			cmd = newCmd()
			err = cmd.Start()
		}
	}
	s.umask.with(c.env, start)
	if err != nil {
		return nil, err
	}
	if j != nil {
		j.procStarted(cmd.Process.Pid)
	}
	return cmd, nil
}

// selfExe is the lsh executable, to run scripts that have no "#!" line
// (package os reads it once, when the process starts).
var selfExe = os.Executable

// builtinExec is `exec [cmd args…]`. In the main shell, when its standard
// files are real files, it replaces lsh with the program, as sh does (the
// PID stays, signals reach the program). In a subshell, which is a goroutine
// of lsh, it runs the program and ends the subshell with its status.
func builtinExec(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		// Redirections only: they stay on the shell.
		return c.builtin("exec")
	}
	in, inOK := fileOrNil(c.Stdin)
	out, outOK := c.Stdout.(*os.File)
	errf, errOK := c.Stderr.(*os.File)
	if !c.main || !inOK || !outOK || !errOK {
		return c.builtin("exec", args...)
	}
	path, cerr := lookCommand(c.Dir, c.env, args[0])
	if cerr != nil {
		c.errorf("exec: %s", cerr.msg)
		return s.exitWith(c, cerr.status)
	}
	fds := []*os.File{in, out, errf}
	for i, f := range fds {
		target := i
		if f == nil {
			if f2, err := os.Open(os.DevNull); err == nil {
				f = f2
			}
		}
		if f != nil && int(f.Fd()) != target {
			if err := unix.Dup2(int(f.Fd()), target); err != nil {
				c.errorf("exec: %v", err)
				return s.exitWith(c, 126)
			}
		}
	}
	if err := os.Chdir(c.Dir); err != nil {
		c.errorf("exec: %s: %s", c.Dir, errText(err))
		return s.exitWith(c, 126)
	}
	env := childEnv(c.env)
	// syscall.Exec also gives back the open-files limit Go raised.
	err := syscall.Exec(path, args, env)
	if err == syscall.ENOEXEC {
		if self, e := selfExe(); e == nil {
			err = syscall.Exec(self, append([]string{"lsh", path}, args[1:]...), env)
		}
	}
	status := 126
	if err == syscall.ENOENT {
		status = 127
	}
	c.errorf("exec: %s: %s", args[0], errText(err))
	return s.exitWith(c, status)
}

func fileOrNil(r any) (*os.File, bool) {
	if r == nil {
		return nil, true
	}
	f, ok := r.(*os.File)
	return f, ok
}

// exitWith ends the (sub)shell running c with status, as a failed exec
// does in a non-interactive sh.
func (s *Session) exitWith(c *bcall, status int) error {
	if s.opts.Interactive && c.main {
		return exitStatus(status)
	}
	return c.builtin("exit", strconv.Itoa(status))
}

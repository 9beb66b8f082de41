package builtins

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/llamashell/lsh/internal/lazy"
)

// This file is what exit statuses mean: by convention, as signals, and
// for tools whose statuses say more than "it failed".

// signal is what a death by a signal means to a person.
type signal struct {
	name  string
	cause string
	// fix is a read-only command that shows more, a template as in
	// why_stderr.go; "" for none.
	fix, fixWhy string
}

// signals are the signals a command commonly dies of; a status of 128+N
// means signal N. Numbers are Linux's (the same on x86 and ARM for these).
var signals = lazy.Value[map[int]signal]{Build: func() map[int]signal {
	return map[int]signal{
		1: {name: "SIGHUP", cause: "Its terminal went away (hang-up): the window or ssh session it ran in was closed. nohup or tmux keep a command running after that."},
		2: {name: "SIGINT", cause: "You pressed Ctrl-C (or something sent it an interrupt): it stopped because it was asked to."},
		3: {name: "SIGQUIT", cause: "You pressed Ctrl-\\ (quit), which also asks for a core dump."},
		4: {name: "SIGILL", cause: "It ran an instruction this CPU does not have: a binary built for a newer CPU, or a corrupted program."},
		5: {name: "SIGTRAP", cause: "It hit a debugger breakpoint or a trap instruction, often a deliberate crash on a failed internal check."},
		6: {name: "SIGABRT", cause: "It aborted itself: a failed assertion, or the C library caught memory corruption (a double free). The lines before the abort in its output say which."},
		7: {name: "SIGBUS", cause: "It touched memory that is not there: usually a memory-mapped file that shrank or whose disk filled up."},
		8: {name: "SIGFPE", cause: "An arithmetic error inside it, typically an integer division by zero: a bug in the program or bad input."},
		9: {name: "SIGKILL", cause: "It was killed outright, with no chance to clean up: often the kernel's out-of-memory killer, or someone ran kill -9.",
			fix: "{oom-log}", fixWhy: "Look in the kernel log for the out-of-memory killer choosing a process to kill."},
		10: {name: "SIGUSR1", cause: "It received SIGUSR1, a signal programs define for themselves, which it does not handle."},
		11: {name: "SIGSEGV", cause: "A segmentation fault: it touched memory it does not own. That is a bug in the program (or a library it uses), sometimes triggered by unusual input; the command line itself is rarely to blame."},
		12: {name: "SIGUSR2", cause: "It received SIGUSR2, a signal programs define for themselves, which it does not handle."},
		13: {name: "SIGPIPE", cause: "It wrote into a pipe whose reader had already finished, as in `… | head`: usually harmless, the reader had all it wanted."},
		14: {name: "SIGALRM", cause: "A timer went off that it did not handle."},
		15: {name: "SIGTERM", cause: "Something asked it to stop: kill, systemctl stop, timeout, or a shutdown."},
		20: {name: "SIGTSTP", cause: "You pressed Ctrl-Z: it is stopped, not gone. fg brings it back, bg lets it go on in the background."},
		24: {name: "SIGXCPU", cause: "It used up the CPU time it was allowed (ulimit -t)."},
		25: {name: "SIGXFSZ", cause: "It tried to write a file bigger than it is allowed (ulimit -f)."},
	}
}}

// signalOf returns the signal a status of 128+N reports, false for other
// statuses. Signal numbers stop at 64 on Linux; 255 and friends are plain
// statuses.
func signalOf(status int) (int, signal, bool) {
	n := status - 128
	if n < 1 || n > 64 {
		return 0, signal{}, false
	}
	if s, ok := signals.Get()[n]; ok {
		return n, s, true
	}
	name := unix.SignalName(syscall.Signal(n))
	if name == "" {
		name = fmt.Sprintf("signal %d", n)
	}
	return n, signal{name: name, cause: "It was stopped by " + name + ", which it does not handle."}, true
}

// statuses are the conventional meanings of exit statuses any command
// might return.
var statuses = lazy.Value[map[int]string]{Build: func() map[int]string {
	return map[int]string{
		1:   "Status 1 is the general \"it failed\": the command ran and reported a problem; its error output says which.",
		2:   "Status 2 usually means it was used wrongly (a bad option or argument) or hit a serious error.",
		126: "Status 126: the command was found but could not be run (not executable, or permission denied).",
		127: "Status 127: the command was not found.",
		128: "Status 128 is what git returns on a fatal error, and what shells give for an invalid argument to exit.",
		255: "Status 255 is ssh's own failure (it could not connect or log in), or a program exiting with -1.",
	}
}}

// toolStatus is a status with a meaning specific to one tool.
type toolStatus struct {
	cause string
	// benign statuses report a result, not an error (grep found nothing).
	benign bool
}

// toolStatuses are tools whose statuses say more than "it failed", by
// the tool's name (after sudo, env, timeout… are peeled off). The table
// (a map per tool) is built on first use, not at every lsh start.
var toolStatuses = lazy.Value[map[string]map[int]toolStatus]{Build: func() map[string]map[int]toolStatus {
	return map[string]map[int]toolStatus{
		"grep":    {1: {"grep found no line matching the pattern. That is an answer, not an error.", true}, 2: {"grep could not read a file or the pattern is invalid.", false}},
		"egrep":   {1: {"grep found no line matching the pattern. That is an answer, not an error.", true}},
		"fgrep":   {1: {"grep found no line matching the pattern. That is an answer, not an error.", true}},
		"rg":      {1: {"ripgrep found no match. That is an answer, not an error.", true}, 2: {"ripgrep hit an error (an unreadable file, a bad pattern).", false}},
		"diff":    {1: {"The files differ: diff reports that with status 1, it is not an error.", true}, 2: {"diff could not compare them (a missing or unreadable file).", false}},
		"cmp":     {1: {"The files differ: cmp reports that with status 1.", true}},
		"test":    {1: {"The condition tested false. That is an answer, not an error.", true}},
		"[":       {1: {"The condition tested false. That is an answer, not an error.", true}},
		"[[":      {1: {"The condition tested false. That is an answer, not an error.", true}},
		"false":   {1: {"false always returns 1: that is its job.", true}},
		"pgrep":   {1: {"No running process matched.", true}},
		"pkill":   {1: {"No running process matched, so nothing was signalled.", true}},
		"pidof":   {1: {"No running process has that name.", true}},
		"which":   {1: {"Not found on PATH: the command is not installed (or not on PATH).", true}},
		"command": {1: {"Not found: no command, builtin or function has that name.", true}},
		"type":    {1: {"Not found: no command, builtin or function has that name.", true}},
		"timeout": {124: {"The time limit ran out: timeout stopped the command.", false}, 125: {"timeout itself failed (a bad duration or option).", false}},
		"curl": {
			3:  {"curl: the URL is malformed.", false},
			6:  {"curl could not resolve the host name: a typo, or DNS/network trouble.", false},
			7:  {"curl could not connect: nothing listens there, or a firewall refuses.", false},
			22: {"The server answered with an HTTP error (400 or above) and -f made curl fail.", false},
			23: {"curl could not write what it downloaded (disk full, or no permission in the target folder).", false},
			28: {"curl timed out.", false},
			35: {"The TLS (https) handshake failed.", false},
			56: {"The connection broke while receiving data.", false},
			60: {"The server's certificate could not be verified (expired, self-signed, or a missing CA bundle).", false},
		},
		"wget": {
			3: {"wget could not write the file (disk full, or no permission).", false},
			4: {"wget hit a network failure (DNS, refused or timed out connection).", false},
			5: {"wget could not verify the server's certificate.", false},
			6: {"The server wanted a user name and password.", false},
			8: {"The server answered with an error (404 not found, 403 forbidden…).", false},
		},
		"ssh":   {255: {"ssh itself failed: it could not connect, the host key did not match, or the login was refused.", false}},
		"scp":   {1: {"The copy failed; scp's message says whether connecting or a file was the problem.", false}},
		"rsync": {23: {"Some files could not be transferred (permissions, or files that vanished).", false}, 24: {"Some source files vanished while rsync ran.", false}, 255: {"The ssh connection rsync uses failed.", false}},
		"git":   {128: {"git stopped with a fatal error (not a repository, a bad revision, no network): the line starting with \"fatal:\" says which.", false}},
		"make":  {2: {"A command in a recipe failed, or make could not find a rule: the first error above \"make: ***\" is the real one.", false}},
		"ping":  {1: {"No reply came back: the host is down, or it (or a firewall) ignores pings.", false}, 2: {"ping could not even try (an unknown host or a network error).", false}},
		"systemctl": {
			3: {"The unit is not running (systemctl status returns 3 for an inactive unit).", true},
			4: {"There is no such unit: check its name with systemctl list-units --all.", false},
			5: {"The unit is not loaded (no such unit file, or it failed to load).", false},
		},
		"apt":     {100: {"apt failed: a package it cannot find, a lock held by another apt, or no permission (run it with sudo).", false}},
		"apt-get": {100: {"apt-get failed: a package it cannot find, a lock held by another apt, or no permission (run it with sudo).", false}},
		"ls":      {1: {"ls could not read something inside (a subdirectory without permission).", false}, 2: {"ls could not access one of the paths given.", false}},
		"find":    {1: {"find could not read some directories (permission denied) or a path given does not exist; it still printed what it found.", false}},
		"tar":     {1: {"Some files changed while tar read them, or differ (with --compare).", false}, 2: {"tar hit a fatal error: an unreadable archive or a missing file.", false}},
		"sudo":    {1: {"sudo refused (a wrong password, or you may not run this) or the command it ran failed.", false}},
		"docker": {
			125: {"The docker command itself failed (a bad option, or the daemon refused).", false},
			126: {"The command inside the container could not be run (not executable).", false},
			127: {"The command inside the container does not exist in that image.", false},
		},
		"python":  {2: {"Python could not open the script (a wrong path) or was given a bad option.", false}},
		"python3": {2: {"Python could not open the script (a wrong path) or was given a bad option.", false}},
		"mount":   {32: {"The mount failed: the device, the filesystem type or the mount point is wrong.", false}},
	}
}}

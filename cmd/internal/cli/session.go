package cli

import (
	"context"
	"os"

	"golang.org/x/term"

	"github.com/llamashell/lsh/shell"
)

// Mode is how a command line runs: what the shell reads, with which
// arguments, and whether a person is there.
type Mode struct {
	Opts    shell.Options
	Program string // the -c program
	Script  string // the script file's path
}

// NewMode turns a parsed command line into the session's options, the
// same for lsh and lsh-full. The front-end's hooks (Guard, History's
// store) are the caller's to add.
func NewMode(cfg *Config, stdin, stdout, stderr *os.File) Mode {
	m := Mode{Opts: shell.Options{
		Stdin:         stdin,
		Stdout:        stdout,
		Stderr:        stderr,
		Login:         cfg.Login,
		Arg0:          cfg.Argv0,
		Set:           cfg.Set,
		HandleSignals: true,
		Question:      "llama",
	}}
	switch {
	case cfg.Command:
		m.Opts.Input = shell.InputCommand
		m.Program = cfg.Operands[0]
		if len(cfg.Operands) > 1 {
			m.Opts.Arg0 = cfg.Operands[1]
			m.Opts.Args = cfg.Operands[2:]
		}
	case cfg.Stdin || len(cfg.Operands) == 0:
		m.Opts.Input = shell.InputStdin
		m.Opts.Args = cfg.Operands
	default:
		m.Opts.Input = shell.InputFile
		m.Script = cfg.Operands[0]
		m.Opts.Arg0 = m.Script
		m.Opts.Args = cfg.Operands[1:]
	}
	// POSIX: interactive when told so, or when the program comes from a
	// terminal and errors go to one.
	m.Opts.Interactive = cfg.Interactive ||
		m.Opts.Input == shell.InputStdin && IsTTY(stdin) && IsTTY(stderr)
	m.Opts.History = m.Opts.Interactive
	return m
}

// Startup reads the startup files the command line calls for, in the
// order docs/shell.md gives, and reports whether one of them ended the
// shell (exit).
func Startup(ctx context.Context, sess *shell.Session, cfg *Config, interactive bool) (exited bool) {
	// LSH_SYSTEM_PROFILE replaces /etc/profile, for systems that keep it
	// elsewhere (and for tests).
	system := shell.SystemProfile
	if p := os.Getenv("LSH_SYSTEM_PROFILE"); p != "" {
		system = p
	}
	home := sess.Getenv("HOME")
	for _, f := range shell.StartupFiles(system, home, cfg.Login && !cfg.NoProfile, interactive && !cfg.NoRC) {
		sess.Source(ctx, f)
		if sess.Exited() {
			return true
		}
	}
	return false
}

// IsTTY reports whether f is a terminal.
func IsTTY(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }

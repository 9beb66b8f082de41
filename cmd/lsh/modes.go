package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/llamashell/lsh/shell"
)

// run is lsh from its arguments to its exit status.
func run(argv []string, stdin, stdout, stderr *os.File) int {
	cfg, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n%s\n", err, usageLine)
		return 2
	}
	switch {
	case cfg.help:
		printUsage(stdout)
		return 0
	case cfg.version:
		fmt.Fprintf(stdout, "lsh %s\n", version)
		return 0
	}

	nl := newNLPath(cfg, stdin, stdout, stderr)
	defer nl.close()
	opts := shell.Options{
		Stdin:         stdin,
		Stdout:        stdout,
		Stderr:        stderr,
		Login:         cfg.login,
		Arg0:          cfg.argv0,
		Set:           cfg.set,
		HandleSignals: true,
		Guard:         nl.guard(),
		Question:      "llama",
	}
	var program string // the -c program
	var script string  // the script file's path
	switch {
	case cfg.command:
		opts.Input = shell.InputCommand
		program = cfg.operands[0]
		if len(cfg.operands) > 1 {
			opts.Arg0 = cfg.operands[1]
			opts.Args = cfg.operands[2:]
		}
	case cfg.stdin || len(cfg.operands) == 0:
		opts.Input = shell.InputStdin
		opts.Args = cfg.operands
	default:
		opts.Input = shell.InputFile
		script = cfg.operands[0]
		opts.Arg0 = script
		opts.Args = cfg.operands[1:]
	}
	// POSIX: interactive when told so, or when the program comes from a
	// terminal and errors go to one.
	opts.Interactive = cfg.interactive ||
		opts.Input == shell.InputStdin && isTTY(stdin) && isTTY(stderr)
	opts.History = opts.Interactive
	if opts.Interactive && nl.guardFromConfig() {
		// The config's guard = true, before the command line's options
		// (+o guard there wins).
		opts.Set = append([]string{"-o", "guard"}, opts.Set...)
	}

	sess, err := shell.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
		return 2
	}
	nl.sess = sess
	if err := nl.registerBuiltins(sess); err != nil {
		// A name clash is a bug in lsh; a login shell must start anyway.
		fmt.Fprintf(stderr, "lsh: %v\n", err)
	}
	ctx := context.Background()

	// LSH_SYSTEM_PROFILE replaces /etc/profile, for systems that keep it
	// elsewhere (and for tests).
	system := shell.SystemProfile
	if p := os.Getenv("LSH_SYSTEM_PROFILE"); p != "" {
		system = p
	}
	home := sess.Getenv("HOME")
	for _, f := range shell.StartupFiles(system, home, cfg.login && !cfg.noProfile, opts.Interactive && !cfg.noRC) {
		sess.Source(ctx, f)
		if sess.Exited() {
			return sess.Exit(ctx, sess.LastStatus())
		}
	}

	var status int
	switch {
	case cfg.dryRun:
		status = nl.dryRun(ctx, program, stdout, stderr)
	case cfg.command && isQuestion(program):
		status = nl.oneShot(ctx, program, stdout, stderr)
	case cfg.command:
		status, err = sess.RunReader(ctx, strings.NewReader(program), "-c")
	case script != "":
		var in io.Reader
		in, status, err = openScript(script)
		if err == nil {
			status, err = sess.RunReader(ctx, in, script)
		}
	case opts.Interactive:
		status = frontEnd(cfg, stdin, nl)(ctx, sess, stdin, stderr)
	default:
		status, err = sess.RunReader(ctx, stdin, "stdin")
	}
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
	}
	return sess.Exit(ctx, status)
}

// openScript opens a script for lsh FILE, refusing what sh refuses with
// its statuses: 127 when it does not exist, 126 when it cannot be read as
// a script (a directory, a binary, no permission).
func openScript(path string) (io.Reader, int, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 127, fmt.Errorf("%s: No such file or directory", path)
		}
		return nil, 126, fmt.Errorf("%s: %s", path, osText(err))
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		f.Close()
		return nil, 126, fmt.Errorf("%s: Is a directory", path)
	}
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, 126, fmt.Errorf("%s: %s", path, osText(err))
	}
	head = head[:n]
	// Like bash: a NUL byte in the first line means a binary, not a script.
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	if bytes.IndexByte(line, 0) >= 0 {
		f.Close()
		return nil, 126, fmt.Errorf("%s: cannot execute binary file", path)
	}
	// Hide the *os.File: the script is not the commands' input, so the
	// shell may read it in blocks.
	return io.MultiReader(bytes.NewReader(head), f), 0, nil
}

// osText is an OS error without Go's "open FILE:" prefix.
func osText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	return strings.ToUpper(s[:1]) + s[1:]
}

func isTTY(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }

// frontEndFunc runs an interactive session until it ends and returns the
// last status.
type frontEndFunc func(ctx context.Context, sess *shell.Session, in *os.File, errw io.Writer) int

// frontEnd chooses the interactive front-end. It is the one place that
// choice is made: the Bubble Tea TUI serves real terminals (see useTUI:
// not with --plain, not with TERM=dumb); the plain line-by-line REPL
// serves every other interactive shell.
func frontEnd(cfg *config, in *os.File, nl *nlPath) frontEndFunc {
	if useTUI(cfg, in, nl.stdout, nl.stderr) {
		return nl.tuiFrontEnd(cfg)
	}
	return nl.runPlain
}

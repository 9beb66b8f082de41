package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/shell"
)

// run is lsh-full from its arguments to its exit status: every mode of
// lsh, with the interactive terminal and the natural-language path.
func run(argv []string, stdin, stdout, stderr *os.File) int {
	if a, ok := os.LookupEnv(cli.Argv0Env); ok {
		// lsh handed over: be the lsh it was started as ($0, login by
		// "-lsh"), and do not pass the variable on.
		os.Unsetenv(cli.Argv0Env)
		if len(argv) > 0 {
			argv = append([]string{a}, argv[1:]...)
		}
		setProcessName(strings.TrimPrefix(filepath.Base(a), "-"))
	}
	cfg, err := parseArgs(argv)
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n%s\n", err, cli.UsageLine)
		return 2
	}
	if cfg.Help || cfg.Version {
		return cli.Info(cfg.Config, stdout)
	}

	nl := newNLPath(cfg, stdin, stdout, stderr)
	defer nl.close()
	m := cli.NewMode(cfg.Config, stdin, stdout, stderr)
	opts := m.Opts
	opts.Guard = nl.guard()
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
	if cli.Startup(ctx, sess, cfg.Config, opts.Interactive) {
		return sess.Exit(ctx, sess.LastStatus())
	}

	var status int
	switch {
	case cfg.DryRun:
		status = nl.dryRun(ctx, m.Program, stdout, stderr)
	case cfg.Command && isQuestion(m.Program):
		status = nl.oneShot(ctx, m.Program, stdout, stderr)
	case cfg.Command:
		status, err = sess.RunReader(ctx, strings.NewReader(m.Program), "-c")
	case m.Script != "":
		var in io.Reader
		in, status, err = cli.OpenScript(m.Script)
		if err == nil {
			status, err = sess.RunReader(ctx, in, m.Script)
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

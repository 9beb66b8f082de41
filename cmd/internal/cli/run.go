package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/llamashell/lsh/shell"
)

// Run is lsh from its arguments to its exit status. It runs what the POSIX
// interpreter alone can run (-c programs, script files and piped commands
// that do not call for the natural-language path) and hands everything else
// to lsh-full: an interactive shell, the natural-language options, and a
// program that names one of lsh-full's builtins or asks "? TEXT".
func Run(argv []string, stdin, stdout, stderr *os.File) int {
	if os.Getenv(Argv0Env) != "" {
		full, _ := findFull()
		fmt.Fprintf(stderr, "lsh: %s is not %s: it started lsh again\n", full, FullName)
		return 126
	}
	cfg, err := Parse(argv)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "lsh: %v\n%s\n", err, UsageLine)
		return 2
	case cfg.Help || cfg.Version:
		return Info(cfg, stdout)
	case cfg.Natural() || slices.Contains(cfg.Set, "guard"):
		return handOver(argv, stderr)
	}
	m := NewMode(cfg, stdin, stdout, stderr)
	var script []byte
	switch {
	case m.Opts.Interactive:
		return handOver(argv, stderr)
	case cfg.Command:
		if needsFull([]byte(m.Program)) {
			return handOver(argv, stderr)
		}
	case m.Script != "":
		// The whole script is read ahead, to know whether it needs
		// lsh-full; one that cannot be read is lsh-full's to report, after
		// the startup files as sh does.
		in, _, err := OpenScript(m.Script)
		if err == nil {
			script, err = io.ReadAll(in)
		}
		if err != nil || needsFull(script) {
			return handOver(argv, stderr)
		}
	}

	var sess *shell.Session
	m.Opts.Guard = guard(&sess)
	sess, err = shell.New(m.Opts)
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
		return 2
	}
	if err := registerStandIns(sess); err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
	}
	ctx := context.Background()
	if Startup(ctx, sess, cfg, false) {
		return sess.Exit(ctx, sess.LastStatus())
	}
	var status int
	switch {
	case cfg.Command:
		status, err = sess.RunReader(ctx, strings.NewReader(m.Program), "-c")
	case m.Script != "":
		status, err = sess.RunReader(ctx, bytes.NewReader(script), m.Script)
	default:
		status, err = sess.RunReader(ctx, stdin, "stdin")
	}
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
	}
	return sess.Exit(ctx, status)
}

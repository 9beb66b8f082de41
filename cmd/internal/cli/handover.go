package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/shell"
)

// FullName is the executable that has everything lsh hands over: the
// interactive terminal, the natural-language path, lsh's own builtins.
const FullName = "lsh-full"

// Argv0Env carries lsh's argv[0] into lsh-full across the hand-over, so
// that $0 stays "lsh" (or "-lsh" for a login shell) while the process is
// lsh-full. lsh-full removes it from its environment at once, so lsh
// seeing it means the lsh-full it found handed straight back.
const Argv0Env = "LSH_ARGV0"

// findFull finds lsh-full: next to lsh first (the pair go install puts in
// one folder), then in PATH.
func findFull() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		p := filepath.Join(filepath.Dir(exe), FullName)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	if p, err := exec.LookPath(FullName); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s not found next to %s or in PATH; install both with: go install github.com/llamashell/lsh/cmd/...@latest", FullName, exe)
}

// handOver replaces this process with lsh-full, given the same command
// line: the process ID, open files, signal dispositions and environment
// stay, so a parent (sshd, login, a terminal) sees no difference. It
// returns only when that fails.
func handOver(argv []string, stderr *os.File) int {
	full, err := findFull()
	if err != nil {
		fmt.Fprintf(stderr, "lsh: %v\n", err)
		return 127
	}
	argv0 := "lsh"
	if len(argv) > 0 {
		argv0 = argv[0]
		argv = argv[1:]
	}
	os.Setenv(Argv0Env, argv0)
	err = syscall.Exec(full, append([]string{full}, argv...), os.Environ())
	fmt.Fprintf(stderr, "lsh: %s: %v\n", full, err)
	return 126
}

// FullBuiltins are lsh-full's own builtins (package builtins; a test in
// cmd/lsh-full keeps the two lists equal). lsh runs them through lsh-full.
var FullBuiltins = []string{"diagnose", "explain", "llama", "model", "why"}

// registerStandIns makes each of lsh-full's builtins a command of sess
// that runs it in an lsh-full child process: with the caller's arguments,
// standard files, working directory and exported variables. Needed only
// when a program reaches one in a way lsh cannot see before it runs
// (a name built at run time, a piped script); what llama runs then runs
// in that child, so a cd or an assignment it makes does not last.
func registerStandIns(sess *shell.Session) error {
	for _, name := range FullBuiltins {
		err := sess.RegisterBuiltin(name, func(ctx context.Context, c *shell.Call) int {
			full, err := findFull()
			if err != nil {
				fmt.Fprintf(c.Stderr, "%s: %v\n", c.Args[0], err)
				return 127
			}
			words := []string{full, "-c", `"$0" "$@"`}
			words = append(words, c.Args...)
			for i, w := range words {
				if words[i], err = syntax.Quote(w, syntax.LangPOSIX); err != nil {
					fmt.Fprintf(c.Stderr, "%s: %v\n", c.Args[0], err)
					return 2
				}
			}
			status, err := c.Run(strings.Join(words, " "))
			if err != nil {
				fmt.Fprintf(c.Stderr, "lsh: %v\n", err)
			}
			return status
		})
		if err != nil {
			return err
		}
	}
	return nil
}

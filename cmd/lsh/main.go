// Command lsh is the Llama Shell: a POSIX shell that runs -c strings,
// scripts and typed lines exactly as sh would (see docs/shell.md for
// invocation, startup files and signals, docs/compatibility.md for what
// differs from sh).
//
// This executable is small on purpose: `$SHELL -c`, scripts and pipes run
// here with only the interpreter linked in, so they start fast; the
// interactive terminal, natural-language requests and lsh's own builtins
// run in lsh-full, which lsh becomes (exec) or calls when they are needed
// (package cmd/internal/cli).
package main

import (
	"os"

	"github.com/llamashell/lsh/cmd/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// Command lsh is the Llama Shell: a POSIX shell that runs -c strings,
// scripts and typed lines exactly as sh would (see docs/shell.md for
// invocation, startup files and signals, docs/compatibility.md for what
// differs from sh).
//
// Without a terminal lsh never prompts, decorates or loads a model: it is
// safe as a login shell that ssh, scp, cron and editors run with -c.
package main

import (
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

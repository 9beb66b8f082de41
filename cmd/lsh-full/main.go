// Command lsh-full is the whole Llama Shell: every mode of lsh (see
// cmd/lsh), with the interactive terminal, natural-language requests and
// lsh's own builtins. lsh becomes lsh-full (exec) when it needs them; run
// alone, it is a complete lsh (docs/shell.md, "Two executables").
//
// Without a terminal lsh never prompts, decorates or loads a model: it is
// safe as a login shell that ssh, scp, cron and editors run with -c.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

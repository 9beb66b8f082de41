package cli

import (
	"fmt"
	"io"
)

// Version is lsh's version, set at build time with
// -ldflags "-X github.com/llamashell/lsh/cmd/internal/cli.Version=…".
var Version = "0.1.0-dev"

// Info answers --help and --version on w, with status 0.
func Info(cfg *Config, w io.Writer) int {
	if cfg.Help {
		PrintUsage(w)
	} else {
		fmt.Fprintf(w, "lsh %s\n", Version)
	}
	return 0
}

// PrintUsage writes --help; the long options come from the table.
func PrintUsage(w io.Writer) {
	fmt.Fprintln(w, UsageLine)
	fmt.Fprint(w, `
lsh runs POSIX shell code like sh: a -c command string, a script file, or
commands from standard input (a pipe, or a terminal for an interactive shell).

Options:
  -c              run the first operand as the program; the next ones are $0, $1…
  -s              read the program from standard input; operands are $1, $2…
  -i              interactive even if standard input is not a terminal
  -l              login shell (also when the program name starts with "-")
  -abefhmnuvx     set options, as the set builtin takes them (+x to unset)
  -o name         set an option by name (+o name to unset); see set -o
`)
	for _, f := range LongFlags {
		name := "--" + f.Name
		switch f.Arg {
		case NeedArg:
			name += " " + f.Value
		case OptArg:
			name += "[=" + f.Value + "]"
		}
		fmt.Fprintf(w, "  %-16s%s\n", name, f.Help)
	}
	fmt.Fprintf(w, `
Natural language: "? TEXT" (or llama TEXT) asks lsh; at the prompt a line
that reads as English is a request too. A proposed command runs only after
you confirm it on a terminal. Exit statuses besides the command's own:
  1   you cancelled at the confirmation, or lsh asked a question back
  2   usage or syntax error
  %d   not run: the command needed confirmation and there was no terminal
      (or --yes without =force for a system-destroying one); the intent is
      printed on standard error
  126, 127, 128+N   as sh: not executable, not found, killed by signal N
`, StatusNotConfirmed)
}

package main

import (
	"fmt"
	"io"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
)

// config is what the command line asks for: the shell's part as lsh reads
// it (package cli), and the natural-language path's values checked.
type config struct {
	*cli.Config
	yes    natural.Yes
	engine natural.Settings
}

// parseArgs reads the command line as lsh does (cli.Parse), then checks
// the natural-language options' values.
func parseArgs(argv []string) (*config, error) {
	c, err := cli.Parse(argv)
	if err != nil {
		return nil, err
	}
	cfg := &config{Config: c, engine: natural.Settings{Model: c.Model, Source: c.Source, Endpoint: c.Endpoint}}
	if c.YesSet {
		if cfg.yes, err = natural.ParseYes(c.Yes); err != nil {
			return nil, &cli.UsageError{Msg: fmt.Sprintf("--yes: %v", err)}
		}
	}
	if err := natural.CheckSettings(cfg.engine); err != nil {
		return nil, &cli.UsageError{Msg: err.Error()}
	}
	return cfg, nil
}

// printUsage writes the help; the long options come from cli's table.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, cli.UsageLine)
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
	for _, f := range cli.LongFlags {
		name := "--" + f.Name
		switch f.Arg {
		case cli.NeedArg:
			name += " " + f.Value
		case cli.OptArg:
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
`, natural.StatusNotConfirmed)
}

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/cmd/lsh/internal/natural"
	"github.com/llamashell/lsh/shell"
)

// config is what the command line asks for.
type config struct {
	argv0       string
	command     bool // -c: the first operand is the program
	stdin       bool // -s: read the program from standard input
	interactive bool // -i
	login       bool // -l, --login, or argv[0] starting with '-'
	plain       bool // --plain: the plain line-by-line front-end
	noProfile   bool // --noprofile: skip the login files
	noRC        bool // --norc: skip ~/.lshrc
	help        bool
	version     bool
	set         []string // set options in order, as `set` takes them
	operands    []string // after the options: program, name, args / file, args

	// The natural-language path (cmd/lsh/internal/natural).
	dryRun bool        // --dry-run: print the intent of the -c line, run nothing
	json   bool        // --json: the intent as JSON
	yes    natural.Yes // --yes[=force]
	engine natural.Settings
}

// argKind says whether a long flag takes a value.
type argKind int

const (
	noArg   argKind = iota
	needArg         // --name VALUE or --name=VALUE
	optArg          // --name or --name=VALUE
)

// longFlag is one --name option. Adding an option is adding a row.
type longFlag struct {
	name  string
	arg   argKind
	value string // for help: what the value is
	help  string
	apply func(c *config, value string) error
}

var longFlags = []longFlag{
	{name: "login", help: "act as a login shell (read /etc/profile and ~/.lsh_profile or ~/.profile)",
		apply: func(c *config, _ string) error { c.login = true; return nil }},
	{name: "plain", help: "use the plain line-by-line interactive front-end",
		apply: func(c *config, _ string) error { c.plain = true; return nil }},
	{name: "noprofile", help: "do not read the login startup files",
		apply: func(c *config, _ string) error { c.noProfile = true; return nil }},
	{name: "norc", help: "do not read ~/.lshrc",
		apply: func(c *config, _ string) error { c.noRC = true; return nil }},
	{name: "dry-run", help: "print what lsh would do with the -c line (its intent), run nothing",
		apply: func(c *config, _ string) error { c.dryRun = true; return nil }},
	{name: "json", help: "with --dry-run, or when a command is refused: the intent as JSON",
		apply: func(c *config, _ string) error { c.json = true; return nil }},
	{name: "yes", arg: optArg, value: "force", help: "run proposed commands without asking; =force also system-destroying ones",
		apply: func(c *config, v string) (err error) { c.yes, err = natural.ParseYes(v); return err }},
	{name: "model", arg: needArg, value: "FILE", help: "answer requests with this GGUF model (a path or a name in the models folder)",
		apply: func(c *config, v string) error { c.engine.Model = v; return nil }},
	{name: "source", arg: needArg, value: "MODE", help: "which engine answers requests: auto, rules or model",
		apply: func(c *config, v string) error { c.engine.Source = v; return nil }},
	{name: "endpoint", arg: needArg, value: "URL", help: "answer requests with an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1",
		apply: func(c *config, v string) error { c.engine.Endpoint = v; return nil }},
	{name: "help", help: "print this help and exit",
		apply: func(c *config, _ string) error { c.help = true; return nil }},
	{name: "version", help: "print the version and exit",
		apply: func(c *config, _ string) error { c.version = true; return nil }},
}

// usageError is a command line lsh cannot run; it exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// parseArgs reads the command line the POSIX way, as sh and bash do:
// options come first, clustered or not (-lc, -ec, -o pipefail, +x);
// "--" or "-" ends them; the first operand ends them too. -c makes the
// first operand the program, then $0 and the positional parameters.
func parseArgs(argv []string) (*config, error) {
	c := &config{argv0: "lsh"}
	if len(argv) > 0 {
		c.argv0 = argv[0]
		// login, sshd and su - start a login shell as "-lsh".
		c.login = strings.HasPrefix(filepath.Base(argv[0]), "-")
	}
	i := 1
	for i < len(argv) {
		a := argv[i]
		if a == "--" || a == "-" {
			i++
			break
		}
		if strings.HasPrefix(a, "--") {
			name, value, hasValue := strings.Cut(a[2:], "=")
			f := findLong(name)
			if f == nil {
				return nil, &usageError{fmt.Sprintf("%s: invalid option", a)}
			}
			switch f.arg {
			case noArg:
				if hasValue {
					return nil, &usageError{fmt.Sprintf("--%s: takes no value", name)}
				}
			case needArg:
				if !hasValue {
					if i+1 == len(argv) {
						return nil, &usageError{fmt.Sprintf("--%s: option requires an argument", name)}
					}
					i++
					value = argv[i]
				}
			}
			if err := f.apply(c, value); err != nil {
				return nil, &usageError{fmt.Sprintf("--%s: %v", name, err)}
			}
			i++
			continue
		}
		if len(a) < 2 || (a[0] != '-' && a[0] != '+') {
			break
		}
		on := a[0] == '-'
		for j := 1; j < len(a); j++ {
			ch := a[j]
			switch {
			case ch == 'c' && on:
				c.command = true
			case ch == 's' && on:
				c.stdin = true
			case ch == 'i' && on:
				c.interactive = true
			case ch == 'l' && on:
				c.login = true
			case ch == 'o':
				if i+1 == len(argv) {
					return nil, &usageError{fmt.Sprintf("%co: option requires an argument", a[0])}
				}
				i++
				c.set = append(c.set, string(a[0])+"o", argv[i])
			case strings.IndexByte("csil", ch) >= 0:
				return nil, &usageError{fmt.Sprintf("+%c: invalid option", ch)}
			default:
				c.set = append(c.set, string([]byte{a[0], ch}))
			}
		}
		i++
	}
	c.operands = argv[i:]
	if err := shell.CheckSet(c.set); err != nil {
		return nil, &usageError{strings.TrimPrefix(err.Error(), "set: ")}
	}
	if c.command && len(c.operands) == 0 {
		return nil, &usageError{"-c: option requires an argument"}
	}
	if c.dryRun && !c.command {
		return nil, &usageError{"--dry-run: needs -c LINE"}
	}
	if err := natural.CheckSettings(c.engine); err != nil {
		return nil, &usageError{err.Error()}
	}
	return c, nil
}

func findLong(name string) *longFlag {
	for i := range longFlags {
		if longFlags[i].name == name {
			return &longFlags[i]
		}
	}
	return nil
}

const usageLine = "usage: lsh [options] [-c command [name [arg ...]] | -s [arg ...] | file [arg ...]]"

// printUsage writes the help; the long options come from the table.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, usageLine)
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
	for _, f := range longFlags {
		name := "--" + f.name
		switch f.arg {
		case needArg:
			name += " " + f.value
		case optArg:
			name += "[=" + f.value + "]"
		}
		fmt.Fprintf(w, "  %-16s%s\n", name, f.help)
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

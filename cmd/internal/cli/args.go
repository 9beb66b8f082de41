// Package cli reads lsh's command line and runs the shell's non-interactive
// modes (-c, a script file, piped commands) with nothing but the POSIX
// interpreter linked in.
//
// lsh is two executables (docs/shell.md, "Two executables"): lsh, small,
// which `$SHELL -c` and scripts start hundreds of times a day, and
// lsh-full, the interactive terminal, the natural-language path and the
// model engine. Go initialises every package linked into a binary on every
// start, so the natural-language path, the TUI and net/http cost each
// `lsh -c true` several milliseconds even when unused; lsh hands anything
// that needs them to lsh-full instead (Run). Both parse the command line
// here, so they agree on it.
package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/llamashell/lsh/shell"
)

// Config is what the command line asks for.
type Config struct {
	Argv0       string
	Command     bool // -c: the first operand is the program
	Stdin       bool // -s: read the program from standard input
	Interactive bool // -i
	Login       bool // -l, --login, or argv[0] starting with '-'
	Plain       bool // --plain: the plain line-by-line front-end
	NoProfile   bool // --noprofile: skip the login files
	NoRC        bool // --norc: skip ~/.lshrc
	Help        bool
	Version     bool
	Set         []string // set options in order, as `set` takes them
	Operands    []string // after the options: program, name, args / file, args

	// The natural-language path's options, as given; lsh-full checks
	// their values.
	DryRun   bool   // --dry-run: print the intent of the -c line, run nothing
	JSON     bool   // --json: the intent as JSON
	Yes      string // --yes[=force]: the value, "" for a bare --yes
	YesSet   bool   // --yes was given
	Model    string // --model FILE
	Source   string // --source MODE
	Endpoint string // --endpoint URL
}

// Natural reports whether the command line asks for anything of the
// natural-language path, which only lsh-full has.
func (c *Config) Natural() bool {
	return c.DryRun || c.JSON || c.YesSet || c.Model != "" || c.Source != "" || c.Endpoint != ""
}

// ArgKind says whether a long flag takes a value.
type ArgKind int

const (
	NoArg   ArgKind = iota
	NeedArg         // --name VALUE or --name=VALUE
	OptArg          // --name or --name=VALUE
)

// LongFlag is one --name option. Adding an option is adding a row.
type LongFlag struct {
	Name  string
	Arg   ArgKind
	Value string // for help: what the value is
	Help  string
	apply func(c *Config, value string)
}

// LongFlags are lsh's --name options, in the order --help lists them.
var LongFlags = []LongFlag{
	{Name: "login", Help: "act as a login shell (read /etc/profile and ~/.lsh_profile or ~/.profile)",
		apply: func(c *Config, _ string) { c.Login = true }},
	{Name: "plain", Help: "use the plain line-by-line interactive front-end",
		apply: func(c *Config, _ string) { c.Plain = true }},
	{Name: "noprofile", Help: "do not read the login startup files",
		apply: func(c *Config, _ string) { c.NoProfile = true }},
	{Name: "norc", Help: "do not read ~/.lshrc",
		apply: func(c *Config, _ string) { c.NoRC = true }},
	{Name: "dry-run", Help: "print what lsh would do with the -c line (its intent), run nothing",
		apply: func(c *Config, _ string) { c.DryRun = true }},
	{Name: "json", Help: "with --dry-run, or when a command is refused: the intent as JSON",
		apply: func(c *Config, _ string) { c.JSON = true }},
	{Name: "yes", Arg: OptArg, Value: "force", Help: "run proposed commands without asking; =force also system-destroying ones",
		apply: func(c *Config, v string) { c.Yes, c.YesSet = v, true }},
	{Name: "model", Arg: NeedArg, Value: "FILE", Help: "answer requests with this GGUF model (a path or a name in the models folder)",
		apply: func(c *Config, v string) { c.Model = v }},
	{Name: "source", Arg: NeedArg, Value: "MODE", Help: "which engine answers requests: auto, rules or model",
		apply: func(c *Config, v string) { c.Source = v }},
	{Name: "endpoint", Arg: NeedArg, Value: "URL", Help: "answer requests with an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1",
		apply: func(c *Config, v string) { c.Endpoint = v }},
	{Name: "help", Help: "print this help and exit",
		apply: func(c *Config, _ string) { c.Help = true }},
	{Name: "version", Help: "print the version and exit",
		apply: func(c *Config, _ string) { c.Version = true }},
}

// UsageError is a command line lsh cannot run; it exits with status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// UsageLine is the one-line synopsis printed after a usage error.
const UsageLine = "usage: lsh [options] [-c command [name [arg ...]] | -s [arg ...] | file [arg ...]]"

// Parse reads the command line the POSIX way, as sh and bash do: options
// come first, clustered or not (-lc, -ec, -o pipefail, +x); "--" or "-"
// ends them; the first operand ends them too. -c makes the first operand
// the program, then $0 and the positional parameters.
func Parse(argv []string) (*Config, error) {
	c := &Config{Argv0: "lsh"}
	if len(argv) > 0 {
		c.Argv0 = argv[0]
		// login, sshd and su - start a login shell as "-lsh".
		c.Login = strings.HasPrefix(filepath.Base(argv[0]), "-")
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
				return nil, &UsageError{fmt.Sprintf("%s: invalid option", a)}
			}
			switch f.Arg {
			case NoArg:
				if hasValue {
					return nil, &UsageError{fmt.Sprintf("--%s: takes no value", name)}
				}
			case NeedArg:
				if !hasValue {
					if i+1 == len(argv) {
						return nil, &UsageError{fmt.Sprintf("--%s: option requires an argument", name)}
					}
					i++
					value = argv[i]
				}
			}
			f.apply(c, value)
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
				c.Command = true
			case ch == 's' && on:
				c.Stdin = true
			case ch == 'i' && on:
				c.Interactive = true
			case ch == 'l' && on:
				c.Login = true
			case ch == 'o':
				if i+1 == len(argv) {
					return nil, &UsageError{fmt.Sprintf("%co: option requires an argument", a[0])}
				}
				i++
				c.Set = append(c.Set, string(a[0])+"o", argv[i])
			case strings.IndexByte("csil", ch) >= 0:
				return nil, &UsageError{fmt.Sprintf("+%c: invalid option", ch)}
			default:
				c.Set = append(c.Set, string([]byte{a[0], ch}))
			}
		}
		i++
	}
	c.Operands = argv[i:]
	if err := shell.CheckSet(c.Set); err != nil {
		return nil, &UsageError{strings.TrimPrefix(err.Error(), "set: ")}
	}
	if c.Command && len(c.Operands) == 0 {
		return nil, &UsageError{"-c: option requires an argument"}
	}
	if c.DryRun && !c.Command {
		return nil, &UsageError{"--dry-run: needs -c LINE"}
	}
	return c, nil
}

func findLong(name string) *LongFlag {
	for i := range LongFlags {
		if LongFlags[i].Name == name {
			return &LongFlags[i]
		}
	}
	return nil
}

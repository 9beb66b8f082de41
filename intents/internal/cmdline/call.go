package cmdline

import (
	"path"
	"strings"

	"github.com/llamashell/lsh/internal/lazy"
)

// Wrapper describes a command that runs another command given as its
// arguments (sudo rm -rf /tmp/x). Risk and explanations look through it.
type Wrapper struct {
	// Grammar reads the wrapper's own options; they end at the command.
	Grammar Grammar
	// Privileged: the command runs as another user, root unless said.
	Privileged bool
	// Before is how many operands come before the command (timeout
	// DURATION, chroot NEWROOT).
	Before int
	// Assigns: NAME=value words before the command set its environment.
	Assigns bool
	// NoCommand lists options with which no command runs (sudo -l,
	// command -v prints where a command is).
	NoCommand []string
	// Script names the option whose value is a shell command line the
	// wrapper runs (su -c 'CMD', env -S 'CMD ARGS').
	Script []string
	// Joins: the operands, joined by spaces, are run as a shell line
	// (watch 'df -h').
	Joins bool
	// Appends: words read from standard input are appended to the
	// command (xargs).
	Appends bool
	// Default is the command run when none is given (xargs runs echo).
	Default string
	// Permute: options may follow operands (su - root -c CMD).
	Permute bool
	// BypassesFunctions: the name is looked up as a program or builtin,
	// never as a shell function (command rm, builtin cd).
	BypassesFunctions bool
}

// Prefix is one wrapper peeled off a command line.
type Prefix struct {
	Name string
	// Word is the word naming the wrapper.
	Word Word
	// Start is the index in Args.Words of the wrapped command's first
	// word (len(Args.Words) when there is none): the words before it are
	// the wrapper's own.
	Start   int
	Args    Args
	Wrapper *Wrapper
}

// Call is a simple command as it will run, prefixes peeled off.
type Call struct {
	// Name is what runs: "rm" for rm, \rm, 'rm' and /bin/rm; the path for
	// ./rm or ~/bin/rm (not the system rm); "" when the name is computed
	// at run time ($EDITOR, $(echo rm)).
	Name string
	// Argv0 is the word that names the command (zero for a default such
	// as the echo of a bare xargs).
	Argv0 Word
	// Args are the command's arguments.
	Args []Word
	// Prefixes are the wrappers it runs under, outermost first.
	Prefixes []Prefix
	// Script is a shell line a prefix runs instead of a plain command
	// (su -c, watch, env -S); nil otherwise.
	Script *Word
	// Appended: more arguments, unknown, are appended (xargs).
	Appended bool
	// NoCommand: a prefix was asked not to run a command (sudo -l).
	NoCommand bool
}

// Privileged reports whether any prefix runs the command as another user.
func (c Call) Privileged() (Prefix, bool) {
	for _, p := range c.Prefixes {
		if p.Wrapper.Privileged {
			return p, true
		}
	}
	return Prefix{}, false
}

// BypassesFunctions reports whether a prefix makes the shell skip its
// functions when it looks the name up.
func (c Call) BypassesFunctions() bool {
	for _, p := range c.Prefixes {
		if p.Wrapper.BypassesFunctions {
			return true
		}
	}
	return false
}

// binDirs are the directories whose programs are the standard tools: a
// path into them names the same program as the bare name.
var binDirs = lazy.Value[map[string]bool]{Build: func() map[string]bool {
	return map[string]bool{
		"/bin": true, "/sbin": true, "/usr/bin": true, "/usr/sbin": true,
		"/usr/local/bin": true, "/usr/local/sbin": true, "/opt/homebrew/bin": true,
		"/opt/homebrew/sbin": true, "/snap/bin": true, "/usr/games": true,
		"/run/current-system/sw/bin": true, "/nix/var/nix/profiles/default/bin": true,
		"/usr/libexec": true, "/usr/lib/git-core": true,
	}
}}

// ProgramName returns the tool a command word names: the word itself when
// it holds no slash, the base name of a path into a standard bin directory
// (/bin/rm is rm), the path unchanged otherwise (./rm is some local
// program, not rm), and "" when the name is computed at run time.
func ProgramName(w Word) string {
	if !w.Static {
		return ""
	}
	v := w.Value
	if !strings.Contains(v, "/") {
		return v
	}
	if !strings.HasPrefix(v, "/") {
		return v
	}
	dir, base := path.Split(path.Clean(v))
	if base != "" && binDirs.Get()[path.Clean(dir)] {
		return base
	}
	return v
}

// Resolve peels the wrappers off words (a command and its arguments, the
// first word naming the command) and returns the command that runs. The
// wrapper table and the lookup used to read wrapper options are Wrappers
// and the tools' grammars.
func Resolve(words []Word) Call {
	var c Call
	for len(words) > 0 {
		name := ProgramName(words[0])
		w, ok := Wrappers()[name]
		if !ok {
			break
		}
		g := w.Grammar
		g.InOrder = !w.Permute
		args := Split(name, words[1:], func(string) (Grammar, bool) { return g, true })
		rest := args.Words
		start := commandStart(args, w)
		p := Prefix{Name: name, Word: words[0], Args: args, Wrapper: w, Start: start}
		c.Prefixes = append(c.Prefixes, p)
		if w.Appends {
			c.Appended = true
		}
		for _, s := range w.Script {
			if it, ok := args.Opt(s); ok && it.HasValue {
				sw := args.Words[it.Last]
				if it.Last == it.Word {
					// Attached value (-c'CMD'): only the value is the line.
					sw = Made(it.Value, it.Value)
					sw.Static = args.Words[it.Word].Static
				}
				c.Script = &sw
				c.Name = ""
				return c
			}
		}
		if len(w.NoCommand) > 0 && args.Has(w.NoCommand...) {
			c.NoCommand = true
			c.Name, c.Argv0, c.Args = name, words[0], words[1:]
			return c
		}
		if w.Joins && start < len(rest) {
			line := joinValues(rest[start:])
			sw := Made(line, line)
			sw.Static = allStatic(rest[start:])
			c.Script = &sw
			return c
		}
		if start >= len(rest) {
			if w.Default != "" {
				c.Name = w.Default
				c.Args = nil
				return c
			}
			// A wrapper with no command runs as itself: env prints the
			// environment, sudo -i and su open a shell.
			c.NoCommand = true
			c.Name, c.Argv0, c.Args = name, words[0], words[1:]
			return c
		}
		words = rest[start:]
	}
	if len(words) == 0 {
		return c
	}
	c.Argv0 = words[0]
	c.Name = ProgramName(words[0])
	c.Args = words[1:]
	return c
}

// commandStart returns the index, in a wrapper's argument words, of the
// word that names the wrapped command.
func commandStart(args Args, w *Wrapper) int {
	before := w.Before
	for _, it := range args.Items {
		switch it.Kind {
		case Option, EndOfOptions:
			continue
		}
		v := args.Words[it.Word]
		if w.Assigns && v.Static && isAssign(v.Value) {
			continue
		}
		if before > 0 {
			before--
			continue
		}
		return it.Word
	}
	return len(args.Words)
}

// isAssign reports whether s looks like NAME=value.
func isAssign(s string) bool {
	k, _, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

func allStatic(ws []Word) bool {
	for _, w := range ws {
		if !w.Static {
			return false
		}
	}
	return true
}

// Wrappers returns the table of commands that run another command. Keys
// are tool names. The table is built on first use, as Grammars is.
func Wrappers() map[string]*Wrapper { return wrappers.Get() }

var wrappers = lazy.Value[map[string]*Wrapper]{Build: func() map[string]*Wrapper {
	return map[string]*Wrapper{
		"sudo": {
			Grammar: Grammar{Short: "ugpCDrtUTR", Long: []string{"user", "group", "prompt", "close-from",
				"chdir", "role", "type", "other-user", "command-timeout", "chroot", "host"}},
			Privileged: true, Assigns: true,
			NoCommand: []string{"l", "list", "v", "validate", "K", "remove-timestamp", "V", "version", "e", "edit"},
		},
		"doas":   {Grammar: Grammar{Short: "uC"}, Privileged: true, NoCommand: []string{"C"}},
		"pkexec": {Grammar: Grammar{Long: []string{"user"}}, Privileged: true, NoCommand: []string{"version", "help"}},
		"run0": {Grammar: Grammar{Short: "ugD", Long: []string{"user", "group", "chdir", "unit", "property",
			"description", "slice", "nice", "setenv", "background"}}, Privileged: true},
		"su": {
			Grammar:    Grammar{Short: "cgGsw", Long: []string{"command", "group", "supp-group", "shell", "whitelist-environment", "session-command"}},
			Privileged: true, Permute: true, Script: []string{"c", "command", "session-command"},
			// Without -c su opens an interactive shell: no command follows.
			NoCommand: []string{"l", "login", "m", "p", "preserve-environment", "s", "shell", "P", "pty"},
		},
		"systemd-run": {Grammar: Grammar{Short: "pEHMu", Long: []string{"unit", "property", "description",
			"slice", "uid", "gid", "nice", "setenv", "working-directory", "on-active", "on-calendar", "host", "machine"}},
			Privileged: true},
		"env": {
			Grammar: Grammar{Short: "uCS", Long: []string{"unset", "chdir", "split-string"}},
			Assigns: true, Script: []string{"S", "split-string"},
		},
		"nice":    {Grammar: Grammar{Short: "n", Long: []string{"adjustment"}, Numeric: true}},
		"ionice":  {Grammar: Grammar{Short: "cnpPu", Long: []string{"class", "classdata", "pid", "pgid", "uid"}}},
		"nohup":   {},
		"setsid":  {},
		"stdbuf":  {Grammar: Grammar{Short: "ioe", Long: []string{"input", "output", "error"}}},
		"timeout": {Grammar: Grammar{Short: "sk", Long: []string{"signal", "kill-after"}}, Before: 1},
		"time":    {Grammar: Grammar{Short: "fo", Long: []string{"format", "output"}}},
		"command": {NoCommand: []string{"v", "V"}, BypassesFunctions: true},
		"exec":    {Grammar: Grammar{Short: "a"}},
		"builtin": {BypassesFunctions: true},
		"xargs": {
			Grammar: Grammar{Short: "ILnPsdEa", Optional: "ile", Long: []string{"max-lines", "max-args",
				"max-procs", "max-chars", "delimiter", "eof", "arg-file", "process-slot-var"}},
			Appends: true, Default: "echo",
		},
		"chroot":        {Grammar: Grammar{Long: []string{"userspec", "groups"}}, Privileged: true, Before: 1},
		"watch":         {Grammar: Grammar{Short: "nq", Long: []string{"interval", "equexit"}}, Joins: true},
		"strace":        {Grammar: Grammar{Short: "abeEIoOpPsSuX"}},
		"ltrace":        {Grammar: Grammar{Short: "aAeEnopsuX"}},
		"busybox":       {NoCommand: []string{"list", "list-full", "help"}},
		"toybox":        {},
		"unbuffer":      {},
		"caffeinate":    {Grammar: Grammar{Short: "tw"}},
		"flatpak-spawn": {},
		"firejail":      {},
	}
}}

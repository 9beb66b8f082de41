package shell

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Kind is what a command word runs.
type Kind int

// The kinds of command word, in the order a shell looks for them.
const (
	NotFound   Kind = iota // nothing: running it gives status 127
	Alias                  // an alias, expanded before anything else
	Keyword                // a reserved word: if, for, {, [[, !…
	Function               // a shell function
	Builtin                // a shell builtin (cd, set, umask, jobs…)
	LshBuiltin             // a command registered with RegisterBuiltin (llama…)
	Executable             // a program file, found through PATH or by its path
)

var kindNames = [...]string{"not found", "alias", "keyword", "function", "builtin", "lsh builtin", "file"}

// String names the kind as `type -t` does, except LshBuiltin.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Resolution is what a command word would run in the main shell.
type Resolution struct {
	Name string
	Kind Kind
	// Path is the program for an Executable, or for a word that names a
	// file that is not runnable (then Kind is NotFound and Err says why).
	Path string
	// Alias is the replacement text of an Alias.
	Alias string
	// Err says why a NotFound word cannot run: "command not found",
	// "Permission denied"…
	Err string
}

// Resolve says what name would run as a command in the main shell now: an
// alias, keyword, function, shell builtin, lsh builtin, a program in PATH,
// or nothing. It runs nothing.
func (s *Session) Resolve(name string) Resolution {
	st := s.state()
	return s.resolve(name, st.dir, varsEnviron(st.vars), st.funcs, true)
}

// varsEnviron presents the interpreter's snapshot of variables as an Environ.
type varsEnviron map[string]expand.Variable

func (v varsEnviron) Get(name string) expand.Variable { return v[name] }
func (v varsEnviron) Each(f func(string, expand.Variable) bool) {
	for name, vr := range v {
		if !f(name, vr) {
			return
		}
	}
}

func (s *Session) resolve(name, dir string, env expand.Environ, funcs map[string]*syntax.Stmt, aliases bool) Resolution {
	r := Resolution{Name: name}
	if aliases {
		s.mu.Lock()
		text, ok := s.aliases[name]
		s.mu.Unlock()
		if ok {
			r.Kind, r.Alias = Alias, text
			return r
		}
	}
	switch {
	case syntax.IsKeyword(name):
		r.Kind = Keyword
	case funcs[name] != nil:
		r.Kind = Function
	case s.isLshBuiltin(name):
		r.Kind = LshBuiltin
	case interp.IsBuiltin(name) || s.lookupBuiltin(name) != nil:
		r.Kind = Builtin
	default:
		path, cerr := lookCommand(dir, env, name)
		if cerr != nil {
			r.Err = cerr.msg
			if cerr.status == 126 {
				r.Path = strings.TrimSuffix(cerr.msg, ": Permission denied")
			}
			return r
		}
		r.Kind, r.Path = Executable, path
	}
	return r
}

// resolveHere resolves name in the (sub)shell running c.
func (s *Session) resolveHere(c *bcall, name string) Resolution {
	var funcs map[string]*syntax.Stmt
	if c.runner != nil {
		funcs = c.runner.Funcs
	}
	return s.resolve(name, c.Dir, c.env, funcs, true)
}

// describe is a resolution as `type` and `command -V` print it.
func describe(r Resolution, funcs map[string]*syntax.Stmt) string {
	switch r.Kind {
	case Alias:
		return fmt.Sprintf("%s is aliased to `%s'", r.Name, r.Alias)
	case Keyword:
		return r.Name + " is a shell keyword"
	case Function:
		if body := funcs[r.Name]; body != nil {
			return fmt.Sprintf("%s is a function\n%s () %s", r.Name, r.Name, printProgram(body))
		}
		return r.Name + " is a function"
	case Builtin:
		return r.Name + " is a shell builtin"
	case LshBuiltin:
		return r.Name + " is an lsh builtin"
	case Executable:
		return r.Name + " is " + r.Path
	}
	return ""
}

// builtinType is `type [-afptP] name…`.
func builtinType(s *Session, c *bcall) error {
	mode := byte(0)
	all := false
	args := c.Args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) > 1 {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		for i := 1; i < len(args[0]); i++ {
			switch f := args[0][i]; f {
			case 'a':
				all = true
			case 'f':
				// Skip functions: handled below.
				mode = 'f'
			case 'p', 't', 'P':
				mode = f
			default:
				c.errorf("type: -%c: invalid option\nusage: type [-afptP] name [name ...]", f)
				return exitStatus(2)
			}
		}
		args = args[1:]
	}
	var funcs map[string]*syntax.Stmt
	if c.runner != nil {
		funcs = c.runner.Funcs
	}
	status := 0
	for _, name := range args {
		var found []Resolution
		if mode == 'P' {
			if path, cerr := lookCommand(c.Dir, c.env, name); cerr == nil {
				found = append(found, Resolution{Name: name, Kind: Executable, Path: path})
			}
		} else {
			r := s.resolveHere(c, name)
			if mode == 'f' && r.Kind == Function {
				r = s.resolve(name, c.Dir, c.env, nil, true)
			}
			if r.Kind != NotFound {
				found = append(found, r)
			}
			if all && r.Kind != Executable {
				if path, cerr := lookCommand(c.Dir, c.env, name); cerr == nil {
					found = append(found, Resolution{Name: name, Kind: Executable, Path: path})
				}
			}
		}
		if len(found) == 0 {
			if mode != 't' && mode != 'p' && mode != 'P' {
				c.errorf("type: %s: not found", name)
			}
			status = 1
			continue
		}
		for _, r := range found {
			switch mode {
			case 't':
				fmt.Fprintln(c.Stdout, r.Kind.typeWord())
			case 'p', 'P':
				if r.Kind == Executable {
					fmt.Fprintln(c.Stdout, r.Path)
				}
			default:
				fmt.Fprintln(c.Stdout, describe(r, funcs))
			}
		}
	}
	return exitStatus(status)
}

// typeWord is the word `type -t` prints.
func (k Kind) typeWord() string {
	switch k {
	case LshBuiltin:
		return "builtin"
	case Executable:
		return "file"
	}
	return k.String()
}

// builtinCommand is `command [-p] name args…`, which runs name skipping
// functions, and `command -v|-V name…`, which says what names are.
func builtinCommand(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) == 0 {
		return nil
	}
	if args[0] != "-v" && args[0] != "-V" {
		rest := args
		for len(rest) > 0 && (rest[0] == "-p" || rest[0] == "--") {
			rest = rest[1:]
		}
		if len(rest) > 0 && rest[0] != "command" && rest[0] != "builtin" {
			if fn := s.lookupBuiltin(rest[0]); fn != nil {
				return fn(s, c.with(rest))
			}
		}
		return c.builtin("command", args...)
	}
	verbose := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "--" {
			args = args[1:]
			break
		}
		switch args[0] {
		case "-v":
		case "-V":
			verbose = true
		case "-p", "-vp", "-pv":
		default:
			c.errorf("command: %s: invalid option", args[0])
			return exitStatus(2)
		}
		args = args[1:]
	}
	var funcs map[string]*syntax.Stmt
	if c.runner != nil {
		funcs = c.runner.Funcs
	}
	status := 0
	for _, name := range args {
		r := s.resolveHere(c, name)
		switch {
		case r.Kind == NotFound:
			if verbose {
				c.errorf("command: %s: not found", name)
			}
			status = 1
		case verbose:
			fmt.Fprintln(c.Stdout, describe(r, funcs))
		case r.Kind == Alias:
			fmt.Fprintf(c.Stdout, "alias %s=%s\n", name, singleQuote(r.Alias))
		case r.Kind == Executable:
			fmt.Fprintln(c.Stdout, r.Path)
		default:
			fmt.Fprintln(c.Stdout, name)
		}
	}
	return exitStatus(status)
}

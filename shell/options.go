package shell

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// optKind says who implements a shell option.
type optKind uint8

const (
	optInterp  optKind = iota // the interpreter; `set` forwards it
	optLetter                 // kept as a letter of $- (monitor, verbose…)
	optSession                // kept by the Session (guard, vi, emacs, ignoreeof)
	optFixed                  // always on: setting it is accepted, unsetting is refused
	optRefused                // not supported: refused with an error
)

// shellOption is one row of `set -o`.
type shellOption struct {
	name string
	flag byte // its letter in `set -X` and $-; 0 if none
	kind optKind
	why  string // for optFixed and optRefused: why it cannot change
}

// options lists every option `set -o` shows, sorted by name.
var options = []shellOption{
	{name: "allexport", flag: 'a', kind: optInterp},
	{name: "braceexpand", flag: 'B', kind: optFixed, why: "brace expansion cannot be turned off"},
	{name: "emacs", kind: optSession},
	{name: "errexit", flag: 'e', kind: optInterp},
	{name: "guard", kind: optSession},
	{name: "hashall", flag: 'h', kind: optLetter},
	{name: "ignoreeof", kind: optSession},
	{name: "interactive-comments", kind: optFixed, why: "comments are always recognised"},
	{name: "monitor", flag: 'm', kind: optLetter},
	{name: "noclobber", flag: 'C', kind: optRefused, why: "the interpreter cannot refuse to overwrite files"},
	{name: "noexec", flag: 'n', kind: optInterp},
	{name: "noglob", flag: 'f', kind: optInterp},
	{name: "notify", flag: 'b', kind: optLetter},
	{name: "nounset", flag: 'u', kind: optInterp},
	{name: "pipefail", kind: optInterp},
	{name: "posix", kind: optFixed, why: "lsh always follows POSIX"},
	{name: "verbose", flag: 'v', kind: optLetter},
	{name: "vi", kind: optSession},
	{name: "xtrace", flag: 'x', kind: optInterp},
}

// flagOrder is the order letters take in $-, bash's; c or s follows.
const flagOrder = "abefhimnuvxBC"

func optionByName(name string) *shellOption {
	for i := range options {
		if options[i].name == name {
			return &options[i]
		}
	}
	return nil
}

func optionByFlag(flag byte) *shellOption {
	for i := range options {
		if options[i].flag == flag {
			return &options[i]
		}
	}
	return nil
}

// initialFlags is $- before any `set`: hashall and braceexpand on as in
// bash, i and m for an interactive shell, c or s for where the program
// comes from.
func initialFlags(opts Options) string {
	f := "hB"
	if opts.Interactive {
		f += "im"
	}
	switch opts.Input {
	case InputCommand:
		f += "c"
	case InputStdin:
		f += "s"
	}
	return normFlags(f)
}

// normFlags orders the letters of a $- value.
func normFlags(f string) string {
	var b strings.Builder
	for i := 0; i < len(flagOrder); i++ {
		if strings.IndexByte(f, flagOrder[i]) >= 0 {
			b.WriteByte(flagOrder[i])
		}
	}
	for _, c := range "cs" {
		if strings.ContainsRune(f, c) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func withFlag(f string, flag byte, on bool) string {
	f = strings.ReplaceAll(f, string(flag), "")
	if on {
		f += string(flag)
	}
	return normFlags(f)
}

// setPlan is what one `set` call does, worked out before anything changes
// so that a bad option changes nothing.
type setPlan struct {
	interp   []string // arguments for the interpreter's own set
	flags    string   // $- afterwards
	pipefail bool     // pipefail afterwards
	session  []sessionChange
	// list is '-' for a bare `set -o` (print the table), '+' for a bare
	// `set +o` (print commands that restore the options).
	list byte
}

type sessionChange struct {
	name string
	on   bool
}

// setError is a `set` argument that cannot be applied; status 2 as in sh.
type setError struct{ msg string }

func (e *setError) Error() string { return e.msg }

// planSet works out `set args…` for a shell whose $- is flags.
func planSet(args []string, flags string, pipefail bool) (*setPlan, error) {
	p := &setPlan{flags: flags, pipefail: pipefail}
	apply := func(opt *shellOption, on bool, spelled string) error {
		switch opt.kind {
		case optRefused:
			if !on {
				return nil // off is what it always is
			}
			return &setError{fmt.Sprintf("set: %s: %s is not supported: %s", spelled, opt.name, opt.why)}
		case optFixed:
			if !on {
				return &setError{fmt.Sprintf("set: %s: %s", spelled, opt.why)}
			}
			return nil
		case optSession:
			p.session = append(p.session, sessionChange{opt.name, on})
			if on && (opt.name == "vi" || opt.name == "emacs") {
				other := map[string]string{"vi": "emacs", "emacs": "vi"}[opt.name]
				p.session = append(p.session, sessionChange{other, false})
			}
			return nil
		case optInterp:
			sign := "+o"
			if on {
				sign = "-o"
			}
			p.interp = append(p.interp, sign, opt.name)
			if opt.name == "pipefail" {
				p.pipefail = on
			}
		}
		if opt.flag != 0 {
			p.flags = withFlag(p.flags, opt.flag, on)
		}
		return nil
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			p.interp = append(p.interp, args[i:]...)
			return p, nil
		case a == "-":
			// POSIX: turns off -x and -v, then the rest are parameters.
			p.flags = withFlag(withFlag(p.flags, 'x', false), 'v', false)
			p.interp = append(p.interp, "+o", "xtrace", "--")
			p.interp = append(p.interp, args[i+1:]...)
			if len(args[i+1:]) == 0 {
				p.interp = p.interp[:len(p.interp)-1]
			}
			return p, nil
		case len(a) < 2 || (a[0] != '-' && a[0] != '+'):
			p.interp = append(p.interp, "--")
			p.interp = append(p.interp, args[i:]...)
			return p, nil
		}
		on := a[0] == '-'
		if a[1:] == "o" {
			if i+1 == len(args) {
				p.list = a[0]
				continue
			}
			i++
			opt := optionByName(args[i])
			if opt == nil {
				return nil, &setError{fmt.Sprintf("set: %s: invalid option name", args[i])}
			}
			if err := apply(opt, on, a+" "+args[i]); err != nil {
				return nil, err
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			opt := optionByFlag(a[j])
			if opt == nil {
				if a[j] == 'i' || a[j] == 's' || a[j] == 'c' {
					return nil, &setError{fmt.Sprintf("set: %c%c: can only be given when lsh starts", a[0], a[j])}
				}
				return nil, &setError{fmt.Sprintf("set: %c%c: invalid option", a[0], a[j])}
			}
			if err := apply(opt, on, string([]byte{a[0], a[j]})); err != nil {
				return nil, err
			}
		}
	}
	return p, nil
}

func (s *Session) setSessionOption(name string, on bool) {
	switch name {
	case "guard":
		s.guard.Store(on)
	case "vi":
		s.vi.Store(on)
	case "emacs":
		s.emacs.Store(on)
	case "ignoreeof":
		s.ignoreEOF.Store(on)
	}
}

func (s *Session) sessionOption(name string) *atomic.Bool {
	switch name {
	case "guard":
		return &s.guard
	case "vi":
		return &s.vi
	case "emacs":
		return &s.emacs
	case "ignoreeof":
		return &s.ignoreEOF
	}
	return nil
}

// optionState reports whether an option is on, given the $- and pipefail
// state of the shell asking.
func (s *Session) optionState(opt *shellOption, flags string, pipefail bool) bool {
	switch {
	case opt.kind == optFixed:
		return true
	case opt.kind == optSession:
		return s.sessionOption(opt.name).Load()
	case opt.name == "pipefail":
		return pipefail
	case opt.flag != 0:
		return strings.IndexByte(flags, opt.flag) >= 0
	}
	return false
}

// Option reports whether the named option (as `set -o` names it) is on in
// the main shell; ok is false for an unknown name.
func (s *Session) Option(name string) (on, ok bool) {
	opt := optionByName(name)
	if opt == nil {
		return false, false
	}
	flags, _ := s.mainFlags.Load().(string)
	pipefail := opt.name == "pipefail" && s.Getenv(varPipefail) != ""
	return s.optionState(opt, flags, pipefail), true
}

// SetOption turns an option on or off in the main shell, as `set -o name`
// or `set +o name` would. lsh's own options (guard, vi, emacs, ignoreeof)
// may be set at any time; the interpreter's only between programs.
func (s *Session) SetOption(name string, on bool) error {
	sign := "+o"
	if on {
		sign = "-o"
	}
	if opt := optionByName(name); opt != nil && opt.kind == optSession {
		s.setSessionOption(name, on)
		return nil
	}
	s.runMu.Lock()
	defer s.runMu.Unlock()
	flags := s.runner.Vars[varFlags].String()
	if _, err := planSet([]string{sign, name}, flags, false); err != nil {
		return err
	}
	st := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord("set"), litWord(sign), litWord(name)}}}
	return s.runner.Run(context.Background(), &syntax.File{Name: s.arg0, Stmts: []*syntax.Stmt{st}})
}

// builtinSet is lsh's `set`: the interpreter's options and positional
// parameters, plus lsh's own options and the listing forms.
func builtinSet(s *Session, c *bcall) error {
	args := c.Args[1:]
	if len(args) == 0 {
		printVariables(c)
		return nil
	}
	flags := c.Getenv(varFlags)
	pipefail := c.Getenv(varPipefail) != ""
	p, err := planSet(args, flags, pipefail)
	if err != nil {
		c.errorf("%v", err)
		return s.exitWith(c, 2)
	}
	for _, ch := range p.session {
		s.setSessionOption(ch.name, ch.on)
	}
	if len(p.interp) > 0 {
		if err := c.builtin("set", p.interp...); err != nil {
			return err
		}
	}
	if p.flags != flags || p.pipefail != pipefail {
		if err := c.setVars(map[string]string{varFlags: p.flags, varPipefail: boolVar(p.pipefail)}); err != nil {
			return err
		}
		if c.main {
			s.mainFlags.Store(p.flags)
		}
	}
	switch p.list {
	case '-':
		for i := range options {
			state := "off"
			if s.optionState(&options[i], p.flags, p.pipefail) {
				state = "on"
			}
			fmt.Fprintf(c.Stdout, "%-15s\t%s\n", options[i].name, state)
		}
	case '+':
		for i := range options {
			sign := "+o"
			if s.optionState(&options[i], p.flags, p.pipefail) {
				sign = "-o"
			}
			fmt.Fprintf(c.Stdout, "set %s %s\n", sign, options[i].name)
		}
	}
	return nil
}

// printVariables is a bare `set`: every variable, sorted, quoted so that
// the output can be read back.
func printVariables(c *bcall) {
	vars := make(map[string]expand.Variable)
	for name, vr := range c.env.Each {
		vars[name] = vr
	}
	names := make([]string, 0, len(vars))
	for name, vr := range vars {
		if vr.IsSet() && !hiddenVar(name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		vr := vars[name]
		switch vr.Kind {
		case expand.Indexed:
			var b strings.Builder
			for i, v := range vr.List {
				if i > 0 {
					b.WriteByte(' ')
				}
				idx := i
				if vr.Indexes != nil {
					idx = vr.Indexes[i]
				}
				fmt.Fprintf(&b, "[%d]=%s", idx, quote(v))
			}
			fmt.Fprintf(c.Stdout, "%s=(%s)\n", name, b.String())
		case expand.Associative:
			keys := make([]string, 0, len(vr.Map))
			for k := range vr.Map {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var b strings.Builder
			for i, k := range keys {
				if i > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "[%s]=%s", quote(k), quote(vr.Map[k]))
			}
			fmt.Fprintf(c.Stdout, "%s=(%s)\n", name, b.String())
		default:
			fmt.Fprintf(c.Stdout, "%s=%s\n", name, quote(vr.String()))
		}
	}
}

// CheckSet reports whether args are options the set builtin accepts, for
// a command line that gives them before the shell starts (lsh -e -o guard).
func CheckSet(args []string) error {
	_, err := planSet(args, "", false)
	return err
}

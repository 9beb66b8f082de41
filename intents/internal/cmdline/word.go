package cmdline

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Unknown stands in a Word's IfEmpty for a part whose value is unknown but
// never empty (a command substitution, an arithmetic expansion), so that a
// path built from it is never mistaken for a dangerous one.
const Unknown = "…"

// Word is what can be told about one shell word without running anything.
type Word struct {
	// Node is the word in the syntax tree; nil for words lsh made up (the
	// {} of find -exec, the input of xargs).
	Node *syntax.Word
	// Text is the word as written.
	Text string
	// Value is the word after quote removal. Expansions whose value is
	// unknown keep their spelling ($DIR, $(date)).
	Value string
	// Static reports that Value is exactly what the command receives
	// (before pathname expansion): the word holds no unknown expansion.
	Static bool
	// Glob reports an unquoted *, ? or [: the shell replaces the word with
	// the names of matching files.
	Glob bool
	// Path is Value with a leading ~ or $HOME written as ~, the form paths
	// are classified in.
	Path string
	// IfEmpty is Path when every unknown variable is empty or unset; a
	// ${VAR:-default} contributes its default. It equals Path for a word
	// without unknown variables.
	IfEmpty string
	// Vars lists the unknown variables the word expands, as written ($DIR).
	Vars []string
	// Guarded reports that every unknown variable is written ${VAR:?} or
	// ${VAR?}, so the shell aborts instead of running with it empty.
	Guarded bool
	// Nested holds the command and process substitutions in the word
	// (*syntax.CmdSubst, *syntax.ProcSubst): they run before the command.
	Nested []syntax.Node
}

// Env is what the caller knows of the shell's variables. The zero Env knows
// nothing: every variable but HOME (always "the home") is unknown.
type Env struct {
	// Lookup returns the value of a set variable. Nil: nothing is known.
	Lookup func(name string) (string, bool)
}

// Made returns a Word lsh made up to stand for something unknown that is
// not written on the line, such as the files find passes to -exec.
func Made(text, path string) Word {
	return Word{Text: text, Value: text, Path: path, IfEmpty: path}
}

// NewWord evaluates w statically. src is the text w was parsed from.
func NewWord(src Source, w *syntax.Word, env Env) Word {
	ev := wordEval{env: env, guarded: true}
	for i, part := range w.Parts {
		ev.part(src, part, false, i == 0)
	}
	out := Word{
		Node:    w,
		Text:    src.Span(w),
		Value:   ev.value.String(),
		Static:  !ev.dynamic,
		Glob:    ev.glob,
		Path:    ev.path.String(),
		Vars:    ev.vars,
		Guarded: len(ev.vars) > 0 && ev.guarded,
		Nested:  ev.nested,
	}
	if len(ev.vars) > 0 {
		out.IfEmpty = ev.empty.String()
	} else {
		out.IfEmpty = out.Path
	}
	return out
}

// Words evaluates a list of words.
func Words(src Source, ws []*syntax.Word, env Env) []Word {
	out := make([]Word, len(ws))
	for i, w := range ws {
		out[i] = NewWord(src, w, env)
	}
	return out
}

// wordEval accumulates the three renderings of a word part by part.
type wordEval struct {
	env     Env
	value   strings.Builder // display: unknowns as written
	path    strings.Builder // value with home as ~
	empty   strings.Builder // unknown variables empty
	dynamic bool
	glob    bool
	guarded bool
	vars    []string
	nested  []syntax.Node
}

func (ev *wordEval) lit(s string) {
	ev.value.WriteString(s)
	ev.path.WriteString(s)
	ev.empty.WriteString(s)
}

func (ev *wordEval) part(src Source, part syntax.WordPart, quoted, first bool) {
	switch p := part.(type) {
	case *syntax.Lit:
		if quoted {
			ev.lit(unescapeDouble(p.Value))
			return
		}
		v := p.Value
		if first && strings.HasPrefix(v, "~") {
			// Tilde expansion: ~ and ~/x name the home, ~user another's.
			end := strings.IndexByte(v, '/')
			if end < 0 {
				end = len(v)
			}
			ev.lit(v[:end])
			v = v[end:]
		}
		s, glob := unescapeBare(v)
		ev.glob = ev.glob || glob
		ev.lit(s)
	case *syntax.SglQuoted:
		if p.Dollar {
			ev.lit(unescapeANSI(p.Value))
		} else {
			ev.lit(p.Value)
		}
	case *syntax.DblQuoted:
		for i, q := range p.Parts {
			ev.part(src, q, true, first && i == 0)
		}
	case *syntax.ParamExp:
		ev.param(src, p, quoted, first)
	case *syntax.CmdSubst, *syntax.ProcSubst:
		ev.nested = append(ev.nested, p)
		ev.unknown(src.Span(p))
	case *syntax.ArithmExp:
		// Arithmetic can hold $(…) too.
		syntax.Walk(p, func(n syntax.Node) bool {
			if cs, ok := n.(*syntax.CmdSubst); ok {
				ev.nested = append(ev.nested, cs)
				return false
			}
			return true
		})
		ev.unknown(src.Span(p))
	case *syntax.ExtGlob:
		ev.glob = true
		ev.lit(src.Span(p))
	default:
		ev.unknown(src.Span(p))
	}
}

// unknown records a part that has a value nobody can know statically but
// that is not a plain variable.
func (ev *wordEval) unknown(text string) {
	ev.dynamic = true
	ev.value.WriteString(text)
	ev.path.WriteString(text)
	ev.empty.WriteString(Unknown)
}

func (ev *wordEval) param(src Source, p *syntax.ParamExp, quoted, first bool) {
	text := src.Span(p)
	plain := p.Param != nil && !p.Excl && !p.Length && p.Index == nil && p.Slice == nil && p.Repl == nil && p.Names == 0 && p.NestedParam == nil
	if plain && p.Param.Value == "HOME" && p.Exp == nil && first {
		// $HOME is the home whatever its value: write it as ~.
		ev.value.WriteString(text)
		ev.path.WriteString("~")
		ev.empty.WriteString("~")
		return
	}
	if plain && p.Exp == nil && ev.env.Lookup != nil {
		if v, ok := ev.env.Lookup(p.Param.Value); ok {
			ev.lit(v)
			return
		}
	}
	ev.dynamic = true
	ev.value.WriteString(text)
	ev.path.WriteString(text)
	if p.Length || p.Excl || (p.Param != nil && isSpecialNumeric(p.Param.Value)) {
		// ${#x}, $$, $? and friends are numbers: never empty, never a path.
		ev.empty.WriteString(Unknown)
		return
	}
	name := text
	if p.Param != nil {
		name = "$" + p.Param.Value
	}
	ev.vars = append(ev.vars, name)
	if p.Exp == nil {
		ev.guarded = false
		return
	}
	switch p.Exp.Op {
	case syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
		// ${X:?} aborts the command when X is empty: still guarded.
		ev.empty.WriteString(Unknown)
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
		ev.guarded = false
		if p.Exp.Word != nil {
			d := NewWord(src, p.Exp.Word, ev.env)
			ev.empty.WriteString(d.IfEmpty)
		}
	default:
		ev.guarded = false
	}
}

// isSpecialNumeric reports special parameters that always expand to a
// number: $$ $? $# $! and positional counts.
func isSpecialNumeric(name string) bool {
	switch name {
	case "$", "?", "#", "!":
		return true
	}
	return false
}

// unescapeBare removes the backslashes of an unquoted literal and reports
// whether it has an unescaped glob character.
func unescapeBare(s string) (string, bool) {
	if !strings.ContainsAny(s, `\*?[`) {
		return s, false
	}
	var sb strings.Builder
	glob := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				sb.WriteByte(s[i])
			}
			continue
		case c == '*' || c == '?' || c == '[':
			glob = true
		}
		sb.WriteByte(c)
	}
	return sb.String(), glob
}

// unescapeDouble removes the backslashes that are special inside double
// quotes.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] != '\n' {
				sb.WriteByte(s[i])
			}
			continue
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// unescapeANSI decodes the escapes of a $'…' string: enough of them that
// $'\x72\x6d' is recognised as rm.
func unescapeANSI(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			sb.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			sb.WriteByte('\n')
		case 't':
			sb.WriteByte('\t')
		case 'r':
			sb.WriteByte('\r')
		case 'a':
			sb.WriteByte('\a')
		case 'b':
			sb.WriteByte('\b')
		case 'e', 'E':
			sb.WriteByte(0x1b)
		case 'f':
			sb.WriteByte('\f')
		case 'v':
			sb.WriteByte('\v')
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if n, err := strconv.ParseUint(s[i+1:j], 16, 8); err == nil {
				sb.WriteByte(byte(n))
				i = j - 1
			} else {
				sb.WriteString(`\x`)
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(s[i:j], 8, 16)
			sb.WriteByte(byte(n))
			i = j - 1
		default:
			sb.WriteByte(e)
		}
	}
	return sb.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

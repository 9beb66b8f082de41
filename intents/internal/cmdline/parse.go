// Package cmdline reads shell command lines the way lsh's risk rating and
// explanations need them: it parses a line into a mvdan.cc/sh/v3/syntax tree,
// tells what each word is without running anything, peels prefixes such as
// sudo, env or timeout off a simple command, resolves /bin/rm to rm, and
// splits a tool's arguments into options and operands from a grammar table.
//
// It never executes, expands globs or reads the environment; what cannot be
// known statically is reported as unknown so callers can be careful.
package cmdline

import (
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"
)

// Lang is the shell dialect lines are parsed in. lsh's interpreter accepts
// bash syntax (process substitution, [[ ]], here-strings), and every POSIX
// line parses the same way in it.
const Lang = syntax.LangBash

// parsers reuses parsers: allocating one costs more than parsing a short
// line, and ratings run on every typed command.
var parsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(Lang)) }}

// Parse parses src as one shell program. On a syntax error it returns the
// error (whose text starts with line:col) together with whatever statements
// the parser completed before it, so callers can still look at them.
func Parse(src string) (*syntax.File, error) {
	p := parsers.Get().(*syntax.Parser)
	f, err := p.Parse(strings.NewReader(src), "")
	parsers.Put(p)
	return f, err
}

// Source pairs a parsed tree with the text it came from, so a node's
// original spelling can be shown back to the person.
type Source struct {
	Text string
}

// Span returns the source text of n, or its printed form when n does not
// come from this text (positions out of range).
func (s Source) Span(n syntax.Node) string {
	start, end := n.Pos(), n.End()
	if start.IsValid() && end.IsValid() && !start.IsRecovered() && !end.IsRecovered() {
		a, b := int(start.Offset()), int(end.Offset())
		if 0 <= a && a <= b && b <= len(s.Text) {
			return s.Text[a:b]
		}
	}
	return Print(n)
}

// Print renders a node as shell code on one line.
func Print(n syntax.Node) string {
	var sb strings.Builder
	if err := syntax.NewPrinter(syntax.SingleLine(true)).Print(&sb, n); err != nil {
		return "?"
	}
	return strings.TrimSpace(sb.String())
}

package shell

import (
	"bytes"
	"strconv"

	"mvdan.cc/sh/v3/syntax"
)

// rewrite adapts a parsed program, in place, to what lsh adds to the
// interpreter. It reports whether anything changed.
//
//   - `$-` reads varFlags: the interpreter's $- knows only its own options,
//     not i, m, c or s, which rc files test (`case $- in *i*)`).
//   - `$!` reads varBang: the interpreter's $! is an internal "g1", not a
//     process ID that kill or ps accept.
//   - `cmd &` becomes `lsh:bg N`, which starts statement N as a job that
//     jobs, fg, wait %N and kill %N know (see startJob).
//   - `? WORDS` becomes `QUESTION WORDS` when Options.Question names a
//     builtin: a natural-language request in a script or -c string.
//
// Programs the interpreter parses itself (sourced files, eval, trap actions)
// come through lsh first, so they are rewritten too.
func (s *Session) rewrite(node syntax.Node) bool {
	changed := false
	var visit func(syntax.Node) bool
	visit = func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param == nil {
				break
			}
			switch {
			case n.Param.Value == "-":
				n.Param = &syntax.Lit{ValuePos: n.Param.ValuePos, ValueEnd: n.Param.ValueEnd, Value: varFlags}
				changed = true
			case n.Param.Value == "!" && !n.Excl:
				n.Param = &syntax.Lit{ValuePos: n.Param.ValuePos, ValueEnd: n.Param.ValueEnd, Value: varBang}
				changed = true
			case len(n.Param.Value) > 1 && isUnsigned(n.Param.Value) && plainParam(n):
				// ${10}: the interpreter only knows $1 to $9; ${@:10:1} is
				// the same parameter.
				pos := n.Param.ValuePos
				n.Slice = &syntax.Slice{
					Offset: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: pos, Value: n.Param.Value}}},
					Length: &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: pos, Value: "1"}}},
				}
				n.Param = &syntax.Lit{ValuePos: pos, ValueEnd: n.Param.ValueEnd, Value: "@"}
				n.Short = false
				changed = true
			}
		case *syntax.CallExpr:
			if s.opts.Question != "" && len(n.Args) > 0 && len(n.Args[0].Parts) == 1 {
				if lit, ok := n.Args[0].Parts[0].(*syntax.Lit); ok && lit.Value == "?" {
					n.Args[0] = &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: s.opts.Question}}}
					changed = true
				}
			}
		case *syntax.Stmt:
			if !n.Background || n.Coprocess {
				break
			}
			// The job keeps the statement as written; the program keeps a
			// call that starts it, in the statement's place.
			jobStmt := *n
			jobStmt.Background = false
			text := printLine(&jobStmt)
			syntax.Walk(&jobStmt, visit)
			s.mu.Lock()
			s.seq++
			id := s.seq
			if s.bgStmts == nil {
				s.bgStmts = make(map[int]*bgStmt)
			}
			s.bgStmts[id] = &bgStmt{stmt: &jobStmt, text: text}
			s.mu.Unlock()
			call := &syntax.CallExpr{Args: []*syntax.Word{
				{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: n.Pos(), Value: bgCmd}}},
				{Parts: []syntax.WordPart{&syntax.Lit{ValuePos: n.Pos(), Value: strconv.Itoa(id)}}},
			}}
			*n = syntax.Stmt{Comments: n.Comments, Cmd: call, Position: n.Position, Semicolon: n.Semicolon}
			changed = true
			return false
		}
		return true
	}
	syntax.Walk(node, visit)
	return changed
}

// plainParam reports whether a parameter expansion is just ${name}.
func plainParam(n *syntax.ParamExp) bool {
	return !n.Excl && !n.Length && !n.Width && n.Index == nil && n.Slice == nil &&
		n.Repl == nil && n.Names == 0 && n.Exp == nil && n.NestedParam == nil
}

// printProgram prints a syntax tree back as shell code that parses to the
// same tree.
func printProgram(n syntax.Node) string {
	var b bytes.Buffer
	syntax.NewPrinter().Print(&b, n)
	return b.String()
}

// printLine prints a command on one line when it can, as jobs shows it.
func printLine(n syntax.Node) string {
	var b bytes.Buffer
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, n)
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

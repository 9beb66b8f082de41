package shell

import (
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// SyntaxError is a program that could not be parsed. Its message has the form
// FILE:LINE:COL: msg, which lsh prints after "lsh: " with exit status 2,
// as sh does for a syntax error.
type SyntaxError struct {
	File string // the script's name, "-c" for a command string
	Line int    // 1-based
	Col  int    // 1-based, in bytes
	Msg  string
	// Incomplete reports that more input could have completed the program
	// (an unclosed quote, `if` without `fi`, a here-document without its end
	// word). An interactive reader uses it to ask for a continuation line.
	Incomplete bool
}

// Error gives FILE:LINE:COL: msg, or LINE:COL: msg for a typed line.
func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// newSyntaxError converts a parser error into a SyntaxError naming file.
func newSyntaxError(err error, file string) *SyntaxError {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return &SyntaxError{File: file, Line: int(pe.Pos.Line()), Col: int(pe.Pos.Col()), Msg: pe.Text, Incomplete: pe.Incomplete}
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		msg := le.Error()
		// LangError.Error starts with its own position; keep only the text.
		if pre := le.Pos.String() + ": "; len(msg) > len(pre) && msg[:len(pre)] == pre {
			msg = msg[len(pre):]
		}
		return &SyntaxError{File: file, Line: int(le.Pos.Line()), Col: int(le.Pos.Col()), Msg: msg}
	}
	var qe *syntax.QuoteError
	if errors.As(err, &qe) {
		return &SyntaxError{File: file, Line: 1, Col: qe.ByteOffset + 1, Msg: qe.Message}
	}
	return &SyntaxError{File: file, Line: 1, Col: 1, Msg: err.Error()}
}

// Parse parses src as a complete program named name (for messages). A
// program that needs more lines, such as an open quote or `if` without `fi`,
// gives a *SyntaxError with Incomplete set; an interactive reader asks for
// another line then.
func Parse(src, name string) (*syntax.File, error) {
	f, err := newParser().Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, newSyntaxError(err, name)
	}
	if endsInContinuation(src) {
		// The parser accepts "echo a\" at EOF, but a person who typed a
		// trailing backslash means to continue on the next line.
		return nil, &SyntaxError{File: name, Line: countLines(src), Col: 1, Msg: "line continues after a backslash", Incomplete: true}
	}
	return f, nil
}

// newParser returns the parser every lsh program goes through: bash syntax,
// a superset of POSIX sh that rc files written for bash also use.
func newParser() *syntax.Parser {
	return syntax.NewParser(syntax.Variant(syntax.LangBash))
}

// endsInContinuation reports whether src ends with an unquoted backslash
// before its final newline (or at its very end).
func endsInContinuation(src string) bool {
	if n := len(src); n > 0 && src[n-1] == '\n' {
		src = src[:n-1]
	}
	n := 0
	for i := len(src) - 1; i >= 0 && src[i] == '\\'; i-- {
		n++
	}
	if n%2 == 0 {
		return false
	}
	// Inside single quotes a backslash is literal; count the quotes before
	// it on its line, good enough for a typed line.
	line := src
	for i := len(src) - 1; i >= 0; i-- {
		if src[i] == '\n' {
			line = src[i+1:]
			break
		}
	}
	quotes := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '\'' {
			quotes++
		}
	}
	return quotes%2 == 0
}

func countLines(s string) int {
	n := 1
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '\n' {
			n++
		}
	}
	return n
}

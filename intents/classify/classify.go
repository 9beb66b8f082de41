// Package classify decides whether a line a person typed is shell code, to
// run as typed, or natural language, to turn into an intent.
//
// Three rules, in order:
//
//   - "? TEXT" is always natural language; so is "llama TEXT" at the prompt
//     (in a script it is the llama builtin, which does the same).
//   - In a script, a -c string or standard input (Script mode) nothing else
//     is: a resolvable first word runs, an unresolvable one gives 127, as in
//     sh. Scripts are never reinterpreted.
//   - At the prompt (Typed mode) a line whose first word runs nothing is
//     natural language, and so is a line that does not parse unless it is
//     shell code waiting for more lines. A line whose first word does run
//     something can still be English ("find big files in downloads", "kill
//     firefox"): its words are weighed (see score.go) against what the
//     command accepts (tools.go), and only a confident verdict makes it
//     natural language. The confirmation card offers "run as typed" for
//     those, so a wrong verdict costs one key.
//
// The package runs nothing and reads nothing itself: what a word resolves
// to and whether a path exists come from the caller's Context.
//
// It lives under intents because it reads commands with the same argument
// grammars as the risk rating (intents/internal/cmdline); it imports
// neither the shell nor a model.
package classify

import (
	"errors"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// Mode says how much reinterpretation the caller allows.
type Mode int

const (
	// Typed is a line a person typed at the prompt, or one given to
	// --dry-run, which shows what the prompt would do.
	Typed Mode = iota
	// Script is a line of a script, a -c string or standard input: only
	// "? TEXT" is natural language.
	Script
)

// Kind is what a command word runs, as far as classification cares.
type Kind int

// The kinds of command word.
const (
	NotFound Kind = iota // runs nothing: sh would say 127
	Keyword              // if, for, while, {, [[ …
	Defined              // an alias or a function the person defined
	Builtin              // a shell builtin or one of lsh's
	Program              // an executable file
)

// Context is what the caller knows of the shell the line would run in.
// Nil functions know nothing: no word resolves, no path exists.
type Context struct {
	Mode Mode
	// Resolve says what a command word would run.
	Resolve func(name string) Kind
	// Exists reports whether a path, as written on the line (relative to
	// the working directory, ~ for the home), exists.
	Exists func(path string) bool
	// MakeTargets lists the targets of the makefile in the working
	// directory, nil when there is none. Called only for make lines.
	MakeTargets func() []string
}

// Result is the verdict on one line.
type Result struct {
	// Natural is true when the line is a request for an intent.
	Natural bool
	// Explicit: the line said so, with "?" or "llama".
	Explicit bool
	// Request is the text to resolve (Natural only): the line without the
	// "?" or "llama" that introduced it.
	Request string
	// Confidence in [0.5, 1]: how sure the verdict is, whichever way.
	Confidence float64
	// Resolvable: the first word runs something, so the line could run as
	// typed. The confirmation card offers "run as typed" for these.
	Resolvable bool
	// Incomplete: shell code that needs more lines (an open quote, `if`
	// without `fi`); an interactive reader asks for a continuation line.
	Incomplete bool
	// Reason says in a few words why, for --dry-run and tests.
	Reason string
	// Suggestion, for a line whose first word is a near miss of a command
	// ("gti status"), is the line with that command instead ("git
	// status"): the line stays shell code, and this is the "did you mean".
	Suggestion string
}

// Classify decides what line is.
func Classify(line string, ctx Context) Result {
	text := strings.TrimSpace(line)
	if text == "" {
		return Result{Confidence: 1, Reason: "empty line"}
	}
	if rest, ok := questionMark(text); ok {
		return Result{Natural: true, Explicit: true, Request: rest, Confidence: 1, Reason: `starts with "?"`}
	}
	if ctx.Mode == Script {
		first, _ := firstWord(text)
		return Result{Confidence: 1, Resolvable: ctx.resolve(first) != NotFound, Reason: "a script line runs as written"}
	}
	f, err := cmdline.Parse(text)
	if err != nil {
		return classifyBroken(text, err, ctx)
	}
	r := classifyParsed(text, f, ctx)
	if !r.Natural && trailingBackslash(text) {
		// The parser takes "echo a \" at the end of input as complete; a
		// person who typed it means to go on.
		r.Incomplete = true
	}
	return r
}

// trailingBackslash reports a line ending in an unquoted backslash: an odd
// run of them, outside single quotes.
func trailingBackslash(text string) bool {
	n := len(text) - len(strings.TrimRight(text, "\\"))
	return n%2 == 1 && strings.Count(text, "'")%2 == 0
}

// questionMark reports whether text is "?" or starts with "? ", and returns
// what follows. "?x" is a glob, not a question.
func questionMark(text string) (string, bool) {
	if text == "?" {
		return "", true
	}
	if len(text) > 1 && text[0] == '?' && (text[1] == ' ' || text[1] == '\t') {
		return strings.TrimSpace(text[1:]), true
	}
	return "", false
}

// classifyParsed weighs a line that parses.
func classifyParsed(text string, f *syntax.File, ctx Context) Result {
	if len(f.Stmts) == 0 {
		return Result{Confidence: 1, Reason: "only a comment"}
	}
	ops := shellSyntax(f)
	st := f.Stmts[0]
	cmd := st.Cmd
	if tc, ok := cmd.(*syntax.TimeClause); ok && tc.Stmt != nil {
		cmd = tc.Stmt.Cmd // time CMD: what matters is CMD
	}
	call, ok := cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 || st.Negated {
		return Result{Confidence: 1, Resolvable: true, Reason: "shell syntax"}
	}
	src := cmdline.Source{Text: text}
	words := cmdline.Words(src, call.Args, cmdline.Env{})
	if len(f.Stmts) == 1 && ops == "" && words[0].Static && words[0].Value == "llama" && len(call.Assigns) == 0 {
		return Result{Natural: true, Explicit: true, Request: joinValues(words[1:]), Confidence: 1, Resolvable: true, Reason: "the llama builtin"}
	}
	return weigh(text, words, ops, ctx)
}

// weigh decides a simple command from its words.
func weigh(text string, words []cmdline.Word, ops string, ctx Context) Result {
	first := words[0]
	if !first.Static || first.Glob && !trailingQuestion(first.Text) {
		return Result{Confidence: 1, Resolvable: true, Reason: "the command name is computed at run time"}
	}
	kind := ctx.resolve(first.Value)
	switch {
	case kind == NotFound:
		return notFound(text, first.Value, words[1:], ops, ctx)
	case kind == Keyword:
		return Result{Confidence: 1, Resolvable: true, Reason: first.Value + " is a shell keyword"}
	case kind == Defined:
		return Result{Confidence: 1, Resolvable: true, Reason: first.Value + " is an alias or function of this shell"}
	}
	call := cmdline.Resolve(words)
	if call.Script != nil {
		// watch 'df -h', su -c CMD: the script is the line that matters.
		r := Classify(call.Script.Value, ctx)
		r.Resolvable = true
		return r
	}
	if call.NoCommand || call.Name == "" && len(call.Prefixes) > 0 {
		return Result{Confidence: 1, Resolvable: true, Reason: "a prefix without a command"}
	}
	name := call.Name
	args := call.Args
	if len(call.Prefixes) > 0 {
		if ctx.resolve(name) == NotFound && !strings.Contains(name, "/") {
			// sudo make me a sandwich: the prefix runs; what it runs is
			// not a command. Weigh the words as a request, the prefix's
			// command word included.
			s := newScore(ctx, tool{})
			s.add(englishWord, wStop, name+" is not a command")
			s.weighAll(args)
			s.shellOps(ops)
			return withRequest(s.verdict(true), text)
		}
	}
	t := lookupTool(name)
	s := newScore(ctx, t)
	s.name = name
	s.shellOps(ops)
	if t.operands == freeText {
		return Result{Confidence: 1, Resolvable: true, Reason: name + " takes free text"}
	}
	s.weighArgs(args)
	s.tooFewOperands(args)
	return withRequest(s.verdict(true), text)
}

// withRequest makes the whole line the request of a natural verdict.
func withRequest(r Result, text string) Result {
	if r.Natural {
		r.Request = text
	}
	return r
}

// notFound is a line whose first word runs nothing. It is natural
// language ("delete notes.txt", "extract archive.tar.gz": naming files is
// what requests do), except in two cases, where 127 and `why` help more
// than a request would:
//
//   - the first word is a near miss of a command and the rest does not read
//     as English: a typo ("gti status", "sl"); the Result suggests the
//     command it was probably meant to be;
//   - the rest is plainly code: options or shell operators outweigh the
//     English ("frobnicate --all | head", "sl -la").
func notFound(text, name string, args []cmdline.Word, ops string, ctx Context) Result {
	if strings.Contains(name, "/") || strings.ContainsAny(name, "=$`\\") {
		return Result{Confidence: 1, Reason: name + " is a path or shell syntax, not a request"}
	}
	s := newScore(ctx, tool{})
	s.weighAll(args)
	s.shellOps(ops)
	english := s.english
	if s.words >= 2 && s.stops > 0 && float64(s.wordy) >= 0.6*float64(s.words) {
		english += wRatio
	}
	if near := ctx.nearMiss(name); near != "" && !(english >= naturalMargin && s.strong) {
		rest := strings.TrimSpace(strings.TrimPrefix(text, name))
		sugg := strings.TrimSpace(near + " " + rest)
		return Result{Confidence: 0.7, Suggestion: sugg, Reason: fmt.Sprintf("%s is not a command; did you mean %s?", name, near)}
	}
	if code := wFlag*float64(s.flags) + s.ops; code > 0 && code >= english {
		return Result{Confidence: 0.6, Reason: name + " runs nothing, but the rest is shell syntax: " + s.why()}
	}
	c := 0.9
	if len(args) == 0 {
		c = 0.7 // one unknown word: a typo as likely as a request
	}
	return Result{Natural: true, Request: text, Confidence: c, Reason: name + " is not a command"}
}

// classifyBroken weighs a line that does not parse. At the prompt an
// incomplete line is usually shell code waiting for its next line, but an
// apostrophe ("what's my ip", "find files i've changed") opens a quote too:
// English evidence decides.
func classifyBroken(text string, err error, ctx Context) Result {
	var pe syntax.ParseError
	incomplete := errors.As(err, &pe) && pe.Incomplete
	toks := naiveWords(text)
	first := strings.Trim(toks[0], `"'`)
	if first == "" || strings.ContainsAny(first[:1], "{([!$`<>|&;") || syntax.IsKeyword(first) {
		return Result{Confidence: 1, Incomplete: incomplete, Resolvable: true, Reason: "shell syntax"}
	}
	if toks[0] == "llama" {
		// llama what's my ip: the request, apostrophe and all.
		return Result{Natural: true, Explicit: true, Request: strings.TrimSpace(text[len("llama"):]), Confidence: 1, Resolvable: true, Reason: "the llama builtin"}
	}
	kind := ctx.resolve(first)
	s := newScore(ctx, lookupTool(first))
	s.name = first
	s.weighNaive(toks[1:])
	if kind == NotFound && !strings.Contains(first, "/") {
		return Result{Natural: true, Request: text, Confidence: 0.9, Reason: first + " is not a command, and the line is not shell syntax"}
	}
	if s.tool.operands == freeText || kind == Defined {
		return Result{Confidence: 0.9, Incomplete: incomplete, Resolvable: kind != NotFound, Reason: "shell code that does not parse yet"}
	}
	r := s.verdict(kind != NotFound)
	if !r.Natural {
		r.Incomplete = incomplete
		r.Reason = "shell code that does not parse yet; " + r.Reason
		return r
	}
	r.Request = text
	return r
}

// naiveWords splits a line that does not parse on blanks.
func naiveWords(text string) []string {
	toks := strings.Fields(text)
	if len(toks) == 0 {
		return []string{""}
	}
	return toks
}

// firstWord returns the first blank-separated word of text, quotes removed.
func firstWord(text string) (string, bool) {
	toks := strings.Fields(text)
	if len(toks) == 0 {
		return "", false
	}
	return strings.Trim(toks[0], `"'`), true
}

func (c Context) resolve(name string) Kind {
	if c.Resolve == nil || name == "" {
		return NotFound
	}
	return c.Resolve(name)
}

func (c Context) exists(path string) bool {
	return c.Exists != nil && path != "" && c.Exists(path)
}

// joinValues joins words after quote removal: the request of
// `llama "my computer feels slow"` is the text inside the quotes.
func joinValues(ws []cmdline.Word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Value
	}
	return strings.Join(parts, " ")
}

// shellSyntax names the first construct in f that only shell code uses:
// several statements, a pipe, && or ||, a redirection, &, an expansion. It
// returns "" when there is none.
func shellSyntax(f *syntax.File) string {
	if len(f.Stmts) > 1 {
		return "several commands"
	}
	found := ""
	syntax.Walk(f, func(n syntax.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background {
				found = "&"
			} else if len(n.Redirs) > 0 {
				found = "a redirection"
			}
		case *syntax.BinaryCmd:
			found = n.Op.String()
		case *syntax.CmdSubst, *syntax.ProcSubst:
			found = "a command substitution"
		case *syntax.ParamExp:
			found = "a variable"
		case *syntax.ArithmExp:
			found = "arithmetic"
		case *syntax.Assign:
			found = "an assignment"
		}
		return found == ""
	})
	return found
}

// nearMiss returns the command a first word that runs nothing was probably
// meant to be: one that resolves and is one typing slip away (two letters
// swapped, one letter extra, missing or hit on a neighbouring key), or ""
// when there is none. Words of English requests ("print", "delete",
// "show") are never typos, even when one slip from a command (printf).
// At most a bounded number of candidates is resolved, so an unknown word
// costs a few hundred PATH lookups at most.
func (c Context) nearMiss(name string) string {
	low := strings.ToLower(name)
	if c.Resolve == nil || len(name) < 2 || len(name) > 12 || !isWordish(name) || requestWord(low) {
		return ""
	}
	try := func(cand string) bool {
		return cand != name && len(cand) > 0 && c.resolve(cand) >= Builtin
	}
	b := []byte(low)
	// Two letters swapped: gti, sl.
	for i := 0; i+1 < len(b); i++ {
		if b[i] == b[i+1] {
			continue
		}
		t := append([]byte{}, b...)
		t[i], t[i+1] = t[i+1], t[i]
		if try(string(t)) {
			return string(t)
		}
	}
	// One letter extra, a doubled one first: gitt, lss, then gkit.
	for _, doubled := range []bool{true, false} {
		for i := range b {
			if (i > 0 && b[i] == b[i-1]) != doubled {
				continue
			}
			cand := string(b[:i]) + string(b[i+1:])
			if len(cand) >= 2 && try(cand) {
				return cand
			}
		}
	}
	// A neighbouring key: fit → git, ks → ls.
	for i := range b {
		if b[i] < 'a' || b[i] > 'z' {
			continue
		}
		for _, r := range keyNeighbours[b[i]-'a'] {
			t := append([]byte{}, b...)
			t[i] = byte(r)
			if try(string(t)) {
				return string(t)
			}
		}
	}
	// One letter missing, in short words: gt → git.
	if len(b) <= 4 {
		for i := 0; i <= len(b); i++ {
			for r := byte('a'); r <= 'z'; r++ {
				cand := string(b[:i]) + string(r) + string(b[i:])
				if try(cand) {
					return cand
				}
			}
		}
	}
	return ""
}

// keyNeighbours lists, for each letter a to z, the letters next to it on
// a QWERTY keyboard. An array, not a map: nothing is built at start-up.
var keyNeighbours = [26]string{
	"qsz", "vghn", "xdfv", "sefxc", "wrd", "drgcv", "fthvb", "gyjbn", "uok", "hukn", "jilm", "kop", "njk",
	"bhjm", "ipl", "o", "wa", "etf", "awdxz", "ryg", "yij", "cfgb", "qes", "zsdc", "tuh", "asx",
}

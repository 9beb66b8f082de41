// Package explain explains shell command lines offline, from their syntax
// trees: every command with a one-line summary of the tool, and every
// option, operand, redirection, operator and expansion with its meaning.
// Knowledge comes from a table of common tools (tools.txt) and, for other
// tools, from their manual page or --help output through a lookup the
// caller can replace.
package explain

import (
	"sort"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// Kind says what a Part of a command line is.
type Kind string

// The kinds of Part.
const (
	KindCommand     Kind = "command"     // the program or builtin that runs
	KindPrefix      Kind = "prefix"      // a command running the next one (sudo, env, xargs)
	KindSubcommand  Kind = "subcommand"  // git *commit*
	KindOption      Kind = "option"      // -r, --force, -name PATTERN, of=FILE
	KindOperand     Kind = "operand"     // a file, a pattern, a host
	KindAssignment  Kind = "assignment"  // NAME=value
	KindRedirection Kind = "redirection" // > file, 2>&1, <<EOF
	KindOperator    Kind = "operator"    // | && || ; &
	KindExpansion   Kind = "expansion"   // $VAR, $(…), globs, ~, quotes
	KindKeyword     Kind = "keyword"     // if, for, while, case, ( ), { }
	KindFunction    Kind = "function"    // a function definition
)

// Part is one piece of a command line and what it means.
type Part struct {
	// Start and End are byte offsets of the piece in the explained line;
	// both are -1 for pieces inside code lsh had to unquote first.
	Start, End int
	// Text is the piece as shown: "-f a.tgz" for an option and its value.
	Text string
	Kind Kind
	// Meaning is one line of plain English.
	Meaning string
	// Depth is the nesting: 0 at top level, 1 inside $(…), a -exec
	// command, bash -c '…'.
	Depth int
	// Unknown: lsh does not know what the piece means.
	Unknown bool
}

// Command is one command of the line.
type Command struct {
	// Name is the tool ("tar", "git commit").
	Name string
	// Summary is the tool's one-line description.
	Summary string
	// From says where that knowledge came from: "table", "man", "--help",
	// or "" when lsh knows nothing of the tool.
	From string
	// Sentence says what this invocation does.
	Sentence string
	Depth    int
	// Join is how the sentence follows the previous top-level one.
	Join string
}

// Explanation is a command line taken apart.
type Explanation struct {
	Source   string
	Parts    []Part
	Commands []Command
}

// Manual returns the documentation of a tool lsh has no table entry for:
// its manual page or its --help text, and which of the two it is.
type Manual func(tool string) (text, from string, err error)

// Explainer explains command lines. Its zero value uses no manual pages;
// New(SystemManual) uses the ones installed here.
type Explainer struct {
	manual Manual
	mu     sync.Mutex
	cache  map[string]*Tool // manual-derived tools, nil entries for failures
}

// New returns an Explainer that falls back to manual for unknown tools.
func New(manual Manual) *Explainer { return &Explainer{manual: manual} }

// system is the Explainer of Explain (a literal, so that the compiler lays
// it out and starting lsh runs nothing).
var system = &Explainer{manual: SystemManual}

// Explain explains a command line, falling back to the local manual pages
// and --help output for tools outside lsh's table. A line that does not
// parse returns an error naming line:col, with the statements before the
// error explained.
func Explain(src string) (Explanation, error) { return system.Explain(src) }

// Explain explains a command line.
func (e *Explainer) Explain(src string) (Explanation, error) {
	ex := Explanation{Source: src}
	f, err := cmdline.Parse(src)
	if f != nil {
		w := &walker{e: e, k: table(), ex: &ex, src: cmdline.Source{Text: src}}
		w.stmts(f.Stmts, "")
	}
	sort.SliceStable(ex.Parts, func(i, j int) bool {
		a, b := ex.Parts[i], ex.Parts[j]
		if a.Start < 0 || b.Start < 0 {
			return false
		}
		return a.Start < b.Start
	})
	if err != nil {
		return ex, err
	}
	return ex, nil
}

// tool finds what is known of a tool: the table, else its manual.
func (e *Explainer) tool(k *knowledge, name string) (*Tool, bool) {
	if t, ok := k.lookup(name); ok {
		return t, true
	}
	if e.manual == nil || strings.Contains(name, " ") {
		return nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.cache[name]; ok {
		return t, t != nil
	}
	if e.cache == nil {
		e.cache = map[string]*Tool{}
	}
	var t *Tool
	if text, from, err := e.manual(name); err == nil {
		t = parseManual(name, text, from)
	}
	e.cache[name] = t
	return t, t != nil
}

// walker builds one explanation.
type walker struct {
	e     *Explainer
	k     *knowledge
	ex    *Explanation
	src   cmdline.Source
	base  int // offset of src in the explained line; -1: unknown
	depth int
}

func (w *walker) add(start, end int, text string, kind Kind, meaning string) {
	if w.base < 0 || start < 0 {
		start, end = -1, -1
	} else {
		start, end = start+w.base, end+w.base
	}
	w.ex.Parts = append(w.ex.Parts, Part{Start: start, End: end, Text: text, Kind: kind, Meaning: meaning, Depth: w.depth})
}

func (w *walker) addNode(n syntax.Node, kind Kind, meaning string) {
	w.add(off(n.Pos()), off(n.End()), w.src.Span(n), kind, meaning)
}

func off(p syntax.Pos) int {
	if !p.IsValid() || p.IsRecovered() {
		return -1
	}
	return int(p.Offset())
}

// stmts explains a statement list; join is how its first top-level
// command follows what came before.
func (w *walker) stmts(ss []*syntax.Stmt, join string) {
	for i, s := range ss {
		if i > 0 {
			join = ". "
		}
		w.stmt(s, join)
	}
}

func (w *walker) stmt(s *syntax.Stmt, join string) {
	if s.Negated {
		w.add(off(s.Pos()), off(s.Pos())+1, "!", KindOperator, "negate: succeed when the command fails, and the other way round")
	}
	w.command(s.Cmd, join)
	for _, rd := range s.Redirs {
		w.redirect(rd)
	}
	if s.Semicolon.IsValid() {
		p := off(s.Semicolon)
		switch {
		case s.Background:
			w.add(p, p+1, "&", KindOperator, "run in the background: the shell goes on without waiting for it")
		case p >= 0 && p < len(w.src.Text) && w.src.Text[p] == ';':
			w.add(p, p+1, ";", KindOperator, "then: run the next command after this one finishes, whatever its result")
		}
	}
}

func (w *walker) command(c syntax.Command, join string) {
	switch c := c.(type) {
	case nil:
	case *syntax.CallExpr:
		w.call(c, join)
	case *syntax.BinaryCmd:
		w.stmt(c.X, join)
		p := off(c.OpPos)
		op := c.Op.String()
		var meaning, next string
		switch c.Op {
		case syntax.AndStmt:
			meaning, next = "and: run the next command only if the previous one succeeded", ", and if that works, "
		case syntax.OrStmt:
			meaning, next = "or: run the next command only if the previous one failed", ", or if that fails, "
		case syntax.Pipe:
			meaning, next = "pipe: the output of the command on the left becomes the input of the one on the right", ", then "
		case syntax.PipeAll:
			meaning, next = "pipe output and errors into the next command", ", then "
		}
		w.add(p, p+len(op), op, KindOperator, meaning)
		w.stmt(c.Y, next)
	case *syntax.Subshell:
		w.add(off(c.Lparen), off(c.Lparen)+1, "( … )", KindKeyword, "run in a subshell: cd and variables set inside do not affect the shell")
		w.stmts(c.Stmts, join)
	case *syntax.Block:
		w.add(off(c.Lbrace), off(c.Lbrace)+1, "{ … }", KindKeyword, "group commands, run in this shell")
		w.stmts(c.Stmts, join)
	case *syntax.IfClause:
		w.keyword(c.Position, "if", "if: run the commands after then when this condition succeeds")
		w.nestedStmts(c.Cond)
		w.keyword(c.ThenPos, "then", "then: what runs when the condition succeeds")
		w.nestedStmts(c.Then)
		for e := c.Else; e != nil; e = e.Else {
			if e.ThenPos.IsValid() {
				w.keyword(e.Position, "elif", "else if: another condition")
				w.nestedStmts(e.Cond)
			} else {
				w.keyword(e.Position, "else", "else: what runs when no condition succeeded")
			}
			w.nestedStmts(e.Then)
		}
		w.keyword(c.FiPos, "fi", "end of the if")
		w.sentence(Command{Name: "if", Sentence: "Runs commands depending on a condition", Join: join})
	case *syntax.WhileClause:
		kw, m := "while", "while: repeat the body as long as the condition succeeds"
		if c.Until {
			kw, m = "until", "until: repeat the body until the condition succeeds"
		}
		w.keyword(c.WhilePos, kw, m)
		w.nestedStmts(c.Cond)
		w.keyword(c.DoPos, "do", "start of the loop body")
		w.nestedStmts(c.Do)
		w.keyword(c.DonePos, "done", "end of the loop")
		w.sentence(Command{Name: kw, Sentence: "Repeats commands in a loop", Join: join})
	case *syntax.ForClause:
		w.keyword(c.ForPos, "for", "for: run the body once for each item")
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			w.add(off(wi.Name.Pos()), off(wi.Name.End()), wi.Name.Value, KindOperand, "the loop variable: $"+wi.Name.Value+" holds the current item")
			for _, item := range wi.Items {
				w.expansions(item)
			}
		}
		w.keyword(c.DoPos, "do", "start of the loop body")
		w.nestedStmts(c.Do)
		w.keyword(c.DonePos, "done", "end of the loop")
		w.sentence(Command{Name: "for", Sentence: "Repeats commands for each item", Join: join})
	case *syntax.CaseClause:
		w.keyword(c.Case, "case", "case: run the branch whose pattern matches the word")
		w.expansions(c.Word)
		for _, it := range c.Items {
			for _, p := range it.Patterns {
				w.addNode(p, KindOperand, "a pattern for this branch")
			}
			w.nestedStmts(it.Stmts)
		}
		w.keyword(c.Esac, "esac", "end of the case")
		w.sentence(Command{Name: "case", Sentence: "Runs the branch matching a value", Join: join})
	case *syntax.FuncDecl:
		name := ""
		if c.Name != nil {
			name = c.Name.Value
		}
		w.add(off(c.Pos()), off(c.Name.End()), name+"()", KindFunction, "defines the function "+name+": the body runs whenever "+name+" is called")
		w.depth++
		w.stmt(c.Body, "")
		w.depth--
		w.sentence(Command{Name: name, Sentence: "Defines the function " + name, Join: join})
	case *syntax.TimeClause:
		w.keyword(c.Time, "time", "time: report how long the command takes")
		if c.Stmt != nil {
			w.stmt(c.Stmt, join)
		}
	case *syntax.DeclClause:
		w.addNode(c.Variant, KindCommand, declMeaning(c.Variant.Value))
		for _, a := range c.Args {
			w.assign(a, true)
		}
		w.sentence(Command{Name: c.Variant.Value, Summary: declMeaning(c.Variant.Value), From: "table", Sentence: conjugate(declMeaning(c.Variant.Value)), Join: join})
	case *syntax.TestClause:
		w.add(off(c.Left), off(c.Left)+2, "[[ … ]]", KindKeyword, "test a condition: succeeds when it is true")
		w.expansionsIn(c)
		w.sentence(Command{Name: "[[", Sentence: "Tests a condition", Join: join})
	case *syntax.ArithmCmd:
		w.addNode(c, KindKeyword, "arithmetic: succeeds when the result is not zero")
		w.sentence(Command{Name: "((", Sentence: "Computes an arithmetic expression", Join: join})
	case *syntax.LetClause:
		w.addNode(c, KindKeyword, "let: evaluate arithmetic, setting variables")
	default:
		w.addNode(c, KindKeyword, "a shell construct lsh does not explain")
	}
}

func declMeaning(v string) string {
	switch v {
	case "export":
		return "mark variables to be passed to the commands this shell starts"
	case "local":
		return "create variables local to the function"
	case "readonly":
		return "make variables unchangeable"
	}
	return "declare variables"
}

// keyword adds a reserved word at pos.
func (w *walker) keyword(pos syntax.Pos, word, meaning string) {
	if !pos.IsValid() {
		return
	}
	p := off(pos)
	w.add(p, p+len(word), word, KindKeyword, meaning)
}

// nestedStmts explains statements inside a compound command, one level in.
func (w *walker) nestedStmts(ss []*syntax.Stmt) {
	w.depth++
	for _, s := range ss {
		w.stmt(s, "")
	}
	w.depth--
}

// sentence records a command's sentence.
func (w *walker) sentence(c Command) {
	c.Depth = w.depth
	w.ex.Commands = append(w.ex.Commands, c)
}

// assign explains NAME=value.
func (w *walker) assign(a *syntax.Assign, forShell bool) {
	if a.Name == nil {
		if a.Value != nil {
			w.addNode(a.Value, KindOperand, "a variable name or option")
		}
		return
	}
	meaning := "set the variable " + a.Name.Value + " for this command only"
	if forShell {
		meaning = "set the shell variable " + a.Name.Value
	}
	if a.Value != nil {
		meaning += " to " + cmdline.NewWord(w.src, a.Value, cmdline.Env{}).Value
	}
	w.addNode(a, KindAssignment, meaning)
	if a.Value != nil {
		w.expansions(a.Value)
	}
}

package risk

import (
	"sort"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// maxDepth bounds how deep code inside strings (bash -c '…', eval, ssh
// HOST '…') is followed. A line nested deeper is rated as if it destroyed
// the system: nobody nests that deep by accident, and lsh cannot see in.
const maxDepth = 6

// Rate rates a command line knowing nothing of where it will run.
func Rate(src string) Rating { return RateWith(src, Options{}) }

// RateWith rates a command line for the place opt describes.
//
// A line that does not parse cannot run in lsh, but it is rarely far from
// one that does, and other shells run the statements before the error: the
// statements that parsed are rated, the rating is at least Writes, and
// ParseError says where and why parsing stopped.
func RateWith(src string, opt Options) Rating {
	f, err := cmdline.Parse(src)
	r := newRater(opt)
	if f != nil {
		r.stmts(cmdline.Source{Text: src}, f.Stmts, nil)
	}
	if err != nil {
		r.add(Writes, "the line does not parse ("+err.Error()+"): lsh cannot tell all it would do", "")
	}
	rt := r.rating()
	if err != nil {
		rt.ParseError = err.Error()
	}
	return rt
}

// RateFile rates a parsed program knowing nothing of where it will run.
func RateFile(f *syntax.File) Rating { return RateFileWith(f, Options{}) }

// RateFileWith rates a parsed program for the place opt describes. Words
// in reasons are printed from the tree, since the source text is not known.
func RateFileWith(f *syntax.File, opt Options) Rating {
	r := newRater(opt)
	r.stmts(cmdline.Source{}, f.Stmts, nil)
	return r.rating()
}

// rater walks one line, collecting findings.
type rater struct {
	opt     Options
	env     cmdline.Env
	depth   int
	prefix  string          // prepended to findings while inside ssh HOST '…'
	funcs   map[string]bool // functions defined so far
	found   []finding
	readers []string          // read-only commands seen, for the summary
	fetched map[string]string // files downloaded earlier in the line → URL
	ran     bool              // some command runs at all
}

// finding is one fact about the line.
type finding struct {
	level Level
	text  string
	alt   string
}

func newRater(opt Options) *rater {
	return &rater{opt: opt, env: cmdline.Env{Lookup: opt.Lookup}}
}

func (r *rater) add(level Level, text, alt string) {
	r.found = append(r.found, finding{level: level, text: r.prefix + text, alt: alt})
}

func (r *rater) reader(name string) {
	r.ran = true
	for _, n := range r.readers {
		if n == name {
			return
		}
	}
	r.readers = append(r.readers, name)
}

// rating sorts the findings, most serious first, and sums them up.
func (r *rater) rating() Rating {
	rt := Rating{Level: ReadOnly}
	sort.SliceStable(r.found, func(i, j int) bool { return r.found[i].level.Rank() > r.found[j].level.Rank() })
	seen := map[string]bool{}
	for _, f := range r.found {
		rt.Level = rt.Level.Max(f.level)
		if f.level == ReadOnly || seen[f.text] {
			continue
		}
		seen[f.text] = true
		rt.Reasons = append(rt.Reasons, f.text)
		if rt.Alternative == "" && f.alt != "" {
			rt.Alternative = f.alt
		}
	}
	if rt.Level == ReadOnly {
		switch {
		case len(r.readers) > 0:
			rt.Reasons = []string{"only reads or prints (" + strings.Join(r.readers, ", ") + "): nothing is changed"}
		case !r.ran:
			rt.Reasons = []string{"runs no command"}
		}
	}
	return rt
}

// stmts rates a statement list. in is what the first statement reads on
// standard input when that is known (a pipe), nil otherwise.
func (r *rater) stmts(src cmdline.Source, ss []*syntax.Stmt, in *feed) {
	for _, s := range ss {
		r.stmt(src, s, in)
	}
}

func (r *rater) stmt(src cmdline.Source, s *syntax.Stmt, in *feed) {
	for _, rd := range s.Redirs {
		r.redirect(src, rd)
	}
	switch c := s.Cmd.(type) {
	case nil:
	case *syntax.CallExpr:
		r.call(src, c, s, in)
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			r.pipeline(src, c)
			return
		}
		r.stmt(src, c.X, nil)
		r.stmt(src, c.Y, nil)
	case *syntax.Subshell:
		r.stmts(src, c.Stmts, in)
	case *syntax.Block:
		r.stmts(src, c.Stmts, in)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			r.stmts(src, ic.Cond, nil)
			r.stmts(src, ic.Then, nil)
		}
	case *syntax.WhileClause:
		r.stmts(src, c.Cond, in)
		r.stmts(src, c.Do, nil)
	case *syntax.ForClause:
		r.nested(src, c.Loop)
		r.stmts(src, c.Do, nil)
	case *syntax.CaseClause:
		r.nested(src, c.Word)
		for _, it := range c.Items {
			for _, p := range it.Patterns {
				r.nested(src, p)
			}
			r.stmts(src, it.Stmts, nil)
		}
	case *syntax.FuncDecl:
		r.funcDecl(src, c)
	case *syntax.TimeClause:
		if c.Stmt != nil {
			r.stmt(src, c.Stmt, in)
		}
	case *syntax.CoprocClause:
		r.stmt(src, c.Stmt, nil)
	case *syntax.TestDecl:
		r.stmt(src, c.Body, nil)
	default:
		// Declarations, arithmetic and [[ tests ]] change only the
		// shell's variables, but their words may hold $(…).
		r.nested(src, c)
		r.reader(declName(c))
	}
}

// declName names a builtin clause for the read-only summary.
func declName(c syntax.Command) string {
	switch c := c.(type) {
	case *syntax.DeclClause:
		return c.Variant.Value
	case *syntax.LetClause:
		return "let"
	case *syntax.TestClause:
		return "[["
	}
	return "(( ))"
}

// nested rates the command and process substitutions anywhere inside n:
// they run before the command that holds them.
func (r *rater) nested(src cmdline.Source, n syntax.Node) {
	if n == nil {
		return
	}
	syntax.Walk(n, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.CmdSubst:
			r.stmts(src, n.Stmts, nil)
			return false
		case *syntax.ProcSubst:
			r.stmts(src, n.Stmts, nil)
			return false
		}
		return true
	})
}

// pipeline rates each stage, telling each what the previous one feeds it.
func (r *rater) pipeline(src cmdline.Source, b *syntax.BinaryCmd) {
	var stages []*syntax.Stmt
	var flatten func(s *syntax.Stmt)
	flatten = func(s *syntax.Stmt) {
		if b, ok := s.Cmd.(*syntax.BinaryCmd); ok && (b.Op == syntax.Pipe || b.Op == syntax.PipeAll) && len(s.Redirs) == 0 {
			flatten(b.X)
			flatten(b.Y)
			return
		}
		stages = append(stages, s)
	}
	flatten(b.X)
	flatten(b.Y)
	var in *feed
	for _, s := range stages {
		r.stmt(src, s, in)
		in = r.feedOf(src, s, in)
	}
}

// funcDecl records a function, rates its body where it is defined (a
// definition is there to be called), and recognises fork bombs.
func (r *rater) funcDecl(src cmdline.Source, fd *syntax.FuncDecl) {
	r.ran = true
	name := ""
	if fd.Name != nil {
		name = fd.Name.Value
	}
	if r.funcs == nil {
		r.funcs = map[string]bool{}
	}
	r.funcs[name] = true
	if name != "" && forkBomb(fd, name) {
		r.add(SystemDestroying, "defines a fork bomb: the function "+name+" starts copies of itself in the background or through a pipe until the system runs out of processes and freezes", "")
	}
	if fd.Body != nil {
		r.stmt(src, fd.Body, nil)
	}
}

// forkBomb reports whether a function calls itself in the background or in
// a pipeline, so that each call spawns more calls: :(){ :|:& };:.
func forkBomb(fd *syntax.FuncDecl, name string) bool {
	bomb := false
	syntax.Walk(fd.Body, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if n.Background && callsFunc(n, name) {
				bomb = true
			}
		case *syntax.BinaryCmd:
			if (n.Op == syntax.Pipe || n.Op == syntax.PipeAll) && (callsFunc(n.X, name) || callsFunc(n.Y, name)) {
				bomb = true
			}
		}
		return !bomb
	})
	return bomb
}

func callsFunc(n syntax.Node, name string) bool {
	found := false
	syntax.Walk(n, func(n syntax.Node) bool {
		if c, ok := n.(*syntax.CallExpr); ok && len(c.Args) > 0 && c.Args[0].Lit() == name {
			found = true
		}
		return !found
	})
	return found
}

// redirect rates an output redirection's target.
func (r *rater) redirect(src cmdline.Source, rd *syntax.Redirect) {
	r.nested(src, rd.Word)
	if rd.Hdoc != nil {
		r.nested(src, rd.Hdoc)
	}
	var ro role
	var does string
	switch rd.Op {
	case syntax.RdrOut, syntax.RdrClob, syntax.RdrAll, syntax.RdrAllClob:
		ro, does = overwrites, "empties and rewrites %s"
	case syntax.AppOut, syntax.AppAll, syntax.AppClob, syntax.AppAllClob, syntax.RdrInOut:
		ro, does = writes, "appends to %s"
	case syntax.DplOut:
		// >&2 duplicates a descriptor; bash's >&file writes a file.
		if v := rd.Word.Lit(); v == "-" || allDigits(v) {
			return
		}
		ro, does = overwrites, "empties and rewrites %s"
	default:
		return
	}
	w := cmdline.NewWord(src, rd.Word, r.env)
	op := "the redirection " + rd.Op.String()
	r.judgeAll(op, []judged{{w, ro, does}}, 0, nil, Writes, ">> appends instead of replacing; set -o noclobber makes > refuse to overwrite a file")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

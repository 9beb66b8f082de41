package classify

import (
	"fmt"
	"strings"

	"github.com/llamashell/lsh/intents/internal/cmdline"
)

// The weights of the evidence. A line whose first word is a command is
// natural language when its English evidence exceeds its shell evidence by
// naturalMargin and at least one piece of it is strong (a function word, a
// contraction, English punctuation, or a word the command's grammar
// cannot take), or by strongMargin without a strong piece.
const (
	wStop        = 2.0 // "the", "in", "my"
	wStrong      = 3.0 // a contraction, "in?", a word the grammar rejects
	wMedium      = 1.5 // not a command where a command is expected
	wWeakSub     = 1.0 // not a subcommand (could be a git alias)
	wRequest     = 1.0 // "files", "biggest", "running"
	wPlain       = 0.5 // a word that names no file
	wRatio       = 1.0 // most operands are words, one of them a function word
	wFlag        = 2.0 // -x, --long
	wExists      = 2.0 // names a file that exists
	wPathLike    = 1.0 // looks like a path or file name
	wAccepted    = 2.0 // what the grammar expects: a PID for kill, a target for make
	wQuoted      = 1.5 // quotes or expansions
	wShellSyntax = 3.0 // pipes, redirections, ;, &&, $(…)
	wOther       = 1.0 // user@host, a:b, *.go
	wPolite      = 4.0 // "please" or an adverb where a file is expected

	naturalMargin = 2.0
	strongMargin  = 3.5
)

// score collects the evidence on one line.
type score struct {
	ctx  Context
	tool tool
	name string

	english, shell float64
	strong         bool
	// words counts the operands weighed, wordy those that were words
	// (plain, function or request words), stops the function words.
	words, wordy, stops int
	// flags counts the options, ops the weight of shell operators: the
	// evidence of code that no English request has.
	flags int
	ops   float64
	notes []string
}

func newScore(ctx Context, t tool) *score { return &score{ctx: ctx, tool: t} }

type side int

const (
	englishWord side = iota
	englishStrong
	shellWord
)

// add records evidence with a note for the reason.
func (s *score) add(sd side, w float64, note string) {
	switch sd {
	case englishWord:
		s.english += w
	case englishStrong:
		s.english += w
		s.strong = true
	case shellWord:
		s.shell += w
	}
	if note != "" && len(s.notes) < 4 {
		s.notes = append(s.notes, note)
	}
}

// shellOps counts shell-only syntax on the line.
func (s *score) shellOps(ops string) {
	if ops != "" {
		s.ops += wShellSyntax
		s.add(shellWord, wShellSyntax, ops)
	}
}

// weighArgs weighs a parsed command's arguments with its grammar: options
// and their values, then operands in order.
func (s *score) weighArgs(args []cmdline.Word) {
	split := cmdline.Split(s.name, args, cmdline.LookupGrammar)
	done := map[int]bool{}
	pos := 0
	for _, it := range split.Items {
		if done[it.Word] {
			continue
		}
		w := args[it.Word]
		switch it.Kind {
		case cmdline.Option:
			done[it.Word] = true
			if w.Static && w.Value != "" && w.Value[0] != '-' && w.Value[0] != '+' && !strings.ContainsAny(w.Value, "=()!,") {
				// A bundle without a dash (tar xzf, ps aux) when the
				// grammar allows one; otherwise it is a word.
				if s.tool.bundle != "" && pos == 0 && allIn(w.Value, s.tool.bundle) && classOf(w.Value) != cStop {
					s.add(shellWord, wAccepted, s.name+" "+w.Value+" is a bundle of options")
				} else {
					s.operand(pos, w)
				}
				pos++
				continue
			}
			s.add(shellWord, wFlag, "")
		case cmdline.EndOfOptions:
			done[it.Word] = true
			s.add(shellWord, wFlag, "")
		default:
			done[it.Word] = true
			s.operand(pos, w)
			pos++
		}
	}
}

// tooFewOperands weighs a command given fewer operands than it needs and
// no option, when those operands are words that name no file: "install
// htop" (install copies a source to a destination), "cp notes". As a
// command line it could only fail.
func (s *score) tooFewOperands(args []cmdline.Word) {
	if s.tool.minOperands == 0 || len(args) == 0 || len(args) >= s.tool.minOperands {
		return
	}
	for _, w := range args {
		if !w.Static {
			return
		}
		switch classOf(w.Value) {
		case cPlain, cRequest, cStop:
			if s.ctx.exists(w.Path) {
				return
			}
		default:
			return
		}
	}
	s.add(englishStrong, wStrong, fmt.Sprintf("%s needs %d operands, and %s names no file", s.name, s.tool.minOperands, args[0].Value))
}

// weighAll weighs words with no grammar, as operands of an unknown tool.
func (s *score) weighAll(args []cmdline.Word) {
	for i, w := range args {
		if w.Static && classOf(w.Value) == cFlag {
			s.flags++
			s.add(shellWord, wFlag, "")
			continue
		}
		s.operand(i+1, w)
	}
}

// weighNaive weighs the blank-separated words of a line that does not
// parse.
func (s *score) weighNaive(toks []string) {
	pos := 0
	for _, t := range toks {
		v := strings.Trim(t, `"`)
		if strings.HasPrefix(v, "'") && !isContraction(v) {
			v = strings.Trim(v, "'")
		}
		if classOf(v) == cFlag {
			s.add(shellWord, wFlag, "")
			continue
		}
		s.operand(pos, cmdline.Word{Text: t, Value: v, Static: true, Path: v})
		pos++
	}
}

// operand weighs the operand at position pos (0 for the first).
func (s *score) operand(pos int, w cmdline.Word) {
	if !w.Static {
		s.add(shellWord, wQuoted, "an expansion")
		return
	}
	v := w.Value
	if strings.ContainsAny(w.Text, `"'$`+"`\\") && !isContraction(w.Text) {
		s.add(shellWord, wQuoted, "quoting")
		return
	}
	if w.Glob && !trailingQuestion(w.Text) {
		s.add(shellWord, wOther, "a pattern "+v)
		return
	}
	c := classOf(v)
	s.words++
	switch c {
	case cPlain, cStop, cRequest, cPunct, cContraction:
		s.wordy++
	}
	if c == cStop {
		s.stops++
	}
	// What every grammar agrees on.
	switch c {
	case cContraction:
		s.add(englishStrong, wStrong, fmt.Sprintf("%q is English", v))
		return
	case cPunct:
		if !s.ctx.exists(w.Path) {
			s.add(englishStrong, wStrong, fmt.Sprintf("%q ends like a sentence", v))
			return
		}
	case cFlag:
		s.add(shellWord, wFlag, "")
		return
	}
	if c != cNumber && s.tool.takesFiles() && !(pos == 0 && s.tool.pattern) && s.ctx.exists(w.Path) {
		s.add(shellWord, wExists, v+" exists")
		return
	}
	t := s.tool
	if pos == 0 && t.subs != nil {
		switch {
		case t.subs[v]:
			s.add(shellWord, wAccepted, s.name+" "+v+" is a subcommand")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		default:
			s.add(englishWord, wWeakSub, s.name+" has no subcommand "+v)
		}
		return
	}
	if pos == 0 && t.first != nil {
		if t.first(v) {
			s.add(shellWord, wAccepted, "")
			return
		}
	}
	if pos == 0 && t.pattern {
		if c == cStop {
			s.add(englishWord, wStop/2, "")
		}
		return // a pattern can be any word
	}
	switch t.operands {
	case noOperand:
		switch c {
		case cNumber:
			s.add(shellWord, wPlain, "")
		case cPath, cOther:
			s.add(shellWord, wPathLike, "")
		case cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		default:
			s.add(englishStrong, wStrong, s.name+" takes no operand like "+v)
		}
		return
	case pids:
		switch {
		case c == cNumber && allIn(v, "0123456789"), strings.HasPrefix(v, "%"), c == cFlag:
			s.add(shellWord, wAccepted, "")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		case c == cPlain || c == cRequest:
			s.add(englishStrong, wStrong, s.name+" takes process IDs, not "+v)
		default:
			s.add(englishWord, wPlain, "")
		}
		return
	case commandNames:
		switch {
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		case s.ctx.resolve(v) != NotFound:
			s.add(shellWord, wAccepted, v+" is a command")
		case c == cNumber:
			s.add(shellWord, wPlain, "") // man 5 crontab
		default:
			s.add(englishWord, wMedium, v+" is not a command")
		}
		return
	case varNames:
		switch {
		case isAssignment(v):
			s.add(shellWord, wAccepted, "")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		case isIdentifier(v):
			s.add(shellWord, wPlain, "")
		default:
			s.add(englishStrong, wStrong, v+" is not a variable name")
		}
		return
	case makeTargets:
		var targets []string
		if s.ctx.MakeTargets != nil {
			targets = s.ctx.MakeTargets()
		}
		switch {
		case isAssignment(v) || contains(targets, v):
			s.add(shellWord, wAccepted, v+" is a make target")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		case targets != nil:
			s.add(englishWord, wMedium, "the makefile has no target "+v)
		default:
			s.add(englishWord, wPlain, "")
		}
		return
	case durations:
		switch {
		case c == cNumber && isDuration(v), v == "infinity":
			s.add(shellWord, wAccepted, "")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		default:
			s.add(englishStrong, wStrong, s.name+" takes a duration, not "+v)
		}
		return
	case dateArgs:
		switch {
		case strings.HasPrefix(v, "+") || c == cNumber:
			s.add(shellWord, wAccepted, "")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		default:
			s.add(englishStrong, wStrong, s.name+" takes +FORMAT, not "+v)
		}
		return
	case whoArgs:
		switch {
		case strings.EqualFold(v, "am") || strings.EqualFold(v, "i") || v == "-" || c == cPath:
			s.add(shellWord, wAccepted, "")
		case c == cStop:
			s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
		default:
			s.add(englishStrong, wStrong, s.name+" takes no operand like "+v)
		}
		return
	}
	// Files and directories.
	switch {
	case c == cStop && polite(v):
		s.add(englishStrong, wPolite, fmt.Sprintf("%q is no file name", v))
	case c == cStop && t.minOperands > 0:
		// "diff between a.txt and b.txt": between files, a function
		// word that is no file is English.
		s.add(englishStrong, wStrong, fmt.Sprintf("%q is a function word, not a file", v))
	case c == cStop:
		s.add(englishStrong, wStop, fmt.Sprintf("%q is a function word", v))
	case c == cRequest:
		s.add(englishWord, wRequest, "")
	case c == cPlain && isAdverb(v):
		s.add(englishStrong, wPolite, fmt.Sprintf("%q is an adverb, not a file", v))
	case c == cPlain:
		s.add(englishWord, wPlain, "")
	case c == cPath:
		s.add(shellWord, wPathLike, v+" looks like a path")
	case c == cNumber:
	default:
		s.add(shellWord, wOther, "")
	}
}

// polite reports a word that asks nicely; no file is called that.
func polite(w string) bool {
	switch strings.ToLower(w) {
	case "please", "pls", "plz", "kindly":
		return true
	}
	return false
}

// isAdverb reports an -ly word ("alphabetically", "recursively"): a manner
// said in English, never the name of a file one sorts or copies.
func isAdverb(v string) bool {
	return len(v) > 5 && strings.HasSuffix(strings.ToLower(v), "ly") && isLetters(v)
}

// verdict turns the evidence into a Result.
func (s *score) verdict(resolvable bool) Result {
	if s.words >= 2 && s.stops > 0 && float64(s.wordy) >= 0.6*float64(s.words) {
		s.english += wRatio
	}
	margin := s.english - s.shell
	natural := margin >= naturalMargin && s.strong || margin >= strongMargin
	r := Result{Natural: natural, Resolvable: resolvable}
	if natural {
		r.Confidence = clamp(0.55+0.08*margin, 0.55, 0.95)
		r.Reason = "reads as English: " + s.why()
	} else {
		r.Confidence = clamp(0.55-0.08*margin, 0.5, 0.95)
		r.Reason = "reads as a command"
		if len(s.notes) > 0 && margin < 0 {
			r.Reason += ": " + s.why()
		}
	}
	return r
}

func (s *score) why() string {
	if len(s.notes) == 0 {
		return fmt.Sprintf("English %.1f, shell %.1f", s.english, s.shell)
	}
	return strings.Join(s.notes, "; ")
}

// trailingQuestion reports a word whose only glob is a final "?" after
// letters: "in?" ends a question, it is not a pattern.
func trailingQuestion(text string) bool {
	return len(text) > 1 && text[len(text)-1] == '?' && isLetters(text[:len(text)-1])
}

// isDuration reports sleep's forms: 10, 0.5, 5m, 2h, 1d.
func isDuration(v string) bool {
	n := strings.TrimRight(v, "smhd")
	return len(v)-len(n) <= 1 && isNumber(n) && allIn(n, "0123456789.")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func clamp(x, lo, hi float64) float64 {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

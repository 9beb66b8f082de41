package tui

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// The highlighter reads the line as a shell lexer does, not as the parser
// does: a line being typed is mostly incomplete ("echo 'unfinished",
// "if true; then"), and the colours must follow the keystrokes anyway.

// tokKind is the lexical class of a span of the input line.
type tokKind int

const (
	tokSpace    tokKind = iota
	tokCommand          // the command word, and it resolves
	tokMissing          // the command word, and nothing by that name exists
	tokKeyword          // if, then, for, while, !, {, …
	tokArg              // an argument
	tokOption           // an argument starting with "-"
	tokString           // '…', "…", $'…'
	tokVariable         // $x, ${x}, $(…), `…`, $((…))
	tokOperator         // | || && ; ;; & ( ) and redirections
	tokComment          // # to the end of the line
	tokAssign           // NAME= before the command word
)

// span is a run of the line in one class: line[start:end].
type span struct {
	start, end int
	kind       tokKind
}

// word is one shell word of the line, as the completer needs it.
type word struct {
	start, end int
	command    bool // in command position
}

// lexed is a lexed line.
type lexed struct {
	spans []span
	words []word
	// cmdPos reports whether a word starting at the end of the line would
	// be in command position.
	cmdPos bool
}

// keywords that keep the next word in command position.
var cmdKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "while": true, "until": true,
	"do": true, "!": true, "{": true, "time": true,
}

// keywords that end a compound command: after them comes an operator.
var endKeywords = map[string]bool{"fi": true, "done": true, "esac": true, "}": true}

// lex splits line into classed spans. resolves decides whether a command
// word names something that runs.
func lex(line string, resolves func(string) bool) lexed {
	var lx lexed
	cmd := true     // the next word is in command position
	expectName := 0 // words to pass before command position again: "for x in", "case x in"
	i := 0
	add := func(start, end int, k tokKind) {
		if end > start {
			lx.spans = append(lx.spans, span{start, end, k})
		}
	}
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			j := i
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			add(i, j, tokSpace)
			i = j
			continue
		case c == '\n':
			add(i, i+1, tokSpace)
			i++
			cmd, expectName = true, 0
			continue
		case c == '#':
			j := strings.IndexByte(line[i:], '\n')
			if j < 0 {
				j = len(line) - i
			}
			add(i, i+j, tokComment)
			i += j
			continue
		}
		if n, redir := operatorAt(line, i); n > 0 {
			add(i, i+n, tokOperator)
			i += n
			if !redir {
				cmd, expectName = true, 0
			} else {
				// The redirection's target is a word, not the command.
				i = skipSpace(line, i, &lx)
				if i < len(line) {
					end := wordEnd(line, i)
					lx.words = append(lx.words, word{i, end, false})
					lexWord(line, i, end, tokArg, &lx)
					i = end
				}
			}
			continue
		}
		end := wordEnd(line, i)
		text := line[i:end]
		w := word{start: i, end: end}
		switch {
		case cmd && expectName == 0 && (cmdKeywords[text] || endKeywords[text]):
			add(i, end, tokKeyword)
			cmd = cmdKeywords[text]
		case cmd && expectName == 0 && (text == "for" || text == "case" || text == "select"):
			add(i, end, tokKeyword)
			expectName = 2 // NAME, then "in"
			cmd = false
		case expectName == 1 && (text == "in" || text == "do"):
			add(i, end, tokKeyword)
			expectName = 0
			cmd = false
		case expectName > 0:
			lexWord(line, i, end, tokArg, &lx)
			expectName--
		case cmd && isAssignment(text):
			eq := strings.IndexByte(text, '=')
			add(i, i+eq+1, tokAssign)
			lexWord(line, i+eq+1, end, tokArg, &lx)
		case cmd:
			w.command = true
			kind := tokCommand
			if lit, ok := literal(text); ok && !resolves(lit) {
				kind = tokMissing
			}
			lexWord(line, i, end, kind, &lx)
			cmd = false
		default:
			kind := tokArg
			if strings.HasPrefix(text, "-") {
				kind = tokOption
			}
			lexWord(line, i, end, kind, &lx)
		}
		lx.words = append(lx.words, w)
		i = end
	}
	lx.cmdPos = cmd && expectName == 0
	return lx
}

func skipSpace(line string, i int, lx *lexed) int {
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j > i {
		lx.spans = append(lx.spans, span{i, j, tokSpace})
	}
	return j
}

// operatorAt returns the length of the operator at line[i:] (0 if none) and
// whether it is a redirection.
func operatorAt(line string, i int) (int, bool) {
	j := i
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	if j > i && (j == len(line) || (line[j] != '<' && line[j] != '>')) {
		return 0, false // digits, not an fd before a redirection
	}
	rest := line[j:]
	for _, op := range []string{"<<<", "<<-", "&>>", ">>", "<<", "<&", ">&", "<>", ">|", "&>", "<", ">"} {
		if strings.HasPrefix(rest, op) {
			return j - i + len(op), true
		}
	}
	if j > i {
		return 0, false
	}
	for _, op := range []string{";;&", ";;", ";&", "||", "&&", "|&", "|", ";", "&", "(", ")"} {
		if strings.HasPrefix(rest, op) {
			return len(op), false
		}
	}
	return 0, false
}

// wordEnd returns the end of the shell word starting at line[i]: the next
// unquoted blank or operator. An unterminated quote runs to the end.
func wordEnd(line string, i int) int {
	for i < len(line) {
		switch c := line[i]; c {
		case ' ', '\t', '\n', ';', '&', '|', '<', '>', ')':
			return i
		case '(':
			return i
		case '\\':
			i += 2
		case '\'':
			i = quoteEnd(line, i+1, '\'')
		case '"':
			i = quoteEnd(line, i+1, '"')
		case '`':
			i = quoteEnd(line, i+1, '`')
		case '$':
			i = dollarEnd(line, i)
		default:
			i++
		}
	}
	return len(line)
}

// quoteEnd returns the offset just after the closing quote q, or the end of
// the line.
func quoteEnd(line string, i int, q byte) int {
	for i < len(line) {
		switch line[i] {
		case q:
			return i + 1
		case '\\':
			if q != '\'' {
				i++
			}
		}
		i++
	}
	return len(line)
}

// dollarEnd returns the end of the expansion starting at line[i] == '$'.
func dollarEnd(line string, i int) int {
	j := i + 1
	if j >= len(line) {
		return j
	}
	switch c := line[j]; {
	case c == '{':
		return matchClose(line, j+1, '{', '}')
	case c == '(':
		return matchClose(line, j+1, '(', ')')
	case c == '\'':
		return quoteEnd(line, j+1, '\'')
	case c == '"':
		return quoteEnd(line, j+1, '"')
	case isNameByte(c, true):
		for j < len(line) && isNameByte(line[j], false) {
			j++
		}
		return j
	case strings.IndexByte("@*#?$!-0123456789", c) >= 0:
		return j + 1
	}
	return j
}

// matchClose returns the offset after the close that balances an open
// already read, or the end of the line.
func matchClose(line string, i int, open, close byte) int {
	depth := 1
	for i < len(line) {
		switch c := line[i]; c {
		case open:
			depth++
		case close:
			depth--
			if depth == 0 {
				return i + 1
			}
		case '\\':
			i++
		case '\'':
			i = quoteEnd(line, i+1, '\'') - 1
		case '"':
			i = quoteEnd(line, i+1, '"') - 1
		}
		i++
	}
	return len(line)
}

func isNameByte(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

// isAssignment reports whether a word is NAME=value.
func isAssignment(w string) bool {
	eq := strings.IndexByte(w, '=')
	if eq <= 0 {
		return false
	}
	for k := 0; k < eq; k++ {
		if !isNameByte(w[k], k == 0) {
			return false
		}
	}
	return true
}

// lexWord splits the word line[start:end] into spans: its quoted parts and
// expansions in their own classes, the rest in kind.
func lexWord(line string, start, end int, kind tokKind, lx *lexed) {
	plain := start
	flush := func(to int) {
		if to > plain {
			lx.spans = append(lx.spans, span{plain, to, kind})
		}
	}
	i := start
	for i < end {
		switch line[i] {
		case '\\':
			i += 2
			if i > end {
				i = end
			}
		case '\'':
			flush(i)
			j := min(quoteEnd(line, i+1, '\''), end)
			lx.spans = append(lx.spans, span{i, j, tokString})
			i, plain = j, j
		case '"':
			flush(i)
			j := min(quoteEnd(line, i+1, '"'), end)
			lexDouble(line, i, j, lx)
			i, plain = j, j
		case '`':
			flush(i)
			j := min(quoteEnd(line, i+1, '`'), end)
			lx.spans = append(lx.spans, span{i, j, tokVariable})
			i, plain = j, j
		case '$':
			flush(i)
			j := min(dollarEnd(line, i), end)
			k := tokVariable
			if j > i+1 && line[i+1] == '\'' {
				k = tokString
			}
			lx.spans = append(lx.spans, span{i, j, k})
			i, plain = j, j
		default:
			i++
		}
	}
	flush(end)
}

// lexDouble classes a double-quoted string, with the expansions in it.
func lexDouble(line string, start, end int, lx *lexed) {
	plain := start
	i := start + 1
	for i < end {
		switch line[i] {
		case '\\':
			i += 2
		case '$', '`':
			if i > plain {
				lx.spans = append(lx.spans, span{plain, i, tokString})
			}
			var j int
			if line[i] == '$' {
				j = min(dollarEnd(line, i), end)
			} else {
				j = min(quoteEnd(line, i+1, '`'), end)
			}
			lx.spans = append(lx.spans, span{i, j, tokVariable})
			i, plain = j, j
		default:
			i++
		}
	}
	if end > plain {
		lx.spans = append(lx.spans, span{plain, min(end, len(line)), tokString})
	}
}

// literal returns a word's value when it has no expansion, its quotes
// removed; ok is false for words whose value only running them tells.
func literal(w string) (string, bool) {
	if strings.ContainsAny(w, "$`*?[") {
		return "", false
	}
	if strings.HasPrefix(w, "~") {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		switch c := w[i]; c {
		case '\\':
			if i+1 < len(w) {
				i++
				b.WriteByte(w[i])
			}
		case '\'':
			j := strings.IndexByte(w[i+1:], '\'')
			if j < 0 {
				b.WriteString(w[i+1:])
				return b.String(), true
			}
			b.WriteString(w[i+1 : i+1+j])
			i += j + 1
		case '"':
			j := quoteEnd(w, i+1, '"')
			inner := w[i+1 : max(i+1, j-1)]
			if j == len(w) && (len(w) == i+1 || w[j-1] != '"') {
				inner = w[i+1:]
			}
			b.WriteString(strings.ReplaceAll(inner, `\"`, `"`))
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// styleOf maps a class to its style.
func (s *Styles) styleOf(k tokKind) lipgloss.Style {
	switch k {
	case tokCommand:
		return s.Command
	case tokMissing:
		return s.Missing
	case tokKeyword:
		return s.Keyword
	case tokOption:
		return s.Option
	case tokString:
		return s.String
	case tokVariable:
		return s.Variable
	case tokOperator:
		return s.Operator
	case tokComment:
		return s.Comment
	case tokAssign:
		return s.Assign
	}
	return s.Arg
}

// Highlight renders a (possibly multi-line) command in colour, one string
// per line. resolves decides whether command words exist.
func (s *Styles) Highlight(line string, resolves func(string) bool) []string {
	lx := lex(line, resolves)
	var out []string
	var b strings.Builder
	for _, sp := range lx.spans {
		text := line[sp.start:sp.end]
		st := s.styleOf(sp.kind)
		for {
			nl := strings.IndexByte(text, '\n')
			if nl < 0 {
				break
			}
			if nl > 0 {
				b.WriteString(render(st, text[:nl]))
			}
			out = append(out, b.String())
			b.Reset()
			text = text[nl+1:]
		}
		if text != "" {
			b.WriteString(render(st, text))
		}
	}
	return append(out, b.String())
}

// render styles text, leaving blanks unstyled so underlines and
// backgrounds do not run between words.
func render(st lipgloss.Style, text string) string {
	text = visible(text)
	if strings.TrimSpace(text) == "" {
		return text
	}
	return st.Render(text)
}

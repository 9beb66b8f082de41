package tui

import (
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Completion. Tab completes the word before the cursor:
//
//   - one candidate: the word becomes it, quoted as needed, followed by a
//     space (a directory by nothing, so the next Tab goes inside it);
//   - several: the word grows to their longest common prefix; when it
//     cannot grow, the candidates are listed under the line and the
//     following Tabs (Shift-Tab backwards) step through them, each put on
//     the line as it is reached; Esc puts the word back as it was.
//
// The word's quoting is kept: "~/My Do<Tab>" and '~/My Do<Tab>' complete
// inside their quotes; an unquoted word gets backslashes ("My\ Documents/").

// compWord is the word being completed.
type compWord struct {
	start, end int    // its span in the line (end is the cursor)
	value      string // unquoted text so far
	quote      byte   // the quote it opened and did not close: 0, '\'' or '"'
	kind       WordKind
	prefix     string // text kept before the completed value: "$" for a variable
}

// wordAtCursor finds the word that ends at the cursor.
func wordAtCursor(line string, cursor int, resolves func(string) bool) compWord {
	before := line[:cursor]
	lx := lex(before, func(string) bool { return true })
	w := compWord{start: cursor, end: cursor, kind: WordArg}
	if lx.cmdPos {
		w.kind = WordCommand
	}
	if n := len(lx.words); n > 0 && lx.words[n-1].end == cursor {
		last := lx.words[n-1]
		w.start = last.start
		if last.command {
			w.kind = WordCommand
		} else {
			w.kind = WordArg
		}
	}
	text := before[w.start:]
	// A variable being named: complete its name.
	if i := strings.LastIndexByte(text, '$'); i >= 0 && isName(text[i+1:]) && !inSingleQuotes(text[:i]) {
		return compWord{start: w.start + i, end: cursor, value: text[i+1:], kind: WordVariable, prefix: "$", quote: openQuote(text[:i])}
	}
	if i := strings.LastIndex(text, "${"); i >= 0 && isName(text[i+2:]) {
		return compWord{start: w.start + i, end: cursor, value: text[i+2:], kind: WordVariable, prefix: "${"}
	}
	w.value, w.quote = unquote(text)
	return w
}

func isName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isNameByte(s[i], i == 0) {
			return false
		}
	}
	return true
}

// unquote removes a word's quotes and backslashes and says which quote is
// still open at its end.
func unquote(w string) (string, byte) {
	var b strings.Builder
	var q byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case q == '\'':
			if c == '\'' {
				q = 0
			} else {
				b.WriteByte(c)
			}
		case q == '"':
			switch {
			case c == '"':
				q = 0
			case c == '\\' && i+1 < len(w) && strings.IndexByte(`$"\`+"`", w[i+1]) >= 0:
				i++
				b.WriteByte(w[i])
			default:
				b.WriteByte(c)
			}
		case c == '\'' || c == '"':
			q = c
		case c == '\\' && i+1 < len(w):
			i++
			b.WriteByte(w[i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), q
}

func openQuote(s string) byte {
	_, q := unquote(s)
	return q
}

func inSingleQuotes(s string) bool { return openQuote(s) == '\'' }

// quoteFor writes value as it must appear on the line in a word that
// opened quote q (0: none). A final candidate closes its quote.
func quoteFor(value string, q byte, final bool) string {
	var b strings.Builder
	switch q {
	case '\'':
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(value, "'", `'\''`))
		if final {
			b.WriteByte('\'')
		}
	case '"':
		b.WriteByte('"')
		for _, r := range value {
			if strings.ContainsRune(`$"\`+"`", r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
		if final {
			b.WriteByte('"')
		}
	default:
		for i, r := range value {
			if strings.ContainsRune(" \t\n'\"\\$`&|;<>()*?[]{}!#", r) || (r == '~' && i > 0) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// completion is an open completion: the word and its candidates, for Tab
// to step through.
type completion struct {
	word       compWord
	original   string // the word's text on the line before completion
	candidates []Candidate
	selected   int // -1 until Tab steps into the list
}

// commonPrefix is the longest prefix all candidates share.
func commonPrefix(cs []Candidate) string {
	if len(cs) == 0 {
		return ""
	}
	p := cs[0].Text
	for _, c := range cs[1:] {
		for !strings.HasPrefix(c.Text, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}

// insertion is the text that replaces the word for candidate value; final
// is true when it is the only candidate or chosen from the list.
func (w compWord) insertion(value string, final bool) string {
	if w.kind == WordVariable {
		s := w.prefix + value
		switch {
		case !final:
		case w.prefix == "${":
			s += "}"
		case w.quote == 0:
			s += " "
		}
		return s
	}
	dir := strings.HasSuffix(value, "/")
	s := quoteFor(value, w.quote, final && !dir)
	if final && !dir {
		s += " "
	}
	return s
}

// sortCandidates orders the list and drops duplicates (a name can be
// both a function and a program).
func sortCandidates(cs []Candidate) []Candidate {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Text < cs[j].Text })
	out := cs[:0]
	for i, c := range cs {
		if i > 0 && c.Text == out[len(out)-1].Text {
			continue
		}
		out = append(out, c)
	}
	return out
}

// maxListRows bounds the completion list so the live area stays small.
const maxListRows = 8

// view lays the candidates out in columns to fit width.
func (c *completion) view(s *Styles, width int) string {
	if width <= 0 {
		width = 80
	}
	names := make([]string, len(c.candidates))
	colw := 0
	for i, cand := range c.candidates {
		name := cand.Text
		if c.word.kind != WordVariable {
			// Show the last path element, as ls would.
			trim := strings.TrimSuffix(name, "/")
			if j := strings.LastIndexByte(trim, '/'); j >= 0 {
				name = name[j+1:]
			}
		}
		names[i] = name
		colw = max(colw, ansi.StringWidth(name))
	}
	colw += 2
	cols := max(1, min(width/colw, len(names)))
	rows := (len(names) + cols - 1) / cols
	shownRows := min(rows, maxListRows)
	// Keep the selected candidate in view.
	first := 0
	if c.selected >= 0 {
		r := c.selected % rows
		if r >= shownRows {
			first = r - shownRows + 1
		}
	}
	var b strings.Builder
	for r := first; r < first+shownRows; r++ {
		if r > first {
			b.WriteByte('\n')
		}
		for col := 0; col < cols; col++ {
			i := col*rows + r
			if i >= len(names) {
				break
			}
			cell := names[i] + strings.Repeat(" ", colw-ansi.StringWidth(names[i]))
			st := s.Candidate
			if i == c.selected {
				st = s.Selected
			} else if strings.HasSuffix(c.candidates[i].Text, "/") {
				st = s.Dir
			}
			b.WriteString(st.Render(strings.TrimRight(cell, " ")))
			b.WriteString(strings.Repeat(" ", colw-ansi.StringWidth(strings.TrimRight(cell, " "))))
		}
	}
	if rows > shownRows {
		b.WriteString("\n" + s.Dim.Render("… "+strconv.Itoa(len(names))+" candidates, Tab steps through them"))
	}
	return strings.TrimRight(b.String(), " ")
}

package config

import "strings"

// The TOML library tells what a file means but not where each key was
// written, and it cannot write a file back with its comments. layout is the
// other half: a scan of the text, run only on input the library has already
// accepted, that records where every key and value sits, so warnings can
// name a line and column and an edit can replace one value's bytes and
// leave the rest of the file — comments, order, blank lines — untouched.

// entry is one `key = value` as written.
type entry struct {
	path     []string // table header (if any) + dotted key
	line     int      // 1-based line of the key
	col      int      // 1-based byte column of the key
	keyStart int      // byte offset of the key
	valStart int      // byte offsets of the value text: [valStart, valEnd)
	valEnd   int
	vline    int  // line and column of the value
	vcol     int  //
	inline   bool // inside an inline table: not a line of its own
}

// header is a `[table]` or `[[array]]` line.
type header struct {
	path  []string
	array bool
	start int // byte offset of '['
	end   int // byte offset just past the header's line (and newline)
	line  int
}

type layout struct {
	entries []entry
	headers []header
}

// find returns the entry whose path is path.
func (l *layout) find(path []string) (entry, bool) {
	for _, e := range l.entries {
		if equalPath(e.path, path) {
			return e, true
		}
	}
	return entry{}, false
}

func equalPath(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func joinPath(p []string) string { return strings.Join(p, ".") }

type scanner struct {
	src       []byte
	pos       int
	line      int
	lineStart int // offset of the current line's first byte
	out       layout
}

// scan records the layout of src, a document the TOML parser accepted. It
// never fails: on anything it does not follow it skips a byte and goes on,
// so a surprise costs a position, never a crash.
func scan(src []byte) layout {
	s := &scanner{src: src, line: 1}
	for {
		s.skipBlank(true)
		if s.eof() {
			break
		}
		before := s.pos
		if s.peek() == '[' {
			s.header()
		} else {
			s.keyval(nil, false, true)
		}
		s.skipBlank(false)
		s.skipComment()
		if s.pos == before {
			s.advance() // not TOML we follow; keep going
		}
	}
	return s.out
}

func (s *scanner) eof() bool  { return s.pos >= len(s.src) }
func (s *scanner) peek() byte { return s.src[s.pos] }

func (s *scanner) at(str string) bool {
	return strings.HasPrefix(string(s.src[s.pos:min(len(s.src), s.pos+len(str))]), str)
}

func (s *scanner) advance() {
	if s.src[s.pos] == '\n' {
		s.line++
		s.lineStart = s.pos + 1
	}
	s.pos++
}

func (s *scanner) col() int { return s.pos - s.lineStart + 1 }

// skipBlank skips spaces and tabs, and with newlines also line ends and
// comments.
func (s *scanner) skipBlank(newlines bool) {
	for !s.eof() {
		switch c := s.peek(); {
		case c == ' ' || c == '\t':
			s.advance()
		case newlines && (c == '\n' || c == '\r'):
			s.advance()
		case newlines && c == '#':
			s.skipComment()
		default:
			return
		}
	}
}

func (s *scanner) skipComment() {
	if s.eof() || s.peek() != '#' {
		return
	}
	for !s.eof() && s.peek() != '\n' {
		s.advance()
	}
}

func (s *scanner) header() {
	h := header{start: s.pos, line: s.line}
	s.advance()
	if !s.eof() && s.peek() == '[' {
		h.array = true
		s.advance()
	}
	h.path = s.key()
	for !s.eof() && s.peek() == ']' {
		s.advance()
	}
	s.skipBlank(false)
	s.skipComment()
	if !s.eof() && s.peek() == '\n' {
		s.advance()
	}
	h.end = s.pos
	s.out.headers = append(s.out.headers, h)
}

// tablePath is the path of the table the current line belongs to.
func (s *scanner) tablePath() []string {
	if n := len(s.out.headers); n > 0 {
		return s.out.headers[n-1].path
	}
	return nil
}

// keyval scans `key = value`. prefix is the path of the enclosing inline
// table; record is false inside arrays, whose elements have no key path.
func (s *scanner) keyval(prefix []string, inline, record bool) {
	e := entry{line: s.line, col: s.col(), keyStart: s.pos, inline: inline}
	k := s.key()
	s.skipBlank(false)
	if s.eof() || s.peek() != '=' {
		return
	}
	s.advance()
	s.skipBlank(false)
	base := prefix
	if !inline {
		base = s.tablePath()
	}
	e.path = append(append([]string(nil), base...), k...)
	e.valStart, e.vline, e.vcol = s.pos, s.line, s.col()
	s.value(e.path, record)
	e.valEnd = s.pos
	if record {
		s.out.entries = append(s.out.entries, e)
	}
}

func (s *scanner) key() []string {
	var parts []string
	for {
		s.skipBlank(false)
		if s.eof() {
			return parts
		}
		switch s.peek() {
		case '"':
			start := s.pos
			s.basicString()
			parts = append(parts, unquoteBasic(string(s.src[start+1:max(start+1, s.pos-1)])))
		case '\'':
			start := s.pos
			s.literalString()
			parts = append(parts, string(s.src[start+1:max(start+1, s.pos-1)]))
		default:
			start := s.pos
			for !s.eof() && isBare(s.peek()) {
				s.advance()
			}
			parts = append(parts, string(s.src[start:s.pos]))
		}
		s.skipBlank(false)
		if s.eof() || s.peek() != '.' {
			return parts
		}
		s.advance()
	}
}

func isBare(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func (s *scanner) value(path []string, record bool) {
	if s.eof() {
		return
	}
	switch {
	case s.at(`"""`):
		s.multiline(`"""`, true)
	case s.at(`'''`):
		s.multiline(`'''`, false)
	case s.peek() == '"':
		s.basicString()
	case s.peek() == '\'':
		s.literalString()
	case s.peek() == '[':
		s.advance()
		for {
			s.skipBlank(true)
			if s.eof() {
				return
			}
			if s.peek() == ']' {
				s.advance()
				return
			}
			before := s.pos
			s.value(nil, false)
			s.skipBlank(true)
			if !s.eof() && s.peek() == ',' {
				s.advance()
			}
			if s.pos == before {
				s.advance()
			}
		}
	case s.peek() == '{':
		s.advance()
		for {
			s.skipBlank(true)
			if s.eof() {
				return
			}
			if s.peek() == '}' {
				s.advance()
				return
			}
			before := s.pos
			s.keyval(path, true, record)
			s.skipBlank(true)
			if !s.eof() && s.peek() == ',' {
				s.advance()
			}
			if s.pos == before {
				s.advance()
			}
		}
	default:
		// A number, bool or date: up to what may follow a value. A date may
		// hold one space ("1979-05-27 07:32:00"), so trailing blanks are
		// given back.
		for !s.eof() && !strings.ContainsRune(",]}#\n\r", rune(s.peek())) {
			s.advance()
		}
		for s.pos > 0 && (s.src[s.pos-1] == ' ' || s.src[s.pos-1] == '\t') {
			s.pos--
		}
	}
}

func (s *scanner) basicString() {
	s.advance()
	for !s.eof() && s.peek() != '"' && s.peek() != '\n' {
		if s.peek() == '\\' {
			s.advance()
			if s.eof() {
				return
			}
		}
		s.advance()
	}
	if !s.eof() && s.peek() == '"' {
		s.advance()
	}
}

func (s *scanner) literalString() {
	s.advance()
	for !s.eof() && s.peek() != '\'' && s.peek() != '\n' {
		s.advance()
	}
	if !s.eof() {
		s.advance()
	}
}

// multiline skips a multi-line string (delim is three double or three
// single quotes), whose closing delimiter may be followed by up to two more
// quotes that belong to the content.
func (s *scanner) multiline(delim string, escapes bool) {
	for range 3 {
		s.advance()
	}
	for !s.eof() {
		if escapes && s.peek() == '\\' {
			s.advance()
			if !s.eof() {
				s.advance()
			}
			continue
		}
		if s.at(delim) {
			for range 3 {
				s.advance()
			}
			for extra := 0; extra < 2 && !s.eof() && s.peek() == delim[0]; extra++ {
				s.advance()
			}
			return
		}
		s.advance()
	}
}

// unquoteBasic decodes the escapes a quoted key may hold; keys lsh knows
// are plain words, so this only has to be right enough to name a key in a
// warning.
func unquoteBasic(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\n`, "\n", `\t`, "\t", `\r`, "\r")
	return r.Replace(s)
}

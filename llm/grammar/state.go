package grammar

// State is a position in a Program: which node, how far into it, and for a
// string the lexer's state and the bytes it may still take. It is
// comparable, so masks are cached by it.
type State struct {
	node int32
	// pos is the offset into a literal, the trie node of a choice, or in
	// a string the node of the first-word trie (-1 once the first word is
	// done, or when there is none).
	pos int32
	// left is how many more body bytes a string may take.
	left int32
	lex  lexState
	// seen records that a string has a visible character (NonBlank).
	seen bool
}

// lexState is where a string's lexer is: between characters, after a
// backslash, or inside a UTF-8 sequence. The UTF-8 states follow the
// well-formed byte sequences of Unicode (table 3-7): the first
// continuation byte of E0, ED, F0 and F4 has a narrower range, which rules
// out overlong forms, surrogates and code points past U+10FFFF.
type lexState uint8

const (
	lexNormal lexState = iota
	lexEscape          // after a backslash: one of " \ / b f n r t
	lexCont1           // one continuation byte 80–BF to go
	lexCont2           // two to go
	lexCont3           // three to go
	lexE0              // after E0: A0–BF, then one more
	lexED              // after ED: 80–9F, then one more
	lexF0              // after F0: 90–BF, then two more
	lexF4              // after F4: 80–8F, then two more
)

// pending is how many bytes the lexer needs before the string may close.
func (l lexState) pending() int {
	switch l {
	case lexEscape, lexCont1:
		return 1
	case lexCont2, lexE0, lexED:
		return 2
	case lexCont3, lexF0, lexF4:
		return 3
	}
	return 0
}

// enter is the state at the start of node n.
func (p *Program) enter(n int32) State {
	st := State{node: n}
	if nd := &p.nodes[n]; nd.kind == kindString {
		st.left = nd.str.max
		st.pos = -1
		if nd.str.words != nil {
			st.pos = 0
		}
	}
	return st
}

// Start is the state before the first byte.
func (p *Program) Start() State { return p.enter(p.start) }

// Done reports whether st is the end: the text is complete.
func (p *Program) Done(st State) bool { return p.nodes[st.node].kind == kindEnd }

// Step advances st by one byte, reporting false if the byte is not
// allowed there.
func (p *Program) Step(st State, b byte) (State, bool) {
	nd := &p.nodes[st.node]
	switch nd.kind {
	case kindLit:
		if nd.lit[st.pos] != b {
			return st, false
		}
		st.pos++
		if int(st.pos) == len(nd.lit) {
			return p.enter(nd.next), true
		}
		return st, true
	case kindChoice:
		c := nd.trie.child(st.pos, b)
		if c < 0 {
			return st, false
		}
		if tn := &nd.trie.nodes[c]; tn.term {
			return p.enter(tn.target), true
		}
		st.pos = c
		return st, true
	case kindString:
		return p.stepString(nd, st, b)
	}
	return st, false
}

func (p *Program) stepString(nd *node, st State, b byte) (State, bool) {
	s := nd.str
	switch st.lex {
	case lexNormal:
		switch {
		case b == '"':
			if st.pos >= 0 && !s.words.nodes[st.pos].term || s.nonBlank && !st.seen {
				return st, false
			}
			return p.enter(nd.next), true
		case b == '\\':
			if st.pos >= 0 {
				return st, false // the first word is plain text
			}
			st.lex = lexEscape
		case b < 0x20:
			return st, false // JSON forbids raw control characters
		case b < 0x80:
			if st.pos >= 0 {
				if c := s.words.child(st.pos, b); c >= 0 {
					st.pos = c
				} else if s.words.nodes[st.pos].term && isDelim(b) {
					st.pos = -1
				} else {
					return st, false
				}
			}
			if b != ' ' && b != 0x7f {
				st.seen = true
			}
		default:
			if st.pos >= 0 {
				return st, false
			}
			switch {
			case b >= 0xC2 && b <= 0xDF:
				st.lex = lexCont1
			case b == 0xE0:
				st.lex = lexE0
			case b == 0xED:
				st.lex = lexED
			case b >= 0xE1 && b <= 0xEF:
				st.lex = lexCont2
			case b == 0xF0:
				st.lex = lexF0
			case b == 0xF4:
				st.lex = lexF4
			case b >= 0xF1 && b <= 0xF3:
				st.lex = lexCont3
			default:
				return st, false // a stray continuation byte, C0, C1 or F5–FF
			}
		}
	case lexEscape:
		switch b {
		case '"', '\\', '/':
			st.seen = true
		case 'b', 'f', 'n', 'r', 't':
		default:
			return st, false
		}
		st.lex = lexNormal
	case lexCont1, lexCont2, lexCont3:
		if b < 0x80 || b > 0xBF {
			return st, false
		}
		st.lex = [...]lexState{lexCont1: lexNormal, lexCont2: lexCont1, lexCont3: lexCont2}[st.lex]
	case lexE0, lexED, lexF0, lexF4:
		lo, hi := byte(0x80), byte(0xBF)
		switch st.lex {
		case lexE0:
			lo = 0xA0
		case lexED:
			hi = 0x9F
		case lexF0:
			lo = 0x90
		case lexF4:
			hi = 0x8F
		}
		if b < lo || b > hi {
			return st, false
		}
		if st.lex == lexF0 || st.lex == lexF4 {
			st.lex = lexCont2
		} else {
			st.lex = lexCont1
		}
	}
	st.left--
	if int(st.left) < p.need(s, st) {
		return st, false // the string could no longer close in its bound
	}
	return st, true
}

// need is the fewest body bytes a string in state st must still take
// before its closing quote.
func (p *Program) need(s *stringNode, st State) int {
	n := st.lex.pending()
	if st.pos >= 0 {
		n += int(s.words.nodes[st.pos].min)
	}
	if s.nonBlank && !st.seen && st.pos < 0 && st.lex != lexEscape {
		n++ // (an escape may be \" which is visible; a word is visible)
	}
	return n
}

// MinCompletion is the fewest bytes that complete the text from st.
func (p *Program) MinCompletion(st State) int {
	nd := &p.nodes[st.node]
	switch nd.kind {
	case kindLit:
		return len(nd.lit) - int(st.pos) + int(p.minTail[nd.next])
	case kindChoice:
		return int(nd.trie.nodes[st.pos].min)
	case kindString:
		return p.need(nd.str, st) + 1 + int(p.minTail[nd.next])
	}
	return 0
}

// key is st as the cache key of its mask of short tokens: a string's
// remaining length matters to a token of at most shortPiece bytes only
// when it is less than shortPiece plus what the string must still hold,
// so larger values are all one key.
func (p *Program) key(st State) State { return p.keyFor(st, shortPiece) }

// keyFor is key for tokens of at most piece bytes.
func (p *Program) keyFor(st State, piece int) State {
	if nd := &p.nodes[st.node]; nd.kind == kindString {
		if limit := int32(piece) + nd.str.maxNeed; st.left > limit {
			st.left = limit
		}
	}
	return st
}

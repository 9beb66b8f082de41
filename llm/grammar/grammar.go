// Package grammar constrains a language model's output to one JSON text
// of a fixed shape — for lsh, one intent object — by masking, before each
// token is sampled, every token that could not continue a valid text.
//
// A Program is the shape as a byte-level automaton (Builder, or FromSchema
// for a JSON Schema subset); a Vocab is the tokenizer's vocabulary as a
// byte trie; a Grammar pairs them and caches, per automaton state, the set
// of tokens allowed there, found by one walk of the vocabulary trie that
// abandons a subtree at the first rejected byte. A Matcher follows one
// generation: Mask before sampling, Accept after, Forced for text that
// admits no choice (fed to the model without sampling), Done at the end.
//
// Tokens are matched by the bytes they print, so a token may span several
// JSON elements (`","`), a byte-fallback token may carry half a UTF-8
// character (the string lexer's UTF-8 states finish it), and
// SentencePiece's leading space is just a space byte. End-of-generation
// tokens are allowed only once the text is complete.
package grammar

import (
	"fmt"
	"math"
	"slices"
	"sync"
)

// Grammar is a Program applied to a Vocab, with the allowed-token sets it
// has computed so far. It is safe for concurrent use.
type Grammar struct {
	prog  *Program
	vocab *Vocab

	mu    sync.Mutex
	masks map[State][]uint64
	longs map[State][]int32
}

// New pairs prog with vocab. It fails if the vocabulary cannot spell a
// byte the program's fixed text needs, one token per byte (the guarantee
// that a budget can always be met rests on it).
func New(prog *Program, vocab *Vocab) (*Grammar, error) {
	for c, used := range prog.bytes {
		if used && vocab.single[c] < 0 {
			return nil, fmt.Errorf("grammar: the vocabulary has no token for the byte %q, which the output's fixed text needs", rune(c))
		}
	}
	return &Grammar{prog: prog, vocab: vocab, masks: map[State][]uint64{}, longs: map[State][]int32{}}, nil
}

// Program is the grammar's automaton.
func (g *Grammar) Program() *Program { return g.prog }

// Vocab is the grammar's vocabulary.
func (g *Grammar) Vocab() *Vocab { return g.vocab }

// CachedStates is how many states' masks have been computed.
func (g *Grammar) CachedStates() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.masks)
}

// allowed returns the bitset of the trie's (short) tokens that may follow
// state st; long and end-of-generation tokens are the Matcher's to add.
func (g *Grammar) allowed(st State) []uint64 {
	k := g.prog.key(st)
	g.mu.Lock()
	bits, ok := g.masks[k]
	g.mu.Unlock()
	if ok {
		return bits
	}
	bits = g.walk(k)
	g.mu.Lock()
	g.masks[k] = bits
	g.mu.Unlock()
	return bits
}

// allowedLong returns, for each of the vocabulary's long tokens, -1 if it
// may not follow st, else the fewest bytes the text takes from st on if it
// does (the token and the shortest completion after it), which the
// budget is checked against.
func (g *Grammar) allowedLong(st State) []int32 {
	if len(g.vocab.long) == 0 {
		return nil
	}
	k := g.prog.keyFor(st, g.vocab.maxPiece)
	g.mu.Lock()
	costs, ok := g.longs[k]
	g.mu.Unlock()
	if ok {
		return costs
	}
	costs = make([]int32, len(g.vocab.long))
	for i, id := range g.vocab.long {
		costs[i] = -1
		piece := g.vocab.pieces[id]
		cur, ok := k, true
		for _, b := range piece {
			if cur, ok = g.prog.Step(cur, b); !ok {
				break
			}
		}
		if ok {
			costs[i] = int32(len(piece) + g.prog.MinCompletion(cur))
		}
	}
	g.mu.Lock()
	g.longs[k] = costs
	g.mu.Unlock()
	return costs
}

// walk visits the vocabulary trie depth first from st, following only the
// bytes the program accepts, and marks every token met on the way.
func (g *Grammar) walk(st State) []uint64 {
	v, p := g.vocab, g.prog
	bits := make([]uint64, (v.size+63)/64)
	type item struct {
		node int32
		st   State
	}
	stack := []item{{0, st}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		nd := v.nodes[it.node]
		for _, e := range v.edges[nd.edge0 : nd.edge0+nd.nedge] {
			next, ok := p.Step(it.st, e.b)
			if !ok {
				continue
			}
			cn := v.nodes[e.child]
			for _, id := range v.toks[cn.tok0 : cn.tok0+cn.ntok] {
				bits[id>>6] |= 1 << (id & 63)
			}
			if cn.nedge > 0 && !p.Done(next) {
				stack = append(stack, item{e.child, next})
			}
		}
	}
	return bits
}

// Matcher follows one generation through a Grammar.
type Matcher struct {
	g      *Grammar
	st     State
	used   int // bytes accepted
	budget int // bytes the whole text may take; 0: unbounded
	out    []byte
	saved  []float32 // the long tokens' logits while Mask runs
}

// NewMatcher starts a text. budget, when positive, bounds the bytes of the
// whole text: tokens are then allowed only while the shortest completion
// still fits, so a generation limited to budget tokens (each at least one
// byte) always ends with a complete text. It fails if the shortest text
// the program accepts does not fit.
func (g *Grammar) NewMatcher(budget int) (*Matcher, error) {
	m := &Matcher{g: g, st: g.prog.Start(), budget: budget}
	if need := g.prog.MinCompletion(m.st); budget > 0 && need > budget {
		return nil, fmt.Errorf("grammar: the shortest valid output takes %d bytes, more than the budget of %d", need, budget)
	}
	return m, nil
}

// Done reports whether the text is complete: only an end-of-generation
// token may follow.
func (m *Matcher) Done() bool { return m.g.prog.Done(m.st) }

// Text is what has been accepted so far.
func (m *Matcher) Text() []byte { return m.out }

// State is the matcher's position in the program.
func (m *Matcher) State() State { return m.st }

// tight reports whether the budget may forbid short tokens the grammar
// allows.
func (m *Matcher) tight() bool {
	return m.budget > 0 && m.budget-m.used < shortPiece+m.g.prog.maxMin
}

// Allowed reports whether token id may come next.
func (m *Matcher) Allowed(id int32) bool {
	if m.Done() {
		return m.g.vocab.IsEOG(id)
	}
	if id < 0 || int(id) >= m.g.vocab.size {
		return false
	}
	if len(m.g.vocab.pieces[id]) > shortPiece {
		i, _ := slices.BinarySearch(m.g.vocab.long, id)
		c := m.g.allowedLong(m.st)[i]
		return c >= 0 && (m.budget <= 0 || m.used+int(c) <= m.budget)
	}
	bits := m.g.allowed(m.st)
	if bits[id>>6]&(1<<(id&63)) == 0 {
		return false
	}
	if m.tight() {
		_, ok := m.advance(m.g.vocab.pieces[id])
		return ok
	}
	return true
}

// advance steps the matcher's state through piece and checks the budget.
func (m *Matcher) advance(piece []byte) (State, bool) {
	st := m.st
	p := m.g.prog
	for _, b := range piece {
		var ok bool
		if st, ok = p.Step(st, b); !ok {
			return st, false
		}
	}
	if m.budget > 0 && m.used+len(piece)+p.MinCompletion(st) > m.budget {
		return st, false
	}
	return st, true
}

// Mask sets to -Inf the logit of every token that may not come next and
// returns how many remain. logits has an entry for every token of the
// vocabulary (more, for a model with padded output rows, are masked).
func (m *Matcher) Mask(logits []float32) int {
	inf := float32(math.Inf(-1))
	if m.Done() {
		n := 0
		for i := range logits {
			if m.g.vocab.IsEOG(int32(i)) {
				n++
			} else {
				logits[i] = inf
			}
		}
		return n
	}
	long := m.g.vocab.long
	m.saved = m.saved[:0]
	for _, id := range long {
		m.saved = append(m.saved, logits[id])
	}
	bits := m.g.allowed(m.st)
	tight := m.tight()
	n := 0
	for w, word := range bits {
		base := w * 64
		if word == ^uint64(0) && !tight && base+64 <= len(logits) {
			n += 64
			continue
		}
		if word == 0 {
			for i := base; i < min(base+64, len(logits)); i++ {
				logits[i] = inf
			}
			continue
		}
		for j := 0; j < 64 && base+j < len(logits); j++ {
			if word&(1<<j) == 0 {
				logits[base+j] = inf
				continue
			}
			if tight {
				if _, ok := m.advance(m.g.vocab.pieces[base+j]); !ok {
					logits[base+j] = inf
					continue
				}
			}
			n++
		}
	}
	for i := len(bits) * 64; i < len(logits); i++ {
		logits[i] = inf // logits beyond the vocabulary (padded output rows)
	}
	costs := m.g.allowedLong(m.st)
	for i, id := range long {
		if c := costs[i]; c >= 0 && (m.budget <= 0 || m.used+int(c) <= m.budget) && !math.IsInf(float64(m.saved[i]), -1) {
			logits[id] = m.saved[i]
			n++
		}
	}
	return n
}

// Accept advances the matcher by token id, which must be allowed. An
// end-of-generation token is accepted only when the text is done.
func (m *Matcher) Accept(id int32) error {
	if m.Done() {
		if m.g.vocab.IsEOG(id) {
			return nil
		}
		return fmt.Errorf("grammar: token %d after the end of the text", id)
	}
	piece := m.g.vocab.Piece(id)
	if len(piece) == 0 {
		return fmt.Errorf("grammar: token %d cannot appear in the text (a control, empty or end-of-generation token) at byte %d", id, m.used)
	}
	st, ok := m.advance(piece)
	if !ok {
		return fmt.Errorf("grammar: token %d (%q) is not allowed at byte %d after %q", id, piece, m.used, tail(m.out))
	}
	m.st = st
	m.used += len(piece)
	m.out = append(m.out, piece...)
	return nil
}

// Forced returns the bytes that must come next because the program
// allows exactly one at each step (keys, punctuation, the rest of an enum
// value once it is unambiguous), up to the next choice.
func (m *Matcher) Forced() []byte {
	var out []byte
	st := m.st
	p := m.g.prog
	for len(out) < 256 && !p.Done(st) {
		var only State
		n := 0
		for b := 0; b < 256 && n < 2; b++ {
			if next, ok := p.Step(st, byte(b)); ok {
				only, n = next, n+1
				if n == 1 {
					out = append(out, byte(b))
				}
			}
		}
		if n != 1 {
			if n > 1 {
				out = out[:len(out)-1]
			}
			break
		}
		st = only
	}
	return out
}

// ForcedTokens spells Forced with the fewest tokens, longest first.
func (m *Matcher) ForcedTokens() []int32 {
	f := m.Forced()
	if len(f) == 0 {
		return nil
	}
	return m.g.vocab.tokenize(f)
}

func tail(b []byte) string {
	if len(b) > 40 {
		return "…" + string(b[len(b)-40:])
	}
	return string(b)
}

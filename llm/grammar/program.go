package grammar

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// Program is a byte-level automaton accepting a family of compact JSON
// texts: literal text (keys, punctuation, constants), choices between
// alternatives (enums, the branches of a union), and JSON strings whose body
// is free but valid, bounded in length, and optionally made to begin with a
// word from a set. It has no stack: the JSON it accepts has a fixed shape,
// so a state is a few integers, cheap to compare and to use as a cache key.
//
// A Program is built back to front with a Builder (each node names the
// node that follows it) or compiled from a JSON Schema (FromSchema). It
// knows nothing of tokens; Grammar pairs it with a Vocab.
type Program struct {
	nodes []node
	start int32
	// minTail[n] is the fewest bytes that complete the text from the
	// start of node n.
	minTail []int32
	// maxMin bounds MinCompletion over every state (see Matcher's
	// budget): the largest of each node's worst state.
	maxMin int
	// bytes is every byte a literal, a choice or a first word can need.
	bytes [256]bool
}

type nodeKind uint8

const (
	kindEnd    nodeKind = iota // the text is complete
	kindLit                    // exactly lit, then next
	kindChoice                 // one of alts (prefix-free), each with its own next
	kindString                 // a JSON string body and its closing quote, then next
)

type node struct {
	kind nodeKind
	lit  []byte
	next int32
	// alts lists a choice's alternatives until Build turns them into trie.
	alts []Alt
	trie *trie
	str  *stringNode
}

// stringNode is a compiled StringSpec.
type stringNode struct {
	max      int32
	nonBlank bool
	words    *trie // nil: no first-word constraint
	// maxNeed bounds need() in this string; with shortPiece it decides
	// from which remaining length states share a cache key.
	maxNeed int32
}

// StringSpec bounds a JSON string.
type StringSpec struct {
	// MaxBytes bounds the body as written in JSON (escapes count two
	// bytes, a UTF-8 character its length); ≤ 0 means 256.
	MaxBytes int
	// NonBlank requires a visible ASCII character (or an escaped quote,
	// backslash or slash): the string is then never empty or white.
	NonBlank bool
	// FirstWord, when not empty, requires the string to begin with one of
	// these words, followed by a space, one of ; | & < > or the end of the
	// string. Words must be printable ASCII without spaces, quotes,
	// backslashes or those delimiters; others are left out (SkippedWords
	// counts them).
	FirstWord []string
}

// Node is a handle on a node of a Builder's program.
type Node int32

// Alt is one alternative of a choice: its exact text, then the node that
// follows. Texts of one choice must be distinct and none may be a prefix
// of another (true of JSON strings with their closing quote).
type Alt struct {
	Text string
	Next Node
}

// Builder assembles a Program from its end to its start. Errors are
// collected and reported by Build.
type Builder struct {
	nodes []node
	errs  []error
	// SkippedWords counts first words left out as unusable.
	SkippedWords int
}

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder { return &Builder{} }

func (b *Builder) add(n node) Node {
	b.nodes = append(b.nodes, n)
	return Node(len(b.nodes) - 1)
}

func (b *Builder) valid(n Node, what string) bool {
	if n < 0 || int(n) >= len(b.nodes) {
		b.errs = append(b.errs, fmt.Errorf("grammar: %s refers to node %d, which this builder did not make", what, n))
		return false
	}
	return true
}

// End is the completed text: nothing may follow.
func (b *Builder) End() Node { return b.add(node{kind: kindEnd}) }

// Lit is text that must appear exactly, then next. Consecutive literals
// merge into one.
func (b *Builder) Lit(text string, next Node) Node {
	if !b.valid(next, "literal "+text) {
		return next
	}
	if text == "" {
		return next
	}
	if nx := b.nodes[next]; nx.kind == kindLit {
		return b.add(node{kind: kindLit, lit: append([]byte(text), nx.lit...), next: nx.next})
	}
	return b.add(node{kind: kindLit, lit: []byte(text), next: int32(next)})
}

// Choice is one of alts. An alternative followed by a literal absorbs it,
// and an alternative that is itself a choice is flattened into this one,
// so a union of objects that differ in a constant key value becomes one
// trie over their distinct openings.
func (b *Builder) Choice(alts ...Alt) Node {
	var flat []Alt
	var expand func(prefix string, n Node)
	expand = func(prefix string, n Node) {
		if !b.valid(n, "choice") {
			return
		}
		switch nd := b.nodes[n]; nd.kind {
		case kindLit:
			expand(prefix+string(nd.lit), Node(nd.next))
		case kindChoice:
			for _, a := range nd.alts {
				expand(prefix+a.Text, a.Next)
			}
		default:
			flat = append(flat, Alt{prefix, n})
		}
	}
	for _, a := range alts {
		expand(a.Text, a.Next)
	}
	if len(flat) == 0 {
		b.errs = append(b.errs, errors.New("grammar: a choice needs at least one alternative"))
	}
	return b.add(node{kind: kindChoice, alts: flat})
}

// String is a JSON string (both quotes) bounded by spec, then next.
func (b *Builder) String(spec StringSpec, next Node) Node {
	if !b.valid(next, "string") {
		return next
	}
	sn := &stringNode{max: int32(spec.MaxBytes), nonBlank: spec.NonBlank}
	if sn.max <= 0 {
		sn.max = 256
	}
	if len(spec.FirstWord) > 0 {
		var words []Alt
		for _, w := range spec.FirstWord {
			if !usableWord(w) {
				b.SkippedWords++
				continue
			}
			words = append(words, Alt{Text: w})
		}
		if len(words) == 0 {
			b.errs = append(b.errs, fmt.Errorf("grammar: none of the %d first words is usable", len(spec.FirstWord)))
		} else {
			sn.words = newTrie(words, true)
		}
	}
	body := b.add(node{kind: kindString, str: sn, next: int32(next)})
	return b.Lit(`"`, body)
}

// usableWord reports whether w can be a first word: printable ASCII, no
// delimiter, quote or backslash (which would need JSON escaping).
func usableWord(w string) bool {
	if w == "" {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || isDelim(c) {
			return false
		}
	}
	return true
}

// isDelim reports whether c may end a command's first word.
func isDelim(c byte) bool {
	switch c {
	case ' ', ';', '|', '&', '<', '>':
		return true
	}
	return false
}

// Build checks the program that starts at start and computes what masking
// needs: tries for the choices, completion lengths.
func (b *Builder) Build(start Node) (*Program, error) {
	b.valid(start, "start")
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	p := &Program{nodes: b.nodes, start: int32(start), minTail: make([]int32, len(b.nodes))}
	// Nodes only refer to nodes made before them, so index order is a
	// topological order from the end.
	for i := range p.nodes {
		nd := &p.nodes[i]
		switch nd.kind {
		case kindEnd:
		case kindLit:
			p.minTail[i] = int32(len(nd.lit)) + p.minTail[nd.next]
			p.maxMin = max(p.maxMin, int(p.minTail[i]))
			for _, c := range nd.lit {
				p.bytes[c] = true
			}
		case kindChoice:
			if err := checkAlts(nd.alts); err != nil {
				return nil, err
			}
			nd.trie = newTrie(nd.alts, false)
			nd.trie.finish(p.minTail)
			p.minTail[i] = nd.trie.nodes[0].min
			for _, tn := range nd.trie.nodes {
				p.maxMin = max(p.maxMin, int(tn.min))
			}
			for _, a := range nd.alts {
				for _, c := range []byte(a.Text) {
					p.bytes[c] = true
				}
			}
		case kindString:
			s := nd.str
			need := 5 // an escape or a UTF-8 character in progress, and a visible character
			if s.words != nil {
				s.words.finish(nil)
				longest := s.words.depth()
				need += longest
				for _, tn := range s.words.nodes {
					for _, e := range tn.edges {
						p.bytes[e.b] = true
					}
				}
				for _, c := range []byte(" ;|&<>") {
					p.bytes[c] = true
				}
			}
			s.maxNeed = int32(need)
			p.maxMin = max(p.maxMin, need+1+int(p.minTail[nd.next]))
			st := p.enter(int32(i))
			if int(s.max) < p.need(s, st) {
				return nil, fmt.Errorf("grammar: a string of at most %d bytes cannot hold its first word", s.max)
			}
			p.minTail[i] = int32(p.need(s, st)) + 1 + p.minTail[nd.next]
		}
	}
	p.bytes['"'] = true
	return p, nil
}

// checkAlts rejects alternatives a trie cannot tell apart.
func checkAlts(alts []Alt) error {
	texts := make([]string, len(alts))
	for i, a := range alts {
		if a.Text == "" {
			return errors.New("grammar: a choice alternative is empty: alternatives must begin with distinct constant text")
		}
		texts[i] = a.Text
	}
	sort.Strings(texts)
	for i := 1; i < len(texts); i++ {
		if strings.HasPrefix(texts[i], texts[i-1]) {
			return fmt.Errorf("grammar: choice alternative %q is a prefix of %q: the text cannot tell them apart", texts[i-1], texts[i])
		}
	}
	return nil
}

// trie is a byte trie over a choice's alternatives or a set of first
// words. For a choice, reaching a terminal means the alternative is
// complete and its Next follows; for words, a terminal may still continue
// (ls, lsblk).
type trie struct {
	nodes []tnode
}

type tnode struct {
	edges  []tedge // sorted by byte
	term   bool
	target int32 // choice: the node after this alternative
	// min is the fewest bytes from here to a terminal, plus (for a
	// choice) the completion after it.
	min int32
}

type tedge struct {
	b     byte
	child int32
}

// newTrie builds the trie of alts' texts. Its nodes are the texts'
// distinct prefixes, counted first (in sorted order each text adds what it
// does not share with the one before) so that the node array is allocated
// once, at its size, and its pages populated: a command-name enum's trie
// has tens of thousands of nodes, and growing it by appending faulted in
// every copy, ~17 µs a page on a VM.
func newTrie(alts []Alt, words bool) *trie {
	texts := make([]string, len(alts))
	for i, a := range alts {
		texts[i] = a.Text
	}
	slices.Sort(texts)
	nodes, prev := 1, ""
	for _, s := range texts {
		common := 0
		for common < len(s) && common < len(prev) && s[common] == prev[common] {
			common++
		}
		nodes += len(s) - common
		prev = s
	}
	t := &trie{nodes: append(pages.MakeCap[tnode](nodes), tnode{})}
	for _, a := range alts {
		cur := int32(0)
		for _, c := range []byte(a.Text) {
			next := t.child(cur, c)
			if next < 0 {
				next = int32(len(t.nodes))
				t.nodes = append(t.nodes, tnode{})
				es := append(t.nodes[cur].edges, tedge{c, next})
				sort.Slice(es, func(i, j int) bool { return es[i].b < es[j].b })
				t.nodes[cur].edges = es
			}
			cur = next
		}
		t.nodes[cur].term = true
		if !words {
			t.nodes[cur].target = int32(a.Next)
		}
	}
	return t
}

func (t *trie) child(n int32, c byte) int32 {
	for _, e := range t.nodes[n].edges {
		if e.b == c {
			return e.child
		}
		if e.b > c {
			break
		}
	}
	return -1
}

// finish computes min for every node; tails (nil for words) gives the
// completion after each choice target.
func (t *trie) finish(tails []int32) {
	var walk func(n int32) int32
	walk = func(n int32) int32 {
		nd := &t.nodes[n]
		best := int32(1 << 30)
		if nd.term {
			best = 0
			if tails != nil {
				best = tails[nd.target]
			}
		}
		for _, e := range nd.edges {
			best = min(best, 1+walk(e.child))
		}
		nd.min = best
		return best
	}
	walk(0)
}

// depth is the length of the longest path.
func (t *trie) depth() int {
	var walk func(n int32) int
	walk = func(n int32) int {
		d := 0
		for _, e := range t.nodes[n].edges {
			d = max(d, 1+walk(e.child))
		}
		return d
	}
	return walk(0)
}

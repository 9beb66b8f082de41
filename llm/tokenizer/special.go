package tokenizer

import (
	"cmp"
	"slices"
)

// Before tokenizing, llama.cpp cuts the text at every occurrence of a
// special token's text (tokenizer_st_partition): control and unknown tokens
// only when parse_special is set, user-defined tokens always. It takes the
// special tokens longest first and, for each, claims its leftmost
// non-overlapping occurrences in the text not yet claimed; an occurrence
// that overlaps an earlier claim is skipped. A token with the rstrip
// (lstrip) attribute also swallows the ASCII whitespace after (before) it.
//
// Doing that literally costs one scan of the text per special token (256
// for Llama 3). specialMatcher gets the same result from one scan: a trie
// of the special tokens finds every occurrence of every one, and the claims
// are then made in llama.cpp's order.

// specialMatcher finds special tokens in text.
//
// Layout: nodes[0] is the root of a byte trie over the special tokens'
// texts; a node's children are edges[n.first : n.first+n.count], and n.tok
// is the token whose text ends there (or NoToken). order[tok] is the token's
// rank in llama.cpp's matching order (longer first, then lower id).
type specialMatcher struct {
	nodes  []trieNode
	edges  []trieEdge
	first  [256]bool // a special token starts with this byte
	order  map[int32]int32
	always int // number of user-defined tokens (matched without parseSpecial)
}

type trieNode struct {
	first, count int32
	tok          int32
}

type trieEdge struct {
	b    byte
	next int32
}

func newSpecialMatcher(t *Tokenizer) specialMatcher {
	var ids []int32
	for id, a := range t.attrs {
		if a&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
			ids = append(ids, int32(id))
		}
	}
	// llama.cpp sorts by length only, with an unstable sort; equal lengths
	// are put in id order here.
	slices.SortStableFunc(ids, func(a, b int32) int { return cmp.Compare(len(t.tokens[b]), len(t.tokens[a])) })
	m := specialMatcher{order: make(map[int32]int32, len(ids))}
	for rank, id := range ids {
		m.order[id] = int32(rank)
		if t.attrs[id]&(AttrControl|AttrUnknown) == 0 {
			m.always++
		}
	}
	// Build the trie with a map per node, then freeze it into arrays.
	type building struct {
		kids map[byte]int
		tok  int32
	}
	tree := []building{{tok: NoToken}}
	for _, id := range ids {
		n := 0
		for _, b := range []byte(t.tokens[id]) {
			if tree[n].kids == nil {
				tree[n].kids = map[byte]int{}
			}
			next, ok := tree[n].kids[b]
			if !ok {
				next = len(tree)
				tree[n].kids[b] = next
				tree = append(tree, building{tok: NoToken})
			}
			n = next
		}
		tree[n].tok = id
	}
	m.nodes = make([]trieNode, len(tree))
	for i, bn := range tree {
		keys := make([]byte, 0, len(bn.kids))
		for b := range bn.kids {
			keys = append(keys, b)
		}
		slices.Sort(keys)
		m.nodes[i] = trieNode{first: int32(len(m.edges)), count: int32(len(keys)), tok: bn.tok}
		for _, b := range keys {
			m.edges = append(m.edges, trieEdge{b, int32(bn.kids[b])})
		}
	}
	for _, e := range m.edges[m.nodes[0].first : m.nodes[0].first+m.nodes[0].count] {
		m.first[e.b] = true
	}
	return m
}

func (m *specialMatcher) child(n int32, b byte) int32 {
	nd := m.nodes[n]
	for _, e := range m.edges[nd.first : nd.first+nd.count] {
		if e.b == b {
			return e.next
		}
	}
	return -1
}

// fragment is a piece of the text to tokenize: a special token (tok >=
// 0) or the text [start, end).
type fragment struct {
	tok        int32
	start, end int
}

// occurrence is where a special token's text occurs in the text.
type occurrence struct {
	rank, pos int32
	tok       int32
}

// partition cuts text into fragments at the special tokens it contains.
func (t *Tokenizer) partition(st *encState, text string, parseSpecial bool) []fragment {
	frags := st.frags[:0]
	if text == "" {
		return frags
	}
	m := &t.special
	whole := append(frags, fragment{tok: NoToken, start: 0, end: len(text)})
	if len(m.order) == 0 || !parseSpecial && m.always == 0 {
		return whole
	}
	eligible := func(id int32) bool {
		return parseSpecial || t.attrs[id]&(AttrControl|AttrUnknown) == 0
	}
	occ := st.occ[:0]
	for p := 0; p < len(text); p++ {
		if !m.first[text[p]] {
			continue
		}
		n := int32(0)
		for q := p; q < len(text); q++ {
			if n = m.child(n, text[q]); n < 0 {
				break
			}
			if id := m.nodes[n].tok; id != NoToken && eligible(id) {
				occ = append(occ, occurrence{rank: m.order[id], pos: int32(p), tok: id})
			}
		}
	}
	st.occ = occ
	if len(occ) == 0 {
		return whole
	}
	slices.SortFunc(occ, func(a, b occurrence) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		return cmp.Compare(a.pos, b.pos)
	})

	// owner[i] is 0 for unclaimed text, else 1+ the token starting there
	// (its first byte) or -1 for the rest of a claim and swallowed spaces.
	owner := st.owner[:0]
	owner = slices.Grow(owner, len(text))[:len(text)]
	clear(owner)
	free := func(i, j int) bool {
		for ; i < j; i++ {
			if owner[i] != 0 {
				return false
			}
		}
		return true
	}
	lastEnd, lastRank := 0, int32(-1)
	for _, o := range occ {
		if o.rank != lastRank {
			lastRank, lastEnd = o.rank, 0
		}
		p, e := int(o.pos), int(o.pos)+len(t.tokens[o.tok])
		if p < lastEnd || !free(p, e) {
			continue
		}
		owner[p] = o.tok + 1
		for i := p + 1; i < e; i++ {
			owner[i] = -1
		}
		a := t.attrs[o.tok]
		if a&AttrLStrip != 0 {
			for i := p - 1; i >= lastEnd && owner[i] == 0 && isCSpace(text[i]); i-- {
				owner[i] = -1
			}
		}
		if a&AttrRStrip != 0 {
			for ; e < len(text) && owner[e] == 0 && isCSpace(text[e]); e++ {
				owner[e] = -1
			}
		}
		lastEnd = e
	}
	st.owner = owner

	for i := 0; i < len(text); {
		switch {
		case owner[i] > 0:
			frags = append(frags, fragment{tok: owner[i] - 1})
			i++
		case owner[i] < 0:
			i++
		default:
			j := i
			for j < len(text) && owner[j] == 0 {
				j++
			}
			frags = append(frags, fragment{tok: NoToken, start: i, end: j})
			i = j
		}
	}
	return frags
}

// isCSpace is C's isspace in the "C" locale.
func isCSpace(b byte) bool { return b == ' ' || b >= '\t' && b <= '\r' }

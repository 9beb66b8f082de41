package grammar

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// Vocab is a tokenizer's vocabulary prepared for masking: the bytes every
// token prints as, arranged in a trie so that the tokens allowed in a state
// are found by one walk that shares their common prefixes and abandons a
// whole subtree at the first byte the grammar rejects.
//
// Only tokens that print as at least one byte take part. Control tokens
// (BOS, <|im_start|>…) never do: they print as nothing in generated text,
// and text that looks like them must not be produced. The
// end-of-generation tokens are kept apart: they are allowed exactly when
// the grammar is complete.
//
// The trie holds the tokens of at most shortPiece bytes, nearly all of
// them; the few longer ones (runs of spaces or dashes, long words of BPE
// vocabularies) are kept in long and checked one by one. Keeping them out
// of the trie keeps the masks cacheable: a state's allowed short tokens
// do not depend on how much room a string has left beyond shortPiece
// bytes, so all such states share one cache entry.
//
// Layout: nodes[0] is the root; node i's children are
// edges[nodes[i].edge0 : +nedge], sorted by byte; the tokens whose bytes
// end at node i are toks[nodes[i].tok0 : +ntok].
type Vocab struct {
	size   int      // logits per row: the vocabulary size
	pieces [][]byte // bytes of each token; nil for tokens never allowed
	eog    []int32
	long   []int32 // tokens longer than shortPiece, not in the trie
	nodes  []vnode
	edges  []vedge
	toks   []int32
	// maxPiece is the longest piece.
	maxPiece int
	// single[b] is a token printing as exactly byte b (-1: none); forced
	// text and the completion guarantee rely on them.
	single [256]int32
}

// shortPiece is the longest token kept in the trie.
const shortPiece = 16

type vnode struct {
	edge0, nedge int32
	tok0, ntok   int32
}

type vedge struct {
	b     byte
	child int32
}

// NewVocab prepares tok's vocabulary. Pieces are what the tokenizer's
// streaming decoder prints (Piece with special = false): SentencePiece's
// "▁" is a space, a byte-fallback token is its one byte (possibly half a
// UTF-8 character, which the grammar's UTF-8 states complete), a BPE token
// its bytes.
func NewVocab(tok *tokenizer.Tokenizer) (*Vocab, error) {
	n := tok.VocabSize()
	if n == 0 {
		return nil, fmt.Errorf("grammar: the vocabulary is empty")
	}
	pieces := pages.Make[[]byte](n)
	var eog []int32
	for id := range int32(n) {
		if tok.IsEOG(id) {
			eog = append(eog, id)
			continue
		}
		if tok.IsControl(id) {
			continue
		}
		if p := tok.Piece(id, false); len(p) > 0 {
			pieces[id] = p
		}
	}
	if len(eog) == 0 {
		return nil, fmt.Errorf("grammar: the vocabulary has no end-of-generation token to end the output with")
	}
	return newVocab(pieces, eog), nil
}

// NewVocabPieces builds a Vocab from raw pieces (nil or empty: never
// allowed) and the end-of-generation ids, for tests and for vocabularies
// that do not come from a tokenizer.
func NewVocabPieces(pieces [][]byte, eog []int32) *Vocab {
	return newVocab(pieces, eog)
}

func newVocab(pieces [][]byte, eog []int32) *Vocab {
	v := &Vocab{size: len(pieces), pieces: pieces, eog: eog}
	for i := range v.single {
		v.single[i] = -1
	}
	ids := pages.MakeCap[int32](len(pieces))
	for id, p := range pieces {
		if len(p) > shortPiece {
			v.long = append(v.long, int32(id))
			v.maxPiece = max(v.maxPiece, len(p))
		} else if len(p) > 0 {
			ids = append(ids, int32(id))
			v.maxPiece = max(v.maxPiece, len(p))
			if len(p) == 1 && v.single[p[0]] < 0 {
				v.single[p[0]] = int32(id)
			}
		}
	}
	slices.SortFunc(ids, func(a, b int32) int {
		if c := bytes.Compare(pieces[a], pieces[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// In sorted order the trie's nodes appear in depth-first preorder:
	// each piece adds the nodes for what it does not share with the piece
	// before it, and the tokens ending at a node are consecutive. A
	// node's children appear in byte order, but interleaved with their
	// subtrees; counting them first lays each node's edges out together.
	// The nodes are counted first, so that each array is allocated once,
	// at its size, and its pages populated (Qwen2: 318k nodes; growing
	// them by appending faulted in every copy).
	nodes, prev := 1, []byte(nil)
	for _, id := range ids {
		nodes += len(pieces[id]) - commonPrefix(pieces[id], prev)
		prev = pieces[id]
	}
	parent := append(pages.MakeCap[int32](nodes), -1)
	label := append(pages.MakeCap[byte](nodes), 0)
	var stack []int32 // stack[d] is the node for the first d+1 bytes of the previous piece
	prev = nil
	v.nodes = append(pages.MakeCap[vnode](nodes), vnode{})
	v.toks = pages.MakeCap[int32](len(ids))
	for _, id := range ids {
		p := pieces[id]
		common := commonPrefix(p, prev)
		stack = stack[:common]
		for _, b := range p[common:] {
			up := int32(0)
			if len(stack) > 0 {
				up = stack[len(stack)-1]
			}
			parent, label = append(parent, up), append(label, b)
			stack = append(stack, int32(len(v.nodes)))
			v.nodes = append(v.nodes, vnode{})
		}
		n := stack[len(stack)-1]
		if v.nodes[n].ntok == 0 {
			v.nodes[n].tok0 = int32(len(v.toks))
		}
		v.nodes[n].ntok++
		v.toks = append(v.toks, id)
		prev = p
	}
	for n := 1; n < len(v.nodes); n++ {
		v.nodes[parent[n]].nedge++
	}
	next := int32(0)
	for n := range v.nodes {
		v.nodes[n].edge0 = next
		next += v.nodes[n].nedge
	}
	v.edges = pages.Make[vedge](int(next))
	fill := pages.Make[int32](len(v.nodes))
	for n := 1; n < len(v.nodes); n++ {
		up := parent[n]
		v.edges[v.nodes[up].edge0+fill[up]] = vedge{label[n], int32(n)}
		fill[up]++
	}
	return v
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// Size is the number of tokens (the length of a logits row).
func (v *Vocab) Size() int { return v.size }

// Piece returns the bytes token id prints as, or nil for a token that is
// never allowed (control, empty, end-of-generation, out of range).
func (v *Vocab) Piece(id int32) []byte {
	if id < 0 || int(id) >= len(v.pieces) {
		return nil
	}
	return v.pieces[id]
}

// IsEOG reports whether id ends generation.
func (v *Vocab) IsEOG(id int32) bool {
	for _, e := range v.eog {
		if e == id {
			return true
		}
	}
	return false
}

// EOG returns the end-of-generation tokens (do not modify).
func (v *Vocab) EOG() []int32 { return v.eog }

// MaxPiece is the length in bytes of the longest token.
func (v *Vocab) MaxPiece() int { return v.maxPiece }

// tokenize splits text into tokens greedily, longest piece first (of
// those in the trie). It is
// how forced text (keys, punctuation) is fed without sampling: any split
// into real tokens prints the same bytes, and the longest one costs the
// fewest forward passes. It returns the tokens for the longest prefix of
// text it can spell.
func (v *Vocab) tokenize(text []byte) []int32 {
	var out []int32
	for len(text) > 0 {
		node, best, bestLen := int32(0), int32(-1), 0
		for i, b := range text {
			child := v.child(node, b)
			if child < 0 {
				break
			}
			node = child
			if nd := v.nodes[node]; nd.ntok > 0 {
				best, bestLen = v.toks[nd.tok0], i+1
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, best)
		text = text[bestLen:]
	}
	return out
}

// child follows the edge for byte b from node, or returns -1.
func (v *Vocab) child(node int32, b byte) int32 {
	nd := v.nodes[node]
	es := v.edges[nd.edge0 : nd.edge0+nd.nedge]
	lo, hi := 0, len(es)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case es[m].b == b:
			return es[m].child
		case es[m].b < b:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}

package tokenizer

import (
	"slices"
	"unicode/utf8"
)

// SentencePiece-style encoding (llama.cpp's llm_tokenizer_spm): spaces
// become "▁", the text is split into characters, and the adjacent pair whose
// concatenation is the highest-scoring token is merged, again and again,
// until no adjacent pair is a token. A character left over that is not a
// token is spelled with byte tokens <0xXX>.

// spmSymbol is a run of text[start:start+n], linked to its neighbours;
// n == 0 once merged into its left neighbour.
type spmSymbol struct {
	start, n   int32
	prev, next int32
}

// spmBigram is a candidate merge of symbols left and right into a token of
// the given score; size is the merged length, which tells a stale candidate
// (one side has grown since) from a live one.
type spmBigram struct {
	score       float32
	left, right int32
	size        int32
}

// spmBefore orders the queue: higher score first, then leftmost.
func spmBefore(a, b *spmBigram) bool {
	return a.score > b.score || a.score == b.score && a.left < b.left
}

const escapedSpace = "▁"

// spmFragment encodes one fragment of raw text.
func (t *Tokenizer) spmFragment(st *encState, frag string, spacePrefix bool, out []int32) []int32 {
	text := slices.Grow(st.text[:0], len(frag)+len(frag)/4+3)
	if spacePrefix {
		text = append(text, escapedSpace...)
	}
	for i := 0; i < len(frag); i++ {
		if frag[i] == ' ' {
			text = append(text, escapedSpace...)
		} else {
			text = append(text, frag[i])
		}
	}
	st.text = text
	if len(text) == 0 {
		return out
	}
	if !t.spmChunks || !utf8.Valid(text) {
		return t.spmEncode(st, text, out)
	}
	// No token contains a "▁" after another character, so no merge crosses
	// the point before a "▁" that follows another character: cut the text
	// there into words, and encode (and cache) each on its own.
	start := 0
	for i := 0; i < len(text); {
		n := utf8Len(text[i])
		if i > start && isEscapedSpace(text, i) && !isEscapedSpace(text, i-len(escapedSpace)) {
			out = t.spmWord(st, text[start:i], out)
			start = i
		}
		i += n
	}
	return t.spmWord(st, text[start:], out)
}

func isEscapedSpace(text []byte, i int) bool {
	return i >= 0 && i+3 <= len(text) && text[i] == 0xE2 && text[i+1] == 0x96 && text[i+2] == 0x81
}

func (t *Tokenizer) spmWord(st *encState, word []byte, out []int32) []int32 {
	if ids, ok := st.cache[string(word)]; ok {
		return append(out, ids...)
	}
	n := len(out)
	out = t.spmEncode(st, word, out)
	st.remember(string(word), out[n:])
	return out
}

// spmEncode runs the merges over text.
func (t *Tokenizer) spmEncode(st *encState, text []byte, out []int32) []int32 {
	syms := st.spmSyms[:0]
	for offs := 0; offs < len(text); {
		n := min(utf8Len(text[offs]), len(text)-offs)
		i := int32(len(syms))
		syms = append(syms, spmSymbol{start: int32(offs), n: int32(n), prev: i - 1, next: i + 1})
		offs += n
	}
	syms[len(syms)-1].next = -1

	h := st.spmHeap[:0]
	try := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		s := text[syms[l].start : syms[r].start+syms[r].n]
		id, ok := t.index.findBytes(s)
		if !ok {
			return
		}
		h = spmPush(h, spmBigram{score: t.scores[id], left: l, right: r, size: int32(len(s))})
		st.pushes++
	}
	for i := int32(1); i < int32(len(syms)); i++ {
		try(i-1, i)
	}
	for len(h) > 0 {
		var b spmBigram
		b, h = spmPop(h)
		st.pops++
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != b.size {
			continue
		}
		l.n += r.n
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		try(l.prev, b.left)
		try(b.left, l.next)
	}
	st.spmSyms, st.spmHeap = syms, h

	for i := int32(0); i != -1; i = syms[i].next {
		s := text[syms[i].start : syms[i].start+syms[i].n]
		if id, ok := t.index.findBytes(s); ok {
			out = append(out, id)
			continue
		}
		out = t.spmBytes(s, out)
	}
	return out
}

// spmBytes spells a character that is not a token with byte tokens. A
// vocabulary without them gives one <unk> for the character, as
// SentencePiece does (llama.cpp throws).
func (t *Tokenizer) spmBytes(s []byte, out []int32) []int32 {
	for _, c := range s {
		if t.byteTok[c] == NoToken {
			if t.unk != NoToken {
				out = append(out, t.unk)
			}
			return out
		}
	}
	for _, c := range s {
		out = append(out, t.byteTok[c])
	}
	return out
}

// spmPush and spmPop keep h a binary heap ordered by spmBefore.
func spmPush(h []spmBigram, b spmBigram) []spmBigram {
	h = append(h, b)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !spmBefore(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func spmPop(h []spmBigram) (spmBigram, []spmBigram) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && spmBefore(&h[l], &h[m]) {
			m = l
		}
		if r < len(h) && spmBefore(&h[r], &h[m]) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return top, h
}

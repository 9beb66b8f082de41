package tokenizer

import "slices"

// GPT-2 byte-level BPE (llama.cpp's llm_tokenizer_bpe): the pre-tokenizer
// splits the text into words; each byte of a word is a symbol (the token
// spelling that byte through the GPT-2 byte map), and the adjacent pair with
// the lowest merge rank is merged, again and again, until no adjacent pair
// has a merge. Symbols carry token ids, so a merge is a lookup of an id pair.

// bpeSymbol is the word's bytes [start, start+n) and the token they spell
// (-1 if none); n == 0 once merged into its left neighbour.
type bpeSymbol struct {
	start, n   int32
	prev, next int32
	id         int32
}

// bpeBigram is a candidate merge; size is the merged length, which tells a
// stale candidate from a live one, and id the token it makes.
type bpeBigram struct {
	rank        int32
	left, right int32
	size        int32
	id          int32
}

// bpeBefore orders the queue: lowest rank first, then leftmost.
func bpeBefore(a, b *bpeBigram) bool {
	return a.rank < b.rank || a.rank == b.rank && a.left < b.left
}

// bpeFragment encodes one fragment of raw text.
func (t *Tokenizer) bpeFragment(st *encState, text string, out []int32) []int32 {
	text = sanitize(text)
	// A text has at most one code point (and one word) per byte.
	cps := slices.Grow(st.cps[:0], len(text))
	cls := slices.Grow(st.cls[:0], len(text))
	offs := slices.Grow(st.offs[:0], len(text)+1)
	st.ends = slices.Grow(st.ends[:0], len(text)+1)
	st.tmp = slices.Grow(st.tmp[:0], len(text)+1)
	for i := 0; i < len(text); {
		r, n := decodeCpt(text, i)
		cps = append(cps, r)
		cls = append(cls, cptClass(r))
		offs = append(offs, int32(i))
		i += n
	}
	offs = append(offs, int32(len(text)))
	st.cps, st.cls, st.offs = cps, cls, offs

	ends, tmp := wordEnds(t.stages, cps, cls, st.ends, st.tmp)
	st.ends, st.tmp = ends, tmp
	start := int32(0)
	for _, e := range ends {
		out = t.bpeWord(st, text[offs[start]:offs[e]], out)
		start = e
	}
	return out
}

// bpeWord encodes one word.
func (t *Tokenizer) bpeWord(st *encState, word string, out []int32) []int32 {
	if ids, ok := st.cache[word]; ok {
		return append(out, ids...)
	}
	n := len(out)
	out = t.bpeMerge(st, word, out)
	st.remember(word, out[n:])
	return out
}

// encode spells word through the GPT-2 byte map into st.enc.
func (st *encState) encode(word string) []byte {
	b := st.enc[:0]
	for i := 0; i < len(word); i++ {
		b = appendCpt(b, byteRunes[word[i]])
	}
	st.enc = b
	return b
}

func (t *Tokenizer) bpeMerge(st *encState, word string, out []int32) []int32 {
	if word == "" { // the pre-tokenizers never make one
		return out
	}
	if t.ignoreMerges {
		// Llama 3: a word that is a token is that token, whatever the
		// merges would make of it.
		if id, ok := t.index.findBytes(st.encode(word)); ok {
			return append(out, id)
		}
	}
	syms := st.bpeSyms[:0]
	for i := 0; i < len(word); i++ {
		syms = append(syms, bpeSymbol{start: int32(i), n: 1, prev: int32(i - 1), next: int32(i + 1), id: t.byteSym[word[i]]})
	}
	syms[len(syms)-1].next = -1

	h := st.bpeHeap[:0]
	try := func(l, r int32) {
		if l < 0 || r < 0 {
			return
		}
		m, ok := t.mergeOf(word, &syms[l], &syms[r])
		if !ok {
			return
		}
		h = bpePush(h, bpeBigram{rank: m.rank, left: l, right: r, size: syms[l].n + syms[r].n, id: m.id})
		st.pushes++
	}
	for i := int32(1); i < int32(len(syms)); i++ {
		try(i-1, i)
	}
	for len(h) > 0 {
		var b bpeBigram
		b, h = bpePop(h)
		st.pops++
		l, r := &syms[b.left], &syms[b.right]
		if l.n == 0 || r.n == 0 || l.n+r.n != b.size {
			continue
		}
		l.n += r.n
		l.id = b.id
		r.n = 0
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		try(l.prev, b.left)
		try(b.left, l.next)
	}
	st.bpeSyms, st.bpeHeap = syms, h

	for i := int32(0); i != -1; i = syms[i].next {
		s := &syms[i]
		if s.id != NoToken {
			out = append(out, s.id)
			continue
		}
		// Not a token (only in a vocabulary that lacks some byte or merge
		// result): llama.cpp looks up each byte of the spelling on its own.
		for _, c := range st.encode(word[s.start : s.start+s.n]) {
			if id := t.rawByte[c]; id != NoToken {
				out = append(out, id)
			}
		}
	}
	return out
}

// mergeOf returns the merge of symbols l and r, if the vocabulary has one.
func (t *Tokenizer) mergeOf(word string, l, r *bpeSymbol) (merge, bool) {
	if l.id != NoToken && r.id != NoToken {
		return t.merges.get(pairKey(l.id, r.id))
	}
	if t.strMerges == nil {
		return merge{}, false
	}
	var key []byte
	for _, c := range []byte(word[l.start : l.start+l.n]) {
		key = appendCpt(key, byteRunes[c])
	}
	key = append(key, ' ')
	for _, c := range []byte(word[r.start : r.start+r.n]) {
		key = appendCpt(key, byteRunes[c])
	}
	m, ok := t.strMerges[string(key)]
	return m, ok
}

// bpePush and bpePop keep h a binary heap ordered by bpeBefore.
func bpePush(h []bpeBigram, b bpeBigram) []bpeBigram {
	h = append(h, b)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !bpeBefore(&h[i], &h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func bpePop(h []bpeBigram) (bpeBigram, []bpeBigram) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && bpeBefore(&h[l], &h[m]) {
			m = l
		}
		if r < len(h) && bpeBefore(&h[r], &h[m]) {
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

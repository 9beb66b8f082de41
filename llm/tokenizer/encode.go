package tokenizer

import (
	"slices"
	"strings"
)

// Word caches: a word (a BPE pre-token, or an SPM piece of text between two
// "▁"-led words) always encodes to the same ids, and prose repeats its
// words, so each encoder state remembers up to maxCached of them.
const (
	maxCached     = 1 << 16
	maxCachedWord = 64 // bytes; longer words are rare and not worth keeping
)

// encState is the scratch memory of one Encode call, pooled so that a
// Tokenizer can encode from several goroutines without locks or garbage.
type encState struct {
	frags []fragment
	occ   []occurrence
	owner []int32
	cache map[string][]int32

	// SPM
	text    []byte
	spmSyms []spmSymbol
	spmHeap []spmBigram

	// BPE
	cps     []rune
	cls     []uint8
	offs    []int32 // byte offset of each code point, and the length
	ends    []int32
	tmp     []int32
	bpeSyms []bpeSymbol
	bpeHeap []bpeBigram
	enc     []byte

	// Work counters, read by tests that bound the cost of long inputs.
	pushes, pops int
}

func (t *Tokenizer) getState() *encState {
	if st, ok := t.states.Get().(*encState); ok {
		return st
	}
	return newEncState()
}

func newEncState() *encState { return &encState{cache: map[string][]int32{}} }

func (t *Tokenizer) putState(st *encState) {
	// Buffers sized for a few megabytes of text are kept (the pool lets go
	// of them after two garbage collections without use); larger ones are
	// not worth holding on to.
	const keep = 1 << 23
	if cap(st.text) > keep || cap(st.cps) > keep || cap(st.owner) > keep {
		st.text, st.cps, st.cls, st.offs, st.owner = nil, nil, nil, nil, nil
		st.ends, st.tmp = nil, nil
	}
	if cap(st.spmSyms) > keep || cap(st.bpeSyms) > keep || cap(st.spmHeap) > keep || cap(st.bpeHeap) > keep {
		st.spmSyms, st.spmHeap, st.bpeSyms, st.bpeHeap = nil, nil, nil, nil
	}
	t.states.Put(st)
}

// remember caches the ids of word.
func (st *encState) remember(word string, ids []int32) {
	if len(word) > maxCachedWord {
		return
	}
	if len(st.cache) >= maxCached {
		clear(st.cache)
	}
	st.cache[strings.Clone(word)] = slices.Clone(ids)
}

// Encode tokenizes text as llama_tokenize does. With addSpecial, BOS and EOS
// are added where the vocabulary asks for them (AddBOS, AddEOS). With
// parseSpecial, the text of a control token ("<|im_start|>", "<s>") becomes
// that token; without it such text is tokenized as ordinary text, so user
// input can never produce a control token. User-defined tokens are matched
// either way, as in llama.cpp.
func (t *Tokenizer) Encode(text string, addSpecial, parseSpecial bool) []int32 {
	st := t.getState()
	defer t.putState(st)
	return t.encode(st, text, addSpecial, parseSpecial)
}

func (t *Tokenizer) encode(st *encState, text string, addSpecial, parseSpecial bool) []int32 {
	frags := t.partition(st, text, parseSpecial)
	st.frags = frags
	out := make([]int32, 0, len(text)/3+2)
	if addSpecial && t.addBOS {
		out = append(out, t.bos)
	}
	switch t.kind {
	case SPM:
		// SentencePiece puts a space before text that starts the input or
		// follows a special token.
		prevSpecial := true
		for _, f := range frags {
			if f.tok != NoToken {
				out = append(out, f.tok)
				prevSpecial = true
				continue
			}
			out = t.spmFragment(st, text[f.start:f.end], t.addSpacePrefix && prevSpecial, out)
			prevSpecial = false
		}
	case BPE:
		for _, f := range frags {
			if f.tok != NoToken {
				out = append(out, f.tok)
				continue
			}
			out = t.bpeFragment(st, text[f.start:f.end], out)
		}
	}
	if addSpecial && t.addEOS {
		out = append(out, t.eos)
	}
	return out
}

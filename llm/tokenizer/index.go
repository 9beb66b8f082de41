package tokenizer

import (
	"hash/maphash"
	"math/bits"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// The two hash tables the tokenizers live on. Both are open addressing with
// linear probing over a power-of-two array of plain integers: a vocabulary
// of 150k tokens and as many merges loads in a few allocations, and the
// garbage collector has no pointers to scan in them.

// textIndex maps a token's text to its id.
//
// Layout: slot i holds hash>>32 in its high half and id+1 in its low half
// (0 = empty). The stored half-hash rejects almost every mismatch without
// reading the token's text.
type textIndex struct {
	seed  maphash.Seed
	slots []uint64
	mask  uint64
	texts []string // texts[id]
}

func newTextIndex(texts []string) textIndex {
	size := uint64(1) << bits.Len64(uint64(len(texts))*3/2+1)
	return textIndex{seed: maphash.MakeSeed(), slots: pages.Make[uint64](int(size)), mask: size - 1, texts: texts}
}

// insert adds id under its text, or returns the id already there.
func (x *textIndex) insert(id int32) (prev int32, dup bool) {
	s := x.texts[id]
	h := maphash.String(x.seed, s)
	tag := h >> 32 << 32
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		v := x.slots[i]
		if v == 0 {
			x.slots[i] = tag | uint64(uint32(id)+1)
			return id, false
		}
		if v>>32<<32 == tag && x.texts[uint32(v)-1] == s {
			return int32(uint32(v) - 1), true
		}
	}
}

func (x *textIndex) find(s string) (int32, bool) {
	if len(x.slots) == 0 {
		return NoToken, false
	}
	h := maphash.String(x.seed, s)
	tag := h >> 32 << 32
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		v := x.slots[i]
		if v == 0 {
			return NoToken, false
		}
		if v>>32<<32 == tag && x.texts[uint32(v)-1] == s {
			return int32(uint32(v) - 1), true
		}
	}
}

func (x *textIndex) findBytes(b []byte) (int32, bool) {
	h := maphash.Bytes(x.seed, b)
	tag := h >> 32 << 32
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		v := x.slots[i]
		if v == 0 {
			return NoToken, false
		}
		if v>>32<<32 == tag && x.texts[uint32(v)-1] == string(b) {
			return int32(uint32(v) - 1), true
		}
	}
}

// pairTable maps a pair of token ids (pairKey) to their merge.
type pairTable struct {
	slots []pairSlot
	shift uint
}

// pairSlot is one entry. It stores the complement of the key, so that the
// zero slot of a fresh table is empty: no pair of valid ids has key ^0.
type pairSlot struct {
	notKey uint64
	m      merge
}

func pairKey(l, r int32) uint64 { return uint64(uint32(l))<<32 | uint64(uint32(r)) }

func newPairTable(n int) pairTable {
	b := bits.Len64(uint64(n)*3/2 + 1)
	return pairTable{slots: make([]pairSlot, 1<<b), shift: uint(64 - b)}
}

// slot returns where key is or would go (Fibonacci hashing).
func (p *pairTable) slot(key uint64) int {
	mask := len(p.slots) - 1
	for i := int(key*0x9E3779B97F4A7C15>>p.shift) & mask; ; i = (i + 1) & mask {
		if k := p.slots[i].notKey; k == ^key || k == 0 {
			return i
		}
	}
}

// add inserts the merge of key unless the pair already has one (the lower
// rank, added first, wins).
func (p *pairTable) add(key uint64, m merge) {
	if s := &p.slots[p.slot(key)]; s.notKey == 0 {
		*s = pairSlot{^key, m}
	}
}

func (p *pairTable) get(key uint64) (merge, bool) {
	if len(p.slots) == 0 {
		return merge{}, false
	}
	s := &p.slots[p.slot(key)]
	return s.m, s.notKey == ^key
}

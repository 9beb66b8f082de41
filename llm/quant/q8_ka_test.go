package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// The Q8_K-derived encodings (Q8_KX, Q8_KA) at every level are that
// level's Q8_K bytes converted block by block, whatever the block count:
// encodeFromQ8K rearranges them in place, and a block overwritten before
// it is read would show here.
func TestQ8KDerivedEncode(t *testing.T) {
	af, _ := Lookup(gguf.Q8_K)
	rng := rand.New(rand.NewPCG(23, 24))
	for _, level := range testLevels() {
		e := af.atLevel(level).impls[level]
		for _, kind := range []int{encQ8_KX, encQ8_KA} {
			enc := &encodings[level][kind]
			for _, nb := range []int{1, 2, 3, 8, 22, 53} { // 8, 22: TinyLlama's 2048 and 5632
				n := nb * qkK
				src := normalRow(rng, n, 1)
				q := make([]byte, nb*q8_KBytes)
				e.fromFloat(q, src)
				want := reencode(enc, af, q, n)
				got := make([]byte, enc.RowBytes(n))
				for i := range got {
					got[i] = 0xa5 // the encoder must write every byte
				}
				enc.Encode(got, src)
				if i := firstByteDiff(got, want); i >= 0 {
					t.Errorf("%s %s nb=%d: byte %d (block %d) = %#x, want %#x", level, enc.Name, nb, i, i/enc.BlockBytes, got[i], want[i])
				}
			}
		}
	}
}

// firstByteDiff is the first index where a and b differ, or -1.
func firstByteDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

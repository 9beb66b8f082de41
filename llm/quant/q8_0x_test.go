package quant

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// reencodeQ8_0X turns Q8_0 rows of n elements (whole rows, contiguous)
// into Q8_0X, element by element from the layout in q8_0x.go
// (independently of q80ToQ8_0X).
func reencodeQ8_0X(x []byte, n int) []byte {
	nb := n / q8_0Block
	rows := len(x) / (nb * q8_0Bytes)
	out := make([]byte, rows*nb*q8_0XBytes)
	for r := range rows {
		src, dst := x[r*nb*q8_0Bytes:], out[r*nb*q8_0XBytes:]
		for b := 0; b < nb; b++ {
			blk := src[b*q8_0Bytes : (b+1)*q8_0Bytes]
			if b == nb-1 && nb%2 == 1 {
				copy(dst[b*q8_0XBytes:], blk) // the odd last block: as it is
				continue
			}
			pair := dst[b/2*q8_0XPair:]
			h := b % 2
			d := binary.LittleEndian.Uint16(blk)
			for i := range 32 {
				q := int8(blk[2+i])
				pair[32*h+i] = byte(q)
				lane := (32*h + i) / 4
				ns := int16(binary.LittleEndian.Uint16(pair[64+2*lane:])) - 16*int16(q)
				binary.LittleEndian.PutUint16(pair[64+2*lane:], uint16(ns))
				binary.LittleEndian.PutUint16(pair[96+2*lane:], d)
			}
		}
	}
	return out
}

// Q8_0X's Encode at every level is that level's Q8_0 bytes rearranged as
// the layout says: even and odd block counts, ±127 and -128 quants, zero
// blocks (d = 0).
func TestQ8_0XEncode(t *testing.T) {
	af, _ := Lookup(gguf.Q8_0)
	rng := rand.New(rand.NewPCG(21, 22))
	for _, level := range testLevels() {
		e := af.atLevel(level).impls[level]
		enc := &encodings[level][encQ8_0X]
		for _, nb := range []int{1, 2, 3, 8, 9, 28, 153} { // 28: Qwen2.5-0.5B's 896
			n := nb * q8_0Block
			for _, mode := range []string{"normal", "-128", "zeros", "mixed"} {
				src := normalRow(rng, n, 1)
				switch mode {
				case "-128": // every quant -127 or -128: the lane sums at their extreme
					for i := range src {
						src[i] = -1
					}
				case "zeros":
					clear(src)
				case "mixed":
					for i := range src {
						if i/q8_0Block%2 == 0 {
							src[i] = 0
						}
					}
				}
				q := make([]byte, nb*q8_0Bytes)
				e.fromFloat(q, src)
				want := reencodeQ8_0X(q, n)
				got := make([]byte, enc.RowBytes(n))
				for i := range got {
					got[i] = 0xa5 // the encoder must write every byte
				}
				enc.Encode(got, src)
				if string(got) != string(want) {
					for i := range got {
						if got[i] != want[i] {
							t.Errorf("%s nb=%d %s: byte %d = %#x, want %#x", level, nb, mode, i, got[i], want[i])
							break
						}
					}
				}
			}
		}
	}
}

package quant

import "github.com/llamashell/lsh/llm/gguf"

// Q8_0R: Q8_0 repacked for the avx512vnni tile kernels (_asm/q8x.go), a
// layout the engine may copy Q8_0 matrices into (Format.Repacked) but
// never a GGUF type. A block of Q8_0R is a pair of Q8_0 blocks A, B (64
// elements) in the same 68 bytes: both scales first, then the 64 weights
// contiguous and made unsigned as the kernels' VPDPBUSD wants them, so a
// pair is one load.
//
//	offset size
//	0      2    dA  float16, A's d
//	2      2    dB  float16, B's d
//	4      32   qa  A's quants XOR 0x80 (q + 128 as uint8)
//	36     32   qb  B's quants XOR 0x80
//
// Rows of an odd number of Q8_0 blocks have no Q8_0R form (BlockSize is
// 64), and MatMul on Q8_0R gives Q8_0's results bit for bit, as for Q5_0R.
const q8_0RBytes = 2 * q8_0Bytes

// q8_0R is the Q8_0R format; repackQ8_0 makes it from Q8_0.
var q8_0R *Format

func init() { q8_0R = newPairRepacked(gguf.Q8_0, "Q8_0R", q8_0RBytes, repackQ8_0, unpackQ8_0R) }

// repackQ8_0 converts whole pairs of Q8_0 blocks in src into Q8_0R blocks
// in dst; an odd last block is left out.
func repackQ8_0(dst, src []byte) {
	for i := 0; i+2*q8_0Bytes <= len(src); i += 2 * q8_0Bytes {
		a, b := src[i:i+q8_0Bytes], src[i+q8_0Bytes:i+2*q8_0Bytes]
		r := (*[q8_0RBytes]byte)(dst[i:])
		copy(r[0:2], a[0:2])
		copy(r[2:4], b[0:2])
		for j := range 32 {
			r[4+j] = a[2+j] ^ 0x80
			r[36+j] = b[2+j] ^ 0x80
		}
	}
}

// unpackQ8_0R turns one Q8_0R block back into two Q8_0 blocks.
func unpackQ8_0R(dst, r []byte) {
	a, b := dst[:q8_0Bytes], dst[q8_0Bytes:]
	copy(a[0:2], r[0:2])
	copy(b[0:2], r[2:4])
	for j := range 32 {
		a[2+j] = r[4+j] ^ 0x80
		b[2+j] = r[36+j] ^ 0x80
	}
}

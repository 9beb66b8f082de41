package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q5_0R: Q5_0 repacked for the avx512vnni tile kernels (_asm/q8x.go), a
// layout the engine may copy Q5_0 matrices into (Format.Repacked) but
// never a GGUF type. A block of Q5_0R is a pair of Q5_0 blocks A, B (64
// elements) in the same 44 bytes, arranged so that the kernels decode it
// in five instructions: the high bits of both are one 64-bit mask, the
// nibbles one 32-byte load broadcast to both halves of a zmm, where a
// shift of the upper half by 4 and an AND leave A's 32 values then B's.
//
//	offset size
//	0      2    dA  float16, A's d
//	2      2    dB  float16, B's d
//	4      8    qh  uint64 (little-endian): bit j is bit 4 of A's element
//	                j (j < 32), bit 32+j of B's element j
//	12     32   qs  byte j: A's element j in the low nibble, B's element j
//	                in the high nibble
//
// Rows of an odd number of Q5_0 blocks have no Q5_0R form (BlockSize is
// 64): a caller repacks only rows whose length BlockSize divides. MatMul
// on Q5_0R gives Q5_0's MatMul results bit for bit at the level that
// offers it (the same integer sums, the same float operations), so a
// model switching to a repacked copy computes the same logits.
const q5_0RBytes = 2 * q5_0Bytes

// q5_0R is the Q5_0R format; repackQ5_0 makes it from Q5_0.
var q5_0R *Format

func init() { q5_0R = newPairRepacked(gguf.Q5_0, "Q5_0R", q5_0RBytes, repackQ5_0, unpackQ5_0R) }

// repackQ5_0 converts whole pairs of Q5_0 blocks in src into Q5_0R blocks
// in dst; an odd last block is left out.
func repackQ5_0(dst, src []byte) {
	for i := 0; i+2*q5_0Bytes <= len(src); i += 2 * q5_0Bytes {
		a, b := (*[q5_0Bytes]byte)(src[i:]), (*[q5_0Bytes]byte)(src[i+q5_0Bytes:])
		r := (*[q5_0RBytes]byte)(dst[i:])
		copy(r[0:2], a[0:2])
		copy(r[2:4], b[0:2])
		copy(r[4:8], a[2:6])
		copy(r[8:12], b[2:6])
		for j := range 16 {
			r[12+j] = a[6+j]&0x0f | b[6+j]<<4
			r[28+j] = a[6+j]>>4 | b[6+j]&0xf0
		}
	}
}

// unpackQ5_0R turns one Q5_0R block back into two Q5_0 blocks.
func unpackQ5_0R(dst, r []byte) {
	a, b := dst[:q5_0Bytes], dst[q5_0Bytes:]
	copy(a[0:2], r[0:2])
	copy(b[0:2], r[2:4])
	binary.LittleEndian.PutUint32(a[2:], binary.LittleEndian.Uint32(r[4:]))
	binary.LittleEndian.PutUint32(b[2:], binary.LittleEndian.Uint32(r[8:]))
	for j := range 16 {
		lo, hi := r[12+j], r[28+j]
		a[6+j] = lo&0x0f | hi<<4
		b[6+j] = lo>>4 | hi&0xf0
	}
}

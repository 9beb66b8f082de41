package quant

import (
	"encoding/binary"
	"math"
)

// Q8_KX: a Q8_K block (the same d, the same 256 quants) rearranged for the
// avx512vnni Q4_K tile kernels, an Encoding of activations only. Those
// kernels multiply 64 weight bytes by 64 activation bytes with VPDPBUSD,
// which sums each 4 neighbouring products into one of 16 int32 lanes; in
// Q8_K's order a lane would mix the groups of a Q4_K block (32 elements
// with one scale), in this order every lane of a 64-byte operand stays in
// one group for the whole block, so a block needs one scaling per group
// rather than one per 64 elements. Operand k (bytes 64k…64k+63) holds in
// its 128-bit lane q the 16 elements 64q+16k…64q+16k+15: Q4_K's group 2q
// (k = 0, 1) or 2q+1 (k = 2, 3).
//
//	offset size
//	0      256  qs    int8: byte 64k + 16q + i is element 64q + 16k + i
//	256    64   gsf2  16 × float32: lane 4q+i holds d·(bsum_2g + bsum_2g+1)
//	                  for g = 2q + i%2, the sum of Q4_K's group g times d (its
//	                  minimums), in the lanes where the kernels keep that
//	                  group's scaled sums (each group twice: once for each
//	                  of the two rows the kernels take at a time)
//	320    4    d     float32, Q8_K's scale
//	324    60   zero  (blocks stay 64-byte aligned; a column reads six lines)
const (
	q8_KXBytes = 384
	q8kxGsf2   = 256
	q8kxD      = 320
)

// q8kToQ8KX rearranges one Q8_K block (292 bytes) into a Q8_KX block, in
// words: it runs for every block of every activation row a Q4_K matrix
// meets, on one thread between two jobs of a token.
func q8kToQ8KX(dst, src []byte) {
	dst, src = dst[:q8_KXBytes], src[:q8_KBytes]
	le := binary.LittleEndian
	qs := src[4 : 4+qkK]
	for k := range 4 {
		for q := range 4 {
			from, to := qs[64*q+16*k:][:16], dst[64*k+16*q:][:16]
			le.PutUint64(to, le.Uint64(from))
			le.PutUint64(to[8:], le.Uint64(from[8:]))
		}
	}
	d := f32le(src[0:])
	var gs [8]uint32 // d times the sum of group g's 32 quants, as float32 bits
	for g := range gs {
		sums := src[260+4*g:][:4] // the bsums of its two halves of 16
		s := int32(int16(le.Uint16(sums))) + int32(int16(le.Uint16(sums[2:])))
		gs[g] = math.Float32bits(d * float32(s))
	}
	for lane := range 16 {
		le.PutUint32(dst[q8kxGsf2+4*lane:], gs[2*(lane/4)+lane%2])
	}
	copy(dst[q8kxD:q8kxD+4], src[0:4])
	clear(dst[q8kxD+4:])
}

// encodeQ8KX is Q8_KX's Encode at level l (encodeFromQ8K).
func encodeQ8KX(l cpuLevel, dst []byte, src []float32) {
	encodeFromQ8K(l, dst, src, encQ8_KX)
}

// encodeFromQ8K encodes src as level l's Q8_K and rearranges each block
// into encoding kind's (Q8_KX or Q8_KA) size bytes. The Q8_K quantizer
// writes every block in one call to the end of the blocks' space in dst,
// 292 bytes a block at offset (size-292)·blocks, and each is then
// rearranged in order into its size bytes from a copy on the stack: block
// b's ends at size·(b+1) ≤ (size-292)·blocks + 292·(b+1), where block
// b+1's Q8_K starts, so no block is overwritten before it is read (as
// encodeQ8_0X does). (A switch, not a function value: the stack copy
// passed to one would escape.)
func encodeFromQ8K(l cpuLevel, dst []byte, src []float32, kind int) {
	q8k, size := &encodings[l][encQ8_K], encodings[l][kind].BlockBytes
	blocks := len(src) / qkK
	if blocks == 0 {
		return
	}
	at := blocks * (size - q8_KBytes)
	q8k.encode(dst[at:blocks*size], src[:blocks*qkK])
	var b [q8_KBytes]byte
	for i := range blocks {
		copy(b[:], dst[at+i*q8_KBytes:])
		if kind == encQ8_KX {
			q8kToQ8KX(dst[i*size:], b[:])
		} else {
			q8kToQ8KA(dst[i*size:], b[:])
		}
	}
}

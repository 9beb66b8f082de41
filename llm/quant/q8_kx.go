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

// q8kToQ8KX rearranges one Q8_K block (292 bytes) into a Q8_KX block.
func q8kToQ8KX(dst, src []byte) {
	dst, src = dst[:q8_KXBytes], src[:q8_KBytes]
	qs := src[4 : 4+qkK]
	for k := range 4 {
		for q := range 4 {
			copy(dst[64*k+16*q:64*k+16*q+16], qs[64*q+16*k:64*q+16*k+16])
		}
	}
	d := f32le(src[0:])
	bsum := func(l int) int32 { return int32(int16(binary.LittleEndian.Uint16(src[260+2*l:]))) }
	for lane := range 16 {
		g := 2*(lane/4) + lane%2
		gs := float32(bsum(2*g) + bsum(2*g+1))
		binary.LittleEndian.PutUint32(dst[q8kxGsf2+4*lane:], math.Float32bits(d*gs))
	}
	copy(dst[q8kxD:q8kxD+4], src[0:4])
	clear(dst[q8kxD+4:])
}

// encodeQ8KX is Q8_KX's Encode at level l: level l's Q8_K quantizer
// writes each block at the start of its Q8_KX block, which is then
// rearranged from a copy on the stack.
func encodeQ8KX(l cpuLevel, dst []byte, src []float32) {
	q8k := &encodings[l][encQ8_K]
	var b [q8_KBytes]byte
	for i := 0; i+qkK <= len(src); i += qkK {
		blk := dst[i/qkK*q8_KXBytes:][:q8_KXBytes]
		q8k.encode(blk, src[i:i+qkK])
		copy(b[:], blk)
		q8kToQ8KX(blk, b[:])
	}
}

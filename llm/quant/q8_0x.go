package quant

import "encoding/binary"

// Q8_0X: Q8_0 activations (the same d, the same quants) rearranged for
// the avx512vnni Q5_0 and Q8_0 tile kernels (and the AVX2 Q5_0 ones,
// _asm/q8.go q5_0y, which take one block of a pair at a time), an
// Encoding of activations only. The avx512vnni kernels take blocks in pairs (64 elements, one zmm of
// bytes) and multiply unsigned weights (Q5_0's q in 0..31, Q8_0's w+128)
// by signed activations with VPDPBUSD, which sums each lane's four
// products; the correction for the weights' bias (Σ 16·a or Σ 128·a per
// lane) and the activation scales as a vector were a column's work in
// every row. Here they are made once per input:
//
//	offset size  (per pair of Q8_0 blocks A, B: 128 bytes, two cache lines)
//	0      64    qs  int8: A's 32 quants, then B's
//	64     32    ns  16 × int16: lane i holds -16·(qs[4i] + … + qs[4i+3]),
//	                 Q5_0's correction (within ±8192); Q8_0's is 8 times it
//	96     32    d   16 × float16: dA in lanes 0-7, dB in 8-15
//
// The kernels widen ns and d with one instruction each (VPMOVSXWD,
// VCVTPH2PS from memory). With ns and d as int32 and float32 vectors (192
// bytes a pair) a column took one instruction less, and one column ran
// up to 25% faster, but eight columns of n = 4864 (Qwen2.5-0.5B's
// feed-forward) no longer fitted in L1 (48 KiB): prompt processing there
// fell below the Q8_0 kernels' (pp8 Q8_0 7.3 against 8.8 GB/s of weights).
//
// BlockSize stays 32 (64 bytes a block), so any row of whole Q8_0 blocks
// can be encoded: when the count is odd, the last block is kept as plain
// Q8_0 bytes at the start of its 64 bytes (zeros after), which the
// kernels' portable tail reads (tiles.tail).
const (
	q8_0XBytes = 64 // per 32 elements
	q8_0XPair  = 2 * q8_0XBytes
	q80xNs     = 64
	q80xD      = 96
)

// q80ToQ8_0X rearranges two Q8_0 blocks (68 bytes) into a Q8_0X pair.
// It runs once per pair of every activation row a Q5_0 or Q8_0 matrix
// meets, on one thread between two jobs of a token, so it works in words
// rather than byte by byte.
func q80ToQ8_0X(dst, src []byte) {
	dst, src = dst[:q8_0XPair], src[:2*q8_0Bytes]
	for b := range 2 {
		blk := src[b*q8_0Bytes : (b+1)*q8_0Bytes]
		copy(dst[32*b:32*b+32], blk[2:])
		d4 := uint64(binary.LittleEndian.Uint16(blk)) * 0x0001_0001_0001_0001
		binary.LittleEndian.PutUint64(dst[q80xD+16*b:], d4)
		binary.LittleEndian.PutUint64(dst[q80xD+16*b+8:], d4)
	}
	for l := range 16 {
		q := dst[4*l : 4*l+4]
		s := int32(int8(q[0])) + int32(int8(q[1])) + int32(int8(q[2])) + int32(int8(q[3]))
		binary.LittleEndian.PutUint16(dst[q80xNs+2*l:], uint16(-16*s))
	}
}

// encodeQ8_0X is Q8_0X's Encode at level l. Level l's Q8_0 quantizer
// writes every pair's two blocks in one call (per pair, the call cost as
// much as the quantizing) to the end of the pairs' space in dst: 68 bytes
// a pair at offset 60·pairs, so that rearranging the pairs in order into
// their 128 bytes, each from a copy on the stack, never overwrites a
// pair not yet read (pair p's Q8_0X ends at 128(p+1) ≤ 60·pairs +
// 68(p+1), where pair p+1's blocks start).
func encodeQ8_0X(l cpuLevel, dst []byte, src []float32) {
	q80 := &encodings[l][encQ8_0]
	pairs := len(src) / (2 * q8_0Block)
	if pairs > 0 {
		at := pairs * (q8_0XPair - 2*q8_0Bytes)
		q80.encode(dst[at:pairs*q8_0XPair], src[:pairs*2*q8_0Block])
		var b [2 * q8_0Bytes]byte
		for p := range pairs {
			copy(b[:], dst[at+p*2*q8_0Bytes:])
			q80ToQ8_0X(dst[p*q8_0XPair:], b[:])
		}
	}
	if i := pairs * 2 * q8_0Block; i+q8_0Block <= len(src) { // an odd last block: plain Q8_0
		blk := dst[i/q8_0Block*q8_0XBytes:][:q8_0XBytes]
		q80.encode(blk, src[i:i+q8_0Block])
		clear(blk[q8_0Bytes:])
	}
}

package quant

// Q8_KA: a Q8_K block (the same d, quants and bsums) with its quants
// first, an Encoding of activations only, read by the AVX2 tile kernels of
// Q4_K and Q6_K. Those load the quants 32 bytes at a time as operands of
// VPMADDUBSW, once per weight row; in Q8_K (292-byte blocks, quants at
// byte 4) half of those loads straddled two cache lines, here none does:
// blocks of 320 bytes keep every quant operand 32-byte aligned when the
// buffer is (a row of blocks is a multiple of 320 bytes; a batch's
// buffer is a large allocation, page aligned; a misaligned one only
// costs the split loads again). AVX2 tiles on one core (BenchmarkKernels
// pp8/pp32, alternated): Q4_K's of 8 columns 47 → 52 GMAC/s, Q6_K's of
// 4 35 → 39–40; TinyLlama pp512 at the avx2 level with both this and
// the aligned scratch (_asm alignedLocal) 63 → 82–86 t/s.
//
//	offset size
//	0      256  qs     int8, Q8_K's quants in Q8_K's order
//	256    32   bsums  16 × int16, Q8_K's sums of 16 quants
//	288    4    d      float32, Q8_K's scale
//	292    28   zero
const (
	q8_KABytes = 320
	q8kaBsums  = 256
	q8kaD      = 288
)

// q8kToQ8KA moves one Q8_K block's fields (292 bytes at src) into a Q8_KA
// block at dst.
func q8kToQ8KA(dst, src []byte) {
	dst, src = dst[:q8_KABytes], src[:q8_KBytes]
	copy(dst[:qkK], src[4:4+qkK])
	copy(dst[q8kaBsums:q8kaD], src[4+qkK:])
	copy(dst[q8kaD:q8kaD+4], src[0:4])
	clear(dst[q8kaD+4:])
}

// encodeQ8KA is Q8_KA's Encode at level l (encodeFromQ8K).
func encodeQ8KA(l cpuLevel, dst []byte, src []float32) {
	encodeFromQ8K(l, dst, src, encQ8_KA)
}

package quant

import (
	"encoding/binary"
	"math"
)

// qkK is QK_K, the elements in a k-quant super-block (Q2_K..Q8_K).
const qkK = 256

// f16le reads the little-endian float16 at the start of b as a float32.
func f16le(b []byte) float32 { return F16ToF32(binary.LittleEndian.Uint16(b)) }

// f32le reads the little-endian float32 at the start of b.
func f32le(b []byte) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b)) }

func max32(a, b float32) float32 {
	// ggml's MAX(a, b) is a > b ? a : b; keep its NaN behaviour rather than
	// the builtin max's.
	if a > b {
		return a
	}
	return b
}

// absMax is the largest |x| of a block, as the SIMD activation quantizers
// compute it (max_ps of |x|).
func absMax(x []float32) float32 {
	var m float32
	for _, v := range x {
		m = max32(m, abs32(v))
	}
	return m
}

// roundEvenSat8 rounds to the nearest integer, ties to even (the SSE/AVX
// default rounding mode), saturating to int8 as the pack instructions do.
func roundEvenSat8(f float32) int8 {
	if f != f {
		return -128 // x86 converts NaN to 0x80000000, which packs to -128
	}
	// nearestInt rounds ties to even and is exact up to ±4194303; anything
	// larger saturates either way.
	switch {
	case f >= 127:
		return 127
	case f <= -128:
		return -128
	}
	return int8(nearestInt(f))
}

// Input limits (Format.MaxAbs). Types with float16 scales cannot represent
// blocks whose scale would exceed the largest float16.
const (
	maxF16 = 65504 // largest finite float16
	// maxBF16 is the largest finite bfloat16 (0x7f7f); anything larger
	// rounds to infinity.
	maxBF16 = 0x1.fep127
	// maxQ8_1 keeps Q8_1's s = d*Σq finite: |s| <= 32*amax.
	maxQ8_1 = 2047
	// maxQ8_K keeps d*127 finite: d = 1/(-127/amax) can round up.
	maxQ8_K = 1e38
)

package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// BF16: one little-endian bfloat16 per element: the top 16 bits of a
// float32 (sign, 8-bit exponent, 7-bit mantissa).
//
// Activations for BF16 weights are BF16 too, as in ggml (its vec_dot_type
// for BF16 is BF16): the dot product multiplies exact bfloat16 values and
// accumulates in float64 like ggml's scalar ggml_vec_dot_bf16.

func init() {
	register(&Format{Type: gguf.BF16, BlockSize: 1, BlockBytes: 2, VecDotType: gguf.BF16,
		Dequantize: dequantizeBF16, Quantize: quantizeBF16, VecDot: vecDotBF16, MaxAbs: maxBF16})
}

// BF16ToF32 converts a bfloat16 to float32 exactly.
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// F32ToBF16 converts float32 to the nearest bfloat16, ties to even, as
// ggml's ggml_compute_fp32_to_bf16 does: subnormals are kept (not flushed),
// values beyond the largest bfloat16 round to infinity, and a NaN stays a
// NaN (made quiet) with its sign.
func F32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 0x40
	}
	return uint16((u + 0x7fff + (u >> 16 & 1)) >> 16)
}

func dequantizeBF16(dst []float32, src []byte) {
	src = src[:2*len(dst)] // panics here if src is short
	for i := range dst {
		dst[i] = BF16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func quantizeBF16(dst []byte, src []float32) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], F32ToBF16(v))
	}
}

func vecDotBF16(n int, w, x []byte) float32 {
	w, x = w[:2*n], x[:2*n]
	var sum float64
	for i := 0; i < n; i++ {
		a := BF16ToF32(binary.LittleEndian.Uint16(w[2*i:]))
		b := BF16ToF32(binary.LittleEndian.Uint16(x[2*i:]))
		sum += float64(a * b)
	}
	return float32(sum)
}

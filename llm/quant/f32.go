package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// F32: one little-endian IEEE-754 binary32 per element.

func init() {
	register(&Format{Type: gguf.F32, BlockSize: 1, BlockBytes: 4, VecDotType: gguf.F32,
		Dequantize: dequantizeF32, Quantize: quantizeF32, VecDot: vecDotF32})
}

func dequantizeF32(dst []float32, src []byte) {
	src = src[:4*len(dst)] // panics here if src is short
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
}

func quantizeF32(dst []byte, src []float32) {
	dst = dst[:4*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint32(dst[4*i:], math.Float32bits(v))
	}
}

// vecDotF32 accumulates in float64, as ggml's scalar ggml_vec_dot_f32 does
// (ggml_float is double), so long rows lose no precision.
func vecDotF32(n int, w, x []byte) float32 {
	w, x = w[:4*n], x[:4*n]
	var sum float64
	for i := 0; i < n; i++ {
		a := math.Float32frombits(binary.LittleEndian.Uint32(w[4*i:]))
		b := math.Float32frombits(binary.LittleEndian.Uint32(x[4*i:]))
		sum += float64(a * b)
	}
	return float32(sum)
}

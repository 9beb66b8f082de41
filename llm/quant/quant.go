// Package quant holds ggml's tensor encodings: for each type, how a block is
// laid out, how to turn it into float32 (dequantize) and back (quantize), and
// the dot product of an encoded weight row with an activation vector — the
// operation that dominates inference.
//
// Weights and activations meet in pairs: a weight type W is multiplied with
// activations first quantized to W's VecDotType (Q8_K for the k-quants, Q8_0
// for the 32-element quants, F16 for F16, F32 for F32), exactly as ggml does,
// so results match llama.cpp's.
//
// The functions here are the portable scalar reference. Faster kernels (SIMD
// assembly) are chosen at start-up and are tested against these.
package quant

import (
	"fmt"

	"github.com/llamashell/lsh/llm/gguf"
)

// Format describes how one tensor type is stored and computed.
type Format struct {
	Type       gguf.Type
	BlockSize  int // elements per block
	BlockBytes int // bytes per block
	// VecDotType is the type activations are converted to before VecDot.
	VecDotType gguf.Type
	// Dequantize decodes len(dst) elements (a whole number of blocks) from src.
	Dequantize func(dst []float32, src []byte)
	// Quantize encodes len(src) elements (a whole number of blocks) into dst,
	// following ggml's reference quantizer (quantize_row_*_ref). Nil for
	// types lsh can read but not write.
	Quantize func(dst []byte, src []float32)
	// VecDot returns the dot product of n elements of a row w of this type
	// with n elements x already converted to VecDotType.
	VecDot func(n int, w, x []byte) float32
}

var formats = map[gguf.Type]*Format{}

// register adds a format; each type's file calls it from init.
func register(f *Format) { formats[f.Type] = f }

// Lookup returns the Format of t, or an error naming the type when lsh
// cannot compute with it.
func Lookup(t gguf.Type) (*Format, error) {
	if f, ok := formats[t]; ok {
		return f, nil
	}
	if t.Known() {
		return nil, fmt.Errorf("tensor type %s is not supported (supported: %s)", t, Supported())
	}
	return nil, fmt.Errorf("unknown tensor type %d", uint32(t))
}

// Supported lists the supported types, for error messages and docs.
func Supported() string {
	s := ""
	for _, t := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q4_0, gguf.Q4_1, gguf.Q5_0,
		gguf.Q5_1, gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K, gguf.Q8_K} {
		if _, ok := formats[t]; ok {
			if s != "" {
				s += ", "
			}
			s += t.String()
		}
	}
	return s
}

// RowBytes is the encoded size of n elements.
func (f *Format) RowBytes(n int) int { return n / f.BlockSize * f.BlockBytes }

// Package quant holds ggml's tensor encodings: for each type, how a block is
// laid out, how to turn it into float32 (dequantize) and back (quantize), and
// the dot product of an encoded weight row with an activation vector — the
// operation that dominates inference.
//
// Weights and activations meet in pairs: a weight type W is multiplied with
// activations first quantized to W's VecDotType (Q8_K for the k-quants, Q8_0
// for Q4_0, Q5_0 and Q8_0, Q8_1 for Q4_1 and Q5_1, F16 for F16, BF16 for
// BF16, F32 for F32), exactly as ggml does, so results match llama.cpp's.
//
// The functions here are the portable scalar reference, checked against
// output of llama.cpp's ggml (testdata): Dequantize gives its floats bit for
// bit, Quantize its reference quantizers' bytes, FromFloat its x86
// activation quantizers' bytes, and VecDot its SIMD kernels' results up to
// float32 summation order (within 1e-7·|w|·|x|; VecDot sums as ggml's
// scalar kernels do). Faster kernels (SIMD assembly) are chosen at start-up
// and are tested against these.
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
	// FromFloat encodes activations of this type the way ggml's CPU backend
	// does before a dot product (its type_traits_cpu from_float), so that
	// VecDot sees the very bytes llama.cpp's kernels see. It is Quantize for
	// every type except Q8_0 and Q8_1, whose x86 activation quantizer
	// multiplies by 127/amax and rounds half to even where the reference
	// quantizer multiplies by 1/(amax/127) and rounds half away from zero:
	// quantize weights with Quantize, activations with FromFloat.
	FromFloat func(dst []byte, src []float32)
	// MaxAbs is the largest magnitude Quantize encodes faithfully: beyond
	// it a stored float16 scale or sum (for F16, the value itself)
	// overflows to infinity, as it does in ggml. Zero means any finite
	// value. QuantizeRow refuses input beyond it; Quantize and FromFloat do
	// not check.
	MaxAbs float32
}

var formats = map[gguf.Type]*Format{}

// register adds a format; each type's file calls it from init.
func register(f *Format) {
	if f.FromFloat == nil {
		f.FromFloat = f.Quantize
	}
	formats[f.Type] = f
}

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
		gguf.Q5_1, gguf.Q8_1, gguf.Q2_K, gguf.Q3_K, gguf.Q4_K, gguf.Q5_K, gguf.Q6_K, gguf.Q8_K} {
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

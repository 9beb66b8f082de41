package quant

import (
	"fmt"
	"math"
	"sync"

	"github.com/llamashell/lsh/llm/gguf"
)

// Checked entry points over whole rows (or whole tensors, which are rows
// laid end to end). The Format functions themselves trust their arguments,
// as kernels must; these validate lengths first and say what is wrong.

// DequantizeRow decodes src, encoded as type t, into dst. len(dst) must be
// a whole number of t's blocks and src exactly their encoded size.
func DequantizeRow(t gguf.Type, dst []float32, src []byte) error {
	f, err := Lookup(t)
	if err != nil {
		return err
	}
	if err := f.checkRow("dequantize", len(dst), len(src)); err != nil {
		return err
	}
	f.Dequantize(dst, src)
	return nil
}

// QuantizeRow encodes src as type t into dst with ggml's reference
// quantizer for t (the bytes llama-quantize writes without an importance
// matrix). len(src) must be a whole number of t's blocks and dst exactly
// their encoded size; every element must be finite and within ±MaxAbs.
func QuantizeRow(t gguf.Type, dst []byte, src []float32) error {
	f, err := Lookup(t)
	if err != nil {
		return err
	}
	if f.Quantize == nil {
		return fmt.Errorf("quantize %s: not supported", t)
	}
	if err := f.checkRow("quantize", len(src), len(dst)); err != nil {
		return err
	}
	for i, v := range src {
		switch {
		case v != v:
			return fmt.Errorf("quantize %s: element %d is NaN", t, i)
		case math.IsInf(float64(v), 0):
			return fmt.Errorf("quantize %s: element %d is %v", t, i, v)
		case f.MaxAbs != 0 && abs32(v) > f.MaxAbs:
			return fmt.Errorf("quantize %s: element %d is %g, beyond the ±%g %s can hold", t, i, v, f.MaxAbs, t)
		}
	}
	f.Quantize(dst, src)
	return nil
}

// DotF32 returns the dot product of the row w, encoded as type t, with the
// float32 vector x (len(x) elements), dequantizing w on the fly and
// accumulating in float64. Unlike VecDot it does not quantize x, so it
// measures what the weights alone compute; llama.cpp's results are VecDot's.
func DotF32(t gguf.Type, w []byte, x []float32) (float32, error) {
	f, err := Lookup(t)
	if err != nil {
		return 0, err
	}
	if err := f.checkRow("dot", len(x), len(w)); err != nil {
		return 0, err
	}
	return f.DotF32(w, x), nil
}

// DotF32 is the unchecked form of the package function DotF32: len(x) must
// be a whole number of blocks and w at least their encoded size.
func (f *Format) DotF32(w []byte, x []float32) float32 {
	// 256 elements is a whole number of blocks of every type. The buffer
	// comes from a pool: passed to a function value, it would escape to
	// the heap on every call.
	buf := chunkPool.Get().(*[qkK]float32)
	defer chunkPool.Put(buf)
	var sum float64
	for len(x) > 0 {
		n := min(len(x), qkK)
		nb := f.RowBytes(n)
		f.Dequantize(buf[:n], w[:nb])
		for i, v := range x[:n] {
			sum += float64(buf[i]) * float64(v)
		}
		x, w = x[n:], w[nb:]
	}
	return float32(sum)
}

var chunkPool = sync.Pool{New: func() any { return new([qkK]float32) }}

// checkRow validates n elements against nbytes encoded bytes.
func (f *Format) checkRow(op string, n, nbytes int) error {
	if n%f.BlockSize != 0 {
		return fmt.Errorf("%s %s: %d elements are not a whole number of %d-element blocks (%d left over)",
			op, f.Type, n, f.BlockSize, n%f.BlockSize)
	}
	if want := f.RowBytes(n); nbytes != want {
		return fmt.Errorf("%s %s: %d elements take %d bytes, got %d", op, f.Type, n, want, nbytes)
	}
	return nil
}

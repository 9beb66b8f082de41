package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// F16: one little-endian IEEE-754 binary16 per element.

func init() {
	register(&Format{Type: gguf.F16, BlockSize: 1, BlockBytes: 2, VecDotType: gguf.F16,
		Dequantize: dequantizeF16, Quantize: quantizeF16, VecDot: vecDotF16, MaxAbs: maxF16})
}

// F16ToF32 converts an IEEE binary16 to float32 exactly. Written to be
// inlined into the dequantization loops: the exponent is rebiased in one
// addition, with fix-ups only for the two rare exponents (Inf/NaN, and
// zero/subnormal, which an exact float subtraction normalises).
func F16ToF32(h uint16) float32 {
	o := uint32(h&0x7fff) << 13 // exponent and mantissa in float32 position
	exp := o & 0x0f800000
	o += (127 - 15) << 23
	switch exp {
	case 0x0f800000: // Inf or NaN: exponent all ones
		o += (128 - 16) << 23
	case 0: // zero or subnormal: 2^-14·(1+m) - 2^-14 = m·2^-24 exactly
		o = math.Float32bits(math.Float32frombits(o+1<<23) - 0x1p-14)
	}
	return math.Float32frombits(o | uint32(h&0x8000)<<16)
}

// F32ToF16 converts float32 to the nearest binary16, ties to even, as the
// F16C instruction ggml uses on x86 does.
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff { // inf or NaN (keep NaN quiet and non-zero)
		if mant != 0 {
			return sign | 0x7e00 | uint16(mant>>13)
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 {
		if e < -10 {
			return sign
		}
		// Subnormal half: shift the mantissa (with its implicit 1) right.
		m := mant | 0x800000
		shift := uint32(14 - e)
		half := m >> shift
		rem := m & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(e)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is still correct
	}
	return sign | uint16(half)
}

func dequantizeF16(dst []float32, src []byte) {
	src = src[:2*len(dst)] // panics here if src is short
	for i := range dst {
		dst[i] = F16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
	}
}

func quantizeF16(dst []byte, src []float32) {
	dst = dst[:2*len(src)]
	for i, v := range src {
		binary.LittleEndian.PutUint16(dst[2*i:], F32ToF16(v))
	}
}

// vecDotF16 multiplies exact float16 values (their float32 product is
// exact) and accumulates in float64, like ggml's scalar ggml_vec_dot_f16.
func vecDotF16(n int, w, x []byte) float32 {
	w, x = w[:2*n], x[:2*n]
	var sum float64
	for i := 0; i < n; i++ {
		a := F16ToF32(binary.LittleEndian.Uint16(w[2*i:]))
		b := F16ToF32(binary.LittleEndian.Uint16(x[2*i:]))
		sum += float64(a * b)
	}
	return float32(sum)
}

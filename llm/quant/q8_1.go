package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q8_1: 32 elements in 36 bytes, value = d * q. It exists as the activation
// type of Q4_1 and Q5_1: s lets their dot products add the weight block's
// minimum times the activation block's sum in one multiplication.
//
//	offset size
//	0      2    d   float16 scale
//	2      2    s   float16 d * Σq (the block's sum as stored)
//	4      32   qs  int8 quants, element j is qs[j]
const (
	q8_1Block = 32
	q8_1Bytes = 36
)

func init() {
	register(&Format{Type: gguf.Q8_1, BlockSize: q8_1Block, BlockBytes: q8_1Bytes, VecDotType: gguf.Q8_1,
		Dequantize: dequantizeQ8_1, Quantize: quantizeQ8_1, VecDot: vecDotQ8_1Q8_1, FromFloat: fromFloatQ8_1, MaxAbs: maxQ8_1})
}

func dequantizeQ8_1(dst []float32, src []byte) {
	for i := 0; i+q8_1Block <= len(dst); i += q8_1Block {
		b := (*[q8_1Bytes]byte)(src[i/q8_1Block*q8_1Bytes:])
		y := (*[q8_1Block]float32)(dst[i:])
		d := f16le(b[0:])
		for j := range q8_1Block {
			y[j] = float32(int8(b[4+j])) * d
		}
	}
}

// quantizeQ8_1 is quantize_row_q8_1_ref: Q8_0's reference rounding plus
// the sum s = fp16(Σq * d).
func quantizeQ8_1(dst []byte, src []float32) {
	for i := 0; i+q8_1Block <= len(src); i += q8_1Block {
		x := (*[q8_1Block]float32)(src[i:])
		b := (*[q8_1Bytes]byte)(dst[i/q8_1Block*q8_1Bytes:])
		var amax float32
		for _, v := range x {
			amax = max32(amax, abs32(v))
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		var sum int32
		for j, v := range x {
			q := int8(math.Round(float64(v * id)))
			b[4+j] = byte(q)
			sum += int32(q)
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		binary.LittleEndian.PutUint16(b[2:], F32ToF16(float32(sum)*d))
	}
}

// fromFloatQ8_1 is ggml's x86 (AVX2) quantize_row_q8_1, the activation
// quantizer before Q4_1/Q5_1 dot products: as fromFloatQ8_0, plus the sum.
func fromFloatQ8_1(dst []byte, src []float32) {
	for i := 0; i+q8_1Block <= len(src); i += q8_1Block {
		x := (*[q8_1Block]float32)(src[i:])
		b := (*[q8_1Bytes]byte)(dst[i/q8_1Block*q8_1Bytes:])
		amax := absMax(x[:])
		d := amax / 127
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		var sum int32
		for j, v := range x {
			q := roundEvenSat8(v * id)
			b[4+j] = byte(q)
			sum += int32(q)
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		binary.LittleEndian.PutUint16(b[2:], F32ToF16(d*float32(sum)))
	}
}

// vecDotQ8_1Q8_1 makes Q8_1 usable as a weight type too; ggml has no such
// kernel (Q8_1 only ever holds activations).
func vecDotQ8_1Q8_1(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q8_1Block; i++ {
		wb := (*[q8_1Bytes]byte)(w[i*q8_1Bytes:])
		xb := (*[q8_1Bytes]byte)(x[i*q8_1Bytes:])
		var s int32
		for j := 4; j < q8_1Bytes; j++ {
			s += int32(int8(wb[j])) * int32(int8(xb[j]))
		}
		sum += float32(s) * (f16le(wb[0:]) * f16le(xb[0:]))
	}
	return sum
}

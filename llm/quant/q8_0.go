package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q8_0: 32 elements in 34 bytes, value = d * q.
//
//	offset size
//	0      2    d   float16 scale
//	2      32   qs  int8 quants, element j is qs[j]
const (
	q8_0Block = 32
	q8_0Bytes = 34
)

func init() {
	register(&Format{Type: gguf.Q8_0, BlockSize: q8_0Block, BlockBytes: q8_0Bytes, VecDotType: gguf.Q8_0,
		Dequantize: dequantizeQ8_0, Quantize: quantizeQ8_0, VecDot: vecDotQ8_0Q8_0, FromFloat: fromFloatQ8_0, MaxAbs: 127 * maxF16})
}

func dequantizeQ8_0(dst []float32, src []byte) {
	for i := 0; i+q8_0Block <= len(dst); i += q8_0Block {
		b := (*[q8_0Bytes]byte)(src[i/q8_0Block*q8_0Bytes:])
		y := (*[q8_0Block]float32)(dst[i:])
		d := f16le(b[0:])
		for j := range q8_0Block {
			y[j] = float32(int8(b[2+j])) * d
		}
	}
}

// quantizeQ8_0 is quantize_row_q8_0_ref: d = amax/127, q = round(x/d) with
// ties away from zero, x/d computed as x*(1/d).
func quantizeQ8_0(dst []byte, src []float32) {
	for i := 0; i+q8_0Block <= len(src); i += q8_0Block {
		x := (*[q8_0Block]float32)(src[i:])
		b := (*[q8_0Bytes]byte)(dst[i/q8_0Block*q8_0Bytes:])
		var amax float32
		for _, v := range x {
			amax = max32(amax, abs32(v))
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		for j, v := range x {
			b[2+j] = byte(int8(math.Round(float64(v * id))))
		}
	}
}

// fromFloatQ8_0 is ggml's x86 (AVX) quantize_row_q8_0, the activation
// quantizer llama.cpp runs before Q4_0/Q5_0/Q8_0 dot products on x86:
// it scales by 127/amax and rounds half to even (the reference quantizer
// scales by 1/d and rounds half away from zero, which can differ by one).
func fromFloatQ8_0(dst []byte, src []float32) {
	for i := 0; i+q8_0Block <= len(src); i += q8_0Block {
		x := (*[q8_0Block]float32)(src[i:])
		b := (*[q8_0Bytes]byte)(dst[i/q8_0Block*q8_0Bytes:])
		amax := absMax(x[:])
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(amax/127))
		var id float32
		if amax != 0 {
			id = 127 / amax
		}
		for j, v := range x {
			b[2+j] = byte(roundEvenSat8(v * id))
		}
	}
}

func vecDotQ8_0Q8_0(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q8_0Block; i++ {
		wb := (*[q8_0Bytes]byte)(w[i*q8_0Bytes:])
		xb := (*[q8_0Bytes]byte)(x[i*q8_0Bytes:])
		var s int32
		for j := 2; j < q8_0Bytes; j++ {
			s += int32(int8(wb[j])) * int32(int8(xb[j]))
		}
		sum += float32(s) * (f16le(wb[0:]) * f16le(xb[0:]))
	}
	return sum
}

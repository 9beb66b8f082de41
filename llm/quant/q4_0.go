package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q4_0: 32 elements in 18 bytes, value = d * (q - 8), q in [0, 15].
//
//	offset size
//	0      2    d   float16 scale
//	2      16   qs  element j (0..15) in the low nibble of qs[j],
//	                element j+16 in the high nibble of qs[j]
const (
	q4_0Block = 32
	q4_0Bytes = 18
)

func init() {
	register(&Format{Type: gguf.Q4_0, BlockSize: q4_0Block, BlockBytes: q4_0Bytes, VecDotType: gguf.Q8_0,
		Dequantize: dequantizeQ4_0, Quantize: quantizeQ4_0, VecDot: vecDotQ4_0Q8_0, MaxAbs: 8 * maxF16})
}

func dequantizeQ4_0(dst []float32, src []byte) {
	for i := 0; i+q4_0Block <= len(dst); i += q4_0Block {
		b := (*[q4_0Bytes]byte)(src[i/q4_0Block*q4_0Bytes:])
		y := (*[q4_0Block]float32)(dst[i:])
		d := f16le(b[0:])
		qs := (*[16]byte)(b[2:])
		for j, q := range qs {
			y[j] = float32(int32(q&0xf)-8) * d
			y[j+16] = float32(int32(q>>4)-8) * d
		}
	}
}

// quantizeQ4_0 is quantize_row_q4_0_ref: the element of largest magnitude,
// with its sign, maps to -8 (d = max/-8), so the full range [-8, 7] is used.
func quantizeQ4_0(dst []byte, src []float32) {
	for i := 0; i+q4_0Block <= len(src); i += q4_0Block {
		x := (*[q4_0Block]float32)(src[i:])
		b := (*[q4_0Bytes]byte)(dst[i/q4_0Block*q4_0Bytes:])
		var amax, maxv float32
		for _, v := range x {
			if amax < abs32(v) {
				amax, maxv = abs32(v), v
			}
		}
		d := maxv / -8
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		for j := range 16 {
			// C truncates x*id + 8.5 toward zero: round half up into [0, 15].
			q0 := min(15, int32(float32(x[j]*id)+8.5))
			q1 := min(15, int32(float32(x[j+16]*id)+8.5))
			b[2+j] = byte(q0) | byte(q1)<<4
		}
	}
}

func vecDotQ4_0Q8_0(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q4_0Block; i++ {
		wb := (*[q4_0Bytes]byte)(w[i*q4_0Bytes:])
		xb := (*[q8_0Bytes]byte)(x[i*q8_0Bytes:])
		wq := (*[16]byte)(wb[2:])
		xq := (*[32]byte)(xb[2:])
		var s int32
		for j, q := range wq {
			s += (int32(q&0xf) - 8) * int32(int8(xq[j]))
			s += (int32(q>>4) - 8) * int32(int8(xq[j+16]))
		}
		sum += float32(s) * f16le(wb[0:]) * f16le(xb[0:])
	}
	return sum
}

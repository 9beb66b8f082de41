package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q5_0: 32 elements in 22 bytes, value = d * (q - 16), q in [0, 31].
//
//	offset size
//	0      2    d   float16 scale
//	2      4    qh  uint32 (little-endian): bit j is bit 4 of element j
//	6      16   qs  low 4 bits: element j (0..15) in the low nibble of qs[j],
//	                element j+16 in the high nibble of qs[j]
const (
	q5_0Block = 32
	q5_0Bytes = 22
)

func init() {
	register(&Format{Type: gguf.Q5_0, BlockSize: q5_0Block, BlockBytes: q5_0Bytes, VecDotType: gguf.Q8_0,
		Dequantize: dequantizeQ5_0, Quantize: quantizeQ5_0, VecDot: vecDotQ5_0Q8_0, MaxAbs: 16 * maxF16})
}

func dequantizeQ5_0(dst []float32, src []byte) {
	for i := 0; i+q5_0Block <= len(dst); i += q5_0Block {
		b := (*[q5_0Bytes]byte)(src[i/q5_0Block*q5_0Bytes:])
		y := (*[q5_0Block]float32)(dst[i:])
		d := f16le(b[0:])
		qh := binary.LittleEndian.Uint32(b[2:])
		qs := (*[16]byte)(b[6:])
		for j, q := range qs {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			y[j] = float32((int32(q&0xf)|h0)-16) * d
			y[j+16] = float32((int32(q>>4)|h1)-16) * d
		}
	}
}

// quantizeQ5_0 is quantize_row_q5_0_ref: like Q4_0 with 32 levels, the
// element of largest magnitude mapping to -16.
func quantizeQ5_0(dst []byte, src []float32) {
	for i := 0; i+q5_0Block <= len(src); i += q5_0Block {
		x := (*[q5_0Block]float32)(src[i:])
		b := (*[q5_0Bytes]byte)(dst[i/q5_0Block*q5_0Bytes:])
		var amax, maxv float32
		for _, v := range x {
			if amax < abs32(v) {
				amax, maxv = abs32(v), v
			}
		}
		d := maxv / -16
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		var qh uint32
		for j := range 16 {
			q0 := uint32(min(31, int32(float32(x[j]*id)+16.5)))
			q1 := uint32(min(31, int32(float32(x[j+16]*id)+16.5)))
			b[6+j] = byte(q0&0xf) | byte(q1&0xf)<<4
			qh |= (q0 >> 4 & 1) << j
			qh |= (q1 >> 4 & 1) << (j + 16)
		}
		binary.LittleEndian.PutUint32(b[2:], qh)
	}
}

func vecDotQ5_0Q8_0(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q5_0Block; i++ {
		wb := (*[q5_0Bytes]byte)(w[i*q5_0Bytes:])
		xb := (*[q8_0Bytes]byte)(x[i*q8_0Bytes:])
		qh := binary.LittleEndian.Uint32(wb[2:])
		wq := (*[16]byte)(wb[6:])
		xq := (*[32]byte)(xb[2:])
		var s int32
		for j, q := range wq {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			s += ((int32(q&0xf) | h0) - 16) * int32(int8(xq[j]))
			s += ((int32(q>>4) | h1) - 16) * int32(int8(xq[j+16]))
		}
		sum += f16le(wb[0:]) * f16le(xb[0:]) * float32(s)
	}
	return sum
}

package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q5_1: 32 elements in 24 bytes, value = d*q + m, q in [0, 31].
//
//	offset size
//	0      2    d   float16 scale
//	2      2    m   float16 minimum (the value of q = 0)
//	4      4    qh  uint32 (little-endian): bit j is bit 4 of element j
//	8      16   qs  low 4 bits: element j (0..15) in the low nibble of qs[j],
//	                element j+16 in the high nibble of qs[j]
const (
	q5_1Block = 32
	q5_1Bytes = 24
)

func init() {
	register(&Format{Type: gguf.Q5_1, BlockSize: q5_1Block, BlockBytes: q5_1Bytes, VecDotType: gguf.Q8_1,
		Dequantize: dequantizeQ5_1, Quantize: quantizeQ5_1, VecDot: vecDotQ5_1Q8_1, MaxAbs: maxF16})
}

func dequantizeQ5_1(dst []float32, src []byte) {
	for i := 0; i+q5_1Block <= len(dst); i += q5_1Block {
		b := (*[q5_1Bytes]byte)(src[i/q5_1Block*q5_1Bytes:])
		y := (*[q5_1Block]float32)(dst[i:])
		d, m := f16le(b[0:]), f16le(b[2:])
		qh := binary.LittleEndian.Uint32(b[4:])
		qs := (*[16]byte)(b[8:])
		for j, q := range qs {
			h0 := uint32(qh>>j&1) << 4
			h1 := uint32(qh>>(j+16)&1) << 4
			y[j] = float32(float32(uint32(q&0xf)|h0)*d) + m
			y[j+16] = float32(float32(uint32(q>>4)|h1)*d) + m
		}
	}
}

// quantizeQ5_1 is quantize_row_q5_1_ref: the block's [min, max] in 31 steps.
func quantizeQ5_1(dst []byte, src []float32) {
	for i := 0; i+q5_1Block <= len(src); i += q5_1Block {
		x := (*[q5_1Block]float32)(src[i:])
		b := (*[q5_1Bytes]byte)(dst[i/q5_1Block*q5_1Bytes:])
		minv, maxv := float32(math.MaxFloat32), float32(-math.MaxFloat32)
		for _, v := range x {
			if v < minv {
				minv = v
			}
			if v > maxv {
				maxv = v
			}
		}
		d := (maxv - minv) / 31
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		binary.LittleEndian.PutUint16(b[2:], F32ToF16(minv))
		var qh uint32
		for j := range 16 {
			// ggml converts straight to uint8 here, without clamping to 31;
			// (x-min)/d never exceeds 31 by the half needed to reach 32.
			q0 := uint32(uint8(float32((x[j]-minv)*id) + 0.5))
			q1 := uint32(uint8(float32((x[j+16]-minv)*id) + 0.5))
			b[8+j] = byte(q0&0xf) | byte(q1&0xf)<<4
			qh |= (q0 >> 4 & 1) << j
			qh |= (q1 >> 4 & 1) << (j + 16)
		}
		binary.LittleEndian.PutUint32(b[4:], qh)
	}
}

func vecDotQ5_1Q8_1(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q5_1Block; i++ {
		wb := (*[q5_1Bytes]byte)(w[i*q5_1Bytes:])
		xb := (*[q8_1Bytes]byte)(x[i*q8_1Bytes:])
		qh := binary.LittleEndian.Uint32(wb[4:])
		wq := (*[16]byte)(wb[8:])
		xq := (*[32]byte)(xb[4:])
		var s int32
		for j, q := range wq {
			h0 := int32(qh>>j&1) << 4
			h1 := int32(qh>>(j+16)&1) << 4
			s += (int32(q&0xf) | h0) * int32(int8(xq[j]))
			s += (int32(q>>4) | h1) * int32(int8(xq[j+16]))
		}
		sum += f16le(wb[0:])*f16le(xb[0:])*float32(s) + f16le(wb[2:])*f16le(xb[2:])
	}
	return sum
}

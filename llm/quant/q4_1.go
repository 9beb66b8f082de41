package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q4_1: 32 elements in 20 bytes, value = d*q + m, q in [0, 15].
//
//	offset size
//	0      2    d   float16 scale
//	2      2    m   float16 minimum (the value of q = 0)
//	4      16   qs  element j (0..15) in the low nibble of qs[j],
//	                element j+16 in the high nibble of qs[j]
const (
	q4_1Block = 32
	q4_1Bytes = 20
)

func init() {
	register(&Format{Type: gguf.Q4_1, BlockSize: q4_1Block, BlockBytes: q4_1Bytes, VecDotType: gguf.Q8_1,
		Dequantize: dequantizeQ4_1, Quantize: quantizeQ4_1, VecDot: vecDotQ4_1Q8_1, MaxAbs: maxF16})
}

func dequantizeQ4_1(dst []float32, src []byte) {
	for i := 0; i+q4_1Block <= len(dst); i += q4_1Block {
		b := (*[q4_1Bytes]byte)(src[i/q4_1Block*q4_1Bytes:])
		y := (*[q4_1Block]float32)(dst[i:])
		d, m := f16le(b[0:]), f16le(b[2:])
		qs := (*[16]byte)(b[4:])
		for j, q := range qs {
			y[j] = float32(float32(q&0xf)*d) + m
			y[j+16] = float32(float32(q>>4)*d) + m
		}
	}
}

// quantizeQ4_1 is quantize_row_q4_1_ref: the block's [min, max] is split
// into 15 steps, q = round((x-min)/d) with halves rounded up.
func quantizeQ4_1(dst []byte, src []float32) {
	for i := 0; i+q4_1Block <= len(src); i += q4_1Block {
		x := (*[q4_1Block]float32)(src[i:])
		b := (*[q4_1Bytes]byte)(dst[i/q4_1Block*q4_1Bytes:])
		minv, maxv := float32(math.MaxFloat32), float32(-math.MaxFloat32)
		for _, v := range x {
			if v < minv {
				minv = v
			}
			if v > maxv {
				maxv = v
			}
		}
		d := (maxv - minv) / 15
		var id float32
		if d != 0 {
			id = 1 / d
		}
		binary.LittleEndian.PutUint16(b[0:], F32ToF16(d))
		binary.LittleEndian.PutUint16(b[2:], F32ToF16(minv))
		for j := range 16 {
			q0 := min(15, int32(float32((x[j]-minv)*id)+0.5))
			q1 := min(15, int32(float32((x[j+16]-minv)*id)+0.5))
			b[4+j] = byte(q0) | byte(q1)<<4
		}
	}
}

// vecDotQ4_1Q8_1 uses the activation block's precomputed s = d*Σq, so the
// minimum contributes m*s without a second pass over the quants.
func vecDotQ4_1Q8_1(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/q4_1Block; i++ {
		wb := (*[q4_1Bytes]byte)(w[i*q4_1Bytes:])
		xb := (*[q8_1Bytes]byte)(x[i*q8_1Bytes:])
		wq := (*[16]byte)(wb[4:])
		xq := (*[32]byte)(xb[4:])
		var s int32
		for j, q := range wq {
			s += int32(q&0xf) * int32(int8(xq[j]))
			s += int32(q>>4) * int32(int8(xq[j+16]))
		}
		sum += f16le(wb[0:])*f16le(xb[0:])*float32(s) + f16le(wb[2:])*f16le(xb[2:])
	}
	return sum
}

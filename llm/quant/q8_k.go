package quant

import (
	"encoding/binary"
	"math"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q8_K: 256 elements in 292 bytes, value = d * q. The activation type of
// every k-quant: d is a full float32, and bsums saves the k-quant kernels a
// pass over the activations when they apply the per-group minimums.
//
//	offset size
//	0      4    d      float32 scale
//	4      256  qs     int8 quants, element j is qs[j]
//	260    32   bsums  int16 sums of qs[16g..16g+15], g = 0..15
const q8_KBytes = 292

func init() {
	register(&Format{Type: gguf.Q8_K, BlockSize: qkK, BlockBytes: q8_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ8_K, Quantize: quantizeQ8_K, VecDot: vecDotQ8_KQ8_K, MaxAbs: maxQ8_K})
}

func dequantizeQ8_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q8_KBytes]byte)(src[i/qkK*q8_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d := f32le(b[0:])
		q := (*[qkK]byte)(b[4:])
		for j, v := range q {
			y[j] = d * float32(int8(v))
		}
	}
}

// quantizeQ8_K is quantize_row_q8_K_ref, which is also what ggml's CPU
// backend runs on activations for the k-quants: the element of largest
// magnitude maps to -127 (with its sign flipped), d = 1/iscale.
func quantizeQ8_K(dst []byte, src []float32) {
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q8_KBytes]byte)(dst[i/qkK*q8_KBytes:])
		var maxv, amax float32
		for _, v := range x {
			if ax := abs32(v); ax > amax {
				amax, maxv = ax, v
			}
		}
		q := (*[qkK]byte)(b[4:])
		if amax == 0 {
			// ggml leaves bsums unwritten here; zero is what they sum to.
			clear(b[:])
			continue
		}
		iscale := -127 / maxv
		for j, v := range x {
			q[j] = byte(int8(min(127, nearestInt(iscale*v))))
		}
		for g := range 16 {
			var s int32
			for _, v := range q[16*g : 16*g+16] {
				s += int32(int8(v))
			}
			binary.LittleEndian.PutUint16(b[260+2*g:], uint16(int16(s)))
		}
		binary.LittleEndian.PutUint32(b[0:], math.Float32bits(1/iscale))
	}
}

// vecDotQ8_KQ8_K makes Q8_K usable as a weight type; ggml has no such
// kernel (Q8_K only ever holds activations).
func vecDotQ8_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		wb := (*[q8_KBytes]byte)(w[i*q8_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		wq := (*[qkK]byte)(wb[4:])
		xq := (*[qkK]byte)(xb[4:])
		var s int32
		for j, v := range wq {
			s += int32(int8(v)) * int32(int8(xq[j]))
		}
		sum += f32le(wb[0:]) * f32le(xb[0:]) * float32(s)
	}
	return sum
}

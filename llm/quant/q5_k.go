package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q5_K: 256 elements in 176 bytes (5.5 bits each), in 8 groups of 32, like
// Q4_K with a fifth bit: value = d*sc*q - dmin*m, q in [0, 31].
//
//	offset size
//	0      2    d       float16 super-scale of the scales
//	2      2    dmin    float16 super-scale of the minimums
//	4      12   scales  six-bit scales and minimums, packed as in Q4_K
//	                    (see kScaleMin)
//	16     32   qh      fifth bits: element 64c + l is bit 2c of qh[l],
//	                    element 64c + 32 + l is bit 2c+1 of qh[l]
//	48     128  qs      low 4 bits, laid out as Q4_K's qs
const q5_KBytes = 176

func init() {
	register(&Format{Type: gguf.Q5_K, BlockSize: qkK, BlockBytes: q5_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ5_K, Quantize: quantizeQ5_K, VecDot: vecDotQ5_KQ8_K, MaxAbs: maxF16})
}

func dequantizeQ5_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q5_KBytes]byte)(src[i/qkK*q5_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d, dmin := f16le(b[0:]), f16le(b[2:])
		sc, m := kScaleMin(b[4:16])
		qh := (*[32]byte)(b[16:])
		for c := range 4 {
			// Rounded before they meet in d*q - m (see search.go on FMA).
			d1, m1 := float32(d*float32(sc[2*c])), float32(dmin*float32(m[2*c]))
			d2, m2 := float32(d*float32(sc[2*c+1])), float32(dmin*float32(m[2*c+1]))
			q := (*[32]byte)(b[48+32*c:])
			lo := (*[32]float32)(y[64*c:])
			hi := (*[32]float32)(y[64*c+32:])
			for l, qb := range q {
				h := qh[l] >> (2 * c)
				lo[l] = float32(d1*float32(qb&0xf|h&1<<4)) - m1
				hi[l] = float32(d2*float32(qb>>4|h>>1&1<<4)) - m2
			}
		}
	}
}

// quantizeQ5_K is quantize_row_q5_K_ref: Q4_K's algorithm with 32 levels
// and 16 trial scales.
func quantizeQ5_K(dst []byte, src []float32) {
	var L [qkK]uint8
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q5_KBytes]byte)(dst[i/qkK*q5_KBytes:])
		d, dmin := quantizeKScales(b[4:16], x, &L, 31, -0.5, 0.1, 15)
		binary.LittleEndian.PutUint16(b[0:], d)
		binary.LittleEndian.PutUint16(b[2:], dmin)
		requantizeK(x, &L, b[0:16], 31)
		qh := (*[32]byte)(b[16:])
		clear(qh[:])
		q := (*[128]byte)(b[48:])
		for c := range 4 {
			for l := range 32 {
				l1, l2 := L[64*c+l], L[64*c+32+l]
				qh[l] |= l1>>4<<(2*c) | l2>>4<<(2*c+1)
				q[32*c+l] = l1&0xf | l2<<4
			}
		}
	}
}

func vecDotQ5_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		b := (*[q5_KBytes]byte)(w[i*q5_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		q8 := (*[qkK]byte)(xb[4:])
		sc, m := kScaleMin(b[4:16])
		qh := (*[32]byte)(b[16:])
		var summs int32
		for g := range 8 {
			bs := int32(int16(binary.LittleEndian.Uint16(xb[260+4*g:]))) +
				int32(int16(binary.LittleEndian.Uint16(xb[262+4*g:])))
			summs += bs * int32(m[g])
		}
		var isum int32
		for c := range 4 {
			q := (*[32]byte)(b[48+32*c:])
			a := (*[32]byte)(q8[64*c:])
			a2 := (*[32]byte)(q8[64*c+32:])
			var s1, s2 int32
			for l, qb := range q {
				h := qh[l] >> (2 * c)
				s1 += int32(int8(a[l])) * int32(qb&0xf|h&1<<4)
				s2 += int32(int8(a2[l])) * int32(qb>>4|h>>1&1<<4)
			}
			isum += int32(sc[2*c])*s1 + int32(sc[2*c+1])*s2
		}
		dy := f32le(xb[0:])
		sum += f16le(b[0:])*dy*float32(isum) - f16le(b[2:])*dy*float32(summs)
	}
	return sum
}

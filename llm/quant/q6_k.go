package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q6_K: 256 elements in 210 bytes (6.5625 bits each), in 16 groups of 16.
// Element i belongs to group i/16 with a signed 8-bit scale sc;
// value = d * sc * (q - 32), q in [0, 63].
//
//	offset size
//	0      128  ql      low 4 bits: for half h (elements 128h..128h+127) and
//	                    l in 0..31, with ql' = ql[64h:] and qh' = qh[32h:]:
//	                      element 128h + l      low nibble of ql'[l]
//	                      element 128h + l + 32 low nibble of ql'[l+32]
//	                      element 128h + l + 64 high nibble of ql'[l]
//	                      element 128h + l + 96 high nibble of ql'[l+32]
//	128    64   qh      high 2 bits of those four elements: bits 0-1, 2-3,
//	                    4-5 and 6-7 of qh'[l] respectively
//	192    16   scales  int8 scale of each group
//	208    2    d       float16 super-scale
const q6_KBytes = 210

func init() {
	register(&Format{Type: gguf.Q6_K, BlockSize: qkK, BlockBytes: q6_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ6_K, Quantize: quantizeQ6_K, VecDot: vecDotQ6_KQ8_K, MaxAbs: maxF16})
}

func dequantizeQ6_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q6_KBytes]byte)(src[i/qkK*q6_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d := f16le(b[208:])
		for h := range 2 {
			ql := (*[64]byte)(b[64*h:])
			qh := (*[32]byte)(b[128+32*h:])
			sc := (*[8]byte)(b[192+8*h:])
			yh := (*[128]float32)(y[128*h:])
			for l := range 32 {
				is := l / 16
				q1 := int32(ql[l]&0xf|qh[l]&3<<4) - 32
				q2 := int32(ql[l+32]&0xf|qh[l]>>2&3<<4) - 32
				q3 := int32(ql[l]>>4|qh[l]>>4&3<<4) - 32
				q4 := int32(ql[l+32]>>4|qh[l]>>6<<4) - 32
				// ggml: d * sc * q, left to right.
				yh[l] = d * float32(int8(sc[is])) * float32(q1)
				yh[l+32] = d * float32(int8(sc[is+2])) * float32(q2)
				yh[l+64] = d * float32(int8(sc[is+4])) * float32(q3)
				yh[l+96] = d * float32(int8(sc[is+6])) * float32(q4)
			}
		}
	}
}

// quantizeQ6_K is quantize_row_q6_K_ref: a symmetric x²-weighted fit per
// group (make_qx_quants, 19 trial scales), the scales quantized to int8
// against the one of largest magnitude (which maps to -128), then the
// elements requantized with the stored scales.
func quantizeQ6_K(dst []byte, src []float32) {
	var (
		L      [qkK]int8
		scales [16]float32
	)
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q6_KBytes]byte)(dst[i/qkK*q6_KBytes:])
		var maxScale, maxAbsScale float32
		for g := range 16 {
			scales[g] = makeQXQuants(32, x[16*g:16*g+16], L[16*g:16*g+16])
			if a := abs32(scales[g]); a > maxAbsScale {
				maxAbsScale, maxScale = a, scales[g]
			}
		}
		if maxAbsScale < groupMaxEps {
			clear(b[:])
			continue
		}
		iscale := -128 / maxScale
		binary.LittleEndian.PutUint16(b[208:], F32ToF16(1/iscale))
		sc := (*[16]byte)(b[192:])
		for g := range 16 {
			sc[g] = byte(int8(min(127, nearestInt(iscale*scales[g]))))
		}
		d := f16le(b[208:])
		for g := range 16 {
			dg := d * float32(int8(sc[g]))
			if dg == 0 {
				continue // keep the quants of the group fit
			}
			for l := range 16 {
				L[16*g+l] = int8(clamp(nearestInt(x[16*g+l]/dg), -32, 31) + 32)
			}
		}
		for h := range 2 {
			ql := (*[64]byte)(b[64*h:])
			qh := (*[32]byte)(b[128+32*h:])
			Lh := (*[128]int8)(L[128*h:])
			for l := range 32 {
				q1, q2, q3, q4 := uint8(Lh[l]), uint8(Lh[l+32]), uint8(Lh[l+64]), uint8(Lh[l+96])
				ql[l] = q1&0xf | q3<<4
				ql[l+32] = q2&0xf | q4<<4
				qh[l] = q1>>4 | q2>>4<<2 | q3>>4<<4 | q4>>4<<6
			}
		}
	}
}

func vecDotQ6_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		b := (*[q6_KBytes]byte)(w[i*q6_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		var isum int32
		for h := range 2 {
			ql := (*[64]byte)(b[64*h:])
			qh := (*[32]byte)(b[128+32*h:])
			sc := (*[8]byte)(b[192+8*h:])
			a := (*[128]byte)(xb[4+128*h:])
			for half := range 2 { // l in [0,16) uses scales is, [16,32) is+1
				var s1, s2, s3, s4 int32
				for l := 16 * half; l < 16*half+16; l++ {
					s1 += int32(int8(a[l])) * (int32(ql[l]&0xf|qh[l]&3<<4) - 32)
					s2 += int32(int8(a[l+32])) * (int32(ql[l+32]&0xf|qh[l]>>2&3<<4) - 32)
					s3 += int32(int8(a[l+64])) * (int32(ql[l]>>4|qh[l]>>4&3<<4) - 32)
					s4 += int32(int8(a[l+96])) * (int32(ql[l+32]>>4|qh[l]>>6<<4) - 32)
				}
				isum += int32(int8(sc[half]))*s1 + int32(int8(sc[half+2]))*s2 +
					int32(int8(sc[half+4]))*s3 + int32(int8(sc[half+6]))*s4
			}
		}
		sum += f16le(b[208:]) * f32le(xb[0:]) * float32(isum)
	}
	return sum
}

package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q3_K: 256 elements in 110 bytes (3.4375 bits each), in 16 groups of 16.
// Element i belongs to group i/16 with a signed 6-bit scale sc; its 3-bit
// quant q (2 low bits in qs, the high bit in hmask) gives
// value = d * sc * (q - 4), q in [0, 7].
//
//	offset size
//	0      32   hmask   high bits: element i is bit i/32 of hmask[i%32]
//	32     64   qs      low 2 bits, laid out as Q2_K's qs: element
//	                    128h + 32s + l is bits 2s..2s+1 of qs[32h + l]
//	96     12   scales  sixteen 6-bit scales, stored +32 (so 0..63):
//	                    scale g's low 4 bits are the low nibble of
//	                    scales[g] (g < 8) or the high nibble of scales[g-8]
//	                    (g >= 8); its high 2 bits are bits 2*(g/4)..+1 of
//	                    scales[8 + g%4]
//	108    2    d       float16 super-scale
const q3_KBytes = 110

func init() {
	register(&Format{Type: gguf.Q3_K, BlockSize: qkK, BlockBytes: q3_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ3_K, Quantize: quantizeQ3_K, VecDot: vecDotQ3_KQ8_K, MaxAbs: maxF16})
}

// q3Scales unpacks the sixteen scales of a Q3_K block, minus 32.
func q3Scales(s []byte) (sc [16]int32) {
	s = s[:12]
	for g := range 8 {
		sc[g] = int32(s[g]&0xf | (s[8+g%4]>>(2*(g/4))&3)<<4)
		sc[g+8] = int32(s[g]>>4 | (s[8+g%4]>>(2*(g/4+2))&3)<<4)
	}
	for g := range sc {
		sc[g] -= 32
	}
	return sc
}

func dequantizeQ3_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q3_KBytes]byte)(src[i/qkK*q3_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d := f16le(b[108:])
		sc := q3Scales(b[96:108])
		hm := (*[32]byte)(b[0:])
		for g := range 16 {
			dl := d * float32(sc[g])
			off := 32*(g/8) + 16*(g%2) // byte of qs (and of hmask) for l = 0
			q := (*[16]byte)(b[32+off:])
			h := (*[16]byte)(hm[16*(g%2):])
			shift := 2 * (g % 8 / 2)
			hshift := g / 2 // element i's high bit is bit i/32
			yg := (*[16]float32)(y[16*g:])
			for l := range 16 {
				// q - 4 with q = low | high<<2; no branch on the bit.
				v := int32(q[l]>>shift&3|h[l]>>hshift&1<<2) - 4
				yg[l] = dl * float32(v)
			}
		}
	}
}

// quantizeQ3_K is quantize_row_q3_K_ref: a symmetric x²-weighted fit per
// group (make_q3_quants), the scales quantized to 6 bits against the one of
// largest magnitude (which maps to -32), then the elements requantized with
// the scales as stored.
func quantizeQ3_K(dst []byte, src []float32) {
	var (
		L      [qkK]int8
		scales [16]float32
	)
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q3_KBytes]byte)(dst[i/qkK*q3_KBytes:])
		var maxScale, amax float32
		for g := range 16 {
			scales[g] = makeQ3Quants(4, x[16*g:16*g+16], L[16*g:16*g+16])
			if s := abs32(scales[g]); s > amax {
				amax, maxScale = s, scales[g]
			}
		}
		ps := (*[12]byte)(b[96:])
		clear(ps[:])
		if maxScale != 0 {
			iscale := -32 / maxScale
			for g := range 16 {
				// ggml stores nearest_int's result in an int8 before clamping.
				l := clamp(int32(int8(nearestInt(iscale*scales[g]))), -32, 31) + 32
				if g < 8 {
					ps[g] = byte(l & 0xf)
				} else {
					ps[g-8] |= byte(l&0xf) << 4
				}
				ps[8+g%4] |= byte(l>>4) << (2 * (g / 4))
			}
			binary.LittleEndian.PutUint16(b[108:], F32ToF16(1/iscale))
		} else {
			binary.LittleEndian.PutUint16(b[108:], 0)
		}
		d := f16le(b[108:])
		sc := q3Scales(ps[:])
		for g := range 16 {
			dg := d * float32(sc[g])
			if dg == 0 {
				continue // keep the quants of the group fit
			}
			for l := range 16 {
				L[16*g+l] = int8(clamp(nearestInt(x[16*g+l]/dg), -4, 3) + 4)
			}
		}
		hm := (*[32]byte)(b[0:])
		clear(hm[:])
		var low [qkK]uint8
		for j, l := range L {
			if l > 3 {
				hm[j%32] |= 1 << (j / 32)
				l -= 4
			}
			low[j] = uint8(l)
		}
		packQ2(b[32:96], &low)
	}
}

func vecDotQ3_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		b := (*[q3_KBytes]byte)(w[i*q3_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		q8 := (*[qkK]byte)(xb[4:])
		sc := q3Scales(b[96:108])
		hm := (*[32]byte)(b[0:])
		var isum int32
		for g := range 16 {
			off := 32*(g/8) + 16*(g%2)
			q := (*[16]byte)(b[32+off:])
			h := (*[16]byte)(hm[16*(g%2):])
			a := (*[16]byte)(q8[16*g:])
			shift := 2 * (g % 8 / 2)
			hshift := g / 2
			var s int32
			for l := range 16 {
				v := int32(q[l]>>shift&3|h[l]>>hshift&1<<2) - 4
				s += int32(int8(a[l])) * v
			}
			isum += sc[g] * s
		}
		sum += f16le(b[108:]) * f32le(xb[0:]) * float32(isum)
	}
	return sum
}

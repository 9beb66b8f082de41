package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q2_K: 256 elements in 84 bytes (2.625 bits each), in 16 groups of 16.
// Element i belongs to group i/16, whose 4-bit scale sc and 4-bit minimum
// m give value = d*sc*q - dmin*m, q in [0, 3].
//
//	offset size
//	0      16   scales  group g: sc in the low nibble of scales[g], m in the high
//	16     64   qs      2-bit quants: for half h (elements 128h..128h+127),
//	                    element 128h + 32s + l (s 0..3, l 0..31) is
//	                    bits 2s..2s+1 of qs[32h + l]
//	80     2    d       float16 super-scale of the scales
//	82     2    dmin    float16 super-scale of the minimums
const q2_KBytes = 84

func init() {
	register(&Format{Type: gguf.Q2_K, BlockSize: qkK, BlockBytes: q2_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ2_K, Quantize: quantizeQ2_K, VecDot: vecDotQ2_KQ8_K, MaxAbs: maxF16})
}

func dequantizeQ2_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q2_KBytes]byte)(src[i/qkK*q2_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d, dmin := f16le(b[80:]), f16le(b[82:])
		for g := range 16 {
			sc := b[g]
			// The products are rounded before they meet in dl*q - ml
			// (see search.go on FMA); ggml stores both in floats.
			dl := float32(d * float32(sc&0xf))
			ml := float32(dmin * float32(sc>>4))
			q := (*[16]byte)(b[16+32*(g/8)+16*(g%2):])
			shift := 2 * (g % 8 / 2)
			yg := (*[16]float32)(y[16*g:])
			for l, qb := range q {
				yg[l] = float32(dl*float32(qb>>shift&3)) - ml
			}
		}
	}
}

// quantizeQ2_K is quantize_row_q2_K_ref: each group gets an asymmetric fit
// (make_qkx2_quants, weighted by |x|, absolute error), the 16 scales and 16
// minimums are quantized to 4 bits against their maxima, and the elements
// are requantized with the scales as stored.
func quantizeQ2_K(dst []byte, src []float32) {
	var (
		L       [qkK]uint8
		laux    [16]uint8
		weights [16]float32
		mins    [16]float32
		scales  [16]float32
	)
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q2_KBytes]byte)(dst[i/qkK*q2_KBytes:])
		var maxScale, maxMin float32
		for g := range 16 {
			xg := x[16*g : 16*g+16]
			for l, v := range xg {
				weights[l] = abs32(v)
			}
			scales[g], mins[g] = makeQKX2Quants(3, xg, weights[:], L[16*g:16*g+16], laux[:], -0.5, 0.1, 15, true)
			if scales[g] > maxScale {
				maxScale = scales[g]
			}
			if mins[g] > maxMin {
				maxMin = mins[g]
			}
		}
		sc := (*[16]byte)(b[0:])
		if maxScale > 0 {
			iscale := 15 / maxScale
			for g := range sc {
				sc[g] = uint8(nearestInt(iscale * scales[g]))
			}
			binary.LittleEndian.PutUint16(b[80:], F32ToF16(maxScale/15))
		} else {
			clear(sc[:])
			binary.LittleEndian.PutUint16(b[80:], 0)
		}
		if maxMin > 0 {
			iscale := 15 / maxMin
			for g := range sc {
				sc[g] |= uint8(nearestInt(iscale*mins[g]) << 4)
			}
			binary.LittleEndian.PutUint16(b[82:], F32ToF16(maxMin/15))
		} else {
			binary.LittleEndian.PutUint16(b[82:], 0)
		}
		d, dmin := f16le(b[80:]), f16le(b[82:])
		for g := range 16 {
			dg := d * float32(sc[g]&0xf)
			if dg == 0 {
				continue // keep the quants of the group fit
			}
			mg := float32(dmin * float32(sc[g]>>4))
			for l := range 16 {
				L[16*g+l] = uint8(clamp(nearestInt((x[16*g+l]+mg)/dg), 0, 3))
			}
		}
		packQ2(b[16:80], &L)
	}
}

// packQ2 stores 256 2-bit values the way Q2_K and Q3_K lay out qs.
func packQ2(qs []byte, L *[qkK]uint8) {
	qs = qs[:64]
	for h := range 2 {
		for l := range 32 {
			j := 128*h + l
			qs[32*h+l] = L[j] | L[j+32]<<2 | L[j+64]<<4 | L[j+96]<<6
		}
	}
}

func vecDotQ2_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		b := (*[q2_KBytes]byte)(w[i*q2_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		q8 := (*[qkK]byte)(xb[4:])
		// The minimums need only the activation sums of each group.
		var summs int32
		for g := range 16 {
			summs += int32(int16(binary.LittleEndian.Uint16(xb[260+2*g:]))) * int32(b[g]>>4)
		}
		var isum int32
		for g := range 16 {
			q := (*[16]byte)(b[16+32*(g/8)+16*(g%2):])
			a := (*[16]byte)(q8[16*g:])
			shift := 2 * (g % 8 / 2)
			var s int32
			for l, qb := range q {
				s += int32(int8(a[l])) * int32(qb>>shift&3)
			}
			isum += int32(b[g]&0xf) * s
		}
		dy := f32le(xb[0:])
		dall := dy * f16le(b[80:])
		dmin := dy * f16le(b[82:])
		sum += dall*float32(isum) - dmin*float32(summs)
	}
	return sum
}

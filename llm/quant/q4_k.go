package quant

import (
	"encoding/binary"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q4_K: 256 elements in 144 bytes (4.5 bits each), in 8 groups of 32.
// Element i belongs to group i/32, whose 6-bit scale sc and 6-bit minimum
// m give value = d*sc*q - dmin*m, q in [0, 15].
//
//	offset size
//	0      2    d       float16 super-scale of the scales
//	2      2    dmin    float16 super-scale of the minimums
//	4      12   scales  eight 6-bit scales and eight 6-bit minimums
//	                    (see kScaleMin)
//	16     128  qs      4-bit quants: for chunk c (elements 64c..64c+63),
//	                    element 64c + l is the low nibble of qs[32c + l]
//	                    and element 64c + 32 + l its high nibble
const (
	q4_KBytes = 144
	kScaleLen = 12 // K_SCALE_SIZE
)

func init() {
	register(&Format{Type: gguf.Q4_K, BlockSize: qkK, BlockBytes: q4_KBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ4_K, Quantize: quantizeQ4_K, VecDot: vecDotQ4_KQ8_K, MaxAbs: maxF16})
}

// kScaleMin unpacks the 12-byte scales field of Q4_K and Q5_K:
//
//	group g < 4:  sc = s[g] & 63,               m = s[g+4] & 63
//	group g >= 4: sc = s[g+4]&15 | s[g-4]>>6<<4, m = s[g+4]>>4 | s[g]>>6<<4
//
// so bytes 0-3 hold the scales of groups 0-3 (and in their top bits the high
// bits of scales 4-7), bytes 4-7 the minimums of groups 0-3 (and the high
// bits of minimums 4-7), bytes 8-11 the low nibbles of scale (low) and
// minimum (high) of groups 4-7.
func kScaleMin(s []byte) (sc, m [8]uint8) {
	s = s[:kScaleLen]
	for g := range 4 {
		sc[g] = s[g] & 63
		m[g] = s[g+4] & 63
		sc[g+4] = s[g+8]&0xf | s[g]>>6<<4
		m[g+4] = s[g+8]>>4 | s[g+4]>>6<<4
	}
	return sc, m
}

// putKScaleMin packs eight 6-bit scales and minimums as kScaleMin reads them.
func putKScaleMin(s []byte, sc, m *[8]uint8) {
	s = s[:kScaleLen]
	for g := range 4 {
		s[g] = sc[g] | sc[g+4]>>4<<6
		s[g+4] = m[g] | m[g+4]>>4<<6
		s[g+8] = sc[g+4]&0xf | m[g+4]<<4
	}
}

func dequantizeQ4_K(dst []float32, src []byte) {
	for i := 0; i+qkK <= len(dst); i += qkK {
		b := (*[q4_KBytes]byte)(src[i/qkK*q4_KBytes:])
		y := (*[qkK]float32)(dst[i:])
		d, dmin := f16le(b[0:]), f16le(b[2:])
		sc, m := kScaleMin(b[4:16])
		for c := range 4 {
			// Rounded before they meet in d*q - m (see search.go on FMA).
			d1, m1 := float32(d*float32(sc[2*c])), float32(dmin*float32(m[2*c]))
			d2, m2 := float32(d*float32(sc[2*c+1])), float32(dmin*float32(m[2*c+1]))
			q := (*[32]byte)(b[16+32*c:])
			lo := (*[32]float32)(y[64*c:])
			hi := (*[32]float32)(y[64*c+32:])
			for l, qb := range q {
				lo[l] = float32(d1*float32(qb&0xf)) - m1
				hi[l] = float32(d2*float32(qb>>4)) - m2
			}
		}
	}
}

// quantizeQ4_K is quantize_row_q4_K_ref: each group of 32 gets an
// asymmetric fit (make_qkx2_quants weighted by rms(x)+|x|, 21 trial
// scales), the eight scales and minimums are quantized to 6 bits against
// their maxima, and the elements are requantized with the stored scales.
func quantizeQ4_K(dst []byte, src []float32) {
	var L [qkK]uint8
	for i := 0; i+qkK <= len(src); i += qkK {
		x := (*[qkK]float32)(src[i:])
		b := (*[q4_KBytes]byte)(dst[i/qkK*q4_KBytes:])
		d, dmin := quantizeKScales(b[4:16], x, &L, 15, -1, 0.1, 20)
		binary.LittleEndian.PutUint16(b[0:], d)
		binary.LittleEndian.PutUint16(b[2:], dmin)
		requantizeK(x, &L, b[0:16], 15)
		q := (*[128]byte)(b[16:])
		for c := range 4 {
			for l := range 32 {
				q[32*c+l] = L[64*c+l] | L[64*c+32+l]<<4
			}
		}
	}
}

// quantizeKScales is the part Q4_K and Q5_K share: the per-group fits and
// the 6-bit quantization of their scales and minimums into s. It leaves the
// fitted quants in L and returns the float16 bits of d and dmin.
func quantizeKScales(s []byte, x *[qkK]float32, L *[qkK]uint8, nmax int32, rmin, rdelta float32, nstep int32) (d, dmin uint16) {
	var (
		laux    [32]uint8
		weights [32]float32
		scales  [8]float32
		mins    [8]float32
	)
	var maxScale, maxMin float32
	for g := range 8 {
		xg := x[32*g : 32*g+32]
		var sumX2 float32
		for _, v := range xg {
			sumX2 += float32(v * v)
		}
		avX := sqrt32(sumX2 / 32)
		for l, v := range xg {
			weights[l] = avX + abs32(v)
		}
		scales[g], mins[g] = makeQKX2Quants(nmax, xg, weights[:], L[32*g:32*g+32], laux[:], rmin, rdelta, nstep, false)
		if scales[g] > maxScale {
			maxScale = scales[g]
		}
		if mins[g] > maxMin {
			maxMin = mins[g]
		}
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMin > 0 {
		invMin = 63 / maxMin
	}
	var ls, lm [8]uint8
	for g := range 8 {
		// ggml keeps nearest_int's result in a uint8 before capping at 63.
		ls[g] = min(63, uint8(nearestInt(invScale*scales[g])))
		lm[g] = min(63, uint8(nearestInt(invMin*mins[g])))
	}
	putKScaleMin(s, &ls, &lm)
	return F32ToF16(maxScale / 63), F32ToF16(maxMin / 63)
}

// requantizeK recomputes the quants of x against the scales and minimums as
// stored in hdr (d, dmin, scales: the first 16 bytes of a Q4_K or Q5_K
// block). A group whose scale is stored as zero keeps its fitted quants.
func requantizeK(x *[qkK]float32, L *[qkK]uint8, hdr []byte, nmax int32) {
	d, dmin := f16le(hdr[0:]), f16le(hdr[2:])
	sc, m := kScaleMin(hdr[4:16])
	for g := range 8 {
		dg := d * float32(sc[g])
		if dg == 0 {
			continue
		}
		dm := float32(dmin * float32(m[g]))
		for l := range 32 {
			L[32*g+l] = uint8(clamp(nearestInt((x[32*g+l]+dm)/dg), 0, nmax))
		}
	}
}

func vecDotQ4_KQ8_K(n int, w, x []byte) float32 {
	var sum float32
	for i := 0; i < n/qkK; i++ {
		b := (*[q4_KBytes]byte)(w[i*q4_KBytes:])
		xb := (*[q8_KBytes]byte)(x[i*q8_KBytes:])
		q8 := (*[qkK]byte)(xb[4:])
		sc, m := kScaleMin(b[4:16])
		var summs int32
		for g := range 8 {
			bs := int32(int16(binary.LittleEndian.Uint16(xb[260+4*g:]))) +
				int32(int16(binary.LittleEndian.Uint16(xb[262+4*g:])))
			summs += bs * int32(m[g])
		}
		var isum int32
		for c := range 4 {
			q := (*[32]byte)(b[16+32*c:])
			a := (*[32]byte)(q8[64*c:])
			a2 := (*[32]byte)(q8[64*c+32:])
			var s1, s2 int32
			for l, qb := range q {
				s1 += int32(int8(a[l])) * int32(qb&0xf)
				s2 += int32(int8(a2[l])) * int32(qb>>4)
			}
			isum += int32(sc[2*c])*s1 + int32(sc[2*c+1])*s2
		}
		dy := f32le(xb[0:])
		sum += f16le(b[0:])*dy*float32(isum) - f16le(b[2:])*dy*float32(summs)
	}
	return sum
}

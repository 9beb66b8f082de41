package quant

import "github.com/llamashell/lsh/llm/gguf"

// Q4_KR: Q4_K repacked for the avx512vnni tile kernels, a layout the
// engine may copy Q4_K matrices into (Format.Repacked) but never a GGUF
// type. The same values: d, dmin, and the quants of each block, with the
// 6-bit scales and minimums unpacked to bytes and the quants put in the
// order the kernels' operands take them (see Q8_KX), so a block costs the
// kernels no scale decoding and no permutation. 148 bytes per 256
// elements (Q4_K: 144).
//
//	offset size
//	0      2    d       float16, as in Q4_K
//	2      2    dmin    float16
//	4      8    sc      the eight 6-bit scales, one per byte (kScaleMin)
//	12     8    m       the eight 6-bit minimums
//	20     64   qa      Q4_K qs bytes 0-15, 32-47, 64-79, 96-111: low
//	                    nibbles are operand 0, high nibbles operand 2
//	84     64   qb      qs bytes 16-31, 48-63, 80-95, 112-127: operands 1, 3
//
// MatMul on Q4_KR gives Q4_K's MatMul results bit for bit (the same
// integer sums, the same float operations), so a model switching to a
// repacked copy computes the same logits.
const q4_KRBytes = 148

// q4KR is the Q4_KR format; repackQ4_K makes it from Q4_K.
var q4KR *Format

func init() {
	q4KR = &Format{Type: gguf.Q4_K, Layout: "Q4_KR", BlockSize: qkK, BlockBytes: q4_KRBytes, VecDotType: gguf.Q8_K,
		Dequantize: dequantizeQ4_KR, VecDot: vecDotQ4_KRQ8_K, MaxAbs: maxF16, Repack: repackQ4_K}
	q4KR.FromFloat = func(dst []byte, src []float32) { panic("quant: Q4_KR holds weights only") }
	q4KR.setLevels()
	// Q4_K offers the repacked layout at the levels that compute it with
	// its own kernels.
	q4k := formats[gguf.Q4_K]
	for l := range numLevels {
		if q4KR.impls[l].matMul != nil {
			q4k.impls[l].repacked = q4KR
		}
	}
	q4k.use(activeLevel)
}

// repackQ4_K converts whole Q4_K blocks in src into Q4_KR blocks in dst.
func repackQ4_K(dst, src []byte) {
	for i := 0; i+q4_KBytes <= len(src); i += q4_KBytes {
		b := (*[q4_KBytes]byte)(src[i:])
		r := (*[q4_KRBytes]byte)(dst[i/q4_KBytes*q4_KRBytes:])
		copy(r[0:4], b[0:4])
		sc, m := kScaleMin(b[4:16])
		copy(r[4:12], sc[:])
		copy(r[12:20], m[:])
		for q := range 4 {
			copy(r[20+16*q:36+16*q], b[16+32*q:32+32*q])
			copy(r[84+16*q:100+16*q], b[32+32*q:48+32*q])
		}
	}
}

// unpackQ4_KR turns one Q4_KR block back into Q4_K.
func unpackQ4_KR(b *[q4_KBytes]byte, r *[q4_KRBytes]byte) {
	copy(b[0:4], r[0:4])
	putKScaleMin(b[4:16], (*[8]uint8)(r[4:12]), (*[8]uint8)(r[12:20]))
	for q := range 4 {
		copy(b[16+32*q:32+32*q], r[20+16*q:36+16*q])
		copy(b[32+32*q:48+32*q], r[84+16*q:100+16*q])
	}
}

func dequantizeQ4_KR(dst []float32, src []byte) {
	var b [q4_KBytes]byte
	for i := 0; i+qkK <= len(dst); i += qkK {
		unpackQ4_KR(&b, (*[q4_KRBytes]byte)(src[i/qkK*q4_KRBytes:]))
		dequantizeQ4_K(dst[i:i+qkK], b[:])
	}
}

func vecDotQ4_KRQ8_K(n int, w, x []byte) float32 {
	var b [q4_KBytes]byte
	var sum float32
	for i := 0; i < n/qkK; i++ {
		unpackQ4_KR(&b, (*[q4_KRBytes]byte)(w[i*q4_KRBytes:]))
		sum += vecDotQ4_KQ8_K(qkK, b[:], x[i*q8_KBytes:])
	}
	return sum
}

// Repacked is the layout the active level's kernels compute f's rows
// fastest in, if it has one (with avx512vnni: Q4_KR for Q4_K, Q5_0R for
// Q5_0, Q8_0R for Q8_0), or nil. A caller may convert whole rows with its
// Repack and then use it as f: MatMul, with the same Acts, gives the same
// results. Only rows whose length is a multiple of the repacked format's
// BlockSize have a repacked form (Q5_0R and Q8_0R take blocks in pairs,
// 64 elements: a row of an odd number of Q5_0 blocks stays as it is).
func (f *Format) Repacked() *Format { return f.repacked }

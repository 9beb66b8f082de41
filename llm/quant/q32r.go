package quant

import "github.com/llamashell/lsh/llm/gguf"

// The repacked layouts of Q5_0 and Q8_0 (q5_0r.go, q8_0r.go) share their
// shape: a block is a pair of the GGUF type's 32-element blocks in the
// same bytes, which the portable code unpacks back to the GGUF blocks.

// newPairRepacked makes the repacked format of t (registered already)
// and offers it at the levels whose kernels compute it. unpack turns one
// repacked block back into two of t's.
func newPairRepacked(t gguf.Type, layout string, bytes int, repack func(dst, src []byte), unpack func(dst, r []byte)) *Format {
	g := formats[t]
	half := g.BlockBytes
	r := &Format{Type: t, Layout: layout, BlockSize: 2 * g.BlockSize, BlockBytes: bytes, VecDotType: g.VecDotType,
		MaxAbs: g.MaxAbs, Repack: repack}
	// The portable kernels unpack each pair into two of t's blocks and
	// add the blocks one by one, as t's own do.
	gDequantize, gVecDot := g.Dequantize, g.impls[levelGeneric].vecDot
	r.Dequantize = func(dst []float32, src []byte) {
		var b [2 * q8_0Bytes]byte
		for i := 0; i+r.BlockSize <= len(dst); i += r.BlockSize {
			unpack(b[:], src[i/r.BlockSize*bytes:])
			gDequantize(dst[i:i+r.BlockSize], b[:2*half])
		}
	}
	const xb = q8_0Bytes // both types dot with Q8_0 (not registered yet when Q5_0R is made)
	r.VecDot = func(n int, w, x []byte) float32 {
		var b [2 * q8_0Bytes]byte
		var sum float32
		for i := 0; i < n/r.BlockSize; i++ {
			unpack(b[:], w[i*bytes:])
			for h := range 2 {
				sum += gVecDot(g.BlockSize, b[h*half:(h+1)*half], x[(2*i+h)*xb:])
			}
		}
		return sum
	}
	r.FromFloat = func(dst []byte, src []float32) { panic("quant: " + layout + " holds weights only") }
	r.setLevels()
	for l := range numLevels {
		if r.impls[l].matMul != nil {
			g.impls[l].repacked = r
		}
	}
	g.use(activeLevel)
	return r
}

package quant

import "github.com/llamashell/lsh/llm/gguf"

// An Encoding is the form MatMul wants its activation vectors in. For
// most weight types and CPU levels it is the VecDotType's own (Q8_K bytes
// for the k-quants, as FromFloat makes them); the avx512vnni tile kernels
// of Q4_K and Q6_K read Q8_KX instead (q8_kx.go), the same quants
// rearranged so that VPDPBUSD sums whole groups, the AVX2 ones Q8_KA
// (q8_ka.go), Q8_K's fields moved to keep the quants aligned; those of
// Q5_0 and Q8_0 with VNNI, and Q5_0's with AVX2, read Q8_0X (q8_0x.go),
// Q8_0 with its corrections and scales made once per input rather than
// once per row. A caller encodes a batch
// once per Encoding and shares it among every matrix that asks for the
// same one: Encodings are compared by pointer, one per kind and CPU level.
type Encoding struct {
	Name       string // "Q8_K", "Q8_KX", "F32"...
	BlockSize  int    // elements per block
	BlockBytes int    // bytes per block
	encode     func(dst []byte, src []float32)
}

// RowBytes is the encoded size of n elements (a whole number of blocks).
func (e *Encoding) RowBytes(n int) int { return n / e.BlockSize * e.BlockBytes }

// Encode encodes len(src) activations (a whole number of blocks) into dst,
// which holds at least RowBytes(len(src)) bytes.
func (e *Encoding) Encode(dst []byte, src []float32) { e.encode(dst, src) }

// Acts is the Encoding of MatMul's activations at the level in use.
func (f *Format) Acts() *Encoding { return f.acts }

// The encodings, one per kind and level, in a fixed table so that a
// format can point at its VecDotType's before that type has registered
// (init functions run in file order); register fills in encode. The
// kinds are the VecDotTypes, Q8_KX, Q8_KA and Q8_0X.
const (
	encF32 = iota
	encF16
	encBF16
	encQ8_0
	encQ8_1
	encQ8_K
	encQ8_KX
	encQ8_KA
	encQ8_0X
	numEncodings
)

var encodings = func() (e [numLevels][numEncodings]Encoding) {
	for l := range e {
		for _, t := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q8_1, gguf.Q8_K} {
			e[l][encodingKind(t)] = Encoding{Name: t.String(), BlockSize: t.BlockSize(), BlockBytes: t.TypeSize()}
		}
		e[l][encQ8_KX] = Encoding{Name: "Q8_KX", BlockSize: qkK, BlockBytes: q8_KXBytes}
		e[l][encQ8_KA] = Encoding{Name: "Q8_KA", BlockSize: qkK, BlockBytes: q8_KABytes}
		e[l][encQ8_0X] = Encoding{Name: "Q8_0X", BlockSize: q8_0Block, BlockBytes: q8_0XBytes}
	}
	return e
}()

// encodingKind is the table index of VecDotType t.
func encodingKind(t gguf.Type) int {
	switch t {
	case gguf.F32:
		return encF32
	case gguf.F16:
		return encF16
	case gguf.BF16:
		return encBF16
	case gguf.Q8_0:
		return encQ8_0
	case gguf.Q8_1:
		return encQ8_1
	case gguf.Q8_K:
		return encQ8_K
	}
	panic("quant: no activation encoding for " + t.String())
}

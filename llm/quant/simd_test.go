package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// The SIMD kernels against the portable Go ones, at every CPU level this
// machine runs (levels above LSH_CPU are left out, so LSH_CPU=generic
// runs none of the assembly): VecDot and MatMul of every weight type on
// quantized rows, random bit patterns, all-max and all-zero blocks, zero
// and extreme scales, activations at ±127 and -128, one block and many,
// and MatMul tiles whose rows and columns are not multiples of the kernels'
// widths.
//
// Tolerance: |simd - generic| <= simdTol·|w|·|x| (w and x dequantized):
// the integer sums are the same, only float32 rounding in another order
// differs. With integer weights and activations whose sums stay below
// 2^24 no rounding happens at all, and the results must be identical:
// that checks the integer parts exactly.
const simdTol = 1e-6

// testLevels are the levels the tests exercise: every one up to the active.
func testLevels() []cpuLevel {
	var l []cpuLevel
	for i := levelGeneric; i <= activeLevel; i++ {
		l = append(l, i)
	}
	return l
}

// floatFields are the byte offsets of each block's float16 fields (Q8_K's
// d is a float32 at 0): random bits elsewhere are valid quants, there they
// would be NaN or infinite.
var floatFields = map[gguf.Type][]int{
	gguf.Q4_0: {0}, gguf.Q4_1: {0, 2}, gguf.Q5_0: {0}, gguf.Q5_1: {0, 2}, gguf.Q8_0: {0}, gguf.Q8_1: {0, 2},
	gguf.Q2_K: {80, 82}, gguf.Q3_K: {108}, gguf.Q4_K: {0, 2}, gguf.Q5_K: {0, 2}, gguf.Q6_K: {208},
}

func isFloatType(t gguf.Type) bool { return t == gguf.F32 || t == gguf.F16 || t == gguf.BF16 }

// putFloat stores v in a block's float field at off.
func putFloat(t gguf.Type, b []byte, off int, v float32) {
	if t == gguf.Q8_K {
		binary.LittleEndian.PutUint32(b[off:], math.Float32bits(v))
		return
	}
	binary.LittleEndian.PutUint16(b[off:], F32ToF16(v))
}

// weightCase builds n elements of weights of type f: the mode names what.
func weightCase(rng *rand.Rand, f *Format, n int, mode string) []byte {
	w := make([]byte, f.RowBytes(n))
	if isFloatType(f.Type) {
		x := make([]float32, n)
		for i := range x {
			switch mode {
			case "quantized":
				x[i] = float32(rng.NormFloat64() * 0.05)
			case "random bits":
				x[i] = float32(rng.NormFloat64() * 100)
			case "integer":
				x[i] = float32(rng.IntN(31) - 15)
			case "all max":
				x[i] = 1000
			case "zero scales":
				x[i] = 0
			case "extreme d":
				x[i] = float32(rng.NormFloat64()) * 60000
			case "tiny d":
				x[i] = float32(rng.NormFloat64()) * 1e-7
			}
		}
		f.Quantize(w, x)
		return w
	}
	if mode == "quantized" {
		f.Quantize(w, normalRow(rng, n, 0.05))
		return w
	}
	switch mode {
	case "all max":
		for i := range w {
			w[i] = 0xff
		}
	case "all zero bits":
	default:
		for i := range w {
			w[i] = byte(rng.Uint32())
		}
	}
	for b := 0; b < len(w); b += f.BlockBytes {
		blk := w[b : b+f.BlockBytes]
		if f.Type == gguf.Q8_K {
			putFloat(f.Type, blk, 0, 1)
			continue
		}
		for j, off := range floatFields[f.Type] {
			var v float32
			switch mode {
			case "random bits":
				v = float32(rng.NormFloat64() * 0.01)
			case "integer", "all max", "all zero bits":
				v = 1
			case "zero scales":
				v = 0
			case "extreme d":
				v = 65504
			case "tiny d":
				v = 0x1p-24 * float32(1+j) // float16 subnormals
			}
			putFloat(f.Type, blk, off, v)
		}
	}
	return w
}

// weightRows is rows rows of n weights of type f, each a weightCase of
// mode.
func weightRows(rng *rand.Rand, f *Format, rows, n int, mode string) []byte {
	w := make([]byte, 0, rows*f.RowBytes(n))
	for range rows {
		w = append(w, weightCase(rng, f, n, mode)...)
	}
	return w
}

// actRows is cols rows of n activations of type af, each an actCase of
// mode.
func actRows(rng *rand.Rand, af *Format, cols, n int, mode string) []byte {
	x := make([]byte, 0, cols*af.RowBytes(n))
	for range cols {
		x = append(x, actCase(rng, af, n, mode)...)
	}
	return x
}

var weightModes = []string{"quantized", "random bits", "integer", "all max", "all zero bits", "zero scales", "extreme d", "tiny d"}

// actCase builds n activations of type af (a VecDotType).
func actCase(rng *rand.Rand, af *Format, n int, mode string) []byte {
	x := make([]byte, af.RowBytes(n))
	if isFloatType(af.Type) {
		v := make([]float32, n)
		for i := range v {
			switch mode {
			case "quantized", "random bits":
				v[i] = float32(rng.NormFloat64())
			case "integer":
				v[i] = float32(rng.IntN(15) - 7)
			case "+127":
				v[i] = 127
			case "-127", "-128":
				v[i] = -127
			}
		}
		af.FromFloat(x, v)
		return x
	}
	if mode == "quantized" {
		af.FromFloat(x, normalRow(rng, n, 1))
		return x
	}
	var qs, dOff, sOff int // offset of the quants, of d, of Q8_1's s
	switch af.Type {
	case gguf.Q8_K:
		qs, sOff = 4, -1
	case gguf.Q8_0:
		qs, sOff = 2, -1
	case gguf.Q8_1:
		qs, sOff = 4, 2
	default:
		panic("no activation case for " + af.Type.String())
	}
	for b := 0; b < len(x); b += af.BlockBytes {
		blk := x[b : b+af.BlockBytes]
		q := blk[qs : qs+af.BlockSize]
		for i := range q {
			switch mode {
			case "random bits":
				q[i] = byte(rng.Uint32())
			case "integer":
				q[i] = byte(int8(rng.IntN(15) - 7))
			case "+127":
				q[i] = 127
			case "-127":
				q[i] = byte(0x81)
			case "-128":
				q[i] = 0x80
			}
		}
		d := float32(1)
		if mode != "integer" {
			d = float32(0.5+rng.Float64()) / 128
		}
		putFloat(af.Type, blk, dOff, d)
		var sum int
		for g := 0; g < af.BlockSize; g++ {
			sum += int(int8(q[g]))
		}
		if sOff >= 0 {
			putFloat(af.Type, blk, sOff, f16le(blk[dOff:])*float32(sum))
		}
		if af.Type == gguf.Q8_K {
			for g := range 16 {
				var s int16
				for _, v := range q[16*g : 16*g+16] {
					s += int16(int8(v))
				}
				binary.LittleEndian.PutUint16(blk[260+2*g:], uint16(s))
			}
		}
	}
	return x
}

var actModes = []string{"quantized", "random bits", "integer", "+127", "-127", "-128"}

// dotScale is |w|·|x| of the dequantized rows, the unit of simdTol.
func dotScale(f, af *Format, n int, w, x []byte) float64 {
	wd, xd := make([]float32, n), make([]float32, n)
	f.Dequantize(wd, w)
	af.Dequantize(xd, x)
	return norm(wd) * norm(xd)
}

// sameDot reports whether got matches want: identically when exact, else
// within simdTol·scale; non-finite results must agree in kind.
func sameDot(got, want float32, scale float64, exact bool) bool {
	g, w := float64(got), float64(want)
	switch {
	case math.IsNaN(w) || math.IsInf(w, 0) || math.IsNaN(g) || math.IsInf(g, 0) || exact:
		return math.Float32bits(got) == math.Float32bits(want) || (math.IsNaN(g) && math.IsNaN(w))
	}
	return math.Abs(g-w) <= simdTol*scale
}

// testLengths are the row lengths TestSIMDVecDot tries: 1, 2, 7 and 16
// blocks (at least 32 elements), and for F16/F32 lengths that leave a
// tail for the portable code.
func testLengths(f, af *Format) []int {
	b := max(f.BlockSize, af.BlockSize, 32)
	ns := []int{b, 2 * b, 7 * b, 16 * b}
	if f.BlockSize == 1 {
		ns = append(ns, 1, 7, 45, 172, 1000)
	}
	return ns
}

func TestSIMDVecDot(t *testing.T) {
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		af, _ := Lookup(f.VecDotType)
		gen := f.atLevel(levelGeneric)
		for _, level := range testLevels()[1:] {
			fl := f.atLevel(level)
			t.Run(typ.String()+"/"+level.String(), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(typ), uint64(level)))
				for _, n := range testLengths(f, af) {
					for _, wm := range weightModes {
						for _, xm := range actModes {
							if (wm == "integer") != (xm == "integer") {
								continue
							}
							for seed := range 3 {
								w := weightCase(rng, f, n, wm)
								x := actCase(rng, af, n, xm)
								want, got := gen.VecDot(n, w, x), fl.VecDot(n, w, x)
								scale := dotScale(f, af, n, w, x)
								if !sameDot(got, want, scale, wm == "integer") {
									t.Errorf("n=%d weights %s, activations %s (seed %d): got %.9g, generic %.9g (differ by %.3g of |w||x| = %.3g)",
										n, wm, xm, seed, got, want, math.Abs(float64(got-want))/scale, scale)
								}
							}
						}
					}
				}
			})
		}
	}
}

func TestSIMDMatMul(t *testing.T) {
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		af, _ := Lookup(f.VecDotType)
		gen := f.atLevel(levelGeneric)
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			t.Run(typ.String()+"/"+level.String(), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(typ), 100+uint64(level)))
				// 7 blocks of 256: the kernels that take four blocks at a time
				// do four, then three one by one.
				n := 7 * max(f.BlockSize, af.BlockSize, 256)
				switch f.BlockSize {
				case 1:
					n += 13 // the F16 and F32 kernels do 32 at a time
				case 32:
					n += 32 // the AVX-512 Q8_0 and Q5_0 kernels do pairs of blocks
				}
				for _, shape := range [][2]int{{1, 1}, {3, 1}, {9, 1}, {16, 1}, {1, 2}, {5, 3}, {2, 5}, {4, 8}, {17, 9}, {3, 13}, {9, 16}, {2, 31}} {
					rows, cols := shape[0], shape[1]
					wm, xm := weightModes[rng.IntN(len(weightModes))], actModes[rng.IntN(len(actModes))]
					if wm == "integer" {
						xm = "integer"
					} else if xm == "integer" {
						xm = "quantized"
					}
					w, x := weightRows(rng, f, rows, n, wm), actRows(rng, af, cols, n, xm)
					wb, xb := f.RowBytes(n), af.RowBytes(n)
					dst := make([]float32, rows*cols+1)
					dst[rows*cols] = 42 // must survive
					fl.MatMul(dst, w, rows, reencode(fl.Acts(), af, x, n), cols, n)
					for c := range cols {
						for r := range rows {
							wr, xc := w[r*wb:(r+1)*wb], x[c*xb:(c+1)*xb]
							want, got := gen.VecDot(n, wr, xc), dst[c*rows+r]
							// At the generic level MatMul is VecDot, bit for bit.
							exact := wm == "integer" || level == levelGeneric
							if scale := dotScale(f, af, n, wr, xc); !sameDot(got, want, scale, exact) {
								t.Errorf("%d×%d tile (weights %s, activations %s): [col %d, row %d] = %.9g, generic VecDot %.9g",
									rows, cols, wm, xm, c, r, got, want)
							}
						}
					}
					if dst[rows*cols] != 42 {
						t.Errorf("%d×%d tile: wrote past rows*cols", rows, cols)
					}
				}
			})
		}
	}
}

// reencode turns cols activation vectors of n elements in af's bytes
// into encoding e (the same quants, rearranged).
func reencode(e *Encoding, af *Format, x []byte, n int) []byte {
	if e.Name == af.Type.String() {
		return x
	}
	if e.Name == "Q8_0X" && af.Type == gguf.Q8_0 {
		return reencodeQ8_0X(x, n)
	}
	convert, size := q8kToQ8KX, q8_KXBytes
	if e.Name == "Q8_KA" {
		convert, size = q8kToQ8KA, q8_KABytes
	}
	if (e.Name != "Q8_KX" && e.Name != "Q8_KA") || af.Type != gguf.Q8_K {
		panic("reencode: " + af.Type.String() + " to " + e.Name)
	}
	out := make([]byte, len(x)/q8_KBytes*size)
	for b := 0; b*q8_KBytes < len(x); b++ {
		convert(out[b*size:], x[b*q8_KBytes:])
	}
	return out
}

// TestMatMulChecks: MatMul refuses lengths that would let a kernel read
// past the slices it was given.
func TestMatMulChecks(t *testing.T) {
	f, _ := Lookup(gguf.Q4_K)
	const n = 512
	w, x, dst := make([]byte, 2*f.RowBytes(n)), make([]byte, 2*f.XRowBytes(n)), make([]float32, 4)
	for name, call := range map[string]func(){
		"short weights":     func() { f.MatMul(dst, w[:len(w)-1], 2, x, 2, n) },
		"short activations": func() { f.MatMul(dst, w, 2, x[:len(x)-1], 2, n) },
		"short dst":         func() { f.MatMul(dst[:3], w, 2, x, 2, n) },
		"partial block":     func() { f.MatMul(dst, w, 2, x, 2, n-32) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: MatMul did not panic", name)
				}
			}()
			call()
		}()
	}
}

func TestLevel(t *testing.T) {
	if Level() != activeLevel.String() {
		t.Errorf("Level() = %q, active level is %s", Level(), activeLevel)
	}
	for _, c := range []struct {
		hw       cpuLevel
		env      string
		want     cpuLevel
		warnings bool
	}{
		{levelAVX512VNNI, "", levelAVX512VNNI, false},
		{levelAVX512VNNI, "avx2", levelAVX2, false},
		{levelAVX512VNNI, " AVX512 ", levelAVX512, false},
		{levelAVX512VNNI, "generic", levelGeneric, false},
		{levelAVX2, "avx512", levelAVX2, true},
		{levelGeneric, "avx2", levelGeneric, true},
		{levelAVX2, "sse9", levelAVX2, true},
	} {
		got, warn := chooseLevel(c.hw, c.env)
		if got != c.want || (warn != "") != c.warnings {
			t.Errorf("chooseLevel(%s, %q) = %s, %q; want %s (warning: %v)", c.hw, c.env, got, warn, c.want, c.warnings)
		}
	}
}

// TestSIMDFromFloat: the activation quantizers give the portable code's
// bytes exactly, at every level, on normal rows, the edge rows of
// edge_test.go, ties between +m and -m for the largest magnitude, and rows
// with Inf and NaN (which the kernels leave to the portable code).
func TestSIMDFromFloat(t *testing.T) {
	const n = 1024 + 32 + 7 // blocks of 256 and of 32, and a tail for F16
	for _, typ := range []gguf.Type{gguf.F32, gguf.F16, gguf.BF16, gguf.Q8_0, gguf.Q8_1, gguf.Q8_K} {
		f, _ := Lookup(typ)
		gen := f.atLevel(levelGeneric)
		for _, level := range testLevels()[1:] {
			fl := f.atLevel(level)
			t.Run(typ.String()+"/"+level.String(), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(typ), 7+uint64(level)))
				m := n - n%f.BlockSize
				rows := edgeRows(rng, m, 1e30)
				for seed := range 5 {
					rows[fmt.Sprintf("normal %d", seed)] = normalRow(rng, m, math.Pow(10, float64(seed-2)))
				}
				tie := normalRow(rng, m, 1)
				for i := range tie {
					switch i % 97 {
					case 5:
						tie[i] = 8
					case 9:
						tie[i] = -8
					}
				}
				rows["tie, +m first"] = tie
				tie2 := append([]float32(nil), tie...)
				for i := range tie2 {
					tie2[i] = -tie2[i]
				}
				rows["tie, -m first"] = tie2
				special := normalRow(rng, m, 1)
				special[3], special[300], special[600], special[m-1] = float32(math.Inf(1)), float32(math.NaN()), float32(math.Inf(-1)), 1e-40
				rows["Inf and NaN"] = special
				for name, x := range rows {
					want, got := make([]byte, f.RowBytes(m)), make([]byte, f.RowBytes(m))
					gen.FromFloat(want, x)
					fl.FromFloat(got, x)
					for b := 0; b < len(want); b += f.BlockBytes {
						if g, w := got[b:b+f.BlockBytes], want[b:b+f.BlockBytes]; string(g) != string(w) {
							t.Errorf("%s: block %d differs from the portable code's:\n got  %x\n want %x", name, b/f.BlockBytes, g, w)
							break
						}
					}
				}
			})
		}
	}
}

// TestSIMDNoAllocations: the kernels of every level run per token and
// must not allocate.
func TestSIMDNoAllocations(t *testing.T) {
	const n, rows, cols = 512, 4, 3
	rng := rand.New(rand.NewPCG(19, 20))
	for _, typ := range allTypes {
		f, _ := Lookup(typ)
		af, _ := Lookup(f.VecDotType)
		for _, level := range testLevels() {
			fl, afl := f.atLevel(level), af.atLevel(level)
			w := weightCase(rng, f, rows*n, "quantized")
			x := normalRow(rng, cols*n, 1)
			xq := make([]byte, cols*af.RowBytes(n))
			xm := make([]byte, cols*fl.XRowBytes(n))
			dst := make([]float32, rows*cols)
			for name, fn := range map[string]func(){
				"FromFloat": func() { afl.FromFloat(xq, x) },
				"Encode":    func() { fl.Acts().Encode(xm, x) },
				"VecDot":    func() { fl.VecDot(n, w, xq) },
				"MatMul":    func() { fl.MatMul(dst, w, rows, xm, cols, n) },
			} {
				if a := testing.AllocsPerRun(10, fn); a != 0 {
					t.Errorf("%s %s %s: %v allocations per call", typ, level, name, a)
				}
			}
		}
	}
}

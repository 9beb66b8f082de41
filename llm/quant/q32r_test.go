package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// pairRepacked are the repacked layouts of the 32-element types, with
// the function that turns one of their blocks back into two GGUF blocks.
var pairRepacked = []struct {
	typ    gguf.Type
	f      func() *Format
	unpack func(dst, r []byte)
}{
	{gguf.Q5_0, func() *Format { return q5_0R }, unpackQ5_0R},
	{gguf.Q8_0, func() *Format { return q8_0R }, unpackQ8_0R},
}

// Q5_0R and Q8_0R hold their GGUF type's values: repacking then
// unpacking gives the bytes back, and they dequantize and dot (portable
// code) to the same floats, bit for bit.
func TestPairRepackedSameValues(t *testing.T) {
	af, _ := Lookup(gguf.Q8_0)
	rng := rand.New(rand.NewPCG(31, 32))
	for _, p := range pairRepacked {
		f, _ := Lookup(p.typ)
		rf := p.f()
		if rf.BlockSize != 64 || rf.BlockBytes != 2*f.BlockBytes || rf.Type != p.typ {
			t.Fatalf("%s: %d elements in %d bytes of type %s, want a pair of %s blocks", rf.Layout, rf.BlockSize, rf.BlockBytes, rf.Type, p.typ)
		}
		const n = 9 * 64
		for _, wm := range weightModes {
			w := weightCase(rng, f, n, wm)
			r := make([]byte, rf.RowBytes(n))
			rf.Repack(r, w)
			back := make([]byte, len(w))
			for b := 0; b < n/64; b++ {
				p.unpack(back[b*rf.BlockBytes:], r[b*rf.BlockBytes:])
			}
			if string(back) != string(w) {
				t.Errorf("%s %s: unpack(repack(w)) differs from w", rf.Layout, wm)
			}
			want, got := make([]float32, n), make([]float32, n)
			f.Dequantize(want, w)
			rf.Dequantize(got, r)
			for i := range want {
				if !sameBits(got[i], want[i]) {
					t.Errorf("%s %s: element %d dequantizes to %g, %s %g", rf.Layout, wm, i, got[i], p.typ, want[i])
					break
				}
			}
			for _, xm := range actModes {
				x := actCase(rng, af, n, xm)
				g, w := rf.impls[levelGeneric].vecDot(n, r, x), f.impls[levelGeneric].vecDot(n, w, x)
				if !sameBits(g, w) && !(math.IsNaN(float64(g)) && math.IsNaN(float64(w))) {
					t.Errorf("%s %s·%s: VecDot %g, %s %g", rf.Layout, wm, xm, g, p.typ, w)
				}
			}
		}
	}
}

// Q5_0R's nibbles and high bits are where its layout comment says: one
// element at a time, set in the GGUF block and found in the repacked one.
func TestQ5_0RLayout(t *testing.T) {
	for e := range 64 {
		w := make([]byte, 2*q5_0Bytes)
		blk, j := w[e/32*q5_0Bytes:], e%32
		c := layoutCases[2] // Q5_0
		c.set(blk, j, 0x1f) // q = 31: all five bits set
		r := make([]byte, q5_0RBytes)
		q5_0R.Repack(r, w)
		want := make([]byte, q5_0RBytes)
		want[4+e/8] = 1 << (e % 8)                 // qh: bit e of a uint64
		want[12+j] = 0x0f << (4 * (e / 32)) & 0xff // A low nibble, B high
		if string(r) != string(want) {
			t.Errorf("element %d: repacked % x, want % x", e, r, want)
		}
	}
}

// MatMul on repacked rows gives the same floats as on the GGUF rows, bit
// for bit, at every level that offers the layout (avx512vnni), on every
// weight and activation case, tile widths around the kernels' 1, 2, 4, 8
// and row counts odd and even; below avx512vnni no layout is offered.
func TestPairRepackedMatMul(t *testing.T) {
	af, _ := Lookup(gguf.Q8_0)
	rng := rand.New(rand.NewPCG(33, 34))
	for _, p := range pairRepacked {
		f, _ := Lookup(p.typ)
		for _, level := range testLevels() {
			fl := f.atLevel(level)
			rf := fl.Repacked()
			if level < levelAVX512VNNI {
				if rf != nil {
					t.Errorf("%s offers %s at %s", p.typ, rf.Layout, level)
				}
				continue
			}
			if rf != p.f() {
				t.Fatalf("%s at %s: repacked layout %v, want %s", p.typ, level, rf, p.f().Layout)
			}
			rf = rf.atLevel(level) // the layout's Format is at the active level
			if rf.Acts() != fl.Acts() {
				t.Errorf("%s: %s reads %s activations, %s %s", level, rf.Layout, rf.Acts().Name, p.typ, fl.Acts().Name)
			}
			for _, n := range []int{64, 5 * 64, 14 * 64} {
				for _, shape := range [][2]int{{1, 1}, {3, 2}, {2, 3}, {5, 4}, {1, 5}, {4, 8}, {17, 9}, {3, 16}} {
					rows, cols := shape[0], shape[1]
					for _, wm := range weightModes {
						xm := actModes[rng.IntN(len(actModes))]
						if wm == "integer" {
							xm = "integer"
						} else if xm == "integer" {
							xm = "-128"
						}
						w := weightRows(rng, f, rows, n, wm)
						x := actRows(rng, af, cols, n, xm)
						want, got, past := matMulRepacked(fl, rf, w, rows, reencode(fl.Acts(), af, x, n), cols, n)
						if i := firstDiff(got, want); i >= 0 {
							t.Errorf("%s n=%d %d×%d %s·%s: [%d] = %g, %s %g", rf.Layout, n, rows, cols, wm, xm, i, got[i], p.typ, want[i])
						}
						if past {
							t.Errorf("%s n=%d %d×%d: wrote past rows*cols", rf.Layout, n, rows, cols)
						}
					}
				}
			}
		}
	}
}

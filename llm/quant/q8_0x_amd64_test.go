//go:build amd64 && !purego

package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// The avx512vnni Q5_0 and Q8_0 tile kernels that read Q8_0X give the
// results of those that read Q8_0 (q50p/q80p, the kernels before Q8_0X,
// still generated), bit for bit: the same integer lanes and the same float
// operations. Every weight and activation case, even and odd block counts
// (the odd last block goes to the portable tail), tiles of 1-16 columns
// and odd row counts.
func TestQ8_0XKernelsMatchQ8_0(t *testing.T) {
	if activeLevel < levelAVX512VNNI {
		t.Skip("needs avx512vnni")
	}
	af, _ := Lookup(gguf.Q8_0)
	rng := rand.New(rand.NewPCG(41, 42))
	for _, c := range []struct {
		typ gguf.Type
		old *tiles
	}{
		{gguf.Q5_0, &tiles{k: [4]tileKernel{q50pTile1V, q50pTile2V, q50pTile4V, q50pTile8V}, wBytes: 2 * q5_0Bytes, tail: vecDotQ5_0Q8_0}},
		{gguf.Q8_0, &tiles{k: [4]tileKernel{q80pTile1V, q80pTile2V, q80pTile4V, q80pTile8V}, wBytes: 2 * q8_0Bytes, tail: vecDotQ8_0Q8_0}},
	} {
		c.old.block, c.old.xBytes = 64, 2*q8_0Bytes
		f, _ := Lookup(c.typ)
		fl := f.atLevel(levelAVX512VNNI)
		if fl.Acts().Name != "Q8_0X" {
			t.Fatalf("%s at avx512vnni reads %s activations, want Q8_0X", c.typ, fl.Acts().Name)
		}
		for _, n := range []int{32, 64, 7 * 32, 28 * 32} {
			for _, shape := range [][2]int{{1, 1}, {3, 1}, {2, 2}, {5, 3}, {1, 4}, {3, 5}, {4, 8}, {17, 9}, {2, 16}} {
				rows, cols := shape[0], shape[1]
				for _, wm := range weightModes {
					for _, xm := range actModes {
						if (wm == "integer") != (xm == "integer") {
							continue
						}
						w := weightRows(rng, f, rows, n, wm)
						x := actRows(rng, af, cols, n, xm)
						want, got := make([]float32, rows*cols), make([]float32, rows*cols)
						c.old.matMul(want, w, rows, x, cols, n)
						fl.MatMul(got, w, rows, reencode(fl.Acts(), af, x, n), cols, n)
						if i := firstDiff(got, want); i >= 0 {
							t.Errorf("%s n=%d %d×%d %s·%s: [%d] = %g, Q8_0 kernels %g", c.typ, n, rows, cols, wm, xm, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// The GGUF Q5_0 and Q8_0 pair kernels, which MatMul calls, and the
// one-row kernels it keeps for calls of one row give the same results bit
// for bit: every row computed alone equals the row computed in one call
// of 1-6 rows, paired with any other (odd counts pair the middle row with
// itself), for each kernel width.
func TestQ8_0XPairKernelsMatchOneRow(t *testing.T) {
	if activeLevel < levelAVX512VNNI {
		t.Skip("needs avx512vnni")
	}
	af, _ := Lookup(gguf.Q8_0)
	rng := rand.New(rand.NewPCG(43, 44))
	for _, c := range []struct {
		typ       gguf.Type
		pair, one [4]tileKernel
	}{
		{gguf.Q5_0, [4]tileKernel{q50xPairTile1V, q50xPairTile2V, q50xPairTile4V, q50xPairTile8V}, [4]tileKernel{q50xTile1V, q50xTile2V, q50xTile4V, q50xTile8V}},
		{gguf.Q8_0, [4]tileKernel{q80xPairTile1V, q80xPairTile2V, q80xPairTile4V, q80xPairTile8V}, [4]tileKernel{q80xTile1V, q80xTile2V, q80xTile4V, q80xTile8V}},
	} {
		f, _ := Lookup(c.typ)
		fl := f.atLevel(levelAVX512VNNI)
		for _, n := range []int{64, 3 * 64, 14 * 64} {
			nb, wb, xb := n/64, f.RowBytes(n), fl.XRowBytes(n)
			for i := range c.pair {
				cols := 1 << i
				for rows := 1; rows <= 6; rows++ {
					wm := weightModes[rng.IntN(len(weightModes))]
					xm := actModes[rng.IntN(len(actModes))]
					if wm == "integer" {
						xm = "integer"
					} else if xm == "integer" {
						xm = "-128"
					}
					w, x := weightRows(rng, f, rows, n, wm), actRows(rng, af, cols, n, xm)
					x = reencode(fl.Acts(), af, x, n)
					got := make([]float32, rows*cols+1)
					got[rows*cols] = 42 // must survive
					c.pair[i](&got[0], rows, &w[0], rows, &x[0], xb, nb)
					want := make([]float32, rows*cols)
					for r := range rows {
						c.one[i](&want[r], rows, &w[r*wb], 1, &x[0], xb, nb)
					}
					for j := range want {
						if !sameBits(got[j], want[j]) && !(math.IsNaN(float64(got[j])) && math.IsNaN(float64(want[j]))) {
							t.Errorf("%s n=%d %d×%d %s·%s: pair kernel [row %d, column %d] = %g, one-row kernel %g",
								c.typ, n, rows, cols, wm, xm, j%rows, j/rows, got[j], want[j])
							break
						}
					}
					if got[rows*cols] != 42 {
						t.Errorf("%s n=%d %d×%d: pair kernel wrote past rows*cols", c.typ, n, rows, cols)
					}
				}
			}
		}
	}
}

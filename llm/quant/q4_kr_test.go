package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// Q4_KR holds Q4_K's values: repacking then unpacking gives the bytes
// back, and it dequantizes and dots (portable code) to the same floats.
func TestQ4_KRSameValues(t *testing.T) {
	f, _ := Lookup(gguf.Q4_K)
	const n = 7 * 256
	rng := rand.New(rand.NewPCG(11, 12))
	af, _ := Lookup(gguf.Q8_K)
	for _, wm := range weightModes {
		w := weightCase(rng, f, n, wm)
		r := make([]byte, q4KR.RowBytes(n))
		q4KR.Repack(r, w)
		back := make([]byte, len(w))
		for b := 0; b < n/qkK; b++ {
			unpackQ4_KR((*[q4_KBytes]byte)(back[b*q4_KBytes:]), (*[q4_KRBytes]byte)(r[b*q4_KRBytes:]))
		}
		// The top bits of the 12 scale bytes are all used, so random
		// bits survive the trip.
		if string(back) != string(w) {
			t.Errorf("%s: unpack(repack(w)) differs from w", wm)
		}
		want, got := make([]float32, n), make([]float32, n)
		f.atLevel(levelGeneric).Dequantize(want, w)
		q4KR.Dequantize(got, r)
		for i := range want {
			if !sameBits(got[i], want[i]) {
				t.Errorf("%s: element %d dequantizes to %g, Q4_K %g", wm, i, got[i], want[i])
				break
			}
		}
		x := actCase(rng, af, n, "quantized")
		if g, w := q4KR.impls[levelGeneric].vecDot(n, r, x), f.impls[levelGeneric].vecDot(n, w, x); !sameBits(g, w) {
			t.Errorf("%s: VecDot %g, Q4_K %g", wm, g, w)
		}
	}
}

// MatMul on repacked rows gives the same floats as on the Q4_K rows, bit
// for bit, at every level that offers the layout; the others offer none.
func TestQ4_KRMatMul(t *testing.T) {
	f, _ := Lookup(gguf.Q4_K)
	af, _ := Lookup(gguf.Q8_K)
	rng := rand.New(rand.NewPCG(13, 14))
	for _, level := range testLevels() {
		fl := f.atLevel(level)
		rf := fl.Repacked()
		if rf == nil {
			continue
		}
		rf = rf.atLevel(level) // fl.Repacked is the layout's Format, at the active level
		if rf.Acts() != fl.Acts() {
			t.Errorf("%s: Q4_KR reads %s activations, Q4_K %s", level, rf.Acts().Name, fl.Acts().Name)
		}
		for _, n := range []int{256, 7 * 256} {
			for _, shape := range [][2]int{{1, 1}, {5, 1}, {3, 2}, {4, 8}, {17, 9}, {2, 31}} {
				rows, cols := shape[0], shape[1]
				for _, wm := range weightModes {
					xm := "quantized"
					if wm == "integer" {
						xm = "integer"
					}
					w := weightRows(rng, f, rows, n, wm)
					x := actRows(rng, af, cols, n, xm)
					want, got, past := matMulRepacked(fl, rf, w, rows, reencode(fl.Acts(), af, x, n), cols, n)
					if i := firstDiff(got, want); i >= 0 {
						t.Errorf("%s n=%d %d×%d %s: [%d] = %g, Q4_K %g", level, n, rows, cols, wm, i, got[i], want[i])
					}
					if past {
						t.Errorf("%s n=%d %d×%d: wrote past rows*cols", level, n, rows, cols)
					}
				}
			}
		}
	}
	if f.atLevel(levelAVX512).Repacked() != nil || f.atLevel(levelGeneric).Repacked() != nil {
		t.Error("Q4_K offers a repacked layout below avx512vnni")
	}
	if q, _ := Lookup(gguf.Q6_K); q.Repacked() != nil {
		t.Error("Q6_K offers a repacked layout")
	}
}

// matMulRepacked runs MatMul over rows w (fl's layout, rows × n) and over
// their repacking into rf, on the encoded activations xe (cols vectors),
// and returns both results and whether the repacked MatMul wrote past
// its rows·cols results.
func matMulRepacked(fl, rf *Format, w []byte, rows int, xe []byte, cols, n int) (want, got []float32, past bool) {
	r := make([]byte, rows*rf.RowBytes(n))
	rf.Repack(r, w)
	want, got = make([]float32, rows*cols), make([]float32, rows*cols+1)
	got[rows*cols] = 42 // must survive
	fl.MatMul(want, w, rows, xe, cols, n)
	rf.MatMul(got, r, rows, xe, cols, n)
	return want, got[:rows*cols], got[rows*cols] != 42
}

// firstDiff returns the first index at which got and want differ in their
// bits (any NaN equals any other, as in sameBits), or -1.
func firstDiff(got, want []float32) int {
	for i := range want {
		if !sameBits(got[i], want[i]) {
			return i
		}
	}
	return -1
}

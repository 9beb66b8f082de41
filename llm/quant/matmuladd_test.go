package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

// MatMulAdd at every level gives the portable loop's results bit for bit
// (the same rounded products added in the same order), for every tile
// shape the kernels have (rows in fours and ones, column blocks of four
// vectors and of one), whatever the number of rows, as a query's
// attention output must be the same alone or in a batch; it adds to what
// dst held, and agrees with a float64 product to float32 accuracy.
func TestMatMulAdd(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for _, level := range testLevels() {
		for _, sh := range []struct{ m, k, w, lda int }{
			{1, 1, 16, 1}, {1, 7, 64, 9}, {3, 33, 64, 40}, {4, 5, 16, 5}, {5, 130, 64, 130},
			{8, 17, 128, 20}, {9, 3, 80, 3}, {13, 64, 48, 70}, {2, 1, 13, 1}, {6, 11, 7, 11},
		} {
			a := make([]float32, (sh.m-1)*sh.lda+sh.k)
			b := make([]float32, sh.k*sh.w)
			dst := make([]float32, sh.m*sh.w)
			for _, x := range [][]float32{a, b, dst} {
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
			}
			for i := 0; i < len(a); i += 7 { // causal masks leave exact zeros
				a[i] = 0
			}
			// same fails unless got, computed from dst, is want's bit for bit.
			same := func(what string, got func([]float32), want func([]float32)) {
				t.Helper()
				g, w := append([]float32(nil), dst...), append([]float32(nil), dst...)
				got(g)
				want(w)
				for i := range w {
					if !sameBits(g[i], w[i]) {
						t.Fatalf("%s %+v: %s element %d = %g, want %g", level, sh, what, i, g[i], w[i])
					}
				}
			}
			got := append([]float32(nil), dst...)
			matMulAdd(level, got, a, sh.lda, b, sh.m, sh.k, sh.w)
			same("float32", func(d []float32) { matMulAdd(level, d, a, sh.lda, b, sh.m, sh.k, sh.w) },
				func(d []float32) { matMulAdd(levelGeneric, d, a, sh.lda, b, sh.m, sh.k, sh.w) })
			// b in float16: the same as b widened first.
			b16, wide := make([]uint16, len(b)), make([]float32, len(b))
			for i, v := range b {
				b16[i] = F32ToF16(v)
				wide[i] = F16ToF32(b16[i])
			}
			same("float16", func(d []float32) { matMulAddF16(level, d, a, sh.lda, b16, sh.m, sh.k, sh.w) },
				func(d []float32) { matMulAdd(levelGeneric, d, a, sh.lda, wide, sh.m, sh.k, sh.w) })
			for r := range sh.m { // one row at a time, as a lone query
				one := append([]float32(nil), dst[r*sh.w:(r+1)*sh.w]...)
				matMulAdd(level, one, a[r*sh.lda:], sh.lda, b, 1, sh.k, sh.w)
				for j := range one {
					if !sameBits(one[j], got[r*sh.w+j]) {
						t.Fatalf("%s %+v: row %d alone gives %g at %d, in the batch %g", level, sh, r, one[j], j, got[r*sh.w+j])
					}
				}
			}
			for i := range sh.m {
				for j := range sh.w {
					exact := float64(dst[i*sh.w+j])
					scale := math.Abs(exact)
					for k := range sh.k {
						p := float64(a[i*sh.lda+k]) * float64(b[k*sh.w+j])
						exact += p
						scale += math.Abs(p)
					}
					if d := math.Abs(float64(got[i*sh.w+j]) - exact); d > 1e-6*float64(sh.k+1)*scale {
						t.Fatalf("%s %+v: [%d][%d] = %g, exact %g", level, sh, i, j, got[i*sh.w+j], exact)
					}
				}
			}
		}
	}
}

// A matrix too short for its shape is refused, naming the shape, rather
// than read out of bounds.
func TestMatMulAddShortInput(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("MatMulAdd read past the end of b")
		}
	}()
	MatMulAdd(make([]float32, 64), make([]float32, 4), 4, make([]float32, 3*16), 1, 4, 16)
}

// MatMulAdd in attention's shape: the eight query heads of TinyLlama's KV
// head over 1152 positions of 64 values (in L2), the values in float32
// and in float16.
func BenchmarkMatMulAdd(b *testing.B) {
	const m, k, w = 8, 1152, 64
	rng := rand.New(rand.NewPCG(1, 2))
	a, v, dst := make([]float32, m*k), make([]float32, k*w), make([]float32, m*w)
	for _, x := range [][]float32{a, v} {
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
	}
	v16 := make([]uint16, len(v))
	for i, x := range v {
		v16[i] = F32ToF16(x)
	}
	b.Run("f32", func(b *testing.B) {
		b.SetBytes(int64(4 * len(v)))
		for b.Loop() {
			MatMulAdd(dst, a, k, v, m, k, w)
		}
	})
	b.Run("f16", func(b *testing.B) {
		b.SetBytes(int64(2 * len(v)))
		for b.Loop() {
			MatMulAddF16(dst, a, k, v16, m, k, w)
		}
	})
}

package quant

import "fmt"

// MatMulAdd sets dst += a·b for row-major float32 matrices: dst is [m][w],
// a [m][k] with rows lda floats apart, b [k][w]. It is attention's
// weighted sum of value rows (a: each query's weights over k positions,
// b: the positions' values, w the head size), computed as a sum of
// scaled rows of b rather than as dot products, so no horizontal sums are
// needed and a row of b is read once for several rows of a.
//
// Every element of dst adds its k products in order, each rounded
// (float32(a·b), a multiply and an add, never fused) the same way at every
// level: the results do not depend on m, on the level or on how the rows
// are tiled, so a query's output is the same whether it comes alone
// (token generation) or with others (a prompt's batch). (Fused, they
// moved the tiny-random-q4km oracle's median row from 4.8e-6 to 0.09 at
// the avx512 level: that chaotic network turns one activation rounded
// across an int8 step into a lasting ~0.1, and more of its rows crossed.)
func MatMulAdd(dst, a []float32, lda int, b []float32, m, k, w int) {
	matMulAdd(activeLevel, dst, a, lda, b, m, k, w)
}

// MatMulAddF16 is MatMulAdd with b in float16 (a cache of values kept in
// half the memory): each element of b widened to float32 exactly, then
// as MatMulAdd.
func MatMulAddF16(dst, a []float32, lda int, b []uint16, m, k, w int) {
	matMulAddF16(activeLevel, dst, a, lda, b, m, k, w)
}

func matMulAddF16(l cpuLevel, dst, a []float32, lda int, b []uint16, m, k, w int) {
	mulAdd(vecKernels[l].matMulAddH, dst, a, lda, b, m, k, w, F16ToF32)
}

func matMulAdd(l cpuLevel, dst, a []float32, lda int, b []float32, m, k, w int) {
	mulAdd(vecKernels[l].matMulAdd, dst, a, lda, b, m, k, w, func(v float32) float32 { return v })
}

// mulAdd is MatMulAdd over elements of b that widen exactly to float32:
// kern when the level has one and w fits it, else the portable loop.
func mulAdd[E float32 | uint16](kern func(dst, a *float32, lda int, b *E, m, k, w int), dst, a []float32, lda int, b []E, m, k, w int, widen func(E) float32) {
	if m <= 0 || k <= 0 || w <= 0 {
		return
	}
	if len(dst) < m*w || lda < k || len(a) < (m-1)*lda+k || len(b) < k*w {
		panic(fmt.Sprintf("quant: MatMulAdd of [%d][%d] += [%d][%d] (stride %d) · [%d][%d] over %d, %d and %d elements",
			m, w, m, k, lda, k, w, len(dst), len(a), len(b)))
	}
	if kern != nil && w%16 == 0 {
		kern(&dst[0], &a[0], lda, &b[0], m, k, w)
		return
	}
	for i := range m {
		d, ai := dst[i*w:(i+1)*w], a[i*lda:i*lda+k]
		for t, s := range ai {
			for j, v := range b[t*w : (t+1)*w] {
				d[j] += float32(s * widen(v))
			}
		}
	}
}

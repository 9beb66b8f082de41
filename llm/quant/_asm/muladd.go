package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// matMulAdd (quant.MatMulAdd): dst += a·b for row-major float32 matrices,
// dst [m][w], a [m][k] with row stride lda, b [k][w], w a multiple of a
// vector's floats. Attention's weighted sum of value rows has this shape
// (a: a head's attention weights over positions, b: its value rows):
// each element of dst takes its k products in order, one multiply and
// one add each (never fused), as the portable loop does, so the results
// are its bit for bit and do not depend on m, on how rows are tiled or on
// the level. The tile is rows×vecs vectors of accumulators, which stay in
// registers over all k: a vector of b is loaded once for the tile's rows,
// and no horizontal sum is needed, unlike a dot product's.

// mulAddTile emits the loop over the column blocks of rows rows of dst
// starting at the row pointers d (dst) and pa (a): blocks of vecs
// vectors while w (bytes) has them, then of one.
func mulAddTile(a isa, name string, rows int, d, pa, b, w Register, half bool) {
	c := GP64() // byte offset of the column block
	XORQ(c, c)
	for _, vecs := range []int{maxVecs(a, rows), 1} {
		label := name + "_" + string(rune('0'+rows)) + string(rune('0'+vecs))
		Label(label + "_cols")
		left := GP64()
		MOVQ(w, left)
		SUBQ(c, left)
		CMPQ(left, U32(vecs*a.bytes()))
		JB(LabelRef(label + "_done"))
		acc := make([][]VecVirtual, rows)
		dr := GP64() // row r of the block in dst
		LEAQ(Mem{Base: d, Index: c, Scale: 1}, dr)
		for r := range acc {
			acc[r] = make([]VecVirtual, vecs)
			for v := range acc[r] {
				acc[r][v] = a.vec()
				VMOVUPS(Mem{Base: dr, Disp: v * a.bytes()}, acc[r][v])
			}
			if r < rows-1 {
				ADDQ(w, dr)
			}
		}
		// ar[r]: row r of a, column t.
		ar := []GPVirtual{GP64()}
		MOVQ(pa, ar[0])
		if rows > 1 {
			lda := Load(Param("lda"), GP64())
			SHLQ(U8(2), lda)
			for r := 1; r < rows; r++ {
				ar = append(ar, GP64())
				LEAQ(Mem{Base: ar[r-1], Index: lda, Scale: 1}, ar[r])
			}
		}
		pb := GP64()
		if half { // b's columns are 2 bytes, dst's 4
			MOVQ(c, pb)
			SHRQ(U8(1), pb)
			ADDQ(b, pb)
		} else {
			LEAQ(Mem{Base: b, Index: c, Scale: 1}, pb)
		}
		n := Load(Param("k"), GP64())
		step := w // bytes of a row of b
		if half {
			step = GP64()
			MOVQ(w, step)
			SHRQ(U8(1), step)
		}
		Label(label + "_k")
		bv := make([]VecVirtual, vecs)
		for v := range bv {
			bv[v] = a.vec()
			if half {
				VCVTPH2PS(Mem{Base: pb, Disp: v * a.bytes() / 2}, bv[v])
			} else {
				VMOVUPS(Mem{Base: pb, Disp: v * a.bytes()}, bv[v])
			}
		}
		for r := range acc {
			s := Mem{Base: ar[r]}
			sv := a.vec()
			VBROADCASTSS(s, sv)
			for v := range bv {
				p := a.vec()
				VMULPS(sv, bv[v], p)
				VADDPS(p, acc[r][v], acc[r][v])
			}
			ADDQ(U8(4), ar[r])
		}
		ADDQ(step, pb)
		DECQ(n)
		JNZ(LabelRef(label + "_k"))
		LEAQ(Mem{Base: d, Index: c, Scale: 1}, dr)
		for r := range acc {
			for v := range acc[r] {
				VMOVUPS(acc[r][v], Mem{Base: dr, Disp: v * a.bytes()})
			}
			if r < rows-1 {
				ADDQ(w, dr)
			}
		}
		ADDQ(U32(vecs*a.bytes()), c)
		JMP(LabelRef(label + "_cols"))
		Label(label + "_done")
	}
}

// maxVecs is the widest column block of a tile of rows rows: its
// accumulators, a row of b, a broadcast and a product within the
// registers.
func maxVecs(a isa, rows int) int {
	regs := 16
	if a.zmm {
		regs = 32
	}
	v := 4
	for rows*v+v+2 > regs {
		v /= 2
	}
	return v
}

func genMulAdd(a isa, half bool) {
	base, sig, doc := "matMulAdd", "func(dst, a *float32, lda int, b *float32, m, k, w int)",
		"sets dst += a·b: dst [m][w], a [m][k] of row stride lda, b [k][w], for k ≥ 1 and w a multiple of 16 (matmuladd.go)."
	if half {
		base, sig, doc = "matMulAddH", "func(dst, a *float32, lda int, b *uint16, m, k, w int)",
			"is matMulAddZ with b in float16, widened exactly as it is read."
	}
	name := vecKernel(a, base, sig, doc)
	d, pa, b := Load(Param("dst"), GP64()), Load(Param("a"), GP64()), Load(Param("b"), GP64())
	m, w := Load(Param("m"), GP64()), Load(Param("w"), GP64())
	SHLQ(U8(2), w) // bytes
	const rows = 4
	Label(name + "_rows4")
	CMPQ(m, U8(rows))
	JB(LabelRef(name + "_rows1"))
	mulAddTile(a, name, rows, d, pa, b, w, half)
	lda := Load(Param("lda"), GP64())
	SHLQ(U8(2), lda)
	for range rows {
		ADDQ(w, d)
		ADDQ(lda, pa)
	}
	SUBQ(U8(rows), m)
	JMP(LabelRef(name + "_rows4"))
	Label(name + "_rows1")
	CMPQ(m, U8(0))
	JE(LabelRef(name + "_end"))
	mulAddTile(a, name, 1, d, pa, b, w, half)
	lda1 := Load(Param("lda"), GP64())
	SHLQ(U8(2), lda1)
	ADDQ(w, d)
	ADDQ(lda1, pa)
	DECQ(m)
	JMP(LabelRef(name + "_rows1"))
	Label(name + "_end")
	VZEROUPPER()
	RET()
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// q4kGroupTile emits an AVX2 Q4_K × Q8_KA tile of cols columns that turns
// q4k's loops around: for each group of 32 weights, the group's unpacked
// weights and scale vector stay in registers while every column meets
// them, so a column's integer sums (one register per column) gather the
// block's eight groups; the float work then takes each column's
// accumulator from the stack scratch and puts it back. Per block and
// column that is 8 activation loads plus the bsums, dy and accumulator,
// against q4k's 26 loads (its unpacked weights and scale vectors come
// back from the scratch for every column). The integer sums and float
// operations are q4kColumn's, in its order, so the results are the other
// widths' bit for bit.
func q4kGroupTile(cols int) {
	name := fmt.Sprintf("q4kgTile%dY", cols)
	TEXT(name, 0, tileSignature)
	Doc(fmt.Sprintf("%s multiplies rows q4k weight rows by %d Q8_KA activation columns, groups outermost.", name, cols))
	Pragma("noescape")
	dst, ds, rows, xs, x3 := tileArgs()
	w := Load(Param("w"), GP64())
	// Scratch: the columns' float accumulators (32 bytes each), d and
	// dmin broadcast (32 each), the mins (32), the 16 scale words (32).
	scr := alignedLocal(32*cols + 4*32)
	accAt := func(c int) Mem { return scr.Offset(32 * c) }
	dAt, dmAt, mAt, words := scr.Offset(32*cols), scr.Offset(32*cols+32), scr.Offset(32*cols+64), scr.Offset(32*cols+96)
	x := q8kaLayout

	Label(name + "_row")
	{
		z := YMM()
		VXORPS(z, z, z)
		for c := range cols {
			VMOVUPS(z, accAt(c))
		}
	}
	xp := Load(Param("x"), GP64())
	xb := []Register{xp}
	for g := 1; g*4 < cols; g++ {
		r := GP64()
		LEAQ(Mem{Base: xb[g-1], Index: xs, Scale: 4}, r)
		xb = append(xb, r)
	}
	nb := Load(Param("nb"), GP64())

	Label(name + "_block")
	{
		wm := Mem{Base: w}
		u := decodeKScales(avx2, wm)
		t := YMM()
		VPMOVZXBW(u, t)
		VMOVDQU(t, words)
		VMOVDQU(q4kMins(u), mAt)
		d, dm := q4kDmin(avx2, wm)
		VMOVUPS(d, dAt)
		VMOVUPS(dm, dmAt)
	}
	is := make([]VecVirtual, cols)
	for c := range is {
		is[c] = YMM()
	}
	for ch := range 4 {
		l, h := YMM(), YMM()
		VMOVDQU(Mem{Base: w}.Offset(16+32*ch), l)
		VPSRLW(U8(4), l, h)
		mask := constBytes("nibble_mask", splat(64, 0x0f))
		VPAND(mask, l, l)
		VPAND(mask, h, h)
		for half, wt := range []VecVirtual{l, h} {
			g := 2*ch + half
			sc := YMM()
			VPBROADCASTW(words.Offset(2*g), sc)
			for c := range cols {
				p := YMM()
				VPMADDUBSW(colMem(c, xb, xs, x3).Offset(x.qs+32*g), wt, p)
				if g == 0 {
					VPMADDWD(sc, p, is[c])
				} else {
					VPMADDWD(sc, p, p)
					VPADDD(p, is[c], is[c])
				}
			}
		}
	}
	for c := range cols {
		xc := colMem(c, xb, xs, x3)
		m, mn := YMM(), YMM()
		VMOVDQU(mAt, m)
		VPMADDWD(xc.Offset(x.bsums), m, mn)
		f, g := YMM(), YMM()
		VCVTDQ2PS(is[c], f)
		VMULPS(dAt, f, f)
		VCVTDQ2PS(mn, g)
		dm := YMM()
		VMOVUPS(dmAt, dm)
		VFNMADD231PS(dm, g, f)
		dy, acc := YMM(), YMM()
		VBROADCASTSS(xc.Offset(x.d), dy)
		VMOVUPS(accAt(c), acc)
		VFMADD231PS(dy, f, acc)
		VMOVUPS(acc, accAt(c))
	}
	ADDQ(U32(144), w)
	for _, r := range xb {
		ADDQ(U32(320), r)
	}
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	dp := GP64()
	MOVQ(dst, dp)
	for c := range cols {
		acc := YMM()
		VMOVUPS(accAt(c), acc)
		s := hsum(acc, false)
		VMOVSS(s, Mem{Base: dp})
		if c < cols-1 {
			ADDQ(ds, dp)
		}
	}
	ADDQ(U8(4), dst)
	DECQ(rows)
	JNZ(LabelRef(name + "_row"))
	VZEROUPPER()
	RET()
}

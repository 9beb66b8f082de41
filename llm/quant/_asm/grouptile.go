package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// AVX2 tiles of 2, 4 and 8 columns for Q4_K and Q6_K × Q8_KA that turn
// tile.go's loops around: for each group of 32 weights, the group's unpacked
// weights and scale vector stay in registers while every column meets
// them, so a column's integer sums (one register per column) gather the
// block's eight groups; the float work then takes each column's
// accumulator from the stack scratch and puts it back. Per block and
// column that is 8 activation loads plus the bsums, dy and accumulator,
// against 26 in the columns-outer tiles (whose unpacked weights and scale
// vectors come back from the scratch for every column). The integer sums
// and float operations are q4kColumn's and q6kColumn's, in their order,
// so the results are the other widths' bit for bit. One core
// (BenchmarkKernels at avx2, alternated with the columns-outer tiles):
// Q4_K 8 columns 50 → 70–78 GMAC/s, 4 columns 41–46 → 58–63, 2 columns
// 32 → 45–50; Q6_K 45–49 → 71–77, 39–41 → 59–64, 27–30 → 40–41.
// TinyLlama pp512 at the avx2 level +33% with the Q4_K tile of 8 alone.

// groupTile emits the frame of such a tile: name, cols columns of Q8_KA,
// weight blocks of wBytes, a scratch of extra bytes (32-byte aligned)
// after the columns' accumulators; block emits one weight block's work
// (weights at w, activation column c at col(c)) and hands each column's
// float sum for the block to add, which multiplies it by the column's dy
// and adds it to the column's accumulator.
func groupTile(name string, cols, wBytes, extra int, block func(w Mem, col func(c int) Mem, scr Mem, add func(c int, f VecVirtual))) {
	TEXT(name, 0, tileSignature)
	Doc(fmt.Sprintf("%s multiplies rows weight rows by %d Q8_KA activation columns, groups outermost.", name, cols))
	Pragma("noescape")
	dst, ds, rows, xs, x3 := tileArgs()
	w := Load(Param("w"), GP64())
	scr := alignedLocal(32*cols + extra)
	accAt := func(c int) Mem { return scr.Offset(32 * c) }

	Label(name + "_row")
	z := YMM()
	VXORPS(z, z, z)
	for c := range cols {
		VMOVUPS(z, accAt(c))
	}
	xb := colBases(cols, xs)
	nb := Load(Param("nb"), GP64())

	Label(name + "_block")
	col := func(c int) Mem { return colMem(c, xb, xs, x3) }
	block(Mem{Base: w}, col, scr.Offset(32*cols), func(c int, f VecVirtual) {
		dy, acc := YMM(), YMM()
		VBROADCASTSS(col(c).Offset(q8kaLayout.d), dy)
		VMOVUPS(accAt(c), acc)
		VFMADD231PS(dy, f, acc)
		VMOVUPS(acc, accAt(c))
	})
	ADDQ(U32(wBytes), w)
	for _, r := range xb {
		ADDQ(U32(320), r)
	}
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	rowEnd(name, cols, dst, ds, rows, func(c int) Register {
		acc := YMM()
		VMOVUPS(accAt(c), acc)
		return hsum(acc, false)
	})
}

// q4kGroupTile emits q4kgTile<cols>Y. Its scratch: d and dmin broadcast,
// the minimums, the 16 scale words (32 bytes each).
func q4kGroupTile(cols int) {
	x := q8kaLayout
	groupTile(fmt.Sprintf("q4kgTile%dY", cols), cols, 144, 4*32, func(w Mem, col func(c int) Mem, scr Mem, add func(c int, f VecVirtual)) {
		dAt, dmAt, mAt, words := scr, scr.Offset(32), scr.Offset(64), scr.Offset(96)
		u := decodeKScales(avx2, w)
		t := YMM()
		VPMOVZXBW(u, t)
		VMOVDQU(t, words)
		VMOVDQU(q4kMins(u), mAt)
		d, dm := q4kDmin(avx2, w)
		VMOVUPS(d, dAt)
		VMOVUPS(dm, dmAt)
		is := make([]VecVirtual, cols)
		for c := range is {
			is[c] = YMM()
		}
		mask := constBytes("nibble_mask", splat(64, 0x0f))
		for ch := range 4 {
			l, h := YMM(), YMM()
			VMOVDQU(w.Offset(16+32*ch), l)
			VPSRLW(U8(4), l, h)
			VPAND(mask, l, l)
			VPAND(mask, h, h)
			for half, wt := range []VecVirtual{l, h} {
				g := 2*ch + half
				sc := YMM()
				VPBROADCASTW(words.Offset(2*g), sc)
				for c := range cols {
					p := YMM()
					VPMADDUBSW(col(c).Offset(x.qs+32*g), wt, p)
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
			m, mn := YMM(), YMM()
			VMOVDQU(mAt, m)
			VPMADDWD(col(c).Offset(x.bsums), m, mn)
			f, g, dm := YMM(), YMM(), YMM()
			VCVTDQ2PS(is[c], f)
			VMULPS(dAt, f, f)
			VCVTDQ2PS(mn, g)
			VMOVUPS(dmAt, dm)
			VFNMADD231PS(dm, g, f)
			add(c, f)
		}
	})
}

// q6kGroupTile emits q6kgTile<cols>Y. Its scratch: d broadcast, the 16
// scale words.
func q6kGroupTile(cols int) {
	x := q8kaLayout
	groupTile(fmt.Sprintf("q6kgTile%dY", cols), cols, 210, 2*32, func(w Mem, col func(c int) Mem, scr Mem, add func(c int, f VecVirtual)) {
		dAt, words := scr, scr.Offset(32)
		is := make([]VecVirtual, cols)
		{
			t, s32 := YMM(), YMM()
			VPMOVSXBW(w.Offset(192), t)
			VMOVDQU(t, words)
			VPMULLW(constWords("minus32", splatInt(16, -32)), t, s32)
			for c := range is { // -32·Σ sc·bsum first, as q6kColumn
				is[c] = YMM()
				VPMADDWD(col(c).Offset(x.bsums), s32, is[c])
			}
			h, d := XMM(), YMM()
			VPBROADCASTW(w.Offset(208), h)
			VCVTPH2PS(h, d)
			VMOVUPS(d, dAt)
		}
		k := q6kConsts{mask: YMM(), mask30: YMM()}
		for h := range 2 {
			q := YMM()
			VMOVDQU(w.Offset(128+32*h), q)
			for j := range 4 {
				i6 := 4*h + j
				VMOVDQU(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
				VMOVDQU(constBytes("q6k_mask30", splat(64, 0x30)), k.mask30)
				v := q6kValues32(k, w, q, h, j)
				lo, hi, sv := XMM(), XMM(), YMM()
				VPBROADCASTW(words.Offset(4*i6), lo)
				VPBROADCASTW(words.Offset(4*i6+2), hi)
				VINSERTI128(U8(1), hi, lo.AsY(), sv)
				for c := range cols {
					p := YMM()
					VPMADDUBSW(col(c).Offset(x.qs+32*i6), v, p)
					VPMADDWD(sv, p, p)
					VPADDD(p, is[c], is[c])
				}
			}
		}
		for c := range cols {
			f := YMM()
			VCVTDQ2PS(is[c], f)
			VMULPS(dAt, f, f)
			add(c, f)
		}
	})
}

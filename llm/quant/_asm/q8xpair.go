package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The Q8_0X tile kernels of every layout (GGUF Q5_0 and Q8_0, Q5_0R,
// Q8_0R), two weight rows at a time: what a column of Q8_0X costs in
// every row — widening its lane corrections (VPMOVSXWD, and for Q8_0
// the shift) and its scales (VCVTPH2PS), loading its quants — is done
// once for both rows. Unlike pair.go's kernels the
// rows do not share their float work: each row keeps q8x.go's lanes and
// float operations (its own accumulator per column, the same conversion,
// scaling and fused multiply-add per block, the same horizontal sum), so
// each result is the one-row kernel's bit for bit, and Q5_0R's therefore
// GGUF Q5_0's (q5_0r.go). Folding two rows' 16 lanes into one vector to
// share the float work too would have changed the order of the float
// additions, and with it every result.
//
// Rows are paired as in pair.go: row i with row i + ⌈rows/2⌉, each half
// one sequential stream; with an odd count the last row of the first half
// is paired with itself and its copy's results dropped. A row's arithmetic
// never depends on its partner.

// q8xPairTile emits layout l's kernel of cols columns (tileSignature).
func q8xPairTile(l q8xLayout, cols int) {
	k := q8xKind(l)
	name := fmt.Sprintf("%sPairTile%dV", l.name, cols)
	dst, ds, rows, xs, x3, w := pairPrologue(name, l.name, cols)
	kc := k.setup(avx512vnni, cols)
	nb2, wb, boff := pairHalves(rows, w, l.wBytes)

	Label(name + "_row")
	CMPQ(nb2, U8(0))
	CMOVQEQ(w, wb)
	accA, accB := make([]VecVirtual, cols), make([]VecVirtual, cols)
	for c := range cols {
		accA[c], accB[c] = ZMM(), ZMM()
		VPXORD(accA[c], accA[c], accA[c])
		VPXORD(accB[c], accB[c], accB[c])
	}
	xb := colBases(cols, xs)
	nb := Load(Param("nb"), GP64())

	// body does the block at byte offset b of each row.
	body := func(b int) {
		stA := k.block(avx512vnni, kc, Mem{Base: w}.Offset(b*l.wBytes)).(pairBlock)
		stB := k.block(avx512vnni, kc, Mem{Base: wb}.Offset(b*l.wBytes)).(pairBlock)
		for c := range cols {
			xm := colMem(c, xb, xs, x3).Offset(b * q80xBytes)
			pA, pB, dx := ZMM(), ZMM(), ZMM()
			VPMOVSXWD(xm.Offset(q80xNs), pB)
			if !l.q5 {
				VPSLLD(U8(3), pB, pB)
			}
			VMOVDQA64(pB, pA)
			VPDPBUSD(xm, stA.q, pA)
			VPDPBUSD(xm, stB.q, pB)
			VCVTPH2PS(xm.Offset(q80xD), dx)
			for _, r := range []struct {
				p, dw, acc VecVirtual
			}{{pA, stA.dw, accA[c]}, {pB, stB.dw, accB[c]}} {
				VCVTDQ2PS(r.p, r.p)
				VMULPS(r.dw, r.p, r.p)
				VFMADD231PS(dx, r.p, r.acc)
			}
		}
	}
	q8xBlocks(name, nb, body, func(blocks int) {
		if cols == 1 {
			prefetchAhead(blocks*l.wBytes, w, wb)
		}
		ADDQ(U32(blocks*l.wBytes), w) // ends at the next row of each half
		ADDQ(U32(blocks*l.wBytes), wb)
		for _, r := range xb {
			ADDQ(U32(blocks*q80xBytes), r)
		}
	})

	// Results: row B's first, at row A's place when the row is paired
	// with itself (row A's then overwrites it).
	bo, d := pairResults(boff, nb2, dst)
	for c := range cols {
		sB := hsum(accB[c], true)
		VMOVSS(sB, Mem{Base: d, Index: bo, Scale: 1})
		sA := hsum(accA[c], true)
		VMOVSS(sA, Mem{Base: d})
		if c < cols-1 {
			ADDQ(ds, d)
		}
	}
	pairNext(name, dst, rows, nb2)
}

// q8xQuadTile emits layout l's one-column kernel over four streams of
// rows, as pair.go's quadTile: row i of the first quarter of the rows is
// computed beside row i of each other quarter, the column's lane
// corrections and scale widened once for the four, and each row's
// operations the one-row kernel's, so its results bit for bit.
func q8xQuadTile(l q8xLayout) {
	k := q8xKind(l)
	name := l.name + "Quad1V"
	dst, _, rows, _, _, w := pairPrologue(name, l.name, 1)
	kc := k.setup(avx512vnni, 1)
	ws, ro := quadStreams(rows, w, l.wBytes)

	Label(name + "_row")
	acc := make([]VecVirtual, 4)
	for i := range acc {
		acc[i] = ZMM()
		VPXORD(acc[i], acc[i], acc[i])
	}
	x := Load(Param("x"), GP64())
	nb := Load(Param("nb"), GP64())

	body := func(b int) {
		var st [4]pairBlock
		for i := range ws {
			st[i] = k.block(avx512vnni, kc, Mem{Base: ws[i]}.Offset(b*l.wBytes)).(pairBlock)
		}
		xm := Mem{Base: x}.Offset(b * q80xBytes)
		ns, dx := ZMM(), ZMM()
		VPMOVSXWD(xm.Offset(q80xNs), ns)
		if !l.q5 {
			VPSLLD(U8(3), ns, ns)
		}
		VCVTPH2PS(xm.Offset(q80xD), dx)
		for i := range ws {
			p := ZMM()
			VMOVDQA64(ns, p)
			VPDPBUSD(xm, st[i].q, p)
			VCVTDQ2PS(p, p)
			VMULPS(st[i].dw, p, p)
			VFMADD231PS(dx, p, acc[i])
		}
	}
	q8xBlocks(name, nb, body, func(blocks int) {
		prefetchAhead(blocks*l.wBytes, ws[0], ws[1], ws[2], ws[3])
		for _, r := range ws {
			ADDQ(U32(blocks*l.wBytes), r)
		}
		ADDQ(U32(blocks*q80xBytes), x)
	})
	// The quarters' results are ro bytes apart, as columns are.
	rowEnd(name, 4, dst, ro, rows, func(i int) Register { return hsum(acc[i], true) })
}

// q8xBlocks emits a Q8_0X kernel's loop over the nb blocks of a row: two
// blocks an iteration while two are left (body(0), body(1), then
// next(2) moves the pointers on), then the last odd one.
func q8xBlocks(name string, nb Register, body func(b int), next func(blocks int)) {
	Label(name + "_block2")
	CMPQ(nb, U8(2))
	JB(LabelRef(name + "_block"))
	body(0)
	body(1)
	next(2)
	SUBQ(U8(2), nb)
	JMP(LabelRef(name + "_block2"))
	Label(name + "_block")
	CMPQ(nb, U8(0))
	JE(LabelRef(name + "_rowdone"))
	body(0)
	next(1)
	Label(name + "_rowdone")
}

// genQ8XPair emits every layout's pair kernels. The GGUF layouts keep
// their one-row kernels too (q8x.go) for calls of one row: with an odd
// block count (n ≡ 32 mod 64) the rows are not a whole number of pairs
// of blocks apart and tile_amd64.go passes them one at a time, which a
// pair kernel would compute twice.
func genQ8XPair() {
	for _, l := range q8xLayouts {
		for _, c := range []int{1, 2, 4, 8} {
			q8xPairTile(l, c)
		}
		q8xQuadTile(l)
	}
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Tile kernels that take weight rows two at a time (avx512vnni only):
// the integer sums of a row pair share one vector, so the float work of
// a block (conversion, scaling, accumulation) is done once for both rows
// (q4kx.go, q6k.go say how for each type). Same signature as tile's
// kernels (tileSignature).
//
// Row i is paired with row i + half, half = ⌈rows/2⌉, so that each of the
// two rows a block reads comes from one sequential stream of rows, which
// the memory prefetchers follow (pairing neighbours made two streams that
// jump every other row, and one column from DRAM ran at half speed). With
// an odd count the last row of the first half is paired with itself and
// its copy's results dropped. A row's arithmetic never depends on its
// partner, so the results do not depend on how rows are split into calls.

// pairKind is one weight layout's pair kernel body.
type pairKind struct {
	name           string
	wBytes, xBytes int // bytes per block of weights and of activations
	// setup loads constants before the loops; decode decodes the blocks
	// at wa (row A) and wb (row B); column adds both rows' products with
	// the activation block at x to acc, whose lanes 4q, 4q+1 must then
	// hold row A's partial sums and 4q+2, 4q+3 row B's.
	setup  func(cols int) any
	decode func(k any, wa, wb Mem) any
	column func(k, p any, x Mem, acc VecVirtual)
}

// pairTile emits kind pk's kernel of cols columns (tileSignature).
func pairTile(pk pairKind, cols int) {
	name := fmt.Sprintf("%sTile%dV", pk.name, cols)
	TEXT(name, NOSPLIT, tileSignature)
	Doc(fmt.Sprintf("%s multiplies rows %s weight rows by %d activation columns, two rows at a time.", name, pk.name, cols))
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	ds := Load(Param("dstStride"), GP64())
	SHLQ(U8(2), ds)
	rows := Load(Param("rows"), GP64())
	xs := Load(Param("xStride"), GP64())
	x3 := GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, x3)
	w := Load(Param("w"), GP64())
	k := pk.setup(cols)
	// Row i is paired with row i + half (see above).
	nb2 := GP64() // rows of the second half left
	MOVQ(rows, nb2)
	SHRQ(U8(1), nb2)
	SUBQ(nb2, rows) // rows of the first half left
	wb := GP64()
	MOVQ(rows, wb)
	IMUL3Q(U32(pk.wBytes), wb, wb)
	IMULQ(Load(Param("nb"), GP64()), wb)
	ADDQ(w, wb)
	boff := GP64() // bytes from a row's result to its partner's
	MOVQ(rows, boff)
	SHLQ(U8(2), boff)

	Label(name + "_row")
	CMPQ(nb2, U8(0))
	CMOVQEQ(w, wb)
	acc := make([]VecVirtual, cols)
	for c := range acc {
		acc[c] = ZMM()
		VPXORD(acc[c], acc[c], acc[c])
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
	p := pk.decode(k, Mem{Base: w}, Mem{Base: wb})
	for c := range cols {
		pk.column(k, p, colMem(c, xb, xs, x3), acc[c])
	}
	ADDQ(U32(pk.wBytes), w) // ends at the next row of each half
	ADDQ(U32(pk.wBytes), wb)
	for _, r := range xb {
		ADDQ(U32(pk.xBytes), r)
	}
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	// Each column's lanes 4q, 4q+1 are row A's, 4q+2, 4q+3 row B's: add
	// neighbours, then the four 128-bit lanes, leaving [A, A, B, B].
	sums := make([]VecVirtual, cols)
	d := GP64()
	MOVQ(dst, d)
	for c := range cols {
		t := ZMM()
		VPERMILPS(U8(0xb1), acc[c], t)
		VADDPS(t, acc[c], t)
		y, x := YMM(), XMM()
		VEXTRACTF64X4(U8(1), t, y)
		VADDPS(y, t.AsY(), y)
		VEXTRACTF32X4(U8(1), y, x)
		VADDPS(y.AsX(), x, x)
		sums[c] = x
		VMOVSS(x, Mem{Base: d})
		if c < cols-1 {
			ADDQ(ds, d)
		}
	}
	CMPQ(nb2, U8(0))
	JEQ(LabelRef(name + "_done")) // the last row, paired with itself
	MOVQ(dst, d)
	for c := range cols {
		VEXTRACTPS(U8(2), sums[c], Mem{Base: d, Index: boff, Scale: 1})
		if c < cols-1 {
			ADDQ(ds, d)
		}
	}
	ADDQ(U8(4), dst)
	DECQ(nb2)
	DECQ(rows)
	JNZ(LabelRef(name + "_row"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

package main

import (
	"fmt"
	"strings"

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
//
// Columns are taken two at a time for the float work (the units that
// multiply bound these kernels; Q4_K issued 4 VPDPBUSD and 2.5 other
// multiplications per row, column and block): ints gives a column's
// integer sums, two partial sums per row in each 128-bit lane, [A, A, B,
// B]; the partial sums of two columns c, c+1 are added into one vector
// [A_c, B_c, A_c+1, B_c+1] per lane (VSHUFPS, VPADDD), which is converted,
// scaled by [dA, dB, dA, dB] and multiplied by [dy_c, dy_c, dy_c+1,
// dy_c+1] into one accumulator, once for both columns. A lone column (an
// odd width's last, or one column) goes through the same lanes with
// itself in place of the second, so every (row, column) element sees the
// same operations in every width and the results do not depend on the
// tile. Eight columns on one core, best GB/s of weights (q4kx.go, q6k.go):
// Q4_K +5%, Q6_K +2%; one column from DRAM unchanged.
type pairKind struct {
	name           string
	wBytes, xBytes int // bytes per block of weights and of activations
	dy             int // offset of the activation block's float scale
	// setup loads constants before the loops; decode decodes the blocks
	// at wa (row A) and wb (row B), and may use live (a register holding
	// a value there) as the source of zero idioms; ints returns the
	// pair's integer sums with the activation block at x, lanes 4q, 4q+1
	// row A's partial sums and 4q+2, 4q+3 row B's; d returns [dA, dB, dA,
	// dB] per lane.
	setup  func(cols int) any
	decode func(k any, wa, wb Mem, live VecVirtual) any
	ints   func(k, p any, x Mem) VecVirtual
	d      func(p any) VecVirtual
	// extra, when set, adds terms of its own to acc, a column's
	// accumulator in ints' lanes (Q4_K's minimums).
	extra func(k, p any, x Mem, acc VecVirtual)
}

// pairTile emits kind pk's kernel of cols columns (tileSignature).
func pairTile(pk pairKind, cols int) {
	name := fmt.Sprintf("%sTile%dV", pk.name, cols)
	dst, ds, rows, xs, x3, w := pairPrologue(name, pk.name, cols)
	k := pk.setup(cols)
	// Row i is paired with row i + half (see above).
	nb2, wb, boff := pairHalves(rows, w, pk.wBytes)

	Label(name + "_row")
	CMPQ(nb2, U8(0))
	CMOVQEQ(w, wb)
	// accP[i]: columns 2i and 2i+1 in lanes [A, B, A, B] of each 128 bits;
	// accX[c]: column c's extra terms, if the kind has any.
	accP := make([]VecVirtual, (cols+1)/2)
	var accX []VecVirtual
	if pk.extra != nil {
		accX = make([]VecVirtual, cols)
	}
	for _, acc := range [][]VecVirtual{accP, accX} {
		for c := range acc {
			acc[c] = ZMM()
			VPXORD(acc[c], acc[c], acc[c])
		}
	}
	xb := colBases(cols, xs)
	nb := Load(Param("nb"), GP64())

	Label(name + "_block")
	p := pk.decode(k, Mem{Base: w}, Mem{Base: wb}, accP[0])
	for c := 0; c < cols; c += 2 {
		x0 := colMem(c, xb, xs, x3)
		if c+1 == cols { // a lone column pairs with itself
			var ax VecVirtual
			if accX != nil {
				ax = accX[c]
			}
			pairBlock1(pk, k, p, x0, accP[c/2], ax)
			continue
		}
		x1 := colMem(c+1, xb, xs, x3)
		m0, m1 := pk.ints(k, p, x0), pk.ints(k, p, x1)
		u := ZMM()
		VSHUFPS(U8(0x88), m1, m0, u) // [A₀, B₀, A'₀, B'₀]: the first partial sums
		VSHUFPS(U8(0xdd), m1, m0, m0)
		VPADDD(m0, u, u)
		VCVTDQ2PS(u, u)
		VMULPS(pk.d(p), u, u)
		dy := ZMM()
		VBROADCASTSS(x0.Offset(pk.dy), dy)
		VSHUFPS_BCST(U8(0), x1.Offset(pk.dy), dy, dy) // [dy, dy, dy', dy']
		VFMADD231PS(dy, u, accP[c/2])
		if accX != nil {
			pk.extra(k, p, x0, accX[c])
			pk.extra(k, p, x1, accX[c+1])
		}
	}
	if cols == 1 {
		prefetchAhead(pk.wBytes, w, wb)
	}
	ADDQ(U32(pk.wBytes), w) // ends at the next row of each half
	ADDQ(U32(pk.wBytes), wb)
	for _, r := range xb {
		ADDQ(U32(pk.xBytes), r)
	}
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	// A column's results: its two slots of accP summed over the four
	// 128-bit lanes, plus accX's lanes (neighbours added, then the four
	// 128-bit lanes: [A, A, B, B]), each in the same order whatever the
	// width. Row B's result is stored first, at row A's place when the row
	// is paired with itself (row A's then overwrites it), so that no
	// column's sums stay live for a second pass.
	bo, d := pairResults(boff, nb2, dst)
	var main VecVirtual
	for c := range cols {
		r := XMM()
		if c%2 == 0 {
			main = lanes(accP[c/2])
			VMOVAPS(main, r)
		} else {
			VMOVHLPS(main, main, r) // slots 2, 3
		}
		if accX != nil {
			addExtra(accX[c], r)
		}
		VEXTRACTPS(U8(1), r, Mem{Base: d, Index: bo, Scale: 1})
		VMOVSS(r, Mem{Base: d})
		if c < cols-1 {
			ADDQ(ds, d)
		}
	}
	pairNext(name, dst, rows, nb2)
}

// lanes returns the sum of v's four 128-bit lanes.
func lanes(v VecVirtual) VecVirtual {
	y, x := YMM(), XMM()
	VEXTRACTF64X4(U8(1), v, y)
	VADDPS(y, v.AsY(), y)
	VEXTRACTF32X4(U8(1), y, x)
	VADDPS(y.AsX(), x, x)
	return x
}

// addExtra adds a column's extra terms (accX's lanes [A, A, B, B]:
// neighbours added, then the four 128-bit lanes) to r's [A, B] slots.
func addExtra(accX, r VecVirtual) {
	t := ZMM()
	VPERMILPS(U8(0xb1), accX, t)
	VADDPS(t, accX, t)
	e := lanes(t)
	VPERMILPS(U8(0|2<<2), e, e) // [A, B, …]
	VADDPS(e, r, r)
}

// pairBlock1 emits one block of a lone column (pairTile's one column or
// odd last, quadTile's pairs) for the pair decoded in p: the integer sums
// with the activation block at x, in the lanes two columns would fill,
// converted, scaled and accumulated into acc (accX: the extra terms).
func pairBlock1(pk pairKind, k, p any, x Mem, acc, accX VecVirtual) {
	m0 := pk.ints(k, p, x)
	u := ZMM()
	VSHUFPS(U8(0x88), m0, m0, u) // [A₀, B₀, A₀, B₀]: the first partial sums
	VSHUFPS(U8(0xdd), m0, m0, m0)
	VPADDD(m0, u, u)
	VCVTDQ2PS(u, u)
	VMULPS(pk.d(p), u, u)
	VFMADD231PS_BCST(x.Offset(pk.dy), u, acc)
	if accX != nil {
		pk.extra(k, p, x, accX)
	}
}

// quadTile emits kind pk's one-column kernel over four streams of rows:
// rows (a multiple of 4; the Go side runs the rest through the pair
// kernel) are four quarters of q rows, and row i of the first quarter is
// paired with row i of the second, row i of the third with row i of the
// fourth, both pairs meeting each activation block in turn. A core reads
// memory faster from four streams than from one or two: reading loops
// over 256 MiB, fastest of three passes, five rounds: one thread 33–41
// GB/s from one stream, 40–41 from four, 35–39 from eight; two threads
// 62–77, 70–85 and 60–77 (stream.go). The pair kernels over 256 MiB in
// calls of 1024 rows (BenchmarkTokenGenBandwidth, alternated three
// times): Q4_K one thread 27.7–29.6 → 35.5–36.6 GB/s, two 53.8–59.3 →
// 62.1–65.5; Q6_K 26.6–27.1 → 29.4–30.8, 51.3–53.8 → 57.9–60.0. Each
// row sees the operations pairTile gives it, so the results are the pair
// kernel's bit for bit.
func quadTile(pk pairKind) {
	name := pk.name + "Quad1V"
	dst, _, rows, _, _, w := pairPrologue(name, pk.name, 1)
	k := pk.setup(1)
	ws, ro := quadStreams(rows, w, pk.wBytes)

	Label(name + "_row")
	acc := []VecVirtual{ZMM(), ZMM()}
	var accX []VecVirtual
	if pk.extra != nil {
		accX = []VecVirtual{ZMM(), ZMM()}
	}
	for _, a := range append(append([]VecVirtual{}, acc...), accX...) {
		VPXORD(a, a, a)
	}
	x := Load(Param("x"), GP64())
	nb := Load(Param("nb"), GP64())

	Label(name + "_block")
	for h := range 2 {
		p := pk.decode(k, Mem{Base: ws[2*h]}, Mem{Base: ws[2*h+1]}, acc[h])
		var ax VecVirtual
		if accX != nil {
			ax = accX[h]
		}
		pairBlock1(pk, k, p, Mem{Base: x}, acc[h], ax)
	}
	prefetchAhead(pk.wBytes, ws[0], ws[1], ws[2], ws[3])
	for _, r := range ws {
		ADDQ(U32(pk.wBytes), r)
	}
	ADDQ(U32(pk.xBytes), x)
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))

	// The quarters' results are ro bytes apart, as columns are: a
	// pair's [A, B] slots are quarters 2h and 2h+1.
	var r VecVirtual
	rowEnd(name, 4, dst, ro, rows, func(i int) Register {
		if i%2 == 1 {
			b := XMM()
			VMOVSHDUP(r, b)
			return b
		}
		r = XMM()
		VMOVAPS(lanes(acc[i/2]), r)
		if accX != nil {
			addExtra(accX[i/2], r)
		}
		return r
	})
}

// quadStreams emits the set-up of a quad kernel: rows (a multiple of 4)
// becomes the rows of a quarter, ws the first rows of the four quarters
// (rows of nb blocks of wBytes bytes from w), ro the bytes from a
// quarter's results to the next's.
func quadStreams(rows, w Register, wBytes int) (ws []GPVirtual, ro Register) {
	q := GP64() // rows per quarter, then the bytes of a quarter
	MOVQ(rows, q)
	SHRQ(U8(2), q)
	MOVQ(q, rows)
	IMUL3Q(U32(wBytes), q, q)
	IMULQ(Load(Param("nb"), GP64()), q)
	ws = []GPVirtual{w.(GPVirtual), GP64(), GP64(), GP64()}
	for i := 1; i < 4; i++ {
		LEAQ(Mem{Base: ws[i-1], Index: q, Scale: 1}, ws[i])
	}
	ro = Load(Param("rows"), GP64())
	SHRQ(U8(2), ro)
	SHLQ(U8(2), ro)
	return ws, ro
}

// pairHalves emits the set-up every row-pair kernel starts with: rows
// becomes the rows of the first half, nb2 those of the second, wb points
// at the first row of the second half (rows of nb blocks of wBytes bytes
// from w), and boff is the bytes from a row's result to its partner's.
func pairHalves(rows, w Register, wBytes int) (nb2, wb, boff GPVirtual) {
	nb2 = GP64() // rows of the second half left
	MOVQ(rows, nb2)
	SHRQ(U8(1), nb2)
	SUBQ(nb2, rows) // rows of the first half left
	wb = GP64()
	MOVQ(rows, wb)
	IMUL3Q(U32(wBytes), wb, wb)
	IMULQ(Load(Param("nb"), GP64()), wb)
	ADDQ(w, wb)
	boff = GP64()
	MOVQ(rows, boff)
	SHLQ(U8(2), boff)
	return nb2, wb, boff
}

// pairResults emits the start of a pair's stores: bo, the offset of row
// B's results from row A's (0 when the row is paired with itself, nb2
// being 0: row A's then overwrite them), and d, a cursor over the
// columns' results from dst.
func pairResults(boff, nb2, dst Register) (bo, d GPVirtual) {
	bo, z := GP64(), GP64()
	MOVQ(boff, bo)
	MOVQ(U32(0), z)
	CMPQ(nb2, U8(0))
	CMOVQEQ(z, bo)
	d = GP64()
	MOVQ(dst, d)
	return bo, d
}

// pairNext emits the end of a pair kernel's row loop (labels name_row
// and name_done): on to the next pair, or done after the last row, paired
// with itself.
func pairNext(name string, dst, rows, nb2 Register) {
	CMPQ(nb2, U8(0))
	JEQ(LabelRef(name + "_done")) // the last row, paired with itself
	ADDQ(U8(4), dst)
	DECQ(nb2)
	DECQ(rows)
	JNZ(LabelRef(name + "_row"))
	Label(name + "_done")
	VZEROUPPER()
	RET()
}

// pairPrologue emits a pair kernel's TEXT and loads its arguments
// (tileSignature): dst, the results' column stride ds in bytes, rows, the
// activations' column stride xs and 3·xs, and w.
func pairPrologue(name, layout string, cols int) (dst, ds, rows, xs, x3, w Register) {
	TEXT(name, NOSPLIT, tileSignature)
	how := "two rows at a time"
	if strings.HasSuffix(name, "Quad1V") {
		how = "its four quarters side by side (rows a multiple of 4)"
	}
	Doc(fmt.Sprintf("%s multiplies rows %s weight rows by %d activation columns, %s.", name, layout, cols, how))
	Pragma("noescape")
	dst, ds, rows, xs, x3 = tileArgs()
	w = Load(Param("w"), GP64())
	return dst, ds, rows, xs, x3, w
}

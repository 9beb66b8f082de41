package main

import (
	"fmt"

	"github.com/mmcloughlin/avo/attr"
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// tileSignature is shared by every tile kernel:
//
//	dst[c*dstStride + r] = dot(row r of w, column c of x)   r < rows, c < cols
//
// for rows weight rows of nb blocks each (contiguous), and cols activation
// columns xStride bytes apart, where cols is fixed per function (its
// name's digit). Each column's float sum lives in one vector register for
// the whole row, and is added horizontally once at the end of the row.
const tileSignature = "func(dst *float32, dstStride int, w *byte, rows int, x *byte, xStride int, nb int)"

// tileKind describes one weight type's kernel body.
type tileKind struct {
	name           string
	wBytes, xBytes int // bytes per block of weights and of activations
	// setup loads constants before the loops; block decodes the weight
	// block at w (into registers or the scratch space of a's frame);
	// column then multiplies it with the activation block at x, adding
	// the float result to acc's lanes.
	setup  func(a isa, cols int) any
	block  func(a isa, k any, w Mem) any
	column func(a isa, k, st any, x Mem, acc VecVirtual)
	// block4, if not nil, decodes what four consecutive blocks share
	// (their headers, say) and blockOf4 then block b of the four;
	// kernels of up to block4Cols columns (default 2) use them, wider
	// ones have other columns to spread the per-block work over.
	block4     func(a isa, k any, w Mem) any
	blockOf4   func(a isa, k, shared any, w Mem, b int) any
	block4Cols int
	// unroll runs four blocks per iteration without sharing anything:
	// for small blocks, whose loop overhead counts.
	unroll bool
	// frame is the stack scratch the AVX2 version needs.
	frame func(a isa) int
	// ymm8: the AVX2 version has a tile of 8 columns (it fits in 16
	// ymm registers).
	ymm8 bool
}

// actsLayout is where a kernel finds the parts of an activation block:
// the quants, the bsums and the float scale d (offsets in bytes).
type actsLayout struct{ qs, bsums, d int }

var (
	q8kLayout  = actsLayout{qs: 4, bsums: 260, d: 0}   // Q8_K (q8_k.go)
	q8kaLayout = actsLayout{qs: 0, bsums: 256, d: 288} // Q8_KA (q8_ka.go)
)

// alignedActs is kind k's tiles reading Q8_KA (320-byte blocks) instead
// of Q8_K: kernels named k.name+"a", whose setup sets the layout.
func alignedActs(k tileKind, setup func(a isa, cols int) any) tileKind {
	k.name += "a"
	k.xBytes = 320
	k.setup = setup
	return k
}

// dotSignature is the single dot product, a 1×1 tile returning its result.
const dotSignature = "func(w *byte, x *byte, nb int) float32"

// tile emits one kernel: kind k, isa a, cols columns; cols 0 emits the
// dot product (dotSignature).
func tile(k tileKind, a isa, cols int) {
	dot := cols == 0
	name := fmt.Sprintf("%sTile%d%s", k.name, cols, a.suffix)
	sig := tileSignature
	if dot {
		name, sig, cols = fmt.Sprintf("%sDot%s", k.name, a.suffix), dotSignature, 1
	}
	// A kernel with a stack frame is left splittable: nosplit frames are
	// capped at a few hundred bytes.
	var flags attr.Attribute = NOSPLIT
	if k.frame != nil && k.frame(a) > 0 {
		flags = 0
	}
	TEXT(name, flags, sig)
	if dot {
		Doc(fmt.Sprintf("%s returns the dot product of nb %s blocks with nb activation blocks.", name, k.name))
	} else {
		Doc(fmt.Sprintf("%s multiplies rows %s weight rows by %d activation columns.", name, k.name, cols))
	}
	Pragma("noescape")
	var dst, ds, rows, xs, x3 Register
	if !dot {
		dst, ds, rows, xs, x3 = tileArgs()
	}
	w := Load(Param("w"), GP64())
	kc := k.setup(a, cols)

	Label(name + "_row")
	acc := make([]VecVirtual, cols)
	for c := range acc {
		acc[c] = a.vec()
		if a.zmm {
			VPXORD(acc[c], acc[c], acc[c])
		} else {
			VXORPS(acc[c], acc[c], acc[c])
		}
	}
	xb := colBases(cols, xs)
	nb := Load(Param("nb"), GP64())

	shared4 := k.block4 != nil && cols <= max(2, k.block4Cols) && a.zmm
	if shared4 || k.unroll && cols <= 2 {
		// Four blocks per iteration while there are four: their headers
		// decoded together, or just less loop overhead.
		Label(name + "_block4")
		CMPQ(nb, U8(4))
		JB(LabelRef(name + "_block"))
		var shared any
		if shared4 {
			shared = k.block4(a, kc, Mem{Base: w})
		}
		for b := range 4 {
			var st any
			if shared4 {
				st = k.blockOf4(a, kc, shared, Mem{Base: w}, b)
			} else {
				st = k.block(a, kc, Mem{Base: w}.Offset(b*k.wBytes))
			}
			for c := range cols {
				k.column(a, kc, st, colMem(c, xb, xs, x3).Offset(b*k.xBytes), acc[c])
			}
		}
		if cols == 1 && !dot {
			prefetchAhead(4*k.wBytes, w)
		}
		ADDQ(U32(4*k.wBytes), w)
		for _, r := range xb {
			ADDQ(U32(4*k.xBytes), r)
		}
		SUBQ(U8(4), nb)
		JNZ(LabelRef(name + "_block4"))
		JMP(LabelRef(name + "_done"))
	}

	Label(name + "_block")
	st := k.block(a, kc, Mem{Base: w})
	for c := range cols {
		k.column(a, kc, st, colMem(c, xb, xs, x3), acc[c])
	}
	if cols == 1 && !dot {
		prefetchAhead(k.wBytes, w)
	}
	ADDQ(U32(k.wBytes), w)
	for _, r := range xb {
		ADDQ(U32(k.xBytes), r)
	}
	DECQ(nb)
	JNZ(LabelRef(name + "_block"))
	Label(name + "_done")

	if dot {
		s := hsum(acc[0], a.zmm)
		VZEROUPPER()
		Store(s, ReturnIndex(0))
		RET()
		return
	}
	if a.zmm && (cols == 4 || cols == 8) {
		sums := hsums(acc)
		rowEnd(name, cols, dst, ds, rows, func(c int) Register { return sums[c] })
		return
	}
	rowEnd(name, cols, dst, ds, rows, func(c int) Register { return hsum(acc[c], a.zmm) })
}

// hsums is hsum of each of four or eight zmm accumulators, added in the
// same pairs (so the same sums bit for bit) but two to eight columns per
// instruction: lane i with lane i+8 of two columns in one register, then
// i with i+4 of four, i with i+2 of eight, i with i+1. Against eight
// hsums the end of a row of eight columns takes 38 instructions instead
// of 64, which rows of 64 elements notice (attention's scores: a KV
// head's keys times its eight queries, BenchmarkF32Scores, 11.4–11.7 →
// 9.4–9.8 µs).
func hsums(acc []VecVirtual) []Register {
	lanes := func(l ...int) U8 { return U8(l[0] | l[1]<<2 | l[2]<<4 | l[3]<<6) }
	// Lanes i and i+8: columns 2j and 2j+1 in the low and high halves.
	p := foldPairs(acc, VSHUFF64X2, lanes(0, 1, 0, 1), lanes(2, 3, 2, 3))
	// Lanes i and i+4: column 4j+k in 128-bit lane k.
	q := foldPairs(p, VSHUFF32X4, lanes(0, 2, 0, 2), lanes(1, 3, 1, 3))
	// Lanes i and i+2: lane k holds [column k's two sums, column k+4's].
	u := foldPairs(q, VSHUFPS, lanes(0, 1, 0, 1), lanes(2, 3, 2, 3))[0]
	v := ZMM()
	// Lanes i and i+1: column k in element 0 of lane k, k+4 in element 2.
	VMOVSHDUP(u, v)
	VADDPS(v, u, u)
	sums := make([]Register, len(acc))
	for k := range 4 {
		x := u.AsX()
		if k > 0 {
			x = XMM()
			VEXTRACTF32X4(U8(k), u, x)
		}
		sums[k] = x
		if len(acc) == 8 {
			h := XMM()
			VMOVHLPS(x, x, h)
			sums[k+4] = h
		}
	}
	return sums
}

// foldPairs adds, for each pair of vs (a lone last vector pairs with
// itself), what shuffle selects from the two with lo to what it selects
// with hi.
func foldPairs(vs []VecVirtual, shuffle func(...Op), lo, hi U8) []VecVirtual {
	var out []VecVirtual
	for j := 0; j < len(vs); j += 2 {
		a, b := vs[j], vs[min(j+1, len(vs)-1)]
		u, v := ZMM(), ZMM()
		shuffle(lo, b, a, u)
		shuffle(hi, b, a, v)
		VADDPS(v, u, u)
		out = append(out, u)
	}
	return out
}

// rowEnd ends a tile kernel's row: it stores the row's result sum(c) for
// every column c at dst + c·ds, moves dst to the next row and loops to
// name_row while rows are left.
func rowEnd(name string, cols int, dst, ds, rows Register, sum func(c int) Register) {
	d := GP64()
	MOVQ(dst, d)
	for c := range cols {
		VMOVSS(sum(c), Mem{Base: d})
		if c < cols-1 {
			ADDQ(ds, d)
		}
	}
	ADDQ(U8(4), dst)
	DECQ(rows)
	JNZ(LabelRef(name + "_row"))
	VZEROUPPER()
	RET()
}

// ahead is how many bytes ahead of its weight reads a one-column kernel
// (token generation, whose weights stream from memory) asks for the
// lines it will read. The hardware prefetchers find a stream only after
// a few misses and then ramp up, and every call starts its streams anew
// (two per call in the pair kernels; a job makes a few calls per worker,
// and a token ~90 jobs): one column of Q4_KR over 256 MiB on 2 threads
// streamed 60% of StreamBandwidth in calls of 64 rows, 78% in 128, 85%
// in 256 and ~100% from 1024 rows (BenchmarkKernels-style timing,
// alternated; with prefetches 4 KiB ahead: 73%, 91%, 98%, 96%). With
// prefetches 2–6 KiB ahead, TinyLlama tg went from 72–81% to 84–92% of
// the same-moment ceiling as StreamBandwidth measured it then (plain
// loads in fixed halves; in-process, three alternations of each
// distance; 8 KiB was worse again, PREFETCHNTA 10% slower than T0).
const ahead = 4096

// prefetchAhead emits, in a one-column kernel's block loop that moves the
// weight pointers ws by step bytes an iteration, one PREFETCHT0 per 64
// bytes of step at ahead bytes from each: consecutive iterations then
// touch every line of the stream (the last prefetch of one lies less than
// 64 bytes before the first of the next). A prefetch past the end of the
// weights is harmless: prefetches never fault, and the lines they fetch
// are usually the next call's.
func prefetchAhead(step int, ws ...Register) {
	for off := 0; off < step; off += 64 {
		for _, w := range ws {
			PREFETCHT0(Mem{Base: w, Disp: ahead + off})
		}
	}
}

// colBases loads the activations' address x and returns the bases colMem
// addresses columns from: x, x+4·xStride… one per four of cols columns.
func colBases(cols int, xs Register) []Register {
	xb := []Register{Load(Param("x"), GP64())}
	for g := 1; g*4 < cols; g++ {
		r := GP64()
		LEAQ(Mem{Base: xb[g-1], Index: xs, Scale: 4}, r)
		xb = append(xb, r)
	}
	return xb
}

// colMem addresses activation column c: x + c*xStride, where xb[g] =
// x + 4g*xStride.
func colMem(c int, xb []Register, xs, x3 Register) Mem {
	base := xb[c/4]
	switch c % 4 {
	case 0:
		return Mem{Base: base}
	case 1:
		return Mem{Base: base, Index: xs, Scale: 1}
	case 2:
		return Mem{Base: base, Index: xs, Scale: 2}
	}
	return Mem{Base: base, Index: x3, Scale: 1}
}

// tiles emits the dot product and the column widths 1, 2, 4 (and 8 with
// zmm) of k for a.
func tiles(k tileKind, a isa) {
	for _, c := range []int{0, 1, 2, 4, 8} {
		if c == 8 && !a.zmm && !k.ymm8 {
			continue
		}
		tile(k, a, c)
	}
}

// tileArgs loads a tile kernel's arguments before w (tileSignature): dst,
// the results' column stride ds in bytes, rows, the activations' column
// stride xs and 3·xs.
func tileArgs() (dst, ds, rows, xs, x3 Register) {
	dst = Load(Param("dst"), GP64())
	ds = Load(Param("dstStride"), GP64())
	SHLQ(U8(2), ds)
	rows = Load(Param("rows"), GP64())
	xs = Load(Param("xStride"), GP64())
	x3 = GP64()
	LEAQ(Mem{Base: xs, Index: xs, Scale: 2}, x3)
	return dst, ds, rows, xs, x3
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q4_K × Q8_KX with AVX-512 VNNI (layouts in q4_k.go and q8_kx.go).
//
// Q8_KX keeps the 16 activations of each 128-bit lane of a 64-byte
// operand in one Q4_K group, so VPDPBUSD (u8 nibbles × s8 activations,
// four products per int32 lane) sums a block's groups without mixing
// them: ie gathers groups 0, 2, 4, 6 (lane q: group 2q) from operands 0
// and 1, io groups 1, 3, 5, 7 from operands 2 and 3, each lane at most
// 8·15·128. VPACKSSDW puts lane q's four ie and four io sums side by side
// as words, and one VPMADDWD with the words [sc_2q ×4, sc_2q+1 ×4]
// applies the 6-bit scales exactly. Then, in float:
//
//	acc += dy·(d·Σ sc·isum)  -  [dmin·m_g] ⊙ gsf     (lanes 0-7 only)
//
// where gsf is dy times the sum of group g's activations, so the
// minimums cost one masked FNMADD per column. Four products per 64
// weights instead of Q8_K's eight (VPMADDUBSW, VPDPWSSD).
//
// The weights: operand k's lane q is qs bytes 32q+16(k&1)… (low nibbles
// for k < 2, high for k ≥ 2), so one VPERMT2Q of the 128 qs bytes makes
// the low and high nibbles of operands 0 and 2, another those of 1 and 3.

type q4kxConsts struct {
	zero       VecVirtual // zeroes: see zeroed
	mask       VecVirtual // 0x0f bytes
	idxA, idxB VecVirtual // VPERMT2Q qword indices of operands 0/2 and 1/3
	low8       Register   // mask register: lanes 0-7
}

type q4kxBlock struct {
	o   [4]VecVirtual // the operands' nibbles
	scw VecVirtual    // words [sc_2q ×4, sc_2q+1 ×4] in lane q
	d   VecVirtual    // d, broadcast
	dm  VecVirtual    // dmin·m_g in lanes 0-7, to meet gsf
}

var q4kx = tileKind{
	name: "q4kx", wBytes: 144, xBytes: 384,
	setup:    q4kxSetup,
	block:    q4kxBlockFn,
	block4:   q4kxBlock4,
	blockOf4: q4kxBlockOf4,
	column:   q4kxColumn,
	// Decoding four headers at once pays at every width.
	block4Cols: 8,
}

func q4kxSetup(a isa, cols int) any {
	var k q4kxConsts
	k.zero, k.mask, k.idxA, k.idxB = ZMM(), ZMM(), ZMM(), ZMM()
	VPXORD(k.zero, k.zero, k.zero)
	k.low8 = K()
	r := GP32()
	MOVL(U32(0xff), r)
	KMOVW(r, k.low8)
	VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
	q := func(v ...uint32) []uint32 { // qword indices as dwords
		var d []uint32
		for _, x := range v {
			d = append(d, x, 0)
		}
		return d
	}
	VMOVDQU64(constDwords("q4kx_idxa", q(0, 1, 4, 5, 8, 9, 12, 13)), k.idxA)
	VMOVDQU64(constDwords("q4kx_idxb", q(2, 3, 6, 7, 10, 11, 14, 15)), k.idxB)
	return k
}

// q4kxScaleShuffle is the VPSHUFB control making scw from [sc0..sc7,
// m0..m7] in every lane: lane q's words 0-3 are sc_2q, 4-7 sc_2q+1.
func q4kxScaleShuffle() Mem {
	ctl := make([]byte, 64)
	for i := 0; i < 64; i += 2 {
		q, word := i/16, i%16/2
		ctl[i] = byte(2*q + word/4)
		ctl[i+1] = 0x80
	}
	return constBytes("q4kx_sshuf", ctl)
}

// q4kxOperands loads and unpacks the 128 qs bytes at w.
func q4kxOperands(k q4kxConsts, w Mem, b *q4kxBlock) {
	pa, pb := ZMM(), ZMM()
	VMOVDQU64(w.Offset(16), pa)
	VPERMT2Q(w.Offset(80), k.idxA, pa)
	VMOVDQU64(w.Offset(16), pb)
	VPERMT2Q(w.Offset(80), k.idxB, pb)
	for i, p := range []VecVirtual{pa, pb} {
		lo, hi := ZMM(), ZMM()
		VPSRLW(U8(4), p, hi)
		VPANDD(k.mask, p, lo)
		VPANDD(k.mask, hi, hi)
		b.o[i], b.o[i+2] = lo, hi
	}
}

// q4kxScales makes scw, d and dm from ub ([sc0..sc7, m0..m7] in every
// 128-bit lane), d and dmin (broadcast).
func q4kxScales(ub, d, dmin VecVirtual, b *q4kxBlock) {
	b.scw = ZMM()
	VPSHUFB(q4kxScaleShuffle(), ub, b.scw)
	m := XMM()
	VPSRLDQ(U8(8), ub.AsX(), m)
	b.dm = ZMM()
	VPMOVZXBD(m, b.dm)
	VCVTDQ2PS(b.dm, b.dm)
	VMULPS(dmin, b.dm, b.dm)
	b.d = d
}

func q4kxBlockFn(a isa, kc any, w Mem) any {
	k := kc.(q4kxConsts)
	var b q4kxBlock
	u := decodeKScales(a, w)
	h, dd, d, dmin := YMM(), ZMM(), ZMM(), ZMM()
	VPBROADCASTD(w, h) // [d, dmin] ×8 as float16
	VCVTPH2PS(h, dd)
	VMOVSLDUP(dd, d)
	VMOVSHDUP(dd, dmin)
	ub := ZMM()
	VSHUFI32X4(U8(0), u.AsZ(), u.AsZ(), ub)
	q4kxScales(ub, d, dmin, &b)
	q4kxOperands(k, w, &b)
	return b
}

// q4kxBlock4 decodes the headers of four blocks at once (q4kBlock4).
func q4kxBlock4(a isa, kc any, w Mem) any {
	return q4kBlock4(a, kc, w)
}

// q4kxBlockOf4 finishes block b of q4kxBlock4's four: its d and dmin are
// floats 8(b%2) and 8(b%2)+1 of f (blocks 0, 1) or f2 (2, 3).
func q4kxBlockOf4(a isa, kc, shared any, w Mem, b int) any {
	k := kc.(q4kxConsts)
	hs := shared.([3]VecVirtual)
	u, f, f2 := hs[0], hs[1], hs[2]
	var st q4kxBlock
	ub := ZMM()
	VSHUFI32X4(U8(0x55*b), u, u, ub)
	src := f
	if b >= 2 {
		src = f2
	}
	d, dmin := ZMM(), ZMM()
	for i, r := range []VecVirtual{d, dmin} {
		e := uint32(8*(b%2) + i)
		idx := ZMM()
		VPBROADCASTD(constDwords(fmt.Sprint("idx", e), []uint32{e}), idx)
		VPERMPS(src, idx, r)
	}
	q4kxScales(ub, d, dmin, &st)
	q4kxOperands(k, w.Offset(b*144), &st)
	return st
}

func q4kxColumn(a isa, kc, st any, x Mem, acc VecVirtual) {
	k, b := kc.(q4kxConsts), st.(q4kxBlock)
	ie, io := zeroed(k.zero), zeroed(k.zero)
	VPDPBUSD(x, b.o[0], ie)
	VPDPBUSD(x.Offset(64), b.o[1], ie)
	VPDPBUSD(x.Offset(128), b.o[2], io)
	VPDPBUSD(x.Offset(192), b.o[3], io)
	VPACKSSDW(io, ie, ie)
	VPMADDWD(b.scw, ie, ie)
	VCVTDQ2PS(ie, ie)
	VMULPS(b.d, ie, ie)
	VFMADD231PS_BCST(x.Offset(352), ie, acc)
	VFNMADD231PS(x.Offset(320), b.dm, k.low8, acc)
}

// Q4_K repacked (Q4_KR, layout in q4_kr.go) × Q8_KX: the same arithmetic
// as q4kx, bit for bit, on blocks whose 6-bit scales and minimums are
// already bytes and whose quants are already in operand order, so a
// block costs neither the scale decoding nor the VPERMT2Qs.
var q4kr = tileKind{
	name: "q4kr", wBytes: 148, xBytes: 384,
	setup:  q4kxSetup,
	block:  q4krBlockFn,
	column: q4kxColumn,
}

func q4krBlockFn(a isa, kc any, w Mem) any {
	k := kc.(q4kxConsts)
	var b q4kxBlock
	h, dd, d, dmin := YMM(), ZMM(), ZMM(), ZMM()
	VPBROADCASTD(w, h) // [d, dmin] ×8 as float16
	VCVTPH2PS(h, dd)
	VMOVSLDUP(dd, d)
	VMOVSHDUP(dd, dmin)
	ub := ZMM()
	VBROADCASTI32X4(w.Offset(4), ub)
	b.scw = ZMM()
	VPSHUFB(q4kxScaleShuffle(), ub, b.scw)
	// The minimums: lanes 8-15 get the next bytes, which the masked
	// FNMADD never reads.
	b.dm = ZMM()
	VPMOVZXBD(w.Offset(12), b.dm)
	VCVTDQ2PS(b.dm, b.dm)
	VMULPS(dmin, b.dm, b.dm)
	b.d = d
	for i := range 2 {
		p, hi := ZMM(), ZMM()
		VMOVDQU64(w.Offset(20+64*i), p)
		VPSRLW(U8(4), p, hi)
		VPANDD(k.mask, p, p)
		VPANDD(k.mask, hi, hi)
		b.o[i], b.o[i+2] = p, hi
	}
	return b
}

// zeroed returns a new register set to zero by a zero idiom on the
// register zero. (avo does not know that VPXORD of a register with itself
// ignores its value, and would keep a register zeroed that way live from
// the function's entry, so kernels zero one register once and xor it.)
func zeroed(zero VecVirtual) VecVirtual {
	r := ZMM()
	VPXORD(zero, zero, r)
	return r
}

func genQ4KX() {
	for _, c := range []int{1, 2, 4, 8} { // no dot product: VecDot takes Q8_K
		tile(q4kx, avx512vnni, c)
		tile(q4kr, avx512vnni, c)
	}
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q4_K × Q8_KX with AVX-512 VNNI (layouts in q4_k.go and q8_kx.go), two
// weight rows at a time.
//
// Q8_KX keeps the 16 activations of each 128-bit lane of a 64-byte
// operand in one Q4_K group, so VPDPBUSD (u8 nibbles × s8 activations,
// four products per int32 lane) sums a block's groups without mixing
// them: ie gathers groups 0, 2, 4, 6 (lane q: group 2q) from operands 0
// and 1, io groups 1, 3, 5, 7 from operands 2 and 3, each lane at most
// 8·15·128. For rows A and B, VPACKSSDW puts lane q's four ie sums of A
// and four of B side by side as words, and one VPMADDWD with the words
// [scA_2q ×4, scB_2q ×4] applies the 6-bit scales exactly; a VPDPWSSD adds
// the io sums scaled by sc_2q+1 the same way. So in the int32 vector m,
// lanes 4q and 4q+1 hold row A's scaled sums, 4q+2 and 4q+3 row B's; the
// float work is pair.go's, two columns at a time:
//
//	accP += [dy, dy, dy', dy'] ⊙ D ⊙ float(m₀ + m₁)    per 128-bit lane
//	accX -= DM ⊙ gsf2                                   per column
//
// where m₀ + m₁ adds each row's two partial sums of both columns ([A, B,
// A', B']), D is [dA, dB, dA, dB], DM the rows' dmin·m_g in m's lanes
// (lane 4q+i: group 2q+i%2) and gsf2 dy times the sum of those groups'
// activations (Q8_KX keeps it in that order). A row's dot product is the
// sum of its slot of accP and its lanes of accX.
//
// The units that multiply (VPDPBUSD, VPMADDWD, VMULPS, the FMAs) are what
// bound these kernels: a row and column of one block costs 4 VPDPBUSD
// plus 2.5 other multiplications one column at a time (1.75 two at a
// time), against 4 plus 4 one row at a time, and each activation operand
// is loaded once for both rows. Eight columns on one core (112 rows of
// 2048): Q4_K 176 → 230 GMAC/s, Q4_KR 197 → 259 (rows in pairs), then
// columns in pairs 15.0–15.2 → 15.2–16.3 GB/s of weights (n = 2048) and
// 14.8–15.0 → 15.3–15.9 (n = 5632). A row's float arithmetic does not
// depend on the row it is paired with nor on the number of columns, so
// every width gives the same results bit for bit, and Q4_KR gives Q4_K's.
//
// The weights: operand k's lane q is qs bytes 32q+16(k&1)… (low nibbles
// for k < 2, high for k ≥ 2), so one VSHUFI64X2 of the 128 qs bytes makes
// the low and high nibbles of operands 0 and 2, another those of 1 and 3.

// q4kxConsts are the kernels' constants in registers. The 64-byte ones
// a block needs (the scale shuffles, the VPERMPS indices) are loaded
// before the loops too when the tile is narrow enough to leave registers
// for them, else once per block: the linker aligns read-only data to 32
// bytes only, so a 64-byte constant may straddle two cache lines, and a
// memory operand that does in every block and column is slow.
//
// Eight columns need every register but one (4 column-pair and 8 minimum
// accumulators, the decoded pair's 12, a column's integer sums kept while
// the next column's are made, 4 temporaries): there the nibble mask is a
// broadcast dword operand, and zero idioms take their source from a
// register that is live anyway.
type q4kxConsts struct {
	mask VecVirtual // 0x0f bytes; nil: a broadcast operand
	held map[string]VecVirtual
}

// and4 clears the bits of v outside the nibble mask.
func (k q4kxConsts) and4(v VecVirtual) {
	if k.mask == nil {
		VPANDD_BCST(constDwords("nibble_mask4", []uint32{0x0f0f0f0f}), v, v)
		return
	}
	VPANDD(k.mask, v, v)
}

// get returns the named 64-byte constant in a register: k's, or
// loaded now.
func (k q4kxConsts) get(name string) VecVirtual {
	if r, ok := k.held[name]; ok {
		return r
	}
	r := ZMM()
	VMOVDQU64(q4kxConstant(name), r)
	return r
}

// q4kxConstant is the named constant: the VPSHUFB controls making s1 and
// s2, the VPERMPS indices making D and dmin.
func q4kxConstant(name string) Mem {
	rep := func(d ...uint32) []uint32 { return append(append(append(d[:4:4], d...), d...), d...) }
	switch name {
	case "q4kx_sshuf0":
		return q4kxScaleShuffle(0)
	case "q4kx_sshuf1":
		return q4kxScaleShuffle(1)
	case "q4kx_idxd":
		return constDwords(name, rep(0, 2, 0, 2))
	case "q4kx_idxm":
		return constDwords(name, rep(1, 1, 3, 3))
	}
	panic(name)
}

// q4kxPair is a decoded pair of blocks, one of each row.
type q4kxPair struct {
	a, b   [4]VecVirtual // the operands' nibbles of rows A and B
	s1, s2 VecVirtual    // words [scA_2q ×4, scB_2q ×4] and [scA_2q+1 ×4, scB_2q+1 ×4] in lane q
	d      VecVirtual    // [dA, dB, dA, dB] per lane
	dm     VecVirtual    // lane 4q+i: dmin·m_{2q+i%2} of row A (i < 2) or B
}

// q4kxLayout is one Q4_K layout's decoding.
type q4kxLayout struct {
	repacked bool
	// header loads the pair's scales and minimums as [scA0-7, scB0-7]
	// (the low 128 bits of sc) and the xmm [mA0-7, mB0-7], and its d and
	// dmin as the xmm [dA|dminA, dB|dminB] of float16 pairs.
	header func(k q4kxConsts, wa, wb Mem, live VecVirtual) (sc, m, h VecVirtual)
	// operands unpacks one block's quants into its four operands.
	operands func(k q4kxConsts, w Mem, o *[4]VecVirtual)
}

var (
	q4kxPairs = q4kxKind("q4kx", 144, q4kxLayout{false, q4kxHeader, q4kxOperands})
	q4krPairs = q4kxKind("q4kr", 148, q4kxLayout{true, q4krHeader, q4krOperands})
)

func q4kxKind(name string, wBytes int, l q4kxLayout) pairKind {
	return pairKind{name: name, wBytes: wBytes, xBytes: q8kxBytes,
		dy:     q8kxD,
		setup:  func(cols int) any { return q4kxSetup(cols) },
		decode: func(k any, wa, wb Mem, live VecVirtual) any { return q4kxDecode(l, k.(q4kxConsts), wa, wb, live) },
		ints:   func(k, p any, x Mem) VecVirtual { return q4kxInts(p.(q4kxPair), x) },
		d:      func(p any) VecVirtual { return p.(q4kxPair).d },
		extra: func(k, p any, x Mem, acc VecVirtual) {
			VFNMADD231PS(x.Offset(q8kxGsf2), p.(q4kxPair).dm, acc)
		},
	}
}

const q8kxBytes, q8kxGsf2, q8kxD = 384, 256, 320

func q4kxSetup(cols int) q4kxConsts {
	k := q4kxConsts{held: map[string]VecVirtual{}}
	if cols < 8 {
		k.mask = ZMM()
		VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
	}
	if cols <= 4 {
		for _, name := range []string{"q4kx_sshuf0", "q4kx_sshuf1", "q4kx_idxd", "q4kx_idxm"} {
			k.held[name] = ZMM()
			VMOVDQU64(q4kxConstant(name), k.held[name])
		}
	}
	return k
}

// q4kxHeader decodes two Q4_K headers (12 bytes of 6-bit scales and
// minimums each) together, one per 128-bit lane, as q4k.go's
// decodeKScales does one.
func q4kxHeader(k q4kxConsts, wa, wb Mem, live VecVirtual) (sc, m, h VecVirtual) {
	// u is read whole below (VSHUFI32X4), x whole by VINSERTI32X4: zeroed
	// first, or avo, which takes a ymm write for a write of that half,
	// would keep them live around the loop and out of the columns' reach.
	x, u, v := zeroedY(live), zeroedY(live), YMM()
	VMOVDQU32(wa, x.AsX())
	VINSERTI32X4(U8(1), wb, x, x)
	VPSHUFD(U8(1|3<<2|2<<4|3<<6), x, u) // [a, c, b, c]
	VPSHUFD(U8(1|1<<2|2<<4|2<<6), x, v) // [a, a, b, b]
	rep := func(d []uint32) []uint32 { return append(append(append(d[:4:4], d...), d...), d...) }
	VPSRLVD(constDwords("kscale_shift4", rep([]uint32{0, 0, 0, 4})), u, u)
	VPSRLD(U8(2), v, v)
	VPANDD(constDwords("kscale_masklo4", rep([]uint32{0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f})), u, u)
	VPTERNLOGD(ternlog(func(a, b, c bool) bool { return a || b && c }),
		constDwords("kscale_maskhi4", rep([]uint32{0, 0x30303030, 0, 0x30303030})), v, u)
	// u is [scA, mA | scB, mB] by quadwords: make it [scA, scB | mA, mB].
	VPERMQ(U8(0|2<<2|1<<4|3<<6), u, u)
	sc, m, h = u, XMM(), XMM() // sc: the low lane of u
	VEXTRACTI32X4(U8(1), u, m)
	VPSHUFD(U8(0|4<<2), x.AsX(), h) // dword 0: hA
	VPINSRD(U8(1), wb, h, h)
	return sc, m, h
}

// q4kxOperands loads and unpacks the 128 qs bytes of the Q4_K block at w.
func q4kxOperands(k q4kxConsts, w Mem, o *[4]VecVirtual) {
	pa, pb := ZMM(), ZMM()
	// 16-byte pieces 0, 2 | 4, 6 and 1, 3 | 5, 7 of the 128 bytes.
	VMOVDQU64(w.Offset(16), pb)
	VSHUFI64X2(U8(0|2<<2|0<<4|2<<6), w.Offset(80), pb, pa)
	VSHUFI64X2(U8(1|3<<2|1<<4|3<<6), w.Offset(80), pb, pb)
	for i, p := range []VecVirtual{pa, pb} {
		hi := ZMM()
		VPSRLW(U8(4), p, hi)
		k.and4(p)
		k.and4(hi)
		o[i], o[i+2] = p, hi
	}
}

// q4krHeader reads two Q4_KR headers, whose scales and minimums are
// already bytes.
func q4krHeader(k q4kxConsts, wa, wb Mem, live VecVirtual) (sc, m, h VecVirtual) {
	sc, m, h = zeroedY(live).AsX().(VecVirtual), XMM(), XMM() // zeroed: see q4kxHeader
	VMOVQ(wa.Offset(4), sc)
	VPINSRQ(U8(1), wb.Offset(4), sc, sc)
	VMOVQ(wa.Offset(12), m)
	VPINSRQ(U8(1), wb.Offset(12), m, m)
	VMOVD(wa, h)
	VPINSRD(U8(1), wb, h, h)
	return sc, m, h
}

// q4krOperands unpacks a Q4_KR block's quants, already in operand order.
func q4krOperands(k q4kxConsts, w Mem, o *[4]VecVirtual) {
	for i := range 2 {
		p, hi := ZMM(), ZMM()
		VMOVDQU64(w.Offset(20+64*i), p)
		VPSRLW(U8(4), p, hi)
		k.and4(p)
		k.and4(hi)
		o[i], o[i+2] = p, hi
	}
}

// q4kxDecode decodes the blocks at wa (row A) and wb (row B).
func q4kxDecode(pk q4kxLayout, k q4kxConsts, wa, wb Mem, live VecVirtual) q4kxPair {
	var p q4kxPair
	sc, m, h := pk.header(k, wa, wb, live)
	scz := ZMM()
	VSHUFI32X4(U8(0), sc.AsZ(), sc.AsZ(), scz)
	p.s1, p.s2 = ZMM(), ZMM()
	VPSHUFB(k.get("q4kx_sshuf0"), scz, p.s1)
	VPSHUFB(k.get("q4kx_sshuf1"), scz, p.s2)
	f := zeroedY(live) // zeroed: see q4kxHeader
	VCVTPH2PS(h, f)
	// D = [dA, dB, dA, dB] and dmin as [dA, dA, dB, dB] in every lane.
	p.d = ZMM()
	VPERMPS(f.AsZ(), k.get("q4kx_idxd"), p.d)
	dmin := ZMM()
	VPERMPS(f.AsZ(), k.get("q4kx_idxm"), dmin)
	// Minimums in the lanes of their groups: byte 2q+i%2 of row A's
	// eight for i < 2, of row B's (8 + …) for i ≥ 2.
	ctl := make([]byte, 16)
	for q := range 4 {
		for i := range 4 {
			ctl[4*q+i] = byte(2*q + i%2 + 8*(i/2))
		}
	}
	VPSHUFB(constBytes("q4kx_mshuf", ctl), m, m)
	p.dm = ZMM()
	VPMOVZXBD(m, p.dm)
	VCVTDQ2PS(p.dm, p.dm)
	VMULPS(dmin, p.dm, p.dm)
	pk.operands(k, wa, &p.a)
	pk.operands(k, wb, &p.b)
	return p
}

// q4kxScaleShuffle is the VPSHUFB control making s1 (odd = 0) or s2 (odd
// = 1) from [scA0..scA7, scB0..scB7] in every lane: lane q's words 0-3 are
// scA_2q+odd, 4-7 scB_2q+odd.
func q4kxScaleShuffle(odd int) Mem {
	ctl := make([]byte, 64)
	for i := 0; i < 64; i += 2 {
		q, word := i/16, i%16/2
		ctl[i] = byte(2*q + odd + 8*(word/4))
		ctl[i+1] = 0x80
	}
	return constBytes(fmt.Sprintf("q4kx_sshuf%d", odd), ctl)
}

// q4kxInts returns the pair's integer sums with the activation block at
// x (pairKind.ints).
func q4kxInts(p q4kxPair, x Mem) VecVirtual {
	zero := p.a[0] // a zero idiom ignores its source's value
	// The even groups' sums are packed before the odd ones start: a
	// column's sums wait in a register while the next column's are made,
	// and eight columns have four temporaries for that, not five.
	var packed [2]VecVirtual
	for h := range 2 {
		ea, eb := zeroed(zero), zeroed(zero)
		for j := 2 * h; j < 2*h+2; j++ {
			// Loaded once for both rows: a memory operand each time ran
			// 1.3× slower.
			xj := ZMM()
			VMOVDQU64(x.Offset(64*j), xj)
			VPDPBUSD(xj, p.a[j], ea)
			VPDPBUSD(xj, p.b[j], eb)
		}
		VPACKSSDW(eb, ea, ea)
		packed[h] = ea
	}
	m := packed[0]
	VPMADDWD(p.s1, m, m)
	VPDPWSSD(p.s2, packed[1], m)
	return m
}

// zeroedY is zeroed's ymm.
func zeroedY(zero VecVirtual) VecVirtual { return zeroed(zero).AsY().(VecVirtual) }

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
		pairTile(q4kxPairs, c)
		pairTile(q4krPairs, c)
	}
	quadTile(q4kxPairs)
	quadTile(q4krPairs)
}

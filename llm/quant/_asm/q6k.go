package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q6_K × Q8_K (layouts in q6_k.go and q8_k.go). For one 256-element block
// of 16 groups with int8 scales sc:
//
//	dot = d·dy·Σ_g sc_g·(Σ_{i in g} q_i·a_i - 32·bsum_g),  q in 0..63
//
// so the 6-bit values stay unsigned for VPMADDUBSW (pairs at most
// 2·63·128, no saturation) and the -32 offset costs one VPMADDWD of the
// bsums with the scales times -32, which also starts the accumulator.
// The high bits: qh byte l holds bits 4-5 of elements l, l+32, l+64 and
// l+96 of its half, in its bit pairs 0-1, 2-3, 4-5, 6-7; a word shift
// moves the pair to bits 4-5 of each byte (the bits crossing from the
// neighbouring byte are masked off).

type q6kConsts struct {
	mask, mask30 VecVirtual    // 0x0f and 0x30 bytes
	shl, shr     VecVirtual    // zmm word shifts: [4×16, 2×16] left, [0×16, 2×16] right
	sidx         [4]VecVirtual // zmm: VPERMW indices of the scale vectors
	scratch      Mem           // AVX2: the 16 scale words (32 bytes)
	// AVX2 kernels here are of one column (and the dot product), which
	// make the 6-bit values and scale vectors in registers (as q4kConsts
	// says; one column on one core 12.5–13.1 → 19–21 GB/s). Wider AVX2
	// tiles are grouptile.go's.
	x actsLayout // where the activation block's parts are
}

type q6kBlock struct {
	wm  Mem           // AVX2: the block
	q   [4]VecVirtual // zmm: 6-bit values of elements 64k..64k+63
	s   [4]VecVirtual // zmm: words [sc_4k ×8, sc_4k+1 ×8, sc_4k+2 ×8, sc_4k+3 ×8]
	s32 VecVirtual    // ymm: the 16 scales times -32
	d   VecVirtual    // d, broadcast
}

var q6k = tileKind{
	name: "q6k", wBytes: 210, xBytes: 292,
	frame: func(a isa) int {
		if a.zmm {
			return 0
		}
		return 64
	},
	setup:  q6kSetup,
	block:  q6kBlockFn,
	column: q6kColumn,
}

func q6kSetup(a isa, cols int) any {
	k := q6kConsts{x: q8kLayout}
	if !a.zmm {
		if cols > 1 {
			panic("q6k: AVX2 tiles of more than one column are grouptile.go's")
		}
		k.scratch = alignedLocal(32)
		k.mask, k.mask30 = YMM(), YMM()
		VMOVDQU(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
		VMOVDQU(constBytes("q6k_mask30", splat(64, 0x30)), k.mask30)
		return k
	}
	k.mask, k.mask30, k.shl, k.shr = ZMM(), ZMM(), ZMM(), ZMM()
	VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
	VMOVDQU64(constBytes("q6k_mask30", splat(64, 0x30)), k.mask30)
	shl, shr := make([]int, 32), make([]int, 32)
	for i := range shl {
		shl[i], shr[i] = 4, 0
		if i >= 16 {
			shl[i], shr[i] = 2, 2
		}
	}
	VMOVDQU64(constWords("q6k_shl", shl), k.shl)
	VMOVDQU64(constWords("q6k_shr", shr), k.shr)
	if cols <= 4 { // wider tiles need the registers
		for i := range k.sidx {
			k.sidx[i] = ZMM()
			VMOVDQU64(q6kScaleIndex(i), k.sidx[i])
		}
	}
	return k
}

// q6kScaleIndex is the VPERMW index spreading the 16 scale words into
// the scale vector of elements 64k..64k+63.
func q6kScaleIndex(k int) Mem {
	idx := make([]int, 32)
	for i := range idx {
		idx[i] = 4*k + i/8
	}
	return constWords("q6k_sidx"+string(rune('0'+k)), idx)
}

func q6kBlockFn(a isa, kc any, w Mem) any {
	k := kc.(q6kConsts)
	var b q6kBlock
	minus32 := constWords("minus32", []int{-32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32, -32})
	t := YMM()
	VPMOVSXBW(w.Offset(192), t)
	b.s32 = YMM()
	VPMULLW(minus32, t, b.s32)
	if a.zmm {
		for i := range 4 {
			idx := k.sidx[i]
			if idx == nil {
				idx = ZMM()
				VMOVDQU64(q6kScaleIndex(i), idx)
			}
			b.s[i] = ZMM()
			VPERMW(t.AsZ(), idx, b.s[i])
		}
		for h := range 2 {
			l, q, hi, t1, t2 := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
			VMOVDQU64(w.Offset(64*h), l)
			VBROADCASTI64X4(w.Offset(128+32*h), q)
			VPSRLW(U8(4), l, hi)
			VPSLLVW(k.shl, q, t1)
			VPSRLVW(k.shr, q, t2)
			VPANDD(k.mask30, t1, t1)
			VPANDD(k.mask30, t2, t2)
			or := ternlog(func(a, b, c bool) bool { return a && c || b })
			VPTERNLOGD(or, k.mask, t1, l)
			VPTERNLOGD(or, k.mask, t2, hi)
			b.q[2*h], b.q[2*h+1] = l, hi
		}
		b.d = ZMM()
		h := YMM()
		VPBROADCASTW(w.Offset(208), h)
		VCVTPH2PS(h, b.d)
		return b
	}
	// AVX2: the scale words to the scratch, for broadcast loads.
	VMOVDQU(t, k.scratch)
	b.wm = w
	b.d = YMM()
	h := XMM()
	VPBROADCASTW(w.Offset(208), h)
	VCVTPH2PS(h, b.d)
	return b
}

// q6kValues32 returns the 6-bit values of elements 128h+32j… of the block
// at w in a ymm (AVX2), q holding the block's qh bytes of half h: element
// 128h + 32j + l is ql[64h + l + 32·(j&1)], nibble j>>1, with the high
// bits of pair j of qh[32h + l]. k.mask and k.mask30 must be loaded.
func q6kValues32(k q6kConsts, w Mem, q VecVirtual, h, j int) VecVirtual {
	l, hb := YMM(), YMM()
	VMOVDQU(w.Offset(64*h+32*(j&1)), l)
	if j >= 2 {
		VPSRLW(U8(4), l, l)
	}
	VPAND(k.mask, l, l)
	switch j {
	case 0:
		VPSLLW(U8(4), q, hb)
	case 1:
		VPSLLW(U8(2), q, hb)
	case 2:
		VMOVDQA(q, hb)
	case 3:
		VPSRLW(U8(2), q, hb)
	}
	VPAND(k.mask30, hb, hb)
	VPOR(hb, l, l)
	return l
}

func q6kColumn(a isa, kc, st any, x Mem, acc VecVirtual) {
	k, b := kc.(q6kConsts), st.(q6kBlock)
	i := a.vec()
	VPMADDWD(x.Offset(k.x.bsums), b.s32, i.AsY()) // -32·Σ sc·bsum; zeroes the upper lanes
	if a.zmm {
		for j := range 4 {
			p := ZMM()
			VPMADDUBSW(x.Offset(k.x.qs+64*j), b.q[j], p)
			a.madd16(b.s[j], p, i, false)
		}
	} else {
		words := k.scratch
		for h := range 2 {
			q := YMM()
			VMOVDQU(b.wm.Offset(128+32*h), q)
			for j := range 4 {
				// The values and scale vector of group i6.
				i6, l := 4*h+j, q6kValues32(k, b.wm, q, h, j)
				lo, hi, sv, p := XMM(), XMM(), YMM(), YMM()
				VPBROADCASTW(words.Offset(4*i6), lo)
				VPBROADCASTW(words.Offset(4*i6+2), hi)
				VINSERTI128(U8(1), hi, lo.AsY(), sv)
				VPMADDUBSW(x.Offset(k.x.qs+32*i6), l, p)
				VPMADDWD(sv, p, p)
				VPADDD(p, i, i)
			}
		}
	}
	f := a.vec()
	VCVTDQ2PS(i, f)
	VMULPS(b.d, f, f)
	if a.zmm {
		VFMADD231PS_BCST(x.Offset(k.x.d), f, acc)
		return
	}
	dy := YMM()
	VBROADCASTSS(x.Offset(k.x.d), dy)
	VFMADD231PS(dy, f, acc)
}

// Q6_K × Q8_K with AVX-512 VNNI, two weight rows at a time (pair.go).
// The 6-bit values q (0..63, the -32 offset applied apart) meet the
// activations through VPDPBUSD, four products per int32 lane: operand j
// (elements 64j…64j+63, in their natural order) gives in 128-bit lane L
// four sums of group 4j+L, each at most 4·63·128, which fits a word. So
// VPACKSSDW puts lane L's four sums of row A and four of row B side by
// side as words, and VPMADDWD (j = 0) or VPDPWSSD (j > 0) with the words
// [scA_4j+L ×4, scB_4j+L ×4] scales them exactly into m: lanes 4L, 4L+1
// are row A's, 4L+2, 4L+3 row B's. The offset, -32·Σ sc_g·bsum_g, is one
// more VPDPWSSD of Q8_K's bsums (lane L: groups G_L…G_L+3 for both rows,
// G = 0, 8, 4, 12, what one broadcast and an in-lane shuffle make of the
// 16 bsums) with the rows' scales times -32. Then, in float, once for both
// rows and two columns (pair.go):
//
//	acc += [dy, dy, dy', dy'] ⊙ D ⊙ float(m₀ + m₁)    D = [dA, dB, dA, dB] per lane
//
// A row and column of one block cost 4 VPDPBUSD and 3.5 other
// multiplications, against 4 VPMADDUBSW, 4 VPDPWSSD and 3 others one row
// at a time. Eight columns on one core (112 rows of 2048): 142 → 178
// GMAC/s, of which loading each activation operand once for both rows
// rather than as a memory operand of each VPDPBUSD is 1.3× (137 → 178).
// One column is slower in L2 (66 → 53 GB/s) but as fast from DRAM.
type q6kPair struct {
	a, b [4]VecVirtual // 6-bit values of elements 64j…64j+63 of rows A and B
	s    [4]VecVirtual // words [scA_4j+L ×4, scB_4j+L ×4] in lane L
	sb   VecVirtual    // words -32·[scA_G_L+i, i < 4; scB_G_L+i, i < 4] in lane L
	d    VecVirtual    // [dA, dB, dA, dB] per lane
}

// q6kBsumGroups is G: the first of the four groups whose bsums lane L
// takes.
var q6kBsumGroups = [4]int{0, 8, 4, 12}

var q6kPairs = pairKind{name: "q6kp", wBytes: 210, xBytes: 292, dy: 0,
	setup:  q6kPairSetup,
	decode: q6kPairDecode,
	ints:   q6kPairInts,
	d:      func(p any) VecVirtual { return p.(q6kPair).d },
}

// q6kPairConsts: a zero register, the word shifts and bsum shuffle in
// registers and, for narrow tiles (which have registers to spare and
// fewer columns to spread a block's decoding over), the VPERMW and VPERMPS
// indices. The pair kernels read no 64-byte constant from memory inside
// their loops: the linker aligns read-only data to 32 bytes only, and a
// load across two cache lines in every block made the one-column kernel
// 1.5× slower in some builds and not in others.
type q6kPairConsts struct {
	zero, shl, shr, bshuf VecVirtual
	idx                   map[string]VecVirtual
}

func q6kPairSetup(cols int) any {
	k := q6kPairConsts{zero: ZMM(), shl: ZMM(), shr: ZMM(), bshuf: ZMM(), idx: map[string]VecVirtual{}}
	VPXORD(k.zero, k.zero, k.zero)
	shl, shr := make([]int, 32), make([]int, 32)
	for i := range shl {
		shl[i], shr[i] = 4, 0
		if i >= 16 {
			shl[i], shr[i] = 2, 2
		}
	}
	VMOVDQU64(constWords("q6k_shl", shl), k.shl)
	VMOVDQU64(constWords("q6k_shr", shr), k.shr)
	// The bsums of groups G_L…G_L+3 twice in lane L, from their
	// broadcast: lane L's words after the broadcast are those of bsums
	// 8(L%2)…8(L%2)+7.
	ctl := make([]byte, 64)
	for L := range 4 {
		for i := range 8 {
			src := 4*(L/2) + i%4 // word of the lane after the broadcast
			ctl[16*L+2*i], ctl[16*L+2*i+1] = byte(2*src), byte(2*src+1)
		}
	}
	VMOVDQU64(constBytes("q6kp_bshuf", ctl), k.bshuf)
	if cols <= 2 {
		for _, name := range []string{"q6kp_s0", "q6kp_s1", "q6kp_s2", "q6kp_s3", "q6kp_sb", "q6kp_didx"} {
			k.idx[name] = ZMM()
			VMOVDQU64(q6kPairIndex(name), k.idx[name])
		}
	}
	return k
}

// q6kPairIndex is the named index vector: the VPERMW indices making the
// scale vectors s_j and sb from the 32 scale words (row A's 16, then row
// B's), or the VPERMPS indices making D from [dA, dB].
func q6kPairIndex(name string) Mem {
	if name == "q6kp_didx" {
		return constDwords(name, []uint32{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1})
	}
	word := func(L, i int) int { return 16*(i/4) + 4*int(name[len(name)-1]-'0') + L } // s_j
	if name == "q6kp_sb" {
		word = func(L, i int) int { return 16*(i/4) + q6kBsumGroups[L] + i%4 }
	}
	idx := make([]int, 32)
	for j := range idx {
		idx[j] = word(j/8, j%8)
	}
	return constWords(name, idx)
}

// index returns the named index in a register: k's, or loaded now.
func (k q6kPairConsts) index(name string) VecVirtual {
	if r, ok := k.idx[name]; ok {
		return r
	}
	r := ZMM()
	VMOVDQU64(q6kPairIndex(name), r)
	return r
}

// q6kValues unpacks the 6-bit values of the Q6_K block at w (the byte
// masks as broadcast dwords, which never cross a cache line).
func q6kValues(k q6kPairConsts, w Mem, q *[4]VecVirtual) {
	mask, mask30 := constDwords("nibble_mask4", []uint32{0x0f0f0f0f}), constDwords("q6k_mask30x4", []uint32{0x30303030})
	for h := range 2 {
		l, qh, hi, t1, t2 := ZMM(), ZMM(), ZMM(), ZMM(), ZMM()
		VMOVDQU64(w.Offset(64*h), l)
		VBROADCASTI64X4(w.Offset(128+32*h), qh)
		VPSRLW(U8(4), l, hi)
		VPSLLVW(k.shl, qh, t1)
		VPSRLVW(k.shr, qh, t2)
		VPANDD_BCST(mask30, t1, t1)
		VPANDD_BCST(mask30, t2, t2)
		or := ternlog(func(a, b, c bool) bool { return a && c || b })
		VPTERNLOGD_BCST(or, mask, t1, l)
		VPTERNLOGD_BCST(or, mask, t2, hi)
		q[2*h], q[2*h+1] = l, hi
	}
}

func q6kPairDecode(kc any, wa, wb Mem, live VecVirtual) any {
	k := kc.(q6kPairConsts)
	var p q6kPair
	// The 32 scales as words: row A's 16, then row B's. (ta and f are
	// read whole below: zeroed first, see q4kxHeader.)
	ta, tb, sw := zeroedY(live), YMM(), ZMM()
	VPMOVSXBW(wa.Offset(192), ta)
	VPMOVSXBW(wb.Offset(192), tb)
	VINSERTI64X4(U8(1), tb, ta.AsZ(), sw)
	for j := range 4 {
		p.s[j] = ZMM()
		VPERMW(sw, k.index(fmt.Sprintf("q6kp_s%d", j)), p.s[j])
	}
	p.sb = ZMM()
	VPERMW(sw, k.index("q6kp_sb"), p.sb)
	VPSLLW(U8(5), p.sb, p.sb) // times -32
	VPSUBW(p.sb, k.zero, p.sb)
	// d of both rows (float16 at byte 208, the block's last two bytes).
	h := XMM()
	VPINSRW(U8(0), wa.Offset(208), k.zero.AsX(), h)
	VPINSRW(U8(1), wb.Offset(208), h, h)
	f := zeroedY(live).AsX().(VecVirtual)
	VCVTPH2PS(h, f)
	p.d = ZMM()
	VPERMPS(f.AsZ(), k.index("q6kp_didx"), p.d)
	q6kValues(k, wa, &p.a)
	q6kValues(k, wb, &p.b)
	return p
}

// q6kPairInts returns the pair's integer sums with the activation block
// at x (pairKind.ints).
func q6kPairInts(kc, pc any, x Mem) VecVirtual {
	k, p := kc.(q6kPairConsts), pc.(q6kPair)
	m := ZMM()
	for j := range 4 {
		ra, rb, xj := zeroed(k.zero), zeroed(k.zero), ZMM()
		VMOVDQU64(x.Offset(4+64*j), xj)
		VPDPBUSD(xj, p.a[j], ra)
		VPDPBUSD(xj, p.b[j], rb)
		VPACKSSDW(rb, ra, ra)
		if j == 0 {
			VPMADDWD(p.s[0], ra, m)
		} else {
			VPDPWSSD(p.s[j], ra, m)
		}
	}
	bs := ZMM()
	VBROADCASTI64X4(x.Offset(260), bs)
	VPSHUFB(k.bshuf, bs, bs)
	VPDPWSSD(p.sb, bs, m)
	return m
}

// q6ka is q6k's one-column AVX2 kernel reading Q8_KA (see q4ka).
var q6ka = alignedActs(q6k, func(a isa, cols int) any {
	k := q6kSetup(a, cols).(q6kConsts)
	k.x = q8kaLayout
	return k
})

func genQ6K() {
	tile(q6k, avx2, 0)
	tile(q6ka, avx2, 1)
	for _, c := range []int{2, 4, 8} {
		q6kGroupTile(c)
	}
	tiles(q6k, avx512)
	// With VNNI, MatMul runs the pair kernels; VecDot keeps this one.
	tile(q6k, avx512vnni, 0)
	for _, c := range []int{1, 2, 4, 8} {
		pairTile(q6kPairs, c)
	}
	quadTile(q6kPairs)
}

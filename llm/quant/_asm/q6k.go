package main

import (
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
	scratch      Mem           // AVX2: 256 bytes of 6-bit values, 8 scale vectors (256)
}

type q6kBlock struct {
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
		return 512
	},
	setup:  q6kSetup,
	block:  q6kBlockFn,
	column: q6kColumn,
}

func q6kSetup(a isa, cols int) any {
	var k q6kConsts
	if !a.zmm {
		k.scratch = AllocLocal(512)
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
	// AVX2: the scale vectors [sc_2i ×8, sc_2i+1 ×8] and the 6-bit values
	// go to the scratch space.
	words := k.scratch.Offset(256)
	VMOVDQU(t, words) // read below before S_0 overwrites it
	var sv [8]VecVirtual
	for i := range 8 {
		lo, hi := XMM(), XMM()
		VPBROADCASTW(words.Offset(4*i), lo)
		VPBROADCASTW(words.Offset(4*i+2), hi)
		sv[i] = YMM()
		VINSERTI128(U8(1), hi, lo.AsY(), sv[i])
	}
	for i := range 8 {
		VMOVDQU(sv[i], k.scratch.Offset(256+32*i))
	}
	mask, mask30 := YMM(), YMM()
	VMOVDQU(constBytes("nibble_mask", splat(64, 0x0f)), mask)
	VMOVDQU(constBytes("q6k_mask30", splat(64, 0x30)), mask30)
	for h := range 2 {
		q := YMM()
		VMOVDQU(w.Offset(128+32*h), q)
		for j := range 4 {
			// element 128h + 32j + l: ql'[l + 32*(j&1)], nibble j>>1;
			// high bits: pair j of qh'[l].
			l, hb := YMM(), YMM()
			VMOVDQU(w.Offset(64*h+32*(j&1)), l)
			if j >= 2 {
				VPSRLW(U8(4), l, l)
			}
			VPAND(mask, l, l)
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
			VPAND(mask30, hb, hb)
			VPOR(hb, l, l)
			VMOVDQU(l, k.scratch.Offset(128*h+32*j))
		}
	}
	b.d = YMM()
	h := XMM()
	VPBROADCASTW(w.Offset(208), h)
	VCVTPH2PS(h, b.d)
	return b
}

func q6kColumn(a isa, kc, st any, x Mem, acc VecVirtual) {
	k, b := kc.(q6kConsts), st.(q6kBlock)
	i := a.vec()
	VPMADDWD(x.Offset(260), b.s32, i.AsY()) // -32·Σ sc·bsum; zeroes the upper lanes
	if a.zmm {
		for j := range 4 {
			p := ZMM()
			VPMADDUBSW(x.Offset(4+64*j), b.q[j], p)
			a.madd16(b.s[j], p, i, false)
		}
	} else {
		for j := range 8 {
			q, p := YMM(), YMM()
			VMOVDQU(k.scratch.Offset(32*j), q)
			VPMADDUBSW(x.Offset(4+32*j), q, p)
			VPMADDWD(k.scratch.Offset(256+32*j), p, p)
			VPADDD(p, i, i)
		}
	}
	f := a.vec()
	VCVTDQ2PS(i, f)
	VMULPS(b.d, f, f)
	if a.zmm {
		VFMADD231PS_BCST(x, f, acc)
		return
	}
	dy := YMM()
	VBROADCASTSS(x, dy)
	VFMADD231PS(dy, f, acc)
}

func genQ6K() {
	for _, a := range []isa{avx2, avx512, avx512vnni} {
		tiles(q6k, a)
	}
}

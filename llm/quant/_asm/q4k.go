package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q4_K × Q8_K (layouts in q4_k.go and q8_k.go). For one 256-element block:
//
//	dot = d·dy·Σ_g sc_g·Σ_{i in g} q_i·a_i  -  dmin·dy·Σ_g m_g·(bsum_2g + bsum_2g+1)
//
// The nibbles q (0..15) meet the int8 activations a in VPMADDUBSW (u8×s8
// pairs to int16, at most 2·15·128, no saturation), whose pairs VPMADDWD
// (or VNNI's VPDPWSSD) multiplies by the group's 6-bit scale and sums to
// int32. The minimums use Q8_K's bsums: one VPMADDWD of the 16 bsums with
// the minimums, each repeated twice. Both sums become float once per block
// and column.

// decodeKScales unpacks the 12 scale bytes of the Q4_K block at w into
// the 16 bytes [sc0..sc7, m0..m7] of an xmm register (kScaleMin in q4_k.go),
// llama.cpp's utmp trick on the four dwords [d|dmin, a, b, c] of the
// block's first 16 bytes:
//
//	sc0-3 = a & 0x3f3f3f3f            m0-3 = b & 0x3f3f3f3f
//	sc4-7 = c & 0x0f0f0f0f | (a>>2) & 0x30303030
//	m4-7  = (c>>4) & 0x0f0f0f0f | (b>>2) & 0x30303030
func decodeKScales(a isa, w Mem) VecVirtual {
	shift := constDwords("kscale_shift", []uint32{0, 0, 0, 4})
	maskLo := constDwords("kscale_masklo", []uint32{0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f})
	maskHi := constDwords("kscale_maskhi", []uint32{0, 0x30303030, 0, 0x30303030})
	x, u, v := XMM(), XMM(), XMM()
	if a.zmm {
		VMOVDQU64(w, x)
	} else {
		VMOVDQU(w, x)
	}
	VPSHUFD(U8(1|3<<2|2<<4|3<<6), x, u) // [a, c, b, c]
	VPSHUFD(U8(1|1<<2|2<<4|2<<6), x, v) // [a, a, b, b]
	VPSRLVD(shift, u, u)
	VPSRLD(U8(2), v, v)
	if a.zmm {
		VPANDD(maskLo, u, u)
		VPTERNLOGD(ternlog(func(a, b, c bool) bool { return a || b && c }), maskHi, v, u)
	} else {
		VPAND(maskLo, u, u)
		VPAND(maskHi, v, v)
		VPOR(v, u, u)
	}
	return u
}

type q4kConsts struct {
	mask, shift VecVirtual    // zmm: 0x0f bytes; word shifts [0×16, 4×16]; AVX2 one column: mask (ymm)
	didx        [4]VecVirtual // zmm: VPERMPS indices broadcasting float 0, 1, 8, 9
	scratch     Mem           // AVX2: the 16 scale words (32 bytes)
	// zmm: the scale shuffles, kept in registers (loaded with loadZ64)
	// rather than 64-byte memory operands that may straddle two cache
	// lines; kernels of up to 2 columns only, wider ones have no
	// registers to spare.
	sshuf [4]VecVirtual // q4kScaleShuffle(0..3)
	// AVX2 kernels here are of one column (and the dot product): a
	// column meets each block once, so it unpacks the nibbles in
	// registers and takes each group's scale with a broadcast load of
	// its word (storing them to a scratch for other columns, as the
	// wider tiles did, had made one column 10.4–11.2 GB/s of weights on
	// one core, against 18–21; TinyLlama tg at the avx2 level 30.9 → 51.3
	// t/s). Wider AVX2 tiles are grouptile.go's.
	x actsLayout // where the activation block's parts are
}

type q4kBlock struct {
	wm     Mem           // AVX2: the block
	w      [4]VecVirtual // zmm: the 64 nibbles of chunk c, low then high
	s      [4]VecVirtual // zmm: words [sc_2c ×16, sc_2c+1 ×16]
	m      VecVirtual    // ymm: dwords m_g | m_g<<16, to meet bsum pairs
	d, dm  VecVirtual    // d and dmin, broadcast
	scales Mem           // AVX2: the 16 scale words (group g at 2g)
}

var q4k = tileKind{
	name: "q4k", wBytes: 144, xBytes: 292,
	frame: func(a isa) int {
		if a.zmm {
			return 0
		}
		return 64
	},
	setup:    q4kSetup,
	block:    q4kBlockFn,
	block4:   q4kBlock4,
	blockOf4: q4kBlockOf4,
	column:   q4kColumn,
}

func q4kSetup(a isa, cols int) any {
	k := q4kConsts{x: q8kLayout}
	if !a.zmm {
		if cols > 1 {
			panic("q4k: AVX2 tiles of more than one column are grouptile.go's")
		}
		k.scratch = alignedLocal(32)
		k.mask = YMM()
		VMOVDQU(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
		return k
	}
	k.mask, k.shift = ZMM(), ZMM()
	VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
	VMOVDQU64(constWords("q4k_shift", append(make([]int, 16), 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)), k.shift)
	if cols > 2 {
		// No registers to spare: the shuffles stay memory operands,
		// used once per block for 4 or 8 columns; q4kBlock4 is unused.
		return k
	}
	for c := range k.sshuf {
		k.sshuf[c] = loadZ64(q4kScaleShuffle(c))
	}
	for i, e := range []uint32{0, 1, 8, 9} {
		k.didx[i] = ZMM()
		VPBROADCASTD(constDwords(fmt.Sprint("idx", e), []uint32{e}), k.didx[i])
	}
	return k
}

// q4kScales4 is decodeKScales' shift, low mask and high mask for four
// block headers in one zmm.
func q4kScales4() [3]Mem {
	rep := func(d []uint32) []uint32 { return append(append(append(d[:4:4], d...), d...), d...) }
	return [3]Mem{
		constDwords("kscale_shift4", rep([]uint32{0, 0, 0, 4})),
		constDwords("kscale_masklo4", rep([]uint32{0x3f3f3f3f, 0x0f0f0f0f, 0x3f3f3f3f, 0x0f0f0f0f})),
		constDwords("kscale_maskhi4", rep([]uint32{0, 0x30303030, 0, 0x30303030})),
	}
}

// q4kScaleShuffle is the VPSHUFB control making chunk c's scale vector,
// words [sc_2c ×16, sc_2c+1 ×16], from the 16 bytes [sc0..sc7, m0..m7]
// repeated in every 128-bit lane; c = 4 makes the minimum pairs, words
// [m0, m0, m1, m1, ..., m7, m7] (256 bits).
func q4kScaleShuffle(c int) Mem {
	ctl := make([]byte, 64)
	for i := 0; i < 64; i += 2 {
		lane := i / 16
		if c < 4 {
			ctl[i] = byte(2*c + lane/2)
		} else {
			ctl[i] = byte(8 + i/4)
		}
		ctl[i+1] = 0x80 // zero high byte
	}
	return constBytes("q4k_sshuf"+string(rune('0'+c)), ctl)
}

func q4kMins(u VecVirtual) VecVirtual {
	// dwords m_g | m_g<<16 from bytes 8..15 of u.
	t, m := XMM(), YMM()
	VPSRLDQ(U8(8), u, t)
	VPMOVZXBD(t, m)
	t2 := YMM()
	VPSLLD(U8(16), m, t2)
	VPOR(t2, m, m)
	return m
}

func q4kBlockFn(a isa, kc any, w Mem) any {
	k := kc.(q4kConsts)
	var b q4kBlock
	u := decodeKScales(a, w)
	if a.zmm {
		ub := ZMM() // [sc0..sc7, m0..m7] in every lane
		VSHUFI32X4(U8(0), u.AsZ(), u.AsZ(), ub)
		for c := range 4 {
			b.s[c] = ZMM()
			if k.sshuf[c] != nil {
				VPSHUFB(k.sshuf[c], ub, b.s[c])
			} else {
				VPSHUFB(q4kScaleShuffle(c), ub, b.s[c])
			}
		}
		b.m = YMM()
		VPSHUFB(q4kScaleShuffle(4), ub.AsY(), b.m)
		for c := range 4 {
			b.w[c] = ZMM()
			nibbles(a, k, w.Offset(16+32*c), b.w[c])
		}
		b.d, b.dm = q4kDmin(a, w)
		return b
	}
	// AVX2: the scale words to the scratch, for broadcast loads.
	t := YMM()
	VPMOVZXBW(u, t)
	VMOVDQU(t, k.scratch)
	b.m = q4kMins(u)
	b.wm, b.scales = w, k.scratch
	b.d, b.dm = q4kDmin(a, w)
	return b
}

// q4kDmin returns the block's d and dmin (float16 at w, w+2) broadcast
// as floats.
func q4kDmin(a isa, w Mem) (d, dm VecVirtual) {
	d, dm = a.vec(), a.vec()
	for i, r := range []VecVirtual{d, dm} {
		h := XMM()
		if a.zmm {
			h = YMM()
		}
		VPBROADCASTW(w.Offset(2*i), h)
		VCVTPH2PS(h, r)
	}
	return d, dm
}

// nibbles loads 32 bytes of packed nibbles as [low nibbles, high
// nibbles]: a broadcast load, a word shift of the upper half, a mask.
// (GF2P8AFFINEQB does shift and mask in one instruction, but measured no
// faster here.)
func nibbles(a isa, k q4kConsts, m Mem, dst VecVirtual) {
	VBROADCASTI64X4(m, dst)
	VPSRLVW(k.shift, dst, dst)
	VPANDD(k.mask, dst, dst)
}

// q4kBlock4 decodes four blocks: their 16-byte headers (d, dmin, scales)
// gathered into one zmm are unpacked by decodeKScales' steps at once,
// their d and dmin converted in two instructions.
func q4kBlock4(a isa, kc any, w Mem) any {
	h := ZMM()
	VMOVDQU64(w, h.AsX())
	for b := 1; b < 4; b++ {
		VINSERTI32X4(U8(b), w.Offset(b*144), h, h)
	}
	u, v := ZMM(), ZMM()
	VPSHUFD(U8(1|3<<2|2<<4|3<<6), h, u)
	VPSHUFD(U8(1|1<<2|2<<4|2<<6), h, v)
	// No registers are left to keep the masks (see loadZ64).
	var ks [3]VecVirtual
	for i, c := range q4kScales4() {
		ks[i] = loadZ64(c)
	}
	VPSRLVD(ks[0], u, u)
	VPSRLD(U8(2), v, v)
	VPANDD(ks[1], u, u)
	VPTERNLOGD(ternlog(func(a, b, c bool) bool { return a || b && c }), ks[2], v, u)
	// d and dmin of block b are floats 8b and 8b+1 of f (blocks 0, 1)
	// and f2 (blocks 2, 3).
	f, f2, hh := ZMM(), ZMM(), YMM()
	VCVTPH2PS(h.AsY(), f)
	VEXTRACTI64X4(U8(1), h, hh)
	VCVTPH2PS(hh, f2)
	return [3]VecVirtual{u, f, f2}
}

// q4kBlockOf4 finishes block b of q4kBlock4's four.
func q4kBlockOf4(a isa, kc, shared any, w Mem, b int) any {
	k := kc.(q4kConsts)
	hs := shared.([3]VecVirtual)
	u, f, f2 := hs[0], hs[1], hs[2]
	{
		var st q4kBlock
		ub := ZMM()
		VSHUFI32X4(U8(0x55*b), u, u, ub)
		for c := range 4 {
			st.s[c] = ZMM()
			VPSHUFB(k.sshuf[c], ub, st.s[c])
		}
		st.m = YMM()
		VPSHUFB(q4kScaleShuffle(4), ub.AsY(), st.m)
		src := f
		if b >= 2 {
			src = f2
		}
		st.d, st.dm = ZMM(), ZMM()
		VPERMPS(src, k.didx[2*(b%2)], st.d)
		VPERMPS(src, k.didx[2*(b%2)+1], st.dm)
		wb := w.Offset(b * 144)
		for c := range 4 {
			st.w[c] = ZMM()
			nibbles(a, k, wb.Offset(16+32*c), st.w[c])
		}
		return st
	}
}

func q4kColumn(a isa, kc, st any, x Mem, acc VecVirtual) {
	k, b := kc.(q4kConsts), st.(q4kBlock)
	mn := YMM()
	VPMADDWD(x.Offset(k.x.bsums), b.m, mn)
	i := a.vec()
	if a.zmm {
		for c := range 4 {
			p := ZMM()
			VPMADDUBSW(x.Offset(k.x.qs+64*c), b.w[c], p)
			a.madd16(b.s[c], p, i, c == 0)
		}
	} else {
		for c := range 4 {
			l, h := YMM(), YMM()
			VMOVDQU(b.wm.Offset(16+32*c), l)
			VPSRLW(U8(4), l, h)
			VPAND(k.mask, l, l)
			VPAND(k.mask, h, h)
			for half, wt := range []VecVirtual{l, h} {
				g := 2*c + half
				p, sc := YMM(), YMM()
				VPMADDUBSW(x.Offset(k.x.qs+32*g), wt, p)
				VPBROADCASTW(b.scales.Offset(2*g), sc)
				if g == 0 {
					VPMADDWD(sc, p, i)
				} else {
					VPMADDWD(sc, p, p)
					VPADDD(p, i, i)
				}
			}
		}
	}
	f, g := a.vec(), YMM()
	VCVTDQ2PS(i, f)
	VMULPS(b.d, f, f)
	VCVTDQ2PS(mn, g)
	if a.zmm {
		VFNMADD231PS(b.dm, g.AsZ(), f)
		VFMADD231PS_BCST(x.Offset(k.x.d), f, acc)
		return
	}
	VFNMADD231PS(b.dm, g, f)
	dy := YMM()
	VBROADCASTSS(x.Offset(k.x.d), dy)
	VFMADD231PS(dy, f, acc)
}

// q4ka is q4k's one-column AVX2 kernel reading Q8_KA, whose 32-byte
// operands start 32-byte lines (q8_ka.go says why); the dot product keeps
// Q8_K.
var q4ka = alignedActs(q4k, func(a isa, cols int) any {
	k := q4kSetup(a, cols).(q4kConsts)
	k.x = q8kaLayout
	return k
})

func genK() {
	tile(q4k, avx2, 0)
	tile(q4ka, avx2, 1)
	for _, c := range []int{2, 4, 8} {
		q4kGroupTile(c)
	}
	tiles(q4k, avx512)
	// With VNNI, MatMul runs the Q8_KX kernels (q4kx.go); VecDot, which
	// takes Q8_K, this one.
	tile(q4k, avx512vnni, 0)
}

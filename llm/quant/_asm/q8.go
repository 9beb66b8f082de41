package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q8_0 × Q8_0 and Q5_0 × Q8_0 (layouts in q8_0.go and q5_0.go): blocks of
// 32 elements with a float16 scale each, so a block's integer dot product
// becomes float at once.
//
// AVX2 takes one block at a time. Both sides are signed: the weights are
// widened to 32 int16 words once per block and row (exact, unlike
// VPMADDUBSW's sign tricks, which saturate on -128), the activations once
// per column, and VPMADDWD sums their products in pairs.

type q32Block struct {
	w  [2]VecVirtual // int16 weights, two ymm
	dw VecVirtual    // weight scale, broadcast
}

// q32Column multiplies the widened weights with the Q8_0 activation block
// at x: acc += float(Σ w·a) · dw · dx.
func q32Column(st any, x Mem, acc VecVirtual) {
	b := st.(q32Block)
	i, t0, t1 := YMM(), YMM(), YMM()
	VPMOVSXBW(x.Offset(2), t0)
	VPMOVSXBW(x.Offset(18), t1)
	VPMADDWD(t0, b.w[0], i)
	VPMADDWD(t1, b.w[1], t1)
	VPADDD(t1, i, i)
	f := YMM()
	VCVTDQ2PS(i, f)
	VMULPS(b.dw, f, f)
	VFMADD231PS(broadcastF16(x), f, acc)
}

// broadcastF16 converts the float16 at m into a broadcast ymm of float32.
func broadcastF16(m Mem) VecVirtual {
	h, d := XMM(), YMM()
	VPBROADCASTW(m, h)
	VCVTPH2PS(h, d)
	return d
}

var q8_0 = tileKind{
	name: "q80", wBytes: 34, xBytes: 34, ymm8: true,
	setup: func(a isa, _ int) any { return nil },
	block: func(a isa, _ any, w Mem) any {
		var b q32Block
		b.w[0], b.w[1] = YMM(), YMM()
		VPMOVSXBW(w.Offset(2), b.w[0])
		VPMOVSXBW(w.Offset(18), b.w[1])
		b.dw = broadcastF16(w)
		return b
	},
	column: func(a isa, _, st any, x Mem, acc VecVirtual) { q32Column(st, x, acc) },
}

// Q5_0: element j (0..15) is the low nibble of qs[j], element j+16 the
// high one, bit 4 of element j is bit j of the little-endian uint32 qh, and
// the value is that 5-bit number minus 16. In bytes: nibble | 0xf0 is the
// value when bit 4 is clear (nibble - 16 as int8), the nibble alone when
// it is set.
//
// q50Consts are the constants of q5_0 and q5_0y (b16 and ones: q5_0y's
// only). They stay memory operands in the tiles of 8 columns, whose
// accumulators leave no registers for them.
type q50Consts struct{ mask, spread, bits, b16, ones Op }

func q50Setup(unsigned bool) func(a isa, cols int) any {
	return func(a isa, cols int) any {
		// bytes_from_bits: byte i of a broadcast qh shuffled to hold qh
		// byte i/8, then tested against bit i%8.
		k := q50Consts{mask: constBytes("nibble_mask", splat(64, 0x0f)),
			spread: constBytes("q50_spread", append(splat(8, 0), append(splat(8, 1), append(splat(8, 2), splat(8, 3)...)...)...)),
			bits:   constBytes("q50_bits", splat(4, 1, 2, 4, 8, 16, 32, 64, 128))}
		ops := []*Op{&k.mask, &k.spread, &k.bits}
		if unsigned {
			k.b16, k.ones = constBytes("bytes16", splat(64, 16)), constWords("ones16", splatInt(32, 1))
			ops = append(ops, &k.b16, &k.ones)
		}
		if cols < 8 {
			for _, c := range ops {
				r := YMM()
				VMOVDQU(*c, r)
				*c = r
			}
		}
		return k
	}
}

// q50Bits returns the Q5_0 block at w's 32 nibbles in element order and
// 0xff in the bytes whose bit 4 is set.
func q50Bits(k q50Consts, w Mem) (nib, set VecVirtual) {
	lo, hi := XMM(), XMM()
	nib = YMM()
	VMOVDQU(w.Offset(6), lo)
	VPSRLW(U8(4), lo, hi)
	VINSERTI128(U8(1), hi, lo.AsY(), nib)
	VPAND(k.mask, nib, nib)
	set = YMM()
	VPBROADCASTD(w.Offset(2), set)
	VPSHUFB(k.spread, set, set)
	VPAND(k.bits, set, set)
	VPCMPEQB(k.bits, set, set)
	return nib, set
}

// q5_0 is Q5_0 × Q8_0 one block at a time: at AVX2 only the dot product
// (VecDot takes Q8_0); MatMul's tiles are q5_0y's.
var q5_0 = tileKind{
	name: "q50", wBytes: 22, xBytes: 34,
	setup: q50Setup(false),
	block: func(a isa, kc any, w Mem) any {
		var b q32Block
		nib, set := q50Bits(kc.(q50Consts), w)
		VPANDN(constBytes("q50_f0", splat(32, 0xf0)), set, set)
		VPOR(set, nib, nib)
		b.w[0], b.w[1] = YMM(), YMM()
		VPMOVSXBW(nib.AsX(), b.w[0])
		t := XMM()
		VEXTRACTI128(U8(1), nib, t)
		VPMOVSXBW(t, b.w[1])
		b.dw = broadcastF16(w)
		return b
	},
	column: func(a isa, _, st any, x Mem, acc VecVirtual) { q32Column(st, x, acc) },
}

// The AVX-512 kernels take Q8_0 and Q5_0 blocks in pairs (a "block" of
// the tile loop is two ggml blocks, 64 elements): the 64 weights fill one
// zmm of bytes, the integer dot products of both blocks come out of one
// VPDPBUSD (or VPMADDUBSW + VPMADDWD) in the two halves of a zmm, lanes
// 0-7 block A and 8-15 block B, and the float scales are vectors
// [dA ×8, dB ×8] (a broadcast, then a broadcast merged into the upper half
// under the mask 0xff00). The weights are made unsigned, as VPDPBUSD and
// VPMADDUBSW want them:
//
//	Q5_0: q in 0..31 (value q - 16): Σ(q-16)·a = Σ q·a - Σ 16·a
//	Q8_0: u = w + 128 (w XOR 0x80): Σ w·a = Σ u·a - Σ 128·a
//
// where the second sum is one more VPDPBUSD of the activations with a
// constant: exact for every input, -128 included.

type pairConsts struct {
	upper             Register   // opmask 0xff00: the upper 8 lanes of 16
	mask, shift, bias VecVirtual // Q5_0: 0x0f, nibble word shifts, the constant bytes 16 (or 0x80)
	// ones: words of 1 (Q5_0 without VNNI), in a register: a 64-byte
	// memory operand may straddle two cache lines (the linker aligns
	// read-only data to 32 bytes only), which slows a loop by build.
	ones VecVirtual
	// zero is copied into accumulators: avo takes VPXORD x, x, x for a
	// read of x, which would keep every column's temporaries live.
	zero VecVirtual
}

type pairBlock struct {
	q  VecVirtual // the 64 unsigned weights (bytes)
	dw VecVirtual // [dA ×8, dB ×8]
	// non-VNNI Q8_0 keeps the weights as words, in two zmm.
	w16 [2]VecVirtual
}

// pairScale converts the float16 scales at m and m+stride into [dA ×8, dB ×8].
func pairScale(k pairConsts, m Mem, stride int) VecVirtual {
	h := YMM()
	VPBROADCASTW(m, h)
	VPBROADCASTW(m.Offset(stride), k.upper, h)
	d := ZMM()
	VCVTPH2PS(h, d)
	return d
}

func pairSetup(q5 bool) func(a isa, _ int) any {
	return func(a isa, _ int) any {
		var k pairConsts
		r := GP32()
		MOVL(U32(0xff00), r)
		k.upper = K()
		KMOVW(r, k.upper)
		k.bias = ZMM()
		if a.vnni {
			k.zero = ZMM()
			VPXORD(k.zero, k.zero, k.zero)
		}
		if q5 {
			VMOVDQU64(constBytes("bytes16", splat(64, 16)), k.bias)
			k.mask, k.shift = ZMM(), ZMM()
			VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
			sh := make([]int, 32)
			for i := range sh {
				sh[i] = 4 * (i / 8 % 2) // 0 in lanes 0 and 2, 4 in lanes 1 and 3
			}
			VMOVDQU64(constWords("q50_pair_shift", sh), k.shift)
			if !a.vnni {
				k.ones = loadZ64(constWords("ones16", splatInt(32, 1)))
			}
		} else {
			VMOVDQU64(constBytes("bytes80", splat(64, 0x80)), k.bias)
		}
		return k
	}
}

// pairColumn: acc += float(Σ w·a per block) · dw · dx for a pair.
func pairColumn(q5 bool) func(a isa, kc, st any, x Mem, acc VecVirtual) {
	return func(a isa, kc, st any, x Mem, acc VecVirtual) {
		k, b := kc.(pairConsts), st.(pairBlock)
		act := ZMM()
		VMOVDQU64(x.Offset(2), act.AsY())
		VINSERTI64X4(U8(1), x.Offset(36), act, act)
		p := ZMM()
		switch {
		case a.vnni:
			s := ZMM()
			VMOVDQA64(k.zero, p)
			VMOVDQA64(k.zero, s)
			VPDPBUSD(act, b.q, p)
			VPDPBUSD(act, k.bias, s)
			VPSUBD(s, p, p)
		case q5:
			// Pairs: q·a at most 2·31·128, 16·a at most 2·16·128: the
			// difference of the int16 sums is exact.
			s := ZMM()
			VPMADDUBSW(act, b.q, p)
			VPMADDUBSW(act, k.bias, s)
			VPSUBW(s, p, p)
			VPMADDWD(k.ones, p, p)
		default:
			// Q8_0 without VNNI: 128·a pairs would saturate VPMADDUBSW;
			// widen both sides to words instead.
			a0, a1 := ZMM(), ZMM()
			VPMOVSXBW(x.Offset(2), a0)
			VPMOVSXBW(x.Offset(36), a1)
			VPMADDWD(a0, b.w16[0], a0)
			VPMADDWD(a1, b.w16[1], a1)
			// a0: block A in all 16 lanes, a1: block B; fold to [A ×8, B ×8].
			t := ZMM()
			VSHUFI64X2(U8(0x44), a1, a0, t) // [a0 lo, a1 lo]
			VSHUFI64X2(U8(0xee), a1, a0, p) // [a0 hi, a1 hi]
			VPADDD(t, p, p)
		}
		f := ZMM()
		VCVTDQ2PS(p, f)
		VMULPS(b.dw, f, f)
		dx := pairScale(k, x, 34)
		VFMADD231PS(dx, f, acc)
	}
}

func splatInt(n, v int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

var q5_0pair = tileKind{
	name: "q50p", wBytes: 44, xBytes: 68,
	setup: pairSetup(true),
	block: func(a isa, kc any, w Mem) any {
		k := kc.(pairConsts)
		var b pairBlock
		// [A qs, A qs, B qs, B qs] by 128-bit lanes, the second copy of
		// each shifted right 4: the 64 nibbles in element order.
		y := YMM()
		VMOVDQU64(w.Offset(6), y.AsX())
		VINSERTI32X4(U8(1), w.Offset(28), y, y)
		b.q = ZMM()
		VSHUFI32X4(U8(0x50), y.AsZ(), y.AsZ(), b.q)
		VPSRLVW(k.shift, b.q, b.q)
		VPANDD(k.mask, b.q, b.q)
		// bit 4 of element j of the pair: bit j of qhA, then qhB.
		ka, kb, kq := K(), K(), K()
		KMOVD(w.Offset(2), ka)
		KMOVD(w.Offset(24), kb)
		KUNPCKDQ(ka, kb, kq)
		VPADDB(k.bias, b.q, kq, b.q)
		b.dw = pairScale(k, w, 22)
		return b
	},
	column: pairColumn(true),
}

var q8_0pair = tileKind{
	name: "q80p", wBytes: 68, xBytes: 68,
	setup: pairSetup(false),
	block: func(a isa, kc any, w Mem) any {
		k := kc.(pairConsts)
		var b pairBlock
		if a.vnni {
			b.q = ZMM()
			VMOVDQU64(w.Offset(2), b.q.AsY())
			VINSERTI64X4(U8(1), w.Offset(36), b.q, b.q)
			VPXORD(k.bias, b.q, b.q) // w + 128
		} else {
			b.w16[0], b.w16[1] = ZMM(), ZMM()
			VPMOVSXBW(w.Offset(2), b.w16[0])
			VPMOVSXBW(w.Offset(36), b.w16[1])
		}
		b.dw = pairScale(k, w, 34)
		return b
	},
	column: pairColumn(false),
}

// q5_0y is Q5_0 × Q8_0X with AVX2 (layout in q8_0x.go), blocks in
// pairs: Q8_0X's precomputed parts spare each column two of the ten
// instructions q5_0 spends on a block. The weights are made unsigned (q
// in 0..31, value q - 16) rather than widened to words, so one
// VPMADDUBSW multiplies a block by a column's 32 quants (pairs at most
// 2·31·128, no saturation), one VPMADDWD with words of 1 sums them into
// Q8_0X's lanes (lane i: elements 4i…4i+3), and Q8_0X's -16·Σa of each
// lane (VPMOVSXWD from memory) removes the bias; the activation scale is
// one VCVTPH2PS from memory. A lane's integer sum is exact and its float
// work (convert, × dw, fused multiply-add of dx) is the AVX-512 Q8_0X
// kernels' for the same lane; the lanes of a pair's two blocks share one
// accumulator here, so the sums are not theirs bit for bit.
type q5yBlock struct{ q, dw [2]VecVirtual } // a pair: unsigned weights, scales

var q5_0y = tileKind{
	name: "q50x", wBytes: 44, xBytes: 128, ymm8: true,
	setup: q50Setup(true),
	block: func(a isa, kc any, w Mem) any {
		k := kc.(q50Consts)
		var b q5yBlock
		for h := range 2 {
			wh := w.Offset(22 * h)
			q, set := q50Bits(k, wh)
			VPAND(k.b16, set, set)
			VPOR(set, q, q)
			b.q[h], b.dw[h] = q, broadcastF16(wh)
		}
		return b
	},
	column: func(a isa, kc, st any, x Mem, acc VecVirtual) {
		k, b := kc.(q50Consts), st.(q5yBlock)
		for h := range 2 {
			p, n := YMM(), YMM()
			VPMADDUBSW(x.Offset(32*h), b.q[h], p)
			VPMADDWD(k.ones, p, p)
			VPMOVSXWD(x.Offset(q80xNs+16*h), n)
			VPADDD(n, p, p)
			f, dx := YMM(), YMM()
			VCVTDQ2PS(p, f)
			VMULPS(b.dw[h], f, f)
			VCVTPH2PS(x.Offset(q80xD+16*h), dx)
			VFMADD231PS(dx, f, acc)
		}
	},
}

func genQ8() {
	tiles(q8_0, avx2)
	tile(q5_0, avx2, 0)
	for _, c := range []int{1, 2, 4, 8} { // no dot product: VecDot takes Q8_0
		tile(q5_0y, avx2, c)
	}
	for _, a := range []isa{avx512, avx512vnni} {
		tiles(q8_0pair, a)
		tiles(q5_0pair, a)
	}
}

package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Q8_0 and Q5_0 × Q8_0X with AVX-512 VNNI (layouts in q8_0x.go, q5_0r.go
// and q8_0r.go), one weight row at a time (the kernels the package calls
// take two, q8xpair.go; the GGUF layouts' one-row kernels remain for
// calls of one row), blocks in pairs as q8.go's
// AVX-512 kernels take them, with the same integer lanes (lane i: elements
// 4i…4i+3 of the pair) and the same float operations, so their results are
// those kernels' bit for bit.
//
// Q8_0X gives each pair of activation blocks what the column work needs
// in the form it needs it: the 64 quants contiguous (one memory operand of
// VPDPBUSD), -16 times the sum of each lane's four quants as int16 (the
// correction for unsigned weights, Q5_0's; times 8 Q8_0's), and the
// scales as [dA ×8, dB ×8] float16. A column is then
//
//	p = ns (Q8_0: ns << 3)             VPMOVSXWD from memory (VPSLLD)
//	p += Σ q·a                         VPDPBUSD from memory
//	acc += float(p) · dw · dx          VCVTDQ2PS, VMULPS, VCVTPH2PS from memory, VFMADD231PS
//
// against 13 instructions reading Q8_0 (two loads to gather the pair, a
// second VPDPBUSD for the correction, the scales' broadcasts and
// conversion). The weights are decoded as in q8.go, except the scales:
// one VPERMW gathers the two float16 of a pair from 32 (or 64) bytes of it
// as [dA ×8, dB ×8], and VCVTPH2PS widens them. The repacked layouts
// (Q5_0R, Q8_0R) make the decoding itself short: Q5_0R a pair's high bits
// are one 64-bit mask (KMOVQ) and its nibbles 32 bytes, A's low and B's
// high (one broadcast, one shift, one AND); Q8_0R's weights are already
// unsigned (one load).

// Q8_0X pair: offsets of the quants, the negated lane sums, the scales.
const q80xBytes, q80xNs, q80xD = 128, 64, 96

type q8xConsts struct {
	mask, shift, bias VecVirtual // Q5_0: 0x0f, nibble word shifts, bytes 16; Q8_0 (GGUF): bias 0x80
	sidx              VecVirtual // VPERMW words gathering [dA ×8, dB ×8]
	upper             Register   // GGUF Q5_0: opmask 0xff00, the upper two 128-bit lanes
}

// q8xLayout is one weight layout of the Q8_0X kernels.
type q8xLayout struct {
	name   string
	wBytes int  // bytes per pair of blocks
	q5     bool // Q5_0 (bias 16) rather than Q8_0 (bias 128)
	dB     int  // byte offset of the second block's float16 scale
	decode func(k q8xConsts, w Mem) VecVirtual
}

var q8xLayouts = []q8xLayout{
	{name: "q50x", wBytes: 44, q5: true, dB: 22, decode: q50xDecode},
	{name: "q80x", wBytes: 68, q5: false, dB: 34, decode: q80xDecode},
	{name: "q50r", wBytes: 44, q5: true, dB: 2, decode: q50rDecode},
	{name: "q80r", wBytes: 68, q5: false, dB: 2, decode: q80rDecode},
}

// q50xDecode: two GGUF Q5_0 blocks, as q5_0pair does, but gathering
// [A qs, A qs, B qs, B qs] with two broadcast loads, the second
// merge-masked, rather than a load, an insert and a shuffle: one vector
// register fewer, which the pair kernel of 8 columns (q8xpair.go) needs
// (avo found no allocation with the shuffle).
func q50xDecode(k q8xConsts, w Mem) VecVirtual {
	q := ZMM()
	VBROADCASTI32X4(w.Offset(6), q)
	VBROADCASTI32X4(w.Offset(28), k.upper, q)
	VPSRLVW(k.shift, q, q)
	VPANDD(k.mask, q, q)
	ka, kb, kq := K(), K(), K()
	KMOVD(w.Offset(2), ka)
	KMOVD(w.Offset(24), kb)
	KUNPCKDQ(ka, kb, kq)
	VPADDB(k.bias, q, kq, q)
	return q
}

// q80xDecode: two GGUF Q8_0 blocks, made unsigned.
func q80xDecode(k q8xConsts, w Mem) VecVirtual {
	q := ZMM()
	VMOVDQU64(w.Offset(2), q.AsY())
	VINSERTI64X4(U8(1), w.Offset(36), q, q)
	VPXORD(k.bias, q, q)
	return q
}

// q50rDecode: a Q5_0R pair.
func q50rDecode(k q8xConsts, w Mem) VecVirtual {
	kq := K()
	KMOVQ(w.Offset(4), kq)
	q := ZMM()
	VBROADCASTI64X4(w.Offset(12), q)
	VPSRLVW(k.shift, q, q) // the upper 32 bytes: B's high nibbles
	VPANDD(k.mask, q, q)
	VPADDB(k.bias, q, kq, q)
	return q
}

// q80rDecode: a Q8_0R pair, already unsigned.
func q80rDecode(k q8xConsts, w Mem) VecVirtual {
	q := ZMM()
	VMOVDQU64(w.Offset(4), q)
	return q
}

// repacked tells Q5_0R and Q8_0R from the GGUF layouts.
func (l q8xLayout) repacked() bool { return l.name[3] == 'r' }

func q8xKind(l q8xLayout) tileKind {
	repacked := l.repacked()
	return tileKind{
		name: l.name, wBytes: l.wBytes, xBytes: q80xBytes,
		unroll: true,
		setup: func(a isa, _ int) any {
			var k q8xConsts
			if l.q5 {
				if !repacked {
					r := GP32()
					MOVL(U32(0xff00), r)
					k.upper = K()
					KMOVW(r, k.upper)
				}
				k.mask, k.shift, k.bias = ZMM(), ZMM(), ZMM()
				VMOVDQU64(constBytes("nibble_mask", splat(64, 0x0f)), k.mask)
				VMOVDQU64(constBytes("bytes16", splat(64, 16)), k.bias)
				sh := make([]int, 32)
				name := "q50_pair_shift"
				for i := range sh {
					if repacked {
						sh[i], name = 4*(i/16), "q50r_shift" // the upper 256 bits
					} else {
						sh[i] = 4 * (i / 8 % 2) // 0 in lanes 0 and 2, 4 in lanes 1 and 3
					}
				}
				VMOVDQU64(constWords(name, sh), k.shift)
			} else if !repacked {
				k.bias = ZMM()
				VMOVDQU64(constBytes("bytes80", splat(64, 0x80)), k.bias)
			}
			idx := make([]int, 32)
			for i := 8; i < 16; i++ {
				idx[i] = l.dB / 2
			}
			k.sidx = ZMM()
			VMOVDQU64(constWords(fmt.Sprintf("q8x_sidx%d", l.dB), idx), k.sidx)
			return k
		},
		block: func(a isa, kc any, w Mem) any {
			k := kc.(q8xConsts)
			var b pairBlock
			b.q = l.decode(k, w)
			// [dA ×8, dB ×8] from the pair's float16 scales: a 32-byte
			// table holds both unless dB lies beyond (GGUF Q8_0), then
			// 64 bytes (still within the 68-byte pair).
			h := ZMM()
			if l.dB < 32 {
				VPERMW(w, k.sidx.AsY(), h.AsY())
			} else {
				VPERMW(w, k.sidx, h)
			}
			b.dw = ZMM()
			VCVTPH2PS(h.AsY(), b.dw)
			return b
		},
		column: func(a isa, _, st any, x Mem, acc VecVirtual) {
			b := st.(pairBlock)
			p := ZMM()
			VPMOVSXWD(x.Offset(q80xNs), p)
			if !l.q5 {
				VPSLLD(U8(3), p, p)
			}
			VPDPBUSD(x, b.q, p)
			f, dx := ZMM(), ZMM()
			VCVTDQ2PS(p, f)
			VMULPS(b.dw, f, f)
			VCVTPH2PS(x.Offset(q80xD), dx)
			VFMADD231PS(dx, f, acc)
		},
	}
}

// genQ8X emits the GGUF layouts' one-row kernels; the pair kernels of
// every layout are q8xpair.go's.
func genQ8X() {
	for _, l := range q8xLayouts {
		if l.repacked() {
			continue
		}
		k := q8xKind(l)
		for _, c := range []int{1, 2, 4, 8} { // no dot product: VecDot takes Q8_0
			tile(k, avx512vnni, c)
		}
	}
}

package main

import (
	"fmt"
	"math"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// Activation quantizers, byte for byte the portable ones (q8_k.go,
// q8_0.go): the same float32 products rounded the same way (VCVTPS2DQ
// rounds half to even like nearestInt; VPMOVSDB saturates like the
// clamps). The largest magnitude is found as the largest |x| bit pattern
// (an unsigned integer maximum: for finite floats the same order), which
// also exposes Inf and NaN (patterns >= 0x7f800000). A kernel stops at
// the first block it must not handle exactly (non-finite values; for
// Q8_K also all zeros; and a scale that overflows) and returns how many
// blocks it did; the Go side does that block with the portable code and
// calls again.

const fromFloatSignature = "func(dst *byte, src *float32, nb int) int"

// maxBits reduces v's dwords to their unsigned maximum, in every lane.
func maxBits(a isa, v VecVirtual) {
	t := a.vec()
	if a.zmm {
		VSHUFI64X2(U8(0x4e), v, v, t)
		VPMAXUD(t, v, v)
		VSHUFI64X2(U8(0xb1), v, v, t)
		VPMAXUD(t, v, v)
	} else {
		VPERM2I128(U8(1), v, v, t)
		VPMAXUD(t, v, v)
	}
	VPSHUFD(U8(0x4e), v, t)
	VPMAXUD(t, v, v)
	VPSHUFD(U8(0xb1), v, t)
	VPMAXUD(t, v, v)
}

func f32const(name string, f float32) Mem {
	b := make([]byte, 4)
	bits := math.Float32bits(f)
	b[0], b[1], b[2], b[3] = byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24)
	return constBytes(name, b)
}

// vand, vmov... pick the EVEX or VEX spelling.
func vand(a isa, m Op, x, d VecVirtual) {
	if a.zmm {
		VPANDD(m, x, d)
	} else {
		VPAND(m, x, d)
	}
}

// q8kFromFloat: Q8_K, 256 elements: q = min(127, round(x·iscale)) with
// iscale = -127/x_max (x_max the first element of largest magnitude),
// d = 1/iscale, and bsums the int16 sums of each 16 quants.
func q8kFromFloat(a isa) {
	name := "q8kFromFloat" + a.suffix
	TEXT(name, NOSPLIT, fromFloatSignature)
	Doc(name + " quantizes nb blocks of 256 floats to Q8_K; it returns the blocks done.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	nb := Load(Param("nb"), GP64())
	done := GP64()
	XORQ(done, done)
	absMask := constBytes("abs_mask", splat(16, 0xff, 0xff, 0xff, 0x7f))
	ones8 := constBytes("ones8", splat(64, 1))
	ones16 := constWords("ones16", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	vecs := 256 * 4 / a.bytes() // 16 or 32
	var absReg VecVirtual
	if !a.zmm {
		absReg = loadConst(a, absMask)
	}

	Label(name + "_block")
	CMPQ(done, nb)
	JEQ(LabelRef(name + "_end"))
	// Largest |x| bit pattern, in every lane of m.
	m := a.vec()
	var x []VecVirtual
	for i := range vecs {
		t := a.vec()
		if a.zmm {
			// 16 vectors stay in registers for the quantizing pass.
			x = append(x, ZMM())
			VMOVUPS(Mem{Base: src}.Offset(i*a.bytes()), x[i])
			// A broadcast dword: a 64-byte constant may straddle two
			// cache lines (the linker aligns read-only data to 32).
			VPANDD_BCST(constDwords("abs_mask4", []uint32{0x7fffffff}), x[i], t)
		} else {
			vand(a, Mem{Base: src}.Offset(i*a.bytes()), absReg, t)
		}
		if i == 0 {
			if a.zmm {
				VMOVDQA64(t, m)
			} else {
				VMOVDQA(t, m)
			}
		} else {
			VPMAXUD(t, m, m)
		}
	}
	maxBits(a, m)
	r := GP32()
	VMOVD(m.AsX(), r)
	TESTL(r, r)
	JZ(LabelRef(name + "_end")) // all zeros: the portable code clears the block
	CMPL(r, U32(0x7f800000))
	JAE(LabelRef(name + "_end")) // Inf or NaN
	// The first element whose |x| is the maximum: its sign decides.
	maxv := XMM()
	for i := range vecs {
		t := a.vec()
		if a.zmm {
			VPANDD_BCST(constDwords("abs_mask4", []uint32{0x7fffffff}), x[i], t)
			k := K()
			VPCMPEQD(m, t, k)
			KMOVW(k, r)
		} else {
			vand(a, Mem{Base: src}.Offset(i*a.bytes()), absReg, t)
			VPCMPEQD(m, t, t)
			VMOVMSKPS(t, r)
		}
		TESTL(r, r)
		JZ(LabelRef(fmt.Sprintf("%s_not%d", name, i)))
		TZCNTL(r, r)
		VMOVSS(Mem{Base: src, Index: r.As64(), Scale: 4}.Offset(i*a.bytes()), maxv)
		JMP(LabelRef(name + "_found"))
		Label(fmt.Sprintf("%s_not%d", name, i))
	}
	Label(name + "_found")
	is := XMM()
	VMOVSS(f32const("minus127", -127), is)
	VDIVSS(maxv, is, is) // iscale = -127/x_max
	VMOVD(is, r)
	ANDL(U32(0x7fffffff), r)
	CMPL(r, U32(0x7f800000))
	JAE(LabelRef(name + "_end")) // x_max so small that iscale overflows
	d := XMM()
	VMOVSS(f32const("one", 1), d)
	VDIVSS(is, d, d)
	VMOVSS(d, Mem{Base: dst})
	isv := a.vec()
	VBROADCASTSS(is, isv)
	for i := range vecs {
		var v VecVirtual
		if a.zmm {
			v = x[i]
			VMULPS(isv, v, v)
			VCVTPS2DQ(v, v)
			VPMOVSDB(v, Mem{Base: dst}.Offset(4+16*i))
			continue
		}
		// AVX2: four vectors of 8 at a time through the pack instructions.
		if i%4 != 0 {
			continue
		}
		q := make([]VecVirtual, 4)
		for j := range q {
			q[j] = YMM()
			VMULPS(Mem{Base: src}.Offset((i+j)*32), isv, q[j])
			VCVTPS2DQ(q[j], q[j])
		}
		VPACKSSDW(q[1], q[0], q[0])
		VPACKSSDW(q[3], q[2], q[2])
		VPACKSSWB(q[2], q[0], q[0])
		VPERMD(q[0], loadConst(a, constDwords("pack_perm", []uint32{0, 4, 1, 5, 2, 6, 3, 7})), q[0])
		VMOVDQU(q[0], Mem{Base: dst}.Offset(4+8*i))
	}
	// bsums: the quants summed in fours (VPMADDUBSW with ones, then
	// VPMADDWD with ones), then by groups of 16.
	o8 := loadConst(a, ones8)
	if a.zmm {
		o16 := loadConst(a, ones16)
		var t [4]VecVirtual
		for j := range t {
			t[j] = ZMM()
			VPMADDUBSW(Mem{Base: dst}.Offset(4+64*j), o8, t[j])
			VPMADDWD(o16, t[j], t[j])
			u := ZMM()
			VPSHUFD(U8(0xb1), t[j], u)
			VPADDD(u, t[j], t[j])
			VPSHUFD(U8(0x4e), t[j], u)
			VPADDD(u, t[j], t[j]) // lane k: the sum of group 4j+k
		}
		idx1 := loadZ64(constDwords("bsum_idx1", []uint32{0, 4, 8, 12, 16, 20, 24, 28, 0, 0, 0, 0, 0, 0, 0, 0}))
		VPERMT2D(t[1], idx1, t[0])
		VPERMT2D(t[3], idx1, t[2])
		idx2 := loadZ64(constDwords("bsum_idx2", []uint32{0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23}))
		VPERMT2D(t[2], idx2, t[0])
		VPMOVDW(t[0], Mem{Base: dst}.Offset(260))
	} else {
		var t [8]VecVirtual
		for j := range t {
			t[j] = YMM()
			VPMADDUBSW(Mem{Base: dst}.Offset(4+32*j), o8, t[j])
			VPMADDWD(ones16, t[j], t[j]) // lane 0: group 2j, lane 1: group 2j+1
		}
		VPHADDD(t[1], t[0], t[0])
		VPHADDD(t[3], t[2], t[2])
		VPHADDD(t[2], t[0], t[0]) // [g0 g2 g4 g6 | g1 g3 g5 g7]
		VPHADDD(t[5], t[4], t[4])
		VPHADDD(t[7], t[6], t[6])
		VPHADDD(t[6], t[4], t[4]) // [g8 .. g14 | g9 .. g15]
		VPACKSSDW(t[4], t[0], t[0])
		hi := XMM()
		VEXTRACTI128(U8(1), t[0], hi)
		lo := XMM()
		VPUNPCKLWD(hi, t[0].AsX(), lo)
		VPUNPCKHWD(hi, t[0].AsX(), hi)
		VMOVDQU(lo, Mem{Base: dst}.Offset(260))
		VMOVDQU(hi, Mem{Base: dst}.Offset(276))
	}
	ADDQ(U32(256*4), src)
	ADDQ(U32(292), dst)
	INCQ(done)
	JMP(LabelRef(name + "_block"))

	Label(name + "_end")
	VZEROUPPER()
	Store(done, ReturnIndex(0))
	RET()
}

// loadConst puts a constant in a register (AVX2 instructions take memory
// only as their first operand).
func loadConst(a isa, m Mem) VecVirtual {
	if a.zmm {
		return loadZ64(m)
	}
	v := a.vec()
	VMOVDQU(m, v)
	return v
}

// q80FromFloat: ggml's x86 Q8_0 activation quantizer on 32 elements:
// d = f16(amax/127), q = round_even_sat8(x·(127/amax)), id = 0 for a zero
// block.
func q80FromFloat(a isa) {
	name := "q80FromFloat" + a.suffix
	TEXT(name, NOSPLIT, fromFloatSignature)
	Doc(name + " quantizes nb blocks of 32 floats to Q8_0 as ggml's x86 code does; it returns the blocks done.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	nb := Load(Param("nb"), GP64())
	done := GP64()
	XORQ(done, done)
	absMask := loadConst(a, constBytes("abs_mask", splat(16, 0xff, 0xff, 0xff, 0x7f)))
	var perm VecVirtual
	if !a.zmm {
		perm = loadConst(a, constDwords("pack_perm", []uint32{0, 4, 1, 5, 2, 6, 3, 7}))
	}
	c127 := XMM()
	VMOVSS(f32const("plus127", 127), c127)

	Label(name + "_block")
	CMPQ(done, nb)
	JEQ(LabelRef(name + "_end"))
	vecs := 128 / a.bytes()
	x := make([]VecVirtual, vecs)
	m := a.vec()
	for i := range x {
		x[i] = a.vec()
		VMOVUPS(Mem{Base: src}.Offset(i*a.bytes()), x[i])
		t := a.vec()
		vand(a, absMask, x[i], t)
		if i == 0 {
			if a.zmm {
				VMOVDQA64(t, m)
			} else {
				VMOVDQA(t, m)
			}
		} else {
			VPMAXUD(t, m, m)
		}
	}
	maxBits(a, m)
	r := GP32()
	VMOVD(m.AsX(), r)
	CMPL(r, U32(0x7f800000))
	JAE(LabelRef(name + "_end")) // Inf or NaN
	d := XMM()
	VDIVSS(c127, m.AsX(), d) // amax/127
	VCVTPS2PH(U8(0), d, d)
	VPEXTRW(U8(0), d, Mem{Base: dst})
	id := XMM()
	if a.zmm {
		VPXORD(id, id, id)
	} else {
		VXORPS(id, id, id)
	}
	TESTL(r, r)
	JZ(LabelRef(name + "_zero"))
	VDIVSS(m.AsX(), c127, id) // 127/amax
	VMOVD(id, r)
	CMPL(r, U32(0x7f800000))
	JAE(LabelRef(name + "_end")) // amax so small that 127/amax overflows
	Label(name + "_zero")
	idv := a.vec()
	VBROADCASTSS(id, idv)
	for i := range x {
		VMULPS(idv, x[i], x[i])
		VCVTPS2DQ(x[i], x[i])
		if a.zmm {
			VPMOVSDB(x[i], Mem{Base: dst}.Offset(2+16*i))
		}
	}
	if !a.zmm {
		VPACKSSDW(x[1], x[0], x[0])
		VPACKSSDW(x[3], x[2], x[2])
		VPACKSSWB(x[2], x[0], x[0])
		VPERMD(x[0], perm, x[0])
		VMOVDQU(x[0], Mem{Base: dst}.Offset(2))
	}
	ADDQ(U32(128), src)
	ADDQ(U32(34), dst)
	INCQ(done)
	JMP(LabelRef(name + "_block"))

	Label(name + "_end")
	VZEROUPPER()
	Store(done, ReturnIndex(0))
	RET()
}

// f16FromFloat converts n floats (a multiple of the vector width) to
// float16, rounding to nearest even as F32ToF16 does.
func f16FromFloat(a isa) {
	name := "f16FromFloat" + a.suffix
	TEXT(name, NOSPLIT, "func(dst *byte, src *float32, n int)")
	Doc(name + " converts n floats (a multiple of 16) to float16.")
	Pragma("noescape")
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	n := Load(Param("n"), GP64())
	per := a.bytes() / 4
	Label(name + "_loop")
	v := a.vec()
	VMOVUPS(Mem{Base: src}, v)
	if a.zmm {
		h := YMM()
		VCVTPS2PH(U8(0), v, h)
		VMOVDQU64(h, Mem{Base: dst})
	} else {
		h := XMM()
		VCVTPS2PH(U8(0), v, h)
		VMOVDQU(h, Mem{Base: dst})
	}
	ADDQ(U32(4*per), src)
	ADDQ(U32(2*per), dst)
	SUBQ(U32(per), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

func genFromFloat() {
	for _, a := range []isa{avx2, avx512} {
		q8kFromFloat(a)
		q80FromFloat(a)
		f16FromFloat(a)
	}
}

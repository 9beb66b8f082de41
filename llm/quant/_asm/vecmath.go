package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// The element-wise exponentials of a forward pass (vecmath.go): SiLU's
// and softmax's e^x, 16 floats at a time with AVX-512 F, giving exactly
// the portable Expf's results: the same float32 operations in the same
// order, a multiply and an add where Expf has them (never a fused
// multiply-add, which rounds once instead of twice), and the same
// special cases (0 below -87.33654, +Inf above 88.72283, NaN kept).

// expConsts are Expf's constants, broadcast from memory where used.
type expConsts struct {
	log2e, round, ln2hi, ln2lo, lo, hi, one Mem
	c                                       [8]Mem // Taylor coefficients 1/n!
	inf                                     Mem
}

func newExpConsts() expConsts {
	f := func(name string, v float64) Mem { return f32const(name, float32(v)) }
	k := expConsts{
		log2e: f("exp_log2e", 1.44269504088896341), round: f("exp_round", 12582912),
		ln2hi: f("exp_ln2hi", 0.693145751953125), ln2lo: f("exp_ln2lo", 1.42860682030941723e-6),
		lo: f("exp_lo", -87.33654), hi: f("exp_hi", 88.72283), one: f("exp_one", 1),
		inf: constDwords("exp_inf", []uint32{0x7f800000}),
	}
	fact := 1.0
	for n := range k.c {
		if n > 0 {
			fact *= float64(n)
		}
		k.c[n] = f32const("exp_c"+string(rune('0'+n)), float32(1/fact))
	}
	return k
}

// expVec returns e^x for the 16 floats of x (a zmm), as Expf computes it.
func expVec(k expConsts, x VecVirtual) VecVirtual {
	kr, kf, r, t := ZMM(), ZMM(), ZMM(), ZMM()
	VMULPS_BCST(k.log2e, x, kr)
	VADDPS_BCST(k.round, kr, kr) // kr = x·log2e + 1.5·2^23: k in its low bits
	VSUBPS_BCST(k.round, kr, kf) // k
	VMULPS_BCST(k.ln2hi, kf, t)
	VSUBPS(t, x, r)
	VMULPS_BCST(k.ln2lo, kf, t)
	VSUBPS(t, r, r) // r = x - k·ln2hi - k·ln2lo
	p := ZMM()
	VBROADCASTSS(k.c[7], p)
	for n := 6; n >= 0; n-- { // p = c_n + r·p
		VMULPS(r, p, p)
		VADDPS_BCST(k.c[n], p, p)
	}
	// 2^k as two exact scalings (Expf's p·2·2^(k-1) when 2^k is beyond
	// float32): e = k + 127 in kr's low bits, ee = min(e, 254).
	e, ee := ZMM(), ZMM()
	VPSUBD_BCST(k.round, kr, e)
	VPADDD_BCST(constDwords("exp_127", []uint32{127}), e, e)
	VPMINSD_BCST(constDwords("exp_254", []uint32{254}), e, ee)
	VPSUBD(ee, e, e) // 0 or 1
	VPADDD_BCST(constDwords("exp_127", []uint32{127}), e, e)
	VPSLLD(U8(23), e, e) // 1 or 2
	VMULPS(e, p, p)
	VPSLLD(U8(23), ee, ee)
	VMULPS(ee, p, p)
	// Special cases, by the input: NaN stays, below lo is 0, above hi +Inf.
	kin, khi, knan := K(), K(), K()
	VCMPPS_BCST(U8(0x1d), k.lo, x, kin) // x >= lo, ordered (GE_OQ)
	VMOVAPS_Z(p, kin, p)
	VCMPPS_BCST(U8(0x1e), k.hi, x, khi) // x > hi, ordered (GT_OQ)
	VPBROADCASTD(k.inf, khi, p)         // merge +Inf where x > hi
	VCMPPS(U8(3), x, x, knan)           // unordered: NaN
	VMOVAPS(x, knan, p)
	return p
}

// expVecY is expVec for the 8 floats of a ymm (AVX2): the same float32
// operations in the same order, so the same results; constants are
// broadcast from memory where used, and the special cases are blended
// with compare masks instead of opmasks.
func expVecY(k expConsts, x VecVirtual) VecVirtual {
	bc := func(m Mem) VecVirtual {
		r := YMM()
		VBROADCASTSS(m, r)
		return r
	}
	kr, kf, r, t, round := YMM(), YMM(), YMM(), YMM(), bc(k.round)
	VMULPS(bc(k.log2e), x, kr)
	VADDPS(round, kr, kr) // kr = x·log2e + 1.5·2^23: k in its low bits
	VSUBPS(round, kr, kf) // k
	VMULPS(bc(k.ln2hi), kf, t)
	VSUBPS(t, x, r)
	VMULPS(bc(k.ln2lo), kf, t)
	VSUBPS(t, r, r) // r = x - k·ln2hi - k·ln2lo
	p := bc(k.c[7])
	for n := 6; n >= 0; n-- { // p = c_n + r·p
		VMULPS(r, p, p)
		VADDPS(bc(k.c[n]), p, p)
	}
	// 2^k in two exact scalings, as expVec.
	e, ee, c := YMM(), YMM(), YMM()
	VPSUBD(round, kr, e)
	VPBROADCASTD(constDwords("exp_127", []uint32{127}), c)
	VPADDD(c, e, e)
	VPMINSD(constDwords("exp_254_8", []uint32{254, 254, 254, 254, 254, 254, 254, 254}), e, ee)
	VPSUBD(ee, e, e) // 0 or 1
	VPADDD(c, e, e)
	VPSLLD(U8(23), e, e) // 1 or 2
	VMULPS(e, p, p)
	VPSLLD(U8(23), ee, ee)
	VMULPS(ee, p, p)
	// Special cases, by the input: NaN stays, below lo is 0, above hi +Inf.
	m := YMM()
	VCMPPS(U8(0x1d), bc(k.lo), x, m) // x >= lo, ordered (GE_OQ)
	VANDPS(m, p, p)
	VCMPPS(U8(0x1e), bc(k.hi), x, m) // x > hi, ordered (GT_OQ)
	VBLENDVPS(m, bc(k.inf), p, p)
	VCMPPS(U8(3), x, x, m) // unordered: NaN
	VBLENDVPS(m, x, p, p)
	return p
}

// genVecMath emits swiglu and the softmax passes, for AVX2 (8 floats at a
// time) and AVX-512 (16), with the same contracts (n a multiple of 16) and
// the same results: the exponentials are Expf's at both widths (expVec,
// expVecY), and expSumY adds its float64 lanes in expSumZ's order (four
// ymm of doubles standing for expSumZ's two zmm), so the two levels' sums
// agree bit for bit.
func genVecMath() {
	for _, a := range []isa{avx2, avx512} {
		genSwiGLU(a)
		genScaleMax(a)
		genExpSum(a)
		genScale(a)
		genMulAdd(a, false)
		genMulAdd(a, true)
	}
}

// vecKernel emits the TEXT of kernel base+a.suffix; the AVX-512 one
// carries the doc, the AVX2 one points at it.
func vecKernel(a isa, base, sig, doc string) string {
	name := base + a.suffix
	TEXT(name, NOSPLIT, sig)
	if a.zmm {
		Doc(name + " " + doc)
	} else {
		Doc(name + " is " + base + "Z with AVX2.")
	}
	Pragma("noescape")
	return name
}

// expOf is expVec or expVecY, by the width of a.
func expOf(a isa, k expConsts, x VecVirtual) VecVirtual {
	if a.zmm {
		return expVec(k, x)
	}
	return expVecY(k, x)
}

// broadcastF32 is a vector of a's width holding the float32 at m.
func broadcastF32(a isa, m Mem) VecVirtual {
	r := a.vec()
	VBROADCASTSS(m, r)
	return r
}

// loopEnd advances the pointers ps by one vector of a, counts lanes floats
// off n and loops to name_loop while any are left.
func loopEnd(a isa, name string, n Register, ps ...Register) {
	for _, p := range ps {
		ADDQ(U8(a.bytes()), p)
	}
	SUBQ(U8(a.bytes()/4), n)
	JNZ(LabelRef(name + "_loop"))
}

func genSwiGLU(a isa) {
	name := vecKernel(a, "swiglu", "func(out, gate, up *float32, n int)",
		"sets out[i] = gate[i] / (1 + e^-gate[i]) · up[i] for n (a multiple of 16) floats, as the portable SwiGLU does.")
	out, gate, up, n := Load(Param("out"), GP64()), Load(Param("gate"), GP64()), Load(Param("up"), GP64()), Load(Param("n"), GP64())
	k := newExpConsts()
	sign := constDwords("sign_bit", []uint32{0x80000000})
	Label(name + "_loop")
	g, ng := a.vec(), a.vec()
	VMOVUPS(Mem{Base: gate}, g)
	if a.zmm {
		VPXORD_BCST(sign, g, ng) // -g, exactly
	} else {
		VBROADCASTSS(sign, ng)
		VXORPS(g, ng, ng)
	}
	e := expOf(a, k, ng)
	if a.zmm {
		VADDPS_BCST(k.one, e, e)
	} else {
		VADDPS(broadcastF32(a, k.one), e, e)
	}
	q := a.vec()
	VDIVPS(e, g, q)
	VMULPS(Mem{Base: up}, q, q)
	VMOVUPS(q, Mem{Base: out})
	loopEnd(a, name, n, gate, up, out)
	VZEROUPPER()
	RET()
}

func genScaleMax(a isa) {
	name := vecKernel(a, "scaleMax", "func(x *float32, n int, scale float32) float32",
		"multiplies n (a multiple of 16) floats by scale in place and returns the largest product (-Inf for none).")
	x, n := Load(Param("x"), GP64()), Load(Param("n"), GP64())
	s, m := broadcastF32(a, paramAddr("scale")), a.vec()
	negInf := constDwords("neg_inf", []uint32{0xff800000})
	if a.zmm {
		VPBROADCASTD(negInf, m)
	} else {
		VBROADCASTSS(negInf, m)
	}
	Label(name + "_loop")
	v := a.vec()
	VMULPS(Mem{Base: x}, s, v)
	VMOVUPS(v, Mem{Base: x})
	VMAXPS(v, m, m)
	loopEnd(a, name, n, x)
	r := hmax(m, a.zmm)
	VZEROUPPER()
	Store(r, ReturnIndex(0))
	RET()
}

func genExpSum(a isa) {
	name := vecKernel(a, "expSum", "func(x *float32, n int, hi float32) float64",
		"replaces n (a multiple of 16) floats by e^(x-hi) and returns their sum, added in float64 lanes.")
	x, n := Load(Param("x"), GP64()), Load(Param("n"), GP64())
	k := newExpConsts()
	if a.zmm {
		h := ZMM()
		VBROADCASTSS(paramAddr("hi"), h)
		s0, s1 := ZMM(), ZMM()
		VPXORQ(s0, s0, s0)
		VPXORQ(s1, s1, s1)
		Label(name + "_loop")
		v := ZMM()
		VMOVUPS(Mem{Base: x}, v)
		VSUBPS(h, v, v)
		e := expVec(k, v)
		VMOVUPS(e, Mem{Base: x})
		d0, d1, t := ZMM(), ZMM(), YMM()
		VCVTPS2PD(e.AsY(), d0)
		VEXTRACTF64X4(U8(1), e, t)
		VCVTPS2PD(t, d1)
		VADDPD(d0, s0, s0)
		VADDPD(d1, s1, s1)
		loopEnd(a, name, n, x)
		VADDPD(s1, s0, s0)
		y := YMM()
		VEXTRACTF64X4(U8(1), s0, y)
		VADDPD(y, s0.AsY(), y)
		storeHsumPD(y)
		return
	}
	// s[j]: expSumZ's zmm s0 (j < 2) and s1, as halves of 4 doubles:
	// floats 4j…4j+3 of every 16.
	var s [4]VecVirtual
	for j := range s {
		s[j] = YMM()
		VXORPD(s[j], s[j], s[j])
	}
	Label(name + "_loop")
	for h := range 2 {
		v, hv := YMM(), YMM()
		VBROADCASTSS(paramAddr("hi"), hv)
		VMOVUPS(Mem{Base: x, Disp: 32 * h}, v)
		VSUBPS(hv, v, v)
		e := expVecY(k, v)
		VMOVUPS(e, Mem{Base: x, Disp: 32 * h})
		d, t := YMM(), XMM()
		VCVTPS2PD(e.AsX(), d)
		VADDPD(d, s[2*h], s[2*h])
		VEXTRACTF128(U8(1), e, t)
		VCVTPS2PD(t, d)
		VADDPD(d, s[2*h+1], s[2*h+1])
	}
	ADDQ(U8(64), x)
	SUBQ(U8(16), n)
	JNZ(LabelRef(name + "_loop"))
	// expSumZ: s0 += s1 lane by lane, then its upper four lanes onto the
	// lower, then storeHsumPD.
	VADDPD(s[2], s[0], s[0])
	VADDPD(s[3], s[1], s[1])
	VADDPD(s[1], s[0], s[0])
	storeHsumPD(s[0])
}

// storeHsumPD ends a kernel returning the sum of y's four doubles, added
// as foldY does.
func storeHsumPD(y VecVirtual) {
	xx := foldY(y)
	VZEROUPPER()
	Store(xx, ReturnIndex(0))
	RET()
}

func genScale(a isa) {
	name := vecKernel(a, "scale", "func(x *float32, n int, s float32)", "multiplies n (a multiple of 16) floats by s in place.")
	x, n := Load(Param("x"), GP64()), Load(Param("n"), GP64())
	s := broadcastF32(a, paramAddr("s"))
	Label(name + "_loop")
	v := a.vec()
	VMULPS(Mem{Base: x}, s, v)
	VMOVUPS(v, Mem{Base: x})
	loopEnd(a, name, n, x)
	VZEROUPPER()
	RET()
}

// hmax reduces the floats of m (a zmm, or a ymm when !zmm) to their
// maximum, in an xmm's low lane.
func hmax(m VecVirtual, zmm bool) Register {
	y := m.AsY().(VecVirtual)
	if zmm {
		y = YMM()
		VEXTRACTF64X4(U8(1), m, y)
		VMAXPS(y, m.AsY(), y)
	}
	x := XMM()
	VEXTRACTF128(U8(1), y, x)
	VMAXPS(y.AsX(), x, x)
	t := XMM()
	VMOVHLPS(x, x, t)
	VMAXPS(t, x, x)
	VMOVSHDUP(x, t)
	VMAXSS(t, x, x)
	return x
}

// paramAddr is the stack address of a float32 argument, to broadcast it.
func paramAddr(name string) Mem {
	b, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	return b.Addr
}

package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// RMS norm's two passes (rmsnorm.go): the float64 sum of float32 squares
// and the scaling by the norm and the weight.
//
// The sum's order is fixed by the portable sumSquares32, which every
// level follows so that RMSNorm gives the same bits on every CPU: 32
// float64 lanes, element i added to lane i mod 32, then lanes folded as
// t[j] = (s[j]+s[8+j]) + (s[16+j]+s[24+j]), u[j] = t[j]+t[4+j],
// v[j] = u[j]+u[2+j], v[0]+v[1]. The AVX-512 kernel keeps the lanes in four
// zmm of 8 (zmm k holds lanes 8k..8k+7), the AVX2 kernel in eight ymm of 4
// (ymm m holds lanes 4m..4m+3); four (eight) independent chains of
// additions hide VADDPD's latency.

// genNorm emits sumSquares and scaleMul for AVX2 and AVX-512.
func genNorm() {
	genSumSquaresZ()
	genSumSquaresY()
	for _, a := range []isa{avx2, avx512} {
		genScaleMul(a)
	}
}

func genSumSquaresZ() {
	name := "sumSquaresZ"
	TEXT(name, NOSPLIT, "func(x *float32, n int) float64")
	Doc(name + " returns Σ float64(x[i]·x[i]) over n (a positive multiple of 32) floats, added in sumSquares32's order.")
	Pragma("noescape")
	acc := sumSquaresLoop(name, avx512)
	VADDPD(acc[1], acc[0], acc[0])
	VADDPD(acc[3], acc[2], acc[2])
	VADDPD(acc[2], acc[0], acc[0]) // t
	u := YMM()
	VEXTRACTF64X4(U8(1), acc[0], u)
	VADDPD(u, acc[0].AsY(), u)
	Store(foldY(u), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

func genSumSquaresY() {
	name := "sumSquaresY"
	TEXT(name, NOSPLIT, "func(x *float32, n int) float64")
	Doc(name + " returns Σ float64(x[i]·x[i]) over n (a positive multiple of 32) floats, added in sumSquares32's order.")
	Pragma("noescape")
	acc := sumSquaresLoop(name, avx2)
	// Lanes 0..3 of t from the even accumulators, 4..7 from the odd.
	for _, h := range []int{0, 1} {
		VADDPD(acc[h+2], acc[h], acc[h])
		VADDPD(acc[h+6], acc[h+4], acc[h+4])
		VADDPD(acc[h+4], acc[h], acc[h])
	}
	VADDPD(acc[1], acc[0], acc[0]) // u
	Store(foldY(acc[0]), ReturnIndex(0))
	VZEROUPPER()
	RET()
}

// sumSquaresLoop emits the loop of sumSquaresZ and sumSquaresY: 32 floats
// an iteration, each squared in float32 (rounded as the portable code's)
// and widened to float64 (exact) into one of 256/a.bytes() accumulators,
// accumulator k taking floats k·w…k·w+w-1 of every 32 (w = a.bytes()/8),
// which it returns for the kernel's own reduction.
func sumSquaresLoop(name string, a isa) []VecVirtual {
	x, n := Load(Param("x"), GP64()), Load(Param("n"), GP64())
	acc := make([]VecVirtual, 256/a.bytes())
	for k := range acc {
		acc[k] = a.vec()
		if a.zmm {
			VPXORQ(acc[k], acc[k], acc[k])
		} else {
			VXORPD(acc[k], acc[k], acc[k])
		}
	}
	Label(name + "_loop")
	half := a.bytes() / 2 // bytes of the floats one accumulator takes
	for k := range acc {
		v, d := VecVirtual(XMM()), a.vec()
		if a.zmm {
			v = YMM()
		}
		VMOVUPS(Mem{Base: x, Disp: half * k}, v)
		VMULPS(v, v, v)
		VCVTPS2PD(v, d)
		VADDPD(d, acc[k], acc[k])
	}
	ADDQ(U8(128), x)
	SUBQ(U8(32), n)
	JNZ(LabelRef(name + "_loop"))
	return acc
}

// foldY returns v[0]+v[1] with v[j] = u[j]+u[2+j] for the 4 float64 of the
// ymm u, in an xmm's low lane.
func foldY(u VecVirtual) Register {
	v := XMM()
	VEXTRACTF128(U8(1), u, v)
	VADDPD(u.AsX(), v, v)
	t := XMM()
	VUNPCKHPD(v, v, t)
	VADDSD(t, v, v)
	return v
}

// genScaleMul emits scaleMul: out[i] = x[i]·s·w[i], two float32
// multiplications in that order (no fused multiply-add), as the portable
// loop rounds them.
func genScaleMul(a isa) {
	name := "scaleMul" + a.suffix
	TEXT(name, NOSPLIT, "func(out, x, w *float32, n int, s float32)")
	Doc(name + " sets out[i] = x[i]·s·w[i] for n (a positive multiple of 16) floats.")
	Pragma("noescape")
	out, x, w, n := Load(Param("out"), GP64()), Load(Param("x"), GP64()), Load(Param("w"), GP64()), Load(Param("n"), GP64())
	s := a.vec()
	VBROADCASTSS(paramAddr("s"), s)
	Label(name + "_loop")
	for off := 0; off < 64; off += a.bytes() {
		v := a.vec()
		VMULPS(Mem{Base: x, Disp: off}, s, v)
		VMULPS(Mem{Base: w, Disp: off}, v, v)
		VMOVUPS(v, Mem{Base: out, Disp: off})
	}
	ADDQ(U8(64), x)
	ADDQ(U8(64), w)
	ADDQ(U8(64), out)
	SUBQ(U8(16), n)
	JNZ(LabelRef(name + "_loop"))
	VZEROUPPER()
	RET()
}

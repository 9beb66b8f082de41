package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// streamRead sums n bytes (a multiple of 256) as uint64 lanes: nothing
// but full-width loads, to measure how fast one core can read memory,
// the ceiling of token generation. With ahead it also prefetches as the
// one-column kernels do (tile.go's ahead): which of the two reads faster
// depends on the moment (measured on the shared 2-vCPU machine: on two
// threads the prefetching loop read 40–44 GB/s against 34–40, on one
// thread 32–36 against 37–41), so the ceiling is the best of both.
func streamRead(a isa, ahead bool) {
	name := "streamRead" + a.suffix
	doc := " returns the wrapping sum of the n bytes at p (n a multiple of 256) as uint64 lanes."
	if ahead {
		name = "streamReadAhead" + a.suffix
		doc += " It prefetches ahead like the one-column kernels."
	}
	TEXT(name, NOSPLIT, "func(p *byte, n int) uint64")
	Doc(name + doc)
	Pragma("noescape")
	p := Load(Param("p"), GP64())
	n := Load(Param("n"), GP64())
	acc := make([]VecVirtual, 4)
	for i := range acc {
		acc[i] = a.vec()
		if a.zmm {
			VPXORQ(acc[i], acc[i], acc[i])
		} else {
			VPXOR(acc[i], acc[i], acc[i])
		}
	}
	Label(name + "_loop")
	if ahead {
		prefetchAhead(256, p)
	}
	for off := 0; off < 256; off += a.bytes() {
		i := off / a.bytes() % 4
		VPADDQ(Mem{Base: p}.Offset(off), acc[i], acc[i])
	}
	ADDQ(U32(256), p)
	SUBQ(U32(256), n)
	JNZ(LabelRef(name + "_loop"))
	for i := 1; i < 4; i++ {
		VPADDQ(acc[i], acc[0], acc[0])
	}
	y := acc[0].AsY()
	if a.zmm {
		t := YMM()
		VEXTRACTI64X4(U8(1), acc[0], t)
		VPADDQ(t, y, t)
		y = t
	}
	x := XMM()
	if a.zmm {
		VEXTRACTI32X4(U8(1), y, x)
	} else {
		VEXTRACTI128(U8(1), y, x)
	}
	VPADDQ(y.(VecVirtual).AsX(), x, x)
	r, r2 := GP64(), GP64()
	VMOVQ(x, r)
	VPEXTRQ(U8(1), x, r2)
	ADDQ(r2, r)
	VZEROUPPER()
	Store(r, ReturnIndex(0))
	RET()
}

func genStream() {
	streamRead(avx2, false)
	streamRead(avx512, false)
	streamRead(avx2, true)
	streamRead(avx512, true)
}

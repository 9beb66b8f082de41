package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// streamRead sums n bytes (a multiple of 1024) as uint64 lanes: nothing
// but full-width loads, to measure how fast one core can read memory,
// the ceiling of token generation. With ahead it also prefetches as the
// one-column kernels do (tile.go's ahead): which of the two reads faster
// depends on the moment (measured on the shared 2-vCPU machine: on two
// threads the prefetching loop read 40–44 GB/s against 34–40, on one
// thread 32–36 against 37–41), so the ceiling is the best of both. With
// streams 4 it reads the four quarters of the n bytes side by side, as
// the one-column quad kernels (pair.go) read their rows: one core reads
// memory faster from four streams than from one (fastest of three passes
// over 256 MiB, five rounds: one thread 33–41 GB/s from one stream, 40–41
// from four, 35–39 from eight; two threads 62–77, 70–85 and 60–77).
func streamRead(a isa, ahead bool, streams int) {
	if streams != 1 && streams != 4 {
		panic("streamRead: one stream or four")
	}
	name := "streamRead"
	if ahead {
		name += "Ahead"
	}
	if streams > 1 {
		name += fmt.Sprint(streams)
	}
	name += a.suffix
	doc := " returns the wrapping sum of the n bytes at p (n a multiple of 1024) as uint64 lanes"
	if streams > 1 {
		doc += fmt.Sprintf(", reading its %d parts side by side", streams)
	}
	doc += "."
	if ahead {
		doc += " It prefetches ahead like the one-column kernels."
	}
	TEXT(name, NOSPLIT, "func(p *byte, n int) uint64")
	Doc(name + doc)
	Pragma("noescape")
	p := Load(Param("p"), GP64())
	n := Load(Param("n"), GP64())
	ps := []Register{p}
	if streams > 1 {
		part := GP64()
		MOVQ(n, part)
		SHRQ(U8(2), part) // a quarter
		for i := 1; i < streams; i++ {
			q := GP64()
			LEAQ(Mem{Base: ps[i-1], Index: part, Scale: 1}, q)
			ps = append(ps, q)
		}
	}
	step := 256 / streams // bytes of each stream an iteration
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
		prefetchAhead(step, ps...)
	}
	i := 0
	for _, q := range ps {
		for off := 0; off < step; off += a.bytes() {
			VPADDQ(Mem{Base: q}.Offset(off), acc[i%4], acc[i%4])
			i++
		}
	}
	for _, q := range ps {
		ADDQ(U32(step), q)
	}
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

// prefetchLines emits prefetchLines, which asks for the n bytes at addr
// (n a multiple of 256) with one PREFETCHT0 per 64-byte line and returns
// without waiting for them: what a worker with nothing to compute does
// with the weights it will read next (llm's pool). A prefetch never
// faults, so any address will do.
func prefetchLines() {
	TEXT("prefetchLines", NOSPLIT, "func(addr uintptr, n int)")
	Doc("prefetchLines asks for the n bytes at addr (n a multiple of 256), one PREFETCHT0 per line.")
	p := Load(Param("addr"), GP64())
	n := Load(Param("n"), GP64())
	TESTQ(n, n)
	JLE(LabelRef("prefetchLines_done"))
	Label("prefetchLines_loop")
	for off := 0; off < 256; off += 64 {
		PREFETCHT0(Mem{Base: p, Disp: off})
	}
	ADDQ(U32(256), p)
	SUBQ(U32(256), n)
	JG(LabelRef("prefetchLines_loop"))
	Label("prefetchLines_done")
	RET()
}

func genStream() {
	prefetchLines()
	for _, streams := range []int{1, 4} {
		for _, ahead := range []bool{false, true} {
			streamRead(avx2, ahead, streams)
			streamRead(avx512, ahead, streams)
		}
	}
}

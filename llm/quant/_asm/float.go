package main

import (
	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// F16 × F16 and F32 × F32: plain float32 FMAs over blocks of 32 elements
// (F16 widened with VCVTPH2PS, exactly); the Go side handles the last
// n%32 elements. Each column sums in float32 lanes, as ggml's SIMD
// kernels do, where the portable kernels sum in float64.

type floatBlock struct{ w [4]VecVirtual }

// floatKind is the kernel of F16 (half) or F32 rows.
func floatKind(half bool) tileKind {
	name, size := "f32", 4
	if half {
		name, size = "f16", 2
	}
	// load widens the 32 elements at m into float32 vectors.
	load := func(a isa, m Mem) []VecVirtual {
		n := 32 * 4 / a.bytes()
		v := make([]VecVirtual, n)
		for i := range v {
			v[i] = a.vec()
			if half {
				VCVTPH2PS(m.Offset(i*a.bytes()/2), v[i])
			} else {
				VMOVUPS(m.Offset(i*a.bytes()), v[i])
			}
		}
		return v
	}
	return tileKind{
		name: name, wBytes: 32 * size, xBytes: 32 * size, unroll: true,
		// F32's activations are memory operands: 8 columns fit.
		ymm8:  !half,
		setup: func(a isa, _ int) any { return nil },
		block: func(a isa, _ any, w Mem) any {
			var b floatBlock
			copy(b.w[:], load(a, w))
			return b
		},
		column: func(a isa, _, st any, x Mem, acc VecVirtual) {
			b := st.(floatBlock)
			n := 32 * 4 / a.bytes()
			if half {
				for i, v := range load(a, x) {
					VFMADD231PS(v, b.w[i], acc)
				}
				return
			}
			for i := range n {
				VFMADD231PS(x.Offset(i*a.bytes()), b.w[i], acc)
			}
		},
	}
}

func genFloat() {
	for _, a := range []isa{avx2, avx512} {
		tiles(floatKind(true), a)
		tiles(floatKind(false), a)
	}
}

// Command _asm generates llm/quant's amd64 kernels with avo:
//
//	go generate ./llm/quant     (runs: go run -C _asm . -out ../kernels_amd64.s -stubs ../kernels_amd64.go -pkg quant)
//
// It is its own module (avo and its dependencies stay out of lsh's go.mod)
// in a directory the go tool skips, so `go build ./...` never sees it.
//
// Every kernel is written once here and emitted per CPU level: "Y"
// functions use AVX2+FMA+F16C on ymm registers, "Z" functions AVX-512
// F+BW+VL on zmm registers, and "V" functions the same with AVX-512 VNNI
// (VPDPWSSD fuses a multiply-add pair). The Go side (simd_amd64.go) wraps
// them and the tests compare them with the portable Go kernels.
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// isa is the instruction set a kernel is emitted for.
type isa struct {
	suffix string // function name suffix: "Y", "Z", "V"
	zmm    bool   // 512-bit registers (AVX-512 F+BW+VL)
	vnni   bool   // VPDPWSSD
}

var (
	avx2       = isa{"Y", false, false}
	avx512     = isa{"Z", true, false}
	avx512vnni = isa{"V", true, true}
)

// vec allocates a vector register of the isa's width.
func (a isa) vec() VecVirtual {
	if a.zmm {
		return ZMM()
	}
	return YMM()
}

// bytes is the width of a vector register.
func (a isa) bytes() int {
	if a.zmm {
		return 64
	}
	return 32
}

// madd16 accumulates the int16 pair products of p and s into the int32
// lanes of acc (acc = p·s when first).
func (a isa) madd16(s, p, acc Register, first bool) {
	switch {
	case first:
		VPMADDWD(s, p, acc)
	case a.vnni:
		VPDPWSSD(s, p, acc)
	default:
		t := a.vec()
		VPMADDWD(s, p, t)
		VPADDD(t, acc, acc)
	}
}

// hsum adds the float32 lanes of v (zmm or ymm) into its lowest lane.
func hsum(v VecVirtual, zmm bool) Register {
	y := v.AsY()
	x := XMM()
	if zmm {
		t := YMM()
		VEXTRACTF64X4(U8(1), v, t)
		VADDPS(t, y, t)
		VEXTRACTF32X4(U8(1), t, x)
		VADDPS(t.AsX(), x, x)
	} else {
		VEXTRACTF128(U8(1), y, x)
		VADDPS(v.AsX(), x, x)
	}
	t := XMM()
	VMOVHLPS(x, x, t)
	VADDPS(t, x, x)
	VMOVSHDUP(x, t)
	VADDSS(t, x, x)
	return x
}

var consts = map[string]Mem{}

// constBytes emits read-only data (once per name) and returns its address.
func constBytes(name string, b []byte) Mem {
	if m, ok := consts[name]; ok {
		return m
	}
	m := GLOBL(name, RODATA|NOPTR)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		var v uint64
		for j := range 8 {
			v |= uint64(b[i+j]) << (8 * j)
		}
		DATA(i, U64(v))
	}
	for ; i < len(b); i++ {
		DATA(i, U8(b[i]))
	}
	consts[name] = m
	return m
}

// loadZ64 loads the 64-byte constant m into a zmm register as two 32-byte
// halves. The linker aligns read-only data to 32 bytes only, so a 64-byte
// load (or memory operand) of a constant straddles two cache lines in some
// builds and not in others, which moved a kernel's speed by up to 1.4×
// between byte-identical builds; each half of a 32-byte-aligned constant
// lies within one line in every build. Kernels keep such constants in
// registers, loaded with this before their loops; where a wide kernel has
// no registers to spare, a plain 64-byte load once per block measured
// 2–4% faster than these two loads (and no slower than a memory operand).
func loadZ64(m Mem) VecVirtual {
	y, z := YMM(), ZMM()
	VMOVDQU64(m, y) // EVEX: y may be Y16-Y31
	VINSERTI64X4(U8(1), m.Offset(32), y.AsZ(), z)
	return z
}

// constWords emits int16 read-only data.
func constWords(name string, w []int) Mem {
	b := make([]byte, 2*len(w))
	for i, v := range w {
		b[2*i], b[2*i+1] = byte(v), byte(v>>8)
	}
	return constBytes(name, b)
}

// constDwords emits uint32 read-only data.
func constDwords(name string, d []uint32) Mem {
	b := make([]byte, 4*len(d))
	for i, v := range d {
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	return constBytes(name, b)
}

// splat repeats b n times.
func splat(n int, b ...byte) []byte {
	out := make([]byte, 0, n*len(b))
	for range n {
		out = append(out, b...)
	}
	return out
}

// ternlog returns VPTERNLOGD's immediate for f(a, b, c), where a is the
// destination operand, b the middle and c the first (Go operand order:
// VPTERNLOGD $imm, c, b, a).
func ternlog(f func(a, b, c bool) bool) U8 {
	var imm uint8
	for i := range 8 {
		if f(i&4 != 0, i&2 != 0, i&1 != 0) {
			imm |= 1 << i
		}
	}
	return U8(imm)
}

func main() {
	ConstraintExpr("amd64,!purego")
	genK()
	genQ6K()
	genQ4KX()
	genQ8()
	genQ8X()
	genQ8XPair()
	genFloat()
	genFromFloat()
	genVecMath()
	genNorm()
	genStream()
	Generate()
	if err := checkLevels(flag.Lookup("out").Value.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// checkLevels makes sure each function of the generated file uses only
// what its level's CPUs have (avo lists what a function requires): no
// AVX-512 in the AVX2 ("Y") functions, not even registers 16-31, which
// avo's register allocator hands out when a kernel runs short of the
// first 16; no VNNI in the AVX-512 ("Z") functions.
func checkLevels(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	evex := regexp.MustCompile(`\b([XY](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7])\b`)
	fn, requires := "", ""
	for i, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "// Requires:") {
			requires = line
		}
		if strings.HasPrefix(line, "TEXT ") {
			fn = strings.TrimSuffix(strings.Fields(line)[1], "(SB),")
			if strings.HasSuffix(fn, "Y") && strings.Contains(requires, "AVX512") ||
				strings.HasSuffix(fn, "Z") && strings.Contains(requires, "VNNI") {
				return fmt.Errorf("%s:%d: %s needs %s", path, i+1, fn, requires)
			}
		}
		if strings.HasSuffix(fn, "Y") && evex.MatchString(line) {
			return fmt.Errorf("%s:%d: AVX2 function %s uses an AVX-512 register: %s", path, i+1, fn, strings.TrimSpace(line))
		}
	}
	return nil
}

// alignedLocal allocates size bytes of the frame, aligned to 32 bytes,
// and returns them addressed from a register. The Go assembler aligns
// SP to 8 bytes only, and the AVX2 tile kernels store each decoded block
// to such a scratch and load it again once per column: unaligned, half
// of those 32-byte accesses straddled two cache lines. Aligned, Q4_K's
// tile of 8 columns went from 34–37 to 46–47 GMAC/s on one core and
// Q6_K's of 4 from 26–30 to 34–36 (BenchmarkKernels pp8/pp32 at avx2);
// TinyLlama pp512 at the avx2 level from 61–65 to 71 t/s.
func alignedLocal(size int) Mem {
	m := AllocLocal(size + 32)
	r := GP64()
	LEAQ(m.Offset(31), r)
	ANDQ(I32(-32), r)
	return Mem{Base: r}
}

package quant

import (
	"fmt"
	"os"
	"strings"
)

// Kernel selection. Every Format keeps one kernel set per CPU level, the
// generic (portable Go) set first; each higher level overrides what it
// accelerates and inherits the rest from the level below. At start-up the
// package picks the best level the CPU supports, lowered by LSH_CPU if set,
// and points Format.VecDot, Format.FromFloat and Format.MatMul at that
// level's kernels, so the choice is made once and a call costs one
// indirect jump. Tests reach every level through Format.atLevel.

// cpuLevel is a tier of x86 SIMD support; each includes the ones below.
type cpuLevel int

const (
	levelGeneric    cpuLevel = iota // portable Go, any architecture
	levelAVX2                       // AVX2 + FMA + F16C (+ BMI1's TZCNT)
	levelAVX512                     // AVX-512 F+BW+VL, without VNNI
	levelAVX512VNNI                 // AVX-512 F+BW+VL+VNNI (VPDPBUSD)
	numLevels
)

var levelNames = [numLevels]string{"generic", "avx2", "avx512", "avx512vnni"}

func (l cpuLevel) String() string { return levelNames[l] }

// kernelSet is one level's implementation of a Format's hot functions.
// A nil matMul means "loop over vecDot" (matMulVecDot); matMul reads its
// activations in encoding acts (encQ8_K…), which is the VecDotType's
// unless the tile kernels say otherwise (actsX).
type kernelSet struct {
	vecDot    func(n int, w, x []byte) float32
	fromFloat func(dst []byte, src []float32)
	matMul    func(dst []float32, w []byte, rows int, x []byte, cols, n int)
	streams   func(rows, n int) ([4]int, int) // Format.Streams' answer for matMul
	acts      int
	actsX     bool    // acts was set by the level's tile kernels
	repacked  *Format // the faster layout at this level (q4_kr.go, q32r.go), or nil
}

var (
	// hwLevel is the best level this CPU and OS support.
	hwLevel = detectLevel()
	// activeLevel is the level in use: hwLevel, lowered by LSH_CPU.
	activeLevel, levelWarning = chooseLevel(hwLevel, os.Getenv("LSH_CPU"))
)

// chooseLevel applies LSH_CPU (a level name, or empty) to the hardware
// level: it may lower the level, never raise it. The warning explains an
// ignored value.
func chooseLevel(hw cpuLevel, env string) (cpuLevel, string) {
	env = strings.TrimSpace(strings.ToLower(env))
	if env == "" {
		return hw, ""
	}
	for l := range numLevels {
		if levelNames[l] != env {
			continue
		}
		if l > hw {
			return hw, fmt.Sprintf("LSH_CPU=%s ignored: this CPU supports at most %s", env, hw)
		}
		return l, ""
	}
	return hw, fmt.Sprintf("LSH_CPU=%s ignored: not one of %s", env, strings.Join(levelNames[:], ", "))
}

// Level names the kernel set in use: "generic" (portable Go), "avx2"
// (AVX2+FMA+F16C), "avx512" (AVX-512 F+BW+VL) or "avx512vnni" (the same
// with VPDPBUSD/VPDPWSSD). It is the best the CPU supports unless the LSH_CPU
// environment variable, read once at start-up, names a lower level (a way
// to test or benchmark the lower levels, or to sidestep a suspect kernel).
func Level() string { return activeLevel.String() }

// LevelWarning explains why LSH_CPU was ignored (unknown name, or a level
// above what the CPU supports), or is empty; for `model bench` and logs.
func LevelWarning() string { return levelWarning }

// setLevels fills f's per-level kernel sets from its generic functions and
// simdKernels, and installs the active level.
func (f *Format) setLevels() {
	f.impls[levelGeneric] = kernelSet{vecDot: f.VecDot, fromFloat: f.FromFloat, acts: encodingKind(f.VecDotType)}
	simd := simdKernels[f.Type]
	if f.Layout != "" {
		simd = simdRepacked[f.Layout]
	}
	for l := levelGeneric + 1; l < numLevels; l++ {
		k, s := f.impls[l-1], simd[l]
		if s.vecDot != nil {
			k.vecDot = s.vecDot
			k.matMul, k.streams = nil, nil // an inherited tile kernel would be slower
			k.acts, k.actsX = encodingKind(f.VecDotType), false
		}
		if s.fromFloat != nil {
			k.fromFloat = s.fromFloat
		}
		if s.matMul != nil {
			k.matMul, k.streams = s.matMul, s.streams
			k.acts, k.actsX = encodingKind(f.VecDotType), false
		}
		if s.actsX {
			k.acts, k.actsX = s.acts, true
		}
		f.impls[l] = k
	}
	f.use(activeLevel)
}

// use points f's entry points at level l's kernels.
func (f *Format) use(l cpuLevel) {
	k := f.impls[l]
	f.VecDot, f.FromFloat, f.matMul, f.streams = k.vecDot, k.fromFloat, k.matMul, k.streams
	f.acts, f.repacked = &encodings[l][k.acts], k.repacked
}

// atLevel returns a copy of f running level l's kernels (tests, benchmarks).
func (f *Format) atLevel(l cpuLevel) *Format {
	g := *f
	g.use(l)
	return &g
}

//go:build !amd64 || purego

package quant

import "github.com/llamashell/lsh/llm/gguf"

// Without assembly (another architecture, or the purego build tag) every
// format runs its portable Go kernels.

// simdKernels holds, per type, the kernels an architecture provides for
// the levels above generic (zero fields inherit from the level below). A
// package-level variable, it is complete before any init function calls
// register.
var simdKernels = map[gguf.Type][numLevels]kernelSet{}

func detectLevel() cpuLevel { return levelGeneric }

// streamKernels are StreamBandwidth's reading loops per level: none, the
// portable loop reads.
var streamKernels [numLevels][StreamLoops]func(p *byte, n int) uint64

// vecKernels are the element-wise kernels per level: none, the portable
// loops run.
var vecKernels [numLevels]vecMath

// simdRepacked holds the kernels of the repacked layouts: none.
var simdRepacked = map[string][numLevels]kernelSet{}

// Prefetch asks the memory system for the n bytes at addr without waiting
// for them; without assembly it does nothing.
func Prefetch(addr uintptr, n int) {}

package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
)

// Kernel throughput per type, CPU level and shape, on TinyLlama-sized rows
// (n = 2048, the hidden size, and 5632, the feed-forward size). Bytes are
// weight bytes (b.SetBytes), so MB/s compares with memory bandwidth
// (BenchmarkStreamBandwidth); GMAC/s counts multiply-adds; best_GB/s is
// the fastest single call, a figure that other processes on a shared
// machine disturb much less than the mean.
//
//	tg:    one activation column over 256 rows (weights in L2): the
//	       compute ceiling of token generation
//	tgRAM: one column over 64 MiB of rows (weights from DRAM): what token
//	       generation gets
//	ppN:   N columns over 64 rows (prompt processing)
//
// The 32-element types run at Qwen2.5-0.5B's sizes instead (n = 896, its
// hidden size, not a multiple of 256, which is why llama.cpp stores it in
// Q5_0 and Q8_0, and 4864, its feed-forward size), and at 2048. "Q4_KR",
// "Q5_0R" and "Q8_0R" are the repacked layouts (q4_kr.go, q5_0r.go,
// q8_0r.go) the engine reads at the levels that have them.
//
// Run: go test -run '^$' -bench 'Kernels/Q4_K' ./llm/quant

var kernelBenchTypes = []gguf.Type{gguf.Q4_K, gguf.Q6_K, gguf.Q8_0, gguf.Q5_0, gguf.F16, gguf.F32}

func BenchmarkKernels(b *testing.B) {
	for _, typ := range kernelBenchTypes {
		for _, repacked := range []bool{false, true} {
			benchKernels(b, typ, repacked)
		}
	}
}

func benchKernels(b *testing.B, typ gguf.Type, repacked bool) {
	f, _ := Lookup(typ)
	ns := []int{2048, 5632}
	if f.BlockSize == 32 {
		ns = []int{896, 2048, 4864}
	}
	for _, level := range testLevels() {
		fl := f.atLevel(level)
		name := typ.String()
		if repacked {
			if fl.Repacked() == nil {
				continue
			}
			fl, name = fl.Repacked().atLevel(level), fl.Repacked().Layout
		}
		for _, n := range ns {
			for _, shape := range []struct {
				name       string
				rows, cols int
			}{{"tg", 256, 1}, {"tgRAM", 0, 1}, {"pp4", 64, 4}, {"pp8", 64, 8}, {"pp32", 64, 32}} {
				rows := shape.rows
				if rows == 0 {
					if level == levelGeneric {
						continue // compute-bound: the same as tg, and slow
					}
					rows = (64 << 20) / f.RowBytes(n)
				}
				b.Run(fmt.Sprintf("%s/%s/n=%d/%s", name, level, n, shape.name), func(b *testing.B) {
					rng := rand.New(rand.NewPCG(1, 2))
					w := weightCase(rng, f, rows*n, "random bits")
					if repacked {
						r := make([]byte, rows*fl.RowBytes(n))
						fl.Repack(r, w)
						w = r
					}
					x := make([]byte, shape.cols*fl.XRowBytes(n))
					for c := range shape.cols {
						fl.Acts().Encode(x[c*fl.XRowBytes(n):], normalRow(rng, n, 1))
					}
					dst := make([]float32, rows*shape.cols)
					b.SetBytes(int64(len(w)))
					best := time.Duration(math.MaxInt64)
					for b.Loop() {
						start := time.Now()
						fl.MatMul(dst, w, rows, x, shape.cols, n)
						best = min(best, time.Since(start))
					}
					b.ReportMetric(float64(rows*shape.cols*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GMAC/s")
					b.ReportMetric(float64(len(w))/best.Seconds()/1e9, "best_GB/s")
				})
			}
		}
	}
}

// BenchmarkStreamBandwidth is StreamBandwidth on a 512 MiB buffer with
// one and two threads: the bandwidth ceiling the MB/s of the tgRAM
// kernels compare with.
func BenchmarkStreamBandwidth(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			var bw float64
			for b.Loop() {
				bw = StreamBandwidth(threads, 512<<20)
			}
			b.ReportMetric(bw/1e9, "GB/s")
		})
	}
}

// BenchmarkTokenGenBandwidth runs token-generation-shaped MatMuls (one
// column, n = 2048, calls of 1024 rows: the engine's first claims of a
// TinyLlama gate/up job are ~1400; Q4_K repacked as Q4_KR where the level
// has it, as the engine reads it) over 256 MiB of weights split across
// 1 and 2 goroutines, as the engine does, alternating with passes of
// StreamBandwidth's reading loops over as many bytes; it reports the
// fastest pass of each (best_GB/s, stream_GB/s) and their ratio,
// pct_of_stream, the figure the target is set against (>= 85%).
func BenchmarkTokenGenBandwidth(b *testing.B) {
	const n, size = 2048, 256 << 20
	for _, typ := range []gguf.Type{gguf.Q4_K, gguf.Q6_K, gguf.Q8_0} {
		f, _ := Lookup(typ)
		rng := rand.New(rand.NewPCG(3, 4))
		rows := size / f.RowBytes(n)
		w := weightCase(rng, f, rows*n, "random bits")
		name := typ.String()
		if r := f.Repacked(); r != nil { // the layout the engine reads
			rw := make([]byte, rows*r.RowBytes(n))
			r.Repack(rw, w)
			f, w, name = r, rw, r.Layout
		}
		// In 2 MiB pages, as the engine's weights and the reading
		// loops' buffer are.
		if hw, release := pages.HugeAlloc(len(w)); hw != nil {
			defer release()
			copy(hw, w)
			w = hw
		}
		x := make([]byte, f.XRowBytes(n))
		f.Acts().Encode(x, normalRow(rng, n, 1))
		dst := make([]float32, rows)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				buf, per, _, release := streamBuffer(threads, size)
				defer release()
				b.SetBytes(int64(len(w)))
				b.ResetTimer()
				var best, stream float64
				for b.Loop() {
					// A stream pass, then a MatMul pass: whatever else runs
					// on the machine weighs on both alike.
					for loop := range StreamLoops {
						bw, _ := streamPass(buf, per, threads, loop)
						stream = max(stream, bw)
					}
					start := time.Now()
					rowsPer := (rows + threads - 1) / threads
					run(threads, func(t int) {
						lo, hi := t*rowsPer, min(rows, (t+1)*rowsPer)
						for r := lo; r < hi; r += 1024 {
							m := min(1024, hi-r)
							f.MatMul(dst[r:r+m], w[r*f.RowBytes(n):], m, x, 1, n)
						}
					})
					best = max(best, float64(len(w))/time.Since(start).Seconds())
				}
				got := best
				b.ReportMetric(got/1e9, "best_GB/s")
				b.ReportMetric(stream/1e9, "stream_GB/s")
				b.ReportMetric(100*got/stream, "pct_of_stream")
			})
		}
	}
}

// BenchmarkF32Scores is attention's scores in token generation at a depth
// of 1152 positions: one KV head's keys (F32 rows of 64) times the eight
// queries of TinyLlama's heads that share it, weights in L2.
func BenchmarkF32Scores(b *testing.B) {
	f, _ := Lookup(gguf.F32)
	const rows, cols, n = 1152, 8, 64
	rng := rand.New(rand.NewPCG(1, 2))
	w := weightCase(rng, f, rows*n, "quantized")
	x := make([]byte, cols*f.XRowBytes(n))
	f.Acts().Encode(x, normalRow(rng, cols*n, 1))
	dst := make([]float32, rows*cols)
	for b.Loop() {
		f.MatMul(dst, w, rows, x, cols, n)
	}
}

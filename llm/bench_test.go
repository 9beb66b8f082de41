package llm

import (
	"context"
	"math"
	"os"
	"testing"
	"time"
)

// BenchmarkTokenSynth measures one generated token on a model given by
// $LSH_BENCH_MODEL (e.g. a `model synth` TinyLlama), the figure
// docs/performance.md tracks; skipped when unset.
func BenchmarkTokenSynth(b *testing.B) {
	path := os.Getenv("LSH_BENCH_MODEL")
	if path == "" {
		b.Skip("set LSH_BENCH_MODEL to a GGUF model")
	}
	m, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	s, err := m.NewSession(512)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s.Feed(ctx, 1)
	b.ResetTimer()
	for i := range b.N {
		if s.Len() == s.ContextSize() {
			s.Truncate(1)
		}
		if err := s.Feed(ctx, int32(100+i%100)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures Load (mapping, binding, fingerprint, tokenizer)
// of $LSH_BENCH_MODEL.
func BenchmarkLoad(b *testing.B) {
	path := os.Getenv("LSH_BENCH_MODEL")
	if path == "" {
		b.Skip("set LSH_BENCH_MODEL to a GGUF model")
	}
	for range b.N {
		m, err := Load(path)
		if err != nil {
			b.Fatal(err)
		}
		m.Close()
	}
}

// BenchmarkColdPrompt measures what a one-shot `lsh -c "? …"` waits for
// in the engine: Load of $LSH_BENCH_MODEL with MapOnly (weights read
// through the fresh file mapping while the prefault goroutine populates
// it), a session, and a 297-token prompt (the size of the intent path's
// cold prompt) to its logits. best-ms is the fastest iteration, which
// other processes on a shared machine disturb least.
func BenchmarkColdPrompt(b *testing.B) {
	path := os.Getenv("LSH_BENCH_MODEL")
	if path == "" {
		b.Skip("set LSH_BENCH_MODEL to a GGUF model")
	}
	best := time.Duration(math.MaxInt64)
	for range b.N {
		start := time.Now()
		m, err := LoadWith(path, Options{MapOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		s, err := m.NewSession(1024)
		if err != nil {
			b.Fatal(err)
		}
		tokens := make([]int32, 297)
		for i := range tokens {
			tokens[i] = int32(100 + i*7919%(m.Config.Vocab-100))
		}
		if err := s.Feed(context.Background(), tokens...); err != nil {
			b.Fatal(err)
		}
		best = min(best, time.Since(start))
		m.Close()
	}
	b.ReportMetric(float64(best.Microseconds())/1e3, "best-ms")
}

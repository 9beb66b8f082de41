package llm

import (
	"context"
	"os"
	"testing"
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

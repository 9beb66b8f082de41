package llm

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// stories260KF16Tolerance bounds the logits of a float16 cache against
// llama.cpp's default run (F16 cache, flash attention): its keys and
// values carry 11-bit mantissas, which moved logits by up to 0.031 here,
// and llama.cpp's own two configurations differ by up to 0.024.
const stories260KF16Tolerance = 0.05

// Options.KVCache "f16": half the cache's memory; llama.cpp's default run
// (F16 cache) chooses the same 64 greedy tokens for every oracle prompt
// and its logits stay within stories260KF16Tolerance of ours at every
// position (teacher forcing); a batch gives the token-by-token logits bit
// for bit; a saved state restores exactly.
func TestF16Cache(t *testing.T) {
	m, err := LoadWith(testdata+"models/stories260K.gguf", Options{KVCache: "f16"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if half, full := newSession(t, m, 512).kv.bytes(), newSession(t, mustLoad(t, "stories260K.gguf"), 512).kv.bytes(); 2*half != full {
		t.Errorf("f16 cache %d bytes, f32 %d", half, full)
	}
	ctx := context.Background()
	tr := loadTrace(t, "stories260K-greedy")
	V := m.Config.Vocab
	worst := 0.0
	for _, run := range tr.Runs {
		s := newSession(t, m, 512)
		if err := s.Feed(ctx, run.PromptIDs...); err != nil {
			t.Fatal(err)
		}
		for step, want := range run.GeneratedIDs {
			if got := argmax(s.Logits()); got != want {
				t.Fatalf("%q: step %d: %d, llama.cpp %d", run.Prompt, step, got, want)
			}
			s.Feed(ctx, want)
		}
		forced := append(append([]int32(nil), run.PromptIDs...), run.GeneratedIDs[:len(run.GeneratedIDs)-1]...)
		rows, err := newSession(t, m, 512).FeedAll(ctx, forced...)
		if err != nil {
			t.Fatal(err)
		}
		for r := range forced {
			worst = max(worst, maxAbsDiff(rows[r*V:(r+1)*V], tr.row(run.RowOffset+r)))
		}
	}
	if worst > stories260KF16Tolerance {
		t.Errorf("logits differ from llama.cpp's F16-cache run by up to %g, want ≤ %g", worst, stories260KF16Tolerance)
	}
	t.Logf("largest logit difference from llama.cpp (F16 cache): %.3g", worst)

	q, err := LoadWith(testdata+"models/tiny-random-q4km.gguf", Options{KVCache: "f16"})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	prompt := []int32{1, 403, 407, 261, 378, 432, 383, 286, 261, 399}
	for len(prompt) < 150 {
		prompt = append(prompt, prompt[len(prompt)%10+1])
	}
	for _, mm := range []*Model{m, q} {
		batchEqualsTokenByToken(t, mm, prompt, "f16 cache")
	}

	s := newSession(t, q, 64)
	s.Feed(ctx, prompt[:7]...)
	st, err := s.Save(s.Len())
	if err != nil {
		t.Fatal(err)
	}
	s.Feed(ctx, 286, 261)
	other := newSession(t, q, 64)
	if err := other.Restore(st); err != nil {
		t.Fatal(err)
	}
	other.Feed(ctx, 286, 261)
	if !slices.Equal(other.Logits(), s.Logits()) {
		t.Error("continuing from a restored state of a float16 cache differs from continuing the original")
	}
}

// An unknown cache type is refused at Load, naming it.
func TestKVCacheOption(t *testing.T) {
	_, err := LoadWith(testdata+"models/stories260K.gguf", Options{KVCache: "q8_0"})
	if err == nil || !strings.Contains(err.Error(), `"q8_0"`) {
		t.Fatalf("KVCache q8_0: %v", err)
	}
}

package grammar

import (
	"testing"
)

// benchMatcher is a matcher inside the explanation string of a command
// intent: free text, the state a model spends most tokens in.
func benchMatcher(b *testing.B, path string) (*Grammar, *Matcher) {
	g, err := New(mustProgram(b, testSchema), loadVocab(b, path))
	if err != nil {
		b.Fatal(err)
	}
	m, _ := g.NewMatcher(0)
	for _, c := range []byte(`{"kind":"command","command":"ls -l","explanation":"Lists`) {
		if err := m.Accept(g.vocab.single[c]); err != nil {
			b.Fatal(err)
		}
	}
	return g, m
}

// BenchmarkMask is the per-token cost of masking once the state's set is
// cached: one pass over the logits.
func BenchmarkMask(b *testing.B) {
	for _, path := range []string{spm, qwen} {
		b.Run(path[len("../../testdata/vocab/ggml-vocab-"):], func(b *testing.B) {
			g, m := benchMatcher(b, path)
			logits := make([]float32, g.vocab.size)
			m.Mask(logits)
			b.ResetTimer()
			for range b.N {
				m.Mask(logits)
			}
		})
	}
}

// BenchmarkWalk is the cost of computing one state's set: a walk of the
// vocabulary trie, paid once per state and grammar.
func BenchmarkWalk(b *testing.B) {
	for _, path := range []string{spm, qwen} {
		b.Run(path[len("../../testdata/vocab/ggml-vocab-"):], func(b *testing.B) {
			g, m := benchMatcher(b, path)
			for range b.N {
				g.walk(g.prog.key(m.State()))
			}
		})
	}
}

// BenchmarkNewVocab is preparing a vocabulary (once per model).
func BenchmarkNewVocab(b *testing.B) {
	for _, path := range []string{spm, qwen} {
		b.Run(path[len("../../testdata/vocab/ggml-vocab-"):], func(b *testing.B) {
			v := loadVocab(b, path)
			for range b.N {
				newVocab(v.pieces, v.eog)
			}
		})
	}
}

package llm

import (
	"testing"
)

// A generated token's RoPE and cache writes run inside the attention
// job's chunks (one per KV head, attnJob.rope); a batch whose heads are
// cut into several chunks runs them as a job of their own first. Both
// paths must give the same logits bit for bit: a prompt fed as one
// 40-token batch (the separate job) and token by token (in the chunks).
func TestRopeInAttentionChunks(t *testing.T) {
	for _, name := range []string{"stories260K.gguf", "tiny-random-q4km.gguf"} {
		m := mustLoadThreads(t, name, 2) // several chunks per head for the batch
		prompt := make([]int32, 40)
		for i := range prompt {
			prompt[i] = int32(1 + i*37%(m.Config.Vocab-1))
		}
		for n, want := range map[int]bool{1: true, len(prompt): false} {
			j := attnJob{m: m, n: n, s: &scratch{}, kv: &kvCache{span: 256}}
			j.s.grow(m, n, 256)
			j.setup(m.pool.threads)
			if got := j.per == 1; got != want {
				t.Fatalf("%s: %d tokens: RoPE in the attention chunks %v, want %v: the test no longer compares the two paths", name, n, got, want)
			}
		}
		batchEqualsTokenByToken(t, m, prompt, name+", RoPE in the attention chunks")
	}
}

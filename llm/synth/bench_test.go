package synth

import (
	"io"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// BenchmarkGenerate measures drawing and quantizing one TinyLlama
// ffn_up-sized tensor (2048×5632) per file type; the figure that decides
// how long `model synth` takes.
func BenchmarkGenerate(b *testing.B) {
	s, _ := ShapeByName("tinyllama-1.1b")
	for _, typ := range []gguf.Type{gguf.Q4_K, gguf.Q6_K, gguf.Q8_0, gguf.F16} {
		b.Run(typ.String(), func(b *testing.B) {
			t := Tensor{Name: "blk.0.ffn_up.weight", Dims: []uint64{2048, 5632}, Type: typ}
			g, err := newGenerator(&t, &s, 1, 0)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(2048 * 5632 * 4)) // float32 weights in
			for range b.N {
				if err := g.write(io.Discard, &progress{ctx: b.Context(), total: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Package synth writes GGUF models with random weights in the exact shapes,
// tensor names, tensor types and metadata of real models, as llama.cpp's
// convert_hf_to_gguf.py and llama-quantize would produce them. With one,
// anyone can measure a real-size model (in lsh or in llama.cpp itself)
// without downloading gigabytes; its text is gibberish.
package synth

import (
	"fmt"
	"math"
	"strings"
)

// Shape is a model architecture's dimensions and metadata, as in the
// model's Hugging Face config.json.
type Shape struct {
	Name     string // lsh's name for it, e.g. "tinyllama-1.1b"
	Title    string // what the real model is called
	Arch     string // general.architecture: "llama" or "qwen2"
	Embed    int    // hidden_size
	Layers   int    // num_hidden_layers
	Heads    int    // num_attention_heads
	HeadsKV  int    // num_key_value_heads
	FFN      int    // intermediate_size
	Vocab    int    // vocab_size: rows of the embedding
	Context  int    // max_position_embeddings
	RopeBase float32
	RMSEps   float32
	Tied     bool // tie_word_embeddings: no output.weight
	// HeadDim, when non-zero, is written as key_length/value_length, as
	// convert does for configs with an explicit head_dim (Llama 3.2).
	HeadDim int
	// Llama3Rope, when set, adds the rope_freqs.weight tensor convert
	// computes from Llama 3.1+'s rope_scaling.
	Llama3Rope *Llama3Rope
	// VocabModel is the tokenizer.ggml.model the shape needs: "llama"
	// (SentencePiece) or "gpt2" (byte-level BPE).
	VocabModel string
	// TruncateVocab lets a larger vocabulary of the right model stand in
	// for one we do not have (SmolLM2's own 49152 tokens): see
	// docs/engine.md and fitVocab.
	TruncateVocab bool
}

// Llama3Rope is Llama 3.1+'s rope_scaling (rope_type "llama3").
type Llama3Rope struct {
	Factor, LowFreqFactor, HighFreqFactor float64
	OriginalContext                       float64
}

// Shapes are the models `model synth` can imitate, from their published
// config.json files.
var Shapes = []Shape{
	{Name: "tinyllama-1.1b", Title: "TinyLlama 1.1B Chat v1.0", Arch: "llama", Embed: 2048, Layers: 22, Heads: 32, HeadsKV: 4,
		FFN: 5632, Vocab: 32000, Context: 2048, RopeBase: 10000, RMSEps: 1e-5, VocabModel: "llama"},
	{Name: "llama-3.2-1b", Title: "Llama 3.2 1B Instruct", Arch: "llama", Embed: 2048, Layers: 16, Heads: 32, HeadsKV: 8,
		FFN: 8192, Vocab: 128256, Context: 131072, RopeBase: 500000, RMSEps: 1e-5, Tied: true, HeadDim: 64, VocabModel: "gpt2",
		Llama3Rope: &Llama3Rope{Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalContext: 8192}},
	{Name: "qwen2.5-0.5b", Title: "Qwen2.5 0.5B Instruct", Arch: "qwen2", Embed: 896, Layers: 24, Heads: 14, HeadsKV: 2,
		FFN: 4864, Vocab: 151936, Context: 32768, RopeBase: 1e6, RMSEps: 1e-6, Tied: true, VocabModel: "gpt2"},
	{Name: "qwen2.5-1.5b", Title: "Qwen2.5 1.5B Instruct", Arch: "qwen2", Embed: 1536, Layers: 28, Heads: 12, HeadsKV: 2,
		FFN: 8960, Vocab: 151936, Context: 32768, RopeBase: 1e6, RMSEps: 1e-6, Tied: true, VocabModel: "gpt2"},
	{Name: "smollm2-135m", Title: "SmolLM2 135M Instruct", Arch: "llama", Embed: 576, Layers: 30, Heads: 9, HeadsKV: 3,
		FFN: 1536, Vocab: 49152, Context: 8192, RopeBase: 100000, RMSEps: 1e-5, Tied: true, VocabModel: "gpt2", TruncateVocab: true},
	{Name: "smollm2-360m", Title: "SmolLM2 360M Instruct", Arch: "llama", Embed: 960, Layers: 32, Heads: 15, HeadsKV: 5,
		FFN: 2560, Vocab: 49152, Context: 8192, RopeBase: 100000, RMSEps: 1e-5, Tied: true, VocabModel: "gpt2", TruncateVocab: true},
	{Name: "smollm2-1.7b", Title: "SmolLM2 1.7B Instruct", Arch: "llama", Embed: 2048, Layers: 24, Heads: 32, HeadsKV: 32,
		FFN: 8192, Vocab: 49152, Context: 8192, RopeBase: 130000, RMSEps: 1e-5, Tied: true, VocabModel: "gpt2", TruncateVocab: true},
}

// ShapeNames lists the shapes, for usage messages.
func ShapeNames() string {
	var names []string
	for _, s := range Shapes {
		names = append(names, s.Name)
	}
	return strings.Join(names, "|")
}

// ShapeByName returns the shape called name.
func ShapeByName(name string) (Shape, error) {
	for _, s := range Shapes {
		if strings.EqualFold(s.Name, name) {
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("unknown shape %q (known: %s)", name, ShapeNames())
}

// headDim is the size of one attention head.
func (s *Shape) headDim() int {
	if s.HeadDim != 0 {
		return s.HeadDim
	}
	return s.Embed / s.Heads
}

// Check reports a shape whose dimensions do not fit together.
func (s *Shape) Check() error {
	switch {
	case s.Arch != "llama" && s.Arch != "qwen2":
		return fmt.Errorf("shape %s: architecture %q (want llama or qwen2)", s.Name, s.Arch)
	case s.Embed <= 0 || s.Layers <= 0 || s.Heads <= 0 || s.HeadsKV <= 0 || s.FFN <= 0 || s.Vocab <= 0 || s.Context <= 0:
		return fmt.Errorf("shape %s: every dimension must be positive", s.Name)
	case s.Heads%s.HeadsKV != 0:
		return fmt.Errorf("shape %s: %d heads are not a multiple of %d KV heads", s.Name, s.Heads, s.HeadsKV)
	case s.HeadDim == 0 && s.Embed%s.Heads != 0:
		return fmt.Errorf("shape %s: width %d is not a multiple of %d heads", s.Name, s.Embed, s.Heads)
	case s.headDim()%2 != 0:
		return fmt.Errorf("shape %s: odd head size %d", s.Name, s.headDim())
	}
	return nil
}

// ropeFreqs computes rope_freqs.weight as convert_hf_to_gguf does for
// rope_type "llama3": per rotated pair, 1 for high frequencies, Factor for
// low ones, and a smooth blend between.
func (s *Shape) ropeFreqs() []float32 {
	r := s.Llama3Rope
	dim := s.headDim()
	lowWavelen := r.OriginalContext / r.LowFreqFactor
	highWavelen := r.OriginalContext / r.HighFreqFactor
	out := make([]float32, dim/2)
	for i := range out {
		freq := 1 / math.Pow(float64(s.RopeBase), float64(2*i)/float64(dim))
		wavelen := 2 * math.Pi / freq
		switch {
		case wavelen < highWavelen:
			out[i] = 1
		case wavelen > lowWavelen:
			out[i] = float32(r.Factor)
		default:
			smooth := (r.OriginalContext/wavelen - r.LowFreqFactor) / (r.HighFreqFactor - r.LowFreqFactor)
			out[i] = float32(1 / ((1-smooth)/r.Factor + smooth))
		}
	}
	return out
}

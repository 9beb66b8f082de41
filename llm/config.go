package llm

import (
	"fmt"

	"github.com/llamashell/lsh/llm/gguf"
)

// Config is a model's hyperparameters, read from the `<arch>.*` metadata of
// its GGUF file (the names in comments are llama.cpp's).
type Config struct {
	Arch      string // general.architecture: "llama" or "qwen2"
	Embed     int    // n_embd: width of the residual stream
	Layers    int    // n_layer
	Heads     int    // n_head: query heads
	HeadsKV   int    // n_head_kv: key/value heads (grouped-query attention when < Heads)
	HeadDim   int    // n_embd_head_k: key_length, or Embed/Heads
	FFN       int    // n_ff: hidden width of the feed-forward block
	Vocab     int    // n_vocab: rows of token_embd.weight
	TrainCtx  int    // context_length the model was trained with
	RMSEps    float32
	RopeBase  float32 // rope.freq_base (10000 when absent)
	RopeDims  int     // rope.dimension_count: leading dims of each head rotated (HeadDim when absent)
	RopeScale float32 // freq_scale: 1/rope.scaling.factor for linear scaling, else 1
	// RopeNeoX selects NeoX ordering (rotate dims i and i+RopeDims/2, qwen2)
	// instead of adjacent pairs (2i, 2i+1, llama).
	RopeNeoX bool
}

// KVDim is the width of one position's keys (or values) across KV heads.
func (c *Config) KVDim() int { return c.HeadsKV * c.HeadDim }

// QDim is the width of one position's queries across all heads.
func (c *Config) QDim() int { return c.Heads * c.HeadDim }

// architectures lists what the forward pass implements and how they differ.
var architectures = map[string]struct{ neox bool }{
	"llama": {neox: false},
	"qwen2": {neox: true},
}

// readConfig reads and checks the hyperparameters; vocab comes from the
// embedding tensor, which the caller checks exists.
func readConfig(f *gguf.File) (Config, error) {
	c := Config{Arch: f.Architecture()}
	arch, ok := architectures[c.Arch]
	if !ok {
		if c.Arch == "" {
			return c, fmt.Errorf("no general.architecture in the metadata (not a model file?)")
		}
		return c, fmt.Errorf("architecture %q is not supported (supported: llama, qwen2)", c.Arch)
	}
	c.RopeNeoX = arch.neox
	need := func(name string, dst *int) error {
		key := f.ArchKey(name)
		v, ok := f.Uint(key)
		if !ok {
			return fmt.Errorf("missing or non-integer metadata %s", key)
		}
		if v == 0 || v > 1<<24 {
			return fmt.Errorf("metadata %s = %d is out of range", key, v)
		}
		*dst = int(v)
		return nil
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{
		{"embedding_length", &c.Embed}, {"block_count", &c.Layers}, {"attention.head_count", &c.Heads},
		{"feed_forward_length", &c.FFN}, {"context_length", &c.TrainCtx},
	} {
		if err := need(p.name, p.dst); err != nil {
			return c, err
		}
	}
	c.HeadsKV = c.Heads
	if _, ok := f.Get(f.ArchKey("attention.head_count_kv")); ok {
		if err := need("attention.head_count_kv", &c.HeadsKV); err != nil {
			return c, err
		}
	}
	if c.Heads%c.HeadsKV != 0 {
		return c, fmt.Errorf("head_count %d is not a multiple of head_count_kv %d", c.Heads, c.HeadsKV)
	}
	c.HeadDim = c.Embed / c.Heads
	if _, ok := f.Get(f.ArchKey("attention.key_length")); ok {
		if err := need("attention.key_length", &c.HeadDim); err != nil {
			return c, err
		}
		vl := c.HeadDim
		if _, ok := f.Get(f.ArchKey("attention.value_length")); ok {
			if err := need("attention.value_length", &vl); err != nil {
				return c, err
			}
		}
		if vl != c.HeadDim {
			return c, fmt.Errorf("attention.value_length %d differs from key_length %d (not supported)", vl, c.HeadDim)
		}
	} else if c.Embed%c.Heads != 0 {
		return c, fmt.Errorf("embedding_length %d is not a multiple of head_count %d", c.Embed, c.Heads)
	}
	c.RopeDims = c.HeadDim
	if _, ok := f.Get(f.ArchKey("rope.dimension_count")); ok {
		if err := need("rope.dimension_count", &c.RopeDims); err != nil {
			return c, err
		}
	}
	if c.RopeDims > c.HeadDim || c.RopeDims%2 != 0 {
		return c, fmt.Errorf("rope.dimension_count %d must be even and at most the head size %d", c.RopeDims, c.HeadDim)
	}
	eps, ok := f.Float(f.ArchKey("attention.layer_norm_rms_epsilon"))
	if !ok {
		return c, fmt.Errorf("missing metadata %s", f.ArchKey("attention.layer_norm_rms_epsilon"))
	}
	c.RMSEps = float32(eps)
	c.RopeBase = 10000
	if b, ok := f.Float(f.ArchKey("rope.freq_base")); ok {
		c.RopeBase = float32(b)
	}
	c.RopeScale = 1
	scaling, _ := f.String(f.ArchKey("rope.scaling.type"))
	switch scaling {
	case "", "none":
	case "linear":
		if factor, ok := f.Float(f.ArchKey("rope.scaling.factor")); ok && factor > 0 {
			c.RopeScale = float32(1 / factor)
		}
	default:
		return c, fmt.Errorf("rope scaling %q is not supported (supported: none, linear, and Llama 3 rope_freqs)", scaling)
	}
	if c.RopeBase <= 0 || !(c.RMSEps > 0) {
		return c, fmt.Errorf("rope.freq_base %g / rms epsilon %g out of range", c.RopeBase, c.RMSEps)
	}
	return c, nil
}

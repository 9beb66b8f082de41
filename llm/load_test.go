package llm

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// rewrite copies the model src into a temporary file, passing each
// metadata value and tensor through edit functions (nil drops the item).
func rewrite(t *testing.T, src string, kv func(gguf.KV) *gguf.KV, tensor func(gguf.TensorInfo, []byte) (*gguf.TensorInfo, []byte)) string {
	t.Helper()
	f, err := gguf.Open(testdata + "models/" + src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := gguf.NewWriter()
	for _, e := range f.KV {
		if kv != nil {
			if e2 := kv(e); e2 != nil {
				w.Set(e2.Key, e2.Value)
			}
			continue
		}
		w.Set(e.Key, e.Value)
	}
	for i := range f.Tensors {
		ti, data := f.Tensors[i], f.Data(&f.Tensors[i])
		if tensor != nil {
			t2, d2 := tensor(ti, data)
			if t2 == nil {
				continue
			}
			ti, data = *t2, d2
		}
		if err := w.AddTensor(ti.Name, ti.Type, ti.Dims, data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "model.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadErrors(t *testing.T) {
	setArch := func(arch string) func(gguf.KV) *gguf.KV {
		return func(e gguf.KV) *gguf.KV {
			if e.Key == "general.architecture" {
				e.Value = gguf.NewString(arch)
			}
			return &e
		}
	}
	cases := []struct {
		name string
		path func(t *testing.T) string
		want []string // substrings of the error
	}{
		{"unsupported architecture", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", setArch("falcon"), nil)
		}, []string{`architecture "falcon" is not supported`, "llama, qwen2"}},
		{"no architecture", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", func(e gguf.KV) *gguf.KV {
				if e.Key == "general.architecture" {
					return nil
				}
				return &e
			}, nil)
		}, []string{"no general.architecture"}},
		{"missing tensor", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", nil, func(ti gguf.TensorInfo, d []byte) (*gguf.TensorInfo, []byte) {
				if ti.Name == "blk.3.ffn_up.weight" {
					return nil, nil
				}
				return &ti, d
			})
		}, []string{`missing tensor "blk.3.ffn_up.weight"`}},
		{"misshapen tensor", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", nil, func(ti gguf.TensorInfo, d []byte) (*gguf.TensorInfo, []byte) {
				if ti.Name == "blk.1.attn_k.weight" { // [64 32] → [32 64]
					ti.Dims = []uint64{32, 64}
				}
				return &ti, d
			})
		}, []string{`tensor "blk.1.attn_k.weight" has shape [32 64], want [64 32]`}},
		{"unsupported tensor type", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", nil, func(ti gguf.TensorInfo, d []byte) (*gguf.TensorInfo, []byte) {
				if ti.Name == "blk.0.attn_q.weight" { // 64×64 F32 → IQ4_NL, same element count
					ti.Type = gguf.IQ4_NL
					d = d[:64*64/32*18]
				}
				return &ti, d
			})
		}, []string{`tensor "blk.0.attn_q.weight"`, "IQ4_NL", "not supported"}},
		{"missing hyperparameter", func(t *testing.T) string {
			return rewrite(t, "stories260K.gguf", func(e gguf.KV) *gguf.KV {
				if e.Key == "llama.block_count" {
					return nil
				}
				return &e
			}, nil)
		}, []string{"llama.block_count"}},
		{"truncated file", func(t *testing.T) string {
			data, err := os.ReadFile(testdata + "models/stories260K.gguf")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "cut.gguf")
			os.WriteFile(path, data[:len(data)/2], 0o644)
			return path
		}, []string{"past the end of the file"}},
		{"not a file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "absent.gguf") }, []string{"no such file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path(t)
			m, err := Load(path)
			if err == nil {
				m.Close()
				t.Fatal("Load succeeded")
			}
			t.Log(err)
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

// A model without tokenizer metadata runs on token ids; text fails clearly.
func TestMissingTokenizer(t *testing.T) {
	path := rewrite(t, "stories260K.gguf", func(e gguf.KV) *gguf.KV {
		if strings.HasPrefix(e.Key, "tokenizer.") {
			return nil
		}
		return &e
	}, nil)
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := newSession(t, m, 64)
	if err := s.Feed(context.Background(), 1, 403); err != nil || !allFinite(s.Logits()) {
		t.Fatal(err)
	}
	_, err = s.GenerateText(context.Background(), "Once", GenerateOptions{MaxTokens: 4})
	if !errors.Is(err, ErrNoTokenizer) || !strings.Contains(err.Error(), "tokenizer.ggml.tokens") {
		t.Fatalf("GenerateText without a tokenizer: %v", err)
	}
	if _, err := s.Generate(context.Background(), []int32{1}, GenerateOptions{MaxTokens: 4}); !errors.Is(err, ErrNoTokenizer) {
		t.Fatalf("Generate without a tokenizer: %v", err)
	}
}

// qwen2 needs its Q/K/V biases; the error names the first one missing.
func TestQwen2NeedsBiases(t *testing.T) {
	path := rewrite(t, "stories260K.gguf", func(e gguf.KV) *gguf.KV {
		switch {
		case e.Key == "general.architecture":
			e.Value = gguf.NewString("qwen2")
		case strings.HasPrefix(e.Key, "llama."):
			e.Key = "qwen2." + strings.TrimPrefix(e.Key, "llama.")
		}
		return &e
	}, nil)
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), `missing tensor "blk.0.attn_q.bias"`) {
		t.Fatalf("qwen2 without biases: %v", err)
	}
}

func TestFingerprint(t *testing.T) {
	a, b := mustLoad(t, "stories260K.gguf"), mustLoad(t, "stories260K.gguf")
	if a.Fingerprint() != b.Fingerprint() {
		t.Fatal("the same file has two fingerprints")
	}
	// Same header, different weights: a different model.
	path := rewrite(t, "stories260K.gguf", nil, func(ti gguf.TensorInfo, d []byte) (*gguf.TensorInfo, []byte) {
		if ti.Name == "blk.4.ffn_up.weight" {
			d = append([]byte(nil), d...)
			d[0] ^= 1
		}
		return &ti, d
	})
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Fingerprint() == a.Fingerprint() {
		t.Fatal("changed weights kept the fingerprint")
	}
}

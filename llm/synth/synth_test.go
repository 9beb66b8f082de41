package synth

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/gguf"
)

const vocabDir = "../../testdata/vocab/"

func openVocab(t testing.TB, name string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(vocabDir + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func mustPlan(t testing.TB, shape, ft string) []Tensor {
	t.Helper()
	s, err := ShapeByName(shape)
	if err != nil {
		t.Fatal(err)
	}
	f, err := FileTypeByName(ft)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Plan(s, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func typeMix(plan []Tensor) (count map[gguf.Type]int, bytes uint64) {
	count = map[gguf.Type]int{}
	for i := range plan {
		count[plan[i].Type]++
		bytes += plan[i].Bytes()
	}
	return count, bytes
}

// The TinyLlama-1.1B Q4_K_M plan is the real file's: 135 Q4_K, 21 Q6_K
// (output.weight, and attn_v and ffn_down of the ten "use_more_bits"
// layers 0, 1, 4, 7, 10, 13, 16, 19, 20, 21), 45 F32 norms, 636 MiB.
func TestTinyLlamaQ4KMPlan(t *testing.T) {
	plan := mustPlan(t, "tinyllama-1.1b", "q4_k_m")
	count, bytes := typeMix(plan)
	if len(plan) != 201 || count[gguf.Q4_K] != 135 || count[gguf.Q6_K] != 21 || count[gguf.F32] != 45 || len(count) != 3 {
		t.Fatalf("%d tensors, mix %v", len(plan), count)
	}
	if bytes != 667078656 { // 636.2 MiB, as the real tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf
		t.Errorf("tensor bytes %d (%.1f MiB)", bytes, float64(bytes)/(1<<20))
	}
	var q6 []string
	for _, p := range plan {
		if p.Type == gguf.Q6_K {
			q6 = append(q6, p.Name)
		}
	}
	want := []string{"output.weight"}
	for _, l := range []int{0, 1, 4, 7, 10, 13, 16, 19, 20, 21} {
		want = append(want, fmt.Sprintf("blk.%d.attn_v.weight", l), fmt.Sprintf("blk.%d.ffn_down.weight", l))
	}
	slices.Sort(q6)
	slices.Sort(want)
	if !slices.Equal(q6, want) {
		t.Errorf("Q6_K tensors %v\nwant %v", q6, want)
	}
	// llama-quantize's order: outside blocks by name, then blocks in order.
	if plan[0].Name != "output.weight" || plan[1].Name != "output_norm.weight" || plan[2].Name != "token_embd.weight" ||
		plan[3].Name != "blk.0.attn_k.weight" || plan[len(plan)-1].Name != "blk.21.ffn_up.weight" {
		t.Errorf("order: %s %s %s %s … %s", plan[0].Name, plan[1].Name, plan[2].Name, plan[3].Name, plan[len(plan)-1].Name)
	}
}

// Every shape and type: what llama-quantize's rules imply, checked as
// properties (exact mixes are pinned for the shapes whose real files we
// know).
func TestPlanAllShapes(t *testing.T) {
	for _, s := range Shapes {
		for _, ft := range FileTypes {
			t.Run(s.Name+"/"+ft.Name, func(t *testing.T) {
				plan, err := Plan(s, ft)
				if err != nil {
					t.Fatal(err)
				}
				perLayer := 9
				if s.Arch == "qwen2" {
					perLayer = 12
				}
				top := 3
				if s.Tied {
					top--
				}
				if s.Llama3Rope != nil {
					top++
				}
				if len(plan) != top+perLayer*s.Layers {
					t.Errorf("%d tensors, want %d", len(plan), top+perLayer*s.Layers)
				}
				var params uint64
				for _, p := range plan {
					n := uint64(1)
					for _, d := range p.Dims {
						n *= d
					}
					params += n
					cols := int(p.Dims[0])
					switch {
					case len(p.Dims) == 1:
						if p.Type != gguf.F32 {
							t.Errorf("%s: 1-D tensor of type %s", p.Name, p.Type)
						}
					case cols%p.Type.BlockSize() != 0:
						t.Errorf("%s: %d columns do not fit %s", p.Name, cols, p.Type)
					case ft.Name == "f16" && p.Type != gguf.F16, ft.Name == "q8_0" && p.Type != gguf.Q8_0:
						t.Errorf("%s: %s in a %s file", p.Name, p.Type, ft.Name)
					case ft.Name == "q4_k_m" && (p.Name == "output.weight" || s.Tied && p.Name == "token_embd.weight"):
						if want := map[bool]gguf.Type{true: gguf.Q6_K, false: gguf.Q8_0}[cols%256 == 0]; p.Type != want {
							t.Errorf("%s: %s, want %s", p.Name, p.Type, want)
						}
					case ft.Name == "q4_k_m":
						ok := []gguf.Type{gguf.Q4_K, gguf.Q5_0}
						if strings.Contains(p.Name, "attn_v") || strings.Contains(p.Name, "ffn_down") {
							ok = append(ok, gguf.Q6_K, gguf.Q8_0)
						}
						if !slices.Contains(ok, p.Type) || (p.Type == gguf.Q5_0 || p.Type == gguf.Q8_0) != (cols%256 != 0) {
							t.Errorf("%s (%d columns): %s", p.Name, cols, p.Type)
						}
					}
				}
				// The published parameter counts of the real models.
				want := map[string]int{"tinyllama-1.1b": 1100, "llama-3.2-1b": 1236, "qwen2.5-0.5b": 494, "qwen2.5-1.5b": 1544,
					"smollm2-135m": 135, "smollm2-360m": 362, "smollm2-1.7b": 1711}[s.Name]
				if got := int(math.Round(float64(params) / 1e6)); got != want {
					t.Errorf("%dM parameters, the real model has %dM", got, want)
				}
			})
		}
	}
	// Pinned mixes: Qwen2.5-0.5B falls back (896 columns) to Q5_0 and Q8_0.
	count, _ := typeMix(mustPlan(t, "qwen2.5-0.5b", "q4_k_m"))
	want := map[gguf.Type]int{gguf.F32: 121, gguf.Q5_0: 132, gguf.Q8_0: 13, gguf.Q4_K: 12, gguf.Q6_K: 12}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("qwen2.5-0.5b q4_k_m mix %v, want %v", count, want)
	}
	// Llama-3.2-1B: tied embedding in Q6_K, 8 "more bits" layers of 16.
	count, _ = typeMix(mustPlan(t, "llama-3.2-1b", "q4_k_m"))
	want = map[gguf.Type]int{gguf.F32: 34, gguf.Q4_K: 96, gguf.Q6_K: 17}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("llama-3.2-1b q4_k_m mix %v, want %v", count, want)
	}
}

func TestRopeFreqs(t *testing.T) {
	s, _ := ShapeByName("llama-3.2-1b")
	f := s.ropeFreqs()
	// Llama 3.2's rope_freqs: 1 for the high frequencies, 32 for
	// the low ones, a blend for the three wavelengths between 8192/4 and
	// 8192 positions.
	if len(f) != 32 || f[14] != 1 || f[18] != 32 || !(f[15] > 1.6 && f[15] < 1.7 && f[17] > 9.6 && f[17] < 9.7) {
		t.Fatalf("rope_freqs %v", f)
	}
	for i := 1; i < len(f); i++ {
		if f[i] < f[i-1] {
			t.Fatalf("rope_freqs not monotonic at %d: %v", i, f)
		}
	}
}

// writeAndRun writes a model, loads it in lsh's engine and generates n
// tokens, which must all have finite logits.
func writeAndRun(t *testing.T, o Options, n int) (*llm.Model, *gguf.File) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "synth.gguf")
	var last int64
	o.Progress = func(done, total int64, _ string) {
		if done < last || done > total {
			t.Fatalf("progress went %d → %d of %d", last, done, total)
		}
		last = done
	}
	if err := Write(context.Background(), path, o); err != nil {
		t.Fatal(err)
	}
	m, err := llm.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, err := m.NewSession(128)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.GenerateText(context.Background(), "Hello, world", llm.GenerateOptions{MaxTokens: n, IgnoreEOS: true,
		Sampling: llm.SamplerConfig{Temperature: 1, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Logits() {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("non-finite logits after %d tokens", n)
		}
	}
	if len(g.Tokens) != n {
		t.Fatalf("%d tokens", len(g.Tokens))
	}
	return m, m.File()
}

// Small custom shapes of both architectures, written as Q4_K_M, run in
// the engine; their files carry the shape's metadata and the plan's types.
func TestWriteRunsInEngine(t *testing.T) {
	q4km, _ := FileTypeByName("q4_k_m")
	cases := []struct {
		shape Shape
		vocab string
	}{
		{Shape{Name: "test-llama3", Title: "test", Arch: "llama", Embed: 256, Layers: 2, Heads: 4, HeadsKV: 2, FFN: 512,
			Vocab: 1024, Context: 512, RopeBase: 500000, RMSEps: 1e-5, Tied: true, HeadDim: 64, VocabModel: "gpt2",
			TruncateVocab: true, Llama3Rope: &Llama3Rope{Factor: 32, LowFreqFactor: 1, HighFreqFactor: 4, OriginalContext: 8192}},
			"ggml-vocab-llama-bpe.gguf"},
		{Shape{Name: "test-qwen2", Title: "test", Arch: "qwen2", Embed: 128, Layers: 3, Heads: 4, HeadsKV: 1, FFN: 256,
			Vocab: 1024, Context: 512, RopeBase: 1e6, RMSEps: 1e-6, Tied: true, VocabModel: "gpt2", TruncateVocab: true},
			"ggml-vocab-qwen2.gguf"},
	}
	for _, c := range cases {
		t.Run(c.shape.Name, func(t *testing.T) {
			m, f := writeAndRun(t, Options{Shape: c.shape, Type: q4km, Vocab: openVocab(t, c.vocab), Seed: 1}, 64)
			plan, _ := Plan(c.shape, q4km)
			if len(f.Tensors) != len(plan) {
				t.Fatalf("%d tensors, plan has %d", len(f.Tensors), len(plan))
			}
			for i, p := range plan {
				ti := f.Tensors[i]
				if ti.Name != p.Name || ti.Type != p.Type || !slices.Equal(ti.Dims, p.Dims) {
					t.Errorf("tensor %d: %s %s %v, plan %s %s %v", i, ti.Name, ti.Type, ti.Dims, p.Name, p.Type, p.Dims)
				}
			}
			cfg := m.Config
			if cfg.Embed != c.shape.Embed || cfg.HeadsKV != c.shape.HeadsKV || cfg.Vocab != 1024 || cfg.RopeNeoX != (c.shape.Arch == "qwen2") {
				t.Errorf("config %+v", cfg)
			}
			tok, err := m.Tokenizer()
			if err != nil || tok.VocabSize() != 1024 || !tok.IsEOG(tok.EOS()) {
				t.Fatalf("tokenizer: %v", err)
			}
		})
	}
}

// A real shape cut to one layer: SmolLM2-135M's 576-wide model with its
// 49152-token vocabulary cut from Llama 3's, as Q8_0.
func TestWriteRealShapeFewLayers(t *testing.T) {
	s, _ := ShapeByName("smollm2-135m")
	q8, _ := FileTypeByName("q8_0")
	m, f := writeAndRun(t, Options{Shape: s, Type: q8, Vocab: openVocab(t, "ggml-vocab-llama-bpe.gguf"), Seed: 2, Layers: 1}, 8)
	if m.Config.Vocab != 49152 || m.Config.Embed != 576 || m.Config.Layers != 1 || m.Config.RopeBase != 100000 {
		t.Fatalf("config %+v", m.Config)
	}
	u := func(k string) uint64 { v, _ := f.Uint(k); return v }
	want := map[string]uint64{"general.file_type": 7, "general.quantization_version": 2, "llama.block_count": 1,
		"llama.vocab_size": 49152, "llama.rope.dimension_count": 64, "llama.attention.head_count_kv": 3,
		"llama.context_length": 8192, "tokenizer.ggml.bos_token_id": 49150, "tokenizer.ggml.eos_token_id": 49151}
	for k, w := range want {
		if got := u(k); got != w {
			t.Errorf("%s = %d, want %d", k, got, w)
		}
	}
	for _, k := range []string{"general.file_type", "llama.block_count", "llama.embedding_length"} {
		if v, _ := f.Get(k); v.Type != gguf.TypeUint32 {
			t.Errorf("%s is %s, llama.cpp writes uint32", k, v.Type)
		}
	}
	if v, _ := f.Get("llama.attention.layer_norm_rms_epsilon"); v.Type != gguf.TypeFloat32 {
		t.Errorf("rms epsilon is %s", v.Type)
	}
	tok, _ := m.Tokenizer()
	if tok.Token(49150) != "<|begin_of_text|>" || tok.Token(49151) != "<|end_of_text|>" || tok.Pre() != "llama-bpe" {
		t.Errorf("special tokens %q %q, pre %q", tok.Token(49150), tok.Token(49151), tok.Pre())
	}
	// The cut vocabulary still tokenizes: text round-trips.
	ids := tok.Encode("Hello world, this is lsh.", false, false)
	if text, err := tok.Decode(ids); err != nil || text != "Hello world, this is lsh." {
		t.Errorf("round trip: %q, %v (ids %v)", text, err, ids)
	}
}

func TestWriteErrors(t *testing.T) {
	tiny, _ := ShapeByName("tinyllama-1.1b")
	qwen, _ := ShapeByName("qwen2.5-0.5b")
	q8, _ := FileTypeByName("q8_0")
	dir := t.TempDir()
	cases := []struct {
		o    Options
		want string
	}{
		{Options{Shape: tiny, Type: q8, Vocab: openVocab(t, "ggml-vocab-llama-bpe.gguf")}, `"gpt2" vocabulary; tinyllama-1.1b needs a "llama" one`},
		{Options{Shape: qwen, Type: q8, Vocab: openVocab(t, "ggml-vocab-llama-bpe.gguf")}, "has 128256 tokens; qwen2.5-0.5b needs exactly 151936"},
		{Options{Shape: tiny, Type: q8}, "no vocabulary"},
		{Options{Shape: Shape{Name: "odd", Arch: "llama", Embed: 100, Layers: 1, Heads: 3, HeadsKV: 1, FFN: 64, Vocab: 10, Context: 8},
			Type: q8, Vocab: openVocab(t, "ggml-vocab-llama-spm.gguf")}, "not a multiple of 3 heads"},
		{Options{Shape: Shape{Name: "narrow", Arch: "llama", Embed: 48, Layers: 1, Heads: 3, HeadsKV: 1, FFN: 64, Vocab: 32000, Context: 8,
			VocabModel: "llama"}, Type: q8, Vocab: openVocab(t, "ggml-vocab-llama-spm.gguf")}, "no fallback"},
	}
	for _, c := range cases {
		path := filepath.Join(dir, "x.gguf")
		err := Write(context.Background(), path, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
		if _, statErr := gguf.Open(path); statErr == nil {
			t.Errorf("a failed write left %s behind", path)
		}
	}
}

// The seed decides the weights; the same seed writes the same file.
func TestWriteDeterministic(t *testing.T) {
	s := Shape{Name: "t", Arch: "llama", Embed: 64, Layers: 1, Heads: 2, HeadsKV: 1, FFN: 64, Vocab: 32000, Context: 64,
		RopeBase: 10000, RMSEps: 1e-5, VocabModel: "llama"}
	f16, _ := FileTypeByName("f16")
	v := openVocab(t, "ggml-vocab-llama-spm.gguf")
	dir := t.TempDir()
	sum := func(name string, seed uint64) []byte {
		path := filepath.Join(dir, name)
		if err := Write(context.Background(), path, Options{Shape: s, Type: f16, Vocab: v, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		d, _ := f.TensorData("blk.0.ffn_up.weight")
		return append([]byte(nil), d...)
	}
	a, b, c := sum("a", 1), sum("b", 1), sum("c", 2)
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Fatal("seed does not decide the weights")
	}
}

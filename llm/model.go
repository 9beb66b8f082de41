package llm

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"unsafe"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/quant"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// Model is a loaded model: its hyperparameters and its weights, used in
// place in the memory-mapped GGUF file. A Model is safe for concurrent use
// by several Sessions; Close it when no Session needs it any more.
type Model struct {
	Config Config
	Path   string

	file        *gguf.File
	fingerprint [32]byte
	tok         *tokenizer.Tokenizer // nil when the file has no usable tokenizer
	tokErr      error                // why tok is nil

	embed     *matrix   // token_embd.weight: [Vocab rows][Embed]
	layers    []layer   // the transformer blocks
	outNorm   []float32 // output_norm.weight: [Embed]
	output    *matrix   // output.weight [Vocab rows][Embed], or embed when tied
	ropeFreqs []float32 // rope_freqs.weight: [RopeDims/2] divisors of the angles (Llama 3), or nil
	heapBytes int64     // bytes of weights decoded into the heap (norms, biases)
	pool      *pool     // the workers every session of the model computes with
	streamB   int64     // StreamedBytes
	mapOnly   bool      // Options.MapOnly
	kvHalf    bool      // Options.KVCache "f16"
	huge      hugeCopy  // the weights' copy in huge pages (hugecopy.go)
	prefault  sync.WaitGroup
}

// Options tune how a model computes; the zero value is the default.
type Options struct {
	// Threads is how many cores a forward pass uses (the caller's
	// goroutine and Threads-1 persistent workers); 0 means one per core
	// (GOMAXPROCS, which follows a container's CPU limit).
	Threads int
	// MapOnly keeps the weights in the file mapping alone. By default,
	// after the first forward pass the model copies into private memory in
	// transparent huge pages, in the background, the matrices a token reads
	// (when the mapping reads them in 4 KiB pages: fewer TLB misses) or
	// only those with a faster repacked layout (when it reads them in
	// 2 MiB pages), which makes generation faster at the cost of that much
	// more RAM (see Model.CopyBytes and hugecopy.go).
	MapOnly bool
	// KVCache is how sessions store keys and values: "f32" (the default,
	// "" too) or "f16", half the memory, and half the bytes attention
	// reads at every token (llama.cpp's default cache; its -f32kv
	// configuration is lsh's default).
	KVCache string
}

// layer is one transformer block. Matrices are [out rows][in cols]; the
// shapes are written as ggml's ne = [cols, rows].
type layer struct {
	attnNorm []float32 // attn_norm.weight   [Embed]
	wq       *matrix   // attn_q.weight      [Embed, QDim]
	wk       *matrix   // attn_k.weight      [Embed, KVDim]
	wv       *matrix   // attn_v.weight      [Embed, KVDim]
	bq       []float32 // attn_q.bias        [QDim]  (qwen2; nil for llama)
	bk       []float32 // attn_k.bias        [KVDim]
	bv       []float32 // attn_v.bias        [KVDim]
	wo       *matrix   // attn_output.weight [QDim, Embed]
	ffnNorm  []float32 // ffn_norm.weight    [Embed]
	gate     *matrix   // ffn_gate.weight    [Embed, FFN]
	up       *matrix   // ffn_up.weight      [Embed, FFN]
	down     *matrix   // ffn_down.weight    [FFN, Embed]
}

// Load maps the GGUF model at path and binds its tensors, checking every
// name, shape and type against the architecture. It fails with an error
// naming the file and the offending tensor or key for an unsupported
// architecture or tensor type, a missing or misshapen tensor, or a file
// that is not a complete GGUF model. A model without a usable tokenizer
// loads (its numerics work on token ids); Tokenizer reports why text
// cannot be used.
func Load(path string) (*Model, error) { return LoadWith(path, Options{}) }

// LoadWith is Load with options.
func LoadWith(path string, o Options) (*Model, error) {
	if o.Threads < 0 {
		return nil, fmt.Errorf("llm: %d threads: want 0 (one per core) or more", o.Threads)
	}
	if err := CheckKVCache(o.KVCache); err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	if !littleEndian() {
		return nil, fmt.Errorf("llm: %s: this machine is big-endian; the engine reads GGUF data in place and needs a little-endian one", path)
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("llm: %w", err)
	}
	m, err := bind(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("llm: %s: %w", path, err)
	}
	m.Path = path
	m.computeFingerprint()
	m.pool = newPool(o.Threads)
	m.mapOnly = o.MapOnly
	m.kvHalf = o.KVCache == "f16"
	for _, w := range m.streamed() {
		m.streamB += int64(len(w.data))
	}
	m.startPrefault()
	return m, nil
}

// Close stops the model's workers and releases the mapping; no Session of
// the model may be used after.
func (m *Model) Close() error {
	m.pool.close()
	m.closeCopy()
	m.prefault.Wait()
	return m.file.Close()
}

// Threads is the number of cores a forward pass uses.
func (m *Model) Threads() int { return m.pool.threads }

// CheckKVCache reports an error naming t unless Options.KVCache takes it:
// "f32" (or "", the same) and "f16".
func CheckKVCache(t string) error {
	if t != "" && t != "f32" && t != "f16" {
		return fmt.Errorf("KV cache type %q: want f32 or f16", t)
	}
	return nil
}

// KVCache is how the model's sessions store keys and values: "f32" or
// "f16" (Options.KVCache).
func (m *Model) KVCache() string {
	if m.kvHalf {
		return "f16"
	}
	return "f32"
}

func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// File is the model's GGUF file, for its metadata.
func (m *Model) File() *gguf.File { return m.file }

// MappedBytes is the size of the mapped file: the weights live there, not
// in the Go heap.
func (m *Model) MappedBytes() int64 { return m.file.Size }

// HugeMappedBytes is how many bytes of the model file are mapped in 2 MiB
// pages at this moment (0 where that cannot be known).
func (m *Model) HugeMappedBytes() int64 {
	n, _ := m.file.HugeMapped()
	return n
}

// StreamedBytes is how many bytes of weights one token reads: every
// matrix but the token embedding table (of which a token reads one row),
// or with it when it doubles as the output matrix. Generation reads them
// all for every token, so memory bandwidth ÷ StreamedBytes bounds its
// tokens per second.
func (m *Model) StreamedBytes() int64 { return m.streamB }

// HeapBytes is what the model itself holds in the Go heap: the small 1-D
// tensors (norm weights, biases, rope factors) decoded to float32 at load.
func (m *Model) HeapBytes() int64 { return m.heapBytes }

// Fingerprint identifies the model's content, for keying caches of its
// state (a saved prompt prefix is only valid for the same weights): the
// SHA-256 of the file's header (metadata and tensor infos) and the first
// 4 KiB of every tensor's data. It costs one page read per tensor, not a
// pass over the whole file, and tells apart files differing only in
// weights such as two `model synth` seeds.
func (m *Model) Fingerprint() [32]byte { return m.fingerprint }

func (m *Model) computeFingerprint() {
	h := sha256.New()
	h.Write(m.file.Header())
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(m.file.Size))
	h.Write(n[:])
	for i := range m.file.Tensors {
		d := m.file.Data(&m.file.Tensors[i])
		h.Write(d[:min(len(d), 4096)])
	}
	copy(m.fingerprint[:], h.Sum(nil))
}

// binder looks tensors up by name, checks them, and remembers the first
// error so that bind reads as a list of what the architecture needs.
type binder struct {
	f    *gguf.File
	err  error
	heap int64
}

func (b *binder) fail(format string, args ...any) {
	if b.err == nil {
		b.err = fmt.Errorf(format, args...)
	}
}

func (b *binder) info(name string, required bool, dims ...int) *gguf.TensorInfo {
	t, ok := b.f.Tensor(name)
	if !ok {
		if required {
			b.fail("missing tensor %q", name)
		}
		return nil
	}
	same := len(t.Dims) == len(dims)
	for i := 0; same && i < len(dims); i++ {
		same = t.Dims[i] == uint64(dims[i])
	}
	if !same {
		b.fail("tensor %q has shape %v, want %v", name, t.Dims, dims)
		return nil
	}
	return t
}

// matrix binds a 2-D weight of ggml shape [cols, rows].
func (b *binder) matrix(name string, required bool, cols, rows int) *matrix {
	t := b.info(name, required, cols, rows)
	if t == nil || b.err != nil {
		return nil
	}
	m, err := newMatrix(name, t, b.f.Data(t))
	if err != nil {
		b.fail("%v", err)
		return nil
	}
	return m
}

// vector decodes a 1-D tensor of n elements (norms, biases) into the heap.
func (b *binder) vector(name string, required bool, n int) []float32 {
	t := b.info(name, required, n)
	if t == nil || b.err != nil {
		return nil
	}
	f, err := quant.Lookup(t.Type)
	if err != nil {
		b.fail("tensor %q: %v", name, err)
		return nil
	}
	v := pages.Make[float32](n) // fresh heap: one call, not a page fault per 4 KiB (TinyLlama has 45 such vectors)
	f.Dequantize(v, b.f.Data(t))
	b.heap += int64(4 * n)
	return v
}

func bind(f *gguf.File) (*Model, error) {
	c, err := readConfig(f)
	if err != nil {
		return nil, err
	}
	emb, ok := f.Tensor("token_embd.weight")
	if !ok {
		return nil, fmt.Errorf("missing tensor %q", "token_embd.weight")
	}
	if len(emb.Dims) != 2 || emb.Dims[0] != uint64(c.Embed) || emb.Dims[1] > 1<<24 {
		return nil, fmt.Errorf("tensor %q has shape %v, want [%d n_vocab]", "token_embd.weight", emb.Dims, c.Embed)
	}
	c.Vocab = int(emb.Dims[1])
	m := &Model{Config: c, file: f}
	b := &binder{f: f}
	m.embed = b.matrix("token_embd.weight", true, c.Embed, c.Vocab)
	m.outNorm = b.vector("output_norm.weight", true, c.Embed)
	m.output = b.matrix("output.weight", false, c.Embed, c.Vocab)
	if m.output == nil {
		m.output = m.embed // tied embeddings
	}
	m.ropeFreqs = b.vector("rope_freqs.weight", false, c.RopeDims/2)
	m.layers = make([]layer, c.Layers)
	for i := range m.layers {
		L := &m.layers[i]
		p := fmt.Sprintf("blk.%d.", i)
		L.attnNorm = b.vector(p+"attn_norm.weight", true, c.Embed)
		L.wq = b.matrix(p+"attn_q.weight", true, c.Embed, c.QDim())
		L.wk = b.matrix(p+"attn_k.weight", true, c.Embed, c.KVDim())
		L.wv = b.matrix(p+"attn_v.weight", true, c.Embed, c.KVDim())
		// qwen2 always has Q/K/V biases; llama.cpp accepts them in llama
		// files too.
		biased := c.Arch == "qwen2"
		L.bq = b.vector(p+"attn_q.bias", biased, c.QDim())
		L.bk = b.vector(p+"attn_k.bias", biased, c.KVDim())
		L.bv = b.vector(p+"attn_v.bias", biased, c.KVDim())
		L.wo = b.matrix(p+"attn_output.weight", true, c.QDim(), c.Embed)
		L.ffnNorm = b.vector(p+"ffn_norm.weight", true, c.Embed)
		L.gate = b.matrix(p+"ffn_gate.weight", true, c.Embed, c.FFN)
		L.up = b.matrix(p+"ffn_up.weight", true, c.Embed, c.FFN)
		L.down = b.matrix(p+"ffn_down.weight", true, c.FFN, c.Embed)
		if b.err != nil {
			break
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	m.heapBytes = b.heap
	m.tok, m.tokErr = loadTokenizer(f, c.Vocab)
	return m, nil
}

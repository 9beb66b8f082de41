package llm

// kvCache holds the keys and values of every position a session has seen,
// in float32 (llama.cpp's `--cache-type-k f32 --cache-type-v f32`, the
// configuration its -f32kv oracle traces use).
//
// Layout: k and v are each [Layers][ctx][KVDim], flat and row-major, where
// one position's row of KVDim floats is [HeadsKV][HeadDim]. So the key of
// position p for KV head h in layer l starts at ((l·ctx + p)·KVDim + h·HeadDim).
// A position's keys for all heads are contiguous: writing a batch of new
// positions is one copy per layer, and the attention of one head walks
// positions with a stride of KVDim.
//
// Size: 2 · Layers · ctx · KVDim · 4 bytes (TinyLlama-1.1B at ctx 2048:
// 2·22·2048·256·4 = 92 MB).
type kvCache struct {
	k, v   []float32
	layers int
	ctx    int // positions held
	dim    int // KVDim
}

func newKVCache(layers, ctx, dim int) *kvCache {
	return &kvCache{
		k: make([]float32, layers*ctx*dim), v: make([]float32, layers*ctx*dim),
		layers: layers, ctx: ctx, dim: dim,
	}
}

// keys returns layer l's keys for positions [pos, pos+n): [n][KVDim].
func (c *kvCache) keys(l, pos, n int) []float32 {
	off := (l*c.ctx + pos) * c.dim
	return c.k[off : off+n*c.dim]
}

// values returns layer l's values for positions [pos, pos+n): [n][KVDim].
func (c *kvCache) values(l, pos, n int) []float32 {
	off := (l*c.ctx + pos) * c.dim
	return c.v[off : off+n*c.dim]
}

// bytes is the memory the cache holds.
func (c *kvCache) bytes() int64 { return int64(len(c.k)+len(c.v)) * 4 }

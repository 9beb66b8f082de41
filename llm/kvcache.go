package llm

import (
	"unsafe"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// kvCache holds the keys and values of every position a session has seen,
// in float32 (llama.cpp's `--cache-type-k f32 --cache-type-v f32`, the
// configuration its -f32kv oracle traces use).
//
// Layout, chosen so that attention reads each KV head's keys and values as
// contiguous rows (see attention.go), and so that a session touches only
// the memory of the positions it uses:
//
//	k: [Layers][HeadsKV][span][HeadDim]    one head's keys, position after position
//	v: [Layers][HeadsKV][span][HeadDim]    its values, the same way
//
// where span is ctx rounded up to a multiple of kvBlock. So the key (and
// value) of position p for KV head h in layer l starts at ((l·HeadsKV +
// h)·span + p)·HeadDim. The scores of a head are its keys (rows) times
// the queries; its output is the sum of its value rows weighted by the
// scores (quant.MatMulAdd). Positions past the session's length hold
// zeros or stale finite values; attention gives them weight zero.
//
// Size: 2 · Layers · span · KVDim · 4 bytes (TinyLlama-1.1B at ctx 2048:
// 2·22·2048·256·4 = 92 MB).
type kvCache struct {
	k, v   []float32
	ready  int // positions whose pages reserve has populated (a multiple of kvBlock, or span)
	layers int
	heads  int // HeadsKV
	hd     int // HeadDim
	ctx    int // positions held
	span   int // ctx rounded up to kvBlock
	dim    int // KVDim = heads·hd: the width of one position's keys
}

// kvAlign is the block attention rounds its position counts up to: the
// F32 kernels take 32 elements at a time, and a dot product over a whole
// number of blocks (zero weights past the last position) is both faster
// and the same float sum whatever the batch, so that a prompt evaluated
// in one batch or token by token gives the same logits.
const kvAlign = 32

func alignKV(n int) int { return (n + kvAlign - 1) / kvAlign * kvAlign }

// kvBlock is how many positions reserve populates at a time (a multiple
// of kvAlign): 32 KiB per head at HeadDim 64.
const kvBlock = 128

func newKVCache(layers, ctx, heads, hd int) *kvCache {
	span := (ctx + kvBlock - 1) / kvBlock * kvBlock
	n := layers * heads * span * hd
	return &kvCache{k: make([]float32, n), v: make([]float32, n),
		layers: layers, heads: heads, hd: hd, ctx: ctx, span: span, dim: heads * hd}
}

// headKeys returns layer l's keys of KV head h for positions [0, n)
// (n ≤ span): [n][HeadDim].
func (c *kvCache) headKeys(l, h, n int) []float32 {
	off := (l*c.heads + h) * c.span * c.hd
	return c.k[off : off+n*c.hd]
}

// headValues returns layer l's values of KV head h for positions [0, n)
// (n ≤ span): [n][HeadDim].
func (c *kvCache) headValues(l, h, n int) []float32 {
	off := (l*c.heads + h) * c.span * c.hd
	return c.v[off : off+n*c.hd]
}

// reserve populates the pages of positions [0, end) not yet populated,
// in steps of kvBlock positions, before they are first written (see
// pages.Populate): positions [a, b) of a head are one run of
// (b-a)·HeadDim floats in each of K and V.
func (c *kvCache) reserve(end int) {
	if end <= c.ready {
		return
	}
	to := min(c.span, (end+kvBlock-1)/kvBlock*kvBlock)
	for lh := range c.layers * c.heads {
		off := lh * c.span * c.hd
		pages.Populate(c.k[off+c.ready*c.hd : off+to*c.hd])
		pages.Populate(c.v[off+c.ready*c.hd : off+to*c.hd])
	}
	c.ready = to
}

// put stores the keys and values of n positions from pos on, given in the
// forward pass's layout [n][KVDim] (heads side by side).
func (c *kvCache) put(l, pos int, k, v []float32) {
	for i := 0; i < len(k)/c.dim; i++ {
		for h := range c.heads {
			c.putHead(l, h, pos+i, k[i*c.dim+h*c.hd:i*c.dim+(h+1)*c.hd], v[i*c.dim+h*c.hd:i*c.dim+(h+1)*c.hd])
		}
	}
}

// putHead stores the key and value ([HeadDim] each) of KV head h at
// position pos of layer l.
func (c *kvCache) putHead(l, h, pos int, k, v []float32) {
	copy(c.headKeys(l, h, pos+1)[pos*c.hd:], k[:c.hd])
	copy(c.headValues(l, h, pos+1)[pos*c.hd:], v[:c.hd])
}

// get copies the keys and values of positions [pos, pos+n) of layer l into
// k and v, [n][KVDim] each: put's inverse, for saving state.
func (c *kvCache) get(l, pos, n int, k, v []float32) {
	for i := range n {
		for h := range c.heads {
			copy(k[i*c.dim+h*c.hd:i*c.dim+(h+1)*c.hd], c.headKeys(l, h, pos+i+1)[(pos+i)*c.hd:])
			copy(v[i*c.dim+h*c.hd:i*c.dim+(h+1)*c.hd], c.headValues(l, h, pos+i+1)[(pos+i)*c.hd:])
		}
	}
}

// bytes is the memory the cache holds.
func (c *kvCache) bytes() int64 { return int64(len(c.k)+len(c.v)) * 4 }

// f32bytes views float32s as the bytes of quant's F32 encoding
// (little-endian binary32), which is their in-memory form on the
// little-endian machines lsh runs on (Load refuses others), so attention
// hands cache rows and queries to the F32 MatMul kernel without copying.
func f32bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 4*len(x))
}

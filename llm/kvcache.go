package llm

import (
	"unsafe"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// kvCache holds the keys and values of every position a session has seen,
// in float32 (llama.cpp's `--cache-type-k f32 --cache-type-v f32`, the
// configuration its -f32kv oracle traces use) or, with Options.KVCache
// "f16", in float16 (llama.cpp's default).
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
// h)·span + p)·HeadDim. With Options.KVCache "f16" the same layout holds
// float16 (k16, v16), rounded to nearest when written, as ggml's F16
// cache. The scores of a head are its keys (rows) times
// the queries; its output is the sum of its value rows weighted by the
// scores (quant.MatMulAdd). Positions past the session's length hold
// zeros or stale finite values; attention gives them weight zero.
//
// Size: 2 · Layers · span · KVDim · 4 bytes (TinyLlama-1.1B at ctx 2048:
// 2·22·2048·256·4 = 92 MB), half that in float16.
type kvCache struct {
	k, v     []float32 // nil in a float16 cache
	k16, v16 []uint16  // the same layout in float16, nil in a float32 cache
	ready    int       // positions whose pages reserve has populated (a multiple of kvBlock, or span)
	layers   int
	heads    int // HeadsKV
	hd       int // HeadDim
	ctx      int // positions held
	span     int // ctx rounded up to kvBlock
	dim      int // KVDim = heads·hd: the width of one position's keys
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

func newKVCache(layers, ctx, heads, hd int, half bool) *kvCache {
	span := (ctx + kvBlock - 1) / kvBlock * kvBlock
	n := layers * heads * span * hd
	c := &kvCache{layers: layers, heads: heads, hd: hd, ctx: ctx, span: span, dim: heads * hd}
	if half {
		c.k16, c.v16 = make([]uint16, n), make([]uint16, n)
	} else {
		c.k, c.v = make([]float32, n), make([]float32, n)
	}
	return c
}

// half reports whether the cache holds float16.
func (c *kvCache) half() bool { return c.k16 != nil }

// head is the start of layer l's KV head h in k, v, k16 and v16.
func (c *kvCache) head(l, h int) int { return (l*c.heads + h) * c.span * c.hd }

// headKeys returns layer l's keys of KV head h for positions [0, n)
// (n ≤ span): [n][HeadDim]. headValues, headKeys16 and headValues16 are
// the same for values and for a float16 cache.
func (c *kvCache) headKeys(l, h, n int) []float32 { return c.k[c.head(l, h):][:n*c.hd] }

func (c *kvCache) headValues(l, h, n int) []float32 { return c.v[c.head(l, h):][:n*c.hd] }

func (c *kvCache) headKeys16(l, h, n int) []uint16 { return c.k16[c.head(l, h):][:n*c.hd] }

func (c *kvCache) headValues16(l, h, n int) []uint16 { return c.v16[c.head(l, h):][:n*c.hd] }

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
		lo, hi := lh*c.span*c.hd+c.ready*c.hd, lh*c.span*c.hd+to*c.hd
		if c.half() {
			pages.Populate(c.k16[lo:hi])
			pages.Populate(c.v16[lo:hi])
		} else {
			pages.Populate(c.k[lo:hi])
			pages.Populate(c.v[lo:hi])
		}
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
	at := c.head(l, h) + pos*c.hd
	if c.half() { // rounded to nearest, as the queries meeting them are
		f16.FromFloat(u16bytes(c.k16[at:at+c.hd]), k[:c.hd])
		f16.FromFloat(u16bytes(c.v16[at:at+c.hd]), v[:c.hd])
		return
	}
	copy(c.k[at:at+c.hd], k[:c.hd])
	copy(c.v[at:at+c.hd], v[:c.hd])
}

// get copies the keys and values of positions [pos, pos+n) of layer l into
// k and v, [n][KVDim] each: put's inverse, for saving state.
func (c *kvCache) get(l, pos, n int, k, v []float32) {
	for i := range n {
		for h := range c.heads {
			at, dk, dv := c.head(l, h)+(pos+i)*c.hd, k[i*c.dim+h*c.hd:][:c.hd], v[i*c.dim+h*c.hd:][:c.hd]
			if c.half() {
				f16.Dequantize(dk, u16bytes(c.k16[at:at+c.hd]))
				f16.Dequantize(dv, u16bytes(c.v16[at:at+c.hd]))
				continue
			}
			copy(dk, c.k[at:])
			copy(dv, c.v[at:])
		}
	}
}

// bytes is the memory the cache holds.
func (c *kvCache) bytes() int64 { return int64(len(c.k)+len(c.v))*4 + int64(len(c.k16)+len(c.v16))*2 }

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

// u16bytes views float16 bits as the bytes of quant's F16 encoding
// (little-endian), as f32bytes does float32s.
func u16bytes(x []uint16) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), 2*len(x))
}

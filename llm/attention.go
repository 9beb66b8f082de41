package llm

import (
	"math"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/quant"
)

// Attention over a batch, as two matrix products per KV head, so that
// SIMD kernels do the arithmetic and each key and value row read from the
// cache meets every query that needs it (all the query heads sharing the
// KV head, for every token of the batch):
//
//	scores[q][t] = keys[t] · query_q                      MatMul(keys rows, queries)
//	causal mask: t > pos(q) dropped; softmax of scores/√HeadDim over t ≤ pos(q)
//	out[q]       = Σ_t scores[q][t] · values[t]           MatMulAdd(scores, value rows)
//
// The weighted sum adds scaled value rows rather than taking dot products
// over positions: with values in blocks transposed for dot products
// (kvBlock positions of each dimension a row, read by the F32 MatMul), each
// query and dimension ended in a horizontal sum per block, and blocks cut
// short were gathered; TinyLlama tg at a depth of 1024 positions spent 2.6
// of its 13.9 ms a token in attention, half of it there.
//
// A job chunk is one KV head and a run of tokens; its buffers are the
// worker's own (attnBuffers).

// f32 and f16 are the formats whose MatMul attention's scores use, for a
// float32 and a float16 cache.
var f32, f16 = mustLookup(gguf.F32), mustLookup(gguf.F16)

func mustLookup(t gguf.Type) *quant.Format {
	f, err := quant.Lookup(t)
	if err != nil {
		panic(err)
	}
	return f
}

// attnBuffers is one worker's attention scratch, sized for the session's
// context when the scratch grows, so that no token allocates.
type attnBuffers struct {
	q      []float32 // [queries][HeadDim]  queries of the chunk, gathered
	qh     []byte    // [queries][HeadDim]  the queries in float16, for a float16 cache (else nil)
	scores []float32 // [queries][positions]
	out    []float32 // [queries][HeadDim]
}

// attnJob is the attention of layer l for n tokens at positions pos….
type attnJob struct {
	m      *Model
	kv     *kvCache
	s      *scratch
	l      int
	n, pos int
	span   int // tokens per chunk
	per    int // chunks per KV head
	// rope: chunk g first rotates the queries of its heads and the keys
	// of KV head g, for every token, and puts head g's keys and values in
	// the cache (ropeJob's work, split by head; only when per is 1, as no
	// other chunk then reads head g's new positions).
	rope bool
}

// attnQueries is the most queries × positions a chunk's scores hold, for
// a context of ctx positions (a multiple of kvAlign) and batches of up to
// n tokens: every query of a head group at the longest context, or (for
// batches) a tile of at most 2^24 multiply-adds.
func attnQueries(c *Config, n, ctx int) int {
	group := c.Heads / c.HeadsKV
	return max(group*ctx, min((1<<24)/c.HeadDim, n*group*ctx))
}

// setup chooses the chunks: enough per worker for balance, each with
// scores fitting the buffers.
func (j *attnJob) setup(threads int) int {
	c := &j.m.Config
	group := c.Heads / c.HeadsKV
	npos := alignKV(j.pos + j.n)
	limit := max(1, attnQueries(c, j.s.n, j.kv.span)/(group*npos))
	j.span = max(1, min(j.n, (j.n*c.HeadsKV+4*threads-1)/(4*threads), limit))
	j.per = (j.n + j.span - 1) / j.span
	return c.HeadsKV * j.per
}

func (j *attnJob) run(w, lo, hi int) {
	for c := lo; c < hi; c++ {
		j.chunk(w, c)
	}
}

// chunk computes chunk c: one KV head and a run of tokens.
func (j *attnJob) chunk(w, chunk int) {
	c, s, kv := &j.m.Config, j.s, j.kv
	b := &s.attn[w]
	hd, QD := c.HeadDim, c.QDim()
	group := c.Heads / c.HeadsKV
	g := chunk / j.per
	t0 := (chunk % j.per) * j.span
	t1 := min(t0+j.span, j.n)
	if j.rope {
		j.ropeHead(g)
	}
	nq := (t1 - t0) * group
	npos := j.pos + t1 // the last token of the chunk sees this many positions

	// Queries (t, h) for the group's heads h of tokens t0…t1-1, contiguous.
	var q, out []float32
	if t1-t0 == 1 {
		q = s.q[t0*QD+g*group*hd : t0*QD+(g+1)*group*hd]
		out = s.att.x[t0*QD+g*group*hd : t0*QD+(g+1)*group*hd]
	} else {
		q, out = b.q[:nq*hd], b.out[:nq*hd]
		for t := t0; t < t1; t++ {
			copy(q[(t-t0)*group*hd:(t-t0+1)*group*hd], s.q[t*QD+g*group*hd:t*QD+(g+1)*group*hd])
		}
	}

	// Positions are counted in whole kvAlign blocks: the padding keys
	// get scores that the mask zeroes.
	S := alignKV(npos)
	scores := b.scores[:nq*S]
	if kv.half() { // the queries in float16 too, as ggml multiplies an F16 cache
		qh := b.qh[:nq*hd*2]
		f16.Acts().Encode(qh, q)
		f16.MatMul(scores, u16bytes(kv.headKeys16(j.l, g, S)), S, qh, nq, hd)
	} else {
		f32.MatMul(scores, f32bytes(kv.headKeys(j.l, g, S)), S, f32bytes(q), nq, hd)
	}
	scale := 1 / float32(math.Sqrt(float64(hd)))
	for i := range nq { // query i is head i%group of token t0 + i/group
		row := scores[i*S : (i+1)*S]
		seen := j.pos + t0 + i/group + 1 // causal: positions 0…own
		quant.Softmax(row[:seen], scale)
		clear(row[seen:])
	}

	clear(out)
	if kv.half() {
		quant.MatMulAddF16(out, scores, S, kv.headValues16(j.l, g, S), nq, S, hd)
	} else {
		quant.MatMulAdd(out, scores, S, kv.headValues(j.l, g, S), nq, S, hd)
	}

	if t1-t0 > 1 {
		for t := t0; t < t1; t++ {
			copy(s.att.x[t*QD+g*group*hd:t*QD+(g+1)*group*hd], out[(t-t0)*group*hd:(t-t0+1)*group*hd])
		}
	}
}

// ropeHead is ropeJob's work for KV head g and its query heads, for every
// token of the job.
func (j *attnJob) ropeHead(g int) {
	c, s := &j.m.Config, j.s
	hd, QD, KD := c.HeadDim, c.QDim(), c.KVDim()
	half, group := c.RopeDims/2, c.Heads/c.HeadsKV
	for t := range j.n {
		cos, sin := s.cos[t*half:(t+1)*half], s.sin[t*half:(t+1)*half]
		for h := g * group; h < (g+1)*group; h++ {
			c.rope(s.q[t*QD+h*hd:t*QD+(h+1)*hd], cos, sin)
		}
		k := s.k[t*KD+g*hd : t*KD+(g+1)*hd]
		c.rope(k, cos, sin)
		j.kv.putHead(j.l, g, j.pos+t, k, s.v[t*KD+g*hd:t*KD+(g+1)*hd])
	}
}

// ropeJob rotates the queries and keys of one token per chunk and stores
// its keys and values in the cache.
type ropeJob struct {
	m      *Model
	kv     *kvCache
	s      *scratch
	l, pos int
}

func (j *ropeJob) run(_, lo, hi int) {
	for t := lo; t < hi; t++ {
		j.token(t)
	}
}

// token rotates token t's queries and keys and stores its keys and values.
func (j *ropeJob) token(t int) {
	c, s := &j.m.Config, j.s
	hd, QD, KD := c.HeadDim, c.QDim(), c.KVDim()
	half := c.RopeDims / 2
	cos, sin := s.cos[t*half:(t+1)*half], s.sin[t*half:(t+1)*half]
	for h := range c.Heads {
		c.rope(s.q[t*QD+h*hd:t*QD+(h+1)*hd], cos, sin)
	}
	k := s.k[t*KD : (t+1)*KD]
	for h := range c.HeadsKV {
		c.rope(k[h*hd:(h+1)*hd], cos, sin)
	}
	j.kv.put(j.l, j.pos+t, k, s.v[t*KD:(t+1)*KD])
}

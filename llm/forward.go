package llm

import (
	"context"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// scratch is the working memory of one session's forward pass, sized for a
// batch of up to n tokens and the session's context span (it grows on demand,
// never during steady generation). Shapes are [tokens][width].
type scratch struct {
	n        int
	ctx      int
	x        []float32     // [n][Embed]  residual stream
	xb       acts          // [n][Embed]  normed x: input of Q/K/V, then of gate/up
	q        []float32     // [n][QDim]   queries
	k, v     []float32     // [n][KVDim]  new keys and values, before they enter the cache
	att      acts          // [n][QDim]   attention output: input of attn_output
	hb       acts          // [n][FFN]    silu(gate)⊙up: input of ffn_down
	out      acts          // [rows][Embed] final-normed rows whose logits are wanted
	cos, sin []float32     // [n][RopeDims/2] rotation of each position
	attn     []attnBuffers // [threads] each worker's attention buffers

	// The jobs of a forward pass, kept here so that dispatching them
	// allocates nothing.
	mm    mmJob
	rope  ropeJob
	heads attnJob
}

func (s *scratch) grow(m *Model, n, ctx int) {
	c := &m.Config
	threads := m.pool.threads
	if n <= s.n && ctx <= s.ctx && len(s.attn) == threads {
		return
	}
	n, ctx = max(n, s.n), max(ctx, s.ctx)
	s.n, s.ctx = n, ctx
	s.x = make([]float32, n*c.Embed)
	s.q = make([]float32, n*c.QDim())
	s.k = make([]float32, n*c.KVDim())
	s.v = make([]float32, n*c.KVDim())
	s.cos = make([]float32, n*c.RopeDims/2)
	s.sin = make([]float32, n*c.RopeDims/2)
	group := c.Heads / c.HeadsKV
	s.attn = make([]attnBuffers, threads)
	for i := range s.attn {
		s.attn[i] = attnBuffers{
			q:      make([]float32, n*group*c.HeadDim),
			scores: make([]float32, attnQueries(c, n, ctx)),
			out:    make([]float32, n*group*c.HeadDim),
		}
		if m.kvHalf {
			s.attn[i].qh = make([]byte, 2*n*group*c.HeadDim)
		}
	}
	for _, x := range [][]float32{s.x, s.q, s.k, s.v, s.cos, s.sin} {
		pages.Populate(x)
	}
	for _, b := range s.attn {
		for _, x := range [][]float32{b.q, b.scores, b.out} {
			pages.Populate(x)
		}
		pages.Populate(b.qh)
	}
}

// bytes is the memory the scratch holds (activation encodings and
// matmul tiles not counted).
func (s *scratch) bytes() int64 {
	n := len(s.x) + len(s.q) + len(s.k) + len(s.v) + len(s.cos) + len(s.sin) +
		cap(s.xb.x) + cap(s.att.x) + cap(s.hb.x) + cap(s.out.x)
	for _, b := range s.attn {
		n += len(b.q) + len(b.scores) + len(b.out) + len(b.qh)/4
	}
	return int64(n) * 4
}

// forward runs the model over tokens at positions [pos, pos+len(tokens)),
// writing their keys and values into the cache. Before each matmul,
// following names the one after it, whose first weights workers with
// nothing to do prefetch while they wait (prefetch.go). When logits is non-nil it
// receives the logits of the last token ([Vocab]) or, when all is set, of
// every token ([len(tokens)][Vocab]). The context is checked between
// layers, so cancelling a long prompt takes effect within one layer.
func (m *Model) forward(ctx context.Context, kv *kvCache, s *scratch, tokens []int32, pos int, logits []float32, all bool) error {
	c := &m.Config
	n, E := len(tokens), c.Embed
	s.grow(m, n, kv.span)
	kv.reserve(pos + n)
	m.readWeights()
	defer m.doneWeights()
	defer m.startCopy()

	// Token embeddings: x[i] = row tokens[i] of token_embd.      [n][Embed]
	// The prefault goroutine leaves this table alone (a token reads one
	// row of it): a prompt's rows are mapped first, in one call each,
	// rather than by a page fault each (~0.3 ms against ~10 ms for 300
	// tokens of TinyLlama on this VM).
	if n > 1 {
		for _, t := range tokens {
			pages.PopulateRead(m.embed.data[int(t)*m.embed.rowBytes : (int(t)+1)*m.embed.rowBytes])
		}
	}
	for i, t := range tokens {
		m.embed.row(int(t), s.x[i*E:(i+1)*E])
	}
	// Rotation angles of each position, shared by every layer and head.
	half := c.RopeDims / 2
	for i := range n {
		c.ropeAngles(pos+i, m.ropeFreqs, s.cos[i*half:(i+1)*half], s.sin[i*half:(i+1)*half])
	}
	for l := range m.layers {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.attention(l, kv, s, n, pos)
		m.feedForward(l, s, n)
	}
	if logits == nil {
		return nil
	}
	// Final norm and output projection of the wanted rows.  [rows][Vocab]
	first := n - 1
	if all {
		first = 0
	}
	rows := n - first
	s.out.set(rows, E)
	s.out.prepare(m.pool, s.x[first*E:n*E], m.outNorm, c.RMSEps, m.output)
	L0 := &m.layers[0] // the next token's first matmul
	following(m.pool, n, false, product{w: L0.wq}, product{w: L0.wk}, product{w: L0.wv})
	s.mm.matmul(m.pool, &s.out, nil, product{w: m.output, out: logits[:rows*c.Vocab]})
	return nil
}

// attention is the first half of block l:
//
//	xb = rmsnorm(x) ⊙ attn_norm                       [n][Embed]
//	q = Wq·xb + bq, k = Wk·xb + bk, v = Wv·xb + bv    [n][QDim], [n][KVDim]
//	q, k rotated by position (RoPE); k, v appended to the cache
//	att_h = Σ_t softmax_t(q_h·k_t / √HeadDim) v_t     per query head h, over t ≤ own position
//	x += Wo·att                                       [n][Embed]
//
// Query head h reads KV head h/(Heads/HeadsKV) (grouped-query attention).
func (m *Model) attention(l int, kv *kvCache, s *scratch, n, pos int) {
	c, L, p := &m.Config, &m.layers[l], m.pool
	E, QD, KD := c.Embed, c.QDim(), c.KVDim()
	s.xb.set(n, E)
	s.xb.prepare(p, s.x[:n*E], L.attnNorm, c.RMSEps, L.wq, L.wk, L.wv)
	following(p, n, false, product{w: L.wo})
	s.mm.matmul(p, &s.xb, nil,
		product{w: L.wq, out: s.q[:n*QD], bias: L.bq},
		product{w: L.wk, out: s.k[:n*KD], bias: L.bk},
		product{w: L.wv, out: s.v[:n*KD], bias: L.bv})

	// Rotate q and k by position (RoPE) and append k, v to the cache:
	// inside the attention job when each of its chunks holds every token
	// of one KV head (token generation), where it would otherwise be
	// serial work between two jobs while the other workers wait (~8 µs a
	// layer for TinyLlama); as a job of its own for batches.
	s.att.set(n, QD)
	s.heads = attnJob{m: m, kv: kv, s: s, l: l, n: n, pos: pos}
	chunks := s.heads.setup(p.threads)
	if s.heads.rope = s.heads.per == 1; !s.heads.rope {
		s.rope = ropeJob{m: m, kv: kv, s: s, l: l, pos: pos}
		p.run(&s.rope, n)
	}
	p.run(&s.heads, chunks)

	s.att.prepare(p, nil, nil, 0, L.wo)
	following(p, n, true, product{w: L.gate}, product{w: L.up})
	s.mm.matmul(p, &s.att, nil, product{w: L.wo, out: s.x[:n*E], add: true})
}

// feedForward is the second half of block l (SwiGLU):
//
//	xb = rmsnorm(x) ⊙ ffn_norm                 [n][Embed]
//	hb = silu(Wgate·xb) ⊙ (Wup·xb)             [n][FFN]
//	x += Wdown·hb                              [n][Embed]
func (m *Model) feedForward(l int, s *scratch, n int) {
	c, L, p := &m.Config, &m.layers[l], m.pool
	E, F := c.Embed, c.FFN
	s.xb.set(n, E)
	s.xb.prepare(p, s.x[:n*E], L.ffnNorm, c.RMSEps, L.gate, L.up)
	s.hb.set(n, F)
	following(p, n, false, product{w: L.down})
	s.mm.gluFor(p, &s.xb, &s.hb, L.down, product{w: L.gate}, product{w: L.up})
	s.hb.prepare(p, nil, nil, 0, L.down)
	if l+1 < len(m.layers) {
		N := &m.layers[l+1]
		following(p, n, false, product{w: N.wq}, product{w: N.wk}, product{w: N.wv})
	} else {
		following(p, n, false, product{w: m.output})
	}
	s.mm.matmul(p, &s.hb, nil, product{w: L.down, out: s.x[:n*E], add: true})
}

// addInto sets x += y.
func addInto(x, y []float32) {
	y = y[:len(x)]
	for i := range x {
		x[i] += y[i]
	}
}

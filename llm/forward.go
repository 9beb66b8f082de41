package llm

import (
	"context"
	"math"
)

// scratch is the working memory of one session's forward pass, sized for a
// batch of up to n tokens (it grows on demand). Shapes are [tokens][width].
type scratch struct {
	n        int
	x        []float32   // [n][Embed]  residual stream
	xb       acts        // [n][Embed]  normed x: input of Q/K/V, then of gate/up
	q        []float32   // [n][QDim]   queries
	k, v     []float32   // [n][KVDim]  new keys and values, before they enter the cache
	att      acts        // [n][QDim]   attention output: input of attn_output
	proj     []float32   // [n][Embed]  attn_output or ffn_down result, added to x
	gate, up []float32   // [n][FFN]
	hb       acts        // [n][FFN]    silu(gate)⊙up: input of ffn_down
	out      acts        // [rows][Embed] final-normed rows whose logits are wanted
	cos, sin []float32   // [n][RopeDims/2] rotation of each position
	scores   [][]float32 // [threads][ctx] attention weights, one buffer per worker
}

func (s *scratch) grow(c *Config, n, ctx int) {
	if n <= s.n && len(s.scores) > 0 && len(s.scores[0]) >= ctx {
		return
	}
	n = max(n, s.n)
	s.n = n
	s.x = make([]float32, n*c.Embed)
	s.q = make([]float32, n*c.QDim())
	s.k = make([]float32, n*c.KVDim())
	s.v = make([]float32, n*c.KVDim())
	s.proj = make([]float32, n*c.Embed)
	s.gate = make([]float32, n*c.FFN)
	s.up = make([]float32, n*c.FFN)
	s.cos = make([]float32, n*c.RopeDims/2)
	s.sin = make([]float32, n*c.RopeDims/2)
	s.scores = make([][]float32, threads)
	for i := range s.scores {
		s.scores[i] = make([]float32, ctx)
	}
}

// bytes is the memory the scratch holds (activation encodings not counted).
func (s *scratch) bytes() int64 {
	n := len(s.x) + len(s.q) + len(s.k) + len(s.v) + len(s.proj) + len(s.gate) + len(s.up) +
		len(s.cos) + len(s.sin) + cap(s.xb.x) + cap(s.att.x) + cap(s.hb.x) + cap(s.out.x)
	for _, sc := range s.scores {
		n += len(sc)
	}
	return int64(n) * 4
}

// forward runs the model over tokens at positions [pos, pos+len(tokens)),
// writing their keys and values into the cache. When logits is non-nil it
// receives the logits of the last token ([Vocab]) or, when all is set, of
// every token ([len(tokens)][Vocab]). The context is checked between
// layers, so cancelling a long prompt takes effect within one layer.
func (m *Model) forward(ctx context.Context, kv *kvCache, s *scratch, tokens []int32, pos int, logits []float32, all bool) error {
	c := &m.Config
	n, E := len(tokens), c.Embed
	s.grow(c, n, kv.ctx)

	// Token embeddings: x[i] = row tokens[i] of token_embd.      [n][Embed]
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
	for i := range rows {
		rmsnorm(s.out.x[i*E:(i+1)*E], s.x[(first+i)*E:(first+i+1)*E], m.outNorm, c.RMSEps)
	}
	matmul(logits[:rows*c.Vocab], m.output, &s.out)
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
	c, L := &m.Config, &m.layers[l]
	E, QD, KD, hd := c.Embed, c.QDim(), c.KVDim(), c.HeadDim
	s.xb.set(n, E)
	for i := range n {
		rmsnorm(s.xb.x[i*E:(i+1)*E], s.x[i*E:(i+1)*E], L.attnNorm, c.RMSEps)
	}
	matmul(s.q[:n*QD], L.wq, &s.xb)
	matmul(s.k[:n*KD], L.wk, &s.xb)
	matmul(s.v[:n*KD], L.wv, &s.xb)
	addBias(s.q[:n*QD], L.bq)
	addBias(s.k[:n*KD], L.bk)
	addBias(s.v[:n*KD], L.bv)

	half := c.RopeDims / 2
	for i := range n {
		cos, sin := s.cos[i*half:(i+1)*half], s.sin[i*half:(i+1)*half]
		for h := range c.Heads {
			c.rope(s.q[i*QD+h*hd:i*QD+(h+1)*hd], cos, sin)
		}
		for h := range c.HeadsKV {
			c.rope(s.k[i*KD+h*hd:i*KD+(h+1)*hd], cos, sin)
		}
	}
	copy(kv.keys(l, pos, n), s.k[:n*KD])
	copy(kv.values(l, pos, n), s.v[:n*KD])

	keys, values := kv.keys(l, 0, pos+n), kv.values(l, 0, pos+n)
	scale := 1 / float32(math.Sqrt(float64(hd)))
	group := c.Heads / c.HeadsKV
	s.att.set(n, QD)
	// One task per (token, head); each worker has its own score buffer.
	parallelChunks(n*c.Heads, 1, func(w, lo, hi int) {
		scores := s.scores[w]
		for task := lo; task < hi; task++ {
			i, h := task/c.Heads, task%c.Heads
			q := s.q[i*QD+h*hd : i*QD+(h+1)*hd]
			kvOff := (h / group) * hd
			att := scores[:pos+i+1] // causal: positions 0..pos+i
			for t := range att {
				att[t] = dot(q, keys[t*KD+kvOff:t*KD+kvOff+hd]) * scale
			}
			softmax(att)
			out := s.att.x[i*QD+h*hd : i*QD+(h+1)*hd]
			clear(out)
			for t, a := range att {
				axpy(out, a, values[t*KD+kvOff:t*KD+kvOff+hd])
			}
		}
	})
	matmul(s.proj[:n*E], L.wo, &s.att)
	addInto(s.x[:n*E], s.proj[:n*E])
}

// feedForward is the second half of block l (SwiGLU):
//
//	xb = rmsnorm(x) ⊙ ffn_norm                 [n][Embed]
//	hb = silu(Wgate·xb) ⊙ (Wup·xb)             [n][FFN]
//	x += Wdown·hb                              [n][Embed]
func (m *Model) feedForward(l int, s *scratch, n int) {
	c, L := &m.Config, &m.layers[l]
	E, F := c.Embed, c.FFN
	s.xb.set(n, E)
	for i := range n {
		rmsnorm(s.xb.x[i*E:(i+1)*E], s.x[i*E:(i+1)*E], L.ffnNorm, c.RMSEps)
	}
	matmul(s.gate[:n*F], L.gate, &s.xb)
	matmul(s.up[:n*F], L.up, &s.xb)
	s.hb.set(n, F)
	swiglu(s.hb.x, s.gate[:n*F], s.up[:n*F])
	matmul(s.proj[:n*E], L.down, &s.hb)
	addInto(s.x[:n*E], s.proj[:n*E])
}

// addBias adds bias b (one row) to every row of x; nil b adds nothing.
func addBias(x, b []float32) {
	if b == nil {
		return
	}
	for i := 0; i < len(x); i += len(b) {
		addInto(x[i:i+len(b)], b)
	}
}

// addInto sets x += y.
func addInto(x, y []float32) {
	y = y[:len(x)]
	for i := range x {
		x[i] += y[i]
	}
}

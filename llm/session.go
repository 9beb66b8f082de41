package llm

import (
	"context"
	"errors"
	"fmt"
)

// ErrContextFull is returned (wrapped) when tokens do not fit in what is
// left of a session's context.
var ErrContextFull = errors.New("context full")

// BatchSize is how many prompt tokens go through the network together (as
// llama.cpp's n_ubatch): large enough to reuse each weight row across many
// tokens, small enough to keep the scratch small. Results do not depend on
// it: every token's arithmetic is the same in any batch.
const BatchSize = 64

// Session is one sequence being evaluated by a model: the tokens it has
// seen, their keys and values, and the logits after the last one. A Session
// is not safe for concurrent use; use one per goroutine.
type Session struct {
	model   *Model
	ctxSize int
	tokens  []int32
	kv      *kvCache
	s       scratch
	logits  []float32 // [Vocab] after the last token fed; nil when none
}

// NewSession starts an empty session holding up to ctxSize positions
// (0 means the model's training context, capped at 4096 as llama.cpp's
// default). Its KV cache is allocated now: 2·Layers·ctxSize·KVDim·4 bytes
// (2 with Options.KVCache "f16").
func (m *Model) NewSession(ctxSize int) (*Session, error) {
	c := &m.Config
	if ctxSize == 0 {
		ctxSize = min(c.TrainCtx, 4096)
	}
	if ctxSize < 1 || ctxSize > 1<<20 {
		return nil, fmt.Errorf("llm: context size %d out of range (1 to %d)", ctxSize, 1<<20)
	}
	return &Session{model: m, ctxSize: ctxSize, kv: newKVCache(c.Layers, ctxSize, c.HeadsKV, c.HeadDim, m.kvHalf)}, nil
}

// Model is the session's model.
func (s *Session) Model() *Model { return s.model }

// ContextSize is the number of positions the session can hold.
func (s *Session) ContextSize() int { return s.ctxSize }

// Len is the number of tokens in the session.
func (s *Session) Len() int { return len(s.tokens) }

// Tokens returns the tokens in the session (do not modify).
func (s *Session) Tokens() []int32 { return s.tokens }

// Logits returns the logits ([Vocab] floats) predicting the token after the
// last one fed, or nil if the session is empty. The slice is reused by the
// next Feed.
func (s *Session) Logits() []float32 { return s.logits }

// HeapBytes is the memory the session holds: KV cache, scratch and logits.
func (s *Session) HeapBytes() int64 {
	return s.kv.bytes() + s.s.bytes() + int64(cap(s.logits))*4
}

// Feed evaluates tokens at the session's next positions, as a batch, and
// leaves the logits of the last in Logits. If ctx is cancelled part way,
// Feed returns ctx.Err() and the session keeps the tokens evaluated so far
// (whole batches of up to 64), consistent and usable.
func (s *Session) Feed(ctx context.Context, tokens ...int32) error {
	_, err := s.feed(ctx, tokens, false)
	return err
}

// FeedAll is Feed that also returns the logits at every position of the
// batch, [len(tokens)][Vocab] row-major (for scoring text and for tests).
func (s *Session) FeedAll(ctx context.Context, tokens ...int32) ([]float32, error) {
	return s.feed(ctx, tokens, true)
}

func (s *Session) feed(ctx context.Context, tokens []int32, all bool) ([]float32, error) {
	if len(tokens) == 0 {
		return nil, nil
	}
	V := s.model.Config.Vocab
	for i, t := range tokens {
		if t < 0 || int(t) >= V {
			return nil, fmt.Errorf("llm: token %d (at batch index %d) is outside the vocabulary of %d", t, i, V)
		}
	}
	if free := s.ctxSize - len(s.tokens); len(tokens) > free {
		return nil, fmt.Errorf("llm: %d tokens do not fit: the session holds %d of %d positions: %w",
			len(tokens), len(s.tokens), s.ctxSize, ErrContextFull)
	}
	var rows []float32
	if all {
		rows = make([]float32, len(tokens)*V)
	}
	if cap(s.logits) < V {
		s.logits = make([]float32, V)
	}
	for start := 0; start < len(tokens); start += BatchSize {
		batch := tokens[start:min(start+BatchSize, len(tokens))]
		last := start+len(batch) == len(tokens)
		var out []float32
		switch {
		case all:
			out = rows[start*V : (start+len(batch))*V]
		case last:
			out = s.logits[:V]
		}
		if err := s.model.forward(ctx, s.kv, &s.s, batch, len(s.tokens), out, all); err != nil {
			s.logits = s.logits[:0] // they belong to no token now
			return nil, err
		}
		s.tokens = append(s.tokens, batch...)
		if all && last {
			copy(s.logits[:V], out[len(out)-V:])
		}
	}
	s.logits = s.logits[:V]
	return rows, nil
}

// Truncate drops every token from position n on, keeping the first n and
// their cached keys and values (so a shared prefix need not be recomputed).
// The logits are cleared: feed at least one token before sampling.
func (s *Session) Truncate(n int) error {
	if n < 0 || n > len(s.tokens) {
		return fmt.Errorf("llm: cannot truncate a session of %d tokens to %d", len(s.tokens), n)
	}
	if n < len(s.tokens) {
		s.tokens = s.tokens[:n]
		s.logits = s.logits[:0]
	}
	return nil
}

// Reset empties the session.
func (s *Session) Reset() { s.Truncate(0) }

// Prefill makes the session hold exactly prompt, reusing the longest prefix
// it already holds and evaluating only the rest, and returns how many
// tokens were reused. At least the last token is always evaluated, so
// Logits predicts the token after the prompt.
func (s *Session) Prefill(ctx context.Context, prompt []int32) (reused int, err error) {
	if len(prompt) == 0 {
		return 0, errors.New("llm: empty prompt (a model needs at least one token, such as BOS)")
	}
	if len(prompt) > s.ctxSize {
		return 0, fmt.Errorf("llm: the prompt has %d tokens, more than the context of %d: %w", len(prompt), s.ctxSize, ErrContextFull)
	}
	common := 0
	for common < len(s.tokens) && common < len(prompt)-1 && s.tokens[common] == prompt[common] {
		common++
	}
	s.Truncate(common)
	return common, s.Feed(ctx, prompt[common:]...)
}

package grammar

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// Session is what Generate needs of a model session; *llm.Session is one.
// (An interface keeps this package free of the engine, so it can be
// tested with any vocabulary and a fake model.)
type Session interface {
	Prefill(ctx context.Context, prompt []int32) (reused int, err error)
	Feed(ctx context.Context, tokens ...int32) error
	Logits() []float32
	Tokens() []int32
	ContextSize() int
}

// Sampler draws the next token from masked logits; *llm.Sampler is one.
type Sampler interface {
	Sample(logits []float32, history []int32) int32
}

// LogProber is a Sampler that also scores a chosen token: the natural
// log of its probability under the softmax of the masked logits, which it
// may overwrite (*llm.Sampler does so with the engine's vector
// exponentials). For other Samplers Generate computes it itself, in
// float64, which for a vocabulary of 150 000 tokens costs milliseconds a
// token.
type LogProber interface {
	LogProb(logits []float32, id int32) float64
}

// ErrContextFull is returned (wrapped) when the prompt leaves no room for
// the output.
var ErrContextFull = errors.New("context full")

// GenerateOptions control a constrained generation.
type GenerateOptions struct {
	// Sampler chooses among the allowed tokens (llm.NewSampler).
	Sampler Sampler
	// MaxTokens bounds the tokens generated (sampled and forced); ≤ 0
	// means what the session's context leaves. The grammar's budget is
	// set from it, so the text is always complete within it.
	MaxTokens int
	// OnToken, when set, is called after every sampled token; an error
	// from it stops generation and is returned.
	OnToken func(Progress) error
}

// Progress reports a generation under way, for a spinner.
type Progress struct {
	Sampled int           // tokens sampled so far
	Forced  int           // tokens fed without sampling (keys, punctuation)
	Elapsed time.Duration // since the first sampled token's logits were ready
	Text    []byte        // the text so far (shared: copy to keep)
}

// TokensPerSecond is the rate of sampled and forced tokens since the first
// sampled token.
func (p Progress) TokensPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Sampled+p.Forced) / p.Elapsed.Seconds()
}

// Result is the outcome of a constrained generation.
type Result struct {
	Text         []byte  // the complete text (when err is nil)
	Tokens       []int32 // every generated token, sampled or forced
	Sampled      int     // of which the model chose
	PromptTokens int     // the prompt, including forced text fed with it
	Reused       int     // prompt tokens already in the session
	// PromptTime is spent evaluating the prompt; FirstToken is from the
	// call to the first sampled token; Total the whole call.
	PromptTime, FirstToken, Total time.Duration
	// LogProb is the sum of the natural logs of the sampled tokens'
	// probabilities among the allowed tokens (softmax at temperature 1),
	// a measure of how sure the model was.
	LogProb float64
}

// Generate makes s hold prompt (reusing what it already holds), then
// samples tokens under g until the text is complete. Text the grammar
// forces is fed in batches without sampling, including any that follows
// the prompt directly. The context is checked between tokens (and the
// engine checks it between layers), so a cancellation stops it within one
// token; it then returns the context's error and a partial Result.
func Generate(ctx context.Context, s Session, prompt []int32, g *Grammar, opts GenerateOptions) (*Result, error) {
	start := time.Now()
	room := s.ContextSize() - len(prompt)
	if opts.MaxTokens > 0 {
		room = min(room, opts.MaxTokens)
	}
	if room <= 0 {
		return nil, fmt.Errorf("grammar: the prompt of %d tokens leaves no room in the context of %d: %w", len(prompt), s.ContextSize(), ErrContextFull)
	}
	m, err := g.NewMatcher(room)
	if err != nil {
		return nil, fmt.Errorf("%w (the prompt of %d tokens leaves %d of the context)", err, len(prompt), room)
	}
	res := &Result{}
	forced := m.ForcedTokens()
	for _, id := range forced {
		if err := m.Accept(id); err != nil {
			return nil, err
		}
	}
	res.Tokens = append(res.Tokens, forced...)
	input := append(append([]int32(nil), prompt...), forced...)
	res.PromptTokens = len(input)
	res.Reused, err = s.Prefill(ctx, input)
	res.PromptTime = time.Since(start)
	if err != nil {
		res.Total = time.Since(start)
		return res, err
	}
	sampler := opts.Sampler
	if sampler == nil {
		return nil, errors.New("grammar: Generate needs a Sampler")
	}
	logits := make([]float32, len(s.Logits()))
	var first time.Time
	for !m.Done() {
		if err := ctx.Err(); err != nil {
			res.Total = time.Since(start)
			return res, err
		}
		copy(logits, s.Logits())
		if m.Mask(logits) == 0 {
			return res, fmt.Errorf("grammar: no token can continue %q", tail(m.Text()))
		}
		next := sampler.Sample(logits, s.Tokens())
		if res.Sampled == 0 {
			first = time.Now()
			res.FirstToken = first.Sub(start)
		}
		if lp, ok := sampler.(LogProber); ok {
			res.LogProb += lp.LogProb(logits, next)
		} else {
			res.LogProb += logProb(logits, next)
		}
		if err := m.Accept(next); err != nil {
			return res, fmt.Errorf("grammar: the sampler chose a masked token: %w", err)
		}
		res.Sampled++
		batch := []int32{next}
		for _, id := range m.ForcedTokens() {
			if err := m.Accept(id); err != nil {
				return res, err
			}
			batch = append(batch, id)
		}
		res.Tokens = append(res.Tokens, batch...)
		if opts.OnToken != nil {
			p := Progress{Sampled: res.Sampled, Forced: len(res.Tokens) - res.Sampled, Elapsed: time.Since(first), Text: m.Text()}
			if err := opts.OnToken(p); err != nil {
				res.Total = time.Since(start)
				return res, err
			}
		}
		if m.Done() {
			break // the end-of-generation token need not be sampled
		}
		if err := s.Feed(ctx, batch...); err != nil {
			res.Total = time.Since(start)
			return res, err
		}
	}
	res.Text = m.Text()
	res.Total = time.Since(start)
	return res, nil
}

// logProb is the log-probability of token id under the softmax of the
// masked logits.
func logProb(logits []float32, id int32) float64 {
	hi := math.Inf(-1)
	for _, l := range logits {
		hi = math.Max(hi, float64(l))
	}
	sum := 0.0
	for _, l := range logits {
		if !math.IsInf(float64(l), -1) {
			sum += math.Exp(float64(l) - hi)
		}
	}
	return float64(logits[id]) - hi - math.Log(sum)
}

package llm

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// GenerateOptions control one generation.
type GenerateOptions struct {
	// MaxTokens bounds the tokens generated; ≤ 0 means until an
	// end-of-generation token, a stop string or a full context.
	MaxTokens int
	Sampling  SamplerConfig
	// Stop ends generation when the text contains one of these strings;
	// the stop string itself is not part of the output.
	Stop []string
	// IgnoreEOS forbids the end-of-generation tokens instead of stopping
	// at them (llama.cpp's --ignore-eos).
	IgnoreEOS bool
	// OnText receives the generated text as it becomes final: never a
	// broken UTF-8 character, never text a stop string may still claim.
	// An error from it stops generation and is returned.
	OnText func(text string) error
	// Mask, when set, edits the raw logits before the sampler chain (set a
	// logit to -Inf to forbid a token): the hook for grammar-constrained
	// decoding. generated holds the tokens generated so far.
	Mask func(generated []int32, logits []float32)
}

// StopReason tells why generation ended.
type StopReason int

// The reasons generation ends.
const (
	StopEOG         StopReason = iota + 1 // the model produced an end-of-generation token
	StopMaxTokens                         // MaxTokens were generated
	StopString                            // the text reached a stop string
	StopContextFull                       // no position left in the session
	StopCancelled                         // the context was cancelled (or OnText failed)
)

var stopNames = [...]string{"", "eog", "max-tokens", "stop-string", "context-full", "cancelled"}

// String names the reason ("eog", "max-tokens", …).
func (r StopReason) String() string {
	if r > 0 && int(r) < len(stopNames) {
		return stopNames[r]
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Generation is the outcome of Generate.
type Generation struct {
	Tokens       []int32 // generated tokens (without a final end-of-generation token)
	Text         string  // the text given to OnText, stop string excluded
	Stop         StopReason
	PromptTokens int           // tokens of the prompt
	Reused       int           // of which were already in the session's cache
	PromptTime   time.Duration // evaluating the prompt (minus the reused prefix)
	GenTime      time.Duration // sampling and evaluating the generated tokens
}

// Generate makes the session hold prompt (reusing any prefix it already
// holds), then samples tokens one at a time, streaming their text to
// opts.OnText, until a stop condition. The context is checked between
// tokens and between layers; on cancellation Generate returns what was
// generated so far with Stop = StopCancelled and the context's error.
// The last generated token is not evaluated (its logits are not needed), so
// the session ends holding prompt + all generated tokens but the last.
func (s *Session) Generate(ctx context.Context, prompt []int32, opts GenerateOptions) (*Generation, error) {
	tok, err := s.model.Tokenizer()
	if err != nil {
		return nil, err
	}
	g := &Generation{PromptTokens: len(prompt)}
	start := time.Now()
	g.Reused, err = s.Prefill(ctx, prompt)
	g.PromptTime = time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			g.Stop = StopCancelled
			return g, err
		}
		return nil, err
	}
	start = time.Now()
	defer func() { g.GenTime = time.Since(start) }()

	sampler := NewSampler(opts.Sampling)
	out := textStream{stops: opts.Stop, onText: opts.OnText}
	dec := tok.NewStream()
	logits := make([]float32, s.model.Config.Vocab)
	var banned []int32
	if opts.IgnoreEOS {
		banned = tok.EOG()
	}
	for {
		if opts.MaxTokens > 0 && len(g.Tokens) >= opts.MaxTokens {
			g.Stop = StopMaxTokens
			break
		}
		if err := ctx.Err(); err != nil {
			g.Stop, g.Text = StopCancelled, out.emitted.String()
			return g, err
		}
		copy(logits, s.Logits())
		for _, id := range banned {
			if int(id) < len(logits) {
				logits[id] = float32(math.Inf(-1))
			}
		}
		if opts.Mask != nil {
			opts.Mask(g.Tokens, logits)
		}
		next := sampler.Sample(logits, s.tokens)
		if tok.IsEOG(next) {
			g.Stop = StopEOG
			break
		}
		g.Tokens = append(g.Tokens, next)
		text, err := dec.Next(next)
		if err != nil {
			return g, fmt.Errorf("llm: decoding generated token %d: %w", next, err)
		}
		done, err := out.write(text)
		if err != nil {
			g.Stop, g.Text = StopCancelled, out.emitted.String()
			return g, err
		}
		if done {
			g.Stop = StopString
			break
		}
		if s.Len() == s.ctxSize {
			g.Stop = StopContextFull
			break
		}
		if opts.MaxTokens > 0 && len(g.Tokens) >= opts.MaxTokens {
			continue // the loop ends without evaluating the last token
		}
		if err := s.Feed(ctx, next); err != nil {
			g.Stop, g.Text = StopCancelled, out.emitted.String()
			return g, err
		}
	}
	if g.Stop != StopString {
		if _, err := out.write(dec.Flush()); err != nil {
			g.Stop, g.Text = StopCancelled, out.emitted.String()
			return g, err
		}
		if err := out.close(); err != nil {
			return g, err
		}
	}
	g.Text = out.emitted.String()
	return g, nil
}

// GenerateText is Generate for a text prompt, tokenized by Model.Encode.
func (s *Session) GenerateText(ctx context.Context, prompt string, opts GenerateOptions) (*Generation, error) {
	ids, err := s.model.Encode(prompt)
	if err != nil {
		return nil, err
	}
	if len(ids) > s.ctxSize {
		return nil, fmt.Errorf("llm: the prompt has %d tokens, more than the context of %d: %w", len(ids), s.ctxSize, ErrContextFull)
	}
	return s.Generate(ctx, ids, opts)
}

// textStream holds back the end of the text while it may be the start of a
// stop string, and passes the rest on.
type textStream struct {
	stops   []string
	onText  func(string) error
	held    string
	emitted strings.Builder
}

// write adds text and reports whether a stop string was reached (the text
// before it is then emitted and the rest dropped).
func (t *textStream) write(text string) (stopped bool, err error) {
	t.held += text
	cut := -1
	for _, s := range t.stops {
		if s == "" {
			continue
		}
		if i := strings.Index(t.held, s); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut >= 0 {
		err := t.emit(t.held[:cut])
		t.held = ""
		return true, err
	}
	keep := 0 // longest suffix of held that begins some stop string
	for _, s := range t.stops {
		for k := min(len(s)-1, len(t.held)); k > keep; k-- {
			if strings.HasSuffix(t.held, s[:k]) {
				keep = k
				break
			}
		}
	}
	err = t.emit(t.held[:len(t.held)-keep])
	t.held = t.held[len(t.held)-keep:]
	return false, err
}

// close emits what was held back.
func (t *textStream) close() error {
	err := t.emit(t.held)
	t.held = ""
	return err
}

func (t *textStream) emit(s string) error {
	if s == "" {
		return nil
	}
	t.emitted.WriteString(s)
	if t.onText != nil {
		return t.onText(s)
	}
	return nil
}

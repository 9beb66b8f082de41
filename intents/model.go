package intents

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/chat"
	"github.com/llamashell/lsh/llm/grammar"
)

// ModelOptions configure a ModelResolver.
type ModelOptions struct {
	// Context is the session's context in tokens; 0 means room for the
	// prompt's opening, 256 tokens of request and MaxTokens of reply
	// (rounded up to a multiple of 256, at most the model's training
	// context): the KV cache is allocated whole, 45 KB per position for
	// TinyLlama.
	Context int
	// CacheDir holds the prompt cache (config.Paths.CacheDir); "" keeps
	// it in memory only.
	CacheDir string
	// Host describes the machine; nil means DetectHost().
	Host *Host
	// Commands are the words a command may begin with; nil means
	// HostCommands($PATH, nil).
	Commands []string
	// Sampling chooses tokens; the zero value is greedy (the same request
	// gives the same intent).
	Sampling llm.SamplerConfig
	// MaxTokens bounds the reply; 0 means 512. The grammar makes every
	// reply complete within it.
	MaxTokens int
	// Template names a chat family (chat.Families) to use instead of the
	// one the model's metadata suggests.
	Template string
}

// Phase is what a model resolver is doing, for a spinner.
type Phase string

// The phases of a request to a model.
const (
	PhaseLoading    Phase = "loading"    // mapping the model file
	PhasePrompt     Phase = "prompt"     // processing the prompt
	PhaseGenerating Phase = "generating" // writing the intent
)

// Progress reports a request under way.
type Progress struct {
	Phase Phase
	// Tokens is how many tokens of the reply exist so far (sampled and
	// forced), TokensPerSecond their rate since the first was sampled.
	Tokens          int
	TokensPerSecond float64
	// Elapsed is the time since the request started.
	Elapsed time.Duration
	// Text is the prose of an answer or clarification as far as it is
	// written, for a terminal to show as it grows ("" for other kinds).
	Text string
}

// RunStats describe the last request a ModelResolver served.
type RunStats struct {
	Template chat.Family
	// PrefixTokens is the length of the fixed opening; PrefixSource says
	// where its state came from: "session" (already held), "memory",
	// "disk" or "computed" (PrefixTime spent).
	PrefixTokens int
	PrefixSource string
	PrefixTime   time.Duration
	// PromptTokens is the whole prompt, Evaluated the tokens of it the
	// model processed for this request beyond the opening: with a warm
	// cache, the request's own tokens or fewer.
	PromptTokens int
	Evaluated    int
	// Generated tokens of the reply, Sampled of which the model chose
	// (the rest were forced by the grammar).
	Generated, Sampled int
	// FirstToken is from the start of the request to the first sampled
	// token; Total the whole request.
	FirstToken, Total time.Duration
	// Text is the JSON the model wrote.
	Text string
}

// ModelResolver turns requests into intents with a local model: the
// prompt of prompt.go in the model's chat template, its opening's state
// cached, and the reply constrained by the intent grammar. It implements
// Resolver; requests are served one at a time.
type ModelResolver struct {
	model *llm.Model
	tmpl  chat.Template
	gram  *grammar.Grammar
	host  *Host
	opts  ModelOptions

	mu     sync.Mutex
	sess   *llm.Session
	fixed  []chat.Message // the prompt's opening
	prefix []int32        // its tokens
	key    string
	saved  *llm.State // the opening's state, in memory
	last   RunStats
}

// NewModelResolver prepares m for resolving: the chat template, the
// grammar over its vocabulary, the prompt's opening. It computes no
// model output: the first request does.
func NewModelResolver(m *llm.Model, opts ModelOptions) (*ModelResolver, error) {
	tok, err := m.Tokenizer()
	if err != nil {
		return nil, fmt.Errorf("intents: %s: %w", m.Path, err)
	}
	if opts.Host == nil {
		opts.Host = DetectHost()
	}
	if opts.Commands == nil {
		opts.Commands = HostCommands(pathEnv(), nil)
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 512
	}
	tmpl, err := chat.Choose(m.File(), tok, opts.Template)
	if err != nil {
		return nil, err
	}
	if tok.VocabSize() > m.Config.Vocab {
		return nil, fmt.Errorf("intents: %s: the tokenizer has %d tokens but the model scores only %d", m.Path, tok.VocabSize(), m.Config.Vocab)
	}
	vocab, err := grammar.NewVocab(tok)
	if err != nil {
		return nil, fmt.Errorf("intents: %s: %w", m.Path, err)
	}
	prog, err := grammar.FromSchema(IntentSchema(opts.Commands))
	if err != nil {
		return nil, err
	}
	gram, err := grammar.New(prog, vocab)
	if err != nil {
		return nil, fmt.Errorf("intents: %s: %w", m.Path, err)
	}
	fixed := fixedMessages(opts.Host)
	prefix := tmpl.Encode(tok, fixed, false)
	if opts.Context <= 0 {
		opts.Context = min((len(prefix)+256+opts.MaxTokens+255)/256*256, max(m.Config.TrainCtx, 512))
	}
	sess, err := m.NewSession(opts.Context)
	if err != nil {
		return nil, err
	}
	r := &ModelResolver{model: m, tmpl: tmpl, gram: gram, host: opts.Host, opts: opts, sess: sess, fixed: fixed, prefix: prefix}
	if len(r.prefix)+64 > sess.ContextSize() {
		return nil, fmt.Errorf("intents: the prompt's opening takes %d tokens; a context of %d leaves too little room (raise the context)", len(r.prefix), sess.ContextSize())
	}
	r.key = prefixKey(m.Fingerprint(), m.KVCache(), r.prefix)
	return r, nil
}

// Template is the chat template in use.
func (r *ModelResolver) Template() chat.Template { return r.tmpl }

// LastRun describes the last request served.
func (r *ModelResolver) LastRun() RunStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// Resolve implements Resolver.
func (r *ModelResolver) Resolve(ctx context.Context, req Request) (Intent, error) {
	return r.ResolveProgress(ctx, req, nil)
}

// ResolveProgress is Resolve reporting progress to fn (which may be nil).
func (r *ModelResolver) ResolveProgress(ctx context.Context, req Request, fn func(Progress)) (Intent, error) {
	if strings.TrimSpace(req.Text) == "" {
		return Intent{}, errors.New("intents: empty request")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sess == nil {
		return Intent{}, errors.New("intents: the model resolver is closed")
	}
	start := time.Now()
	report := func(p Progress) {
		if fn != nil {
			p.Elapsed = time.Since(start)
			fn(p)
		}
	}
	st := RunStats{Template: r.tmpl.Family, PrefixTokens: len(r.prefix)}
	defer func() { st.Total = time.Since(start); r.last = st }()
	report(Progress{Phase: PhasePrompt})
	if err := r.ensurePrefix(ctx, &st); err != nil {
		return Intent{}, err
	}
	tok, _ := r.model.Tokenizer()
	home := req.Home
	if home == "" {
		home = r.host.Home
	}
	msgs := append(slices.Clip(r.fixed), chat.Message{Role: chat.User, Content: requestMessage(req, home)})
	prompt := r.tmpl.Encode(tok, msgs, true)
	if !slices.Equal(prompt[:min(len(prompt), len(r.prefix))], r.prefix) {
		// A template whose opening tokenizes differently inside the whole
		// (none of the known ones): the session reuses what it can.
		st.PrefixSource += " (not a token prefix)"
	}
	before := time.Since(start)
	res, err := grammar.Generate(ctx, r.sess, prompt, r.gram, grammar.GenerateOptions{
		Sampler:   llm.NewSampler(r.opts.Sampling),
		MaxTokens: r.opts.MaxTokens,
		OnToken: func(p grammar.Progress) error {
			report(Progress{Phase: PhaseGenerating, Tokens: p.Sampled + p.Forced, TokensPerSecond: p.TokensPerSecond(),
				Text: streamedProse(p.Text)})
			return nil
		},
	})
	if res != nil {
		st.PromptTokens = res.PromptTokens
		st.Evaluated = res.PromptTokens - res.Reused
		st.Generated, st.Sampled = len(res.Tokens), res.Sampled
		st.FirstToken = before + res.FirstToken
		st.Text = string(res.Text)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Intent{}, ctx.Err()
		}
		return Intent{}, fmt.Errorf("intents: %s: %w", r.model.Path, err)
	}
	return finish(res.Text, req, confidence(res.LogProb, res.Sampled), finishOptions{home: home})
}

// Prepare makes the prompt's opening ready in the session (restored from
// the disk cache or computed), so the next request only processes its own
// tokens. A request arriving meanwhile waits for it.
func (r *ModelResolver) Prepare(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sess == nil {
		return errors.New("intents: the model resolver is closed")
	}
	var st RunStats
	return r.ensurePrefix(ctx, &st)
}

// ensurePrefix makes the session begin with the prompt's opening: already
// there, restored from memory or disk, or computed (and then saved to
// both).
func (r *ModelResolver) ensurePrefix(ctx context.Context, st *RunStats) error {
	if toks := r.sess.Tokens(); len(toks) >= len(r.prefix) && slices.Equal(toks[:len(r.prefix)], r.prefix) {
		st.PrefixSource = "session"
		return nil
	}
	begin := time.Now()
	defer func() { st.PrefixTime = time.Since(begin) }()
	if r.saved != nil && r.sess.Restore(r.saved) == nil {
		st.PrefixSource = "memory"
		return nil
	}
	fp := r.model.Fingerprint()
	if r.opts.CacheDir != "" {
		if saved, err := loadPrefix(r.opts.CacheDir, r.key, fp, r.prefix); err == nil && r.sess.Restore(saved) == nil {
			r.saved, st.PrefixSource = saved, "disk"
			return nil
		}
	}
	st.PrefixSource = "computed"
	if _, err := r.sess.Prefill(ctx, r.prefix); err != nil {
		return err
	}
	saved, err := r.sess.Save(len(r.prefix))
	if err != nil {
		return err
	}
	r.saved = saved
	if r.opts.CacheDir != "" {
		// A cache that cannot be written costs the next session time,
		// not this request its answer.
		storePrefix(r.opts.CacheDir, r.key, saved)
	}
	return nil
}

// Close releases the session; the model is the caller's to close.
func (r *ModelResolver) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sess, r.saved = nil, nil
	return nil
}

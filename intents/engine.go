package intents

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/llamashell/lsh/llm"
)

// EngineOptions configure a shell session's intent engine: which engines
// exist and how they combine. cmd/lsh-full fills them from its flags, the
// environment and the config file (flags winning).
type EngineOptions struct {
	// ModelPath is a local GGUF model (--model, LSH_MODEL, config model,
	// resolved to a file by llm/store); "" means none.
	ModelPath string
	// Endpoint is the base URL of an OpenAI-compatible server
	// (--endpoint, config endpoint), such as "http://127.0.0.1:8080/v1";
	// it wins over ModelPath. EndpointModel is the model name sent to it
	// ("" asks the server's /v1/models for its first), APIKey its bearer
	// token if it needs one.
	Endpoint      string
	EndpointModel string
	APIKey        string
	// Mode chooses the engine (--source, config source); "" is ModeAuto.
	Mode Mode
	// Context is the local session's context in tokens (config context);
	// 0 means what the prompt and the reply need (ModelOptions.Context).
	Context int
	// Threads is how many cores the local model computes with (--threads,
	// config threads); 0 means one per core.
	Threads int
	// KVCache is how the local session keeps keys and values
	// (llm.Options.KVCache; config cache_type): "f16" or "f32"; "" is f32.
	KVCache string
	// MapOnly keeps the weights in the file mapping (llm.Options.MapOnly):
	// for one-shot use (`lsh -c "? …"`), where the engine's background copy
	// of the weights into huge pages would only compete with the one
	// request for the cores.
	MapOnly bool
	// CacheDir keeps the prompt cache across sessions
	// (config.Paths.CacheDir); "" keeps it in memory only.
	CacheDir string
	// Host describes the machine; nil means DetectHost().
	Host *Host
	// Builtins are lsh's builtin names (builtins.Names()): a model's
	// command may begin with them as with the programs on $PATH.
	Builtins []string
	// Commands, when not nil, replaces the words a command may begin with
	// (tests; the default is HostCommands($PATH, Builtins)).
	Commands []string
	// Sampling chooses tokens; the zero value is greedy.
	Sampling llm.SamplerConfig
	// MaxTokens bounds a reply; 0 means 512.
	MaxTokens int
	// Template forces a chat family (see llm/chat); "" detects it.
	Template string
	// Timeout bounds one request to an endpoint; 0 means two minutes.
	Timeout time.Duration
}

// Engine resolves a session's requests: the rules always, a model when
// one is configured, loaded on the first request that needs it (a
// confident rule match never loads it). Safe for concurrent use; requests
// to the model are served one at a time.
type Engine struct {
	opts  EngineOptions
	rules *Rules

	mu     sync.Mutex
	model  *llm.Model
	local  *ModelResolver
	remote *RemoteResolver
}

// NewEngine checks opts and returns an engine. Nothing is loaded yet.
func NewEngine(opts EngineOptions) (*Engine, error) {
	mode, err := ParseMode(string(opts.Mode))
	if err != nil {
		return nil, err
	}
	opts.Mode = mode
	if opts.Endpoint != "" {
		u, err := url.Parse(opts.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("intents: endpoint %q is not an http(s) URL such as http://127.0.0.1:8080/v1", opts.Endpoint)
		}
	}
	if err := llm.CheckKVCache(opts.KVCache); err != nil {
		return nil, fmt.Errorf("intents: %w", err)
	}
	if opts.KVCache == "" {
		opts.KVCache = "f32"
	}
	if opts.Host == nil {
		opts.Host = DetectHost()
	}
	return &Engine{opts: opts, rules: NewRules(opts.Host)}, nil
}

// KVCache is how the local model's session keeps keys and values: "f32"
// or "f16" (EngineOptions.KVCache).
func (e *Engine) KVCache() string { return e.opts.KVCache }

// HasModel reports whether a model (local or remote) is configured.
func (e *Engine) HasModel() bool { return e.opts.ModelPath != "" || e.opts.Endpoint != "" }

// Rules is the engine's catalogue.
func (e *Engine) Rules() *Rules { return e.rules }

// Resolve turns a request into an intent (see the package function
// Resolve for how rules and model combine), reporting the model's
// progress to progress, which may be nil. Cancelling ctx stops a model
// within one token.
func (e *Engine) Resolve(ctx context.Context, req Request, progress func(Progress)) (Intent, error) {
	opts := ResolveOptions{Mode: e.opts.Mode, Rules: e.rules, Progress: progress, Home: req.Home}
	if e.HasModel() && e.opts.Mode != ModeRules {
		opts.Model = lazyModel{e}
	}
	return Resolve(ctx, req, opts)
}

// Prepare loads the local model and makes the prompt's opening ready (from
// the disk cache, or computed), so that even the first request is a warm
// one. cmd/lsh-full may call it in the background when an interactive session
// with a model starts: the cold start then overlaps the person's typing,
// and a request arriving meanwhile waits for it. With an endpoint, or in
// rules mode, it does nothing.
func (e *Engine) Prepare(ctx context.Context) error {
	if e.opts.ModelPath == "" || e.opts.Endpoint != "" || e.opts.Mode == ModeRules {
		return nil
	}
	r, err := e.resolver(nil)
	if err != nil {
		return err
	}
	return r.(*ModelResolver).Prepare(ctx)
}

// LastRun describes the local model's last request (zero without one).
func (e *Engine) LastRun() RunStats {
	e.mu.Lock()
	local := e.local
	e.mu.Unlock()
	if local == nil {
		return RunStats{}
	}
	return local.LastRun()
}

// Close releases the model.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.local != nil {
		e.local.Close()
		e.local = nil
	}
	if e.model != nil {
		err := e.model.Close()
		e.model = nil
		return err
	}
	return nil
}

// resolver returns the model resolver, loading the model on first use.
// A load that fails is tried again on the next request (the person may
// have fixed the file).
func (e *Engine) resolver(progress func(Progress)) (Resolver, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.opts.Endpoint != "" {
		if e.remote == nil {
			e.remote = NewRemoteResolver(RemoteOptions{URL: e.opts.Endpoint, Model: e.opts.EndpointModel, APIKey: e.opts.APIKey,
				Commands: e.commands(), Timeout: e.opts.Timeout, MaxTokens: e.opts.MaxTokens, Host: e.opts.Host, Stream: true})
		}
		return e.remote, nil
	}
	if e.local != nil {
		return e.local, nil
	}
	if progress != nil {
		progress(Progress{Phase: PhaseLoading})
	}
	m, err := llm.LoadWith(e.opts.ModelPath, llm.Options{Threads: e.opts.Threads, MapOnly: e.opts.MapOnly, KVCache: e.opts.KVCache})
	if err != nil {
		return nil, err
	}
	r, err := NewModelResolver(m, ModelOptions{Context: e.opts.Context, CacheDir: e.opts.CacheDir, Host: e.opts.Host,
		Commands: e.commands(), Sampling: e.opts.Sampling, MaxTokens: e.opts.MaxTokens, Template: e.opts.Template})
	if err != nil {
		m.Close()
		return nil, err
	}
	e.model, e.local = m, r
	return r, nil
}

func (e *Engine) commands() []string {
	if e.opts.Commands != nil {
		return e.opts.Commands
	}
	return HostCommands(pathEnv(), e.opts.Builtins)
}

// lazyModel is the engine's model as a Resolver that loads on first use.
type lazyModel struct{ e *Engine }

func (l lazyModel) Resolve(ctx context.Context, req Request) (Intent, error) {
	return l.ResolveProgress(ctx, req, nil)
}

func (l lazyModel) ResolveProgress(ctx context.Context, req Request, fn func(Progress)) (Intent, error) {
	r, err := l.e.resolver(fn)
	if err != nil {
		return Intent{}, err
	}
	if pr, ok := r.(progressResolver); ok {
		return pr.ResolveProgress(ctx, req, fn)
	}
	return r.Resolve(ctx, req)
}

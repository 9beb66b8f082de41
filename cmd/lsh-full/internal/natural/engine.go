// Package natural is lsh's natural-language path between a typed line and
// what runs: which lines are requests (Classify), what they become
// (Engine, Plan), what the person is asked (Card, Decide), and acting on
// the answer (Flow, Guard).
//
// It is shared by every front-end: the plain REPL and one-shot `lsh -c '?
// …'` in cmd/lsh, the Bubble Tea TUI in cmd/lsh/internal/tui, and the
// llama builtin. Nothing here draws on a terminal except Prompter, the
// plain line-by-line card; the TUI draws its own card from Card and feeds
// the person's keys to Card.Parse.
//
// Nothing is loaded until a line needs it: the config file and a model are
// read on the first request, never for shell code.
package natural

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/llm/store"
)

// Resolver turns a request into an intent; *intents.Engine is one. Tests
// give a fake.
type Resolver interface {
	Resolve(ctx context.Context, req intents.Request, progress func(intents.Progress)) (intents.Intent, error)
}

// Settings are what the command line says about the engines. Empty fields
// defer to the environment and the config file.
type Settings struct {
	Model    string // --model FILE or NAME
	Source   string // --source auto|rules|model
	Endpoint string // --endpoint URL
	// Getenv reads the environment (LSH_MODEL, HOME, XDG_*); nil means
	// os.Getenv.
	Getenv func(string) string
	// Dir is what a relative --model is relative to; "" is the process's
	// working directory.
	Dir string
	// Builtins are lsh's builtin names, which a model's command may start
	// with.
	Builtins []string
	// Config loads the config file; nil means LoadConfig(Getenv).
	Config func() (*config.Config, config.Paths, error)
}

// LoadConfig returns a function that reads the config file once, on its
// first call: the engine and the guard setting share one read.
func LoadConfig(getenv func(string) string) func() (*config.Config, config.Paths, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	type result struct {
		c   *config.Config
		p   config.Paths
		err error
	}
	load := sync.OnceValue(func() result {
		p, err := config.PathsFromEnv(getenv)
		if err != nil {
			return result{&config.Config{}, p, err}
		}
		c, err := config.Load(p)
		return result{c, p, err}
	})
	return func() (*config.Config, config.Paths, error) {
		r := load()
		return r.c, r.p, r.err
	}
}

// Engine resolves a session's requests with the engine the settings, the
// environment and the config file choose: the rules, a local model or an
// endpoint. It is built on the first request. Safe for concurrent use.
type Engine struct {
	settings Settings

	once     sync.Once
	resolver Resolver
	closer   func() error
	err      error    // the settings cannot work: every request fails with it
	warnings []string // settings that were ignored, said once
	warned   bool
	mu       sync.Mutex
}

// NewEngine returns an engine for the settings. Nothing is read yet.
func NewEngine(s Settings) *Engine {
	if s.Getenv == nil {
		s.Getenv = os.Getenv
	}
	if s.Config == nil {
		s.Config = LoadConfig(s.Getenv)
	}
	return &Engine{settings: s}
}

// EngineWith returns an engine that resolves with r (tests, and front-ends
// that built their own).
func EngineWith(r Resolver) *Engine {
	e := &Engine{resolver: r}
	e.once.Do(func() {})
	return e
}

// CheckSettings reports a --source or --endpoint value that cannot work,
// so the command line can refuse it before anything runs.
func CheckSettings(s Settings) error {
	if s.Source != "" {
		if _, err := intents.ParseMode(s.Source); err != nil {
			return fmt.Errorf("--source %s: use auto, rules or model", s.Source)
		}
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--endpoint %s: not an http(s) URL such as http://127.0.0.1:8080/v1", s.Endpoint)
		}
	}
	return nil
}

// Resolve turns a request into an intent.
func (e *Engine) Resolve(ctx context.Context, req intents.Request, progress func(intents.Progress)) (intents.Intent, error) {
	e.once.Do(e.build)
	if e.err != nil {
		return intents.Intent{}, e.err
	}
	return e.resolver.Resolve(ctx, req, progress)
}

// Prepare loads the configured model and readies its prompt cache, so
// that the first request of an interactive session is a warm one; front-ends
// call it in the background when they start. Without a model it only reads
// the settings. Errors are left for the first request to report.
func (e *Engine) Prepare(ctx context.Context) {
	e.once.Do(e.build)
	if p, ok := e.resolver.(interface{ Prepare(context.Context) error }); ok && e.err == nil {
		p.Prepare(ctx)
	}
}

// Warnings returns, once, what was wrong with settings lsh ignored (a
// config file with an error, LSH_MODEL naming no file): the front-end
// shows them before the first answer.
func (e *Engine) Warnings() []string {
	e.once.Do(e.build)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.warned {
		return nil
	}
	e.warned = true
	return e.warnings
}

// Close releases the model, if one was loaded.
func (e *Engine) Close() error {
	if e.closer != nil {
		return e.closer()
	}
	return nil
}

// build chooses the engine: --model, then LSH_MODEL, then the config's
// model key (llm/store.Discover); --source and --endpoint over the
// config's source and endpoint. An explicit flag that cannot work is an
// error; a broken environment variable or config key is a warning, and the
// rules answer.
func (e *Engine) build() {
	s := e.settings
	cfg, paths, cerr := s.Config()
	if cerr != nil {
		if errors.Is(cerr, config.ErrNoHome) {
			cfg = &config.Config{}
		} else {
			e.warnings = append(e.warnings, cerr.Error())
		}
	}
	if cfg == nil {
		cfg = &config.Config{}
	}
	dir := s.Dir
	if dir == "" {
		dir, _ = os.Getwd()
	}
	choice, err := store.Discover(store.Settings{
		Flag: s.Model, Env: s.Getenv("LSH_MODEL"), Config: cfg.Model, ConfigAt: cfg.Where("model"),
		ModelsDir: paths.ModelsDir, Dir: dir, Home: paths.Home,
	})
	if err != nil {
		var se *store.SettingError
		if s.Model != "" || !errors.As(err, &se) {
			e.err = err
			return
		}
		e.warnings = append(e.warnings, err.Error()+"; answering with the rules alone")
	}
	source := s.Source
	if source == "" {
		source = cfg.Source
	}
	mode, err := intents.ParseMode(source)
	if err != nil {
		if s.Source != "" {
			e.err = err
			return
		}
		e.warnings = append(e.warnings, fmt.Sprintf("%s: source = %q: use auto, rules or model", cfg.Where("source"), cfg.Source))
		mode = intents.ModeAuto
	}
	endpoint := s.Endpoint
	if endpoint == "" {
		endpoint = cfg.Endpoint
	}
	// The KV cache in float16 unless the config says otherwise, as
	// llama.cpp keeps it: half the memory, and a request late in a long
	// session reads half the bytes in attention.
	cacheType := cfg.CacheType
	if cacheType == "" {
		cacheType = config.CacheF16
	}
	// MapOnly: a shell keeps the weights in the file mapping, which every
	// lsh of the machine shares through the page cache; the engine's
	// private huge-page copy (faster generation, a second copy in RAM) is
	// for `model run/bench/serve`, not for each terminal's shell.
	eng, err := intents.NewEngine(intents.EngineOptions{
		ModelPath: choice.Path, Endpoint: endpoint, Mode: mode, Threads: cfg.Threads, MapOnly: true,
		KVCache: cacheType, Context: cfg.Context, CacheDir: paths.CacheDir, Builtins: s.Builtins,
	})
	if err != nil {
		e.err = err
		return
	}
	e.resolver, e.closer = eng, eng.Close
}

package intents

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// The model path's latency, on the model $LSH_BENCH_MODEL names (e.g. a
// `model synth --shape tinyllama-1.1b --type q4_k_m` file; docs/performance.md);
// LSH_BENCH_MAPONLY=1 loads it with EngineOptions.MapOnly, LSH_BENCH_KVCACHE=f16
// with a float16 KV cache.
// Each benchmark stops the generation at its first sampled token and
// reports:
//
//	ms-to-first   from the call to the first token of the intent the model chose
//	evaluated     prompt tokens processed for the request (the opening excluded
//	              when it came from a cache)
//	prompt        the whole prompt, opening included

// benchRequests are two requests of about 20 tokens each, alternated so
// that every warm iteration processes its own request's tokens.
var benchRequests = []string{
	"find all the pdf files in my documents folder that are bigger than ten megabytes please",
	"show me which processes are using the most memory right now and sort them by size",
}

func benchModel(b *testing.B) string {
	path := os.Getenv("LSH_BENCH_MODEL")
	if path == "" {
		b.Skip("set LSH_BENCH_MODEL to a GGUF model")
	}
	return path
}

// firstToken resolves req on e, stopping at the first sampled token.
func firstToken(b *testing.B, e *Engine, req Request) RunStats {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := e.Resolve(ctx, req, func(p Progress) {
		if p.Phase == PhaseGenerating {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		b.Fatalf("want the generation cancelled at its first token, got %v", err)
	}
	return e.LastRun()
}

func benchEngine(b *testing.B, h *Host, path, cache string) *Engine {
	e, err := NewEngine(EngineOptions{ModelPath: path, Mode: ModeModel, Host: h, CacheDir: cache,
		Builtins: []string{"explain", "diagnose", "why", "model"}, MapOnly: os.Getenv("LSH_BENCH_MAPONLY") != "",
		KVCache: os.Getenv("LSH_BENCH_KVCACHE")})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func report(b *testing.B, first time.Duration, evaluated, prompt int) {
	b.ReportMetric(float64(first.Microseconds())/1e3/float64(b.N), "ms-to-first")
	b.ReportMetric(float64(evaluated)/float64(b.N), "evaluated")
	b.ReportMetric(float64(prompt)/float64(b.N), "prompt")
	b.ReportMetric(0, "ns/op")
}

// warmEngine is an engine as every request after the first finds it: the
// model loaded, the weights' copy (if it makes one) switched to, the
// opening in the session; dir is the requests' directory.
func warmEngine(b *testing.B) (*Engine, string) {
	e := benchEngine(b, modelHost(b), benchModel(b), "")
	b.Cleanup(func() { e.Close() })
	dir := b.TempDir()
	firstToken(b, e, Request{Text: benchRequests[1], Dir: dir})
	// Let the engine finish copying the weights into huge pages (it
	// starts after the first forward pass) and switch to them.
	e.model.WaitCopy()
	firstToken(b, e, Request{Text: benchRequests[1], Dir: dir})
	return e, dir
}

// eachWarm runs b.N requests on one warm engine (warmEngine) with
// resolve, alternating benchRequests, and passes add each one's stats.
func eachWarm(b *testing.B, resolve func(*testing.B, *Engine, Request) RunStats, add func(RunStats)) {
	e, dir := warmEngine(b)
	b.ResetTimer()
	for i := range b.N {
		add(resolve(b, e, Request{Text: benchRequests[i%2], Dir: dir}))
	}
}

// BenchmarkIntentWarm: the model loaded (and its weights copied, see
// llm.Options.MapOnly) and the opening's state in the session, as for every
// request after the first.
func BenchmarkIntentWarm(b *testing.B) {
	var first time.Duration
	evaluated, prompt := 0, 0
	eachWarm(b, firstToken, func(st RunStats) {
		first += st.FirstToken
		evaluated += st.Evaluated
		prompt += st.PromptTokens
	})
	report(b, first, evaluated, prompt)
}

// eachCold runs b.N requests, each on a new engine (a new lsh: the model
// not loaded, no prompt cache), with resolve, and passes add its stats
// and the time from the engine's creation to the end of resolve.
func eachCold(b *testing.B, resolve func(*testing.B, *Engine, Request) RunStats, add func(RunStats, time.Duration)) {
	path := benchModel(b)
	h := modelHost(b)
	for i := range b.N {
		e := benchEngine(b, h, path, "")
		start := time.Now()
		st := resolve(b, e, Request{Text: benchRequests[i%2], Dir: b.TempDir()})
		add(st, time.Since(start))
		e.Close()
	}
}

// BenchmarkIntentCold: a new engine, the model not loaded, no prompt
// cache: load, compute the opening, then the request. (The model file is
// in the page cache after the first iteration, as it is for a model used
// daily.)
func BenchmarkIntentCold(b *testing.B) {
	var first, load time.Duration
	evaluated, prompt := 0, 0
	eachCold(b, firstToken, func(st RunStats, elapsed time.Duration) {
		first += elapsed - st.Total + st.FirstToken // loading counted too
		load += elapsed - st.Total
		evaluated += st.Evaluated + st.PrefixTokens
		prompt += st.PromptTokens
	})
	report(b, first, evaluated, prompt)
	// ms-load: mapping the model, its tokenizer, the grammar over its
	// vocabulary, the commands on $PATH: what lsh adds before the model
	// computes anything.
	b.ReportMetric(float64(load.Microseconds())/1e3/float64(b.N), "ms-load")
}

// BenchmarkIntentDiskCache: a new engine (a new lsh), the model not
// loaded, the opening's state on disk from an earlier session.
func BenchmarkIntentDiskCache(b *testing.B) {
	path := benchModel(b)
	cache := b.TempDir()
	h := modelHost(b) // one home: the opening names it
	e := benchEngine(b, h, path, cache)
	firstToken(b, e, Request{Text: benchRequests[0], Dir: cache})
	e.Close()
	var first time.Duration
	evaluated, prompt := 0, 0
	b.ResetTimer()
	for i := range b.N {
		e := benchEngine(b, h, path, cache)
		start := time.Now()
		st := firstToken(b, e, Request{Text: benchRequests[i%2], Dir: b.TempDir()})
		if st.PrefixSource != "disk" {
			b.Fatalf("the opening came from %s, not disk", st.PrefixSource)
		}
		first += time.Since(start) - st.Total + st.FirstToken
		evaluated += st.Evaluated
		prompt += st.PromptTokens
		e.Close()
	}
	report(b, first, evaluated, prompt)
}

// The confirm card: the whole intent, from Enter to the Intent the card
// shows (ms-to-card), and the reply's tokens (generated, of which sampled
// were the model's choice). A model of random weights writes its strings
// to the schema's length bounds, so these are the longest replies the
// grammar allows; a trained model's are a few dozen tokens.

// cardIntent resolves req on e to its intent.
func cardIntent(b *testing.B, e *Engine, req Request) RunStats {
	if _, err := e.Resolve(context.Background(), req, nil); err != nil {
		b.Fatal(err)
	}
	return e.LastRun()
}

func reportCard(b *testing.B, card time.Duration, generated, sampled int) {
	b.ReportMetric(float64(card.Microseconds())/1e3/float64(b.N), "ms-to-card")
	b.ReportMetric(float64(generated)/float64(b.N), "generated")
	b.ReportMetric(float64(sampled)/float64(b.N), "sampled")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkCardWarm: the model loaded and the opening in the session.
func BenchmarkCardWarm(b *testing.B) {
	var card time.Duration
	generated, sampled := 0, 0
	eachWarm(b, cardIntent, func(st RunStats) {
		card += st.Total
		generated += st.Generated
		sampled += st.Sampled
	})
	reportCard(b, card, generated, sampled)
}

// BenchmarkCardCold: a new engine, the model not loaded, no prompt cache.
func BenchmarkCardCold(b *testing.B) {
	var card time.Duration
	generated, sampled := 0, 0
	eachCold(b, cardIntent, func(st RunStats, elapsed time.Duration) {
		card += elapsed // loading counted too
		generated += st.Generated
		sampled += st.Sampled
	})
	reportCard(b, card, generated, sampled)
}

package builtins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/gguf"
)

// modelRun is `model run -m FILE -p PROMPT …`: load a model and stream
// its continuation of the prompt to stdout, with llama-cli's flags and
// defaults. Ctrl-C (the context) stops it within a token.
func modelRun(ctx context.Context, env *Env, args []string) int {
	name := args[0]
	fs := newModelFlags(env, name)
	d := llm.DefaultSampling
	path := fs.String("m", "", "model `FILE` (GGUF)")
	prompt := fs.String("p", "", "the `PROMPT`")
	n := fs.Int("n", -1, "tokens to generate (-1: until end of text or a full context)")
	temp := fs.Float64("temp", float64(d.Temperature), "temperature (0: greedy)")
	seed := fs.Int64("seed", -1, "random seed (-1: a random one)")
	topK := fs.Int("top-k", d.TopK, "keep the K most likely tokens (0: all)")
	topP := fs.Float64("top-p", float64(d.TopP), "keep the tokens making up probability P (1: all)")
	minP := fs.Float64("min-p", float64(d.MinP), "drop tokens less likely than P × the best (0: none)")
	repeat := fs.Float64("repeat-penalty", float64(d.RepeatPenalty), "penalise the last 64 tokens' repetition (1: off)")
	repeatN := fs.Int("repeat-last-n", d.RepeatLastN, "tokens the repeat penalty looks back at")
	ctxSize := fs.Int("ctx", 0, "context size in tokens (0: the model's, at most 4096)")
	ignoreEOS := fs.Bool("ignore-eos", false, "never stop at an end-of-text token")
	verbose := fs.Bool("verbose", false, "report memory and timings on stderr")
	cacheType, checkCache := cacheTypeFlag(fs, "half the memory, faster in long contexts")
	var stops []string
	fs.Func("stop", "stop at this `STRING` (repeatable)", func(s string) error { stops = append(stops, s); return nil })
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if *path == "" || len(rest) > 0 {
		fs.Usage()
		return 2
	}
	if *temp < 0 || *topP < 0 || *minP < 0 || *repeat < 0 || *ctxSize < 0 {
		return env.Errorf(2, name, "--temp, --top-p, --min-p, --repeat-penalty and --ctx must not be negative")
	}
	if err := checkCache(); err != nil {
		return env.Errorf(2, name, "%v", err)
	}
	if *seed < 0 {
		*seed = time.Now().UnixNano() & math.MaxInt64
	}

	start := time.Now()
	m, err := llm.LoadWith(envPath(env, *path), llm.Options{KVCache: *cacheType})
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	defer m.Close()
	ids, err := m.Encode(*prompt)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	s, err := m.NewSession(*ctxSize)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	if len(ids) > s.ContextSize() {
		return env.Errorf(1, name, "the prompt is %d tokens long; the context holds %d (raise --ctx)", len(ids), s.ContextSize())
	}
	loadTime := time.Since(start)

	var last string
	g, err := s.Generate(ctx, ids, llm.GenerateOptions{
		MaxTokens: *n, Stop: stops, IgnoreEOS: *ignoreEOS,
		Sampling: llm.SamplerConfig{Temperature: float32(*temp), TopK: *topK, TopP: float32(*topP), MinP: float32(*minP),
			RepeatPenalty: float32(*repeat), RepeatLastN: *repeatN, Seed: uint64(*seed)},
		OnText: func(text string) error {
			last = text
			_, err := io.WriteString(env.Stdout, text)
			return err
		},
	})
	if last != "" && !strings.HasSuffix(last, "\n") {
		fmt.Fprintln(env.Stdout)
	}
	if *verbose && g != nil {
		report(env, m, s, g, loadTime, *seed)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return env.Errorf(130, name, "interrupted")
		}
		return env.Errorf(1, name, "%v", err)
	}
	return 0
}

// report prints memory and timings on stderr, after llama.cpp's.
func report(env *Env, m *llm.Model, s *llm.Session, g *llm.Generation, load time.Duration, seed int64) {
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	sum := gguf.Summarize(m.File())
	w := env.Stderr
	c := m.Config
	fmt.Fprintf(w, "\nmodel:   %s (%s, %s parameters, %s), seed %d\n", m.Path, c.Arch, paramCount(sum.Parameters), orDash(sum.FileType), seed)
	fmt.Fprintf(w, "memory:  mapped %s (weights, not in the heap); Go heap %s in use, of which session %s (%s KV cache of %d positions) and model %s\n",
		sizeMiB(m.MappedBytes()), sizeMiB(int64(mem.HeapAlloc)), sizeMiB(s.HeapBytes()), m.KVCache(), s.ContextSize(), sizeMiB(m.HeapBytes()))
	rate := func(what string, d time.Duration, n int, unit string) {
		if n == 0 {
			fmt.Fprintf(w, "%-13s = %10.2f ms\n", what, millis(d))
			return
		}
		fmt.Fprintf(w, "%-13s = %10.2f ms / %5d %-6s (%8.2f ms per token, %8.2f tokens per second)\n",
			what, millis(d), n, unit, millis(d)/float64(n), float64(n)/d.Seconds())
	}
	rate("load time", load, 0, "")
	rate("prompt eval", g.PromptTime, g.PromptTokens-g.Reused, "tokens")
	rate("eval time", g.GenTime, len(g.Tokens), "runs")
	fmt.Fprintf(w, "%-13s = %10.2f ms / %5d tokens (stop: %s)\n", "total time", millis(load+g.PromptTime+g.GenTime), g.PromptTokens+len(g.Tokens), g.Stop)
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

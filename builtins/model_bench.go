package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/quant"
)

// modelBench is `model bench -m FILE [-p 512] [-n 128] [-d 0] [-t N] [-r
// 3] [--json]`: llama-bench's measurement, so the two engines can be set
// side by side on the same file by the same script. -p, -n, -d and -t take
// comma lists, as llama-bench's do. A pp test evaluates a prompt of random
// tokens as one Feed (batches of llm.BatchSize); a tg test feeds tokens
// one at a time; both after one warm-up run, each repetition starting from
// a context of -d tokens (evaluated once, untimed; llama-bench's "tg128 @
// d1024"), empty by default. Tokens per second are the mean ± sample
// standard deviation over the repetitions.
//
// It also measures the machine's streaming-read bandwidth around every
// repetition and reports what share of it token generation reached, and
// the time to load the model and evaluate a 32-token prompt (the first
// answer's latency). The bandwidth available on a shared machine moves by
// 2–3× within minutes, so each repetition is compared with a ceiling of
// the same moment: the fastest of the quant.StreamPasses ×
// quant.StreamLoops streaming reads of a 256 MiB buffer right before it
// and as many right after it (the reads between two repetitions serve
// both). A repetition's share is its tokens per second × the weight
// bytes a token reads ÷ its ceiling; the test's share is the mean of its
// repetitions' (the median is printed too). That ceiling is the peak of
// its moment, and single reads move by ±15% from one to the next, so a tg
// test also runs as many generations again with bandwidth samples between
// their tokens (bench.interleave): its share of the bandwidth of the same
// moments.
func modelBench(ctx context.Context, env *Env, args []string) int {
	name := args[0]
	fs := newModelFlags(env, name)
	path := fs.String("m", "", "model `FILE` (GGUF)")
	pList := fs.String("p", "512", "prompt `LENGTHS` to time, comma-separated (0: none)")
	nList := fs.String("n", "128", "generation `LENGTHS` to time, comma-separated (0: none)")
	dList := fs.String("d", "0", "context `DEPTHS`: tokens evaluated before each test starts, comma-separated (0: an empty context)")
	tList := fs.String("t", strconv.Itoa(runtime.GOMAXPROCS(0)), "thread `COUNTS`, comma-separated")
	reps := fs.Int("r", 3, "repetitions of each test")
	asJSON := fs.Bool("json", false, "print llama-bench's JSON (-o json) instead of the table")
	bandwidth := fs.Bool("bandwidth", true, "measure memory bandwidth around every repetition and between the tokens of as many more tg runs, and report tg as a share of it")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile (go tool pprof) of the tests to `FILE`")
	mapOnly := fs.Bool("map-only", false, "read the weights from the file mapping only (no huge-page copy)")
	cacheType, checkCache := cacheTypeFlag(fs, "llama.cpp's default; half the memory and half what attention reads")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	prompts, errP := benchList(*pList, 0)
	gens, errN := benchList(*nList, 0)
	threads, errT := benchList(*tList, 1)
	depths, errD := benchList(*dList, 0)
	if *path == "" || len(rest) > 0 {
		fs.Usage()
		return 2
	}
	for _, e := range []struct {
		flag string
		err  error
	}{{"-p", errP}, {"-n", errN}, {"-d", errD}, {"-t", errT}} {
		if e.err != nil {
			return env.Errorf(2, name, "%s: %v", e.flag, e.err)
		}
	}
	if *reps < 1 {
		return env.Errorf(2, name, "-r: %d repetitions: want at least 1", *reps)
	}
	if err := checkCache(); err != nil {
		return env.Errorf(2, name, "%v", err)
	}
	file := envPath(env, *path)
	if *cpuprofile != "" {
		f, err := os.Create(envPath(env, *cpuprofile))
		if err != nil {
			return env.Errorf(1, name, "%v", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return env.Errorf(1, name, "%v", err)
		}
		defer pprof.StopCPUProfile()
	}

	b := &bench{env: env, file: file, reps: *reps, mapOnly: *mapOnly, cacheType: *cacheType, rng: rand.New(rand.NewPCG(1, 2))}
	var results []*benchResult
	if !*asJSON {
		b.header()
	}
	for _, t := range threads {
		b.ceiling, b.sample = nil, nil
		var meter *quant.StreamMeter
		if *bandwidth {
			// Allocated before the model, kept for all of this thread
			// count's tests: only its passes run between repetitions.
			meter = quant.NewStreamMeter(t, benchStreamBytes)
			b.ceiling = func() float64 { return meter.Measure(quant.StreamPasses) }
			b.sample = func() float64 { return meter.Measure(1) }
			b.pages = "4 KiB pages"
			if meter.HugePages() {
				b.pages = "2 MiB pages"
			}
		}
		rs, err := b.run(ctx, t, prompts, gens, depths)
		if meter != nil {
			meter.Close()
		}
		for _, r := range rs {
			if !*asJSON {
				b.row(r)
			}
			results = append(results, r)
		}
		if err != nil {
			if ctx.Err() != nil {
				return env.Errorf(130, name, "interrupted")
			}
			return env.Errorf(1, name, "%v", err)
		}
	}
	if *asJSON {
		out, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			return env.Errorf(1, name, "%v", err)
		}
		fmt.Fprintf(env.Stdout, "%s\n", out)
		return 0
	}
	b.footer(results)
	return 0
}

// benchList parses a comma-separated list of integers ≥ least.
func benchList(s string, least int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		if v < least {
			return nil, fmt.Errorf("%d: want %d or more", v, least)
		}
		out = append(out, v)
	}
	return out, nil
}

// bench runs the tests of one `model bench`.
type bench struct {
	env       *Env
	file      string
	reps      int
	mapOnly   bool
	cacheType string // the KV cache's: "f32" or "f16"
	rng       *rand.Rand
	// ceiling measures the streaming-read bandwidth now, in bytes per
	// second (the best of several passes); nil when not measured.
	ceiling func() float64
	// sample is one streaming read of each loop, the faster counting:
	// what the machine gives at this moment, for the runs of interleave.
	sample func() float64
	pages  string // the meter's buffer's: "2 MiB pages" or "4 KiB pages"
}

// benchStreamBytes is the buffer the bandwidth ceiling reads, well beyond
// the last-level cache.
const benchStreamBytes = 256 << 20

// benchResult is one test, with llama-bench's JSON field names (and its
// units: sizes in bytes, times in ns), plus lsh's own fields last.
type benchResult struct {
	BuildCommit string    `json:"build_commit"`
	BuildNumber int       `json:"build_number"`
	CPUInfo     string    `json:"cpu_info"`
	GPUInfo     string    `json:"gpu_info"`
	Backends    string    `json:"backends"`
	ModelFile   string    `json:"model_filename"`
	ModelType   string    `json:"model_type"`
	ModelSize   uint64    `json:"model_size"`
	ModelParams uint64    `json:"model_n_params"`
	NBatch      int       `json:"n_batch"`
	NUBatch     int       `json:"n_ubatch"`
	NThreads    int       `json:"n_threads"`
	TypeK       string    `json:"type_k"`
	TypeV       string    `json:"type_v"`
	UseMmap     bool      `json:"use_mmap"`
	NPrompt     int       `json:"n_prompt"`
	NGen        int       `json:"n_gen"`
	NDepth      int       `json:"n_depth"`
	TestTime    string    `json:"test_time"`
	AvgNs       uint64    `json:"avg_ns"`
	StddevNs    uint64    `json:"stddev_ns"`
	AvgTs       float64   `json:"avg_ts"`
	StddevTs    float64   `json:"stddev_ts"`
	SamplesNs   []uint64  `json:"samples_ns"`
	SamplesTs   []float64 `json:"samples_ts"`
	CPULevel    string    `json:"lsh_cpu_level"`           // quant kernels in use
	LoadNs      uint64    `json:"lsh_load_first_token_ns"` // Load + a 32-token prompt
	StreamBytes int64     `json:"lsh_weight_bytes_per_token"`
	CopyBytes   int64     `json:"lsh_weight_copy_bytes"`      // read from the huge-page copy
	HugeBytes   int64     `json:"lsh_file_huge_mapped_bytes"` // of the file mapping, in 2 MiB pages

	// The bandwidth ceiling, when measured (see modelBench): the mean of
	// the repetitions' ceilings, and each repetition's (the fastest of
	// the streaming reads right before and right after it), in the order
	// of samples_ts.
	Bandwidth        float64   `json:"lsh_bandwidth_bytes_per_s,omitempty"`
	SamplesBandwidth []float64 `json:"lsh_samples_bandwidth_bytes_per_s,omitempty"`
	BandwidthPasses  int       `json:"lsh_bandwidth_passes,omitempty"` // streaming reads per ceiling
	BandwidthPages   string    `json:"lsh_bandwidth_pages,omitempty"`  // of the buffer read: "2 MiB pages", "4 KiB pages"

	// tg only: each repetition's share of its ceiling, in percent
	// (100 × samples_ts × lsh_weight_bytes_per_token ÷ its ceiling), and
	// their mean and median.
	SamplesPct         []float64 `json:"lsh_samples_bandwidth_pct,omitempty"`
	BandwidthPct       float64   `json:"lsh_bandwidth_pct,omitempty"`
	BandwidthPctMedian float64   `json:"lsh_bandwidth_pct_median,omitempty"`

	// tg only, when the bandwidth is measured: the runs of interleave,
	// after the timed repetitions. Each run's tokens per second (its
	// Feed calls' time only), its bandwidth (the mean of its samples,
	// bytes over time), and its share (100 × its t/s × weight bytes per
	// token ÷ its bandwidth); the test's share is their mean.
	InterleavedTs        []float64 `json:"lsh_interleaved_samples_ts,omitempty"`
	InterleavedBandwidth []float64 `json:"lsh_interleaved_samples_bandwidth_bytes_per_s,omitempty"`
	InterleavedReads     int       `json:"lsh_interleaved_reads,omitempty"` // bandwidth samples per run
	InterleavedSamplePct []float64 `json:"lsh_interleaved_samples_pct,omitempty"`
	InterleavedPct       float64   `json:"lsh_interleaved_pct,omitempty"`
}

func (r *benchResult) test() string {
	var t string
	switch {
	case r.NPrompt > 0 && r.NGen > 0:
		t = fmt.Sprintf("pp%d+tg%d", r.NPrompt, r.NGen)
	case r.NPrompt > 0:
		t = fmt.Sprintf("pp%d", r.NPrompt)
	default:
		t = fmt.Sprintf("tg%d", r.NGen)
	}
	if r.NDepth > 0 {
		t += fmt.Sprintf(" @ d%d", r.NDepth)
	}
	return t
}

// run loads the model with t threads and runs every test at every depth.
func (b *bench) run(ctx context.Context, t int, prompts, gens, depths []int) ([]*benchResult, error) {
	// Load + first answer, as a person waits for it: the file is mapped,
	// nothing more, before the prompt needs the weights.
	start := time.Now()
	m, err := llm.LoadWith(b.file, llm.Options{Threads: t, MapOnly: b.mapOnly, KVCache: b.cacheType})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	longest := 32
	for _, p := range prompts {
		for _, n := range gens {
			longest = max(longest, p+n+slices.Max(depths))
		}
	}
	s, err := m.NewSession(longest)
	if err != nil {
		return nil, err
	}
	if err := s.Feed(ctx, b.tokens(m, 32)...); err != nil {
		return nil, err
	}
	load := time.Since(start)
	m.WaitCopy() // measure the steady state: the warm-up runs switch to the copy

	sum := gguf.Summarize(m.File())
	base := benchResult{
		BuildCommit: buildCommit(), CPUInfo: cpuModel("/proc/cpuinfo"), Backends: "CPU",
		ModelFile: b.file, ModelType: modelType(m, sum), ModelSize: sum.TensorBytes, ModelParams: sum.Parameters,
		NBatch: llm.BatchSize, NUBatch: llm.BatchSize, NThreads: m.Threads(), TypeK: b.cacheType, TypeV: b.cacheType, UseMmap: true,
		CPULevel: quant.Level(), LoadNs: uint64(load), StreamBytes: m.StreamedBytes(),
	}
	var out []*benchResult
	for _, d := range depths {
		// Every repetition starts from the same d tokens, evaluated once.
		s.Reset()
		if d > 0 {
			if err := s.Feed(ctx, b.tokens(m, d)...); err != nil {
				return out, err
			}
		}
		reset := func() { s.Truncate(d) }
		base.NDepth = d
		rs, err := b.tests(ctx, m, s, base, reset, prompts, gens)
		out = append(out, rs...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// tests runs the pp and tg tests on session s, each repetition from where
// reset leaves it.
func (b *bench) tests(ctx context.Context, m *llm.Model, s *llm.Session, base benchResult, reset func(), prompts, gens []int) ([]*benchResult, error) {
	var out []*benchResult
	for _, p := range prompts {
		if p == 0 {
			continue
		}
		r := base
		r.NPrompt = p
		if err := b.measure(ctx, &r, reset, func() error { return s.Feed(ctx, b.tokens(m, p)...) }); err != nil {
			return out, err
		}
		r.CopyBytes, r.HugeBytes = m.CopyBytes(), m.HugeMappedBytes()
		out = append(out, &r)
	}
	for _, n := range gens {
		if n == 0 {
			continue
		}
		r := base
		r.NGen = n
		generate := func() error { // one token at a time, as generation feeds them
			for _, tok := range b.tokens(m, n) {
				if err := s.Feed(ctx, tok); err != nil {
					return err
				}
			}
			return nil
		}
		if err := b.measure(ctx, &r, reset, generate); err != nil {
			return out, err
		}
		if b.sample != nil {
			feed := func(tok int32) error { return s.Feed(ctx, tok) }
			if err := b.interleave(ctx, &r, reset, b.tokens(m, n), feed); err != nil {
				return out, err
			}
		}
		r.CopyBytes, r.HugeBytes = m.CopyBytes(), m.HugeMappedBytes()
		r.share()
		out = append(out, &r)
	}
	return out, nil
}

// measure runs a warm-up and then b.reps timed runs of work, each after
// reset (which empties the session), and fills r's timings and, when b
// measures it, each repetition's bandwidth ceiling: the best of the
// measurements right before and right after it.
func (b *bench) measure(ctx context.Context, r *benchResult, reset func(), work func() error) error {
	r.TestTime = time.Now().UTC().Format(time.RFC3339)
	reset()
	if err := work(); err != nil {
		return err
	}
	tokens := float64(r.NPrompt + r.NGen)
	var before float64
	if b.ceiling != nil {
		before = b.ceiling()
	}
	for range b.reps {
		reset()
		start := time.Now()
		if err := work(); err != nil {
			return err
		}
		ns := time.Since(start)
		r.SamplesNs = append(r.SamplesNs, uint64(ns))
		r.SamplesTs = append(r.SamplesTs, tokens/ns.Seconds())
		if b.ceiling != nil {
			after := b.ceiling()
			r.SamplesBandwidth = append(r.SamplesBandwidth, max(before, after))
			before = after
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	var ns []float64
	for _, v := range r.SamplesNs {
		ns = append(ns, float64(v))
	}
	avg, sd := meanSD(ns)
	r.AvgNs, r.StddevNs = uint64(avg), uint64(sd)
	r.AvgTs, r.StddevTs = meanSD(r.SamplesTs)
	if len(r.SamplesBandwidth) > 0 {
		r.Bandwidth, _ = meanSD(r.SamplesBandwidth)
		r.BandwidthPasses = 2 * quant.StreamLoops * quant.StreamPasses
		r.BandwidthPages = b.pages
	}
	return nil
}

// interleaveEvery is how many tokens a run of interleave generates
// between two bandwidth samples: 8 of TinyLlama's take ~100 ms, a sample
// (two reads of 256 MiB) ~10.
const interleaveEvery = 8

// interleave compares token generation with the bandwidth of the same
// moments. The ceiling of measure is the fastest of 20 reads around a
// repetition: on a machine whose bandwidth moves from read to read, the
// most the machine gave at any one of those moments, not what it gave
// during the run (here twenty reads in a row ranged over 53–79 GB/s,
// mean ~65), so the share it gives is too low by the spread. A run of
// interleave generates r.NGen tokens and samples the bandwidth (b.sample)
// after every interleaveEvery of them and after the last, timing the
// tokens and the samples apart: both are measured at the same moments, in
// turns. Its share is its tokens' weight bytes per second over its
// samples' mean. b.reps runs, after measure's repetitions.
func (b *bench) interleave(ctx context.Context, r *benchResult, reset func(), tokens []int32, feed func(int32) error) error {
	r.InterleavedTs, r.InterleavedBandwidth, r.InterleavedSamplePct = nil, nil, nil
	for range b.reps {
		reset()
		var tokNs time.Duration
		var reads int
		var readSec float64 // Σ 1/bandwidth: the samples read equal bytes
		for i, tok := range tokens {
			start := time.Now()
			if err := feed(tok); err != nil {
				return err
			}
			tokNs += time.Since(start)
			if (i+1)%interleaveEvery == 0 || i == len(tokens)-1 {
				bw := b.sample()
				if bw <= 0 {
					return fmt.Errorf("bandwidth sample of %v bytes/s", bw)
				}
				reads++
				readSec += 1 / bw
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ts := float64(len(tokens)) / tokNs.Seconds()
		bw := float64(reads) / readSec
		r.InterleavedReads = reads
		r.InterleavedTs = append(r.InterleavedTs, ts)
		r.InterleavedBandwidth = append(r.InterleavedBandwidth, bw)
		r.InterleavedSamplePct = append(r.InterleavedSamplePct, 100*ts*float64(r.StreamBytes)/bw)
	}
	r.InterleavedPct, _ = meanSD(r.InterleavedSamplePct)
	return nil
}

// share fills a tg result's shares of the bandwidth ceiling from its
// samples: each repetition's weight bytes per second over the ceiling
// measured around it, then their mean and median.
func (r *benchResult) share() {
	if len(r.SamplesBandwidth) == 0 || len(r.SamplesBandwidth) != len(r.SamplesTs) || r.StreamBytes <= 0 {
		return
	}
	r.SamplesPct = nil
	for i, ts := range r.SamplesTs {
		if r.SamplesBandwidth[i] <= 0 {
			r.SamplesPct = nil
			return
		}
		r.SamplesPct = append(r.SamplesPct, 100*ts*float64(r.StreamBytes)/r.SamplesBandwidth[i])
	}
	r.BandwidthPct, _ = meanSD(r.SamplesPct)
	r.BandwidthPctMedian = median(r.SamplesPct)
}

// median is the middle value of v (the mean of the middle two for an
// even count); v is not modified.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

// meanSD is the mean and the sample standard deviation (0 for one value),
// as llama-bench computes them.
func meanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	var sq float64
	for _, x := range v {
		sq += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sq / float64(len(v)-1))
}

// tokens returns n random token ids, the first BOS when the model's
// tokenizer adds one (llama-bench's prompts).
func (b *bench) tokens(m *llm.Model, n int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(b.rng.IntN(m.Config.Vocab))
	}
	if tok, err := m.Tokenizer(); err == nil && tok.AddBOS() && n > 0 {
		ids[0] = tok.BOS()
	}
	return ids
}

// modelType is llama-bench's model description: architecture, size and
// file type ("llama 1.1B Q4_K - Medium").
func modelType(m *llm.Model, s gguf.Summary) string {
	size := strings.TrimSuffix(paramCount(s.Parameters), "0B")
	if !strings.HasSuffix(size, "B") && !strings.HasSuffix(size, "M") && !strings.HasSuffix(size, "K") {
		size += "B"
	}
	return strings.Join(strings.Fields(m.Config.Arch+" "+size+" "+s.FileType), " ")
}

func buildCommit() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				return s.Value[:7]
			}
		}
	}
	return "unknown"
}

const benchRow = "| %-30s | %10s | %10s | %-7s | %7s | %13s | %20s |\n"

func (b *bench) header() {
	fmt.Fprintf(b.env.Stdout, benchRow, "model", "size", "params", "backend", "threads", "test", "t/s")
	fmt.Fprintf(b.env.Stdout, "| %s | %s: | %s: | %s | %s: | %s: | %s: |\n", strings.Repeat("-", 30),
		strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 7), strings.Repeat("-", 6),
		strings.Repeat("-", 12), strings.Repeat("-", 19))
}

func (b *bench) row(r *benchResult) {
	fmt.Fprintf(b.env.Stdout, benchRow, r.ModelType, fmt.Sprintf("%.2f MiB", float64(r.ModelSize)/(1<<20)),
		benchParams(r.ModelParams), "CPU", strconv.Itoa(r.NThreads), r.test(),
		fmt.Sprintf("%.2f ± %.2f", r.AvgTs, r.StddevTs))
}

// benchParams formats a parameter count as llama-bench does.
func benchParams(n uint64) string {
	if n < 1e9 {
		return fmt.Sprintf("%.2f M", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f B", float64(n)/1e9)
}

// weightSource says where the test read the weights from, and in which
// pages (llm.Options.MapOnly, gguf.File.HugePages): a model mapped in
// 2 MiB pages copies only its repacked matrices, one in 4 KiB pages all.
func (r *benchResult) weightSource() string {
	mapping := "the file mapping, in 4 KiB pages"
	if r.HugeBytes > 0 {
		mapping = fmt.Sprintf("the file mapping, %.0f MB of it in 2 MiB pages", float64(r.HugeBytes)/1e6)
	}
	switch {
	case r.CopyBytes > 0 && r.HugeBytes > 0:
		return fmt.Sprintf("a copy of the repacked matrices (%.0f MB) and %s", float64(r.CopyBytes)/1e6, mapping)
	case r.CopyBytes > 0:
		return "a huge-page copy"
	}
	return mapping
}

// footer adds what llama-bench does not say: kernels, load latency and
// how close generation came to the memory-bandwidth ceiling.
func (b *bench) footer(results []*benchResult) {
	w := b.env.Stdout
	if len(results) == 0 {
		return
	}
	fmt.Fprintf(w, "\nbuild: %s (lsh), kernels: %s", results[0].BuildCommit, results[0].CPULevel)
	if warn := quant.LevelWarning(); warn != "" {
		fmt.Fprintf(w, " (%s)", warn)
	}
	fmt.Fprintln(w)
	seen := map[int]bool{}
	for _, r := range results {
		if seen[r.NThreads] {
			continue
		}
		seen[r.NThreads] = true
		fmt.Fprintf(w, "threads %d: load + first token of a 32-token prompt %.3f s; weights read from %s; %.0f MB of weights per token\n",
			r.NThreads, float64(r.LoadNs)/1e9, r.weightSource(), float64(r.StreamBytes)/1e6)
	}
	for _, r := range results {
		if len(r.SamplesPct) == 0 {
			continue
		}
		lo, hi := slices.Min(r.SamplesBandwidth), slices.Max(r.SamplesBandwidth)
		fmt.Fprintf(w, "%s at %d threads: %.0f%% of the bandwidth ceiling (mean of %d repetitions: %s%%; median %.0f%%)\n",
			r.test(), r.NThreads, r.BandwidthPct, len(r.SamplesPct), benchFloats(r.SamplesPct, 1, "%.0f"), r.BandwidthPctMedian)
		fmt.Fprintf(w, "  a repetition's share: its t/s × weight bytes per token ÷ its ceiling, the fastest of %d streaming reads of %d MiB (%s)\n"+
			"  right before and right after it: %s GB/s (tg ≤ %.1f–%.1f t/s)\n",
			r.BandwidthPasses, benchStreamBytes>>20, r.BandwidthPages, benchFloats(r.SamplesBandwidth, 1e9, "%.1f"),
			lo/float64(r.StreamBytes), hi/float64(r.StreamBytes))
	}
	for _, r := range results {
		if len(r.InterleavedSamplePct) == 0 {
			continue
		}
		fmt.Fprintf(w, "%s at %d threads: %.0f%% of the bandwidth of the same moments (%d runs: %s%%)\n",
			r.test(), r.NThreads, r.InterleavedPct, len(r.InterleavedSamplePct), benchFloats(r.InterleavedSamplePct, 1, "%.0f"))
		fmt.Fprintf(w, "  a run's share: its t/s × weight bytes per token ÷ the mean of %d streaming reads of %d MiB (%s; the fastest of %d loops)\n"+
			"  taken every %d tokens: %s t/s against %s GB/s\n",
			r.InterleavedReads, benchStreamBytes>>20, r.BandwidthPages, quant.StreamLoops, interleaveEvery,
			benchFloats(r.InterleavedTs, 1, "%.1f"), benchFloats(r.InterleavedBandwidth, 1e9, "%.1f"))
	}
}

// benchFloats formats v ÷ unit, comma-separated.
func benchFloats(v []float64, unit float64, format string) string {
	var s []string
	for _, x := range v {
		s = append(s, fmt.Sprintf(format, x/unit))
	}
	return strings.Join(s, ", ")
}

// cpuModel is the processor's name as the kernel reports it (the first
// "model name" line of /proc/cpuinfo, the CPUID brand string), as
// llama-bench prints it; "" when the file has none (some architectures).
// It is read here rather than through cpuid, whose package detection runs
// at init in every lsh process.
func cpuModel(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

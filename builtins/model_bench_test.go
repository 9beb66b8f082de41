package builtins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The table has llama-bench's columns, one row per test and thread count,
// with plausible rates, and the footer's load latency.
func TestModelBenchTable(t *testing.T) {
	dir := testdataPath(t, "models")
	out, errOut, status := runModel(t, context.Background(), dir,
		"bench", "-m", "tiny-random-q4km.gguf", "-p", "8", "-n", "4", "-r", "2", "-t", "1,2", "--bandwidth=false")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 6 || !strings.HasPrefix(lines[0], "| model") || !strings.HasSuffix(lines[0], " t/s |") {
		t.Fatalf("no llama-bench table:\n%s", out)
	}
	var rows []string
	for _, l := range lines[2:] {
		if strings.HasPrefix(l, "| llama") {
			rows = append(rows, l)
		}
	}
	want := []struct{ threads, test string }{{"1", "pp8"}, {"1", "tg4"}, {"2", "pp8"}, {"2", "tg4"}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(want), out)
	}
	for i, w := range want {
		cells := strings.Split(rows[i], "|")
		if len(cells) != 9 {
			t.Fatalf("row %q has %d cells", rows[i], len(cells))
		}
		if got := strings.TrimSpace(cells[5]); got != w.threads {
			t.Errorf("row %d: threads %q, want %s", i, got, w.threads)
		}
		if got := strings.TrimSpace(cells[6]); got != w.test {
			t.Errorf("row %d: test %q, want %s", i, got, w.test)
		}
		if !strings.Contains(cells[2], "MiB") || !strings.Contains(cells[1], "Q4_K_M") {
			t.Errorf("row %d: model/size cells %q %q", i, cells[1], cells[2])
		}
		var mean, sd float64
		if _, err := fmt.Sscanf(strings.TrimSpace(cells[7]), "%f ± %f", &mean, &sd); err != nil || mean <= 0 || sd < 0 {
			t.Errorf("row %d: t/s cell %q", i, cells[7])
		}
	}
	if !strings.Contains(out, "threads 2: load + first token of a 32-token prompt") {
		t.Errorf("no load latency line:\n%s", out)
	}
}

// --json prints one object per test with llama-bench's field names and
// consistent values.
func TestModelBenchJSON(t *testing.T) {
	dir := testdataPath(t, "models")
	out, errOut, status := runModel(t, context.Background(), dir,
		"bench", "-m", "tiny-random-q4km.gguf", "-p", "8", "-n", "4", "-r", "2", "-t", "2", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var tests []map[string]any
	if err := json.Unmarshal([]byte(out), &tests); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	if len(tests) != 2 {
		t.Fatalf("%d objects, want 2 (pp8, tg4)", len(tests))
	}
	for i, want := range []struct{ prompt, gen float64 }{{8, 0}, {0, 4}} {
		o := tests[i]
		for _, f := range []string{"model_filename", "model_type", "model_size", "model_n_params", "n_prompt", "n_gen",
			"n_threads", "avg_ts", "stddev_ts", "avg_ns", "stddev_ns", "samples_ts", "samples_ns", "test_time", "n_batch"} {
			if _, ok := o[f]; !ok {
				t.Errorf("test %d lacks field %q", i, f)
			}
		}
		if o["n_prompt"] != want.prompt || o["n_gen"] != want.gen || o["n_threads"] != 2.0 {
			t.Errorf("test %d: n_prompt %v n_gen %v n_threads %v", i, o["n_prompt"], o["n_gen"], o["n_threads"])
		}
		if !strings.HasSuffix(o["model_filename"].(string), "tiny-random-q4km.gguf") || o["model_size"].(float64) < 1e6 ||
			o["model_n_params"].(float64) < 1e6 {
			t.Errorf("test %d: model fields %v %v %v", i, o["model_filename"], o["model_size"], o["model_n_params"])
		}
		samples, _ := o["samples_ts"].([]any)
		if len(samples) != 2 {
			t.Fatalf("test %d: %d samples, want 2 (-r 2)", i, len(samples))
		}
		// avg_ts is the mean of the samples, each tokens ÷ its time.
		sum := 0.0
		for j, s := range samples {
			ts := s.(float64)
			ns := o["samples_ns"].([]any)[j].(float64)
			tokens := want.prompt + want.gen
			if d := ts - tokens/(ns/1e9); d > 1e-6*ts || d < -1e-6*ts {
				t.Errorf("test %d: sample %d: %v t/s for %v ns", i, j, ts, ns)
			}
			sum += ts
		}
		if avg := o["avg_ts"].(float64); avg <= 0 || avg-sum/2 > 1e-9*avg || sum/2-avg > 1e-9*avg {
			t.Errorf("test %d: avg_ts %v, samples average %v", i, avg, sum/2)
		}
		// One ceiling per repetition, their mean the test's; a tg
		// repetition's share is its weight bytes per second over its own
		// ceiling, the test's share their mean.
		ceilings := floats(t, o["lsh_samples_bandwidth_bytes_per_s"])
		if len(ceilings) != 2 || slices.Min(ceilings) < 1e8 {
			t.Fatalf("test %d: ceilings %v, want 2 of at least 0.1 GB/s", i, ceilings)
		}
		if bw, _ := o["lsh_bandwidth_bytes_per_s"].(float64); !near(bw, (ceilings[0]+ceilings[1])/2) {
			t.Errorf("test %d: bandwidth %v, the mean of %v", i, bw, ceilings)
		}
		if hb, ok := o["lsh_file_huge_mapped_bytes"].(float64); !ok || hb < 0 {
			t.Errorf("test %d: lsh_file_huge_mapped_bytes = %v", i, o["lsh_file_huge_mapped_bytes"])
		}
		// The buffer is in the weights' pages where the kernel gives
		// huge pages (transparent huge pages not "never").
		wantPages := "4 KiB pages"
		if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err == nil && !strings.Contains(string(mode), "[never]") {
			wantPages = "2 MiB pages"
		}
		if o["lsh_bandwidth_pages"] != wantPages {
			t.Errorf("test %d: the ceiling read %v, want %s", i, o["lsh_bandwidth_pages"], wantPages)
		}
		if o["lsh_bandwidth_passes"] != 40.0 {
			t.Errorf("test %d: %v passes per ceiling, want 40 (5 of each of 4 reading loops, before and after)", i, o["lsh_bandwidth_passes"])
		}
		pcts := floats(t, o["lsh_samples_bandwidth_pct"])
		if want.gen == 0 {
			if pcts != nil || o["lsh_bandwidth_pct"] != nil || o["lsh_interleaved_pct"] != nil {
				t.Errorf("pp test has a bandwidth share: %v %v %v", pcts, o["lsh_bandwidth_pct"], o["lsh_interleaved_pct"])
			}
			continue
		}
		bytes := o["lsh_weight_bytes_per_token"].(float64)
		if len(pcts) != 2 {
			t.Fatalf("tg test: shares %v, want 2", pcts)
		}
		for j, ts := range floats(t, o["samples_ts"]) {
			if w := 100 * ts * bytes / ceilings[j]; !near(pcts[j], w) {
				t.Errorf("tg test: repetition %d: share %v%%, want %v (%v t/s × %v B ÷ %v B/s)", j, pcts[j], w, ts, bytes, ceilings[j])
			}
		}
		if pct, _ := o["lsh_bandwidth_pct"].(float64); !near(pct, (pcts[0]+pcts[1])/2) {
			t.Errorf("tg test: share %v, the mean of %v", pct, pcts)
		}
		// The interleaved runs: one per repetition, each with its
		// tokens per second, its bandwidth and its share.
		its, ibw, ipct := floats(t, o["lsh_interleaved_samples_ts"]), floats(t, o["lsh_interleaved_samples_bandwidth_bytes_per_s"]),
			floats(t, o["lsh_interleaved_samples_pct"])
		if len(its) != 2 || len(ibw) != 2 || len(ipct) != 2 || o["lsh_interleaved_reads"] != 1.0 {
			t.Fatalf("tg test: interleaved runs %v t/s, %v B/s, %v%%, %v reads each; want 2 runs of 1 read (4 tokens)",
				its, ibw, ipct, o["lsh_interleaved_reads"])
		}
		for j := range its {
			if w := 100 * its[j] * bytes / ibw[j]; its[j] <= 0 || !near(ipct[j], w) {
				t.Errorf("tg test: interleaved run %d: share %v%%, want %v (%v t/s × %v B ÷ %v B/s)", j, ipct[j], w, its[j], bytes, ibw[j])
			}
		}
		if pct, _ := o["lsh_interleaved_pct"].(float64); !near(pct, (ipct[0]+ipct[1])/2) {
			t.Errorf("tg test: interleaved share %v, the mean of %v", pct, ipct)
		}
		if m, _ := o["lsh_bandwidth_pct_median"].(float64); !near(m, (pcts[0]+pcts[1])/2) {
			t.Errorf("tg test: median share %v of %v", m, pcts)
		}
	}
}

// -d runs every test again from a context of that many tokens, named as
// llama-bench names them ("tg2 @ d16") and with its n_depth.
func TestModelBenchDepth(t *testing.T) {
	dir := testdataPath(t, "models")
	args := []string{"bench", "-m", "tiny-random-q4km.gguf", "-p", "4", "-n", "2", "-d", "0,16", "-r", "1", "-t", "1", "--bandwidth=false"}
	out, errOut, status := runModel(t, context.Background(), dir, append(args, "--json")...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var tests []map[string]any
	if err := json.Unmarshal([]byte(out), &tests); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	want := []struct{ prompt, gen, depth float64 }{{4, 0, 0}, {0, 2, 0}, {4, 0, 16}, {0, 2, 16}}
	if len(tests) != len(want) {
		t.Fatalf("%d objects, want %d", len(tests), len(want))
	}
	for i, w := range want {
		o := tests[i]
		if o["n_prompt"] != w.prompt || o["n_gen"] != w.gen || o["n_depth"] != w.depth {
			t.Errorf("test %d: n_prompt %v n_gen %v n_depth %v, want %v", i, o["n_prompt"], o["n_gen"], o["n_depth"], w)
		}
		if ts, _ := o["avg_ts"].(float64); ts <= 0 {
			t.Errorf("test %d: avg_ts %v", i, o["avg_ts"])
		}
	}
	for i, o := range tests {
		if o["type_k"] != "f32" || o["type_v"] != "f32" {
			t.Errorf("test %d: cache types %v, %v; want f32 by default", i, o["type_k"], o["type_v"])
		}
	}
	out, errOut, status = runModel(t, context.Background(), dir, args...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, test := range []string{"| pp4 |", "| tg2 |", "| pp4 @ d16 |", "| tg2 @ d16 |"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), test) {
			t.Errorf("no %s row:\n%s", test, out)
		}
	}
}

// --cache-type f16 runs with a float16 KV cache and says so in
// llama-bench's type_k and type_v.
func TestModelBenchCacheType(t *testing.T) {
	dir := testdataPath(t, "models")
	out, errOut, status := runModel(t, context.Background(), dir,
		"bench", "-m", "tiny-random-q4km.gguf", "-p", "4", "-n", "2", "-d", "8", "-r", "1", "-t", "1", "--bandwidth=false", "--cache-type", "f16", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var tests []map[string]any
	if err := json.Unmarshal([]byte(out), &tests); err != nil || len(tests) != 2 {
		t.Fatalf("want 2 JSON objects: %v\n%s", err, out)
	}
	for i, o := range tests {
		if o["type_k"] != "f16" || o["type_v"] != "f16" {
			t.Errorf("test %d: cache types %v, %v; want f16", i, o["type_k"], o["type_v"])
		}
	}
}

// The footer says where the weights were read from and in which pages.
func TestBenchWeightSource(t *testing.T) {
	for _, c := range []struct {
		copied, huge int64
		want         string
	}{
		{0, 0, "the file mapping, in 4 KiB pages"},
		{0, 629_145_600, "the file mapping, 629 MB of it in 2 MiB pages"},
		{660_000_000, 0, "a huge-page copy"},
		{482_000_000, 629_145_600, "a copy of the repacked matrices (482 MB) and the file mapping, 629 MB of it in 2 MiB pages"},
	} {
		r := benchResult{CopyBytes: c.copied, HugeBytes: c.huge, StreamBytes: 630_000_000}
		if got := r.weightSource(); got != c.want {
			t.Errorf("copy %d, 2 MiB pages %d: %q, want %q", c.copied, c.huge, got, c.want)
		}
	}
}

// floats is a JSON array of numbers (nil for a missing field).
func floats(t *testing.T, v any) []float64 {
	t.Helper()
	if v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("%v is not an array", v)
	}
	var out []float64
	for _, x := range a {
		out = append(out, x.(float64))
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }

// The text output says what the tg share compares: one line per tg test
// with its share and each repetition's, then the ceilings.
func TestModelBenchBandwidthFooter(t *testing.T) {
	dir := testdataPath(t, "models")
	out, errOut, status := runModel(t, context.Background(), dir,
		"bench", "-m", "tiny-random-q4km.gguf", "-p", "0", "-n", "4", "-r", "3", "-t", "1")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	re := regexp.MustCompile(`(?m)^tg4 at 1 threads: (\d+)% of the bandwidth ceiling \(mean of 3 repetitions: (\d+), (\d+), (\d+)%; median (\d+)%\)\n` +
		`  a repetition's share: its t/s × weight bytes per token ÷ its ceiling, the fastest of 40 streaming reads of 256 MiB \((?:2 MiB|4 KiB) pages\)\n` +
		`  right before and right after it: [\d.]+, [\d.]+, [\d.]+ GB/s \(tg ≤ [\d.]+–[\d.]+ t/s\)\n` +
		`tg4 at 1 threads: (\d+)% of the bandwidth of the same moments \(3 runs: (\d+), (\d+), (\d+)%\)\n` +
		`  a run's share: its t/s × weight bytes per token ÷ the mean of 1 streaming reads of 256 MiB \((?:2 MiB|4 KiB) pages; the fastest of 4 loops\)\n` +
		`  taken every 8 tokens: [\d.]+, [\d.]+, [\d.]+ t/s against [\d.]+, [\d.]+, [\d.]+ GB/s$`)
	m := re.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no bandwidth lines:\n%s", out)
	}
	var v []float64
	for _, s := range m[1:] {
		x, _ := strconv.ParseFloat(s, 64)
		v = append(v, x)
	}
	reps := slices.Sorted(slices.Values(v[1:4]))
	if mean := (v[1] + v[2] + v[3]) / 3; math.Abs(v[0]-mean) > 1 || v[4] != reps[1] {
		t.Errorf("share %v%%, median %v%% of %v", v[0], v[4], v[1:4])
	}
	if mean := (v[6] + v[7] + v[8]) / 3; math.Abs(v[5]-mean) > 1 {
		t.Errorf("interleaved share %v%% of %v", v[5], v[6:9])
	}
}

// An interleaved run samples the bandwidth after every interleaveEvery
// tokens and after the last, times the tokens without the samples, and
// compares them with the samples' mean (bytes over time: all samples read
// as much).
func TestBenchInterleave(t *testing.T) {
	samples := []float64{40e9, 60e9, 120e9, 10e9, 10e9, 10e9}
	b := &bench{reps: 2, sample: func() float64 {
		time.Sleep(5 * time.Millisecond) // a read: not the tokens' time
		v := samples[0]
		samples = samples[1:]
		return v
	}}
	var resets, fed int
	r := &benchResult{NGen: 20, StreamBytes: 1e9}
	tokens := make([]int32, 20)
	err := b.interleave(context.Background(), r, func() { resets++ }, tokens, func(int32) error { fed++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if resets != 2 || fed != 40 || len(samples) != 0 || r.InterleavedReads != 3 {
		t.Errorf("%d resets, %d tokens, %d samples left, %d reads a run; want 2, 40, 0, 3 (after tokens 8, 16, 20)",
			resets, fed, len(samples), r.InterleavedReads)
	}
	if want := []float64{60e9, 10e9}; len(r.InterleavedBandwidth) != 2 ||
		!near(r.InterleavedBandwidth[0], want[0]) || !near(r.InterleavedBandwidth[1], want[1]) {
		t.Errorf("bandwidths %v, want %v (3 ÷ Σ 1/sample)", r.InterleavedBandwidth, want)
	}
	for j, ts := range r.InterleavedTs {
		// 20 tokens fed in well under the 15 ms the samples took.
		if ts < 20/0.015 {
			t.Errorf("run %d: %v t/s: the samples' time was counted as the tokens'", j, ts)
		}
		if w := 100 * ts * 1e9 / r.InterleavedBandwidth[j]; !near(r.InterleavedSamplePct[j], w) {
			t.Errorf("run %d: share %v, want %v", j, r.InterleavedSamplePct[j], w)
		}
	}
	if !near(r.InterleavedPct, (r.InterleavedSamplePct[0]+r.InterleavedSamplePct[1])/2) {
		t.Errorf("share %v, the mean of %v", r.InterleavedPct, r.InterleavedSamplePct)
	}

	// A failing token or a broken sample stops the runs with an error.
	errFeed := errors.New("feed failed")
	if err := b.interleave(context.Background(), r, func() {}, tokens, func(int32) error { return errFeed }); !errors.Is(err, errFeed) {
		t.Errorf("feed error: got %v", err)
	}
	b.sample = func() float64 { return 0 }
	if err := b.interleave(context.Background(), r, func() {}, tokens, func(int32) error { return nil }); err == nil {
		t.Error("a sample of 0 B/s: no error")
	}
}

// Each repetition's ceiling is the best of the measurements right before
// and right after it, and the shares are computed from those.
func TestBenchCeilingAndShare(t *testing.T) {
	measured := []float64{10e9, 30e9, 20e9, 40e9} // before rep 1, between, after rep 3
	b := &bench{reps: 3, ceiling: func() float64 {
		v := measured[0]
		measured = measured[1:]
		return v
	}}
	var resets, runs int
	r := &benchResult{NGen: 8}
	err := b.measure(context.Background(), r, func() { resets++ }, func() error { runs++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if resets != 4 || runs != 4 || len(measured) != 0 {
		t.Errorf("%d resets, %d runs, %d measurements left; want 4, 4 (warm-up + 3), 0", resets, runs, len(measured))
	}
	if want := []float64{30e9, 30e9, 40e9}; !slices.Equal(r.SamplesBandwidth, want) {
		t.Errorf("ceilings %v, want %v", r.SamplesBandwidth, want)
	}
	if !near(r.Bandwidth, 100e9/3) || r.BandwidthPasses != 40 {
		t.Errorf("bandwidth %v over %d passes, want %v over 40 (5 of each of 4 loops, before and after)", r.Bandwidth, r.BandwidthPasses, 100e9/3)
	}

	tests := []struct {
		name         string
		ts, ceilings []float64
		pcts         []float64
		mean, median float64
	}{
		{"three", []float64{60, 50, 70}, []float64{30e9, 30e9, 40e9}, []float64{100, 250.0 / 3, 87.5}, (100 + 250.0/3 + 87.5) / 3, 87.5},
		{"two", []float64{60, 80}, []float64{60e9, 50e9}, []float64{50, 80}, 65, 65},
		{"one", []float64{40}, []float64{25e9}, []float64{80}, 80, 80},
		{"not measured", []float64{40}, nil, nil, 0, 0},
		{"a zero ceiling", []float64{40, 40}, []float64{25e9, 0}, nil, 0, 0},
	}
	for _, tc := range tests {
		r := &benchResult{StreamBytes: 500e6, SamplesTs: tc.ts, SamplesBandwidth: tc.ceilings}
		r.share()
		if len(r.SamplesPct) != len(tc.pcts) {
			t.Errorf("%s: shares %v, want %v", tc.name, r.SamplesPct, tc.pcts)
			continue
		}
		for i := range tc.pcts {
			if !near(r.SamplesPct[i], tc.pcts[i]) {
				t.Errorf("%s: shares %v, want %v", tc.name, r.SamplesPct, tc.pcts)
			}
		}
		if !near(r.BandwidthPct, tc.mean) || !near(r.BandwidthPctMedian, tc.median) {
			t.Errorf("%s: mean %v median %v, want %v %v", tc.name, r.BandwidthPct, r.BandwidthPctMedian, tc.mean, tc.median)
		}
	}
}

func TestModelBenchUsage(t *testing.T) {
	dir := testdataPath(t, "models")
	cases := []struct {
		args   []string
		stderr string
	}{
		{[]string{"bench"}, "usage: model bench -m FILE"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "extra"}, "usage: model bench"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-p", "x"}, `-p: "x" is not a number`},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-n", "4,-1"}, "-n: -1: want 0 or more"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-t", "0"}, "-t: 0: want 1 or more"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-d", "deep"}, `-d: "deep" is not a number`},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "--cache-type", "q8_0"}, `--cache-type "q8_0": want f32 or f16`},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-r", "0"}, "-r: 0 repetitions"},
		{[]string{"bench", "-m", "tiny-random-q4km.gguf", "-r", "many"}, "invalid value"},
	}
	for _, c := range cases {
		_, errOut, status := runModel(t, context.Background(), dir, c.args...)
		if status != 2 || !strings.Contains(errOut, c.stderr) {
			t.Errorf("model %q: status %d, stderr %q; want 2 and %q", c.args, status, errOut, c.stderr)
		}
	}
	_, errOut, status := runModel(t, context.Background(), dir, "bench", "-m", "missing.gguf", "--bandwidth=false")
	if status != 1 || !strings.Contains(errOut, "missing.gguf") {
		t.Errorf("missing file: status %d, stderr %q", status, errOut)
	}
}

func TestCPUModel(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, text, want string }{
		{"x86", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9554 64-Core Processor\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 9554 64-Core Processor\n",
			"AMD EPYC 9554 64-Core Processor"},
		{"no model name (some arm64 kernels)", "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		path := filepath.Join(dir, "cpuinfo")
		if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := cpuModel(path); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := cpuModel(filepath.Join(dir, "missing")); got != "" {
		t.Errorf("missing file: %q, want empty", got)
	}
}

package builtins

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		if o["lsh_bandwidth_bytes_per_s"] == nil || o["lsh_bandwidth_bytes_per_s"].(float64) < 1e8 {
			t.Errorf("test %d: bandwidth %v", i, o["lsh_bandwidth_bytes_per_s"])
		}
		if want.gen > 0 && (o["lsh_bandwidth_pct"] == nil || o["lsh_bandwidth_pct"].(float64) <= 0) {
			t.Errorf("tg test: bandwidth share %v", o["lsh_bandwidth_pct"])
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

package builtins

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/gguf"
)

const modelTestdata = "../testdata/"

// runModel runs the `model` builtin with args in dir and returns its
// output and status.
func runModel(t *testing.T, ctx context.Context, dir string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errOut bytes.Buffer
	fn, ok := Lookup("model")
	if !ok {
		t.Fatal("model is not registered")
	}
	env := &Env{Stdout: &out, Stderr: &errOut, Dir: dir, Getenv: func(string) string { return "" }}
	status = fn(ctx, env, append([]string{"model"}, args...))
	return out.String(), errOut.String(), status
}

func testdataPath(t *testing.T, rel string) string {
	p, err := filepath.Abs(modelTestdata + rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestModelUsage(t *testing.T) {
	bg := context.Background()
	cases := []struct {
		args   []string
		status int
		stdout string // substring
		stderr string // substring
	}{
		{nil, 2, "", "usage: model SUBCOMMAND"},
		{[]string{"bogus"}, 2, "", `unknown subcommand "bogus"`},
		{[]string{"help"}, 0, "synth", ""},
		{[]string{"help", "run"}, 0, "usage: model run -m FILE -p PROMPT", ""},
		{[]string{"help", "nope"}, 2, "", `unknown subcommand "nope"`},
		{[]string{"info"}, 2, "", "usage: model info FILE"},
		{[]string{"info", "a", "b"}, 2, "", "usage: model info FILE"},
		{[]string{"info", "--bogus", "x"}, 2, "", "flag provided but not defined: -bogus"},
		{[]string{"run", "-p", "hi"}, 2, "", "usage: model run"},
		{[]string{"run", "-m", "x", "--temp", "-1"}, 2, "", "must not be negative"},
		{[]string{"run", "-m", "x", "--temp", "warm"}, 2, "", "invalid value"},
		{[]string{"synth", "--shape", "tinyllama-1.1b", "-o", "x"}, 2, "", "usage: model synth"},
		{[]string{"synth", "--shape", "gpt-5", "--vocab", "v", "-o", "x"}, 2, "", `unknown shape "gpt-5"`},
		{[]string{"synth", "--shape", "tinyllama-1.1b", "--type", "q3_k", "--vocab", "v", "-o", "x"}, 2, "", `unknown type "q3_k"`},
	}
	for _, c := range cases {
		out, errOut, status := runModel(t, bg, t.TempDir(), c.args...)
		if status != c.status || !strings.Contains(out, c.stdout) || !strings.Contains(errOut, c.stderr) {
			t.Errorf("model %q: status %d, stdout %q, stderr %q; want %d, %q, %q", c.args, status, out, errOut, c.status, c.stdout, c.stderr)
		}
	}
}

func TestModelInfo(t *testing.T) {
	bg := context.Background()
	// Relative paths are relative to the shell's directory.
	out, errOut, status := runModel(t, bg, testdataPath(t, "models"), "info", "tiny-random-q4km.gguf")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"architecture    llama", "Q4_K_M", "context length  512", "512 tokens (llama)",
		"2 layers, width 256, 8 heads (2 KV)", "Q4_K       13", "Q6_K        3", "F32        5", "1.8M"} {
		if !strings.Contains(out, want) {
			t.Errorf("model info lacks %q:\n%s", want, out)
		}
	}
	out, _, status = runModel(t, bg, "", "info", "--json", testdataPath(t, "models/stories260K.gguf"))
	var s gguf.Summary
	if status != 0 || json.Unmarshal([]byte(out), &s) != nil {
		t.Fatalf("status %d, JSON %q", status, out)
	}
	if s.Architecture != "llama" || s.VocabSize != 512 || s.Parameters != 292800 || s.Layers != 5 || len(s.QuantMix) != 1 {
		t.Errorf("summary %+v", s)
	}
	_, errOut, status = runModel(t, bg, "", "info", testdataPath(t, "models/absent.gguf"))
	if status != 1 || !strings.Contains(errOut, "model info: ") || !strings.Contains(errOut, "absent.gguf") {
		t.Errorf("missing file: status %d, %q", status, errOut)
	}
}

func TestModelRun(t *testing.T) {
	bg := context.Background()
	stories := testdataPath(t, "models/stories260K.gguf")
	// Greedy: llama.cpp's continuation (testdata/traces), streamed, with a
	// final newline.
	out, errOut, status := runModel(t, bg, "", "run", "-m", stories, "-p", "Once upon a time", "-n", "16", "--temp", "0")
	want := ", there was a little girl named Lily. She loved to play\n"
	if status != 0 || out != want {
		t.Fatalf("status %d, stdout %q, stderr %q; want %q", status, out, errOut, want)
	}
	// --stop ends the text before the stop string; --verbose reports.
	out, errOut, status = runModel(t, bg, "", "run", "-m", stories, "-p", "Once upon a time", "--temp", "0", "--stop", "girl", "--verbose")
	if status != 0 || out != ", there was a little \n" {
		t.Fatalf("stop: status %d, stdout %q", status, out)
	}
	for _, w := range []string{"mapped 1.1 MiB", "Go heap", "KV cache of 2048 positions", "load time", "prompt eval",
		"tokens per second", "stop: stop-string"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("--verbose lacks %q:\n%s", w, errOut)
		}
	}
	// A float16 KV cache: llama.cpp's continuation still, in half the
	// session's memory.
	session := regexp.MustCompile(`session ([0-9.]+) MiB \((f16|f32) KV cache of 2048 positions\)`)
	var mib [2]float64
	for i, kv := range []string{"f32", "f16"} {
		out, errOut, status = runModel(t, bg, "", "run", "-m", stories, "-p", "Once upon a time", "-n", "16", "--temp", "0", "--cache-type", kv, "--verbose")
		m := session.FindStringSubmatch(errOut)
		if status != 0 || out != want || m == nil || m[2] != kv {
			t.Fatalf("--cache-type %s: status %d, stdout %q, stderr %q", kv, status, out, errOut)
		}
		mib[i], _ = strconv.ParseFloat(m[1], 64)
	}
	if mib[1] > 0.55*mib[0] {
		t.Errorf("the float16 session takes %.1f MiB, the float32 one %.1f", mib[1], mib[0])
	}
	// Sampling is reproducible by seed.
	a, _, _ := runModel(t, bg, "", "run", "-m", stories, "-p", "The dog", "-n", "24", "--seed", "5", "--temp", "1.2")
	b, _, _ := runModel(t, bg, "", "run", "-m", stories, "-p", "The dog", "-n", "24", "--seed", "5", "--temp", "1.2")
	c, _, _ := runModel(t, bg, "", "run", "-m", stories, "-p", "The dog", "-n", "24", "--seed", "6", "--temp", "1.2")
	if a != b || a == c || a == "" {
		t.Errorf("seeds: %q / %q / %q", a, b, c)
	}
}

func TestModelRunErrors(t *testing.T) {
	bg := context.Background()
	stories := testdataPath(t, "models/stories260K.gguf")
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	cases := []struct {
		ctx    context.Context
		args   []string
		status int
		stderr string
	}{
		{bg, []string{"run", "-m", testdataPath(t, "vocab/README.md"), "-p", "x"}, 1, "not a GGUF file"},
		{bg, []string{"run", "-m", testdataPath(t, "vocab/ggml-vocab-llama-spm.gguf"), "-p", "x"}, 1, `missing tensor "token_embd.weight"`},
		{bg, []string{"run", "-m", stories, "-p", "Once upon a time there was a dog", "--ctx", "4"}, 1, "the context holds 4"},
		{bg, []string{"run", "-m", stories, "-p", "x", "--cache-type", "q4_0"}, 2, `--cache-type "q4_0": want f32 or f16`},
		{cancelled, []string{"run", "-m", stories, "-p", "Once upon a time"}, 130, "interrupted"},
	}
	for _, c := range cases {
		_, errOut, status := runModel(t, c.ctx, "", c.args...)
		if status != c.status || !strings.Contains(errOut, c.stderr) || !strings.HasPrefix(errOut, "model run: ") {
			t.Errorf("model %q: status %d, stderr %q; want %d, %q", c.args, status, errOut, c.status, c.stderr)
		}
	}
}

// model synth writes a file that lsh's engine loads and runs, and says on
// stderr how far it is (plain lines when stderr is not a terminal).
func TestModelSynth(t *testing.T) {
	dir := t.TempDir()
	_, errOut, status := runModel(t, context.Background(), dir, "synth", "--shape", "smollm2-135m", "--type", "q4_k_m",
		"--layers", "2", "--vocab", testdataPath(t, "vocab/ggml-vocab-llama-bpe.gguf"), "-o", "smol.gguf", "--seed", "3")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, w := range []string{"synth smollm2-135m:   0%", "synth smollm2-135m: 100%", "wrote smol.gguf", "Q5_0", "Q8_0", "Q6_K", "Q4_K"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("stderr lacks %q:\n%s", w, errOut)
		}
	}
	if strings.Contains(errOut, "\r") {
		t.Error("progress redrawn in place on a non-terminal")
	}
	m, err := llm.Load(filepath.Join(dir, "smol.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Config.Embed != 576 || m.Config.Vocab != 49152 || m.Config.Layers != 2 {
		t.Fatalf("config %+v", m.Config)
	}
	out, errOut, status := runModel(t, context.Background(), dir, "run", "-m", "smol.gguf", "-p", "ls -la", "-n", "4", "--ignore-eos")
	if status != 0 || out == "" {
		t.Fatalf("running the synth model: status %d, %q, %q", status, out, errOut)
	}
	// A vocabulary of the wrong family is refused before anything is written.
	_, errOut, status = runModel(t, context.Background(), dir, "synth", "--shape", "tinyllama-1.1b", "--type", "q8_0",
		"--vocab", testdataPath(t, "vocab/ggml-vocab-qwen2.gguf"), "-o", "tiny.gguf")
	if status != 1 || !strings.Contains(errOut, "ggml-vocab-llama-spm.gguf") {
		t.Fatalf("wrong vocabulary: status %d, %q", status, errOut)
	}
}

// On a terminal the progress line is redrawn in place, at most every
// 100 ms and always at 100%; elsewhere one plain line per 10%.
func TestSynthProgressLines(t *testing.T) {
	var tty bytes.Buffer
	p := &lineProgress{w: &tty, label: "synth x", tty: true, decile: -1}
	for done := int64(0); done <= 1000; done += 10 {
		p.update(done, 1000, "blk.0.ffn_up.weight")
	}
	p.finish()
	got := tty.String()
	if n := strings.Count(got, "\r"); n < 2 || n > 10 || !strings.HasSuffix(got, "100%  1.0 KiB / 1.0 KiB  blk.0.ffn_up.weight\n") {
		t.Errorf("terminal progress (%d redraws): %q", n, got)
	}
	var plain bytes.Buffer
	p = &lineProgress{w: &plain, label: "synth x", decile: -1}
	for done := int64(0); done <= 1000; done += 10 {
		p.update(done, 1000, "t")
	}
	p.finish()
	if lines := strings.Split(strings.TrimSuffix(plain.String(), "\n"), "\n"); len(lines) != 11 || strings.Contains(plain.String(), "\r") {
		t.Errorf("plain progress: %q", plain.String())
	}
}

package intents

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/chat"
	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/synth"
)

// stories260K knows nothing of JSON or shells: what it writes is the
// grammar's doing. The synthetic models have random weights in a
// TinyLlama-like and a Qwen2-like layout, with those models' vocabularies
// (SentencePiece, 32000 tokens; byte-level BPE, 151936) and so their chat
// templates.
const storiesModel = "../testdata/models/stories260K.gguf"

// testCommands are the programs of the fake host: what a model's command
// may begin with in these tests.
var testCommands = []string{"ls", "cat", "du", "df", "find", "grep", "head", "sort", "wc", "cd", "echo", "tar", "rm", "sudo"}

// modelHost is a fake host: nothing is probed.
func modelHost(t testing.TB) *Host {
	return &Host{OS: "linux", Arch: "amd64", DistroName: "Debian GNU/Linux 12 (bookworm)", Kernel: "6.1.0", User: "ann",
		Home: t.TempDir(), Shell: "/bin/bash", Userland: GNU, Procs: func() []string { return nil },
		LookPath: func(name string) (string, error) {
			if slices.Contains(testCommands, name) {
				return "/usr/bin/" + name, nil
			}
			return "", errors.New("not found")
		}}
}

// testRequests are varied requests, as a person types them after "?".
var testRequests = []string{
	"show the biggest files in my downloads",
	"what is using port 8080",
	"how do I undo my last git commit",
	"purple elephants dance at noon",
	"explain tar -xzf backup.tgz",
	"why did that fail",
	"my computer is slow",
	"delete every log file older than a week",
}

// synthSpec is a tiny model of a real family's layout and vocabulary.
type synthSpec struct {
	name, vocab, arch string
	vocabSize         int
}

var (
	synthTiny = synthSpec{"TinyLlama test", "ggml-vocab-llama-spm.gguf", "llama", 32000}
	synthQwen = synthSpec{"Qwen2.5 test", "ggml-vocab-qwen2.gguf", "qwen2", 151936}
)

// writeSynth writes a tiny random model of spec to path.
func writeSynth(t testing.TB, path string, spec synthSpec, seed uint64) {
	t.Helper()
	v, err := gguf.Open("../testdata/vocab/" + spec.vocab)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ft, _ := synth.FileTypeByName("f16")
	shape := synth.Shape{Name: "test", Title: spec.name, Arch: spec.arch, Embed: 64, Layers: 2, Heads: 4, HeadsKV: 2, FFN: 128,
		Vocab: spec.vocabSize, Context: 2048, RopeBase: 10000, RMSEps: 1e-5, Tied: spec.arch == "qwen2", VocabModel: "llama"}
	if spec.arch == "qwen2" {
		shape.VocabModel = "gpt2"
	}
	if err := synth.Write(context.Background(), path, synth.Options{Shape: shape, Type: ft, Vocab: v, Seed: seed}); err != nil {
		t.Fatal(err)
	}
}

// synthModel writes a tiny model of spec for one test.
func synthModel(t testing.TB, spec synthSpec) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "model.gguf")
	writeSynth(t, p, spec, 1)
	return p
}

// checkModelIntent asserts what every model intent must be: valid, from
// the model, rated by lsh, and for a command one that begins with an
// installed program and parses.
func checkModelIntent(t *testing.T, in Intent, req Request) {
	t.Helper()
	if err := in.Validate(); err != nil {
		t.Fatalf("%q: invalid intent %+v: %v", req.Text, in, err)
	}
	if in.Source != SourceModel || in.Request != req.Text {
		t.Errorf("%q: source %q, request %q", req.Text, in.Source, in.Request)
	}
	if in.Explanation == "" {
		t.Errorf("%q: no explanation", req.Text)
	}
	switch in.Kind {
	case KindCommand:
		if w := firstWord(in.Command); !slices.Contains(testCommands, w) {
			t.Errorf("%q: command %q begins with %q, which is not installed", req.Text, in.Command, w)
		}
		want := rateCommand(in.Command, req, "")
		if in.Risk.Level != want.Level || in.Risk.ParseError != "" {
			t.Errorf("%q: command %q rated %+v, want %+v", req.Text, in.Command, in.Risk, want)
		}
	case KindAction:
		if !slices.Contains([]string{"diagnose", "why", "explain"}, in.Action.Name) || (in.Action.Name == "explain") != (len(in.Action.Args) == 1) {
			t.Errorf("%q: action %+v", req.Text, in.Action)
		}
		fallthrough
	default:
		if in.Risk.Level != risk.ReadOnly {
			t.Errorf("%q: a %s intent rated %s", req.Text, in.Kind, in.Risk.Level)
		}
	}
	// The JSON form --dry-run --json prints reads back as the same intent.
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back Intent
	if err := json.Unmarshal(data, &back); err != nil || back.Kind != in.Kind || back.Command != in.Command || back.Text != in.Text {
		t.Errorf("%q: the JSON form %s does not read back: %v", req.Text, data, err)
	}
}

// With stories260K — a model that knows nothing of JSON — 100 seeds of
// temperature sampling over all tokens all give a valid intent. The reply
// is limited to 192 tokens (lsh's default is 512) so that the grammar's
// budget is met by cutting strings short, and the test stays quick.
func TestModelHundredSeeds(t *testing.T) {
	m, err := llm.Load(storiesModel)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	h := modelHost(t)
	r, err := NewModelResolver(m, ModelOptions{Host: h, Commands: testCommands, MaxTokens: 192})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[Kind]int{}
	texts := map[string]bool{}
	for seed := range 100 {
		r.opts.Sampling = llm.SamplerConfig{Temperature: 1, Seed: uint64(seed)}
		req := Request{Text: testRequests[seed%len(testRequests)], Dir: h.Home, Home: h.Home}
		in, err := r.Resolve(context.Background(), req)
		if err != nil {
			t.Fatalf("seed %d: %v (the model wrote %q)", seed, err, r.LastRun().Text)
		}
		checkModelIntent(t, in, req)
		if n := r.LastRun().Generated; n > 192 {
			t.Errorf("seed %d: %d tokens generated, over the budget of 192", seed, n)
		}
		kinds[in.Kind]++
		texts[r.LastRun().Text] = true
	}
	// Sampling really varied: the seeds explored the grammar's branches.
	if len(kinds) < 3 || len(texts) < 90 {
		t.Errorf("100 seeds gave the kinds %v and %d distinct replies", kinds, len(texts))
	}
	t.Logf("kinds: %v", kinds)
}

// As `lsh --model FILE --dry-run --json -c "? …"` does: an engine with a
// model file answers every request with a valid intent from the model, for
// each family of vocabulary and template, and with the float16 KV cache
// the shell uses by default.
func TestEngineModelIntents(t *testing.T) {
	for _, c := range []struct {
		name, path string
		family     chat.Family
		kv         string
	}{
		{"stories260K", storiesModel, chat.Plain, ""},
		{"stories260K, float16 cache", storiesModel, chat.Plain, "f16"},
		{"tinyllama-like", "", chat.Zephyr, ""},
		{"tinyllama-like, float16 cache", "", chat.Zephyr, "f16"},
		{"qwen-like", "", chat.ChatML, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			switch c.family {
			case chat.Zephyr:
				path = synthModel(t, synthTiny)
			case chat.ChatML:
				if testing.Short() {
					t.Skip("151936-token vocabulary")
				}
				path = synthModel(t, synthQwen)
			}
			h := modelHost(t)
			e, err := NewEngine(EngineOptions{ModelPath: path, Mode: ModeModel, Host: h, Commands: testCommands, CacheDir: t.TempDir(),
				Sampling: llm.SamplerConfig{Temperature: 0.8, Seed: 3}, KVCache: c.kv})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			for _, text := range testRequests {
				req := Request{Text: text, Dir: h.Home, Home: h.Home, LastCommand: "make", LastStatus: 2, History: []string{"cd src", "make"}}
				in, err := e.Resolve(context.Background(), req, nil)
				if err != nil {
					t.Fatalf("%q: %v (the model wrote %q)", text, err, e.LastRun().Text)
				}
				checkModelIntent(t, in, req)
				if fam := e.LastRun().Template; fam != c.family {
					t.Errorf("template %s, want %s", fam, c.family)
				}
			}
		})
	}
}

// Cancelling stops generation within one token, returns the context's
// error, and leaves the engine ready for the next request.
func TestModelCancel(t *testing.T) {
	m, err := llm.Load(storiesModel)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	h := modelHost(t)
	r, err := NewModelResolver(m, ModelOptions{Host: h, Commands: testCommands, Sampling: llm.SamplerConfig{Temperature: 1, Seed: 5}})
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Text: "tell me a long story about the sea", Dir: h.Home}

	// Before anything is processed.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, req); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled request: %v", err)
	}

	// While generating: cancel when the first, then the second sampled
	// token is reported; at most one more token may follow.
	for _, at := range []int{1, 2} {
		ctx, cancel = context.WithCancel(context.Background())
		calls, atCancel := 0, 0
		_, err = r.ResolveProgress(ctx, req, func(p Progress) {
			if p.Phase != PhaseGenerating {
				return
			}
			if calls++; calls == at {
				atCancel = p.Tokens
				cancel()
			}
		})
		cancel()
		if atCancel == 0 || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancel at sampled token %d: cancelled after %d tokens, error %v", at, atCancel, err)
		}
		if got := r.LastRun().Generated; got > atCancel+1 {
			t.Errorf("cancelled after %d tokens, %d were generated", atCancel, got)
		}
	}

	// The next request is served normally.
	r.opts.Sampling = llm.SamplerConfig{}
	in, err := r.Resolve(context.Background(), Request{Text: "list files", Dir: h.Home})
	if err != nil {
		t.Fatal(err)
	}
	checkModelIntent(t, in, Request{Text: "list files", Dir: h.Home})
}

// The opening's state is computed once: the first request evaluates the
// opening and its own tokens, the next ones only their own; a second
// engine (a new lsh) finds the opening on disk; a corrupt cache file is
// ignored and rewritten; a float16 cache keeps its own opening beside the
// float32 one's; a changed model file misses the cache.
func TestPromptCache(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "model.gguf")
	writeSynth(t, model, synthTiny, 1)
	cache := filepath.Join(dir, "cache")
	h := modelHost(t)
	newEngineKV := func(kv string) *Engine {
		e, err := NewEngine(EngineOptions{ModelPath: model, Mode: ModeModel, Host: h, Commands: testCommands, CacheDir: cache, KVCache: kv})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { e.Close() })
		return e
	}
	newEngine := func() *Engine { return newEngineKV("") }
	ask := func(e *Engine, text string) (Intent, RunStats) {
		t.Helper()
		req := Request{Text: text, Dir: h.Home, Home: h.Home}
		in, err := e.Resolve(context.Background(), req, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkModelIntent(t, in, req)
		return in, e.LastRun()
	}
	// ownTokens is how many tokens a request adds after the opening.
	ownTokens := func(st RunStats) int { return st.PromptTokens - st.PrefixTokens }

	e1 := newEngine()
	in1, st := ask(e1, "show disk usage")
	if st.PrefixSource != "computed" || st.Evaluated != ownTokens(st) || st.PrefixTokens < 100 {
		t.Errorf("first request: %+v; want the opening computed and %d own tokens evaluated", st, ownTokens(st))
	}
	files, _ := filepath.Glob(filepath.Join(cache, "prompt-*.kv"))
	if len(files) != 1 {
		t.Fatalf("cache files %v, want one", files)
	}
	_, st = ask(e1, "count the lines in notes.txt")
	if st.PrefixSource != "session" || st.Evaluated > ownTokens(st) || st.Evaluated == 0 {
		t.Errorf("second request: %+v; want at most its %d own tokens evaluated", st, ownTokens(st))
	}

	e2 := newEngine()
	in2, st := ask(e2, "show disk usage")
	if st.PrefixSource != "disk" || st.Evaluated != ownTokens(st) {
		t.Errorf("new engine: %+v; want the opening from disk and only the request's tokens evaluated", st)
	}
	if in1.Command != in2.Command || in1.Text != in2.Text || in1.Kind != in2.Kind {
		t.Errorf("the state from disk gave another answer: %+v, %+v", in1, in2)
	}

	// A corrupt file: ignored, recomputed, rewritten.
	if err := os.WriteFile(files[0], []byte("LSHKV\x00\x00\x01 not a state"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, st = ask(newEngine(), "show disk usage")
	if st.PrefixSource != "computed" {
		t.Errorf("corrupt cache file: prefix %s, want computed", st.PrefixSource)
	}
	_, st = ask(newEngine(), "show disk usage")
	if st.PrefixSource != "disk" {
		t.Errorf("after a corrupt file was rewritten: prefix %s, want disk", st.PrefixSource)
	}

	// Keys and values in float16: not the float32 state rounded, but the
	// opening computed with that cache, kept in a file of its own and
	// read back by the next such engine, which answers alike.
	in3, st := ask(newEngineKV("f16"), "show disk usage")
	if st.PrefixSource != "computed" {
		t.Errorf("float16 cache: prefix %s, want computed", st.PrefixSource)
	}
	in4, st := ask(newEngineKV("f16"), "show disk usage")
	if st.PrefixSource != "disk" || in3.Command != in4.Command || in3.Text != in4.Text || in3.Kind != in4.Kind {
		t.Errorf("float16 cache again: prefix %s, answers %+v and %+v; want it from disk, the same", st.PrefixSource, in3, in4)
	}
	if files, _ = filepath.Glob(filepath.Join(cache, "prompt-*.kv")); len(files) != 2 {
		t.Errorf("cache files %v, want one per cache type", files)
	}

	// The model file changes (other weights): the fingerprint, and with it
	// the key, changes.
	writeSynth(t, model, synthTiny, 2)
	_, st = ask(newEngine(), "show disk usage")
	if st.PrefixSource != "computed" {
		t.Errorf("changed model: prefix %s, want computed", st.PrefixSource)
	}
	if files, _ = filepath.Glob(filepath.Join(cache, "prompt-*.kv")); len(files) != 3 {
		t.Errorf("cache files %v, want one per model and cache type", files)
	}
}

// Prepare readies the model ahead of the first request, which then only
// processes its own tokens.
func TestEnginePrepare(t *testing.T) {
	h := modelHost(t)
	e, err := NewEngine(EngineOptions{ModelPath: storiesModel, Host: h, Commands: testCommands})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := Request{Text: "purple elephants dance at noon", Dir: h.Home}
	if _, err := e.Resolve(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	if st := e.LastRun(); st.PrefixSource != "session" || st.Evaluated != st.PromptTokens-st.PrefixTokens {
		t.Errorf("after Prepare: %+v", st)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e2, _ := NewEngine(EngineOptions{ModelPath: storiesModel, Host: h, Commands: testCommands})
	defer e2.Close()
	if err := e2.Prepare(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Prepare: %v", err)
	}
	rules, _ := NewEngine(EngineOptions{ModelPath: storiesModel, Host: h, Mode: ModeRules})
	if err := rules.Prepare(context.Background()); err != nil || rules.local != nil {
		t.Errorf("rules mode loaded the model: %v", err)
	}
}

// The key names the model, its cache type, the opening and the build.
func TestPrefixKey(t *testing.T) {
	var a, b [32]byte
	b[0] = 1
	ids := []int32{1, 2, 3}
	if prefixKey(a, "f32", ids) == prefixKey(b, "f32", ids) || prefixKey(a, "f32", ids) == prefixKey(a, "f32", ids[:2]) ||
		prefixKey(a, "f32", ids) != prefixKey(a, "f32", []int32{1, 2, 3}) {
		t.Error("the key does not tell models or prompts apart")
	}
	if prefixKey(a, "f32", ids) == prefixKey(a, "f16", ids) {
		t.Error("the key does not tell a float16 cache's state from a float32 one's")
	}
	if engineVersion.Get() == "" {
		t.Error("no engine version")
	}
}

// The prompt holds the host's lasting facts in its opening and the
// changing ones in the request's message.
func TestPromptFacts(t *testing.T) {
	h := modelHost(t)
	os.WriteFile(filepath.Join(h.Home, "notes.txt"), nil, 0o600)
	os.Mkdir(filepath.Join(h.Home, "src"), 0o700)
	os.WriteFile(filepath.Join(h.Home, ".hidden"), nil, 0o600)
	for i := range 20 {
		os.WriteFile(filepath.Join(h.Home, fmt.Sprintf("f%02d", i)), nil, 0o600)
	}
	sys := systemPrompt(h)
	for _, want := range []string{"Debian GNU/Linux 12 (bookworm), gnu userland, shell /bin/bash, user ann (home " + h.Home + "); installed: sudo."} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q:\n%s", want, sys)
		}
	}
	msg := requestMessage(Request{Text: " find big files ", Dir: h.Home, History: []string{"a", "b", "c", "git status"},
		LastCommand: "make", LastStatus: 2}, h.Home)
	for _, want := range []string{"Directory: ~\n", "Files: f00, f01", "(and 10 more)", "History: b; c; git status\n",
		"Last command: make (exit status 2)\n", "Request: find big files"} {
		if !strings.Contains(msg, want) {
			t.Errorf("request message lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, ".hidden") || !strings.HasSuffix(msg, "Request: find big files") {
		t.Errorf("request message:\n%s", msg)
	}
	if got := tildePath(filepath.Join(h.Home, "src"), h.Home); got != "~/src" {
		t.Errorf("tildePath = %q", got)
	}
}

// finish turns what a model wrote into an intent lsh can act on, and
// never trusts it with what it cannot know.
func TestFinish(t *testing.T) {
	installed := func(w string) bool { return slices.Contains(testCommands, w) }
	cases := []struct {
		reply  string
		kind   Kind
		check  func(Intent) bool
		errHas string
	}{
		{`{"kind":"command","command":"du -sh .","explanation":"Sizes."}`, KindCommand,
			func(in Intent) bool { return in.Explanation == "Sizes." && in.Risk.Level == risk.ReadOnly }, ""},
		{`{"kind":"command","command":"rm -rf ~","explanation":"Tidies up."}`, KindCommand,
			func(in Intent) bool { return in.Risk.Level == risk.SystemDestroying }, ""},
		{`{"kind":"command","command":"ls -l","explanation":""}`, KindCommand,
			func(in Intent) bool {
				return in.Explanation != "" && in.Explanation != "A command proposed by the model."
			}, ""},
		{`{"kind":"command","command":"ls (","explanation":"x"}`, KindClarify,
			func(in Intent) bool { return strings.Contains(in.Text, "not valid shell syntax") && in.Command == "" }, ""},
		{`{"kind":"command","command":"fdisk /dev/sda","explanation":"x"}`, KindAnswer,
			func(in Intent) bool { return strings.Contains(in.Text, "fdisk is not installed") }, ""},
		{`{"kind":"action","action":"explain","args":["tar -x"]}`, KindAction,
			func(in Intent) bool {
				return in.Action.Name == "explain" && in.Action.Args[0] == "tar -x" && strings.Contains(in.Explanation, "`tar -x`")
			}, ""},
		{`{"kind":"action","action":"explain","args":[" "]}`, KindClarify, nil, ""},
		{`{"kind":"action","action":"diagnose"}`, KindAction, func(in Intent) bool { return in.Action.Args == nil }, ""},
		{`{"kind":"answer","text":" Paris. "}`, KindAnswer, func(in Intent) bool { return in.Text == "Paris." }, ""},
		{`{"kind":"clarify","text":"Which?"}`, KindClarify, nil, ""},
		{`{"kind":"answer","text":"  "}`, "", nil, "needs text"},
		{`{"kind":"shell","command":"ls"}`, "", nil, `unknown kind "shell"`},
		{`{"kind":"action","action":"reboot"}`, "", nil, `unknown action "reboot"`},
		{`{"kind":"command","command":"ls","risk":"read-only"}`, "", nil, `unknown field "risk"`},
		{`{"kind":"command"`, "", nil, "not an intent"},
	}
	for _, c := range cases {
		in, err := finish([]byte(c.reply), Request{Text: "x", Dir: t.TempDir()}, 0.6, finishOptions{commands: installed, home: "/home/ann"})
		if c.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Errorf("%s: error %v, want %q", c.reply, err, c.errHas)
			}
			continue
		}
		if err != nil || in.Kind != c.kind || in.Source != SourceModel || (c.check != nil && !c.check(in)) {
			t.Errorf("%s: %+v, %v; want kind %s", c.reply, in, err, c.kind)
		}
	}
}

// The schema a remote endpoint receives is the one the local grammar
// compiles, and it lists the first words.
func TestIntentSchema(t *testing.T) {
	s := IntentSchema([]string{"ls", "cat"})
	var v map[string]any
	if err := json.Unmarshal(s, &v); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(s, []byte(`"x-lsh-first-word":["ls","cat"]`)) || !bytes.HasPrefix(s, []byte(`{"title":"lsh_intent","anyOf":[{"type":"object","properties":{"kind":{"const":"command"}`)) {
		t.Errorf("schema %s", s)
	}
}

// The words a command may begin with: the files of $PATH's directories
// (once each), the shell's builtins and keywords, and lsh's builtins.
func TestHostCommands(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, f := range []string{filepath.Join(a, "zz-tool"), filepath.Join(b, "zz-tool"), filepath.Join(b, "yy-other")} {
		if err := os.WriteFile(f, nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(a, "subdir"), 0o755)
	os.Symlink(filepath.Join(b, "yy-other"), filepath.Join(a, "xx-link"))
	path := a + string(os.PathListSeparator) + "/no/such/dir" + string(os.PathListSeparator) + b
	if got := CommandsOnPath(path); !slices.Equal(got, []string{"xx-link", "yy-other", "zz-tool"}) {
		t.Errorf("CommandsOnPath = %v", got)
	}
	all := HostCommands(path, []string{"explain", "model"})
	for _, w := range []string{"zz-tool", "cd", "for", "[", "explain", "model"} {
		if !slices.Contains(all, w) {
			t.Errorf("HostCommands lacks %q", w)
		}
	}
	if slices.Contains(all, "subdir") || !slices.IsSorted(all) {
		t.Errorf("HostCommands = %v", all)
	}
}

package intents

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/llamashell/lsh/intents/risk"
)

// fakeModel answers every request with one intent, as a model that rates
// its own commands (wrongly) would.
type fakeModel struct {
	calls int
	in    Intent
	err   error
}

func (f *fakeModel) Resolve(ctx context.Context, req Request) (Intent, error) {
	f.calls++
	in := f.in
	in.Request = req.Text
	return in, f.err
}

func TestResolveModes(t *testing.T) {
	h := modelHost(t)
	rules := NewRules(h)
	liar := Intent{Kind: KindCommand, Command: "rm -rf ~", Explanation: "Tidies up.", Source: SourceModel,
		Risk: risk.Rating{Level: risk.ReadOnly, Reasons: []string{"harmless, trust me"}}}
	const confident, unknown = "show disk usage", "purple elephants dance at noon"
	cases := []struct {
		mode      Mode
		text      string
		model     *fakeModel
		noModel   bool
		source    Source
		calls     int
		level     risk.Level
		errIs     error
		explainOf string
	}{
		// A confident rule answers at once; its command is rated here.
		{mode: ModeAuto, text: confident, model: &fakeModel{in: liar}, source: SourceRules, level: risk.ReadOnly},
		// The model answers what the rules do not, and its rating is
		// replaced by lsh's.
		{mode: ModeAuto, text: unknown, model: &fakeModel{in: liar}, source: SourceModel, calls: 1, level: risk.SystemDestroying},
		{mode: "", text: unknown, model: &fakeModel{in: liar}, source: SourceModel, calls: 1, level: risk.SystemDestroying},
		// Forced either way.
		{mode: ModeRules, text: unknown, model: &fakeModel{in: liar}, source: SourceRules, level: risk.ReadOnly},
		{mode: ModeModel, text: confident, model: &fakeModel{in: liar}, source: SourceModel, calls: 1, level: risk.SystemDestroying},
		// No model.
		{mode: ModeAuto, text: unknown, noModel: true, source: SourceRules, level: risk.ReadOnly},
		{mode: ModeModel, text: unknown, noModel: true, errIs: ErrNoModel},
		// A model that fails: the rules' answer, saying why.
		{mode: ModeAuto, text: unknown, model: &fakeModel{err: errors.New("model.gguf: not a GGUF file")}, source: SourceRules, calls: 1,
			level: risk.ReadOnly, explainOf: "The model could not answer: model.gguf: not a GGUF file"},
		{mode: ModeModel, text: unknown, model: &fakeModel{err: errors.New("boom")}, calls: 1, errIs: errBoom},
	}
	for _, c := range cases {
		opts := ResolveOptions{Mode: c.mode, Rules: rules}
		if !c.noModel {
			opts.Model = c.model
		}
		in, err := Resolve(context.Background(), Request{Text: c.text, Dir: h.Home, Home: h.Home}, opts)
		name := string(c.mode) + " " + c.text
		switch {
		case c.errIs == errBoom:
			if err == nil || !strings.Contains(err.Error(), "boom") {
				t.Errorf("%s: error %v, want the model's", name, err)
			}
			continue
		case c.errIs != nil:
			if !errors.Is(err, c.errIs) {
				t.Errorf("%s: error %v, want %v", name, err, c.errIs)
			}
			continue
		case err != nil:
			t.Errorf("%s: %v", name, err)
			continue
		}
		if in.Source != c.source || in.Risk.Level != c.level || (c.model != nil && c.model.calls != c.calls) {
			calls := 0
			if c.model != nil {
				calls = c.model.calls
			}
			t.Errorf("%s: source %s, risk %s, %d model calls; want %s, %s, %d", name, in.Source, in.Risk.Level, calls, c.source, c.level, c.calls)
		}
		if c.explainOf != "" && !strings.Contains(in.Explanation, c.explainOf) {
			t.Errorf("%s: explanation %q lacks %q", name, in.Explanation, c.explainOf)
		}
		if c.level == risk.SystemDestroying && strings.Contains(strings.Join(in.Risk.Reasons, " "), "trust me") {
			t.Errorf("%s: the model's own reasons survived: %v", name, in.Risk.Reasons)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Resolve(ctx, Request{Text: unknown}, ResolveOptions{Rules: rules, Model: &fakeModel{in: liar}}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := Resolve(context.Background(), Request{Text: "  "}, ResolveOptions{Rules: rules}); err == nil {
		t.Error("an empty request was resolved")
	}
}

var errBoom = errors.New("boom")

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeAuto, "auto": ModeAuto, "Rules": ModeRules, " model ": ModeModel} {
		if got, err := ParseMode(in); got != want || err != nil {
			t.Errorf("ParseMode(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseMode("llm"); err == nil || !strings.Contains(err.Error(), `"llm"`) || !strings.Contains(err.Error(), "auto, rules or model") {
		t.Errorf("ParseMode(llm): %v", err)
	}
}

// The engine loads its model only when a request needs it, reports
// progress, and falls back to the rules when the model cannot load.
func TestEngineLazy(t *testing.T) {
	h := modelHost(t)
	if _, err := NewEngine(EngineOptions{Mode: "sometimes"}); err == nil {
		t.Error("a bad mode was accepted")
	}
	if _, err := NewEngine(EngineOptions{Endpoint: "localhost:8080"}); err == nil || !strings.Contains(err.Error(), "http(s) URL") {
		t.Errorf("a bad endpoint: %v", err)
	}
	if _, err := NewEngine(EngineOptions{ModelPath: storiesModel, KVCache: "q8_0"}); err == nil || !strings.Contains(err.Error(), `"q8_0"`) {
		t.Errorf("a bad KV cache type: %v", err)
	}

	e, err := NewEngine(EngineOptions{ModelPath: storiesModel, Host: h, Commands: testCommands})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	in, err := e.Resolve(context.Background(), Request{Text: "show disk usage", Dir: h.Home}, nil)
	if err != nil || in.Source != SourceRules || e.local != nil {
		t.Fatalf("a confident rule: %+v, %v, model loaded: %v", in, err, e.local != nil)
	}
	var phases []Phase
	tokens := 0
	req := Request{Text: "purple elephants dance at noon", Dir: h.Home}
	in, err = e.Resolve(context.Background(), req, func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
		if p.Phase == PhaseGenerating {
			if p.Tokens <= tokens || p.TokensPerSecond <= 0 {
				t.Errorf("progress %+v after %d tokens", p, tokens)
			}
			tokens = p.Tokens
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	checkModelIntent(t, in, req)
	if strings.Join([]string{string(phases[0]), string(phases[1]), string(phases[2])}, " ") != "loading prompt generating" || tokens != e.LastRun().Generated {
		t.Errorf("phases %v, %d tokens reported of %d", phases, tokens, e.LastRun().Generated)
	}

	bad, err := NewEngine(EngineOptions{ModelPath: "/no/such/model.gguf", Host: h, Commands: testCommands})
	if err != nil {
		t.Fatal(err)
	}
	in, err = bad.Resolve(context.Background(), req, nil)
	if err != nil || in.Source != SourceRules || !strings.Contains(in.Explanation, "/no/such/model.gguf") {
		t.Errorf("a model that cannot load: %+v, %v", in, err)
	}
	bad.opts.Mode = ModeModel
	if _, err = bad.Resolve(context.Background(), req, nil); err == nil || !strings.Contains(err.Error(), "/no/such/model.gguf") {
		t.Errorf("source model, a model that cannot load: %v", err)
	}
}

package natural

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/intents"
)

type fileT = syntax.File

func mustParse(t *testing.T, src string) *syntax.File {
	t.Helper()
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestEngineSettings checks which engine answers: flags over the config
// file, an explicit --model that cannot work is an error, a broken
// LSH_MODEL or config value a warning with the rules answering.
func TestEngineSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := func(c config.Config) func() (*config.Config, config.Paths, error) {
		return func() (*config.Config, config.Paths, error) {
			return &c, config.Paths{Home: dir, ModelsDir: dir + "/models", CacheDir: dir + "/cache"}, nil
		}
	}
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	// A server that is not there: asking it fails at once.
	const deadEndpoint = "http://127.0.0.1:1/v1"
	cases := []struct {
		name     string
		s        Settings
		err      string // the request fails with this
		warning  string
		wantRule bool // the rules answered
	}{
		{name: "nothing set: the rules", s: Settings{Getenv: env(), Config: cfg(config.Config{})}, wantRule: true},
		{name: "--model that does not exist", s: Settings{Model: "nosuch.gguf", Dir: dir, Getenv: env(), Config: cfg(config.Config{})},
			err: "--model nosuch.gguf: "},
		{name: "LSH_MODEL that does not exist", s: Settings{Dir: dir, Getenv: env("LSH_MODEL", "nosuch.gguf"), Config: cfg(config.Config{})},
			warning: "LSH_MODEL=nosuch.gguf: ", wantRule: true},
		{name: "config model that does not exist", s: Settings{Getenv: env(), Config: cfg(config.Config{Model: "nosuch"})},
			warning: `model = "nosuch"`, wantRule: true},
		{name: "config source the rules cannot use", s: Settings{Getenv: env(), Config: cfg(config.Config{Source: "magic"})},
			warning: `source = "magic"`, wantRule: true},
		{name: "source model without a model", s: Settings{Getenv: env(), Config: cfg(config.Config{Source: "model"})},
			err: "no model configured"},
		{name: "--source rules wins over the config", s: Settings{Source: "rules", Getenv: env(), Config: cfg(config.Config{Source: "model", Endpoint: deadEndpoint})},
			wantRule: true},
		{name: "--endpoint with --source model asks it", s: Settings{Source: "model", Endpoint: deadEndpoint, Getenv: env(), Config: cfg(config.Config{})},
			err: "127.0.0.1:1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEngine(tc.s)
			warnings := strings.Join(e.Warnings(), "\n")
			if tc.warning == "" && warnings != "" || !strings.Contains(warnings, tc.warning) {
				t.Errorf("warnings %q, want %q", warnings, tc.warning)
			}
			if again := e.Warnings(); again != nil {
				t.Errorf("warnings said twice: %q", again)
			}
			in, err := e.Resolve(context.Background(), intents.Request{Text: "delete notes.txt", Dir: dir, Home: dir}, nil)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("error %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("error %v", err)
			case tc.wantRule && in.Source != intents.SourceRules:
				t.Errorf("source %q", in.Source)
			}
		})
	}
}

func TestCheckSettings(t *testing.T) {
	for _, s := range []Settings{{Source: "rules"}, {Source: "MODEL"}, {Endpoint: "https://example.com/v1"}} {
		if err := CheckSettings(s); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
	for _, s := range []Settings{{Source: "magic"}, {Endpoint: "localhost:8080"}, {Endpoint: "ftp://x/v1"}} {
		if err := CheckSettings(s); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
}

// The shell keeps its model's keys and values in float16 unless the
// config's cache_type says f32.
func TestEngineCacheType(t *testing.T) {
	dir := t.TempDir()
	model, err := filepath.Abs("../../../../testdata/models/stories260K.gguf")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ set, want string }{{"", "f16"}, {"f16", "f16"}, {"f32", "f32"}} {
		e := NewEngine(Settings{Model: model, Dir: dir, Getenv: func(string) string { return "" },
			Config: func() (*config.Config, config.Paths, error) {
				return &config.Config{CacheType: tc.set}, config.Paths{Home: dir, ModelsDir: dir, CacheDir: dir}, nil
			}})
		e.once.Do(e.build)
		eng, ok := e.resolver.(*intents.Engine)
		if e.err != nil || !ok {
			t.Fatalf("cache_type %q: no model engine (%v)", tc.set, e.err)
		}
		if got := eng.KVCache(); got != tc.want {
			t.Errorf("cache_type %q: the engine keeps a %s cache, want %s", tc.set, got, tc.want)
		}
	}
}

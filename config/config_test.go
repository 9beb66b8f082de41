package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fullConfig = `# my lsh
model    = "qwen2.5-0.5b"   # the small one
context  = 4096
threads  = 2
cache_type = "f32"
guard    = false
source   = "rules"
endpoint = "http://127.0.0.1:8080/v1"
prompt   = '\u@\h:\w\$ '

[colors]
theme = "dark"
error = "#ff5f5f"
dim   = 244
hint  = "#abc"
`

func TestParseEveryKey(t *testing.T) {
	c, err := Parse("config.toml", []byte(fullConfig))
	if err != nil {
		t.Fatal(err)
	}
	f := false
	want := Config{
		Model: "qwen2.5-0.5b", Context: 4096, Threads: 2, CacheType: CacheF32, Guard: &f, Source: SourceRules,
		Endpoint: "http://127.0.0.1:8080/v1", Prompt: `\u@\h:\w\$ `,
		Colors: Colors{Theme: "dark", Overrides: map[string]string{"error": "#ff5f5f", "dim": "244", "hint": "#abc"}},
	}
	got := *c
	got.File, got.Exists, got.pos, got.loaded, got.Warnings = "", false, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if !c.Exists || len(c.Warnings) != 0 {
		t.Errorf("Exists=%v Warnings=%v", c.Exists, c.Warnings)
	}
	for key, where := range map[string]string{"model": "config.toml:2", "context": "config.toml:3", "colors.dim": "config.toml:14", "colors.theme": "config.toml:12"} {
		if got := c.Where(key); got != where {
			t.Errorf("Where(%q) = %q, want %q", key, got, where)
		}
	}
	if c.Has("nothing") || c.Where("nothing") != "" {
		t.Error("an absent key is reported as set")
	}
}

func TestMissingFileIsEmpty(t *testing.T) {
	file := filepath.Join(t.TempDir(), "none", "config.toml")
	c, err := LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Exists || c.File != file || c.Model != "" || c.Guard != nil || c.Has("model") {
		t.Errorf("got %+v", c)
	}
}

func TestUnknownKeysWarn(t *testing.T) {
	src := `model = "x"
modle = "y"
  colour = 3

[colors]
theme = "light"

[history]
size = 10
`
	c, err := Parse("/h/.config/lsh/config.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.Model != "x" || c.Colors.Theme != "light" {
		t.Errorf("known keys lost: %+v", c)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		`/h/.config/lsh/config.toml:2:1: unknown key "modle" ignored (did you mean "model"?)`,
		`/h/.config/lsh/config.toml:3:3: unknown key "colour" ignored (did you mean "colors"?)`,
		`/h/.config/lsh/config.toml:8:1: unknown key "history" ignored`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSyntaxErrorsNameLineAndColumn(t *testing.T) {
	tests := []struct{ src, want string }{
		{"model = \"x\"\ncontext = \n", "c.toml:2:"},
		{"model = \"unterminated\n", "c.toml:1:"},
		{"model = \"a\"\nmodel = \"b\"\n", "c.toml:2:"},
		{"[colors\ntheme = 1\n", "c.toml:1:"},
		{"a = 1\nb = 2\n\nthreads = = 3\n", "c.toml:4:"},
	}
	for _, tt := range tests {
		c, err := Parse("c.toml", []byte(tt.src))
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Line == 0 || e.Col == 0 {
			t.Errorf("%q: error %v has no line and column", tt.src, err)
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want prefix %q", tt.src, err, tt.want)
		}
		if c == nil || c.Model != "" {
			t.Errorf("%q: a file with a syntax error set values: %+v", tt.src, c)
		}
	}
}

func TestBadValues(t *testing.T) {
	tests := []struct{ line, want string }{
		{`context = "big"`, `c.toml:2:11: context: want an integer, got the string "big"`},
		{`context = 0`, `c.toml:2:11: context: 0 is out of range (1 to 1048576 tokens)`},
		{`threads = -1`, `c.toml:2:11: threads: -1 is out of range (0 for one per core, up to 1024)`},
		{`threads = 2.5`, `c.toml:2:11: threads: want an integer, got the number 2.5`},
		{`cache_type = "q8_0"`, `c.toml:2:14: cache_type: "q8_0" is not one of "f16", "f32"`},
		{`cache_type = 16`, `c.toml:2:14: cache_type: want a string, got the integer 16`},
		{`guard = "yes"`, `c.toml:2:9: guard: want true or false, got the string "yes"`},
		{`source = "llm"`, `c.toml:2:10: source: "llm" is not one of "auto", "rules", "model"`},
		{`endpoint = "localhost:8080"`, `c.toml:2:12: endpoint: "localhost:8080" is not an http:// or https:// URL`},
		{`model = ""`, `c.toml:2:9: model: is empty (remove the line to use no model)`},
		{`model = 3`, `c.toml:2:9: model: want a string, got the integer 3`},
		{`prompt = ["a"]`, `c.toml:2:10: prompt: want a string, got an array`},
		{`colors = "dark"`, `c.toml:2:10: colors: want a table ([colors] with theme = "…"), got the string "dark"`},
		{"[colors]\nerror = \"red\"", `c.toml:3:9: colors.error: want "#rrggbb", "#rgb" or an ANSI colour number 0-255, got the string "red"`},
		{"[colors]\nerror = 256", `c.toml:3:9: colors.error: want "#rrggbb", "#rgb" or an ANSI colour number 0-255, got the integer 256`},
		{"[colors]\ntheme = 1", `c.toml:3:9: colors.theme: want a theme name, got the integer 1`},
		{"colors = { error = \"#12345g\" }", `c.toml:2:20: colors.error: want "#rrggbb", "#rgb" or an ANSI colour number 0-255, got the string "#12345g"`},
	}
	for _, tt := range tests {
		src := "model = \"m\"\n" + tt.line + "\n"
		if strings.HasPrefix(tt.line, "model") {
			src = "\n" + tt.line + "\n"
		}
		c, err := Parse("c.toml", []byte(src))
		if err == nil {
			t.Errorf("%s: no error", tt.line)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.line, err, tt.want)
		}
		if !strings.HasPrefix(tt.line, "model") && c.Model != "m" {
			t.Errorf("%s: the valid key was dropped", tt.line)
		}
	}
}

func TestSeveralBadValuesAllReported(t *testing.T) {
	_, err := Parse("c.toml", []byte("threads = \"x\"\ncontext = -5\n"))
	if err == nil {
		t.Fatal("no error")
	}
	want := "c.toml:1:11: threads: want an integer, got the string \"x\"\nc.toml:2:11: context: -5 is out of range (1 to 1048576 tokens)"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
}

func TestLazyReadsOnceOnDemand(t *testing.T) {
	dir := t.TempDir()
	p, err := PathsFromEnv(func(k string) string { return map[string]string{"HOME": dir}[k] })
	if err != nil {
		t.Fatal(err)
	}
	get := Lazy(p)
	// Created after Lazy: nothing was read yet.
	if err := os.MkdirAll(filepath.Dir(p.ConfigFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.ConfigFile, []byte("model = \"first\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c1, err := get()
	if err != nil || c1.Model != "first" {
		t.Fatalf("got %+v, %v", c1, err)
	}
	if err := os.WriteFile(p.ConfigFile, []byte("model = \"second\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c2, _ := get()
	if c2 != c1 {
		t.Error("Lazy read the file twice")
	}
}

// BenchmarkLoad is what every interactive start pays for the config file.
func BenchmarkLoad(b *testing.B) {
	file := filepath.Join(b.TempDir(), "config.toml")
	if err := os.WriteFile(file, []byte(fullConfig), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFile(file); err != nil {
			b.Fatal(err)
		}
	}
}

// The schema is kept sorted by hand: the warning for an unknown key lists
// the known ones in that order, and a duplicate would shadow a kind.
func TestSchemaSorted(t *testing.T) {
	for i := 1; i < len(schema); i++ {
		if schema[i-1].key >= schema[i].key {
			t.Errorf("schema: %q before %q: keep it sorted, each key once", schema[i-1].key, schema[i].key)
		}
	}
}

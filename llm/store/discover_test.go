package store

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	models := filepath.Join(root, "data", "lsh", "models")
	cwd := filepath.Join(root, "work")
	home := filepath.Join(root, "home")
	for _, f := range []string{
		filepath.Join(models, "qwen.gguf"),
		filepath.Join(models, "exact-name"), // no .gguf: still found by its name
		filepath.Join(models, "sub", "deep.gguf"),
		filepath.Join(cwd, "local.gguf"),
		filepath.Join(home, "m", "h.gguf"),
		filepath.Join(root, "abs.gguf"),
	} {
		writeFile(t, f, []byte("GGUF"))
	}
	os.MkdirAll(filepath.Join(models, "adir.gguf"), 0o755)
	base := Settings{ModelsDir: models, Dir: cwd, Home: home, ConfigAt: "/c/config.toml:3"}
	with := func(f func(*Settings)) Settings { s := base; f(&s); return s }

	tests := []struct {
		name   string
		s      Settings
		path   string
		origin Origin
		err    string
	}{
		{name: "nothing set", s: base, origin: None},
		{name: "flag wins over everything", s: with(func(s *Settings) { s.Flag, s.Env, s.Config = "local.gguf", "qwen", "qwen" }),
			path: filepath.Join(cwd, "local.gguf"), origin: FromFlag},
		{name: "env wins over config", s: with(func(s *Settings) { s.Env, s.Config = root+"/abs.gguf", "qwen" }),
			path: filepath.Join(root, "abs.gguf"), origin: FromEnv},
		{name: "config alone", s: with(func(s *Settings) { s.Config = "qwen" }), path: filepath.Join(models, "qwen.gguf"), origin: FromConfig},
		{name: "a name with .gguf", s: with(func(s *Settings) { s.Config = "qwen.gguf" }), path: filepath.Join(models, "qwen.gguf"), origin: FromConfig},
		{name: "a name without extension on disk", s: with(func(s *Settings) { s.Env = "exact-name" }), path: filepath.Join(models, "exact-name"), origin: FromEnv},
		{name: "models folder before the working directory", s: with(func(s *Settings) {
			s.Flag = "qwen.gguf"
			writeFile(t, filepath.Join(cwd, "qwen.gguf"), []byte("GGUF"))
		}), path: filepath.Join(models, "qwen.gguf"), origin: FromFlag},
		{name: "config path relative to the models folder", s: with(func(s *Settings) { s.Config = "sub/deep.gguf" }),
			path: filepath.Join(models, "sub", "deep.gguf"), origin: FromConfig},
		{name: "flag path relative to the working directory", s: with(func(s *Settings) { s.Flag = "./local.gguf" }),
			path: filepath.Join(cwd, "local.gguf"), origin: FromFlag},
		{name: "tilde", s: with(func(s *Settings) { s.Config = "~/m/h.gguf" }), path: filepath.Join(home, "m", "h.gguf"), origin: FromConfig},

		{name: "flag names a missing file", s: with(func(s *Settings) { s.Flag, s.Config = "/x/y.gguf", "qwen" }),
			err: "--model /x/y.gguf: no such file"},
		{name: "env names a missing file", s: with(func(s *Settings) { s.Env, s.Config = "/x/y.gguf", "qwen" }),
			err: "LSH_MODEL=/x/y.gguf: no such file"},
		{name: "config names a missing model", s: with(func(s *Settings) { s.Config = "llama9" }),
			err: `model = "llama9" (/c/config.toml:3): no model named "llama9" in ` + models + " (`model list` shows what is installed)"},
		{name: "env names a missing model", s: with(func(s *Settings) { s.Env = "nope" }),
			err: `LSH_MODEL=nope: no model named "nope" in ` + models + " and no file " + filepath.Join(cwd, "nope")},
		{name: "a directory is not a model", s: with(func(s *Settings) { s.Flag = models }),
			err: "--model " + models + ": is a directory, not a model file"},
		{name: "a directory named like a model", s: with(func(s *Settings) { s.Config = "adir" }),
			err: filepath.Join(models, "adir.gguf") + " is a directory"},
		{name: "local files are not looked up for the config", s: with(func(s *Settings) { s.Config = "local.gguf" }),
			err: `no model named "local.gguf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Discover(tt.s)
			if tt.err != "" {
				var se *SettingError
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &se) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Path != tt.path || c.Origin != tt.origin {
				t.Errorf("got %s from %v, want %s from %v", c.Path, c.Origin, tt.path, tt.origin)
			}
		})
	}
	_, err := Discover(with(func(s *Settings) { s.Env = "/x/y.gguf" }))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file is not fs.ErrNotExist: %v", err)
	}
}

func TestList(t *testing.T) {
	dir := t.TempDir()
	good := testModel(t)
	writeFile(t, filepath.Join(dir, "b-good.gguf"), good)
	writeFile(t, filepath.Join(dir, "a-broken.gguf"), []byte("GGUF\x03\x00\x00\x00 truncated"))
	writeFile(t, filepath.Join(dir, "c-html.gguf"), []byte("<html>not a model</html>"))
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("ignored"))
	writeFile(t, filepath.Join(dir, ".hidden.gguf"), good)
	writeFile(t, filepath.Join(dir, "d-half.gguf.part"), good[:1000])
	writeFile(t, filepath.Join(dir, "d-half.gguf.part.json"), []byte(`{"url":"https://h.example/d.gguf","total":5000}`))
	if err := os.Symlink(filepath.Join(dir, "b-good.gguf"), filepath.Join(dir, "e-link.gguf")); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "f-dangling.gguf"))
	os.Mkdir(filepath.Join(dir, "g-dir.gguf"), 0o755)

	got, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.Name)
	}
	if want := "a-broken b-good c-html d-half e-link f-dangling"; strings.Join(names, " ") != want {
		t.Fatalf("names %q, want %q", names, want)
	}
	byName := map[string]Entry{}
	for _, e := range got {
		byName[e.Name] = e
	}
	for _, n := range []string{"b-good", "e-link"} {
		e := byName[n]
		if e.Err != nil || e.Arch != "llama" || e.Quant != "Q8_0" || e.Size != int64(len(good)) || e.Modified.IsZero() {
			t.Errorf("%s: %+v", n, e)
		}
		if want := uint64(4096*360 + 4096 + 256*1024); e.Params != want {
			t.Errorf("%s: %d params, want %d", n, e.Params, want)
		}
	}
	for n, want := range map[string]string{"a-broken": "a-broken.gguf", "c-html": "bad magic", "f-dangling": "no such file"} {
		if e := byName[n]; e.Err == nil || !strings.Contains(e.Err.Error(), want) {
			t.Errorf("%s: err %v, want it to mention %q", n, e.Err, want)
		}
	}
	if p := byName["d-half"]; p.Partial == nil || p.Partial.Total != 5000 || p.Partial.URL != "https://h.example/d.gguf" || p.Size != 1000 {
		t.Errorf("partial: %+v %+v", p, p.Partial)
	}

	if got, err := List(filepath.Join(dir, "missing")); err != nil || len(got) != 0 {
		t.Errorf("missing folder: %v, %v", got, err)
	}
}

func BenchmarkList(b *testing.B) {
	dir := b.TempDir()
	data := testModel(b)
	for i := range 6 {
		writeFile(b, filepath.Join(dir, string(rune('a'+i))+".gguf"), data)
	}
	for b.Loop() {
		if _, err := List(dir); err != nil {
			b.Fatal(err)
		}
	}
}

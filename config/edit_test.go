package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSetKeepsEverythingElse(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		key       string
		value     any
		want      string
		wantError string
	}{
		{
			name: "replace a value, keep its comment",
			src: `# my settings
model = "tinyllama"   # fast enough
threads = 2
`,
			key: "model", value: "qwen2.5-0.5b",
			want: `# my settings
model = "qwen2.5-0.5b"   # fast enough
threads = 2
`,
		},
		{
			name: "a literal string becomes a basic one",
			src:  "model = '/models/a.gguf' # x\n",
			key:  "model", value: `/models/b "new".gguf`,
			want: "model = \"/models/b \\\"new\\\".gguf\" # x\n",
		},
		{
			name: "add after the root keys, not inside a table",
			src: `threads = 2 # two cores

[colors]
theme = "dark"
`,
			key: "model", value: "smollm2-360m",
			want: `threads = 2 # two cores
model = "smollm2-360m"

[colors]
theme = "dark"
`,
		},
		{
			name: "add above the first table and its comments when there is no root key",
			src: `# lsh config

# colours for my dark terminal
[colors]
theme = "dark"
`,
			key: "model", value: "m",
			want: `# lsh config

model = "m"

# colours for my dark terminal
[colors]
theme = "dark"
`,
		},
		{
			name: "multi-line strings that look like keys are left alone",
			src: `prompt = """
model = "not a key"
"""
`,
			key: "model", value: "real",
			want: `prompt = """
model = "not a key"
"""
model = "real"
`,
		},
		{
			name: "a multi-line array value is replaced whole",
			src:  "context = 1\nthreads = [\n  1, # one\n  2,\n]\nguard = true\n",
			key:  "threads", value: 4,
			want: "context = 1\nthreads = 4\nguard = true\n",
		},
		{
			name: "a key in a table",
			src:  "model = \"m\"\n\n[colors]\ntheme = \"dark\" # mine\nerror = \"#f00\"\n",
			key:  "colors.theme", value: "light",
			want: "model = \"m\"\n\n[colors]\ntheme = \"light\" # mine\nerror = \"#f00\"\n",
		},
		{
			name: "a new key in an existing table goes after its last key",
			src:  "[colors]\ntheme = \"dark\"\n\n[other]\nx = 1\n",
			key:  "colors.error", value: "#ff0000",
			want: "[colors]\ntheme = \"dark\"\nerror = \"#ff0000\"\n\n[other]\nx = 1\n",
		},
		{
			name: "a new table at the end",
			src:  "model = \"m\"",
			key:  "colors.theme", value: "dark",
			want: "model = \"m\"\n\n[colors]\ntheme = \"dark\"\n",
		},
		{
			name: "a key inside an inline table",
			src:  "colors = { theme = \"dark\", error = \"#f00\" } # inline\n",
			key:  "colors.theme", value: "light",
			want: "colors = { theme = \"light\", error = \"#f00\" } # inline\n",
		},
		{
			name: "a file without a final newline",
			src:  "threads = 2",
			key:  "model", value: "m",
			want: "threads = 2\nmodel = \"m\"\n",
		},
		{
			name: "bool and dotted root key",
			src:  "colors.theme = \"dark\"\nguard = false\n",
			key:  "guard", value: true,
			want: "colors.theme = \"dark\"\nguard = true\n",
		},
		{
			name: "an edit that would change the file's meaning is refused",
			src:  "colors = { theme = \"dark\" }\n",
			key:  "colors.error", value: "#fff",
			wantError: "cannot change colors.error without breaking the file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := setValue([]byte(tt.src), splitKey(tt.key), tt.value)
			if tt.wantError != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantError) {
					t.Fatalf("err = %v, want %q", err, tt.wantError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestUnset(t *testing.T) {
	src := "# top\nmodel = \"m\" # mine\nthreads = 2\n"
	got, err := unsetValue([]byte(src), []string{"model"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "# top\nthreads = 2\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, err = unsetValue([]byte(src), []string{"context"})
	if err != nil || string(got) != src {
		t.Errorf("removing an absent key changed the file: %q, %v", got, err)
	}
	if _, err := unsetValue([]byte("colors = { theme = \"x\" }\n"), []string{"colors", "theme"}); err == nil {
		t.Error("removed a key from an inline table")
	}
}

func TestSetFileCreatesAndRoundTrips(t *testing.T) {
	file := filepath.Join(t.TempDir(), "conf", "lsh", "config.toml")
	if err := Set(file, "model", "tinyllama"); err != nil {
		t.Fatal(err)
	}
	if err := Set(file, "colors.theme", "dark"); err != nil {
		t.Fatal(err)
	}
	if err := Set(file, "threads", 3); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	want := newFileHeader + "model = \"tinyllama\"\nthreads = 3\n\n[colors]\ntheme = \"dark\"\n"
	if string(data) != want {
		t.Errorf("got:\n%s\nwant:\n%s", data, want)
	}
	c, err := LoadFile(file)
	if err != nil || c.Model != "tinyllama" || c.Threads != 3 || c.Colors.Theme != "dark" {
		t.Errorf("reloaded %+v, %v", c, err)
	}
	if err := Unset(file, "threads"); err != nil {
		t.Fatal(err)
	}
	if c, _ := LoadFile(file); c.Has("threads") {
		t.Error("threads still set after Unset")
	}
}

func TestSaveRewritesOnlyChangedKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	orig := `# Ana's lsh
model = "tinyllama" # for now
threads = 0         # auto
prompt = ""
unknown = "kept"    # from a newer lsh

[colors]
theme = "dark"
`
	if err := os.WriteFile(file, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile someone edits the theme by hand; Save must not undo that.
	edited := strings.Replace(orig, `theme = "dark"`, `theme = "light"`, 1)
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	c.Model = "qwen2.5-0.5b"
	yes := true
	c.Guard = &yes
	if err := Save(c); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	want := `# Ana's lsh
model = "qwen2.5-0.5b" # for now
threads = 0         # auto
prompt = ""
unknown = "kept"    # from a newer lsh
guard = true

[colors]
theme = "light"
`
	if string(data) != want {
		t.Errorf("got:\n%s\nwant:\n%s", data, want)
	}
	st, _ := os.Stat(file)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}
	// Nothing changed: the file is not rewritten.
	before, _ := os.Stat(file)
	if err := Save(c); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(file)
	if !after.ModTime().Equal(before.ModTime()) {
		t.Error("Save without changes rewrote the file")
	}
	c.Model = ""
	if err := Save(c); err != nil {
		t.Fatal(err)
	}
	if c2, _ := LoadFile(file); c2.Has("model") {
		t.Error("clearing Model did not remove the line")
	}
}

func TestSetThroughSymlinkKeepsLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "lsh.toml")
	os.MkdirAll(filepath.Dir(real), 0o755)
	os.WriteFile(real, []byte("# tracked in git\nmodel = \"a\"\n"), 0o644)
	link := filepath.Join(dir, "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	if err := Set(link, "model", "b"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced by a file")
	}
	if data, _ := os.ReadFile(real); string(data) != "# tracked in git\nmodel = \"b\"\n" {
		t.Errorf("target holds %q", data)
	}
}

func TestSetRefusesBrokenFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.toml")
	bad := "model = \"a\"\nthreads = \n"
	os.WriteFile(file, []byte(bad), 0o644)
	err := Set(file, "model", "b")
	if err == nil || !strings.Contains(err.Error(), file+":2:") {
		t.Fatalf("err = %v, want one naming %s:2", err, file)
	}
	if data, _ := os.ReadFile(file); string(data) != bad {
		t.Error("a file lsh cannot parse was changed")
	}
}

func TestQuoteStringRoundTrips(t *testing.T) {
	for _, s := range []string{"", "plain", `back\slash`, `"quoted"`, "tab\tnew\nline\r", "bell\x07 del\x7f", "ünïcödé ✓", `\u@\h:\w\$ `} {
		doc := "prompt = " + quoteString(s) + "\n"
		c, err := Parse("q.toml", []byte(doc))
		if err != nil {
			t.Errorf("%q: %v (doc %q)", s, err, doc)
			continue
		}
		if c.Prompt != s {
			t.Errorf("%q came back as %q", s, c.Prompt)
		}
	}
}

package builtins

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/store"
)

// storeEnv is a shell whose HOME and XDG folders are in a temporary
// directory, with the builtin's output captured.
type storeEnv struct {
	env            *Env
	out, errs      *bytes.Buffer
	vars           map[string]string
	paths          config.Paths
	configFile     string
	modelsDir, cwd string
}

func newStoreEnv(t *testing.T) *storeEnv {
	root := t.TempDir()
	se := &storeEnv{out: &bytes.Buffer{}, errs: &bytes.Buffer{}, cwd: filepath.Join(root, "work"),
		vars: map[string]string{"HOME": filepath.Join(root, "home"), "XDG_DATA_HOME": filepath.Join(root, "data")}}
	os.MkdirAll(se.cwd, 0o755)
	se.env = &Env{Stdout: se.out, Stderr: se.errs, Dir: se.cwd, Getenv: func(k string) string { return se.vars[k] }}
	p, err := config.PathsFromEnv(se.env.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	se.paths, se.configFile, se.modelsDir = p, p.ConfigFile, p.ModelsDir
	return se
}

func (se *storeEnv) run(fn Func, args ...string) int {
	se.out.Reset()
	se.errs.Reset()
	return fn(context.Background(), se.env, args)
}

// tinyModel is a valid GGUF "model": a llama with one Q8_0 tensor.
func tinyModel(t *testing.T, fill byte) []byte {
	w := gguf.NewWriter()
	w.Set("general.architecture", gguf.NewString("llama"))
	w.Set("general.file_type", gguf.NewUint32(7))
	data := bytes.Repeat([]byte{fill}, 256/32*34*64)
	if err := w.AddTensor("token_embd.weight", gguf.Q8_0, []uint64{256, 64}, data); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func put(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestModelListEmpty(t *testing.T) {
	se := newStoreEnv(t)
	if st := se.run(runModelList, "model list"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	if want := "No models in " + se.modelsDir + ".\n`model pull NAME` fetches one of: smollm2-360m,"; !strings.HasPrefix(se.out.String(), want) {
		t.Errorf("got %q", se.out)
	}
	if st := se.run(runModelList, "model list", "--bogus"); st != 2 {
		t.Errorf("bad flag: status %d", st)
	}
}

func TestModelListTableAndJSON(t *testing.T) {
	se := newStoreEnv(t)
	put(t, filepath.Join(se.modelsDir, "tiny.gguf"), tinyModel(t, 1))
	put(t, filepath.Join(se.modelsDir, "other.gguf"), tinyModel(t, 2))
	put(t, filepath.Join(se.modelsDir, "broken.gguf"), []byte("GGUF but cut"))
	put(t, filepath.Join(se.modelsDir, "big.gguf.part"), []byte("GGUF....."))
	put(t, filepath.Join(se.modelsDir, "big.gguf.part.json"), []byte(`{"url":"https://h.example/big.gguf","total":90}`))
	put(t, se.configFile, []byte("model = \"tiny\"\n"))

	if st := se.run(runModelList, "model list"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	lines := strings.Split(strings.TrimRight(se.out.String(), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines:\n%s", len(lines), se.out)
	}
	wantStart := []string{"  NAME", "  big ", "  broken ", "  other ", "* tiny ", "* the default model (from the config file)"}
	for i, w := range wantStart {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want it to start with %q", i, lines[i], w)
		}
	}
	for _, f := range []string{"llama", "Q8_0", "16K"} {
		if !strings.Contains(lines[4], f) {
			t.Errorf("tiny's line %q lacks %q", lines[4], f)
		}
	}
	if !strings.Contains(lines[2], "error: gguf:") {
		t.Errorf("broken line %q does not show the error", lines[2])
	}
	if !strings.Contains(lines[1], "unfinished download, 10% of 90 B: `model pull big` resumes it") {
		t.Errorf("partial line %q", lines[1])
	}

	// LSH_MODEL wins over the config, as for `?` requests.
	se.vars["LSH_MODEL"] = "other"
	se.run(runModelList, "model list", "--json")
	var got struct {
		ModelsDir string `json:"models_dir"`
		Default   string `json:"default"`
		From      string `json:"default_from"`
		Models    []struct {
			Name, Architecture, Quant, Error string
			Parameters                       uint64
			Default                          bool
			Partial                          *struct{ URL string }
		}
	}
	if err := json.Unmarshal(se.out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, se.out)
	}
	if got.ModelsDir != se.modelsDir || got.Default != filepath.Join(se.modelsDir, "other.gguf") || got.From != "LSH_MODEL" || len(got.Models) != 4 {
		t.Fatalf("%+v", got)
	}
	m := got.Models
	if m[0].Partial == nil || m[0].Partial.URL != "https://h.example/big.gguf" || m[1].Error == "" ||
		!m[2].Default || m[3].Default || m[3].Architecture != "llama" || m[3].Quant != "Q8_0" || m[3].Parameters != 256*64 {
		t.Errorf("models %+v", m)
	}

	// A setting that names nothing is said, and the list still shown.
	se.vars["LSH_MODEL"] = "/nowhere.gguf"
	if st := se.run(runModelList, "model list"); st != 0 || !strings.Contains(se.errs.String(), "LSH_MODEL=/nowhere.gguf: no such file") {
		t.Errorf("status %d, stderr %q", st, se.errs)
	}
}

func TestModelUse(t *testing.T) {
	se := newStoreEnv(t)
	put(t, filepath.Join(se.modelsDir, "tiny.gguf"), tinyModel(t, 1))
	put(t, filepath.Join(se.modelsDir, "broken.gguf"), []byte("<html>"))
	put(t, filepath.Join(se.cwd, "mine.gguf"), tinyModel(t, 3))
	original := "# my config\nmodel = \"old\"   # was\nthreads = 2\n"
	put(t, se.configFile, []byte(original))

	if st := se.run(runModelUse, "model use", "tiny"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	if got, _ := os.ReadFile(se.configFile); string(got) != "# my config\nmodel = \"tiny\"   # was\nthreads = 2\n" {
		t.Errorf("config now %q", got)
	}
	if want := "Default model: tiny (llama, 16K, Q8_0), saved in " + se.configFile + "\n"; se.out.String() != want {
		t.Errorf("said %q, want %q", se.out, want)
	}

	// A file outside the models folder is saved by absolute path.
	if st := se.run(runModelUse, "model use", "mine.gguf"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	if c, _ := config.Load(se.paths); c.Model != filepath.Join(se.cwd, "mine.gguf") {
		t.Errorf("model = %q", c.Model)
	}

	before, _ := os.ReadFile(se.configFile)
	for _, tt := range []struct{ arg, want string }{
		{"nope", `model use: nope: no model named "nope" in ` + se.modelsDir},
		{"broken", "model use: gguf: " + filepath.Join(se.modelsDir, "broken.gguf") + ": not a GGUF file"},
		{"/x/y.gguf", "model use: /x/y.gguf: no such file"},
	} {
		if st := se.run(runModelUse, "model use", tt.arg); st != 1 || !strings.HasPrefix(se.errs.String(), tt.want) {
			t.Errorf("%s: status %d, stderr %q, want %q", tt.arg, st, se.errs, tt.want)
		}
	}
	if after, _ := os.ReadFile(se.configFile); !bytes.Equal(before, after) {
		t.Error("a failed `model use` changed the config")
	}
	if st := se.run(runModelUse, "model use"); st != 2 {
		t.Errorf("no operand: status %d", st)
	}

	se.vars["LSH_MODEL"] = "other"
	se.run(runModelUse, "model use", "tiny")
	if !strings.Contains(se.errs.String(), "LSH_MODEL=other is set and wins") {
		t.Errorf("no note about LSH_MODEL: %q", se.errs)
	}
}

func TestModelPull(t *testing.T) {
	data := tinyModel(t, 9)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing.gguf" {
			http.NotFound(w, r)
			return
		}
		http.ServeContent(w, r, "m.gguf", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	se := newStoreEnv(t)

	if st := se.run(runModelPull, "model pull", srv.URL+"/files/My-Model.gguf"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	installed := filepath.Join(se.modelsDir, "My-Model.gguf")
	if got, _ := os.ReadFile(installed); !bytes.Equal(got, data) {
		t.Fatal("installed file differs")
	}
	errLines := strings.Split(strings.TrimSpace(se.errs.String()), "\n")
	if errLines[0] != "Downloading My-Model from "+srv.URL+"/files/My-Model.gguf" ||
		errLines[len(errLines)-1] != "100% "+store.HumanBytes(int64(len(data)))+" of "+store.HumanBytes(int64(len(data))) {
		t.Errorf("progress lines:\n%s", se.errs)
	}
	for _, want := range []string{"Installed My-Model (", "(no known checksum to verify it against)", "Default model set to My-Model"} {
		if !strings.Contains(se.out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, se.out)
		}
	}
	if c, _ := config.Load(se.paths); c.Model != "My-Model" {
		t.Errorf("default = %q", c.Model)
	}

	// Again: nothing to do. A second model does not take the default.
	se.run(runModelPull, "model pull", srv.URL+"/files/My-Model.gguf")
	if !strings.Contains(se.out.String(), "My-Model is already installed") {
		t.Errorf("stdout %q", se.out)
	}
	if st := se.run(runModelPull, "model pull", "--as", "second", "--sha256", sha256hex(data), srv.URL+"/x"); st != 0 {
		t.Fatalf("status %d: %s", st, se.errs)
	}
	if !strings.Contains(se.out.String(), "verified") || strings.Contains(se.out.String(), "Default model set") {
		t.Errorf("stdout %q", se.out)
	}

	for _, tt := range []struct {
		args   []string
		status int
		want   string
	}{
		{[]string{srv.URL + "/missing.gguf"}, 1, "model pull: " + srv.URL + "/missing.gguf: not found (HTTP 404)"},
		{[]string{"--as", "bad", "--sha256", strings.Repeat("0", 64), srv.URL + "/x"}, 1, "SHA-256 mismatch"},
		{[]string{"gpt-9"}, 2, `model pull: "gpt-9" is neither a known model`},
		{[]string{}, 2, "model pull: which model? A URL of a .gguf file, or one of:\n  smollm2-360m  270.6 MB"},
		{[]string{"a", "b"}, 2, "one model at a time"},
	} {
		if st := se.run(runModelPull, append([]string{"model pull"}, tt.args...)...); st != tt.status || !strings.Contains(se.errs.String(), tt.want) {
			t.Errorf("%q: status %d, stderr %q; want %d and %q", tt.args, st, se.errs, tt.status, tt.want)
		}
	}
	if exists := fileExists(filepath.Join(se.modelsDir, "bad.gguf")); exists {
		t.Error("a file with a bad checksum was installed")
	}
}

func TestModelPullCancelled(t *testing.T) {
	data := tinyModel(t, 5)
	ctx, cancel := context.WithCancel(context.Background())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		w.Write(data[:4096])
		w.(http.Flusher).Flush()
		time.Sleep(50 * time.Millisecond)
		cancel()
		<-r.Context().Done()
	}))
	defer srv.Close()
	se := newStoreEnv(t)
	se.out.Reset()
	st := runModelPull(ctx, se.env, []string{"model pull", srv.URL + "/c.gguf"})
	if st != 130 || !strings.Contains(se.errs.String(), "model pull: download stopped") {
		t.Errorf("status %d, stderr %q", st, se.errs)
	}
	if fileExists(filepath.Join(se.modelsDir, "c.gguf")) {
		t.Error("a cancelled pull installed a file")
	}
}

func TestProgressLine(t *testing.T) {
	tests := []struct {
		p    store.Progress
		want string
	}{
		{store.Progress{Done: 80_100_000, Total: 668_788_096, Rate: 25_300_000}, "11% 80.1 MB of 668.8 MB, 25.3 MB/s"},
		{store.Progress{Done: 668_788_096, Total: 668_788_096, Rate: 25e6, Finished: true}, "100% 668.8 MB of 668.8 MB"},
		{store.Progress{Done: 5_000, Total: -1, Rate: 1_500}, "5.0 kB, 1.5 kB/s"},
		{store.Progress{Done: 0, Total: 1_200_000_000}, "0% 0 B of 1.20 GB"},
	}
	for _, tt := range tests {
		if got := progressLine(tt.p); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestPullModelView(t *testing.T) {
	cancelled := false
	var m tea.Model = newPullModel("qwen2.5-0.5b", func() { cancelled = true })
	if v := m.View().Content; !strings.Contains(v, "Connecting for qwen2.5-0.5b") {
		t.Errorf("before any progress: %q", v)
	}
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	m, _ = m.Update(pullProgressMsg(store.Progress{Done: 1_000_000, Total: 4_000_000, Rate: 2_000_000}))
	v := m.View().Content
	for _, want := range []string{"qwen2.5-0.5b ", "25%", "1.0 MB of 4.0 MB, 2.0 MB/s"} {
		if !strings.Contains(v, want) {
			t.Errorf("view %q lacks %q", v, want)
		}
	}
	stop := interruptStops(m, tea.InterruptMsg{})
	if _, ok := stop.(pullStopMsg); !ok {
		t.Fatalf("SIGINT becomes %T, want pullStopMsg", stop)
	}
	m, cmd := m.Update(stop)
	if !cancelled || cmd != nil || !strings.Contains(m.View().Content, "Stopping") {
		t.Errorf("Ctrl-C: cancelled %v, view %q", cancelled, m.View().Content)
	}
	_, cmd = m.Update(pullDoneMsg{})
	if cmd == nil {
		t.Fatal("done without quitting")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("done does not quit the program")
	}
}

func sha256hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

package builtins

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llamashell/lsh/llm/serve"
)

// lockedBuffer is a bytes.Buffer written by the builtin's goroutine and
// read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// `model serve` answers the OpenAI API on the address it prints, logs
// each request, and returns 0 when its context is cancelled (Ctrl-C).
func TestModelServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	fn, _ := Lookup("model")
	env := &Env{Stdout: &out, Stderr: &errOut, Dir: t.TempDir(), Getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- fn(ctx, env, []string{"model", "serve", "-m", testdataPath(t, "models/stories260K.gguf"), "--addr", "127.0.0.1:0", "--name", "tiny"})
	}()
	re := regexp.MustCompile(`serving tiny on (http://127\.0\.0\.1:\d+/v1)`)
	var base string
	for start := time.Now(); base == ""; time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("no address printed: %q %q", out.String(), errOut.String())
		}
	}
	resp, err := http.Get(base + "/models")
	if err != nil {
		t.Fatal(err)
	}
	var list serve.ModelList
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Data) != 1 || list.Data[0].ID != "tiny" {
		t.Errorf("models: %+v", list)
	}
	resp, err = http.Post(base+"/chat/completions", "application/json", strings.NewReader(`{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("chat: %v %v", resp, err)
	}
	resp.Body.Close()
	cancel()
	select {
	case status := <-done:
		if status != 0 {
			t.Errorf("status %d: %s", status, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("model serve did not stop when cancelled")
	}
	if log := errOut.String(); !strings.Contains(log, "GET /v1/models 200") || !strings.Contains(log, "POST /v1/chat/completions 200") {
		t.Errorf("request log: %q", log)
	}
}

func TestModelServeErrors(t *testing.T) {
	bg := context.Background()
	model := testdataPath(t, "models/stories260K.gguf")
	home := t.TempDir()
	for _, c := range []struct {
		args   []string
		status int
		stderr string
	}{
		{[]string{"serve"}, 2, "which model?"},
		{[]string{"serve", "-m", "/no/such.gguf"}, 1, "/no/such.gguf"},
		{[]string{"serve", "-m", model, "--addr", "256.0.0.1:1"}, 1, "256.0.0.1"},
		{[]string{"serve", "-m", model, "--template", "vicuna"}, 1, `unknown template family "vicuna"`},
		{[]string{"serve", "-m", model, "extra"}, 2, "usage: model serve"},
		{[]string{"serve", "-m", model, "--cache-type", "q8_0"}, 2, `--cache-type "q8_0": want f32 or f16`},
	} {
		var out, errOut bytes.Buffer
		fn, _ := Lookup("model")
		env := &Env{Stdout: &out, Stderr: &errOut, Dir: home, Getenv: func(k string) string {
			if k == "HOME" {
				return home
			}
			return ""
		}}
		status := fn(bg, env, append([]string{"model"}, c.args...))
		stderr := errOut.String()
		if status != c.status || !strings.Contains(stderr, c.stderr) {
			t.Errorf("%v: status %d, stderr %q; want %d and %q", c.args, status, stderr, c.status, c.stderr)
		}
	}
}

package intents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/serve"
)

// startServe runs lsh's own OpenAI-compatible server (model serve) with
// stories260K on a real listener.
func startServe(t *testing.T) *httptest.Server {
	t.Helper()
	m, err := llm.Load(storiesModel)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, err := serve.New(m, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs
}

// The --endpoint client against lsh's own server: the schema it sends is
// enforced there, so even stories260K answers with valid intents whose
// commands begin with this host's programs, streamed or whole.
func TestRemoteAgainstServe(t *testing.T) {
	hs := startServe(t)
	h := modelHost(t)
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			// A URL without a path gets /v1; the model name comes from /v1/models.
			r := NewRemoteResolver(RemoteOptions{URL: hs.URL, Host: h, Commands: testCommands, Stream: stream, MaxTokens: 256})
			for _, text := range testRequests {
				req := Request{Text: text, Dir: h.Home, Home: h.Home}
				chunks := 0
				in, err := r.ResolveProgress(context.Background(), req, func(p Progress) {
					if p.Phase == PhaseGenerating {
						chunks = p.Tokens
					}
				})
				if err != nil {
					t.Fatalf("%q: %v", text, err)
				}
				checkModelIntent(t, in, req)
				if stream && chunks == 0 {
					t.Errorf("%q: no progress while streaming", text)
				}
			}
			if r.model != "stories260K" {
				t.Errorf("model %q, want the server's", r.model)
			}
		})
	}
}

// An engine with an endpoint uses it, and never loads a local model.
func TestEngineEndpoint(t *testing.T) {
	hs := startServe(t)
	h := modelHost(t)
	e, err := NewEngine(EngineOptions{Endpoint: hs.URL + "/v1", ModelPath: "/no/such/file.gguf", Mode: ModeModel, Host: h, Commands: testCommands})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	req := Request{Text: "show disk usage", Dir: h.Home}
	in, err := e.Resolve(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkModelIntent(t, in, req)
	if e.local != nil {
		t.Error("a local model was loaded")
	}
}

// Whatever a server does, its reply is checked here: a command whose
// program is not installed is not proposed, a server's error is reported
// with its message, and a cancelled request returns at once.
func TestRemoteChecks(t *testing.T) {
	reply := `{"kind":"command","command":"fdisk /dev/sda","explanation":"Partitions."}`
	hold := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sekrit" {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"bad key","type":"invalid_request_error"}}`)
			return
		}
		if strings.Contains(r.URL.RawQuery, "slow") {
			<-hold
		}
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, reply)
	})
	mux.HandleFunc("/v1/slow/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
	})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	defer close(hold)
	h := modelHost(t)
	req := Request{Text: "partition my disk", Dir: h.Home}

	r := NewRemoteResolver(RemoteOptions{URL: hs.URL + "/v1", Model: "m", APIKey: "sekrit", Host: h, Commands: testCommands})
	in, err := r.Resolve(context.Background(), req)
	if err != nil || in.Kind != KindAnswer || !strings.Contains(in.Text, "fdisk is not installed") || in.Command != "" {
		t.Errorf("a command of a program not installed: %+v, %v", in, err)
	}

	r = NewRemoteResolver(RemoteOptions{URL: hs.URL + "/v1", Model: "m", APIKey: "wrong", Host: h, Commands: testCommands})
	if _, err = r.Resolve(context.Background(), req); err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "bad key") {
		t.Errorf("a server's error: %v", err)
	}

	r = NewRemoteResolver(RemoteOptions{URL: hs.URL + "/v1/slow", Model: "m", Host: h, Commands: testCommands})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err = r.Resolve(ctx, req); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("a cancelled request: %v after %v", err, time.Since(start))
	}
}

// An answer streamed by a server reaches the progress callback as prose
// that only grows, cut escapes and characters held back, whatever the
// chunks' boundaries.
func TestRemoteStreamsProse(t *testing.T) {
	const text = "A hard link is a second name for the same file; \"ln\" makes one — a symlink (ln -s) is a pointer."
	reply, _ := json.Marshal(map[string]string{"kind": "answer", "text": text})
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(reply); i += 3 { // 3-byte chunks split escapes and the dash's UTF-8
			chunk, _ := json.Marshal(string(reply[i:min(i+3, len(reply))]))
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", chunk)
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	h := modelHost(t)
	r := NewRemoteResolver(RemoteOptions{URL: hs.URL + "/v1", Model: "m", Host: h, Commands: testCommands, Stream: true})
	var shown []string
	in, err := r.ResolveProgress(context.Background(), Request{Text: "what is a hard link", Dir: h.Home}, func(p Progress) {
		shown = append(shown, p.Text)
	})
	if err != nil || in.Kind != KindAnswer || in.Text != text {
		t.Fatalf("the answer: %+v, %v", in, err)
	}
	prev := ""
	for i, s := range shown {
		if !strings.HasPrefix(s, prev) || !strings.HasPrefix(text, s) {
			t.Fatalf("report %d shows %q after %q: not a growing prefix of the answer", i, s, prev)
		}
		prev = s
	}
	if prev != text || len(shown) < 10 {
		t.Errorf("%d reports, the last showing %q; want many, ending with the whole answer", len(shown), prev)
	}
}

package intents

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/llamashell/lsh/llm/chat"
	"github.com/llamashell/lsh/llm/serve"
)

// RemoteOptions configure a RemoteResolver.
type RemoteOptions struct {
	// URL is the server's API base, "http://HOST:PORT/v1"; a URL with no
	// path gets /v1.
	URL string
	// Model is the model name to ask for; "" asks GET /v1/models and
	// takes the first.
	Model string
	// APIKey, when set, is sent as a bearer token.
	APIKey string
	// Commands are the words a command may begin with here: sent in the
	// schema (for servers that honour x-lsh-first-word, as lsh's does)
	// and checked in the reply (for those that do not). nil means
	// HostCommands($PATH, nil).
	Commands []string
	// Host describes this machine for the prompt; nil means DetectHost().
	Host *Host
	// Stream asks for the reply as server-sent events, so progress can
	// be reported as tokens arrive.
	Stream bool
	// MaxTokens bounds the reply; 0 means 512.
	MaxTokens int
	// Timeout bounds a request; 0 means two minutes.
	Timeout time.Duration
	// Client is the HTTP client; nil means one with Timeout.
	Client *http.Client
}

// RemoteResolver resolves requests with a model behind an OpenAI-compatible
// chat completions API (lsh's `model serve`, llama.cpp's server, Ollama,
// vLLM): the same prompt as a local model, the intent schema sent as
// response_format json_schema, and the reply checked and risk-rated here
// as any model's.
type RemoteResolver struct {
	opts    RemoteOptions
	base    string
	client  *http.Client
	allowed map[string]bool

	mu    sync.Mutex
	model string
}

// NewRemoteResolver returns a resolver for the server at opts.URL. It does
// not connect until the first request.
func NewRemoteResolver(opts RemoteOptions) *RemoteResolver {
	if opts.Host == nil {
		opts.Host = DetectHost()
	}
	if opts.Commands == nil {
		opts.Commands = HostCommands(pathEnv(), nil)
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 512
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Timeout: opts.Timeout}
	}
	base := strings.TrimSuffix(opts.URL, "/")
	if u, err := url.Parse(base); err == nil && (u.Path == "" || u.Path == "/") {
		base += "/v1"
	}
	r := &RemoteResolver{opts: opts, base: base, client: client, model: opts.Model, allowed: map[string]bool{}}
	for _, c := range opts.Commands {
		r.allowed[c] = true
	}
	return r
}

// Resolve implements Resolver.
func (r *RemoteResolver) Resolve(ctx context.Context, req Request) (Intent, error) {
	return r.ResolveProgress(ctx, req, nil)
}

// ResolveProgress is Resolve reporting progress to fn (which may be nil);
// tokens are counted as streamed chunks arrive.
func (r *RemoteResolver) ResolveProgress(ctx context.Context, req Request, fn func(Progress)) (Intent, error) {
	if strings.TrimSpace(req.Text) == "" {
		return Intent{}, errors.New("intents: empty request")
	}
	start := time.Now()
	if fn != nil {
		fn(Progress{Phase: PhasePrompt})
	}
	model, err := r.modelName(ctx)
	if err != nil {
		return Intent{}, err
	}
	home := req.Home
	if home == "" {
		home = r.opts.Host.Home
	}
	var msgs []serve.Message
	for _, m := range append(fixedMessages(r.opts.Host), chat.Message{Role: chat.User, Content: requestMessage(req, home)}) {
		msgs = append(msgs, serve.Message{Role: string(m.Role), Content: m.Content})
	}
	zero := 0.0
	body, err := json.Marshal(serve.ChatRequest{Model: model, Messages: msgs, Stream: r.opts.Stream, MaxTokens: r.opts.MaxTokens,
		Temperature: &zero, ResponseFormat: &serve.ResponseFormat{Type: "json_schema",
			JSONSchema: &serve.JSONSchema{Name: "lsh_intent", Strict: true, Schema: IntentSchema(r.opts.Commands)}}})
	if err != nil {
		return Intent{}, err
	}
	resp, err := r.do(ctx, http.MethodPost, "/chat/completions", body)
	if err != nil {
		return Intent{}, err
	}
	defer resp.Body.Close()
	var text string
	if r.opts.Stream {
		text, err = readStream(resp.Body, func(n int, sofar []byte) {
			if fn != nil {
				el := time.Since(start)
				fn(Progress{Phase: PhaseGenerating, Tokens: n, TokensPerSecond: float64(n) / el.Seconds(), Elapsed: el,
					Text: streamedProse(sofar)})
			}
		})
	} else {
		var cr serve.ChatResponse
		if err = json.NewDecoder(resp.Body).Decode(&cr); err == nil {
			if len(cr.Choices) == 0 {
				err = errors.New("the reply has no choices")
			} else {
				text = cr.Choices[0].Message.Content
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return Intent{}, ctx.Err()
		}
		return Intent{}, fmt.Errorf("intents: %s: %w", r.base, err)
	}
	return finish([]byte(text), req, 0, finishOptions{home: home, commands: func(w string) bool { return r.allowed[w] }})
}

// modelName is the configured model, or the server's first.
func (r *RemoteResolver) modelName(ctx context.Context) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.model != "" {
		return r.model, nil
	}
	resp, err := r.do(ctx, http.MethodGet, "/models", nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var list serve.ModelList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Data) == 0 {
		return "", fmt.Errorf("intents: %s/models lists no model (name one with the endpoint's model setting)", r.base)
	}
	r.model = list.Data[0].ID
	return r.model, nil
}

// do sends a request and returns a successful response, or an error
// carrying the server's own message.
func (r *RemoteResolver) do(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hr, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("intents: endpoint: %w", err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.opts.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+r.opts.APIKey)
	}
	resp, err := r.client.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("intents: endpoint: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var er serve.ErrorResponse
		msg := strings.TrimSpace(string(data))
		if json.Unmarshal(data, &er) == nil && er.Error.Message != "" {
			msg = er.Error.Message
		}
		return nil, fmt.Errorf("intents: %s%s: %s: %s", r.base, path, resp.Status, clip(msg, 300))
	}
	return resp, nil
}

// readStream reads server-sent chat chunks until [DONE] and returns the
// text; progress gets the number of chunks with content so far (one per
// token for llama.cpp's server and lsh's, roughly so for others).
func readStream(body io.Reader, progress func(chunks int, sofar []byte)) (string, error) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var text []byte
	n := 0
	for sc.Scan() {
		line := sc.Text()
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue // comments, event names, blank separators
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			return string(text), nil
		}
		var ch serve.ChatChunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return "", fmt.Errorf("a stream event is not a chat chunk: %w", err)
		}
		if len(ch.Choices) > 0 && ch.Choices[0].Delta.Content != "" {
			text = append(text, ch.Choices[0].Delta.Content...)
			n++
			progress(n, text)
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("the stream ended before [DONE]")
}

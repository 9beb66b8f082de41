// Package serve exposes one local model as an OpenAI-compatible chat
// server — POST /v1/chat/completions (with "stream": true as server-sent
// events, and response_format json_schema enforced by llm/grammar) and
// GET /v1/models — so one machine's model can serve many shells, and any
// client of llama.cpp's server, Ollama or vLLM can use it.
//
// Requests are served one at a time, in arrival order (the engine already
// uses every core for one); the session is kept between requests, so a
// prompt that begins like the previous one (the same system prompt) only
// costs its new tokens.
package serve

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/llamashell/lsh/llm"
	"github.com/llamashell/lsh/llm/chat"
	"github.com/llamashell/lsh/llm/grammar"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// Options configure a Server.
type Options struct {
	// Name is the model's id in /v1/models and replies; "" means the
	// file's name without .gguf.
	Name string
	// Context is the session's context in tokens; 0 means the model's,
	// at most 4096.
	Context int
	// Template forces a chat family (llm/chat); "" detects it.
	Template string
	// Log, when set, receives one line per request.
	Log io.Writer
}

// Server answers chat requests with one model. It is an http.Handler.
type Server struct {
	model   *llm.Model
	name    string
	tok     *tokenizer.Tokenizer
	tmpl    chat.Template
	created int64
	log     io.Writer

	turn chan struct{} // holds one token: the right to use the session
	sess *llm.Session

	gmu      sync.Mutex
	vocab    *grammar.Vocab
	grammars map[[32]byte]*grammar.Grammar
}

// maxBody bounds a request body; a schema listing a host's commands is
// tens of kilobytes.
const maxBody = 8 << 20

// New prepares a server for m.
func New(m *llm.Model, opts Options) (*Server, error) {
	tok, err := m.Tokenizer()
	if err != nil {
		return nil, err
	}
	tmpl, err := chat.Choose(m.File(), tok, opts.Template)
	if err != nil {
		return nil, err
	}
	sess, err := m.NewSession(opts.Context)
	if err != nil {
		return nil, err
	}
	name := opts.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(m.Path), ".gguf")
	}
	s := &Server{model: m, name: name, tok: tok, tmpl: tmpl, created: time.Now().Unix(), log: opts.Log,
		turn: make(chan struct{}, 1), sess: sess, grammars: map[[32]byte]*grammar.Grammar{}}
	s.turn <- struct{}{}
	return s, nil
}

// Name is the model's id.
func (s *Server) Name() string { return s.name }

// ServeHTTP routes the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: 200}
	switch strings.TrimSuffix(r.URL.Path, "/") {
	case "/v1/chat/completions", "/chat/completions":
		if r.Method != http.MethodPost {
			fail(rec, http.StatusMethodNotAllowed, "invalid_request_error", "use POST for %s", r.URL.Path)
			break
		}
		s.chat(rec, r)
	case "/v1/models", "/models":
		if r.Method != http.MethodGet {
			fail(rec, http.StatusMethodNotAllowed, "invalid_request_error", "use GET for %s", r.URL.Path)
			break
		}
		writeJSON(rec, http.StatusOK, ModelList{Object: "list", Data: []ModelInfo{{ID: s.name, Object: "model", Created: s.created, OwnedBy: "lsh"}}})
	default:
		fail(rec, http.StatusNotFound, "invalid_request_error", "no such endpoint %s %s (this server has POST /v1/chat/completions and GET /v1/models)", r.Method, r.URL.Path)
	}
	if s.log != nil {
		fmt.Fprintf(s.log, "%s %s %s %d %s%s\n", time.Now().Format("15:04:05"), r.Method, r.URL.Path, rec.status,
			time.Since(start).Round(time.Millisecond), rec.note)
	}
}

// chat serves one chat completion.
func (s *Server) chat(w *recorder, r *http.Request) {
	var req ChatRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	if err := dec.Decode(&req); err != nil {
		fail(w, http.StatusBadRequest, "invalid_request_error", "the request body is not a chat request: %v", err)
		return
	}
	msgs, err := messages(req.Messages)
	if err != nil {
		fail(w, http.StatusBadRequest, "invalid_request_error", "%v", err)
		return
	}
	stops, err := stopStrings(req.Stop)
	if err != nil {
		fail(w, http.StatusBadRequest, "invalid_request_error", "%v", err)
		return
	}
	var gram *grammar.Grammar
	if f := req.ResponseFormat; f != nil {
		switch f.Type {
		case "", "text":
		case "json_schema":
			if f.JSONSchema == nil || len(f.JSONSchema.Schema) == 0 {
				fail(w, http.StatusBadRequest, "invalid_request_error", "response_format json_schema needs json_schema.schema")
				return
			}
			if gram, err = s.grammar(f.JSONSchema.Schema); err != nil {
				fail(w, http.StatusBadRequest, "invalid_request_error", "response_format: %v", err)
				return
			}
		case "json_object":
			fail(w, http.StatusBadRequest, "invalid_request_error", "response_format json_object is not supported: give a json_schema (the subset is in llm/grammar's documentation)")
			return
		default:
			fail(w, http.StatusBadRequest, "invalid_request_error", "unknown response_format type %q", f.Type)
			return
		}
	}
	sampling := llm.DefaultSampling
	sampling.Seed = uint64(time.Now().UnixNano())
	if req.Temperature != nil {
		sampling.Temperature = float32(*req.Temperature)
	}
	if req.TopP != nil {
		sampling.TopP = float32(*req.TopP)
	}
	if req.Seed != nil {
		sampling.Seed = uint64(*req.Seed)
	}
	maxTokens := req.MaxTokens
	if req.MaxCompletionTokens > 0 {
		maxTokens = req.MaxCompletionTokens
	}
	if maxTokens < 0 || sampling.Temperature < 0 || math.IsNaN(float64(sampling.Temperature)) {
		fail(w, http.StatusBadRequest, "invalid_request_error", "max_tokens and temperature must not be negative")
		return
	}
	prompt := s.tmpl.Encode(s.tok, msgs, true)

	ctx := r.Context()
	select {
	case <-s.turn:
	case <-ctx.Done():
		return // the client gave up while queued
	}
	defer func() { s.turn <- struct{}{} }()
	if room := s.sess.ContextSize() - len(prompt); room < 1 {
		fail(w, http.StatusBadRequest, "invalid_request_error", "the prompt is %d tokens; the context holds %d", len(prompt), s.sess.ContextSize())
		return
	}

	id := fmt.Sprintf("chatcmpl-%x", time.Now().UnixNano())
	out := &stream{w: w, on: req.Stream, id: id, model: s.name, created: time.Now().Unix()}
	var text string
	var generated int
	finish := "stop"
	if gram != nil {
		res, err := grammar.Generate(ctx, s.sess, prompt, gram, grammar.GenerateOptions{
			Sampler: llm.NewSampler(sampling), MaxTokens: maxTokens,
			OnToken: func(p grammar.Progress) error { return out.send(p.Text) },
		})
		if res != nil {
			generated = len(res.Tokens)
			text = string(res.Text)
		}
		if err != nil {
			out.abort(err)
			return
		}
	} else {
		var sent []byte
		g, err := s.sess.Generate(ctx, prompt, llm.GenerateOptions{
			MaxTokens: maxTokens, Sampling: sampling, Stop: append(stops, s.tmpl.Stops()...),
			OnText: func(t string) error { sent = append(sent, t...); return out.send(sent) },
		})
		if g != nil {
			generated = len(g.Tokens)
			text = g.Text
			if g.Stop == llm.StopMaxTokens || g.Stop == llm.StopContextFull {
				finish = "length"
			}
		}
		if err != nil {
			out.abort(err)
			return
		}
	}
	w.note = fmt.Sprintf(" prompt %d tokens, reply %d", len(prompt), generated)
	if req.Stream {
		out.end([]byte(text), finish)
		return
	}
	writeJSON(w, http.StatusOK, ChatResponse{ID: id, Object: "chat.completion", Created: out.created, Model: s.name,
		Choices: []Choice{{Message: Message{Role: "assistant", Content: text}, FinishReason: finish}},
		Usage:   Usage{PromptTokens: len(prompt), CompletionTokens: generated, TotalTokens: len(prompt) + generated}})
}

// grammar compiles a schema for the model's vocabulary, or returns the
// one compiled for the same schema before.
func (s *Server) grammar(schema []byte) (*grammar.Grammar, error) {
	key := sha256.Sum256(schema)
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if g, ok := s.grammars[key]; ok {
		return g, nil
	}
	prog, err := grammar.FromSchema(schema)
	if err != nil {
		return nil, err
	}
	if s.vocab == nil {
		if s.tok.VocabSize() > s.model.Config.Vocab {
			return nil, fmt.Errorf("the tokenizer has %d tokens but the model scores only %d: output cannot be constrained", s.tok.VocabSize(), s.model.Config.Vocab)
		}
		if s.vocab, err = grammar.NewVocab(s.tok); err != nil {
			return nil, err
		}
	}
	g, err := grammar.New(prog, s.vocab)
	if err != nil {
		return nil, err
	}
	if len(s.grammars) >= 8 {
		clear(s.grammars) // a few clients, a few schemas: no need for LRU
	}
	s.grammars[key] = g
	return g, nil
}

// messages checks the roles and maps them to the template's.
func messages(in []Message) ([]chat.Message, error) {
	if len(in) == 0 {
		return nil, errors.New("messages is empty")
	}
	out := make([]chat.Message, len(in))
	for i, m := range in {
		role := chat.Role(m.Role)
		switch m.Role {
		case "system", "developer":
			role = chat.System
		case "user", "assistant":
		default:
			return nil, fmt.Errorf("messages[%d]: role %q is not supported (system, developer, user, assistant)", i, m.Role)
		}
		out[i] = chat.Message{Role: role, Content: m.Content}
	}
	return out, nil
}

// stopStrings reads "stop": a string or an array of strings.
func stopStrings(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("stop must be a string or an array of strings")
	}
	return many, nil
}

// stream writes a reply as server-sent events when on, else collects
// nothing (the reply is written whole at the end).
type stream struct {
	w       *recorder
	on      bool
	id      string
	model   string
	created int64
	started bool
	sent    int // bytes of the text already sent
}

// send sends what text has beyond what was sent, up to the last complete
// UTF-8 character.
func (s *stream) send(text []byte) error {
	if !s.on {
		return nil
	}
	end := len(text)
	for end > s.sent && !utf8.Valid(text[s.sent:end]) {
		end--
	}
	if end == s.sent && s.started {
		return nil
	}
	return s.chunk(Delta{Content: string(text[s.sent:end])}, nil, end)
}

func (s *stream) chunk(d Delta, finish *string, sent int) error {
	if !s.started {
		s.w.Header().Set("Content-Type", "text/event-stream")
		s.w.Header().Set("Cache-Control", "no-cache")
		s.w.WriteHeader(http.StatusOK)
		s.started = true
		d.Role = "assistant"
	}
	data, _ := json.Marshal(ChatChunk{ID: s.id, Object: "chat.completion.chunk", Created: s.created, Model: s.model,
		Choices: []ChunkChoice{{Delta: d, FinishReason: finish}}})
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", data); err != nil {
		return err
	}
	s.sent = sent
	if f, ok := s.w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

// end sends the rest of the text and the finish reason, then [DONE].
func (s *stream) end(text []byte, finish string) {
	if s.sent < len(text) || !s.started {
		s.chunk(Delta{Content: string(text[s.sent:])}, nil, len(text))
	}
	s.chunk(Delta{}, &finish, len(text))
	fmt.Fprint(s.w, "data: [DONE]\n\n")
	if f, ok := s.w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// abort reports a failure: as an error reply if nothing was sent yet,
// else by ending the stream without [DONE] (the client sees it cut).
func (s *stream) abort(err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		s.w.note = " cancelled"
		return
	}
	if !s.started {
		fail(s.w, http.StatusInternalServerError, "server_error", "%v", err)
		return
	}
	s.w.note = " failed: " + err.Error()
}

// recorder remembers the status for the log.
type recorder struct {
	http.ResponseWriter
	status int
	note   string
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, typ, format string, args ...any) {
	writeJSON(w, status, ErrorResponse{Error: ErrorBody{Message: fmt.Sprintf(format, args...), Type: typ}})
}

// Serve serves h on ln until ctx is cancelled, then shuts down
// gracefully: the listener closes, requests in flight are cancelled (a
// generation stops within a token) and answered, and Serve returns nil.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, BaseContext: func(net.Listener) context.Context { return ctx },
		ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-done
	return err
}

package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llamashell/lsh/llm"
)

const stories = "../../testdata/models/stories260K.gguf"

func newServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	m, err := llm.Load(stories)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	s, err := New(m, Options{Context: 512})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return s, hs
}

func post(t *testing.T, url, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

func TestModels(t *testing.T) {
	_, hs := newServer(t)
	resp, err := http.Get(hs.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list ModelList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || list.Object != "list" || len(list.Data) != 1 ||
		list.Data[0].ID != "stories260K" || list.Data[0].Object != "model" {
		t.Errorf("models: %+v, %v", list, err)
	}
}

// Bad requests get a 4xx with an OpenAI-style error saying what is wrong.
func TestBadRequests(t *testing.T) {
	_, hs := newServer(t)
	chat := hs.URL + "/v1/chat/completions"
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	cases := []struct {
		body   string
		status int
		want   string
	}{
		{`{"messages":`, 400, "not a chat request"},
		{`{"messages":[]}`, 400, "messages is empty"},
		{`{"messages":[{"role":"tool","content":"x"}]}`, 400, `role "tool" is not supported`},
		{`{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`, 400, "not a chat request"},
		{`{` + msgs + `,"response_format":{"type":"json_object"}}`, 400, "json_object is not supported"},
		{`{` + msgs + `,"response_format":{"type":"xml"}}`, 400, `unknown response_format type "xml"`},
		{`{` + msgs + `,"response_format":{"type":"json_schema"}}`, 400, "needs json_schema.schema"},
		{`{` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}}}}`,
			400, `/properties/n/type: type "integer" is not supported`},
		{`{` + msgs + `,"stop":5}`, 400, "stop must be a string"},
		{`{` + msgs + `,"max_tokens":-1}`, 400, "must not be negative"},
	}
	for _, c := range cases {
		resp, body := post(t, chat, c.body)
		var er ErrorResponse
		json.Unmarshal([]byte(body), &er)
		if resp.StatusCode != c.status || !strings.Contains(er.Error.Message, c.want) || er.Error.Type != "invalid_request_error" {
			t.Errorf("%s: %d %s; want %d and %q", c.body, resp.StatusCode, body, c.status, c.want)
		}
	}
	resp, _ := http.Get(chat)
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET chat: %d", resp.StatusCode)
	}
	resp, _ = http.Get(hs.URL + "/v1/embeddings")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

// readSSE reads a streamed reply: the content and the finish reason.
func readSSE(t *testing.T, r io.Reader) (content, finish string, chunks int) {
	t.Helper()
	sc := bufio.NewScanner(r)
	done := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not an event line: %q", line)
		}
		if data == "[DONE]" {
			done = true
			continue
		}
		var ch ChatChunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil || ch.Object != "chat.completion.chunk" || len(ch.Choices) != 1 {
			t.Fatalf("chunk %s: %v", data, err)
		}
		if chunks == 0 && ch.Choices[0].Delta.Role != "assistant" {
			t.Errorf("the first chunk has no role: %s", data)
		}
		chunks++
		content += ch.Choices[0].Delta.Content
		if f := ch.Choices[0].FinishReason; f != nil {
			finish = *f
		}
	}
	if !done {
		t.Error("no [DONE]")
	}
	return content, finish, chunks
}

// Free text, streamed and whole, greedy: the same tokens either way.
func TestChatText(t *testing.T) {
	_, hs := newServer(t)
	body := `{"model":"x","messages":[{"role":"system","content":"Tell stories."},{"role":"user","content":"Once upon a time"}],"max_tokens":12,"temperature":0}`
	resp, data := post(t, hs.URL+"/v1/chat/completions", body)
	var cr ChatResponse
	if err := json.Unmarshal([]byte(data), &cr); err != nil || resp.StatusCode != 200 || len(cr.Choices) != 1 {
		t.Fatalf("%d %s: %v", resp.StatusCode, data, err)
	}
	c := cr.Choices[0]
	if c.Message.Role != "assistant" || c.Message.Content == "" || cr.Object != "chat.completion" || cr.Model != "stories260K" ||
		cr.Usage.CompletionTokens > 12 || (c.FinishReason == "length") != (cr.Usage.CompletionTokens == 12) ||
		cr.Usage.TotalTokens != cr.Usage.PromptTokens+cr.Usage.CompletionTokens {
		t.Errorf("reply %+v", cr)
	}
	resp, err := http.Post(hs.URL+"/v1/chat/completions", "application/json", strings.NewReader(strings.Replace(body, `"x",`, `"x","stream":true,`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	content, finish, chunks := readSSE(t, resp.Body)
	if content != c.Message.Content || finish != c.FinishReason || chunks < 3 {
		t.Errorf("streamed %q (%s, %d chunks), whole %q (%s)", content, finish, chunks, c.Message.Content, c.FinishReason)
	}
}

// With a json_schema response format the reply is always a text of the
// schema, here from a model that has never seen JSON, and the streamed
// chunks add up to it.
func TestChatSchema(t *testing.T) {
	_, hs := newServer(t)
	schema := `{"type":"object","properties":{"mood":{"enum":["happy","sad"]},"why":{"type":"string","minLength":1,"maxLength":40},
		"tags":{"type":"array","items":{"type":"string","maxLength":10},"maxItems":2}},"required":["mood","why","tags"],"additionalProperties":false}`
	for seed := range 8 {
		stream := seed%2 == 1
		body := `{"messages":[{"role":"user","content":"How are you?"}],"temperature":1,"seed":` + string(rune('0'+seed)) +
			`,"stream":` + map[bool]string{true: "true", false: "false"}[stream] +
			`,"response_format":{"type":"json_schema","json_schema":{"name":"m","strict":true,"schema":` + schema + `}}}`
		var content string
		if stream {
			resp, err := http.Post(hs.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			content, _, _ = readSSE(t, resp.Body)
			resp.Body.Close()
		} else {
			_, data := post(t, hs.URL+"/v1/chat/completions", body)
			var cr ChatResponse
			json.Unmarshal([]byte(data), &cr)
			if len(cr.Choices) != 1 {
				t.Fatalf("seed %d: %s", seed, data)
			}
			content = cr.Choices[0].Message.Content
		}
		var v struct {
			Mood string   `json:"mood"`
			Why  string   `json:"why"`
			Tags []string `json:"tags"`
		}
		dec := json.NewDecoder(strings.NewReader(content))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&v); err != nil || (v.Mood != "happy" && v.Mood != "sad") || strings.TrimSpace(v.Why) == "" || len(v.Tags) > 2 {
			t.Errorf("seed %d: %q: %v", seed, content, err)
		}
	}
}

// Requests arriving together are served one after the other, all of them.
func TestQueue(t *testing.T) {
	_, hs := newServer(t)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Post(hs.URL+"/v1/chat/completions", "application/json",
				strings.NewReader(`{"messages":[{"role":"user","content":"Tell story `+string(rune('a'+i))+`"}],"max_tokens":16}`))
			if err != nil {
				errs <- err.Error()
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- resp.Status
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// Cancelling Serve's context closes the listener and cuts a generation in
// flight within a token; Serve returns nil.
func TestServeShutdown(t *testing.T) {
	s, _ := newServer(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, s) }()
	url := "http://" + ln.Addr().String() + "/v1/chat/completions"
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"messages":[{"role":"user","content":"A long story"}],"stream":true,"max_tokens":400,"temperature":1}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "data: ") {
		t.Fatalf("first event %q, %v", line, err)
	}
	start := time.Now()
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	rest, _ := io.ReadAll(br)
	if strings.Contains(string(rest), "[DONE]") {
		t.Error("the generation in flight ran to its end")
	}
	t.Logf("shut down in %v", time.Since(start))
	if _, err := http.Get("http://" + ln.Addr().String() + "/v1/models"); err == nil {
		t.Error("the server still answers")
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdEndpoint is `endpoint FILE`: it starts an OpenAI-compatible server
// whose every chat completion streams FILE's text as the model's reply,
// and sets $ENDPOINT to its base URL. Scripts use it to stand in for a
// model that proposes a given intent, so what lsh does with a model's
// proposal (rate it, ask, refuse) is tested without a model file.
func cmdEndpoint(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: endpoint FILE")
	}
	reply := ts.ReadFile(args[0])
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/models", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"object":"list","data":[{"id":"stand-in","object":"model"}]}`)
	})
	mux.HandleFunc("/v1/chat/completions", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		content, _ := json.Marshal(reply)
		fmt.Fprintf(w, "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", content)
		fmt.Fprint(w, "data: [DONE]\n\n")
	})
	hs := httptest.NewServer(mux)
	ts.Defer(hs.Close)
	ts.Setenv("ENDPOINT", hs.URL+"/v1")
}

package intents

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm/chat"
)

// The prompt a model reads has two parts. The fixed opening — what lsh
// is, the JSON it must write, this host's lasting facts, an example —
// is the same for every request of a session (and of every session on
// this host with this model), so its key-value state is computed once and
// kept (model_cache.go). The request's own message comes after it and
// carries what changes: the directory and a glimpse of it, the last
// command and its status, recent history, and the request. Only those
// tokens are processed per request.

// systemPrompt is the opening instruction, with the host's lasting facts.
// It is short on purpose: a request can only be answered once the opening
// has been through the model, and on a cold start (no cache) every token
// of it costs time before the first answer. The grammar holds the model to
// the JSON, so the prompt only has to say what each kind is for.
func systemPrompt(h *Host) string {
	return "You are lsh, a shell assistant on " + hostLine(h) + ".\n" +
		"Reply with one JSON object whose kind is command (a POSIX sh command line doing the task, and its explanation), " +
		"action (diagnose: the computer is slow; why: the last command failed; explain: what the command in args does), " +
		"answer (text answering a question) or clarify (text asking what is meant).\n" +
		"Use installed programs only. Prefer commands that change nothing."
}

// hostLine is what decides how a command is written here: the system, the
// tools' dialect, the shell and user, and which of the tools that differ
// between systems are installed.
func hostLine(h *Host) string {
	name := h.DistroName
	if name == "" {
		name = h.OS
	}
	s := name + ", " + string(h.Flavor("sed")) + " userland"
	if h.Shell != "" {
		s += ", shell " + h.Shell
	}
	s += ", user " + h.User + " (home " + h.Home + ")"
	if tools := h.Tools(); len(tools) > 0 {
		s += "; installed: " + strings.Join(tools, ", ")
	}
	return s
}

// promptExamples show the request layout of requestMessage and the JSON
// of the commonest reply. One example: each costs its tokens on every
// cold start, and the grammar already holds the model to the JSON.
var promptExamples = []chat.Message{
	{Role: chat.User, Content: "Directory: ~/photos\nFiles: a.jpg, b.jpg, notes.txt\nRequest: how many jpg files are here"},
	{Role: chat.Assistant, Content: `{"kind":"command","command":"ls *.jpg | wc -l","explanation":"Counts the .jpg files here."}`},
}

// fixedMessages is the opening of every prompt on host h.
func fixedMessages(h *Host) []chat.Message {
	return append([]chat.Message{{Role: chat.System, Content: systemPrompt(h)}}, promptExamples...)
}

// Bounds on the request message, which is processed for every request.
const (
	maxListed     = 12 // directory entries shown
	maxHistory    = 3  // history lines shown
	maxFactLength = 80 // bytes of one history line or file name
)

// requestMessage is the request's own message: the facts that change
// between requests, most stable first (so consecutive requests in one
// directory share more of their tokens with the cache the session
// already holds), and the request last.
func requestMessage(req Request, home string) string {
	var b strings.Builder
	dir := req.dir()
	fmt.Fprintf(&b, "Directory: %s\n", tildePath(dir, home))
	if files := listing(dir); files != "" {
		fmt.Fprintf(&b, "Files: %s\n", files)
	}
	if n := len(req.History); n > 0 {
		var hs []string
		for _, h := range req.History[max(0, n-maxHistory):] {
			hs = append(hs, clip(strings.ReplaceAll(h, "\n", " "), maxFactLength))
		}
		fmt.Fprintf(&b, "History: %s\n", strings.Join(hs, "; "))
	}
	if req.LastCommand != "" {
		fmt.Fprintf(&b, "Last command: %s (exit status %d)\n", clip(strings.ReplaceAll(req.LastCommand, "\n", " "), maxFactLength), req.LastStatus)
	}
	fmt.Fprintf(&b, "Request: %s", strings.TrimSpace(req.Text))
	return b.String()
}

// listing names the first entries of dir, sorted, folders with a slash,
// hidden ones left out; "" when it cannot be read or is empty.
func listing(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasPrefix(n, ".") {
			continue
		}
		if e.IsDir() {
			n += "/"
		}
		names = append(names, clip(n, maxFactLength))
	}
	sort.Strings(names)
	if len(names) > maxListed {
		return strings.Join(names[:maxListed], ", ") + fmt.Sprintf(" (and %d more)", len(names)-maxListed)
	}
	return strings.Join(names, ", ")
}

// tildePath writes dir relative to home as ~/…, as people read it.
func tildePath(dir, home string) string {
	if home == "" {
		return dir
	}
	if dir == home {
		return "~"
	}
	if rel, err := filepath.Rel(home, dir); err == nil && !strings.HasPrefix(rel, "..") {
		return "~/" + rel
	}
	return dir
}

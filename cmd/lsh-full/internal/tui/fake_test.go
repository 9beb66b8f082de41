package tui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/shell/history"
)

// fake is a Backend with a tiny shell: a set of commands, a set of files
// to complete, a classifier that calls a line natural language when it
// starts with "?" or its first word is no command, and a canned proposal.
type fake struct {
	mu sync.Mutex

	commands map[string]bool
	files    []string // completions for arguments, as full words
	vars     []string
	facts    Facts
	notices  []string

	proposal  Proposal
	err       error
	block     bool          // Understand waits until cancelled
	cancelled chan struct{} // closed when a blocked Understand saw its ctx end
	explain   string

	ran       []string   // lines given to Run
	performed []Proposal // proposals given to Perform
	status    int        // what Run returns
	exitLine  string     // a line whose Run ends the shell
}

func newFake() *fake {
	return &fake{
		commands:  map[string]bool{"ls": true, "git": true, "gitk": true, "grep": true, "echo": true, "find": true, "cat": true, "less": true, "du": true, "df": true},
		files:     []string{"My Documents/", "Music/", "notes.txt", "notes-old.txt"},
		vars:      []string{"HOME", "HOSTNAME", "PATH"},
		facts:     Facts{Dir: "/home/ada/src", Home: "/home/ada", User: "ada", Host: "box.local", Source: "rules"},
		cancelled: make(chan struct{}),
		proposal: Proposal{Kind: KindCommand, Command: "ls -la", Explanation: "List every file here, hidden ones too.",
			Risk: risk.Rating{Level: risk.ReadOnly}, Source: "rules"},
	}
}

func (f *fake) Classify(line string) Class {
	if open := strings.Count(line, "'")%2 == 1; open || strings.HasSuffix(strings.TrimSpace(line), "|") {
		return Class{Incomplete: true}
	}
	if req, ok := strings.CutPrefix(line, "?"); ok {
		return Class{Natural: true, Request: strings.TrimSpace(req), Reason: "starts with ?"}
	}
	first := strings.Fields(line)[0]
	if !f.commands[first] {
		return Class{Natural: true, Request: line, Reason: "not a command"}
	}
	if strings.Contains(line, " big ") {
		return Class{Natural: true, Request: line, Runnable: true, Reason: "reads like English"}
	}
	return Class{}
}

func (f *fake) Resolves(name string) bool { return f.commands[name] }

func (f *fake) Complete(q Query) []Candidate {
	var out []Candidate
	switch q.Kind {
	case WordCommand:
		for c := range f.commands {
			out = append(out, Candidate{Text: c, Kind: "command"})
		}
	case WordVariable:
		for _, v := range f.vars {
			out = append(out, Candidate{Text: v, Kind: "variable"})
		}
	default:
		for _, c := range f.files {
			out = append(out, Candidate{Text: c, Kind: "file"})
		}
	}
	return out
}

func (f *fake) Facts() Facts {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.facts
}

func (f *fake) Run(ctx context.Context, line string) Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ran = append(f.ran, line)
	f.facts.Status = f.status
	return Outcome{Status: f.status, Exited: line == f.exitLine && line != ""}
}

func (f *fake) Understand(ctx context.Context, c Class, progress func(Progress)) (Proposal, error) {
	if f.block {
		progress(Progress{Phase: "generating", Tokens: 7, TokensPerSecond: 12.5})
		<-ctx.Done()
		close(f.cancelled)
		return Proposal{}, ctx.Err()
	}
	return f.proposal, f.err
}

func (f *fake) Explain(ctx context.Context, command string) (string, error) {
	return f.explain + command, nil
}

func (f *fake) Perform(ctx context.Context, p Proposal) Outcome {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.performed = append(f.performed, p)
	return Outcome{}
}

func (f *fake) Notices() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.notices
	f.notices = nil
	// Like the session: a job reported done is forgotten.
	f.facts.Jobs = max(f.facts.Jobs-len(n), 0)
	return n
}

// harness drives a Model as the Program does, without a terminal:
// commands run when their message is needed, Println collects text,
// Exec runs the command and delivers its callback.
type harness struct {
	t       *testing.T
	m       *Model
	f       *fake
	hist    *history.Store
	printed []string // each Println, without styles
	quit    bool
	async   chan tea.Msg // messages of commands run in goroutines
	// goAsync runs batched commands in goroutines, for tests where one
	// blocks (a request being understood).
	goAsync bool
}

func newHarness(t *testing.T, f *fake, opts ...func(*Options)) *harness {
	t.Helper()
	hist, err := history.Open(filepath.Join(t.TempDir(), "history"), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := NewStyles(StyleOptions{Dark: true})
	o := Options{Backend: f, History: hist, Styles: st, Now: func() time.Time { return time.Date(2025, 5, 26, 9, 30, 0, 0, time.UTC) }}
	for _, fn := range opts {
		fn(&o)
	}
	h := &harness{t: t, m: New(o), f: f, hist: hist, async: make(chan tea.Msg, 16)}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	return h
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.m.Update(msg)
	h.do(cmd)
}

// do runs a command and delivers its message; with goAsync, the command
// runs in a goroutine and wait delivers its message.
func (h *harness) do(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil || h.quit {
		return
	}
	if h.goAsync {
		go func() { h.async <- cmd() }()
		return
	}
	h.deliver(cmd())
}

func (h *harness) deliver(msg tea.Msg) {
	h.t.Helper()
	switch msg := msg.(type) {
	case nil:
	case tea.QuitMsg:
		h.quit = true
	case printMsg:
		h.printed = append(h.printed, stripANSI(string(msg)))
	case execMsg:
		err := msg.cmd.Run()
		h.send(msg.fn(err))
	case sequenceMsg:
		for _, c := range msg {
			h.do(c)
		}
	case tea.BatchMsg:
		for _, c := range msg {
			h.do(c)
		}
	case clearScreenMsg:
		h.printed = append(h.printed, "<clear>")
	case spinner.TickMsg:
		// The spinner asks for its next frame; a test does not wait for it.
		h.m.Update(msg)
	default:
		h.send(msg)
	}
}

// keys types terminal input.
func (h *harness) keys(input string) {
	h.t.Helper()
	for _, msg := range decode(h.t, input) {
		h.send(msg)
	}
}

// screen is the live area as text.
func (h *harness) screen() string { return stripANSI(h.m.View().Content) }

// lastPrinted is the last Println's text.
func (h *harness) lastPrinted() string {
	if len(h.printed) == 0 {
		return ""
	}
	return h.printed[len(h.printed)-1]
}

// wait delivers messages from asynchronous commands until cond holds.
func (h *harness) wait(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for !cond() {
		select {
		case msg := <-h.async:
			h.deliver(msg)
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, h.screen())
		}
	}
}

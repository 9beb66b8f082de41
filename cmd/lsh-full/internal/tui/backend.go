// Package tui is lsh's interactive terminal: an inline (not full-screen)
// Bubble Tea interface over a shell session. It draws the prompt and the
// line being typed, edits it with emacs keys, completes, highlights,
// searches history, and walks a natural-language request through a
// spinner and a confirm card; everything it decides about lines and
// commands it asks of a Backend, so the models here hold no shell or
// intent logic and are tested with a fake one.
//
// The models are Bubble Tea v2 models (tea.Model, tea.Msg, tea.Cmd,
// tea.View). They run under this package's Program rather than
// tea.Program: Bubble Tea's renderer redraws on a 60 Hz ticker that runs
// even while nothing changes, which costs a shell sitting at its prompt
// about 100 ms of CPU every 10 s; Program draws only after a message
// changed something, so an idle lsh uses no CPU at all (docs/performance.md).
package tui

import (
	"context"

	"github.com/llamashell/lsh/intents/risk"
)

// Backend is what the TUI needs from the shell session and the intent
// engine. cmd/lsh implements it over *shell.Session; tests use a fake.
//
// Run and Perform are called while the terminal is released to the
// command (cooked mode, the TUI's input reader stopped), from the
// Program's goroutine; the other methods are called from Update and View
// and must be quick (no process, no network).
type Backend interface {
	// Classify says how Enter will treat line: shell code to run as typed,
	// or a natural-language request. It is called as the person types, to
	// show which it will be.
	Classify(line string) Class
	// Resolves reports whether name runs something as a command: an alias,
	// keyword, function, builtin or program in PATH.
	Resolves(name string) bool
	// Complete lists the completions of a word (see Query).
	Complete(q Query) []Candidate
	// Facts are what the prompt shows.
	Facts() Facts

	// Run runs a shell line as typed, with the real terminal as its
	// standard input, output and error.
	Run(ctx context.Context, line string) Outcome
	// Understand turns a natural-language request into a proposal,
	// reporting progress (which may be called from another goroutine)
	// while a model works. Cancelling ctx must make it return promptly.
	Understand(ctx context.Context, c Class, progress func(Progress)) (Proposal, error)
	// Explain says in prose what a command line does, for the card's
	// explain key.
	Explain(ctx context.Context, command string) (string, error)
	// Perform runs a confirmed proposal (a command or an action) with the
	// real terminal, as Run does.
	Perform(ctx context.Context, p Proposal) Outcome
	// Notices are the messages to show before the next prompt (jobs that
	// finished, …); each call returns them once.
	Notices() []string
}

// Class is how a typed line will be treated.
type Class struct {
	// Natural is true for a request to resolve, false for shell code.
	Natural bool
	// Request is the text of the request: the line without lsh's "?" or
	// "llama" prefix.
	Request string
	// Runnable is true when the line could also run as typed (its first
	// word is a command): the confirm card then offers "run as typed", so a
	// misclassification costs one key.
	Runnable bool
	// Reason says in a few words why the line is natural language, for the
	// hint ("starts with ?", "not a command", "reads like English").
	Reason string
	// Incomplete is true for shell code the parser says needs more lines
	// (an open quote, `if` without `fi`, a trailing `|`): Enter then starts
	// another line instead of running it.
	Incomplete bool
}

// Query asks for the completions of the word under the cursor.
type Query struct {
	// Word is the word so far, with its quotes and escapes removed; for a
	// variable, the name after "$".
	Word string
	// Kind is what the word is: a command, an argument, a variable.
	Kind WordKind
}

// WordKind is what position a completed word is in.
type WordKind int

// The positions a completed word can be in.
const (
	WordArg      WordKind = iota // an argument: files and directories
	WordCommand                  // the command word: commands of every kind
	WordVariable                 // after "$": variable names
)

// Candidate is one completion.
type Candidate struct {
	// Text is the whole word it completes to, unquoted ("~/Documents/",
	// "git", "HOME"). A directory ends with "/".
	Text string
	// Kind says what it is, shown in the list.
	Kind string
}

// Facts are what the prompt shows and how it is laid out.
type Facts struct {
	Dir    string // the working directory
	Home   string // $HOME, which Dir is shortened against
	User   string
	Host   string
	Root   bool   // the effective user is root
	Branch string // the git branch when Dir is in a repository, or ""
	Status int    // the last exit status
	Jobs   int    // background jobs
	// Source names the active intent source: "rules", or a model's name.
	Source string
	// Format is a PS1-style prompt format (see docs/tui.md); "" draws the
	// default prompt.
	Format string
	// IgnoreEOF: Ctrl-D on an empty line does not end the shell.
	IgnoreEOF bool
}

// Outcome is how a command run from the TUI ended.
type Outcome struct {
	Status int
	// Exited is true when the shell ended (exit, logout, errexit).
	Exited bool
	// Err is a problem lsh itself had (not the command's failure), to show.
	Err error
}

// Progress reports a request being resolved.
type Progress struct {
	// Phase is what the engine is doing: "loading", "prompt",
	// "generating"; "" before it says.
	Phase string
	// Tokens generated so far and their rate.
	Tokens          int
	TokensPerSecond float64
	// Text is the prose answer so far, for answers that stream.
	Text string
}

// Proposal is what a request became, as the TUI shows it; cmd/lsh makes
// it from the intent engine's intents.Intent (the TUI does not import the
// engine, which brings the model code with it).
type Proposal struct {
	Kind ProposalKind
	// Command is the line to run: the command proposed, or the command line
	// of an lsh action.
	Command string
	// Action names the lsh builtin of a KindAction proposal.
	Action string
	// Text is the prose of an answer or the question of a clarification.
	Text        string
	Explanation string
	Risk        risk.Rating
	// Source is the engine that answered: "rules", or a model's name.
	Source string
	// Proceed: run it without the card (an lsh action, which changes
	// nothing, or a command --yes covers).
	Proceed bool
	// Warnings are said before the proposal (a config key lsh ignored).
	Warnings []string
	// Request is the natural-language text the proposal answers.
	Request string
	// Intent is the backend's own form of the proposal, handed back to
	// Perform untouched.
	Intent any
}

// ProposalKind is what a proposal asks for.
type ProposalKind int

// The kinds of proposal, as intents.Kind has them.
const (
	KindCommand ProposalKind = iota // a command to confirm and run
	KindAction                      // an lsh builtin to confirm and run
	KindAnswer                      // prose to show
	KindClarify                     // a question back
	KindShell                       // the line was shell code: run it as typed
)

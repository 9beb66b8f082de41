// Package intents turns a person's request into a structured Intent: what lsh
// proposes to do, why, and how risky it is. The Intent is the one contract
// between whatever understood the request (the rules catalogue, a local model,
// a remote endpoint) and whatever acts on it (the TUI, the tty confirmation,
// --dry-run --json). Its JSON form is stable and documented in docs/intents.md.
package intents

import (
	"fmt"
	"strings"

	"github.com/llamashell/lsh/intents/risk"
)

// Kind says what an Intent asks lsh to do.
type Kind string

// The kinds of Intent.
const (
	// KindCommand proposes a POSIX command line; it runs only after the
	// person confirms.
	KindCommand Kind = "command"
	// KindAction runs one of lsh's own builtins (diagnose, explain, why…).
	KindAction Kind = "action"
	// KindAnswer is prose shown to the person; nothing runs.
	KindAnswer Kind = "answer"
	// KindClarify is a question back to the person; nothing runs.
	KindClarify Kind = "clarify"
	// KindShell means the line was a shell command and runs as typed.
	KindShell Kind = "shell"
)

// Kinds lists every valid Kind, in the order docs/intents.md gives them.
var Kinds = []Kind{KindCommand, KindAction, KindAnswer, KindClarify, KindShell}

// Source says which engine produced an Intent.
type Source string

// The sources of an Intent.
const (
	SourceRules Source = "rules" // the deterministic catalogue
	SourceModel Source = "model" // a local GGUF model or a remote endpoint
	SourceShell Source = "shell" // the line was shell code, nothing was interpreted
)

// Intent is one understood request. Fields irrelevant to a Kind are empty and
// omitted from JSON, except kind, explanation, risk and source, which are
// always present so tools can rely on them.
type Intent struct {
	Kind Kind `json:"kind"`
	// Command is the POSIX command line to run (KindCommand, KindShell).
	Command string `json:"command,omitempty"`
	// Action is the builtin to run (KindAction).
	Action *Action `json:"action,omitempty"`
	// Text is the prose answer (KindAnswer) or the question (KindClarify).
	Text string `json:"text,omitempty"`
	// Explanation says in one or two sentences what will happen and why.
	Explanation string `json:"explanation"`
	// Risk is the rating of Command from its syntax tree; read-only for
	// kinds that run nothing.
	Risk risk.Rating `json:"risk"`
	// Source is the engine that produced this intent.
	Source Source `json:"source"`
	// Request is the natural-language text the intent answers, if any.
	Request string `json:"request,omitempty"`
	// Rule names the catalogue entry that matched (SourceRules), for
	// debugging and tests.
	Rule string `json:"rule,omitempty"`
	// Confidence in [0,1]: how sure the engine is that this is what was meant.
	Confidence float64 `json:"confidence,omitempty"`
}

// Action is a call of one of lsh's builtins.
type Action struct {
	Name string   `json:"name"`
	Args []string `json:"args,omitempty"`
}

// CommandLine renders the action as the shell line that runs it.
func (a Action) CommandLine() string {
	parts := append([]string{a.Name}, a.Args...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " ")
}

// Validate checks that an Intent is well formed: a known kind and source, the
// fields its kind needs, and a known risk level. The model path uses it as the
// last word on whatever a model produced.
func (in Intent) Validate() error {
	switch in.Source {
	case SourceRules, SourceModel, SourceShell:
	default:
		return fmt.Errorf("intent: unknown source %q", in.Source)
	}
	if !in.Risk.Level.Valid() {
		return fmt.Errorf("intent: unknown risk level %q", in.Risk.Level)
	}
	switch in.Kind {
	case KindCommand, KindShell:
		if strings.TrimSpace(in.Command) == "" {
			return fmt.Errorf("intent: kind %q needs a command", in.Kind)
		}
	case KindAction:
		if in.Action == nil || in.Action.Name == "" {
			return fmt.Errorf("intent: kind %q needs an action name", in.Kind)
		}
	case KindAnswer, KindClarify:
		if strings.TrimSpace(in.Text) == "" {
			return fmt.Errorf("intent: kind %q needs text", in.Kind)
		}
	default:
		return fmt.Errorf("intent: unknown kind %q", in.Kind)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == '=' || r == ':' || r == ',' || r == '+' || r == '@' || r == '%' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

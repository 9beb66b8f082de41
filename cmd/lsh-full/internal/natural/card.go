package natural

import (
	"fmt"
	"strings"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/intents/risk"
)

// Choice is what the person does with a proposed command.
type Choice int

// The choices a card offers.
const (
	Cancel     Choice = iota // run nothing
	Run                      // run the proposed command
	Edit                     // change the command first (the TUI puts it on the input line)
	Explain                  // show what each word does, then ask again
	RunAsTyped               // run the line as the person typed it: it was shell code after all
)

// Key is one choice as a card shows it.
type Key struct {
	Choice Choice
	Key    string // what to press: "y", "e"…
	Label  string // what it does: "run", "edit"…
}

// Card is what the person is asked before a command runs: the command, its
// explanation and risk, and the choices. Front-ends draw it their way
// (Prompter as lines of text, the TUI as a styled card) and read the reply
// with Parse.
type Card struct {
	Intent intents.Intent
	// Line is what the person typed, when it could run as typed (a
	// command misread as English): RunAsTyped runs it.
	Line string
	// Guard marks a typed command stopped by the guard: no edit, nothing
	// else to run.
	Guard bool
}

// NewCard is the card for a proposed intent. res and line are the typed
// line's classification and text; when the line could run as typed and
// was not explicitly a request, the card offers to run it as typed.
func NewCard(in intents.Intent, res classify.Result, line string) Card {
	c := Card{Intent: in}
	if res.Resolvable && !res.Explicit {
		c.Line = strings.TrimSpace(line)
	}
	return c
}

// TypedYes reports whether confirming takes typing "yes": from deletes
// up (docs/security.md).
func (c Card) TypedYes() bool { return c.Intent.Risk.Level.NeedsTypedYes() }

// Keys are the choices the card offers, in the order shown.
func (c Card) Keys() []Key {
	run := Key{Run, "y", "run"}
	if c.TypedYes() {
		run = Key{Run, "yes", "run"}
	}
	keys := []Key{run}
	if !c.Guard {
		keys = append(keys, Key{Edit, "e", "edit"})
	}
	keys = append(keys, Key{Explain, "x", "explain"})
	if c.Line != "" && !c.Guard {
		keys = append(keys, Key{RunAsTyped, "t", "run as typed"})
	}
	return append(keys, Key{Cancel, "n", "cancel"})
}

// offers reports whether the card offers ch.
func (c Card) offers(ch Choice) bool {
	for _, k := range c.Keys() {
		if k.Choice == ch {
			return true
		}
	}
	return false
}

// Parse reads a reply typed at the card: a key or word, case-insensitive;
// Enter alone runs a command that needs no typed yes. It reports false
// for a reply that is not a choice the card offers, with why.
func (c Card) Parse(reply string) (Choice, string, bool) {
	r := strings.ToLower(strings.TrimSpace(reply))
	var ch Choice
	switch r {
	case "", "y", "yes":
		ch = Run
	case "e", "edit":
		ch = Edit
	case "x", "explain", "?":
		ch = Explain
	case "t", "typed", "run as typed":
		ch = RunAsTyped
	case "n", "no", "q", "c", "cancel", "\x1b", "\x03":
		return Cancel, "", true
	default:
		return Cancel, fmt.Sprintf("%q is not a choice", strings.TrimSpace(reply)), false
	}
	if ch == Run && c.TypedYes() && r != "yes" {
		return Cancel, fmt.Sprintf("this command %s: type yes to run it", levelPhrase(c.Intent)), false
	}
	if !c.offers(ch) {
		return Cancel, fmt.Sprintf("%q is not offered here", strings.TrimSpace(reply)), false
	}
	return ch, "", true
}

// levelPhrase says what a rating means, for "this command …".
func levelPhrase(in intents.Intent) string {
	switch in.Risk.Level {
	case risk.Deletes:
		return "deletes data"
	case risk.Privileged:
		return "runs as root or changes the system"
	case risk.RemoteCode:
		return "runs code from the network"
	case risk.SystemDestroying:
		return "can destroy the system"
	}
	return "is rated " + string(in.Risk.Level)
}

// Prompt is the question under the card: "Run it? [y/e/x/t/n]".
func (c Card) Prompt() string {
	var keys []string
	for _, k := range c.Keys() {
		keys = append(keys, k.Key)
	}
	q := "Run it?"
	if c.TypedYes() {
		q = "Type yes to run it;"
	}
	return fmt.Sprintf("%s [%s] ", q, strings.Join(keys, "/"))
}

// Legend names the keys: "y run · e edit · x explain · n cancel".
func (c Card) Legend() string {
	var parts []string
	for _, k := range c.Keys() {
		parts = append(parts, k.Key+" "+k.Label)
	}
	return strings.Join(parts, " · ")
}

package natural

import (
	"fmt"
	"strings"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/intents"
)

// The exit statuses of the natural-language path (docs/security.md, lsh
// --help). A command that ran gives its own status.
const (
	// StatusNotConfirmed: a command needed the person's yes and could not
	// get it: no terminal to ask on, or --yes without =force for a
	// system-destroying rating. Nothing ran.
	StatusNotConfirmed = cli.StatusNotConfirmed
	// StatusCancelled: the person said no at the card (or the guard's
	// question). Nothing ran.
	StatusCancelled = 1
	// StatusClarify: lsh asked a question back; nothing ran.
	StatusClarify = 1
)

// Yes is what --yes said.
type Yes int

// The values of --yes.
const (
	// YesAsk is no --yes: ask on a terminal, refuse without one.
	YesAsk Yes = iota
	// YesAll is --yes: run without asking, except what is rated
	// system-destroying.
	YesAll
	// YesForce is --yes=force: run everything without asking.
	YesForce
)

// ParseYes reads the value of --yes ("" for the bare flag).
func ParseYes(v string) (Yes, error) {
	switch strings.ToLower(v) {
	case "", "true", "yes", "1":
		return YesAll, nil
	case "force":
		return YesForce, nil
	case "false", "no", "0":
		return YesAsk, nil
	}
	return YesAsk, fmt.Errorf("%q: use --yes or --yes=force", v)
}

// Verdict is what to do with an intent before anyone is asked.
type Verdict int

// The verdicts.
const (
	// Confirm: show the card and do what the person chooses.
	Confirm Verdict = iota
	// Proceed: run it without asking (an action, which changes nothing,
	// or a command --yes covers).
	Proceed
	// Show: print the answer or the question; nothing runs.
	Show
	// Refuse: it needs a yes that cannot be had; print the intent on
	// standard error and exit with StatusNotConfirmed.
	Refuse
)

// Decide says what to do with an intent, given --yes and whether a
// terminal is there to ask on.
func Decide(in intents.Intent, yes Yes, terminal bool) Verdict {
	switch in.Kind {
	case intents.KindAction:
		return Proceed
	case intents.KindAnswer, intents.KindClarify:
		return Show
	}
	switch {
	case yes == YesForce:
		return Proceed
	case yes == YesAll && !in.Risk.Destroying():
		return Proceed
	case terminal:
		return Confirm
	}
	return Refuse
}

// RefusalReason says why an intent was refused, for standard error.
func RefusalReason(in intents.Intent, yes Yes) string {
	if yes == YesAll && in.Risk.Destroying() {
		return "not run: it is rated system-destroying, which --yes does not cover (--yes=force does)"
	}
	return "not run: it needs confirmation and there is no terminal to ask on (--yes runs it)"
}

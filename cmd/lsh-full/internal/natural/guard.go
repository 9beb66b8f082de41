package natural

import (
	"context"
	"fmt"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/intents"
)

// GuardError is the guard's refusal of a typed line; the shell exits with
// its status (shell.Options.Guard).
type GuardError struct {
	Status int
	Msg    string
}

// Error is the message lsh prints after "lsh: ".
func (e *GuardError) Error() string { return e.Msg }

// ExitStatus is the status the line ends with.
func (e *GuardError) ExitStatus() int { return e.Status }

// Guard returns the shell's guard hook (shell.Options.Guard): while `set
// -o guard` is on, a typed line rated system-destroying runs only after
// the person types yes on a terminal. Without a terminal it is refused
// with StatusNotConfirmed, unless --yes=force. where gives the shell's
// working directory and HOME, for the rating; ask is nil without a
// terminal (and may be called only when a line needs it).
func Guard(yes Yes, ask func() Asker, where func() (dir, home string)) func(ctx context.Context, f *syntax.File) error {
	return func(ctx context.Context, f *syntax.File) error {
		dir, home := where()
		r, line, reason := cli.GuardRating(f, dir, home)
		if !r.Destroying() || yes == YesForce {
			return nil
		}
		in := intents.Intent{Kind: intents.KindShell, Command: line, Explanation: shellExplanation, Risk: r, Source: intents.SourceShell}
		var a Asker
		if ask != nil {
			a = ask()
		}
		if a == nil {
			return &GuardError{StatusNotConfirmed, fmt.Sprintf("guard: not run: %s is rated system-destroying%s, and there is no terminal to confirm on (--yes=force runs it)", line, reason)}
		}
		reply, err := a(ctx, Card{Intent: in, Guard: true})
		if err != nil {
			return &GuardError{StatusNotConfirmed, fmt.Sprintf("guard: not run: cannot ask on the terminal: %v", err)}
		}
		if reply.Choice == Run {
			return nil
		}
		return &GuardError{StatusCancelled, "guard: cancelled; nothing ran"}
	}
}

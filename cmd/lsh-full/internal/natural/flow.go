package natural

import (
	"context"
	"fmt"
	"io"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
)

// Runner runs what the natural-language path decided, in some shell: the
// session's main shell for a front-end, the shell that called it for the
// llama builtin.
type Runner interface {
	// Command runs a command (or a builtin action's line) that the person
	// confirmed, or that --yes or its kind let through, for request.
	Command(ctx context.Context, command, request string) int
	// Typed runs the line as the person typed it ("run as typed").
	Typed(ctx context.Context, line string) int
}

// Flow takes a request from text to what runs: resolve, decide, ask, run.
type Flow struct {
	Engine *Engine
	Yes    Yes
	// Ask shows the card; nil when there is no terminal to ask on.
	Ask Asker
	// Stdout gets answers and questions; Stderr refusals, warnings and
	// errors.
	Stdout, Stderr io.Writer
	// JSON writes a refused intent as JSON instead of for a person.
	JSON bool
	// Progress, when set, receives a model's progress.
	Progress func(intents.Progress)
}

// Do resolves the request and acts on it, returning the exit status: the
// command's when one ran, else one of the Status constants. res and line
// are the typed line's classification and text (zero for the llama
// builtin).
func (f *Flow) Do(ctx context.Context, req intents.Request, res classify.Result, line string, run Runner) int {
	for _, w := range f.Engine.Warnings() {
		fmt.Fprintf(f.Stderr, "lsh: %s\n", w)
	}
	in, err := Ask(ctx, f.Engine, req, f.Progress)
	if err != nil {
		fmt.Fprintf(f.Stderr, "lsh: %v\n", err)
		if ctx.Err() != nil {
			return 130
		}
		return 1
	}
	return f.Act(ctx, in, req, res, line, run)
}

// Act acts on a resolved intent.
func (f *Flow) Act(ctx context.Context, in intents.Intent, req intents.Request, res classify.Result, line string, run Runner) int {
	switch Decide(in, f.Yes, f.Ask != nil) {
	case Show:
		fmt.Fprintln(f.Stdout, in.Text)
		if in.Kind == intents.KindClarify {
			return StatusClarify
		}
		return 0
	case Proceed:
		if in.Kind == intents.KindAction && in.Action != nil {
			return run.Command(ctx, in.Action.CommandLine(), req.Text)
		}
		return run.Command(ctx, in.Command, req.Text)
	case Refuse:
		f.refuse(in)
		return StatusNotConfirmed
	}
	card := NewCard(in, res, line)
	for {
		reply, err := f.Ask(ctx, card)
		if ctx.Err() != nil {
			fmt.Fprintln(f.Stderr, "lsh: interrupted; nothing ran")
			return 130
		}
		if err != nil {
			fmt.Fprintf(f.Stderr, "lsh: cannot ask: %v\n", err)
			f.refuse(card.Intent)
			return StatusNotConfirmed
		}
		switch reply.Choice {
		case Run:
			return run.Command(ctx, card.Intent.Command, req.Text)
		case RunAsTyped:
			return run.Typed(ctx, card.Line)
		case Edit:
			card = NewCard(Edited(reply.Line, card.Intent, req), res, line)
			continue
		}
		fmt.Fprintln(f.Stderr, "lsh: cancelled; nothing ran")
		return StatusCancelled
	}
}

// Edited is the intent of a command the person edited on the card: their
// command, rated anew.
func Edited(command string, from intents.Intent, req intents.Request) intents.Intent {
	return intents.Intent{
		Kind:        intents.KindCommand,
		Command:     command,
		Explanation: "Your edit of the proposed command; it runs as you wrote it.",
		Risk:        Rate(command, req.Dir, req.Home),
		Source:      intents.SourceShell,
		Request:     from.Request,
	}
}

// refuse writes a command that cannot run without a yes, and why.
func (f *Flow) refuse(in intents.Intent) {
	if f.JSON {
		WriteJSON(f.Stderr, in)
	} else {
		WriteHuman(f.Stderr, in)
	}
	fmt.Fprintf(f.Stderr, "lsh: %s\n", RefusalReason(in, f.Yes))
}

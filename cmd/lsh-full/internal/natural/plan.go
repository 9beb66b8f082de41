package natural

import (
	"context"
	"strings"

	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/intents/explain"
	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/shell"
)

// shellExplanation is the explanation of every shell intent (docs/intents.md).
const shellExplanation = "A shell command; it runs as typed."

// Rate rates a command line where it would run: relative paths against
// dir, the home as home, whether files exist on this machine.
func Rate(command, dir, home string) risk.Rating {
	o := risk.Host()
	if dir != "" {
		o.Dir = dir
	}
	if home != "" {
		o.Home = home
	}
	return risk.RateWith(command, o)
}

// ShellIntent is the intent of a line that runs as typed, rated in dir.
func ShellIntent(line, dir, home string) intents.Intent {
	return intents.Intent{
		Kind:        intents.KindShell,
		Command:     line,
		Explanation: shellExplanation,
		Risk:        Rate(line, dir, home),
		Source:      intents.SourceShell,
	}
}

// shellPlan is the intent of a line classified as shell code. A line whose
// first word is a near miss of a command ("gti status") still runs as
// typed, and fails with 127; its explanation says which command it was
// probably meant to be.
func shellPlan(res classify.Result, line, dir, home string) intents.Intent {
	in := ShellIntent(strings.TrimSpace(line), dir, home)
	if res.Suggestion != "" {
		first, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		in.Explanation += " " + first + " is not a command here: did you mean `" + res.Suggestion + "`?"
	}
	return in
}

// askSomething is the answer to a "?" with nothing after it.
func askSomething() intents.Intent {
	return intents.Intent{
		Kind:        intents.KindClarify,
		Text:        "What would you like to do? Type it after ?, for example: ? find the biggest files in Downloads",
		Explanation: "A ? with no request after it.",
		Risk:        risk.Rating{Level: risk.ReadOnly},
		Source:      intents.SourceRules,
		Rule:        "empty",
	}
}

// Plan is what lsh would do with a line typed in sess: the line's
// classification and its intent (kind shell for shell code). It runs
// nothing; --dry-run prints its intent.
func Plan(ctx context.Context, e *Engine, sess *shell.Session, line string, progress func(intents.Progress)) (intents.Intent, classify.Result, error) {
	res := Classify(sess, line, classify.Typed)
	if !res.Natural {
		return shellPlan(res, line, sess.Dir(), sess.Getenv("HOME")), res, nil
	}
	in, err := Ask(ctx, e, NewRequest(sess, res.Request), progress)
	return in, res, err
}

// Ask resolves a request; an empty one gets a question back.
func Ask(ctx context.Context, e *Engine, req intents.Request, progress func(intents.Progress)) (intents.Intent, error) {
	if strings.TrimSpace(req.Text) == "" {
		return askSomething(), nil
	}
	return e.Resolve(ctx, req, progress)
}

// ExplainText explains a command line word by word, offline, from the
// tables and installed manual pages (intents/explain), as the card's
// "explain" key shows it.
func ExplainText(command string) string {
	ex, err := explain.Explain(command)
	text := strings.TrimRight(ex.String(), "\n")
	if err != nil && text == "" {
		return "lsh cannot explain this line: " + err.Error()
	}
	return text
}

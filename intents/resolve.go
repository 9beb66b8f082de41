package intents

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/llamashell/lsh/intents/risk"
)

// Mode chooses which engine resolves requests (--source, config key
// source).
type Mode string

// The modes.
const (
	// ModeAuto lets a confident rule answer at once and asks the model
	// otherwise (the rules alone when there is no model).
	ModeAuto Mode = "auto"
	// ModeRules uses the catalogue only, even with a model.
	ModeRules Mode = "rules"
	// ModeModel always asks the model, so its answers can be tested and
	// compared with the rules'.
	ModeModel Mode = "model"
)

// ParseMode reads a --source value; "" is ModeAuto.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeAuto, nil
	case ModeAuto, ModeRules, ModeModel:
		return m, nil
	}
	return "", fmt.Errorf("intents: unknown source %q: use auto, rules or model", s)
}

// Confident is the rules confidence from which a match answers without
// asking the model: every word understood, or one word not (see Rules).
const Confident = 0.75

// ErrNoModel is returned when the model is asked for and none is
// configured.
var ErrNoModel = errors.New("no model configured: give --model FILE or --endpoint URL, set LSH_MODEL, or run `model use NAME`")

// ResolveOptions say how Resolve combines the engines.
type ResolveOptions struct {
	Mode Mode // "" is ModeAuto
	// Rules is the catalogue; nil means NewRules(nil).
	Rules *Rules
	// Model is the model-backed resolver (local or remote); nil when
	// there is none.
	Model Resolver
	// Progress, when set, receives the model's progress.
	Progress func(Progress)
	// Home is the person's home for risk rating ("" is $HOME).
	Home string
}

// progressResolver is a Resolver that can report progress.
type progressResolver interface {
	ResolveProgress(ctx context.Context, req Request, fn func(Progress)) (Intent, error)
}

// Resolve turns a request into an intent with the rules, the model or
// both, as opts.Mode says. In auto mode a rule match of at least
// Confident answers at once; otherwise the model is asked, and when it
// cannot answer (it failed to load, or there is none) the rules' best
// effort is returned with the reason in its explanation. Whoever answers,
// a command intent's risk is rated here from its syntax tree, so no
// engine rates its own proposal.
func Resolve(ctx context.Context, req Request, opts ResolveOptions) (Intent, error) {
	if err := ctx.Err(); err != nil {
		return Intent{}, err
	}
	if strings.TrimSpace(req.Text) == "" {
		return Intent{}, errors.New("intents: empty request")
	}
	mode := opts.Mode
	if mode == "" {
		mode = ModeAuto
	}
	rules := opts.Rules
	if rules == nil {
		rules = NewRules(nil)
	}
	var in Intent
	var err error
	switch mode {
	case ModeRules:
		in, _ = rules.Match(req)
	case ModeModel:
		if opts.Model == nil {
			return Intent{}, ErrNoModel
		}
		in, err = askModel(ctx, req, opts)
	case ModeAuto:
		var ok bool
		in, ok = rules.Match(req)
		if ok && in.Confidence >= Confident || opts.Model == nil {
			break
		}
		var mi Intent
		mi, err = askModel(ctx, req, opts)
		switch {
		case err == nil:
			in = mi
		case ctx.Err() != nil:
			return Intent{}, ctx.Err()
		default:
			in.Explanation = strings.TrimSpace(in.Explanation + " (The model could not answer: " + err.Error() + ")")
			err = nil
		}
	default:
		return Intent{}, fmt.Errorf("intents: unknown mode %q", mode)
	}
	if err != nil {
		return Intent{}, err
	}
	rate(&in, req, opts.Home)
	return in, in.Validate()
}

func askModel(ctx context.Context, req Request, opts ResolveOptions) (Intent, error) {
	if pr, ok := opts.Model.(progressResolver); ok && opts.Progress != nil {
		return pr.ResolveProgress(ctx, req, opts.Progress)
	}
	return opts.Model.Resolve(ctx, req)
}

// rate gives a command intent the rating of its command in the request's
// directory, replacing whatever its engine said; intents that run nothing
// are read-only.
func rate(in *Intent, req Request, home string) {
	if in.Kind != KindCommand && in.Kind != KindShell {
		in.Risk = risk.Rating{Level: risk.ReadOnly}
		return
	}
	if home == "" {
		home = req.Home
	}
	in.Risk = rateCommand(in.Command, req, home)
}

// rateCommand rates a command line for the request's directory and the
// real filesystem.
func rateCommand(cmd string, req Request, home string) risk.Rating {
	if home == "" {
		home = os.Getenv("HOME")
	}
	o := risk.Host()
	o.Dir, o.Home = req.dir(), home
	return risk.RateWith(cmd, o)
}

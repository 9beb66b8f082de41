package cli

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/llamashell/lsh/intents/risk"
	"github.com/llamashell/lsh/shell"
)

// StatusNotConfirmed is the status of a line the guard did not let run
// because nobody could confirm it (docs/security.md); lsh-full uses the same.
const StatusNotConfirmed = 3

// GuardRating is what the guard of either executable decides on: f rated
// where the shell stands (dir and home; "" for the process's own). When
// the rating is system-destroying, line is f on one line and reason the
// rating's first reason in parentheses (or ""), for the message or card.
func GuardRating(f *syntax.File, dir, home string) (r risk.Rating, line, reason string) {
	o := risk.Host()
	if dir != "" {
		o.Dir = dir
	}
	if home != "" {
		o.Home = home
	}
	r = risk.RateFileWith(f, o)
	if !r.Destroying() {
		return r, "", ""
	}
	var b strings.Builder
	syntax.NewPrinter(syntax.SingleLine(true)).Print(&b, f)
	if len(r.Reasons) > 0 {
		reason = " (" + r.Reasons[0] + ")"
	}
	return r, strings.TrimSpace(b.String()), reason
}

// guardError is the guard's refusal; the line ends with its status.
type guardError struct{ msg string }

func (e *guardError) Error() string   { return e.msg }
func (e *guardError) ExitStatus() int { return StatusNotConfirmed }

// guard is lsh's guard hook. lsh hands any command line or program that
// mentions the guard to lsh-full, which can ask a person; this runs only
// when a program lsh could not read ahead (a piped script, eval) turns the
// guard on. Like lsh-full with no terminal to ask on, it refuses what is
// rated system-destroying and lets the rest run.
func guard(sess **shell.Session) func(context.Context, *syntax.File) error {
	return func(_ context.Context, f *syntax.File) error {
		var dir, home string
		if s := *sess; s != nil {
			dir, home = s.Dir(), s.Getenv("HOME")
		}
		r, line, reason := GuardRating(f, dir, home)
		if !r.Destroying() {
			return nil
		}
		return &guardError{fmt.Sprintf("guard: not run: %s is rated system-destroying%s; lsh does not ask to confirm it (%s does, on a terminal)",
			line, reason, FullName)}
	}
}

package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
)

// resolving is a request being turned into an intent: a spinner, what the
// engine is doing (tokens per second when a model writes), and the answer
// as it streams. The spinner ticks only while a request is under way, so
// nothing runs while lsh waits at its prompt.
type resolving struct {
	id       int
	class    Class
	line     string
	spin     spinner.Model
	progress Progress
	start    time.Time
	cancel   context.CancelFunc

	progc chan Progress // the latest progress, from the engine's goroutine
	done  chan struct{} // closed when Understand returned
}

// Messages of a request under way; id tells a live request from one that
// was cancelled.
type (
	resolvedMsg struct {
		id   int
		prop Proposal
		err  error
	}
	progressMsg struct {
		id int
		p  Progress
	}
	explainedMsg struct {
		id   int
		text string
		err  error
	}
)

func newResolving(id int, c Class, line string, st *Styles, now time.Time) *resolving {
	return &resolving{
		id: id, class: c, line: line, start: now,
		spin:  spinner.New(spinner.WithSpinner(spinner.MiniDot), spinner.WithStyle(st.Spinner)),
		progc: make(chan Progress, 1),
		done:  make(chan struct{}),
	}
}

// report hands progress from the engine's goroutine to the model, keeping
// only the latest if the model has not taken the previous one.
func (r *resolving) report(p Progress) {
	for {
		select {
		case r.progc <- p:
			return
		default:
		}
		select {
		case <-r.progc:
		default:
		}
	}
}

// waitProgress is the command that delivers the next progress report, or
// nothing once the request is over.
func (r *resolving) waitProgress() tea.Cmd {
	id, progc, done := r.id, r.progc, r.done
	return func() tea.Msg {
		select {
		case p := <-progc:
			return progressMsg{id, p}
		case <-done:
			return nil
		}
	}
}

// understand is the command that runs the request; before asking the
// engine it saves the line in the history, as typed.
func (r *resolving) understand(ctx context.Context, b Backend, save func()) tea.Cmd {
	id, c, done := r.id, r.class, r.done
	return func() tea.Msg {
		defer close(done)
		if save != nil {
			save()
		}
		in, err := b.Understand(ctx, c, r.report)
		return resolvedMsg{id: id, prop: in, err: err}
	}
}

// view draws the spinner line and any streamed text.
func (r *resolving) view(s *Styles, width int, now time.Time) string {
	var parts []string
	p := r.progress
	switch {
	case p.Phase == "loading":
		parts = append(parts, "loading the model")
	case p.Phase == "prompt":
		parts = append(parts, "reading the request")
	case p.Phase == "generating" || p.Tokens > 0:
		parts = append(parts, "thinking")
	default:
		parts = append(parts, "understanding")
	}
	if p.Tokens > 0 {
		parts = append(parts, fmt.Sprintf("%d tokens", p.Tokens))
	}
	if p.TokensPerSecond > 0 {
		parts = append(parts, fmt.Sprintf("%.1f tok/s", p.TokensPerSecond))
	}
	if el := now.Sub(r.start); el >= time.Second {
		parts = append(parts, fmt.Sprintf("%.0fs", el.Seconds()))
	}
	line := r.spin.View() + " " + strings.Join(parts, s.Dim.Render(" · ")) + s.Dim.Render("  esc to cancel")
	if p.Text != "" {
		line += "\n" + s.Answer.Render(wrap(p.Text, max(width-1, 20)))
	}
	return line
}

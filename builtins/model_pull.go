package builtins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	teaprogress "charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"golang.org/x/term"

	"github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/llm/store"
)

// runModelPull is `model pull NAME|URL [--as NAME] [--sha256 HEX] [--force]`:
// download a model into the models folder, with a progress bar on a
// terminal and a line every few seconds otherwise. Ctrl-C stops it,
// keeping what arrived for the next `model pull` to resume.
func runModelPull(ctx context.Context, env *Env, args []string) int {
	const name = "model pull"
	var opts store.Options
	fs := newModelFlags(env, name)
	fs.StringVar(&opts.Name, "as", "", "save the model as `NAME`.gguf")
	fs.StringVar(&opts.SHA256, "sha256", "", "the file's expected SHA-256 (`HEX`)")
	fs.BoolVar(&opts.Force, "force", false, "download again a model already installed")
	rest, err := parseModelArgs(fs, args[1:])
	if err != nil {
		return 2
	}
	if len(rest) > 1 {
		return env.Errorf(2, name, "one model at a time (got %q)", rest)
	}
	var src string
	if len(rest) == 1 {
		src = rest[0]
	}
	if src == "" {
		fmt.Fprintf(env.Stderr, "%s: which model? A URL of a .gguf file, or one of:\n", name)
		tw := tabwriter.NewWriter(env.Stderr, 0, 0, 2, ' ', 0)
		for _, k := range store.Recommended() {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", k.Name, store.HumanBytes(k.Size), k.Description)
		}
		tw.Flush()
		return 2
	}
	getenv := envGetter(env)
	paths, err := config.PathsFromEnv(getenv)
	if err != nil {
		return env.Errorf(1, name, "%v", err)
	}
	opts.Dir = paths.ModelsDir
	source, err := store.ResolveSource(src, opts)
	if err != nil {
		return env.Errorf(2, name, "%v", err)
	}

	var res store.Result
	if isTerminal(env.Stderr) && getenv("TERM") != "dumb" {
		res, err = pullWithBar(ctx, env, source, opts)
	} else {
		res, err = pullWithLines(ctx, env, source, opts)
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
		return 130 // as for a command stopped by SIGINT
	case err != nil:
		return env.Errorf(1, name, "%v", err)
	case res.AlreadyThere:
		fmt.Fprintf(env.Stdout, "%s is already installed: %s (--force downloads it again)\n", res.Name, res.Path)
	default:
		fmt.Fprintf(env.Stdout, "Installed %s (%s): %s\n", res.Name, store.HumanBytes(res.Size), res.Path)
		if res.Verified {
			fmt.Fprintf(env.Stdout, "SHA-256 %s verified\n", res.SHA256)
		} else {
			fmt.Fprintf(env.Stdout, "SHA-256 %s (no known checksum to verify it against)\n", res.SHA256)
		}
	}
	setDefaultIfNone(env, paths, getenv, res.Name)
	return 0
}

// setDefaultIfNone makes a freshly pulled model the default when nothing
// else is: pulling a first model should be enough for `?` to use it.
func setDefaultIfNone(env *Env, paths config.Paths, getenv func(string) string, model string) {
	if getenv("LSH_MODEL") != "" {
		return
	}
	cfg, err := config.Load(paths)
	if err != nil || cfg.Model != "" {
		return
	}
	if err := config.Set(paths.ConfigFile, "model", model); err != nil {
		fmt.Fprintf(env.Stderr, "model pull: could not make %s the default: %v\n", model, err)
		return
	}
	fmt.Fprintf(env.Stdout, "Default model set to %s (`model use` changes it)\n", model)
}

// pullWithLines reports progress as plain lines, for logs and pipes: one
// when the transfer starts and one every few seconds.
func pullWithLines(ctx context.Context, env *Env, s store.Source, opts store.Options) (store.Result, error) {
	var last time.Time
	started := false
	opts.Progress = func(p store.Progress) {
		now := time.Now()
		switch {
		case !started:
			started = true
			if p.Resumed > 0 {
				fmt.Fprintf(env.Stderr, "Resuming %s at %s from %s\n", s.Name, store.HumanBytes(p.Resumed), s.URL)
			} else {
				fmt.Fprintf(env.Stderr, "Downloading %s from %s\n", s.Name, s.URL)
			}
			last = now
		case p.Finished || now.Sub(last) >= 3*time.Second:
			fmt.Fprintln(env.Stderr, progressLine(p))
			last = now
		}
	}
	return store.PullSource(ctx, s, opts)
}

// progressLine is "12% 80.1 MB of 668.8 MB, 25.3 MB/s".
func progressLine(p store.Progress) string {
	var b strings.Builder
	if p.Total > 0 {
		fmt.Fprintf(&b, "%d%% %s of %s", p.Done*100/p.Total, store.HumanBytes(p.Done), store.HumanBytes(p.Total))
	} else {
		b.WriteString(store.HumanBytes(p.Done))
	}
	if p.Rate > 0 && !p.Finished {
		fmt.Fprintf(&b, ", %s/s", store.HumanBytes(int64(p.Rate)))
	}
	return b.String()
}

// pullWithBar runs the download under a Bubble Tea progress bar on the
// terminal behind stderr. The program takes no keyboard input (the line
// editor keeps the terminal), so Ctrl-C arrives as SIGINT: Bubble Tea's
// InterruptMsg is turned into pullStopMsg, which cancels the download and
// lets the bar say so until the download has stopped.
func pullWithBar(ctx context.Context, env *Env, s store.Source, opts store.Options) (store.Result, error) {
	dl, cancel := context.WithCancel(ctx)
	defer cancel()
	p := tea.NewProgram(newPullModel(s.Name, cancel), tea.WithOutput(env.Stderr), tea.WithInput(nil),
		tea.WithContext(ctx), tea.WithFilter(interruptStops))
	type outcome struct {
		res store.Result
		err error
	}
	done := make(chan outcome, 1)
	opts.Progress = func(pr store.Progress) { p.Send(pullProgressMsg(pr)) }
	go func() {
		res, err := store.PullSource(dl, s, opts)
		done <- outcome{res, err}
		p.Send(pullDoneMsg{})
	}()
	p.Run()
	select {
	case o := <-done:
		return o.res, o.err
	default:
		// The program ended first (SIGTERM, a terminal error): stop the
		// download too, keeping its part.
		cancel()
		o := <-done
		return o.res, o.err
	}
}

// interruptStops is the program's filter: SIGINT stops the download
// instead of ending the program under it.
func interruptStops(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.InterruptMsg); ok {
		return pullStopMsg{}
	}
	return msg
}

// pullModel is the progress bar's Bubble Tea model: a view of the
// download's reports.
type pullModel struct {
	name     string
	bar      teaprogress.Model
	p        store.Progress
	started  bool
	stopping bool
	cancel   context.CancelFunc
}

type (
	pullProgressMsg store.Progress
	pullStopMsg     struct{}
	pullDoneMsg     struct{}
)

func newPullModel(name string, cancel context.CancelFunc) pullModel {
	return pullModel{name: name, cancel: cancel, bar: teaprogress.New(teaprogress.WithDefaultBlend(), teaprogress.WithWidth(40))}
}

// Init starts nothing: the download runs beside the program and reports
// through Program.Send.
func (m pullModel) Init() tea.Cmd { return nil }

// Update records progress and turns a stop into cancellation; it quits
// only when the download has returned.
func (m pullModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case pullProgressMsg:
		m.p, m.started = store.Progress(msg), true
	case tea.WindowSizeMsg:
		m.bar.SetWidth(max(10, min(60, msg.Width-len(m.name)-len(" 100% 1000.0 MB of 1000.0 MB, 100.0 MB/s")-2)))
	case pullStopMsg:
		m.stopping = true
		m.cancel()
	case pullDoneMsg:
		return m, tea.Quit
	}
	return m, nil
}

// View is one line — name, bar, bytes and speed — and a second while
// stopping.
func (m pullModel) View() tea.View {
	if !m.started {
		return tea.NewView("Connecting for " + m.name + "…")
	}
	pct := 0.0
	if m.p.Total > 0 {
		pct = float64(m.p.Done) / float64(m.p.Total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", m.name, m.bar.ViewAs(pct), store.HumanBytes(m.p.Done))
	if m.p.Total > 0 {
		b.WriteString(" of " + store.HumanBytes(m.p.Total))
	}
	if m.p.Rate > 0 && !m.p.Finished {
		fmt.Fprintf(&b, ", %s/s", store.HumanBytes(int64(m.p.Rate)))
	}
	if m.stopping {
		b.WriteString("\nStopping; what arrived is kept for the next `model pull`…")
	}
	return tea.NewView(b.String())
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

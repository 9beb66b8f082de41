package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"sort"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/llamashell/lsh/cmd/internal/cli"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/natural"
	"github.com/llamashell/lsh/cmd/lsh-full/internal/tui"
	lshconfig "github.com/llamashell/lsh/config"
	"github.com/llamashell/lsh/intents"
	"github.com/llamashell/lsh/intents/classify"
	"github.com/llamashell/lsh/shell"
	"github.com/llamashell/lsh/shell/history"
)

// useTUI reports whether the interactive shell gets the TUI: standard
// input, output and error are terminals, TERM is not dumb, and --plain was
// not given.
func useTUI(cfg *config, in, out, errw *os.File) bool {
	if cfg.Plain {
		return false
	}
	switch os.Getenv("TERM") {
	case "", "dumb":
		return false
	}
	return cli.IsTTY(in) && cli.IsTTY(out) && cli.IsTTY(errw)
}

// tuiFrontEnd is the interactive front-end on a terminal: package tui
// over the session and the natural-language path.
func (nl *nlPath) tuiFrontEnd(cfg *config) frontEndFunc {
	return func(ctx context.Context, sess *shell.Session, in *os.File, errw io.Writer) int {
		return nl.runTUI(ctx, sess, in, errw, engineLabel(cfg.engine, nl.config))
	}
}

func (nl *nlPath) runTUI(ctx context.Context, sess *shell.Session, in *os.File, errw io.Writer, label string) int {
	out := nl.stdout
	b := &tuiBackend{ctx: ctx, nl: nl, sess: sess, label: label}

	var warnings []string
	hist, err := openHistory(sess)
	if err != nil {
		warnings = append(warnings, err.Error())
	}
	st, err := tuiStyles(nl, in, out)
	if err != nil {
		warnings = append(warnings, err.Error())
	}
	for _, w := range warnings {
		fmt.Fprintf(errw, "lsh: %s\n", w)
	}

	// A configured model loads and computes its prompt's opening while
	// the person types the first line.
	go nl.engine.Prepare(ctx)
	m := tui.New(tui.Options{Backend: b, History: hist, Styles: st})
	p := tui.NewProgram(m, in, out, tui.ProgramOptions{Profile: colorProfile(out), Mark: st.Mark.Render("%")})
	go func() {
		// SIGINT sent to lsh while it waits at the prompt (kill -INT):
		// the line is dropped, as with Ctrl-C.
		for range sess.IdleInterrupts() {
			p.Send(tui.InterruptMsg{})
		}
	}()
	if _, err := p.Run(); err != nil {
		fmt.Fprintf(errw, "lsh: %v\n", err)
		// The terminal would not do what the TUI needs: the plain
		// front-end still works.
		return nl.runPlain(ctx, sess, in, errw)
	}
	return sess.LastStatus()
}

// openHistory opens the persistent history: $LSH_HISTFILE if set, else
// $XDG_STATE_HOME/lsh/history, from the shell's variables as the startup
// files left them. Without a HOME it lives in memory.
func openHistory(sess *shell.Session) (*history.Store, error) {
	path := sess.Getenv("LSH_HISTFILE")
	if path == "" {
		if paths, err := lshconfig.PathsFromEnv(sess.Getenv); err == nil {
			path = paths.HistoryFile
		}
	}
	return history.Open(path, history.Options{})
}

// colorProfile is what the terminal shows: NO_COLOR (any value, as
// no-color.org says) keeps attributes but no colours.
func colorProfile(out *os.File) colorprofile.Profile {
	if os.Getenv("NO_COLOR") != "" {
		return colorprofile.ASCII
	}
	return colorprofile.Detect(out, os.Environ())
}

// tuiStyles builds the styles from the config's [colors], NO_COLOR and the
// terminal's background, asked of the terminal only when the theme is
// auto and colours are on.
func tuiStyles(nl *nlPath, in, out *os.File) (*tui.Styles, error) {
	var cfg *lshconfig.Config
	if nl.config != nil {
		cfg, _, _ = nl.config()
	}
	o := tui.StyleOptions{Dark: true, NoColor: os.Getenv("NO_COLOR") != ""}
	var errs []string
	if cfg != nil {
		th, err := tui.ParseTheme(cfg.Colors.Theme)
		if err != nil {
			errs = append(errs, where(cfg, "colors.theme")+err.Error())
		}
		o.Theme = th
		o.Overrides = cfg.Colors.Overrides
	}
	if o.Theme == tui.ThemeAuto || o.Theme == "" {
		if !o.NoColor {
			o.Dark = darkBackground(in, out)
		}
	}
	if cfg != nil {
		// Each bad entry with its own line in the file.
		for k, v := range cfg.Colors.Overrides {
			if err := tui.CheckColor(k, v); err != nil {
				errs = append(errs, where(cfg, "colors."+k)+err.Error())
			}
		}
		sort.Strings(errs)
	}
	st, _ := tui.NewStyles(o) // bad entries are left out, and reported above

	if len(errs) > 0 {
		return st, errors.New(strings.Join(errs, "; "))
	}
	return st, nil
}

func where(cfg *lshconfig.Config, key string) string {
	if cfg == nil || cfg.File == "" {
		return ""
	}
	if w := cfg.Where(key); w != "" {
		return w + ": "
	}
	return cfg.File + ": "
}

// darkBackground says whether the terminal's background is dark:
// COLORFGBG when the terminal sets it (rxvt, Konsole), else the answer to
// an OSC 11 query (lipgloss stops waiting when the terminal answers the
// device-attributes query sent after it, so a terminal that does not know
// OSC 11 costs one round trip).
func darkBackground(in, out *os.File) bool {
	if v := os.Getenv("COLORFGBG"); v != "" {
		parts := strings.Split(v, ";")
		bg := parts[len(parts)-1]
		switch bg {
		case "7", "15":
			return false
		case "":
		default:
			return true
		}
	}
	return lipgloss.HasDarkBackground(in, out)
}

// tuiBackend is tui.Backend over the session and the natural-language
// path.
type tuiBackend struct {
	ctx   context.Context
	nl    *nlPath
	sess  *shell.Session
	label string // the intent source as the prompt shows it

	hostOnce sync.Once
	host     string
	user     string
}

// The methods below implement tui.Backend (documented there).

func (b *tuiBackend) Classify(line string) tui.Class {
	res := natural.Classify(b.sess, line, classify.Typed)
	c := tui.Class{
		Natural:    res.Natural,
		Request:    res.Request,
		Runnable:   res.Natural && res.Resolvable && !res.Explicit,
		Reason:     res.Reason,
		Incomplete: res.Incomplete,
	}
	if !c.Natural && !c.Incomplete {
		// lsh's own parser also continues a line ending in a backslash.
		var se *shell.SyntaxError
		if _, err := shell.Parse(line+"\n", ""); errors.As(err, &se) && se.Incomplete {
			c.Incomplete = true
		}
	}
	return c
}

func (b *tuiBackend) Resolves(name string) bool { return b.sess.Resolve(name).Kind != shell.NotFound }

func (b *tuiBackend) Facts() tui.Facts {
	b.hostOnce.Do(func() {
		b.host, _ = os.Hostname()
		if u, err := user.Current(); err == nil {
			b.user = u.Username
		}
	})
	dir := b.sess.Dir()
	f := tui.Facts{
		Dir:    dir,
		Home:   b.sess.Getenv("HOME"),
		User:   b.sess.Getenv("USER"),
		Host:   b.host,
		Root:   os.Geteuid() == 0,
		Branch: gitBranch(dir),
		Status: b.sess.LastStatus(),
		Jobs:   len(b.sess.Jobs()),
		Source: b.label,
		Format: b.sess.Getenv("LSH_PROMPT"),
	}
	if f.User == "" {
		f.User = b.user
	}
	if f.Format == "" && b.nl.config != nil {
		if cfg, _, _ := b.nl.config(); cfg != nil {
			f.Format = cfg.Prompt
		}
	}
	f.IgnoreEOF, _ = b.sess.Option("ignoreeof")
	return f
}

func (b *tuiBackend) Run(_ context.Context, line string) tui.Outcome {
	status, err := b.sess.Run(b.ctx, line, "")
	var ge *natural.GuardError
	if errors.As(err, &ge) {
		// The guard said why on the terminal already.
		err = nil
	}
	return tui.Outcome{Status: status, Exited: b.sess.Exited(), Err: err}
}

func (b *tuiBackend) Understand(ctx context.Context, c tui.Class, progress func(tui.Progress)) (tui.Proposal, error) {
	req := natural.NewRequest(b.sess, c.Request)
	in, err := natural.Ask(ctx, b.nl.engine, req, func(p intents.Progress) {
		progress(tui.Progress{Phase: string(p.Phase), Tokens: p.Tokens, TokensPerSecond: p.TokensPerSecond, Text: p.Text})
	})
	if err != nil {
		return tui.Proposal{}, err
	}
	p := proposal(in, b.nl.yes)
	if p.Source == string(intents.SourceModel) {
		p.Source = b.label
	}
	p.Warnings = b.nl.engine.Warnings()
	p.Request = c.Request
	return p, nil
}

// proposal is the TUI's view of an intent, with the policy's verdict.
func proposal(in intents.Intent, yes natural.Yes) tui.Proposal {
	p := tui.Proposal{
		Command: in.Command, Text: in.Text, Explanation: in.Explanation, Risk: in.Risk,
		Source: string(in.Source), Intent: in,
	}
	switch in.Kind {
	case intents.KindAction:
		p.Kind = tui.KindAction
		if in.Action != nil {
			p.Command, p.Action = in.Action.CommandLine(), in.Action.Name
		}
	case intents.KindAnswer:
		p.Kind = tui.KindAnswer
	case intents.KindClarify:
		p.Kind = tui.KindClarify
	case intents.KindShell:
		p.Kind = tui.KindShell
	default:
		p.Kind = tui.KindCommand
	}
	p.Proceed = natural.Decide(in, yes, true) == natural.Proceed
	return p
}

func (b *tuiBackend) Explain(_ context.Context, command string) (string, error) {
	return natural.ExplainText(command), nil
}

func (b *tuiBackend) Perform(_ context.Context, p tui.Proposal) tui.Outcome {
	status, err := b.sess.RunRequest(b.ctx, p.Command, "", p.Request)
	return tui.Outcome{Status: status, Exited: b.sess.Exited(), Err: err}
}

func (b *tuiBackend) Notices() []string { return b.sess.TakeJobNotices() }

package tui

import (
	"strconv"
	"strings"
	"time"

	"github.com/llamashell/lsh/shell/promptfmt"
)

// The prompt. Without a format it is
//
//	~/src/lsh main ✗1 rules ❯
//
// the directory shortened with "~", the git branch inside a repository,
// the number of background jobs, the last status when it is not zero, the
// intent source, and the prompt symbol ("#" for root), each in its colour;
// the symbol turns into "✦" while the line reads as natural language.
//
// A format (LSH_PROMPT in ~/.lshrc, or prompt in config.toml) is written
// as bash's PS1, with the escapes below; colours come from \e[…m escapes
// between \[ and \]. See docs/tui.md.

// renderPrompt draws the prompt for facts; natural is true while the line
// typed reads as natural language.
func (s *Styles) renderPrompt(f Facts, natural bool, now time.Time) string {
	if f.Format != "" {
		return ExpandFormat(f.Format, f, now)
	}
	var b strings.Builder
	b.WriteString(s.Dir.Render(promptfmt.ShortDir(f.Dir, f.Home)))
	if f.Branch != "" {
		b.WriteString(" " + s.Branch.Render(f.Branch))
	}
	if f.Jobs > 0 {
		b.WriteString(" " + s.Dim.Render("&"+strconv.Itoa(f.Jobs)))
	}
	if f.Status != 0 {
		b.WriteString(" " + s.Status.Render("✗"+strconv.Itoa(f.Status)))
	}
	if f.Source != "" {
		b.WriteString(" " + s.Source.Render(f.Source))
	}
	b.WriteString(" ")
	switch {
	case natural:
		b.WriteString(s.SymbolNatural.Render("✦"))
	case f.Root:
		b.WriteString(s.symbol(f).Render("#"))
	default:
		b.WriteString(s.symbol(f).Render("❯"))
	}
	b.WriteString(" ")
	return b.String()
}

func (s *Styles) symbol(f Facts) styleRenderer {
	if f.Status != 0 {
		return s.SymbolError
	}
	return s.Symbol
}

// styleRenderer is what renderPrompt needs of a style.
type styleRenderer interface{ Render(...string) string }

// ExpandFormat expands a PS1-style prompt format with facts. It knows
// bash's escapes that make sense in lsh:
//
//	\u user  \h host up to the first "."  \H host  \w directory with "~"
//	\W its last element  \$ "#" for root, else "$"  \j jobs
//
// the escapes of promptfmt.Expand (\n \r \t \T \@ \A \d \s \e \a \\ \nnn,
// \[ \] around non-printing text)
//
// and lsh's own:
//
//	\g the git branch ("" outside a repository)
//	\? the last exit status when it is not zero ("" otherwise)
//	\S the intent source (rules, or the model's name)
//
// An unknown escape is kept as written. Parameter expansion and command
// substitution are not done: the prompt is drawn at every keystroke and
// must never start a process.
func ExpandFormat(format string, f Facts, now time.Time) string {
	return promptfmt.Expand(format, now, func(c byte) (string, bool) {
		switch c {
		case 'u':
			return f.User, true
		case 'h':
			return promptfmt.ShortHost(f.Host), true
		case 'H':
			return f.Host, true
		case 'w':
			return promptfmt.ShortDir(f.Dir, f.Home), true
		case 'W':
			return promptfmt.BaseDir(f.Dir, f.Home), true
		case '$':
			if f.Root {
				return "#", true
			}
			return "$", true
		case 'j':
			return strconv.Itoa(f.Jobs), true
		case 'g':
			return f.Branch, true
		case '?':
			if f.Status != 0 {
				return strconv.Itoa(f.Status), true
			}
			return "", true
		case 'S':
			return f.Source, true
		}
		return "", false
	})
}

package tui

import (
	"strconv"
	"strings"
	"time"
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

// ShortDir is dir with the home directory replaced by "~".
func ShortDir(dir, home string) string {
	if home != "" && home != "/" {
		home = strings.TrimSuffix(home, "/")
		if dir == home {
			return "~"
		}
		if strings.HasPrefix(dir, home+"/") {
			return "~" + dir[len(home):]
		}
	}
	return dir
}

// renderPrompt draws the prompt for facts; natural is true while the line
// typed reads as natural language.
func (s *Styles) renderPrompt(f Facts, natural bool, now time.Time) string {
	if f.Format != "" {
		return ExpandFormat(f.Format, f, now)
	}
	var b strings.Builder
	b.WriteString(s.Dir.Render(ShortDir(f.Dir, f.Home)))
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
//	\W its last element  \$ "#" for root, else "$"  \n newline  \t HH:MM:SS
//	\T hh:mm:ss  \@ hh:mm AM  \A HH:MM  \d "Tue May 26"  \j jobs  \\ backslash
//	\e escape  \a bell  \nnn octal byte  \[ \] around non-printing text
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
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '\\' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := format[i]; e {
		case 'u':
			b.WriteString(f.User)
		case 'h':
			h, _, _ := strings.Cut(f.Host, ".")
			b.WriteString(h)
		case 'H':
			b.WriteString(f.Host)
		case 'w':
			b.WriteString(ShortDir(f.Dir, f.Home))
		case 'W':
			d := f.Dir
			if d != "/" && d != f.Home {
				d = d[strings.LastIndexByte(strings.TrimSuffix(d, "/"), '/')+1:]
			} else if d == f.Home && d != "" {
				d = "~"
			}
			b.WriteString(d)
		case '$':
			if f.Root {
				b.WriteByte('#')
			} else {
				b.WriteByte('$')
			}
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteString(now.Format("15:04:05"))
		case 'T':
			b.WriteString(now.Format("03:04:05"))
		case '@':
			b.WriteString(now.Format("03:04 PM"))
		case 'A':
			b.WriteString(now.Format("15:04"))
		case 'd':
			b.WriteString(now.Format("Mon Jan 02"))
		case 'j':
			b.WriteString(strconv.Itoa(f.Jobs))
		case 's':
			b.WriteString("lsh")
		case 'g':
			b.WriteString(f.Branch)
		case '?':
			if f.Status != 0 {
				b.WriteString(strconv.Itoa(f.Status))
			}
		case 'S':
			b.WriteString(f.Source)
		case 'e':
			b.WriteByte(0x1b)
		case 'a':
			b.WriteByte(0x07)
		case '\\':
			b.WriteByte('\\')
		case '[', ']':
			// Non-printing markers: lsh measures escapes itself.
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(format) && j < i+3 && format[j] >= '0' && format[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(format[i:j], 8, 8)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String()
}

package tui

import (
	"fmt"
	"image/color"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/llamashell/lsh/intents/risk"
)

// Styles are every colour and attribute the TUI draws with: the one place
// to change how lsh looks. Views never build a lipgloss.Style themselves.
type Styles struct {
	// The prompt.
	Dir, Branch, Status, Source, Symbol, SymbolError, SymbolNatural lipgloss.Style
	// The input line, by lexical class (see highlight.go).
	Command, Missing, Keyword, Option, Arg, String, Variable, Operator, Comment, Assign lipgloss.Style
	// Natural is a line that lsh will treat as a request, not shell code.
	Natural lipgloss.Style

	// Completion list and search.
	Candidate, Selected, Match, Annotation lipgloss.Style

	// The confirm card.
	Card, CardTitle, Explanation, Reason, Key, KeyHelp, Alternative lipgloss.Style
	// Risk badges, by level; an unknown level gets the most alarming one.
	Risk map[risk.Level]lipgloss.Style

	// Messages.
	Dim, Error, Answer, Spinner lipgloss.Style
	// Mark flags the end of command output that had no final newline.
	Mark lipgloss.Style
}

// Theme chooses colours; Colorless styles with attributes only.
type Theme string

// The themes; ThemeAuto picks dark or light from the terminal's background.
const (
	ThemeAuto  Theme = "auto"
	ThemeDark  Theme = "dark"
	ThemeLight Theme = "light"
	ThemeNone  Theme = "none"
)

// StyleOptions choose a palette.
type StyleOptions struct {
	// Dark is the terminal background as detected; it decides ThemeAuto.
	Dark bool
	// Theme is the config's colors.theme ("" is ThemeAuto).
	Theme Theme
	// NoColor drops every colour, keeping bold, reverse and the like: the
	// NO_COLOR convention (https://no-color.org).
	NoColor bool
	// Overrides maps a colour name (see ColorNames) to "#rrggbb", "#rgb"
	// or an ANSI colour number, from the config's [colors] table.
	Overrides map[string]string
}

// palette is a set of named colours, the names the config can override.
type palette map[string]string

var darkPalette = palette{
	"dir": "#5fafff", "branch": "#d787ff", "status": "#ff5f5f", "source": "#8a8a8a",
	"symbol": "#5fd787", "natural": "#ffaf5f",
	"command": "#5fd787", "missing": "#ff5f5f", "keyword": "#d787ff", "option": "#87d7ff",
	"string": "#d7d787", "variable": "#ffaf5f", "operator": "#5fafd7", "comment": "#808080",
	"accent": "#87afff", "dim": "#8a8a8a", "error": "#ff5f5f", "match": "#ffd75f",
	"read-only": "#5fd787", "writes": "#87afff", "deletes": "#ffaf5f", "privileged": "#ff875f",
	"remote-code": "#ff5fd7", "system-destroying": "#ff5f5f",
}

var lightPalette = palette{
	"dir": "#005fd7", "branch": "#8700af", "status": "#d70000", "source": "#6c6c6c",
	"symbol": "#008700", "natural": "#af5f00",
	"command": "#008700", "missing": "#d70000", "keyword": "#8700af", "option": "#005f87",
	"string": "#875f00", "variable": "#af5f00", "operator": "#005faf", "comment": "#767676",
	"accent": "#005fd7", "dim": "#6c6c6c", "error": "#d70000", "match": "#af5f00",
	"read-only": "#008700", "writes": "#005fd7", "deletes": "#af5f00", "privileged": "#d75f00",
	"remote-code": "#af00af", "system-destroying": "#d70000",
}

// ColorNames are the names a config's [colors] table may set.
func ColorNames() []string {
	names := make([]string, 0, len(darkPalette))
	for n := range darkPalette {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseTheme reads a config's colors.theme; "" is ThemeAuto.
func ParseTheme(s string) (Theme, error) {
	switch t := Theme(strings.ToLower(strings.TrimSpace(s))); t {
	case "":
		return ThemeAuto, nil
	case ThemeAuto, ThemeDark, ThemeLight, ThemeNone:
		return t, nil
	}
	return "", fmt.Errorf("colors.theme %q: want one of auto, dark, light, none", s)
}

// NewStyles builds the styles. An override with an unknown name or a value
// that is no colour is an error naming it; the other overrides still apply.
func NewStyles(o StyleOptions) (*Styles, error) {
	pal := darkPalette
	switch o.Theme {
	case ThemeLight:
		pal = lightPalette
	case ThemeAuto, "":
		if !o.Dark {
			pal = lightPalette
		}
	}
	noColor := o.NoColor || o.Theme == ThemeNone
	colors := make(palette, len(pal))
	for k, v := range pal {
		colors[k] = v
	}
	var errs []string
	keys := make([]string, 0, len(o.Overrides))
	for k := range o.Overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := o.Overrides[k]
		if err := CheckColor(k, v); err != nil {
			errs = append(errs, err.Error())
			continue
		}
		colors[k] = v
	}
	c := func(name string) color.Color {
		if noColor {
			return lipgloss.NoColor{}
		}
		return lipgloss.Color(colors[name])
	}
	fg := func(name string) lipgloss.Style { return lipgloss.NewStyle().Foreground(c(name)) }

	s := &Styles{
		Dir:           fg("dir").Bold(true),
		Branch:        fg("branch"),
		Status:        fg("status").Bold(true),
		Source:        fg("source"),
		Symbol:        fg("symbol").Bold(true),
		SymbolError:   fg("status").Bold(true),
		SymbolNatural: fg("natural").Bold(true),

		Command:  fg("command"),
		Missing:  fg("missing").Underline(true),
		Keyword:  fg("keyword").Bold(true),
		Option:   fg("option"),
		Arg:      lipgloss.NewStyle(),
		String:   fg("string"),
		Variable: fg("variable"),
		Operator: fg("operator").Bold(true),
		Comment:  fg("comment").Italic(true),
		Assign:   fg("variable"),
		Natural:  fg("natural").Italic(true),

		Candidate:  lipgloss.NewStyle(),
		Selected:   lipgloss.NewStyle().Reverse(true),
		Match:      fg("match").Bold(true).Underline(true),
		Annotation: fg("dim").Italic(true),

		Card:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(c("accent")).Padding(0, 1),
		CardTitle:   fg("accent").Bold(true),
		Explanation: lipgloss.NewStyle(),
		Reason:      fg("dim"),
		Key:         fg("accent").Bold(true),
		KeyHelp:     fg("dim"),
		Alternative: fg("symbol"),

		Dim:     fg("dim"),
		Error:   fg("error").Bold(true),
		Answer:  lipgloss.NewStyle(),
		Spinner: fg("accent"),
		Mark:    lipgloss.NewStyle().Reverse(true).Bold(true),
	}
	s.Risk = make(map[risk.Level]lipgloss.Style, len(risk.Levels))
	for _, l := range risk.Levels {
		st := lipgloss.NewStyle().Bold(true).Padding(0, 1)
		if noColor {
			st = st.Reverse(true)
		} else {
			st = st.Foreground(lipgloss.Color("#000000")).Background(c(string(l)))
			if l == risk.SystemDestroying {
				st = st.Foreground(lipgloss.Color("#ffffff")).Blink(false)
			}
		}
		s.Risk[l] = st
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return s, nil
}

// CheckColor says what is wrong with a [colors] entry: a name that is no
// colour of the TUI's, or a value that is no colour.
func CheckColor(name, value string) error {
	if _, ok := darkPalette[name]; !ok {
		return fmt.Errorf("colors.%s: no such colour (known: %s)", name, strings.Join(ColorNames(), ", "))
	}
	if !validColor(value) {
		return fmt.Errorf("colors.%s = %q: want \"#rrggbb\", \"#rgb\" or 0-255", name, value)
	}
	return nil
}

// RiskBadge renders a risk level as a coloured badge.
func (s *Styles) RiskBadge(l risk.Level) string {
	st, ok := s.Risk[l]
	if !ok {
		st = s.Risk[risk.SystemDestroying]
	}
	return st.Render(string(l))
}

// validColor reports whether v is a colour lipgloss understands: #rgb,
// #rrggbb, or an ANSI colour number.
func validColor(v string) bool {
	if strings.HasPrefix(v, "#") {
		h := v[1:]
		if len(h) != 3 && len(h) != 6 {
			return false
		}
		_, err := strconv.ParseUint(h, 16, 32)
		return err == nil
	}
	n, err := strconv.Atoi(v)
	return err == nil && n >= 0 && n <= 255
}

package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// choice is what the person decided on the confirm card.
type choice int

const (
	choiceNone     choice = iota // not decided yet
	choiceRun                    // run the proposed command
	choiceEdit                   // put it on the input line to change it
	choiceExplain                // explain it in detail
	choiceRunTyped               // run the line as typed: it was shell code after all
	choiceCancel                 // run nothing
)

// confirmCard is the card shown for a proposed command: the command,
// highlighted; what it does; its risk with the reasons; the keys.
//
// One key runs a command rated below deletes. From deletes up
// (risk.Level.NeedsTypedYes) the person types "yes" and Enter: the letters
// go to a small field, and only "yes" runs. The other keys (e, x, t, n)
// work while that field is empty.
type confirmCard struct {
	prop     Proposal
	class    Class
	line     string // the line as typed
	needsYes bool
	typed    string // what was typed in the yes field
	warn     string // why Enter did not run

	explaining  bool
	explanation string
}

func newConfirmCard(p Proposal, c Class, line string) *confirmCard {
	return &confirmCard{prop: p, class: c, line: line, needsYes: p.Risk.Level.NeedsTypedYes()}
}

// command is the line the card would run.
func (c *confirmCard) command() string { return c.prop.Command }

// key decides on a key press.
func (c *confirmCard) key(k tea.KeyPressMsg) choice {
	c.warn = ""
	switch k.String() {
	case "esc", "ctrl+c", "ctrl+g":
		return choiceCancel
	case "enter":
		if !c.needsYes || strings.EqualFold(strings.TrimSpace(c.typed), "yes") {
			return choiceRun
		}
		c.warn = `type "yes" to run it`
		c.typed = ""
		return choiceNone
	case "backspace", "ctrl+h":
		if c.typed != "" {
			r := []rune(c.typed)
			c.typed = string(r[:len(r)-1])
		}
		return choiceNone
	case "ctrl+u":
		c.typed = ""
		return choiceNone
	}
	if c.needsYes && c.typed != "" && k.Text != "" {
		if len(c.typed) < 8 {
			c.typed += k.Text
		}
		return choiceNone
	}
	switch k.String() {
	case "y":
		if c.needsYes {
			c.typed = "y"
			return choiceNone
		}
		return choiceRun
	case "e":
		return choiceEdit
	case "x", "?":
		return choiceExplain
	case "t":
		if c.class.Runnable {
			return choiceRunTyped
		}
	case "n", "q":
		return choiceCancel
	}
	return choiceNone
}

// paste types pasted text into the yes field.
func (c *confirmCard) paste(s string) {
	if c.needsYes {
		c.typed = strings.TrimSpace(s)
	}
}

// view draws the card width cells wide at most.
func (c *confirmCard) view(s *Styles, width int, resolves func(string) bool) string {
	inner := min(max(width, 30), 100) - 4 // border and padding
	var b strings.Builder
	title := s.RiskBadge(c.prop.Risk.Level) + " " + s.CardTitle.Render(c.title())
	if c.prop.Source != "" {
		title += s.Dim.Render(" · " + c.prop.Source)
	}
	b.WriteString(title + "\n\n")
	b.WriteString(strings.Join(s.Highlight(c.command(), resolves), "\n"))
	b.WriteString("\n")
	if c.prop.Explanation != "" {
		b.WriteString("\n" + s.Explanation.Render(wrap(c.prop.Explanation, inner)))
		b.WriteString("\n")
	}
	if len(c.prop.Risk.Reasons) > 0 && c.prop.Risk.Level.Rank() > 0 {
		for _, r := range c.prop.Risk.Reasons {
			b.WriteString(s.Reason.Render(wrap("• "+r, inner)) + "\n")
		}
	}
	if alt := c.prop.Risk.Alternative; alt != "" {
		b.WriteString(s.Alternative.Render(wrap("safer: "+alt, inner)) + "\n")
	}
	if c.explaining {
		b.WriteString("\n" + s.Dim.Render("explaining…") + "\n")
	} else if c.explanation != "" {
		b.WriteString("\n" + wrap(strings.TrimRight(c.explanation, "\n"), inner) + "\n")
	}
	if c.class.Runnable && c.class.Reason != "" {
		// The line could have run as typed: say why lsh read it as a
		// request, next to the key that undoes that.
		b.WriteString("\n" + s.Dim.Render(wrap("lsh read your line as a request ("+c.class.Reason+"); t runs it as typed.", inner)) + "\n")
	}
	b.WriteString("\n")
	if c.needsYes {
		b.WriteString(s.Key.Render("yes") + s.KeyHelp.Render(" ⏎ run") + "  ")
	} else {
		b.WriteString(s.Key.Render("⏎") + s.KeyHelp.Render(" run") + "  ")
	}
	b.WriteString(s.Key.Render("e") + s.KeyHelp.Render(" edit") + "  ")
	b.WriteString(s.Key.Render("x") + s.KeyHelp.Render(" explain") + "  ")
	if c.class.Runnable {
		b.WriteString(s.Key.Render("t") + s.KeyHelp.Render(" run as typed") + "  ")
	}
	b.WriteString(s.Key.Render("esc") + s.KeyHelp.Render(" cancel"))
	if c.needsYes {
		b.WriteString("\n" + s.Error.Render("Rated "+string(c.prop.Risk.Level)+": "+yesField) + c.typed)
	}
	if c.warn != "" {
		b.WriteString("\n" + s.Error.Render(c.warn))
	}
	return s.Card.Width(inner + 4).Render(b.String())
}

// title says what the card proposes.
func (c *confirmCard) title() string {
	if c.prop.Kind == KindAction && c.prop.Action != "" {
		return "run lsh's " + c.prop.Action + "?"
	}
	return "run this command?"
}

// yesField introduces what the person types to confirm.
const yesField = "type yes to run it: "

// cursor is where the cursor sits on a card that wants a typed yes: at
// the end of the yes field, found in the drawn card.
func (c *confirmCard) cursor(view string) (x, y int, ok bool) {
	if !c.needsYes {
		return 0, 0, false
	}
	lines := strings.Split(view, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		plain := stripANSI(lines[i])
		if j := strings.Index(plain, yesField); j >= 0 {
			return textWidth(plain[:j]) + len(yesField) + textWidth(c.typed), i, true
		}
	}
	return 0, 0, false
}

// wrap breaks text into lines of at most width cells at spaces.
func wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	return lipgloss.Wrap(text, width, " ")
}

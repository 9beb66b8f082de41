package tui

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// renderer draws a view inline: in the rows below whatever the terminal
// showed before, never the whole screen, so that the scrollback keeps
// every command's output. The view is redrawn only when it changed.
//
// It breaks lines into rows itself, rather than letting the terminal wrap
// them, so it always knows how many rows the frame takes and where the
// cursor is: a redraw goes up to the frame's first row, rewrites each row
// and clears what is left of it, and clears below when the frame shrank.
// A row that fills the width is not followed by an erase: the terminal's
// cursor is then still on its last cell (the pending wrap), and erasing
// would take that cell.
type renderer struct {
	w             io.Writer
	width, height int

	rows   int // rows the frame on screen takes
	curRow int // the row of the frame the cursor is on

	last       string
	lastCursor *tea.Cursor
	drawn      bool // last/lastCursor are on screen
	buf        bytes.Buffer
}

func newRenderer(w io.Writer, width, height int) *renderer {
	return &renderer{w: w, width: max(width, 1), height: max(height, 1)}
}

// resize takes a new terminal size. The frame is erased and drawn again
// at the next render, as a narrower terminal may have reflowed its rows.
func (r *renderer) resize(width, height int) {
	if width == r.width && height == r.height {
		return
	}
	if width != r.width && r.rows > 0 {
		r.toTop()
		r.buf.WriteString("\x1b[J")
		r.rows, r.curRow = 0, 0
		r.flush()
	}
	r.width, r.height = max(width, 1), max(height, 1)
	r.drawn = false
}

// toTop moves the cursor to the start of the frame's first row.
func (r *renderer) toTop() {
	if r.curRow > 0 {
		r.buf.WriteString("\x1b[" + strconv.Itoa(r.curRow) + "A")
	}
	r.buf.WriteByte('\r')
}

// render draws v if it differs from what is on screen.
func (r *renderer) render(v tea.View) {
	if r.drawn && v.Content == r.last && cursorEqual(v.Cursor, r.lastCursor) {
		return
	}
	rows, crow, ccol := r.layout(v)
	r.buf.WriteString("\x1b[?2026h\x1b[?25l")
	r.toTop()
	for i, row := range rows {
		r.buf.WriteString(row)
		if ansi.StringWidth(row) < r.width {
			r.buf.WriteString("\x1b[K")
		}
		if i < len(rows)-1 {
			r.buf.WriteString("\r\n")
		}
	}
	end := max(len(rows)-1, 0)
	if len(rows) < r.rows {
		// The frame shrank: clear the rows it no longer uses. They are on
		// screen below, so moving down into them scrolls nothing.
		if len(rows) == 0 {
			r.buf.WriteString("\x1b[J")
		} else {
			r.buf.WriteString("\r\n\x1b[J\x1b[A")
		}
	}
	if v.Cursor != nil {
		if up := end - crow; up > 0 {
			r.buf.WriteString("\x1b[" + strconv.Itoa(up) + "A")
		}
		r.buf.WriteByte('\r')
		if ccol > 0 {
			r.buf.WriteString("\x1b[" + strconv.Itoa(ccol) + "C")
		}
		r.buf.WriteString("\x1b[?25h")
		r.curRow = crow
	} else {
		r.curRow = end
	}
	r.buf.WriteString("\x1b[?2026l")
	r.rows = len(rows)
	r.last, r.lastCursor, r.drawn = v.Content, copyCursor(v.Cursor), true
	r.flush()
}

// layout breaks the view into rows no wider than the terminal and finds
// the cursor's row and column. A frame taller than the terminal loses its
// first rows (the cursor's row is kept).
func (r *renderer) layout(v tea.View) (rows []string, crow, ccol int) {
	if v.Content == "" && v.Cursor == nil {
		return nil, 0, 0
	}
	lines := strings.Split(strings.ReplaceAll(v.Content, "\r\n", "\n"), "\n")
	for y, line := range lines {
		lrows, starts := wrapRows(line, r.width)
		if v.Cursor != nil && y == v.Cursor.Y {
			x := v.Cursor.X
			i := len(starts) - 1
			for i > 0 && starts[i] > x {
				i--
			}
			col := x - starts[i]
			if col >= r.width {
				// Just past a full last row: the cursor needs a row of
				// its own, as the terminal would wrap there.
				lrows = append(lrows, "")
				i, col = len(lrows)-1, 0
			}
			crow, ccol = len(rows)+i, col
		}
		rows = append(rows, lrows...)
	}
	if v.Cursor == nil {
		crow = len(rows) - 1
	}
	if len(rows) > r.height {
		first := min(len(rows)-r.height, crow)
		rows = rows[first : first+r.height]
		crow -= first
	}
	return rows, crow, ccol
}

// wrapRows breaks one line (with ANSI styles) into rows of at most width
// cells, never splitting a grapheme; a wide character that does not fit
// at the end of a row starts the next one, as terminals place it. The
// styles in effect at a break are closed at the end of the row and opened
// again at the start of the next, so that erasing the rest of a row never
// paints it with a background. starts holds each row's first cell.
func wrapRows(line string, width int) (rows []string, starts []int) {
	var row strings.Builder
	var active []string // SGR sequences in effect
	col, cells := 0, 0
	starts = []int{0}
	state := byte(0)
	p := ansi.GetParser()
	defer ansi.PutParser(p)
	for len(line) > 0 {
		seq, w, n, newState := ansi.DecodeSequence(line, state, p)
		state = newState
		line = line[n:]
		if w == 0 {
			if strings.HasPrefix(seq, "\x1b[") && strings.HasSuffix(seq, "m") {
				if seq == "\x1b[m" || seq == "\x1b[0m" {
					active = active[:0]
				} else {
					active = append(active, seq)
				}
			}
			row.WriteString(seq)
			continue
		}
		if col+w > width && col > 0 {
			if len(active) > 0 {
				row.WriteString("\x1b[m")
			}
			rows = append(rows, row.String())
			row.Reset()
			row.WriteString(strings.Join(active, ""))
			starts = append(starts, cells)
			col = 0
		}
		row.WriteString(seq)
		col += w
		cells += w
	}
	return append(rows, row.String()), starts
}

// printAbove erases the frame, prints text in its place, where it stays in
// the scrollback, and leaves an empty frame below it.
func (r *renderer) printAbove(text string) {
	r.toTop()
	r.buf.WriteString("\x1b[J")
	text = strings.ReplaceAll(strings.TrimSuffix(text, "\n"), "\n", "\r\n")
	r.buf.WriteString(text + "\r\n")
	r.rows, r.curRow, r.drawn = 0, 0, false
	r.flush()
}

// release erases the frame and leaves the cursor where it started, at
// the start of a row, for a command's output.
func (r *renderer) release() {
	if r.rows > 0 {
		r.toTop()
		r.buf.WriteString("\x1b[J")
	}
	r.buf.WriteString("\x1b[?25h")
	r.rows, r.curRow, r.drawn = 0, 0, false
	r.flush()
}

// clearScreen is Ctrl-L: an empty screen with the frame at its top.
func (r *renderer) clearScreen() {
	r.buf.WriteString("\x1b[H\x1b[2J")
	r.rows, r.curRow, r.drawn = 0, 0, false
	r.flush()
}

// restart forgets the frame after a command printed below it: the next
// render starts a new frame where the cursor is.
func (r *renderer) restart() { r.rows, r.curRow, r.drawn = 0, 0, false }

func (r *renderer) write(s string) {
	r.buf.WriteString(s)
	r.flush()
}

func (r *renderer) flush() {
	if r.buf.Len() == 0 {
		return
	}
	r.w.Write(r.buf.Bytes())
	r.buf.Reset()
}

func cursorEqual(a, b *tea.Cursor) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Position == b.Position
}

func copyCursor(c *tea.Cursor) *tea.Cursor {
	if c == nil {
		return nil
	}
	cc := *c
	return &cc
}

// visible makes text safe and measurable on a terminal: a tab becomes
// spaces to the next multiple of 4 cells is not knowable without context,
// so it becomes four spaces; other control characters are shown as ^X.
func visible(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t':
			b.WriteString("    ")
		case r == 0x7f:
			b.WriteString("^?")
		case r < 0x20 && r != '\n':
			b.WriteByte('^')
			b.WriteByte(byte(r) + '@')
		case r >= 0x80 && r < 0xa0:
			b.WriteString("^[")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 && r != '\n' || r == 0x7f || r >= 0x80 && r < 0xa0
}

// textWidth is the width in cells of text as visible shows it.
func textWidth(s string) int { return ansi.StringWidth(visible(s)) }

// stripANSI removes escape sequences.
func stripANSI(s string) string { return ansi.Strip(s) }

package tui

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
)

// vt is a small terminal emulator, enough to check what the renderer
// leaves on screen: printing with autowrap and the pending-wrap state of
// the last column, CR, LF with scrolling, cursor moves, erase in line and
// in display. Styles are ignored.
type vt struct {
	w, h    int
	cells   [][]string // "" is a blank; a wide character's second cell is "\x00"
	x, y    int
	pending bool     // the cursor is past the last column, wrap on next print
	scroll  []string // lines scrolled off the top
}

func newVT(w, h int) *vt {
	v := &vt{w: w, h: h}
	for range h {
		v.cells = append(v.cells, make([]string, w))
	}
	return v
}

func (v *vt) lineFeed() {
	v.pending = false
	if v.y < v.h-1 {
		v.y++
		return
	}
	v.scroll = append(v.scroll, v.row(0))
	copy(v.cells, v.cells[1:])
	v.cells[v.h-1] = make([]string, v.w)
}

func (v *vt) Write(p []byte) (int, error) {
	s := string(p)
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, "\x1b["):
			end := 2
			for end < len(s) && (s[end] < 0x40 || s[end] > 0x7e) {
				end++
			}
			v.csi(s[2:end], s[end])
			s = s[end+1:]
		case s[0] == '\r':
			v.x, v.pending = 0, false
			s = s[1:]
		case s[0] == '\n':
			v.lineFeed()
			s = s[1:]
		case s[0] < 0x20:
			s = s[1:]
		default:
			g, rest, _, _ := uniseg.FirstGraphemeClusterInString(s, -1)
			s = rest
			gw := ansi.StringWidth(g)
			if v.pending || v.x+gw > v.w {
				v.x = 0
				v.lineFeed()
			}
			v.cells[v.y][v.x] = g
			if gw == 2 {
				v.cells[v.y][v.x+1] = "\x00"
			}
			if v.x+gw >= v.w {
				v.x, v.pending = v.w-1, true
			} else {
				v.x += gw
			}
		}
	}
	return len(p), nil
}

func (v *vt) csi(params string, final byte) {
	n := 1
	if p, err := strconv.Atoi(params); err == nil && p > 0 {
		n = p
	}
	switch {
	case strings.HasPrefix(params, "?"):
		// private modes: cursor visibility, paste, sync — not drawn
	case final == 'A':
		v.y, v.pending = max(v.y-n, 0), false
	case final == 'B':
		v.y, v.pending = min(v.y+n, v.h-1), false
	case final == 'C':
		v.x, v.pending = min(v.x+n, v.w-1), false
	case final == 'H':
		v.x, v.y, v.pending = 0, 0, false
	case final == 'K':
		for i := v.x; i < v.w; i++ {
			v.cells[v.y][i] = ""
		}
	case final == 'J':
		if params == "2" {
			for y := range v.cells {
				v.cells[y] = make([]string, v.w)
			}
			return
		}
		for i := v.x; i < v.w; i++ {
			v.cells[v.y][i] = ""
		}
		for y := v.y + 1; y < v.h; y++ {
			v.cells[y] = make([]string, v.w)
		}
	}
}

func (v *vt) row(y int) string {
	var b strings.Builder
	for _, c := range v.cells[y] {
		switch c {
		case "":
			b.WriteByte(' ')
		case "\x00":
		default:
			b.WriteString(c)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// screen is the visible rows, trailing empty rows dropped.
func (v *vt) screen() string {
	var rows []string
	for y := range v.h {
		rows = append(rows, v.row(y))
	}
	return strings.TrimRight(strings.Join(rows, "\n"), "\n")
}

func view(content string, cursor ...int) tea.View {
	v := tea.NewView(content)
	if len(cursor) == 2 {
		v.Cursor = tea.NewCursor(cursor[0], cursor[1])
	}
	return v
}

func TestRendererRedraws(t *testing.T) {
	term := newVT(20, 6)
	term.Write([]byte("earlier output\r\n"))
	r := newRenderer(term, 20, 6)
	steps := []struct {
		v          tea.View
		screen     string
		cx, cy     int
		whatItTest string
	}{
		{view("$ ", 2, 0), "earlier output\n$", 2, 1, "first frame under earlier output"},
		{view("$ echo hello", 12, 0), "earlier output\n$ echo hello", 12, 1, "typing"},
		{view("$ echo he", 9, 0), "earlier output\n$ echo he", 9, 1, "deleting clears the rest of the row"},
		{view("$ ls\nMusic/  notes.txt\nMy Documents/", 4, 0), "earlier output\n$ ls\nMusic/  notes.txt\nMy Documents/", 4, 1, "a list under the line"},
		{view("$ ls M", 6, 0), "earlier output\n$ ls M", 6, 1, "the list goes away"},
		{view("$ 0123456789abcdefghijklm", 25, 0), "earlier output\n$ 0123456789abcdefgh\nijklm", 5, 2, "a long line wraps"},
		{view("$ 0123456789abcdefgh", 20, 0), "earlier output\n$ 0123456789abcdefgh", 0, 2, "cursor after a full row gets a row of its own"},
		{view("$ 0123456789abcdefgh", 19, 0), "earlier output\n$ 0123456789abcdefgh", 19, 1, "cursor on the last cell of a full row"},
		{view("$ abcdefghijklmnopq日本", 19, 0), "earlier output\n$ abcdefghijklmnopq\n日本", 0, 2, "a wide character that does not fit starts the next row"},
		{view("$ x", 3, 0), "earlier output\n$ x", 3, 1, "back to one row"},
		{view("\x1b[1;32m$\x1b[m \x1b[31mverylongstyledwordthatwraps\x1b[m", 29, 0), "earlier output\n$ verylongstyledword\nthatwraps", 9, 2, "styles across a row break"},
	}
	for _, s := range steps {
		r.render(s.v)
		if got := term.screen(); got != s.screen {
			t.Errorf("%s: screen\n%s\nwant\n%s", s.whatItTest, got, s.screen)
		}
		if term.x != s.cx || term.y != s.cy {
			t.Errorf("%s: cursor at %d,%d, want %d,%d", s.whatItTest, term.x, term.y, s.cx, s.cy)
		}
	}
}

func TestRendererPrintAboveAndRelease(t *testing.T) {
	term := newVT(30, 5)
	r := newRenderer(term, 30, 5)
	r.render(view("~ ❯ ls\nMusic/  notes.txt", 6, 0))
	r.printAbove("~ ❯ ls")
	r.render(view("~ ❯ ", 4, 0))
	if got, want := term.screen(), "~ ❯ ls\n~ ❯"; got != want {
		t.Errorf("after printAbove:\n%s\nwant\n%s", got, want)
	}
	// A command's output goes where the frame was, and the next frame
	// starts below it.
	r.release()
	term.Write([]byte("Music  notes.txt\r\n"))
	r.restart()
	r.render(view("~ ❯ ", 4, 0))
	if got, want := term.screen(), "~ ❯ ls\nMusic  notes.txt\n~ ❯"; got != want {
		t.Errorf("after a command:\n%s\nwant\n%s", got, want)
	}
	// Output fills the screen: rows scroll into the scrollback, intact.
	r.release()
	for i := range 6 {
		term.Write([]byte("line " + strconv.Itoa(i) + "\r\n"))
	}
	r.restart()
	r.render(view("~ ❯ ", 4, 0))
	if got, want := term.screen(), "line 2\nline 3\nline 4\nline 5\n~ ❯"; got != want {
		t.Errorf("after long output:\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(term.scroll, "|"); got != "~ ❯ ls|Music  notes.txt|line 0|line 1" {
		t.Errorf("scrollback = %q", got)
	}
}

func TestRendererTallFrameKeepsCursorRow(t *testing.T) {
	term := newVT(20, 3)
	r := newRenderer(term, 20, 3)
	r.render(view("a\nb\nc\nd\ne", 1, 4))
	if got := term.screen(); got != "c\nd\ne" {
		t.Errorf("a frame taller than the screen shows\n%s", got)
	}
	if term.y != 2 || term.x != 1 {
		t.Errorf("cursor at %d,%d", term.x, term.y)
	}
	r.render(view("x", 1, 0))
	if got := term.screen(); got != "x" {
		t.Errorf("shrinking a full-screen frame leaves\n%s", got)
	}
}

func TestRendererClearScreen(t *testing.T) {
	term := newVT(20, 4)
	term.Write([]byte("a\r\nb\r\nc\r\n"))
	r := newRenderer(term, 20, 4)
	r.render(view("$ ls", 4, 0))
	r.clearScreen()
	r.render(view("$ ls", 4, 0))
	if got := term.screen(); got != "$ ls" || term.y != 0 {
		t.Errorf("after Ctrl-L:\n%s (cursor row %d)", got, term.y)
	}
}

func TestRendererSkipsUnchangedFrames(t *testing.T) {
	var out strings.Builder
	r := newRenderer(&out, 20, 4)
	r.render(view("$ ls", 4, 0))
	n := out.Len()
	r.render(view("$ ls", 4, 0))
	if out.Len() != n {
		t.Errorf("an unchanged view wrote %q", out.String()[n:])
	}
}

func TestWrapRowsStarts(t *testing.T) {
	rows, starts := wrapRows("ab日cd", 3)
	if len(rows) != 3 || ansi.Strip(rows[0]) != "ab" || ansi.Strip(rows[1]) != "日c" || ansi.Strip(rows[2]) != "d" {
		t.Errorf("rows = %q", rows)
	}
	if len(starts) != 3 || starts[0] != 0 || starts[1] != 2 || starts[2] != 5 {
		t.Errorf("starts = %v, want [0 2 5]", starts)
	}
}

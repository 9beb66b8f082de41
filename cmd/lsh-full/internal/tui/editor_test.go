package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// edit types input (terminal bytes) into a fresh editor. A "|" in the
// result marks the cursor.
func edit(t *testing.T, input string) string {
	t.Helper()
	var e Editor
	for _, msg := range decode(t, input) {
		switch msg := msg.(type) {
		case tea.KeyPressMsg:
			if !e.HandleKey(msg) {
				t.Fatalf("editor refused %s", msg)
			}
		case tea.PasteMsg:
			e.Insert(msg.Content)
		}
	}
	return e.Value()[:e.Cursor()] + "|" + e.Value()[e.Cursor():]
}

func TestEditorKeys(t *testing.T) {
	const (
		home  = "\x01"
		end   = "\x05"
		left  = "\x02"
		right = "\x06"
		kill  = "\x0b"
		ukill = "\x15"
		wkill = "\x17"
		yank  = "\x19"
		altB  = "\x1bb"
		altF  = "\x1bf"
		altD  = "\x1bd"
		altBS = "\x1b\x7f"
		bs    = "\x7f"
		del   = "\x1b[3~"
		tr    = "\x14"
		undo  = "\x1f"
		altY  = "\x1by"
	)
	for _, tc := range []struct{ name, input, want string }{
		{"typing", "echo hi", "echo hi|"},
		{"Ctrl-A", "echo hi" + home, "|echo hi"},
		{"Home key", "echo hi\x1b[H", "|echo hi"},
		{"Ctrl-E", "echo hi" + home + end, "echo hi|"},
		{"Ctrl-B", "echo hi" + left + left, "echo |hi"},
		{"Left key", "echo hi\x1b[D", "echo h|i"},
		{"Ctrl-F", "echo hi" + home + right, "e|cho hi"},
		{"insert in the middle", "ech hi" + home + right + right + right + "o", "echo| hi"},
		{"Ctrl-K", "echo hello world" + altB + kill, "echo hello |"},
		{"Ctrl-U", "echo hello world" + altB + ukill, "|world"},
		{"Ctrl-W takes a whole path", "rm -rf ./build/out" + wkill, "rm -rf |"},
		{"Ctrl-W skips trailing blanks", "ls foo   " + wkill, "ls |"},
		{"Ctrl-Y yanks the kill", "echo hello world" + wkill + home + yank, "world|echo hello "},
		{"consecutive kills make one", "a b c" + wkill + wkill + yank, "a b c|"},
		{"Alt-B", "git commit -m" + altB, "git commit -|m"},
		{"Alt-B twice", "git commit -m" + altB + altB, "git |commit -m"},
		{"Alt-F", "git commit -m" + home + altF, "git| commit -m"},
		{"Alt-F twice", "git commit -m" + home + altF + altF, "git commit| -m"},
		{"Ctrl-Right", "git commit" + home + "\x1b[1;5C", "git| commit"},
		{"Alt-D", "git commit -m" + home + altD, "| commit -m"},
		{"Alt-Backspace", "cd ~/src/lsh" + altBS, "cd ~/src/|"},
		{"Backspace", "lss" + bs, "ls|"},
		{"Backspace at start", "ls" + home + bs, "|ls"},
		{"Delete", "lls" + home + del, "|ls"},
		{"Delete at end", "ls" + del, "ls|"},
		{"Ctrl-T in the middle", "sl" + left + tr, "ls|"},
		{"Ctrl-T at the end", "gti" + tr, "git|"},
		{"undo typing", "echo hi" + undo, "|"},
		{"undo a kill", "echo hi" + wkill + undo, "echo hi|"},
		{"Alt-Y cycles kills", "one two" + wkill + wkill + "x y" + wkill + yank + altY, "x one two|"},
		{"wide characters move whole", "日本語" + left, "日本|語"},
		{"wide backspace", "日本語" + bs, "日本|"},
		{"combining accent is one grapheme", "cafe\u0301" + left, "caf|e\u0301"},
		{"combining accent deleted whole", "cafe\u0301" + bs, "caf|"},
		{"emoji family is one grapheme", "a👨‍👩‍👧" + bs, "a|"},
		{"utf-8 word motion", "echo héllo wörld" + altB, "echo héllo |wörld"},
		{"paste keeps newlines", "\x1b[200~echo a\necho b\x1b[201~", "echo a\necho b|"},
		{"Ctrl-A in a multi-line text", "\x1b[200~echo a\necho b\x1b[201~" + home, "echo a\n|echo b"},
		{"Ctrl-K at a line end joins lines", "\x1b[200~ab\ncd\x1b[201~" + "\x1b[A" + end + kill, "ab|cd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Up is the Model's key; in the editor test it moves a line.
			input := tc.input
			var e Editor
			for _, msg := range decode(t, input) {
				switch msg := msg.(type) {
				case tea.KeyPressMsg:
					if msg.String() == "up" {
						e.VerticalMove(-1)
						continue
					}
					if !e.HandleKey(msg) {
						t.Fatalf("editor refused %s", msg)
					}
				case tea.PasteMsg:
					e.Insert(msg.Content)
				}
			}
			got := e.Value()[:e.Cursor()] + "|" + e.Value()[e.Cursor():]
			if got != tc.want {
				t.Errorf("after %q: %q, want %q", tc.input, got, tc.want)
			}
		})
	}
}

func TestEditorVerticalMoveKeepsColumn(t *testing.T) {
	var e Editor
	e.Insert("for f in *; do\n  echo 日本 $f\ndone")
	e.cursor = strings.Index(e.text, "$f") // column 10 in cells on line 2
	if !e.VerticalMove(-1) {
		t.Fatal("no line above")
	}
	if got := e.text[e.cursor:]; !strings.HasPrefix(got, "do\n") {
		t.Errorf("up from column 10 landed before %q", got[:4])
	}
	if !e.VerticalMove(1) || !e.VerticalMove(1) {
		t.Fatal("no line below")
	}
	if e.cursor != len(e.text) {
		t.Errorf("down to the short last line: cursor %d, want its end %d", e.cursor, len(e.text))
	}
	if e.VerticalMove(1) {
		t.Error("moved below the last line")
	}
}

func TestEditorRefusesNonEditingKeys(t *testing.T) {
	var e Editor
	for _, in := range []string{"\r", "\t", "\x1b[A", "\x12", "\x03", "\x04"} {
		for _, msg := range decode(t, in) {
			if e.HandleKey(msg.(tea.KeyPressMsg)) {
				t.Errorf("editor took %q, which belongs to the Model", in)
			}
		}
	}
}

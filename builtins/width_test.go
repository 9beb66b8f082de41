package builtins

import (
	"strings"
	"testing"
)

// Prose wraps at word boundaries under its label, every line within the
// width; with no width (a pipe) it stays on one line for grep.
func TestHangingWrap(t *testing.T) {
	text := "Ask the llm-probe.test process to quit (SIGTERM) to free the 193% CPU it uses; unsaved work in llm-probe.test may be lost."
	var b strings.Builder
	hanging(&b, "         fix: ", 14, text, 60)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "         fix: Ask ") {
		t.Fatalf("not wrapped under its label:\n%s", b.String())
	}
	var words []string
	for i, l := range lines {
		if len(l) > 60 {
			t.Errorf("line %d is %d columns wide, want ≤ 60: %q", i, len(l), l)
		}
		if i > 0 && (!strings.HasPrefix(l, strings.Repeat(" ", 14)) || l[14] == ' ') {
			t.Errorf("line %d is not indented to the text: %q", i, l)
		}
		words = append(words, strings.Fields(l)...)
	}
	if got := strings.Join(words[1:], " "); got != text {
		t.Errorf("the words changed: %q", got)
	}

	b.Reset()
	hanging(&b, "problem", 9, text, 0)
	if b.String() != "problem  "+text+"\n" {
		t.Errorf("width 0: %q", b.String())
	}
}

// $COLUMNS gives the width when the output is not a terminal the builtin
// can ask; without it, nothing is wrapped.
func TestTextWidth(t *testing.T) {
	var b strings.Builder
	env := &Env{Getenv: func(name string) string {
		if name == "COLUMNS" {
			return "72"
		}
		return ""
	}}
	if w := textWidth(env, &b); w != 72 {
		t.Errorf("with COLUMNS=72: width %d", w)
	}
	if w := textWidth(&Env{Getenv: func(string) string { return "" }}, &b); w != 0 {
		t.Errorf("a pipe without COLUMNS: width %d, want 0", w)
	}
}

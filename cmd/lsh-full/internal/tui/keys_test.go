package tui

import (
	"bytes"
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// decode turns bytes a terminal sends into the messages the Program
// delivers, through the same decoder, so that tests press keys as a
// person does ("\x01" is Ctrl-A, "\x1bb" is Alt-B, "\x1b[A" is Up).
func decode(t *testing.T, input string) []tea.Msg {
	t.Helper()
	r := uv.NewTerminalReader(bytes.NewReader([]byte(input)), "xterm-256color")
	ch := make(chan uv.Event, len(input)+8)
	if err := r.StreamEvents(context.Background(), ch); err != nil {
		t.Fatalf("decoding %q: %v", input, err)
	}
	close(ch)
	var msgs []tea.Msg
	for ev := range ch {
		if msg := translate(ev); msg != nil {
			msgs = append(msgs, msg)
		}
	}
	return msgs
}

func TestDecodeKeys(t *testing.T) {
	for in, want := range map[string]string{
		"\x01": "ctrl+a", "\x05": "ctrl+e", "\x02": "ctrl+b", "\x06": "ctrl+f",
		"\x0b": "ctrl+k", "\x15": "ctrl+u", "\x17": "ctrl+w", "\x19": "ctrl+y",
		"\x1bb": "alt+b", "\x1bf": "alt+f", "\x1bd": "alt+d", "\x0c": "ctrl+l",
		"\x7f": "backspace", "\x1b\x7f": "alt+backspace", "\r": "enter", "\t": "tab",
		"\x1b[A": "up", "\x1b[B": "down", "\x12": "ctrl+r", "\x03": "ctrl+c", "\x04": "ctrl+d",
		"\x1b[3~": "delete", "\x14": "ctrl+t", "\x1f": "ctrl+_", "\x1by": "alt+y", "\x1b[Z": "shift+tab",
	} {
		msgs := decode(t, in)
		if len(msgs) != 1 {
			t.Errorf("%q decodes to %d messages", in, len(msgs))
			continue
		}
		if k, ok := msgs[0].(tea.KeyPressMsg); !ok || k.String() != want {
			t.Errorf("%q decodes to %v, want %s", in, msgs[0], want)
		}
	}
	msgs := decode(t, "\x1b[200~a\nb\x1b[201~")
	found := false
	for _, m := range msgs {
		if p, ok := m.(tea.PasteMsg); ok && p.Content == "a\nb" {
			found = true
		}
	}
	if !found {
		t.Errorf("bracketed paste decodes to %v, want a PasteMsg with the text", msgs)
	}
}

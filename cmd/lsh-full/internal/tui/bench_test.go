package tui

import (
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkKeystroke is the work of one typed character at the end of a
// 60-character command line: Update, the highlighted View, and the
// renderer's redraw of the changed frame.
func BenchmarkKeystroke(b *testing.B) {
	f := newFake()
	st, _ := NewStyles(StyleOptions{Dark: true})
	m := New(Options{Backend: f, Styles: st, Now: func() time.Time { return time.Unix(0, 0) }})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.ed.Insert(`grep -rn "func main" --include='*.go' . | sort | head -n 20 >`)
	m.reclassify()
	r := newRenderer(io.Discard, 100, 30)
	r.render(m.View())
	keys := []tea.KeyPressMsg{{Code: 'x', Text: "x"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Update(keys[i%2])
		r.render(m.View())
	}
}

package history

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkOpen is reading a full history file (DefaultMax distinct
// lines) when an interactive lsh starts.
func BenchmarkOpen(b *testing.B) {
	path := filepath.Join(b.TempDir(), "history")
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range DefaultMax {
		s.Add(Entry{Command: fmt.Sprintf("git commit -m 'change number %d' && git push origin main", i)})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Open(path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdd is saving one line: open, lock, catch up, append, close.
func BenchmarkAdd(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "history"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(Entry{Command: fmt.Sprintf("make test %d", i)})
	}
}

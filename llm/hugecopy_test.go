package llm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/synth"
)

// A model whose file the page cache holds (or reads back) in 2 MiB folios
// is read in 2 MiB pages from the mapping itself: no second copy of the
// weights is made.
func TestHugeMappedModelIsNotCopied(t *testing.T) {
	if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(mode), "[never]") {
		t.Skip("no transparent huge pages here")
	}
	vocab, err := gguf.Open(testdata + "vocab/ggml-vocab-llama-bpe.gguf")
	if err != nil {
		t.Fatal(err)
	}
	defer vocab.Close()
	shape, _ := synth.ShapeByName("smollm2-135m")
	q8, _ := synth.FileTypeByName("q8_0")
	path := filepath.Join(t.TempDir(), "model.gguf")
	if err := synth.Write(context.Background(), path, synth.Options{Shape: shape, Type: q8, Vocab: vocab, Seed: 3, Layers: 1}); err != nil {
		t.Fatal(err)
	}
	m, err := LoadWith(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if !m.file.HugePages() {
		t.Skip("the page cache gives this file no 2 MiB folios here")
	}
	s := newSession(t, m, 64)
	for _, tok := range []int32{1, 2, 3} {
		if err := s.Feed(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		m.WaitCopy()
	}
	if got := m.CopyBytes(); got != 0 {
		t.Errorf("the model reads %d bytes from a copy of weights already in 2 MiB pages", got)
	}
	if got, want := m.HugeMappedBytes(), m.StreamedBytes()-2*pages.HugePage; got < want {
		t.Errorf("after a forward pass %d bytes of the file are in 2 MiB pages, want at least %d", got, want)
	}
}

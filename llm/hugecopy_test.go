package llm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/internal/pages"
	"github.com/llamashell/lsh/llm/quant"
	"github.com/llamashell/lsh/llm/synth"
)

// A model whose file the page cache holds (or reads back) in 2 MiB folios
// is read in 2 MiB pages from the mapping itself: only the matrices with a
// faster repacked layout at this CPU level are copied (repacked), the rest
// stay in the mapping, and a model with none is not copied at all.
func TestHugeMappedModelCopiesOnlyWhatRepacks(t *testing.T) {
	if mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(mode), "[never]") {
		t.Skip("no transparent huge pages here")
	}
	vocab, err := gguf.Open(testdata + "vocab/ggml-vocab-llama-bpe.gguf")
	if err != nil {
		t.Fatal(err)
	}
	defer vocab.Close()
	// Rows of 256, which Q4_K_M quantizes as Q4_K (SmolLM2's 576 are not
	// a whole number of Q4_K blocks), and a vocabulary large enough for a
	// file of several 2 MiB pieces.
	shape := synth.Shape{Name: "test", Title: "test", Arch: "llama", Embed: 256, Layers: 1, Heads: 4, HeadsKV: 2,
		FFN: 768, Vocab: 49152, Context: 512, RopeBase: 10000, RMSEps: 1e-5, VocabModel: "gpt2", TruncateVocab: true}
	for _, typ := range []string{"f16", "q8_0", "q4_k_m"} {
		ft, _ := synth.FileTypeByName(typ)
		path := filepath.Join(t.TempDir(), typ+".gguf")
		if err := synth.Write(context.Background(), path, synth.Options{Shape: shape, Type: ft, Vocab: vocab, Seed: 3}); err != nil {
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
		mapped := map[*matrix][]byte{}
		var want int64 // the repacked matrices' bytes
		for _, w := range m.streamed() {
			mapped[w] = w.data
			if f := copyFormat(w); f != w.format {
				want += int64(f.RowBytes(w.cols) * w.rows)
			}
		}
		s := newSession(t, m, 64)
		for _, tok := range []int32{1, 2, 3} {
			if err := s.Feed(context.Background(), tok); err != nil {
				t.Fatal(err)
			}
			m.WaitCopy()
		}
		if got := m.CopyBytes(); got != want {
			t.Errorf("%s: %d bytes read from a copy, want %d (the repacked matrices')", typ, got, want)
		}
		for w, data := range mapped {
			if inMapping := &w.data[0] == &data[0]; inMapping != (w.format.Layout == "") {
				t.Errorf("%s: %s (%s): read from the mapping %v", typ, w.name, w.format.Type, inMapping)
			}
		}
		if got, least := m.HugeMappedBytes(), m.StreamedBytes()-want-2*pages.HugePage; got < least {
			t.Errorf("%s: after a forward pass %d bytes of the file are in 2 MiB pages, want at least %d", typ, got, least)
		}
		t.Logf("%s: %d of %d streamed bytes copied repacked", typ, want, m.StreamedBytes())
	}
}

// A matrix is copied into its format's repacked layout only when its rows
// are whole blocks of that layout: Q8_0R and Q5_0R take two 32-element
// blocks at a time, and a row of an odd number of blocks stays as it is.
func TestCopyFormatNeedsWholeRepackedBlocks(t *testing.T) {
	for _, typ := range []gguf.Type{gguf.Q8_0, gguf.Q5_0, gguf.Q4_K} {
		f, err := quant.Lookup(typ)
		if err != nil {
			t.Fatal(err)
		}
		r := f.Repacked()
		if r == nil {
			t.Logf("%s has no repacked layout at %s", typ, quant.Level())
			continue
		}
		for _, cols := range []int{f.BlockSize, 2 * f.BlockSize, 3 * f.BlockSize, 4 * f.BlockSize} {
			w := &matrix{name: "w", format: f, acts: f.Acts(), rows: 4, cols: cols}
			want := f
			if cols%r.BlockSize == 0 {
				want = r
			}
			if got := copyFormat(w); got != want {
				t.Errorf("%s, rows of %d: copied as %s, want %s", typ, cols, layoutName(got), layoutName(want))
			}
		}
	}
}

func layoutName(f *quant.Format) string {
	if f.Layout != "" {
		return f.Layout
	}
	return f.Type.String()
}

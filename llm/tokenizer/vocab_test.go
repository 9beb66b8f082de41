package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// The oracle data lives in the repository's shared testdata (see
// testdata/README.md in this package).
const (
	vocabDir  = "../../testdata/vocab"
	modelDir  = "../../testdata/models"
	tracesDir = "../../testdata/traces"
)

var (
	loadedMu sync.Mutex
	loaded   = map[string]*Tokenizer{}
)

// loadFile returns the tokenizer of a GGUF file, loading each file once per run.
func loadFile(t testing.TB, path string) *Tokenizer {
	t.Helper()
	loadedMu.Lock()
	defer loadedMu.Unlock()
	if tok, ok := loaded[path]; ok {
		return tok
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	loaded[path] = tok
	return tok
}

func vocab(t testing.TB, name string) *Tokenizer {
	return loadFile(t, filepath.Join(vocabDir, "ggml-vocab-"+name+".gguf"))
}

// vectorCase is one case of llama.cpp's test-tokenizer-0 files.
type vectorCase struct {
	text string
	ids  []int32
}

// readVectors parses name.gguf.inp (texts separated by the line
// "__ggml_vocab_test__") and name.gguf.out (one line of ids per text).
func readVectors(t *testing.T, name string) []vectorCase {
	t.Helper()
	base := filepath.Join(vocabDir, "ggml-vocab-"+name+".gguf")
	inp, err := os.ReadFile(base + ".inp")
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(base + ".out")
	if err != nil {
		t.Fatal(err)
	}
	const sep = "\n__ggml_vocab_test__\n"
	texts := strings.Split(string(inp), sep)
	if texts[len(texts)-1] != "" {
		t.Fatalf("%s.inp does not end with the separator", base)
	}
	texts = texts[:len(texts)-1]
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(texts) {
		t.Fatalf("%s: %d texts but %d id lines", base, len(texts), len(lines))
	}
	cases := make([]vectorCase, len(texts))
	for i, text := range texts {
		cases[i].text = text
		for f := range strings.FieldsSeq(lines[i]) {
			id, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				t.Fatalf("%s.out line %d: %v", base, i+1, err)
			}
			cases[i].ids = append(cases[i].ids, int32(id))
		}
	}
	return cases
}

// TestVectors checks every case of llama.cpp's test-tokenizer-0 vectors
// (add_special=false, parse_special=false) id for id.
func TestVectors(t *testing.T) {
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		t.Run(name, func(t *testing.T) {
			tok := vocab(t, name)
			cases := readVectors(t, name)
			if len(cases) < 30 {
				t.Fatalf("only %d cases read", len(cases))
			}
			for i, c := range cases {
				got := tok.Encode(c.text, false, false)
				if !slices.Equal(got, c.ids) {
					t.Errorf("case %d %q:\n got  %v\n want %v", i, c.text, got, c.ids)
				}
			}
		})
	}
}

// TestVectorsRoundTrip checks Decode(Encode(x)) == x over the same texts.
// SentencePiece has the property (the space it adds before the text is
// removed again), and so does Qwen 2. Llama 3 does not: its detokenizer
// removes the space before ? ! . , and before 's 'm 're 've, as Hugging
// Face's clean_up_tokenization_spaces does; of these texts, two contain
// such a space (" ?").
func TestVectorsRoundTrip(t *testing.T) {
	for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
		t.Run(name, func(t *testing.T) {
			tok := vocab(t, name)
			changed := 0
			for i, c := range readVectors(t, name) {
				got, err := tok.Decode(tok.Encode(c.text, false, false))
				if err != nil {
					t.Fatal(err)
				}
				want := c.text
				if name == "llama-bpe" {
					want = strings.ReplaceAll(want, " ?", "?")
				}
				if want != c.text {
					changed++
				}
				if got != want {
					t.Errorf("case %d: Decode(Encode(%q)) = %q, want %q", i, c.text, got, want)
				}
			}
			if name == "llama-bpe" && changed != 2 {
				t.Errorf("%d texts changed by the clean-up, want 2", changed)
			}
		})
	}
}

// TestSPMWordCut checks the SentencePiece shortcut: cutting the text before
// each "▁"-led word and encoding (and caching) the words one by one gives
// exactly the ids of llama.cpp's algorithm, which merges over the whole
// text at once; over 1 MiB of prose and code, the vector texts, and texts
// with runs of spaces and invalid UTF-8 (which is never cut).
func TestSPMWordCut(t *testing.T) {
	texts := []string{
		"  two  spaces  ", "a\u00a0b  c", "trailing   ", " ▁ literal ▁▁ escape", "x\xff y\xe2\x96 z",
		strings.Repeat("word ", 2000), strings.Repeat(" ", 300) + "x",
	}
	for _, name := range []string{"llama-spm"} {
		for _, c := range readVectors(t, name) {
			texts = append(texts, c.text)
		}
	}
	var b testing.B
	if corpus := benchCorpus(&b); corpus != "" {
		texts = append(texts, corpus[:256<<10])
	}
	for _, path := range []string{filepath.Join(vocabDir, "ggml-vocab-llama-spm.gguf"), filepath.Join(modelDir, "stories260K.gguf")} {
		tok := loadFile(t, path)
		if !tok.spmChunks {
			t.Fatalf("%s: a token has a ▁ after another character; the shortcut is off", path)
		}
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := FromGGUF(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		whole.spmChunks = false
		for _, text := range texts {
			got, want := tok.Encode(text, true, false), whole.Encode(text, true, false)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %.40q: cut into words %d ids, whole %d ids", filepath.Base(path), text, len(got), len(want))
			}
		}
	}
}

package tokenizer

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRoundTrip checks on arbitrary bytes that encoding never fails and
// that decoding gives the text back, as these vocabularies guarantee:
// SentencePiece with byte fallback loses only the distinction between a
// space and a literal "▁", for valid UTF-8 (in broken UTF-8 a lead byte
// swallows the bytes after it, an escaped space included, which then come
// back as raw bytes; llama.cpp does the same: see the seed "\xe8 0");
// byte-level BPE without clean-up (Qwen 2) loses nothing but invalid UTF-8,
// which becomes U+FFFD as in llama.cpp.
// Run: go test -fuzz FuzzRoundTrip -fuzztime 30s ./llm/tokenizer
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", " ", "hello world", "  x\n\ty  ", "日本語 🦙", "\xff\xe2\x96", "<s>[PAD151650]</s>",
		"<|im_start|>user", "don't 123456", "▁▁a"} {
		f.Add(s)
	}
	spm := loadFile(f, filepath.Join(modelDir, "stories260K.gguf"))
	bpe := loadFile(f, filepath.Join(vocabDir, "ggml-vocab-qwen2.gguf"))
	f.Fuzz(func(t *testing.T, text string) {
		got, err := spm.Decode(spm.Encode(text, false, false))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.ReplaceAll(text, "▁", " "); got != want && utf8.ValidString(text) {
			t.Errorf("SPM: Decode(Encode(%q)) = %q", text, got)
		}
		got, err = bpe.Decode(bpe.Encode(text, false, false))
		if err != nil {
			t.Fatal(err)
		}
		if want := sanitize(text); got != want {
			t.Errorf("BPE: Decode(Encode(%q)) = %q, want %q", text, got, want)
		}
		// Parsing special tokens and adding BOS/EOS must not fail either.
		spm.Encode(text, true, true)
		bpe.Encode(text, true, true)
	})
}

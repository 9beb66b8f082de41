package llm

import (
	"errors"
	"fmt"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// ErrNoTokenizer is returned (wrapped) when text is asked of a model whose
// file has no usable tokenizer.
var ErrNoTokenizer = errors.New("no usable tokenizer")

// loadTokenizer reads the tokenizer from the model's metadata and checks
// that every token has a row in the embedding.
func loadTokenizer(f *gguf.File, vocab int) (*tokenizer.Tokenizer, error) {
	if _, ok := f.Get("tokenizer.ggml.tokens"); !ok {
		return nil, fmt.Errorf("%w: the file has no tokenizer.ggml.tokens", ErrNoTokenizer)
	}
	t, err := tokenizer.FromGGUF(f)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoTokenizer, err)
	}
	if t.VocabSize() > vocab {
		return nil, fmt.Errorf("%w: the tokenizer has %d tokens but token_embd.weight only %d rows", ErrNoTokenizer, t.VocabSize(), vocab)
	}
	return t, nil
}

// Tokenizer returns the model's tokenizer, or an error wrapping
// ErrNoTokenizer that says why the file has none (the model still runs on
// token ids).
func (m *Model) Tokenizer() (*tokenizer.Tokenizer, error) {
	if m.tok == nil {
		return nil, fmt.Errorf("llm: %s: %w", m.Path, m.tokErr)
	}
	return m.tok, nil
}

// Encode tokenizes a prompt as llama-cli does: BOS (or EOS) added when the
// vocabulary asks for it, and special-token text such as "<|im_start|>"
// read as the special token, as chat prompts need.
func (m *Model) Encode(text string) ([]int32, error) {
	t, err := m.Tokenizer()
	if err != nil {
		return nil, err
	}
	return t.Encode(text, true, true), nil
}

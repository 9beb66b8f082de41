package tokenizer

import (
	"fmt"
	"unicode/utf8"
)

// DecodeOptions are llama_detokenize's flags.
type DecodeOptions struct {
	// RemoveSpecial drops the leading BOS and the trailing EOS that Encode
	// adds (only when the vocabulary adds them).
	RemoveSpecial bool
	// RenderSpecial prints control tokens as their text ("<|im_end|>");
	// otherwise they print as nothing.
	RenderSpecial bool
}

// Decode returns the text of ids as llama_detokenize(remove_special=false,
// unparse_special=false) does: control tokens print as nothing, and for SPM
// the first token loses the space SentencePiece put before the text, so
// Decode(Encode(x, false, false)) == x. As in llama.cpp, a leading BOS
// (Encode with addSpecial) keeps that space: the BOS is the first token. It
// is an error for an id to lie outside the vocabulary.
func (t *Tokenizer) Decode(ids []int32) (string, error) {
	return t.DecodeWith(ids, DecodeOptions{})
}

// DecodeWith is Decode with llama_detokenize's options. For vocabularies
// whose pre-tokenizer asks for it (Llama 3, GPT-2), llama.cpp also removes
// the space before ? ! . , and before 's 'm 're 've, and around a lone
// apostrophe, as Hugging Face's clean_up_tokenization_spaces does; so does
// DecodeWith, so Decode(Encode(x)) != x when x has such a space.
func (t *Tokenizer) DecodeWith(ids []int32, o DecodeOptions) (string, error) {
	for i, id := range ids {
		if !t.valid(id) {
			return "", fmt.Errorf("tokenizer: token id %d at index %d is outside the vocabulary [0, %d)", id, i, len(t.tokens))
		}
	}
	removeSpace := t.addSpacePrefix
	if o.RemoveSpecial && t.addBOS && len(ids) > 0 && ids[0] == t.bos {
		removeSpace = false
		ids = ids[1:]
	}
	if o.RemoveSpecial && t.addEOS && len(ids) > 0 && ids[len(ids)-1] == t.eos {
		ids = ids[:len(ids)-1]
	}
	var out []byte
	for _, id := range ids {
		p := t.Piece(id, o.RenderSpecial)
		// Only the first token loses a leading space, and only if it prints
		// at all: a hidden BOS keeps the space of the word after it.
		if removeSpace && len(p) > 0 && p[0] == ' ' {
			p = p[1:]
		}
		removeSpace = false
		out = append(out, p...)
	}
	if t.cleanSpaces {
		out = cleanSpaces(out)
	}
	return string(out), nil
}

// cleanSpaces is llama.cpp's detokenizer clean-up, three passes over the
// text in place: remove the space before ? ! . , ; remove the spaces around
// an apostrophe that stands between two spaces; remove the space before
// 's 'm 're 've (but not 't 'd 'll).
func cleanSpaces(text []byte) []byte {
	total := len(text)
	if total == 0 {
		return text
	}
	// first pass: " ?" " !" " ." " ,"
	n := total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') {
			total--
		}
		text[total] = x
		total++
	}
	// second pass: " ' " becomes "'"
	n = total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if x == '\'' && i+1 < n && text[i-1] == ' ' && text[i+1] == ' ' {
			total--
			i++
			text[i] = 0
		}
		text[total] = x
		total++
	}
	// third pass: " 's" " 'm" " 're" " 've"
	n = total
	total = 1
	for i := 1; i < n; i++ {
		x := text[i]
		if text[i-1] == ' ' && x == '\'' && i+1 < n {
			x1 := text[i+1]
			if x1 == 's' || x1 == 'm' || i+2 < n && (x1 == 'r' || x1 == 'v') && text[i+2] == 'e' {
				total--
			}
		}
		text[total] = x
		total++
	}
	return text[:total]
}

// Stream turns generated tokens into text as they come, never splitting a
// UTF-8 character: bytes of a character whose token has not arrived yet are
// held back. It prints pieces as llama_token_to_piece does, so SPM's first
// word keeps its leading space (a chat printer strips it if it wants).
type Stream struct {
	t *Tokenizer
	// RenderSpecial prints control tokens as their text.
	RenderSpecial bool
	pending       []byte
}

// NewStream returns a streaming decoder that hides control tokens.
func (t *Tokenizer) NewStream() *Stream { return &Stream{t: t} }

// Next adds token id and returns the text that is now complete. Bytes that
// can no longer form a character are returned as U+FFFD, one for each
// maximal ill-formed subsequence (as Unicode recommends, and as Python's
// errors="replace" does); a sequence that the next token may still complete
// is held.
func (s *Stream) Next(id int32) (string, error) {
	if !s.t.valid(id) {
		return "", fmt.Errorf("tokenizer: token id %d is outside the vocabulary [0, %d)", id, len(s.t.tokens))
	}
	s.pending = append(s.pending, s.t.Piece(id, s.RenderSpecial)...)
	var out []byte
	i := 0
scan:
	for i < len(s.pending) {
		n, st := utf8Prefix(s.pending[i:])
		switch st {
		case charPartial:
			break scan // the start of a character whose rest is yet to come
		case charInvalid:
			out = utf8.AppendRune(out, utf8.RuneError)
		default:
			out = append(out, s.pending[i:i+n]...)
		}
		i += n
	}
	s.pending = append(s.pending[:0], s.pending[i:]...)
	return string(out), nil
}

// Flush returns what is held back, as U+FFFD: the end of the stream means
// the character will never be completed. The Stream can then be reused.
func (s *Stream) Flush() string {
	if len(s.pending) == 0 {
		return ""
	}
	s.pending = s.pending[:0]
	return string(utf8.RuneError)
}

// What the bytes at the start of a buffer are.
const (
	charValid   = iota // a complete, well-formed character
	charPartial        // all of b, a prefix that more bytes may complete
	charInvalid        // bytes that can never be part of a character
)

// utf8Prefix measures the character at the start of b (non-empty) and
// returns its length and state; for charInvalid the length is that of the
// maximal ill-formed subsequence (at least 1). Well-formed means what
// unicode/utf8 accepts: no overlong forms, no surrogates, nothing above
// U+10FFFF.
func utf8Prefix(b []byte) (int, int) {
	c := b[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF) // range of the second byte
	switch {
	case c < 0x80:
		return 1, charValid
	case c >= 0xC2 && c <= 0xDF:
		need = 2
	case c == 0xE0:
		need, lo = 3, 0xA0
	case c == 0xED:
		need, hi = 3, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 3
	case c == 0xF0:
		need, lo = 4, 0x90
	case c == 0xF4:
		need, hi = 4, 0x8F
	case c >= 0xF1 && c <= 0xF3:
		need = 4
	default:
		return 1, charInvalid
	}
	for k := 1; k < need; k++ {
		if k >= len(b) {
			return k, charPartial
		}
		if b[k] < lo || b[k] > hi {
			return k, charInvalid
		}
		lo, hi = 0x80, 0xBF
	}
	return need, charValid
}

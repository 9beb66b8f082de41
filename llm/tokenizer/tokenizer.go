// Package tokenizer turns text into token ids and back exactly as llama.cpp
// does, from the tokenizer.ggml.* metadata of a GGUF file.
//
// Two model families are supported: SentencePiece-style vocabularies
// (tokenizer.ggml.model = "llama": Llama 1/2, TinyLlama, Mistral 7B v0.1)
// merged by token score with byte fallback, and GPT-2 byte-level BPE
// ("gpt2": Llama 3, Qwen 2/2.5, SmolLM, StarCoder …) merged by rank after the
// pre-tokenizer named by tokenizer.ggml.pre has split the text into words.
//
// The result is checked id for id against llama.cpp's own test vectors;
// where llama.cpp has a quirk (the space it puts before SentencePiece text,
// the spaces its detokenizer removes before punctuation for some BPE
// models, the order in which special tokens are matched) this package has it
// too, and the comment at that place says so.
//
// A Tokenizer is immutable after FromGGUF and safe for concurrent use.
package tokenizer

import (
	"slices"
	"sync"
)

// NoToken is the id of an absent special token (llama.cpp's LLAMA_TOKEN_NULL).
const NoToken int32 = -1

// Kind is the tokenization algorithm.
type Kind int

// The kinds of vocabulary.
const (
	SPM Kind = iota + 1 // SentencePiece-style, tokenizer.ggml.model = "llama"
	BPE                 // GPT-2 byte-level BPE, tokenizer.ggml.model = "gpt2"
)

// String returns "SPM" or "BPE".
func (k Kind) String() string {
	switch k {
	case SPM:
		return "SPM"
	case BPE:
		return "BPE"
	}
	return "unknown"
}

// TokenType is a token's type as stored in tokenizer.ggml.token_type.
type TokenType int32

// The GGUF token types.
const (
	TypeUndefined   TokenType = 0
	TypeNormal      TokenType = 1
	TypeUnknown     TokenType = 2
	TypeControl     TokenType = 3
	TypeUserDefined TokenType = 4
	TypeUnused      TokenType = 5
	TypeByte        TokenType = 6
)

// Attr is the set of attributes llama.cpp gives a token: its type as a bit,
// plus what llama.cpp infers (an end-of-turn token stored as normal becomes
// control, a control token named "…unused…" is also unused).
type Attr uint16

// The attribute bits (llama_token_attr).
const (
	AttrUnknown     Attr = 1 << 0
	AttrUnused      Attr = 1 << 1
	AttrNormal      Attr = 1 << 2
	AttrControl     Attr = 1 << 3 // never produced from user text without parseSpecial
	AttrUserDefined Attr = 1 << 4 // always matched as a whole in text
	AttrByte        Attr = 1 << 5 // SPM byte fallback <0xXX>
	AttrLStrip      Attr = 1 << 7 // swallows the whitespace before it
	AttrRStrip      Attr = 1 << 8 // swallows the whitespace after it
)

// Tokenizer encodes and decodes text for one vocabulary. It is immutable
// once built and safe for concurrent use.
type Tokenizer struct {
	// Layout: token i has text tokens[i], score scores[i], declared type
	// types[i] and attributes attrs[i]; index inverts tokens. Token i prints
	// as pieces[pieceAt[i]:pieceAt[i+1]] when control tokens are rendered
	// (llama.cpp's cache_token_to_piece).
	kind  Kind
	model string // tokenizer.ggml.model
	pre   string // tokenizer.ggml.pre (BPE only)

	tokens      []string
	scores      []float32
	types       []TokenType
	attrs       []Attr
	index       textIndex // text → id
	pieces      []byte    // every token's piece, back to back
	pieceAt     []int32   // token i's piece is pieces[pieceAt[i]:pieceAt[i+1]]
	pieceSlices struct {
		once sync.Once
		all  [][]byte
	}

	bos, eos, eot, eom, unk, sep, pad, mask int32
	fim                                     [nFIM]int32
	eog                                     map[int32]bool
	eogList                                 []int32 // the keys of eog, sorted

	addBOS, addEOS, addSpacePrefix bool
	ignoreMerges, cleanSpaces      bool

	special specialMatcher

	// SPM: the token of each byte (<0xXX>, else the byte itself, else
	// NoToken), and whether text may be cut before a "▁" that follows another
	// character (no token spans such a cut), which lets words be cached.
	byteTok   [256]int32
	spmChunks bool

	// BPE.
	stages    []splitter
	byteSym   [256]int32       // token spelling byte b (GPT-2 byte map), -1 if none
	rawByte   [256]int32       // token whose text is the single raw byte b, -1 if none
	merges    pairTable        // (left id, right id) → rank and merged token
	strMerges map[string]merge // "left right" for merges whose halves are not tokens

	states sync.Pool // *encState
}

// merge is one entry of tokenizer.ggml.merges: its rank (line number; lower
// merges first) and the id of the token the merged text spells (-1 if the
// merged text is not a token).
type merge struct {
	rank, id int32
}

// Kind returns the tokenization algorithm.
func (t *Tokenizer) Kind() Kind { return t.kind }

// Model returns tokenizer.ggml.model ("llama" or "gpt2").
func (t *Tokenizer) Model() string { return t.model }

// Pre returns tokenizer.ggml.pre, the BPE pre-tokenizer ("" for SPM or when
// absent).
func (t *Tokenizer) Pre() string { return t.pre }

// VocabSize returns the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// valid reports whether id is a token of the vocabulary.
func (t *Tokenizer) valid(id int32) bool { return id >= 0 && int(id) < len(t.tokens) }

// Token returns the raw text of token id as stored in the vocabulary ("▁the",
// "Ġthe", "<0x0A>", "<|eot_id|>"), or "" for an id outside the vocabulary.
func (t *Tokenizer) Token(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.tokens[id]
}

// ID returns the token whose raw text is text.
func (t *Tokenizer) ID(text string) (int32, bool) {
	return t.index.find(text)
}

// Score returns the SentencePiece score of token id (0 when the vocabulary
// has none).
func (t *Tokenizer) Score(id int32) float32 {
	if !t.valid(id) {
		return 0
	}
	return t.scores[id]
}

// Type returns the type of token id as declared in the file.
func (t *Tokenizer) Type(id int32) TokenType {
	if !t.valid(id) {
		return TypeUndefined
	}
	return t.types[id]
}

// Attr returns the attributes llama.cpp uses for token id.
func (t *Tokenizer) Attr(id int32) Attr {
	if !t.valid(id) {
		return 0
	}
	return t.attrs[id]
}

// IsControl reports whether token id is a control (or unknown) token: one
// that user text never produces unless special tokens are parsed, and that
// prints as nothing unless rendered explicitly.
func (t *Tokenizer) IsControl(id int32) bool { return t.Attr(id)&(AttrControl|AttrUnknown) != 0 }

// IsEOG reports whether generating token id ends generation: EOS, EOT, EOM
// and the other end-of-turn tokens llama.cpp recognises by their text
// ("<|im_end|>", "<|eot_id|>", "<|endoftext|>", …).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// EOG returns the end-of-generation tokens in increasing order (a copy).
func (t *Tokenizer) EOG() []int32 { return slices.Clone(t.eogList) }

// BOS returns the beginning-of-sequence token, or NoToken.
func (t *Tokenizer) BOS() int32 { return t.bos }

// EOS returns the end-of-sequence token, or NoToken.
func (t *Tokenizer) EOS() int32 { return t.eos }

// EOT returns the end-of-turn token, or NoToken.
func (t *Tokenizer) EOT() int32 { return t.eot }

// EOM returns the end-of-message token (Llama 3.1 tool calls), or NoToken.
func (t *Tokenizer) EOM() int32 { return t.eom }

// UNK returns the unknown token, or NoToken.
func (t *Tokenizer) UNK() int32 { return t.unk }

// PAD returns the padding token, or NoToken.
func (t *Tokenizer) PAD() int32 { return t.pad }

// AddBOS reports whether Encode with addSpecial prepends BOS.
func (t *Tokenizer) AddBOS() bool { return t.addBOS }

// AddEOS reports whether Encode with addSpecial appends EOS.
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// Piece returns the bytes token id prints as (llama_token_to_piece): SPM's
// "▁" becomes a space, a byte token its byte, a BPE token its bytes.
// Control and unknown tokens print as their text when special is set and as
// nothing otherwise. An id outside the vocabulary gives nil. The slice is
// shared: do not modify it.
func (t *Tokenizer) Piece(id int32, special bool) []byte {
	if !t.valid(id) {
		return nil
	}
	if !special && t.attrs[id]&(AttrControl|AttrUnknown) != 0 {
		return nil
	}
	return t.piece(id)
}

func (t *Tokenizer) piece(id int32) []byte {
	a, b := t.pieceAt[id], t.pieceAt[id+1]
	return t.pieces[a:b:b]
}

// Pieces returns the bytes of every token, indexed by id, with control
// tokens rendered as their text (what a grammar matches a candidate token
// against). The slices are shared: do not modify them.
func (t *Tokenizer) Pieces() [][]byte {
	p := &t.pieceSlices
	p.once.Do(func() {
		p.all = make([][]byte, len(t.tokens))
		for id := range p.all {
			p.all[id] = t.piece(int32(id))
		}
	})
	return p.all
}

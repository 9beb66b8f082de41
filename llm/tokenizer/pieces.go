package tokenizer

import (
	"fmt"
	"strings"

	"github.com/llamashell/lsh/llm/internal/pages"
)

// What is precomputed per token and per byte so that encoding and decoding
// are lookups: each token's printed bytes, and the token of each byte.

// buildPieces renders every token as llama_token_to_piece does with
// special=true, into one backing array.
func (t *Tokenizer) buildPieces() {
	buf := pages.MakeCap[byte](len(t.tokens) * 6)
	offs := pages.Make[int32](len(t.tokens) + 1)
	for id, s := range t.tokens {
		a := t.attrs[id]
		switch {
		case a&(AttrUnknown|AttrControl|AttrUserDefined) != 0:
			buf = append(buf, s...)
		case a&AttrNormal != 0 && t.kind == SPM:
			buf = appendSPMDecoded(buf, s)
		case a&AttrNormal != 0:
			buf = appendBPEDecoded(buf, s)
		case a&AttrByte != 0:
			if b, ok := byteTokenValue(s); ok {
				buf = append(buf, b)
			}
		}
		offs[id+1] = int32(len(buf))
	}
	t.pieces, t.pieceAt = buf, offs
}

// appendSPMDecoded appends s with every "▁" (U+2581, SentencePiece's
// space) made a space, as strings.ReplaceAll would but without a string
// per token: 32k of them were fresh heap, page-faulted in, at every load.
func appendSPMDecoded(buf []byte, s string) []byte {
	for {
		i := strings.Index(s, "▁")
		if i < 0 {
			return append(buf, s...)
		}
		buf = append(append(buf, s[:i]...), ' ')
		s = s[i+len("▁"):]
	}
}

// appendBPEDecoded maps the characters of a byte-level BPE token back to the
// bytes they stand for (llama_decode_text). A character outside the byte map
// is spelled out the way llama.cpp does it.
func appendBPEDecoded(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, n := decodeCpt(s, i)
		i += n
		if r < rune(len(runeBytes)) && runeBytes[r] >= 0 {
			buf = append(buf, byte(runeBytes[r]))
			continue
		}
		buf = append(buf, "[UNK_BYTE_0x"...)
		for _, c := range appendCpt(nil, r) {
			buf = append(buf, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		}
		buf = append(buf, s...)
		buf = append(buf, ']')
	}
	return buf
}

// byteTokenValue parses the byte of an SPM byte token "<0xXX>" the way
// llama.cpp does (strtol of the two characters after "<0x").
func byteTokenValue(s string) (byte, bool) {
	if len(s) < 4 {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[3:min(len(s), 5)]) {
		d := strings.IndexByte("0123456789abcdef", c|0x20)
		if d < 0 || c < '0' {
			break
		}
		v = v*16 + d
	}
	return byte(v), true
}

// buildByteTables precomputes the per-byte token lookups of both kinds.
func (t *Tokenizer) buildByteTables() {
	for b := range 256 {
		t.byteTok[b], t.byteSym[b], t.rawByte[b] = NoToken, NoToken, NoToken
		raw := string([]byte{byte(b)})
		if id, ok := t.index.find(raw); ok {
			t.rawByte[b] = id
		}
		switch t.kind {
		case SPM:
			if id, ok := t.index.find(fmt.Sprintf("<0x%02X>", b)); ok {
				t.byteTok[b] = id
			} else if id, ok := t.index.find(raw); ok {
				t.byteTok[b] = id
			}
		case BPE:
			if id, ok := t.index.find(string(byteRunes[b])); ok {
				t.byteSym[b] = id
			}
		}
	}
	if t.kind == SPM {
		t.spmChunks = true
		for _, s := range t.tokens {
			for strings.HasPrefix(s, "▁") {
				s = s[len("▁"):]
			}
			if strings.Contains(s, "▁") {
				t.spmChunks = false
				break
			}
		}
	}
}

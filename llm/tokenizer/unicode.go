package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// This file holds the character-level rules llama.cpp's tokenizers use. They
// differ from Go's in small ways that change token ids, so they are written
// out here rather than borrowed from unicode/utf8:
//   - llama.cpp's UTF-8 decoder accepts overlong forms and surrogates and only
//     checks that continuation bytes look like continuation bytes; a byte it
//     cannot decode becomes U+FFFD and decoding resumes at the next byte.
//   - SentencePiece splits text into "characters" by the lead byte alone
//     (utf8Len), so a broken sequence swallows the bytes after it.
//   - "whitespace" is Unicode's White_Space property (the same 25 code points
//     in both), "letter" is \p{L}, "number" is \p{N}, "punctuation" is \p{P}.

// utf8Len is the length SentencePiece gives a character from its lead byte
// alone (llama.cpp's unicode_len_utf8): continuation bytes count as
// one-byte characters.
func utf8Len(b byte) int {
	switch b >> 4 {
	case 0xC, 0xD:
		return 2
	case 0xE:
		return 3
	case 0xF:
		return 4
	}
	return 1
}

// decodeCpt decodes the code point at s[i] as llama.cpp does, returning it
// and its length in bytes. An undecodable byte gives (U+FFFD, 1). Code points
// above U+10FFFF (lead bytes F4 90+ to F7), on which llama.cpp throws an
// exception out of llama_tokenize, are treated as undecodable here.
func decodeCpt(s string, i int) (rune, int) {
	b0 := s[i]
	switch {
	case b0 < 0x80:
		return rune(b0), 1
	case b0&0x40 == 0: // stray continuation byte
		return utf8.RuneError, 1
	case b0&0x20 == 0:
		if i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(b0&0x1F)<<6 | rune(s[i+1]&0x3F), 2
	case b0&0x10 == 0:
		if i+2 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		return rune(b0&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
	case b0&0x08 == 0:
		if i+3 >= len(s) || s[i+1]&0xC0 != 0x80 || s[i+2]&0xC0 != 0x80 || s[i+3]&0xC0 != 0x80 {
			return utf8.RuneError, 1
		}
		r := rune(b0&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F)
		if r > unicode.MaxRune {
			return utf8.RuneError, 1
		}
		return r, 4
	}
	return utf8.RuneError, 1
}

// appendCpt encodes r (at most U+10FFFF) in UTF-8, surrogates included, as
// llama.cpp's unicode_cpt_to_utf8 does.
func appendCpt(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	case r < 0x10000:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
	return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
}

// sanitize returns text as llama.cpp's BPE path sees it after decoding to
// code points and encoding back: identical for valid UTF-8, otherwise with
// every undecodable byte replaced by U+FFFD (and overlong forms shortened).
func sanitize(text string) string {
	if utf8.ValidString(text) {
		return text
	}
	out := make([]byte, 0, len(text)+len(text)/2)
	for i := 0; i < len(text); {
		r, n := decodeCpt(text, i)
		out = appendCpt(out, r)
		i += n
	}
	return string(out)
}

// Character classes of a code point, as bits.
const (
	cLetter = 1 << iota // \p{L}
	cNumber             // \p{N}
	cSpace              // White_Space
	cPunct              // \p{P}
	cAny                // set for every code point; 0 marks "outside the fragment"
)

// asciiClass is cptClass for code points below 0x80.
var asciiClass = func() (t [128]uint8) {
	for r := range t {
		t[r] = slowClass(rune(r))
	}
	return t
}()

// cptClass returns the class bits of r.
func cptClass(r rune) uint8 {
	if r < 0x80 {
		return asciiClass[r]
	}
	return slowClass(r)
}

func slowClass(r rune) uint8 {
	c := uint8(cAny)
	switch {
	case unicode.IsLetter(r):
		c |= cLetter
	case unicode.IsNumber(r):
		c |= cNumber
	case unicode.IsPunct(r):
		c |= cPunct
	}
	if unicode.Is(unicode.White_Space, r) {
		c |= cSpace
	}
	return c
}

// byteRunes is GPT-2's byte-to-character table: byte-level BPE vocabularies
// spell byte b as the character byteRunes[b], so that every token is
// printable. Printable Latin-1 bytes stand for themselves; the other 68
// bytes map, in order, to U+0100 and up.
var byteRunes = func() (t [256]rune) {
	n := rune(0)
	for b := range 256 {
		if b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE {
			t[b] = rune(b)
		} else {
			t[b] = 0x100 + n
			n++
		}
	}
	return t
}()

// runeBytes inverts byteRunes: runeBytes[r] is the byte that character r
// stands for, for r < 0x144; -1 where r stands for none.
var runeBytes = func() (t [0x144]int16) {
	for i := range t {
		t[i] = -1
	}
	for b, r := range byteRunes {
		t[r] = int16(b)
	}
	return t
}()

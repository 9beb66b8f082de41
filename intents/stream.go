package intents

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// streamedProse is the prose of a reply still being written: the text of
// an answer or a clarification decoded from the JSON so far, for a
// terminal to show as it grows; "" for any other kind, or before the
// text has begun. It relies on the order the grammar and the schema put
// the keys in: "kind" first, "text" right after it. An escape sequence
// cut off at the end is left out until it is whole, and so is a \u
// escape of a surrogate half whose partner has not arrived, so the
// prefix shown never holds a character the finished text does not.
func streamedProse(json []byte) string {
	rest, ok := string(json), false
	for _, want := range []string{"{", `"kind"`, ":"} {
		if rest, ok = skipToken(rest, want); !ok {
			return ""
		}
	}
	if rest, ok = skipToken(rest, `"answer"`); !ok {
		if rest, ok = skipToken(rest, `"clarify"`); !ok {
			return ""
		}
	}
	for _, want := range []string{",", `"text"`, ":", `"`} {
		if rest, ok = skipToken(rest, want); !ok {
			return ""
		}
	}
	out := make([]byte, 0, len(rest))
	for i := 0; i < len(rest); {
		c := rest[i]
		switch {
		case c == '"':
			return string(out) // the text is complete
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(rest) {
			break
		}
		if rest[i+1] != 'u' {
			r, err := strconv.Unquote(`"` + rest[i:i+2] + `"`)
			if err != nil {
				return string(out)
			}
			out = append(out, r...)
			i += 2
			continue
		}
		if i+6 > len(rest) {
			break
		}
		n, err := strconv.ParseUint(rest[i+2:i+6], 16, 16)
		if err != nil {
			return string(out)
		}
		r := rune(n)
		i += 6
		if r >= 0xD800 && r < 0xDC00 { // a high surrogate: its low half follows
			if i+6 > len(rest) {
				break
			}
			lo, err := strconv.ParseUint(rest[i+2:i+6], 16, 16)
			if err != nil || rest[i] != '\\' || rest[i+1] != 'u' {
				return string(out)
			}
			r = (r-0xD800)<<10 | (rune(lo) - 0xDC00) + 0x10000
			i += 6
		}
		out = utf8.AppendRune(out, r)
	}
	// A multi-byte character cut in the middle waits for its last byte.
	for k := 1; k <= 3 && k <= len(out); k++ {
		if utf8.RuneStart(out[len(out)-k]) {
			if !utf8.FullRune(out[len(out)-k:]) {
				out = out[:len(out)-k]
			}
			break
		}
	}
	return string(out)
}

// skipToken removes JSON white space and then tok from the front of s,
// and reports whether tok was there.
func skipToken(s, tok string) (string, bool) {
	s = strings.TrimLeft(s, " \t\r\n")
	if !strings.HasPrefix(s, tok) {
		return s, false
	}
	return s[len(tok):], true
}

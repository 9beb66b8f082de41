package history

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseRecord reads a line in exactly the form Add writes,
//
//	{"t":N,"s":"…","cmd":"…"} or {"t":N,"s":"…","cmd":"…","req":"…"}
//
// without reflection: an interactive lsh reads up to DefaultMax of them
// when it starts, and encoding/json takes most of that time. Anything else
// (another field order, spaces, a hand-edited line) reports false and goes
// to encoding/json.
func parseRecord(line []byte) (record, bool) {
	var r record
	rest, ok := bytes.CutPrefix(line, []byte(`{"t":`))
	if !ok {
		return r, false
	}
	i := 0
	for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || i == 0 && rest[i] == '-') {
		i++
	}
	t, err := strconv.ParseInt(string(rest[:i]), 10, 64)
	if err != nil {
		return r, false
	}
	r.T = t
	rest = rest[i:]
	if after, ok := bytes.CutPrefix(rest, []byte(`,"s":`)); ok {
		if r.S, rest, ok = jsonString(after); !ok {
			return r, false
		}
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"cmd":`)); !ok {
		return r, false
	}
	if r.Cmd, rest, ok = jsonString(rest); !ok {
		return r, false
	}
	if after, ok := bytes.CutPrefix(rest, []byte(`,"req":`)); ok {
		if r.Req, rest, ok = jsonString(after); !ok {
			return r, false
		}
	}
	return r, string(rest) == "}" && r.Cmd != ""
}

// jsonString reads a JSON string at the start of b and returns its value
// and what follows it.
func jsonString(b []byte) (string, []byte, bool) {
	if len(b) == 0 || b[0] != '"' {
		return "", nil, false
	}
	end := 1
	for end < len(b) && b[end] != '"' && b[end] != '\\' {
		end++
	}
	if end < len(b) && b[end] == '"' {
		// No escapes: the common case.
		return string(b[1:end]), b[end+1:], true
	}
	var out []byte
	out = append(out, b[1:end]...)
	for i := end; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return string(out), b[i+1:], true
		case c < 0x20:
			return "", nil, false
		case c != '\\':
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(b) {
			return "", nil, false
		}
		switch e := b[i+1]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := hex4(b[i+2:])
			if n == 0 {
				return "", nil, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2, n2 := rune(-1), 0
				if i+2 < len(b) && b[i+2] == '\\' && b[i+3] == 'u' {
					r2, n2 = hex4(b[i+4:])
				}
				if dec := utf16.DecodeRune(r, r2); n2 > 0 && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", nil, false
		}
		i += 2
	}
	return "", nil, false
}

// hex4 reads four hexadecimal digits; n is 0 if they are not.
func hex4(b []byte) (rune, int) {
	if len(b) < 4 {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), 4
}

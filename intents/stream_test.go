package intents

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
)

// A reply being written shows its prose as far as it is certain: escapes
// decoded once whole, cut characters held back, nothing for other kinds.
func TestStreamedProse(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{``, ``},
		{`{"kind":"ans`, ``},
		{`{"kind":"answer","te`, ``},
		{`{"kind":"answer","text":"`, ``},
		{`{"kind":"answer","text":"A link`, `A link`},
		{`{"kind":"clarify","text":"Which file?`, `Which file?`},
		{`{"kind":"command","command":"ls","explanation":"Lists`, ``},
		{`{"kind":"action","action":{"name":"diagnose"`, ``},
		{`{ "kind" : "answer" , "text" : "spaced`, `spaced`},
		{`{"kind":"answer","text":"line one\`, `line one`},
		{`{"kind":"answer","text":"line one\n`, "line one\n"},
		{`{"kind":"answer","text":"say \"hi\" and tab\t.`, "say \"hi\" and tab\t."},
		{`{"kind":"answer","text":"caf\u00`, `caf`},
		{`{"kind":"answer","text":"caf\u00e9`, `café`},
		{`{"kind":"answer","text":"smile \ud83d`, `smile `},
		{`{"kind":"answer","text":"smile \ud83d\ude0`, `smile `},
		{`{"kind":"answer","text":"smile \ud83d\ude00!`, "smile \U0001F600!"},
		{`{"kind":"answer","text":"bad \q escape`, `bad `},
		{"{\"kind\":\"answer\",\"text\":\"caf\xc3", `caf`},
		{"{\"kind\":\"answer\",\"text\":\"caf\xc3\xa9", `café`},
		{"{\"kind\":\"answer\",\"text\":\"wide \xe6\x97", `wide `},
		{`{"kind":"answer","text":"done.","explanation":""}`, `done.`},
	} {
		if got := streamedProse([]byte(c.json)); got != c.want {
			t.Errorf("streamedProse(%s) = %q, want %q", c.json, got, c.want)
		}
	}
}

// Every prefix of a finished answer shows a prefix of its text: what the
// terminal shows never has to be taken back.
func TestStreamedProsePrefixes(t *testing.T) {
	const text = "Un lien symbolique — «\u00a0symlink\u00a0» — \U0001F517 pointe vers un autre chemin.\n\"ln -s\" le crée."
	raw, _ := json.Marshal(text)
	for _, quoted := range []string{string(raw), asciiJSON(text)} {
		js := []byte(`{"kind":"answer","text":` + quoted + `}`)
		for i := range len(js) + 1 {
			if got := streamedProse(js[:i]); !strings.HasPrefix(text, got) {
				t.Fatalf("after %d bytes %q: %q is not a prefix of the text", i, js[:i], got)
			}
		}
		if got := streamedProse(js); got != text {
			t.Errorf("the whole reply %s shows %q, want %q", js, got, text)
		}
	}
}

// asciiJSON quotes s as a JSON string of ASCII only: every other
// character a \u escape, surrogate pairs beyond the BMP.
func asciiJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		default:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

package tokenizer

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// splitWords runs a pre-tokenizer over text and returns its words.
func splitWords(stages []splitter, text string) []string {
	var cps []rune
	var cls []uint8
	var offs []int
	for i := 0; i < len(text); {
		r, n := decodeCpt(text, i)
		cps, cls, offs = append(cps, r), append(cls, cptClass(r)), append(offs, i)
		i += n
	}
	offs = append(offs, len(text))
	ends, _ := wordEnds(stages, cps, cls, nil, nil)
	var words []string
	start := 0
	for _, e := range ends {
		words = append(words, text[offs[start]:offs[e]])
		start = int(e)
	}
	return words
}

var stagesByName = map[string][]splitter{
	"llama3":    stagesLlama3,
	"qwen2":     stagesQwen2,
	"gpt2":      stagesGPT2,
	"starcoder": stagesStarcoder,
	"default":   stagesDefault,
}

// TestPretokenizers checks each hand-written pre-tokenizer against the
// splits Python's re computes from the original expressions (lookahead
// included) over tricky whitespace, contractions, digit runs, punctuation
// and non-ASCII letters, numbers, spaces and marks; see
// testdata/pretokenize_gen.py.
func TestPretokenizers(t *testing.T) {
	data, err := os.ReadFile("testdata/pretokenize.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Text  string              `json:"text"`
		Words map[string][]string `json:"words"`
	}
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) < 50 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		for name, want := range c.Words {
			stages, ok := stagesByName[name]
			if !ok {
				t.Fatalf("no pre-tokenizer %q", name)
			}
			if got := splitWords(stages, c.Text); !slices.Equal(got, want) {
				t.Errorf("%s(%q):\n got  %q\n want %q", name, c.Text, got, want)
			}
		}
	}
}

// TestPretokenizersLossless checks on random text that every pre-tokenizer
// cuts the text into non-empty words that put together give it back, even
// for invalid UTF-8.
func TestPretokenizersLossless(t *testing.T) {
	alphabet := []string{"a", "Z", "7", " ", "  ", "\n", "\r\n", "\t", "'", "'s", "'LL", ".", "!", "é", "日", "١",
		"\u00a0", "\u3000", "🦙", "\u0301", "\xff", "\xe2\x96", "$", "`"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var sb strings.Builder
		for range rng.IntN(20) {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		text := sanitize(sb.String())
		for name, stages := range stagesByName {
			words := splitWords(stages, text)
			if strings.Join(words, "") != text || slices.Contains(words, "") {
				t.Fatalf("%s(%q) = %q", name, text, words)
			}
		}
	}
}

// TestSanitize checks that invalid UTF-8 reaches the BPE pre-tokenizer as
// llama.cpp's decoder leaves it: a lone or truncated byte becomes U+FFFD,
// overlong and surrogate forms decode to their code point.
func TestSanitize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain ascii", "plain ascii"},
		{"caf\xc3\xa9", "café"},
		{"\xff", "\uFFFD"},
		{"a\x80b", "a\uFFFDb"},
		{"\xe2\x96", "\uFFFD\uFFFD"},                     // truncated: each byte on its own
		{"\xc0\x80", "\x00"},                             // overlong NUL decodes to NUL
		{"\xed\xa0\x80", "\xed\xa0\x80"},                 // a surrogate passes through
		{"\xf4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"}, // above U+10FFFF
	} {
		if got := sanitize(c.in); got != c.want {
			t.Errorf("sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

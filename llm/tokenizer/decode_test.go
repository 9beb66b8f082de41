package tokenizer

import (
	"slices"
	"strings"
	"testing"
)

// TestChatMarkers checks the chat templates' markers in real vocabularies:
// parsed as single control tokens with parseSpecial, never produced from
// user text without it, hidden when decoding unless rendered.
func TestChatMarkers(t *testing.T) {
	for _, c := range []struct {
		vocab, text string
		markers     []int32
		rendered    string // SentencePiece puts a space before text after a special token
	}{
		{"llama-bpe", "<|start_header_id|>user<|end_header_id|>\n\nls -la<|eot_id|>", []int32{128006, 128007, 128009}, ""},
		{"qwen2", "<|im_start|>user\nls -la<|im_end|>\n", []int32{151644, 151645}, ""},
		{"llama-spm", "<s>[INST] ls -la [/INST]</s>", []int32{1, 2}, "<s> [INST] ls -la [/INST]</s>"},
	} {
		t.Run(c.vocab, func(t *testing.T) {
			tok := vocab(t, c.vocab)
			parsed := tok.Encode(c.text, false, true)
			plain := tok.Encode(c.text, false, false)
			for _, m := range c.markers {
				if !slices.Contains(parsed, m) {
					t.Errorf("parseSpecial: %v lacks marker %d %q", parsed, m, tok.Token(m))
				}
				if slices.Contains(plain, m) {
					t.Errorf("user text produced control token %d %q: %v", m, tok.Token(m), plain)
				}
			}
			// Plain text round-trips through decoding, markers and all.
			if got, _ := tok.Decode(plain); got != c.text {
				t.Errorf("Decode(plain) = %q, want %q", got, c.text)
			}
			// Parsed markers print only when rendered.
			rendered, _ := tok.DecodeWith(parsed, DecodeOptions{RenderSpecial: true})
			hidden, _ := tok.Decode(parsed)
			want := c.rendered
			if want == "" {
				want = c.text
			}
			if rendered != want {
				t.Errorf("rendered %q, want %q", rendered, want)
			}
			for _, m := range c.markers {
				if strings.Contains(hidden, tok.Token(m)) {
					t.Errorf("Decode showed control token %q: %q", tok.Token(m), hidden)
				}
			}
		})
	}
	// Qwen's padding tokens are user-defined: matched even in user text.
	tok := vocab(t, "qwen2")
	if got := tok.Encode("a[PAD151650]b", false, false); !slices.Equal(got, []int32{64, 151650, 65}) {
		t.Errorf("qwen2 user-defined token: %v", got)
	}
}

// TestPieces checks llama_token_to_piece's rendering of each kind of token.
func TestPieces(t *testing.T) {
	spm, bpe, qwen := vocab(t, "llama-spm"), vocab(t, "llama-bpe"), vocab(t, "qwen2")
	for _, c := range []struct {
		tok     *Tokenizer
		id      int32
		special bool
		want    string
	}{
		{spm, 15043, false, " Hello"}, // "▁Hello"
		{spm, 13, false, "\n"},        // byte token <0x0A>
		{spm, 243, false, "\xf0"},     // byte token <0xF0>: a lone byte
		{spm, 1, false, ""},           // <s> hidden...
		{spm, 1, true, "<s>"},         // ...or rendered
		{spm, 0, true, "<unk>"},
		{bpe, 1917, false, " world"}, // "Ġworld"
		{bpe, 198, false, "\n"},      // "Ċ"
		{bpe, 128009, false, ""},     // <|eot_id|>
		{bpe, 128009, true, "<|eot_id|>"},
		{qwen, 128247, false, "</s>"}, // an ordinary token in Qwen's vocabulary
		{qwen, -1, true, ""},
		{qwen, 151936, true, ""},
	} {
		if got := string(c.tok.Piece(c.id, c.special)); got != c.want {
			t.Errorf("%s Piece(%d, %v) = %q, want %q", c.tok.Pre(), c.id, c.special, got, c.want)
		}
	}
	// Pieces() holds every token's rendering, control tokens shown.
	for _, tok := range []*Tokenizer{spm, bpe, qwen} {
		all := tok.Pieces()
		if len(all) != tok.VocabSize() {
			t.Fatalf("Pieces() has %d entries for %d tokens", len(all), tok.VocabSize())
		}
		for _, id := range []int32{0, 1, 13, 1000, int32(tok.VocabSize() - 1)} {
			if string(all[id]) != string(tok.Piece(id, true)) {
				t.Errorf("Pieces()[%d] = %q, Piece = %q", id, all[id], tok.Piece(id, true))
			}
		}
	}
}

// TestDecodeErrors checks that an id outside the vocabulary is an error
// naming it and its position.
func TestDecodeErrors(t *testing.T) {
	tok := vocab(t, "llama-spm")
	if _, err := tok.Decode([]int32{1, 15043, 32000}); err == nil || !strings.Contains(err.Error(), "token id 32000 at index 2") {
		t.Errorf("Decode with id 32000: err = %v", err)
	}
	if _, err := tok.Decode([]int32{-5}); err == nil || !strings.Contains(err.Error(), "token id -5 at index 0") {
		t.Errorf("Decode with id -5: err = %v", err)
	}
	if _, err := tok.NewStream().Next(40000); err == nil || !strings.Contains(err.Error(), "token id 40000") {
		t.Errorf("Stream.Next(40000): err = %v", err)
	}
}

// TestCleanSpaces checks llama.cpp's detokenizer clean-up (Llama 3, GPT-2).
func TestCleanSpaces(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hello , world !", "Hello, world!"},
		{"what ? yes .", "what? yes."},
		{"it 's , I 'm , they 're , we 've", "it's, I'm, they're, we've"},
		{"don 't , I 'd , we 'll", "don 't, I 'd, we 'll"}, // 't 'd 'll keep their space
		{"a ' b", "a'b"},
		{" ,", ","},
		{"", ""},
		{"x", "x"},
	} {
		if got := string(cleanSpaces([]byte(c.in))); got != c.want {
			t.Errorf("cleanSpaces(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Llama 3 applies it, Qwen 2 does not.
	text := "Hello , world !"
	for _, c := range []struct{ vocab, want string }{{"llama-bpe", "Hello, world!"}, {"qwen2", text}} {
		tok := vocab(t, c.vocab)
		if got, _ := tok.Decode(tok.Encode(text, false, false)); got != c.want {
			t.Errorf("%s: Decode(Encode(%q)) = %q, want %q", c.vocab, text, got, c.want)
		}
	}
}

// TestStream checks that streaming never prints part of a character: an
// emoji spelled as four byte tokens appears whole with its last byte, and
// bytes that can never form a character become U+FFFD as soon as that is
// certain.
func TestStream(t *testing.T) {
	tok := loadFile(t, modelDir+"/stories260K.gguf")
	llama := tok.Encode("🦙", false, false) // "▁" then the bytes F0 9F A6 99
	if len(llama) != 5 {
		t.Fatalf("Encode(🦙) = %v, want ▁ and four byte tokens", llama)
	}
	s := tok.NewStream()
	var outs []string
	for _, id := range llama {
		out, err := s.Next(id)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	if want := []string{" ", "", "", "", "🦙"}; !slices.Equal(outs, want) {
		t.Errorf("stream outputs %q, want %q", outs, want)
	}

	b := func(x byte) int32 { return tok.byteTok[x] }
	for _, c := range []struct {
		name string
		ids  []int32
		want []string // output after each token, then Flush
	}{
		{"lone continuation byte", []int32{b(0x80), b('a')}, []string{"\uFFFD", "a", ""}},
		{"invalid lead byte", []int32{b(0xFF)}, []string{"\uFFFD", ""}},
		{"cut short by ASCII", []int32{b(0xE2), b(0x96), b('x')}, []string{"", "", "\uFFFDx", ""}},
		{"cut short by a new lead", []int32{b(0xE2), b(0xE2), b(0x96), b(0x81)}, []string{"", "\uFFFD", "", "▁", ""}},
		{"surrogate never completes", []int32{b(0xED), b(0xA0)}, []string{"", "\uFFFD\uFFFD", ""}},
		{"unfinished at the end", []int32{b(0xF0), b(0x9F)}, []string{"", "", "\uFFFD"}},
		{"hidden control token", []int32{1, b('a'), 2}, []string{"", "a", "", ""}},
	} {
		s := tok.NewStream()
		var got []string
		for _, id := range c.ids {
			out, err := s.Next(id)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out)
		}
		got = append(got, s.Flush())
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestLongInputs checks that 100 KB with no word boundary (one long word,
// a run of spaces) costs work linear in its length: the merge queues see a
// few operations per byte, not per pair of bytes.
func TestLongInputs(t *testing.T) {
	for _, in := range []struct{ name, text string }{
		{"word", strings.Repeat("abcdefghij", 10_000)},
		{"spaces", strings.Repeat(" ", 100_000)},
		{"newlines and spaces", strings.Repeat(" \n", 50_000)},
		{"digits", strings.Repeat("1234567890", 10_000)},
	} {
		for _, name := range []string{"llama-spm", "llama-bpe", "qwen2"} {
			tok := vocab(t, name)
			st := newEncState()
			ids := tok.encode(st, in.text, false, false)
			if got, _ := tok.Decode(ids); got != in.text {
				t.Errorf("%s/%s: does not round-trip", in.name, name)
			}
			if work := st.pushes + st.pops; work > 8*len(in.text) {
				t.Errorf("%s/%s: %d queue operations for %d bytes", in.name, name, work, len(in.text))
			}
		}
	}
}

// TestConcurrentEncode checks that one Tokenizer serves several goroutines
// (run with -race).
func TestConcurrentEncode(t *testing.T) {
	tok := vocab(t, "qwen2")
	text := "func main() { fmt.Println(\"hello, world\") } // 12345"
	want := tok.Encode(text, false, false)
	done := make(chan []int32)
	for range 4 {
		go func() {
			var got []int32
			for range 50 {
				got = tok.Encode(text, false, false)
			}
			done <- got
		}()
	}
	for range 4 {
		if got := <-done; !slices.Equal(got, want) {
			t.Errorf("concurrent Encode = %v, want %v", got, want)
		}
	}
}

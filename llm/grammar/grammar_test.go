package grammar

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// testSchema has the shape of lsh's intent schema: a union discriminated
// by a constant first property, a command whose first word is restricted,
// an enum, a one-element array, a non-blank text.
const testSchema = `{"anyOf":[
 {"type":"object","properties":{
   "kind":{"const":"command"},
   "command":{"type":"string","minLength":1,"maxLength":60,"x-lsh-first-word":["ls","lsblk","cat","grep","["]},
   "explanation":{"type":"string","maxLength":40}},
  "required":["kind","command","explanation"],"additionalProperties":false},
 {"type":"object","properties":{
   "kind":{"const":"action"},
   "action":{"enum":["diagnose","explain","why"]},
   "args":{"type":"array","items":{"type":"string","maxLength":30},"maxItems":1}},
  "required":["kind","action","args"]},
 {"type":"object","properties":{
   "kind":{"enum":["answer","clarify"]},
   "text":{"type":"string","minLength":1,"maxLength":50}},
  "required":["kind","text"]}]}`

var firstWords = map[string]bool{"ls": true, "lsblk": true, "cat": true, "grep": true, "[": true}

type testIntent struct {
	Kind        string    `json:"kind"`
	Command     *string   `json:"command"`
	Explanation *string   `json:"explanation"`
	Action      *string   `json:"action"`
	Args        *[]string `json:"args"`
	Text        *string   `json:"text"`
}

// checkIntent says what is wrong with a complete text, or "".
func checkIntent(text []byte) string {
	if !json.Valid(text) {
		return "not valid JSON"
	}
	if !utf8.Valid(text) {
		return "not UTF-8"
	}
	var in testIntent
	dec := json.NewDecoder(strings.NewReader(string(text)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return err.Error()
	}
	switch in.Kind {
	case "command":
		if in.Command == nil || in.Explanation == nil || in.Action != nil || in.Text != nil {
			return "command fields"
		}
		word, _, _ := strings.Cut(strings.FieldsFunc(*in.Command, func(r rune) bool { return strings.ContainsRune(" ;|&<>", r) })[0], " ")
		if !firstWords[word] || strings.IndexAny(*in.Command, " ;|&<>") == 0 {
			return "first word " + word + " not allowed"
		}
	case "action":
		if in.Action == nil || in.Args == nil || len(*in.Args) > 1 {
			return "action fields"
		}
		switch *in.Action {
		case "diagnose", "explain", "why":
		default:
			return "action " + *in.Action
		}
	case "answer", "clarify":
		if in.Text == nil || strings.TrimSpace(*in.Text) == "" {
			return "blank text"
		}
	default:
		return "kind " + in.Kind
	}
	return ""
}

func mustProgram(t testing.TB, schema string) *Program {
	t.Helper()
	p, err := FromSchema([]byte(schema))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// run feeds text byte by byte and returns the state and the offset of the
// first rejected byte (-1 if none).
func run(p *Program, text string) (State, int) {
	st := p.Start()
	for i := 0; i < len(text); i++ {
		var ok bool
		if st, ok = p.Step(st, text[i]); !ok {
			return st, i
		}
	}
	return st, -1
}

func TestProgramTexts(t *testing.T) {
	p := mustProgram(t, testSchema)
	cases := []struct {
		text string
		bad  int // offset of the first rejected byte; -1: accepted and complete; -2: accepted, incomplete
	}{
		{`{"kind":"command","command":"ls -la","explanation":"lists"}`, -1},
		{`{"kind":"command","command":"lsblk","explanation":""}`, -1},
		{`{"kind":"command","command":"ls|grep x","explanation":""}`, -1},
		{`{"kind":"command","command":"[ -f x ]","explanation":""}`, -1},
		{`{"kind":"command","command":"cat \"a b\"","explanation":"quotes"}`, -1},
		{`{"kind":"command","command":"rm -rf /","explanation":""}`, 29}, // rm is not a first word
		{`{"kind":"command","command":"lsx","explanation":""}`, 31},      // nor is lsx
		{`{"kind":"command","command":"","explanation":""}`, 29},         // empty command
		{`{"kind":"command","command":" ls","explanation":""}`, 29},      // leading space
		{`{"kind":"command","command":"ls\n","explanation":""}`, 31},     // escape inside the first word
		{`{"kind":"command","command":"ls -l\nls","explanation":"a\tb"}`, -1},
		{`{"kind":"command","command":"ls` + "\n" + `","explanation":""}`, 31}, // raw control character
		{`{"kind":"command","command":"ls \x","explanation":""}`, 33},          // unknown escape
		{`{"kind":"command","command":"ls \u0041","explanation":""}`, 33},      // \u escapes are not produced
		{`{"kind":"command","command":"cat é","explanation":"naïve ✓ 😀"}`, -1},
		{"{\"kind\":\"command\",\"command\":\"cat \xc3\"", 34},             // C3 then a quote
		{"{\"kind\":\"command\",\"command\":\"cat \xc0\xaf", 33},           // overlong
		{"{\"kind\":\"command\",\"command\":\"cat \xed\xa0\x80", 34},       // surrogate
		{"{\"kind\":\"command\",\"command\":\"cat \xf4\x90\x80\x80", 34},   // past U+10FFFF
		{"{\"kind\":\"command\",\"command\":\"cat \xf0\x9f\x98\x80\"", -2}, // 😀 in bytes
		{`{"kind":"command","command":"ls","explanation":"x"} `, 51},       // nothing after the end
		{`{"kind":"command", "command":"ls"`, 18},                          // no whitespace between elements
		{`{"kind":"action","action":"explain","args":["tar -x"]}`, -1},
		{`{"kind":"action","action":"why","args":[]}`, -1},
		{`{"kind":"action","action":"why","args":["a","b"]}`, 43}, // at most one arg
		{`{"kind":"action","action":"reboot","args":[]}`, 27},     // not an action
		{`{"kind":"answer","text":"Paris."}`, -1},
		{`{"kind":"clarify","text":"Which file?"}`, -1},
		{`{"kind":"answer","text":""}`, 25},     // blank text
		{`{"kind":"answer","text":"  \n"}`, 29}, // still blank at the quote
		{`{"kind":"answer","text":"\""}`, -1},   // an escaped quote is visible
		{`{"kind":"shell","command":"ls"}`, 9},
		{`{"kind":"command","command":"ls","explanation":"` + strings.Repeat("x", 40) + `"}`, -1},
		{`{"kind":"command","command":"ls","explanation":"` + strings.Repeat("x", 41), 88}, // over maxLength
	}
	for _, c := range cases {
		st, bad := run(p, c.text)
		want := c.bad
		if want == -2 {
			if bad != -1 || p.Done(st) {
				t.Errorf("%q: rejected at %d or complete; want accepted and incomplete", c.text, bad)
			}
			continue
		}
		if bad != want {
			t.Errorf("%q: first rejected byte at %d, want %d", c.text, bad, want)
			continue
		}
		if want == -1 && !p.Done(st) {
			t.Errorf("%q: accepted but not complete", c.text)
		}
	}
}

var (
	vocabOnce sync.Map
)

func loadVocab(t testing.TB, path string) *Vocab {
	t.Helper()
	if v, ok := vocabOnce.Load(path); ok {
		return v.(*Vocab)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewVocab(tok)
	if err != nil {
		t.Fatal(err)
	}
	vocabOnce.Store(path, v)
	return v
}

const (
	stories = "../../testdata/models/stories260K.gguf"
	spm     = "../../testdata/vocab/ggml-vocab-llama-spm.gguf"
	qwen    = "../../testdata/vocab/ggml-vocab-qwen2.gguf"
)

// walk generates one text choosing uniformly among the allowed tokens,
// checking at a few states that the cached trie walk agrees with trying
// every token by itself.
func walk(t *testing.T, g *Grammar, rng *rand.Rand, budget int, brute bool) []byte {
	t.Helper()
	m, err := g.NewMatcher(budget)
	if err != nil {
		t.Fatal(err)
	}
	logits := make([]float32, g.vocab.size)
	var allowed []int32
	for steps := 0; ; steps++ {
		if steps > 5000 {
			t.Fatalf("no end after %d tokens: %q", steps, m.Text())
		}
		for i := range logits {
			logits[i] = 0
		}
		n := m.Mask(logits)
		allowed = allowed[:0]
		for i, l := range logits {
			if !math.IsInf(float64(l), -1) {
				allowed = append(allowed, int32(i))
			}
		}
		if n != len(allowed) || n == 0 {
			t.Fatalf("Mask reported %d tokens, left %d, after %q", n, len(allowed), m.Text())
		}
		if brute && steps%3 == 0 {
			for id := range int32(g.vocab.size) {
				want := false
				if m.Done() {
					want = g.vocab.IsEOG(id)
				} else if p := g.vocab.pieces[id]; len(p) > 0 {
					_, want = m.advance(p)
				}
				if got := !math.IsInf(float64(logits[id]), -1); got != want {
					t.Fatalf("after %q token %d (%q): mask %v, stepping its bytes %v", m.Text(), id, g.vocab.pieces[id], got, want)
				}
			}
		}
		id := allowed[rng.IntN(len(allowed))]
		if m.Done() {
			if !g.vocab.IsEOG(id) {
				t.Fatalf("a complete text allows token %d", id)
			}
			return m.Text()
		}
		if err := m.Accept(id); err != nil {
			t.Fatal(err)
		}
		if budget > 0 && len(m.Text()) > budget {
			t.Fatalf("%d bytes, over the budget of %d", len(m.Text()), budget)
		}
	}
}

// Random walks through the automaton with random tokens never produce
// anything but a complete, valid text of the schema, and the cached masks
// equal what trying each token's bytes gives.
func TestRandomWalks(t *testing.T) {
	p := mustProgram(t, testSchema)
	for _, c := range []struct {
		vocab        string
		walks, brute int
	}{{stories, 400, 40}, {spm, 60, 6}, {qwen, 30, 3}} {
		t.Run(c.vocab[strings.LastIndex(c.vocab, "/")+1:], func(t *testing.T) {
			if testing.Short() && c.vocab != stories {
				t.Skip("large vocabulary")
			}
			g, err := New(p, loadVocab(t, c.vocab))
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, uint64(len(c.vocab))))
			kinds := map[string]int{}
			for i := range c.walks {
				text := walk(t, g, rng, 0, i < c.brute)
				if why := checkIntent(text); why != "" {
					t.Fatalf("walk %d: %s: %q", i, why, text)
				}
				var k struct{ Kind string }
				json.Unmarshal(text, &k)
				kinds[k.Kind]++
			}
			if len(kinds) < 4 {
				t.Errorf("the walks reached only the kinds %v", kinds)
			}
		})
	}
}

// With a byte budget every walk still ends complete, within the budget;
// a budget below the shortest text is refused up front.
func TestBudget(t *testing.T) {
	p := mustProgram(t, testSchema)
	g, err := New(p, loadVocab(t, stories))
	if err != nil {
		t.Fatal(err)
	}
	shortest := p.MinCompletion(p.Start())
	if want := len(`{"kind":"answer","text":"x"}`); shortest != want {
		t.Errorf("shortest text %d bytes, want %d", shortest, want)
	}
	if _, err := g.NewMatcher(shortest - 1); err == nil {
		t.Error("a budget below the shortest text was accepted")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for _, budget := range []int{shortest, shortest + 1, 40, 50, 64, 90} {
		for i := range 50 {
			text := walk(t, g, rng, budget, i < 5)
			if why := checkIntent(text); why != "" {
				t.Fatalf("budget %d: %s: %q", budget, why, text)
			}
		}
	}
}

// The mask forbids a command whose first word is not in the set, however
// the tokens split it.
func TestFirstWordMask(t *testing.T) {
	p := mustProgram(t, testSchema)
	for _, path := range []string{stories, spm, qwen} {
		if testing.Short() && path == qwen {
			continue
		}
		v := loadVocab(t, path)
		g, err := New(p, v)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := g.NewMatcher(0)
		for _, b := range []byte(`{"kind":"command","command":"`) {
			if err := m.Accept(v.single[b]); err != nil {
				t.Fatal(err)
			}
		}
		logits := make([]float32, v.size)
		m.Mask(logits)
		for id, piece := range v.pieces {
			if len(piece) == 0 {
				continue
			}
			ok := !math.IsInf(float64(logits[id]), -1)
			// A piece is a valid start if it is a prefix of a word, or a
			// word followed by a delimiter or the closing quote.
			want := false
			for w := range firstWords {
				s := string(piece)
				if strings.HasPrefix(w, s) || strings.HasPrefix(s, w) && len(s) > len(w) && strings.ContainsAny(s[len(w):len(w)+1], " ;|&<>\"") {
					want = true
				}
			}
			// Past the delimiter or the quote the rest must be valid too;
			// that is TestRandomWalks' business, so only check the pieces
			// that stay inside the first word.
			if strings.ContainsAny(string(piece), " ;|&<>\"\\") {
				if ok && !want {
					t.Errorf("%s: token %q allowed as the start of a command", path, piece)
				}
				continue
			}
			if ok != want {
				t.Errorf("%s: token %q allowed %v, want %v", path, piece, ok, want)
			}
		}
		for _, bad := range []string{"rm", "sudo", "l s", "xls"} {
			ids := v.tokenize([]byte(bad))
			m2 := *m
			m2.out = append([]byte(nil), m.out...)
			failed := false
			for _, id := range ids {
				if m2.Accept(id) != nil {
					failed = true
					break
				}
			}
			if !failed {
				t.Errorf("%s: the command %q was accepted", path, bad)
			}
		}
	}
}

// Keys and punctuation are forced: the matcher spells them without
// sampling, up to the next real choice.
func TestForced(t *testing.T) {
	p := mustProgram(t, testSchema)
	v := loadVocab(t, stories)
	g, _ := New(p, v)
	m, _ := g.NewMatcher(0)
	steps := []struct{ accept, forced string }{
		{"", `{"kind":"`},
		{`{"kind":"`, ""}, // command, action, answer, clarify
		{"c", ""},         // command or clarify
		{"o", `mmand","command":"`},
		{`mmand","command":"`, ""},
		{"lsb", `lk`},
		{`lk`, ""}, // a delimiter, or the end
		{`"`, `,"explanation":"`},
	}
	for _, s := range steps {
		for _, id := range v.tokenize([]byte(s.accept)) {
			if err := m.Accept(id); err != nil {
				t.Fatal(err)
			}
		}
		if got := string(m.Forced()); got != s.forced {
			t.Errorf("after %q forced %q, want %q", m.Text(), got, s.forced)
		}
		toks := m.ForcedTokens()
		var spelled []byte
		for _, id := range toks {
			spelled = append(spelled, v.Piece(id)...)
		}
		if string(spelled) != s.forced {
			t.Errorf("forced tokens spell %q, want %q", spelled, s.forced)
		}
	}
}

func TestSchemaErrors(t *testing.T) {
	cases := []struct{ schema, want string }{
		{`{"type":"integer"}`, `/type: type "integer" is not supported`},
		{`{"type":"object"}`, `free-form objects`},
		{`{"type":"object","properties":{"a":{"type":"string"}}}`, `/properties/a: property "a" is not required`},
		{`{"type":"object","properties":{"a":{"type":"string","pattern":"x"}},"required":["a"]}`, `/properties/a/pattern: keyword "pattern" is not supported`},
		{`{"type":"array","items":{"type":"string"},"maxItems":40}`, `bounded`},
		{`{"anyOf":[{"type":"string"},{"type":"string"}]}`, `prefix`},
		{`{"enum":["a","ab"]}`, ``}, // fine: "a" with its quote is no prefix of "ab"
		{`{"enum":[1,10]}`, `prefix`},
		{`{"type":"string","maxLength":0}`, `/maxLength: must be at least 1`},
		{`{"$ref":"#/x"}`, `/$ref: keyword "$ref"`},
		{`{"type":"string"} x`, `schema:`},
		{`[1]`, `a schema must be an object`},
		{`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":true}`, `additionalProperties`},
	}
	for _, c := range cases {
		_, err := FromSchema([]byte(c.schema))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.schema, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want it to contain %q", c.schema, err, c.want)
		}
	}
}

// Booleans, null, nested arrays and objects compile to what they say.
func TestSchemaShapes(t *testing.T) {
	p := mustProgram(t, `{"type":"object","properties":{
		"b":{"type":"boolean"},"n":{"type":"null"},"c":{"const":{"x":[1,2]}},
		"l":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"object","properties":{"s":{"enum":["p","q"]}},"required":["s"]}}},
		"required":["b","n","c","l"]}`)
	for text, ok := range map[string]bool{
		`{"b":true,"n":null,"c":{"x":[1,2]},"l":[{"s":"p"}]}`:                     true,
		`{"b":false,"n":null,"c":{"x":[1,2]},"l":[{"s":"p"},{"s":"q"}]}`:          true,
		`{"b":false,"n":null,"c":{"x":[1,2]},"l":[]}`:                             false,
		`{"b":1,"n":null,"c":{"x":[1,2]},"l":[{"s":"p"}]}`:                        false,
		`{"b":true,"n":null,"c":{"x":[1,2]},"l":[{"s":"p"},{"s":"q"},{"s":"p"}]}`: false,
	} {
		st, bad := run(p, text)
		if got := bad < 0 && p.Done(st); got != ok {
			t.Errorf("%s: accepted %v, want %v", text, got, ok)
		}
	}
}

// The edges of masking with a SentencePiece vocabulary: a leading-space
// token cannot open the object, a byte-fallback token may leave half a
// UTF-8 character that only continuation bytes may follow, and the
// end-of-generation token is allowed exactly when the object is complete.
func TestMaskEdges(t *testing.T) {
	f, err := gguf.Open(spm)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(mustProgram(t, testSchema), loadVocab(t, spm))
	if err != nil {
		t.Fatal(err)
	}
	id := func(text string) int32 {
		i, ok := tok.ID(text)
		if !ok {
			t.Fatalf("no token %q", text)
		}
		return i
	}
	allowed := func(m *Matcher) map[int32]bool {
		logits := make([]float32, g.vocab.size)
		m.Mask(logits)
		out := map[int32]bool{}
		for i, l := range logits {
			if !math.IsInf(float64(l), -1) {
				out[int32(i)] = true
			}
		}
		return out
	}
	m, _ := g.NewMatcher(0)
	a := allowed(m)
	if !a[id("{")] || a[id("▁{")] || a[tok.EOS()] || len(a) != countPrefix(g.vocab, `{"kind":"`) {
		t.Errorf("at the start: { %v, ▁{ %v, EOS %v, %d allowed", a[id("{")], a[id("▁{")], a[tok.EOS()], len(a))
	}
	for _, b := range []byte(`{"kind":"answer","text":"caf`) {
		if err := m.Accept(g.vocab.single[b]); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Accept(id("<0xC3>")); err != nil {
		t.Fatal(err)
	}
	a = allowed(m)
	for i := range a {
		if p := g.vocab.pieces[i]; p[0] < 0x80 || p[0] > 0xBF {
			t.Fatalf("after C3 the token %q is allowed", p)
		}
	}
	if !a[id("<0xA9>")] || a[id("\"")] || a[tok.EOS()] {
		t.Errorf("after C3: A9 %v, quote %v, EOS %v", a[id("<0xA9>")], a[id("\"")], a[tok.EOS()])
	}
	for _, s := range []string{"<0xA9>", "\"", "}"} {
		if err := m.Accept(id(s)); err != nil {
			t.Fatal(err)
		}
	}
	if !m.Done() || string(m.Text()) != `{"kind":"answer","text":"café"}` {
		t.Fatalf("text %q, done %v", m.Text(), m.Done())
	}
	if a = allowed(m); len(a) != 1 || !a[tok.EOS()] || m.Accept(tok.EOS()) != nil || m.Accept(id("a")) == nil {
		t.Errorf("after the end: %v allowed", a)
	}
}

// countPrefix counts the tokens whose pieces are prefixes of s.
func countPrefix(v *Vocab, s string) int {
	n := 0
	for _, p := range v.pieces {
		if len(p) > 0 && strings.HasPrefix(s, string(p)) {
			n++
		}
	}
	return n
}

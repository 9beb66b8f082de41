package tokenizer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/llamashell/lsh/llm/gguf"
)

// kv is tokenizer metadata for a synthetic GGUF.
type kv map[string]gguf.Value

// fromKV writes metadata into an in-memory GGUF and loads its tokenizer.
func fromKV(t *testing.T, m kv) (*Tokenizer, error) {
	t.Helper()
	w := gguf.NewWriter()
	w.Set("general.architecture", gguf.NewString("llama"))
	for k, v := range m {
		w.Set(k, v)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return FromGGUF(f)
}

func mustKV(t *testing.T, m kv) *Tokenizer {
	t.Helper()
	tok, err := fromKV(t, m)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// spmKV is a small SentencePiece vocabulary: specials, "▁", letters and a
// few merges, optionally the 256 byte tokens.
func spmKV(withBytes bool) kv {
	tokens := []string{"<unk>", "<s>", "</s>", "▁", "a", "b", "c", "▁a", "ab", "▁ab", "abc", "▁abc", "<|tool|>", "<ctl>"}
	types := []int32{2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 3}
	if withBytes {
		for b := range 256 {
			tokens = append(tokens, "<0x"+strings.ToUpper(string("0123456789abcdef"[b>>4])+string("0123456789abcdef"[b&15]))+">")
			types = append(types, 6)
		}
	}
	scores := make([]float32, len(tokens))
	for i := range scores {
		scores[i] = -float32(i) // earlier tokens merge first
	}
	return kv{
		"tokenizer.ggml.model":      gguf.NewString("llama"),
		"tokenizer.ggml.tokens":     gguf.NewStringArray(tokens),
		"tokenizer.ggml.scores":     gguf.NewFloat32Array(scores),
		"tokenizer.ggml.token_type": gguf.NewInt32Array(types),
	}
}

// bpeKV is a small byte-level BPE vocabulary: the 256 byte characters, a
// few merges, and special tokens.
func bpeKV(pre string) kv {
	var tokens []string
	for b := range 256 {
		tokens = append(tokens, string(byteRunes[b]))
	}
	merges := []string{"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"}
	for _, m := range merges {
		tokens = append(tokens, strings.ReplaceAll(m, " ", ""))
	}
	tokens = append(tokens, "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool>")
	types := make([]int32, len(tokens))
	for i := range types {
		types[i] = 1
	}
	n := len(tokens)
	types[n-4], types[n-3], types[n-2], types[n-1] = 3, 3, 1, 4 // <|im_end|> stored as normal
	return kv{
		"tokenizer.ggml.model":        gguf.NewString("gpt2"),
		"tokenizer.ggml.pre":          gguf.NewString(pre),
		"tokenizer.ggml.tokens":       gguf.NewStringArray(tokens),
		"tokenizer.ggml.token_type":   gguf.NewInt32Array(types),
		"tokenizer.ggml.merges":       gguf.NewStringArray(merges),
		"tokenizer.ggml.eos_token_id": gguf.NewUint32(uint32(n - 4)),
		"tokenizer.ggml.bos_token_id": gguf.NewUint32(uint32(n - 4)),
	}
}

func with(m kv, key string, v gguf.Value) kv {
	out := kv{}
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}

func without(m kv, key string) kv {
	out := with(m, key, gguf.Value{})
	delete(out, key)
	return out
}

// TestLoadErrors checks that bad tokenizer metadata gives an error naming
// the key and the problem, never a panic.
func TestLoadErrors(t *testing.T) {
	spm, bpe := spmKV(false), bpeKV("qwen2")
	for _, c := range []struct {
		name string
		meta kv
		want string
	}{
		{"no tokenizer", kv{}, "model has no tokenizer (tokenizer.ggml.tokens missing)"},
		{"no model", without(spm, "tokenizer.ggml.model"), "tokenizer.ggml.model missing"},
		{"model not a string", with(spm, "tokenizer.ggml.model", gguf.NewUint32(1)), "tokenizer.ggml.model must be a string, got uint32 1"},
		{"unsupported model", with(spm, "tokenizer.ggml.model", gguf.NewString("bert")), `unsupported tokenizer model "bert"`},
		{"no vocab model", with(spm, "tokenizer.ggml.model", gguf.NewString("none")), "model has no vocabulary"},
		{"tokens not strings", with(spm, "tokenizer.ggml.tokens", gguf.NewInt32Array([]int32{1, 2})), "tokenizer.ggml.tokens must be an array of string, got array of 2 int32"},
		{"no tokens", with(spm, "tokenizer.ggml.tokens", gguf.NewStringArray(nil)), "tokenizer.ggml.tokens is empty"},
		{"short scores", with(spm, "tokenizer.ggml.scores", gguf.NewFloat32Array([]float32{1})), "tokenizer.ggml.scores has 1 entries for 14 tokens"},
		{"scores not numbers", with(spm, "tokenizer.ggml.scores", gguf.NewStringArray([]string{"x"})), "tokenizer.ggml.scores must be an array of float32 or int32"},
		{"types not int32", with(spm, "tokenizer.ggml.token_type", gguf.NewFloat32Array(make([]float32, 14))), "tokenizer.ggml.token_type must be an array of int32"},
		{"short types", with(spm, "tokenizer.ggml.token_type", gguf.NewInt32Array([]int32{1})), "tokenizer.ggml.token_type has 1 entries for 14 tokens"},
		{"duplicate token", with(spm, "tokenizer.ggml.tokens", gguf.NewStringArray([]string{"<unk>", "<s>", "</s>", "a", "b", "a", "c", "d", "e", "f", "g", "h", "i", "j"})), `token "a" appears twice, as ids 3 and 5`},
		{"bos id not integer", with(spm, "tokenizer.ggml.bos_token_id", gguf.NewString("1")), "tokenizer.ggml.bos_token_id must be an unsigned integer, got string 1"},
		{"add_bos not bool", with(spm, "tokenizer.ggml.add_bos_token", gguf.NewUint32(1)), "tokenizer.ggml.add_bos_token must be a bool"},
		// GLM-4's pre-tokenizer has no default BOS.
		{"add_bos without bos", with(with(without(bpe, "tokenizer.ggml.bos_token_id"), "tokenizer.ggml.pre", gguf.NewString("glm4")), "tokenizer.ggml.add_bos_token", gguf.NewBool(true)), "tokenizer.ggml.add_bos_token is true, but tokenizer.ggml.bos_token_id is not set"},
		{"bpe without merges", without(bpe, "tokenizer.ggml.merges"), "tokenizer.ggml.merges missing"},
		{"merges not strings", with(bpe, "tokenizer.ggml.merges", gguf.NewInt32Array([]int32{1})), "tokenizer.ggml.merges must be an array of string"},
		{"unknown pre-tokenizer", with(bpe, "tokenizer.ggml.pre", gguf.NewString("tekken")), `unknown pre-tokenizer type "tekken" (tokenizer.ggml.pre)`},
		{"pre not a string", with(bpe, "tokenizer.ggml.pre", gguf.NewBool(true)), "tokenizer.ggml.pre must be a string"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok, err := fromKV(t, c.meta)
			if err == nil {
				t.Fatalf("loaded (%s, %d tokens); want error %q", tok.Kind(), tok.VocabSize(), c.want)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "tokenizer: ") {
				t.Fatalf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}

// TestLoadRealModels checks what FromGGUF reads from real vocabularies:
// kind, size, special ids (including those llama.cpp infers from token
// text), add_bos defaults, and the end-of-generation set.
func TestLoadRealModels(t *testing.T) {
	for _, c := range []struct {
		name               string
		tok                *Tokenizer
		kind               Kind
		size               int
		bos, eos, eot, unk int32
		addBOS             bool
		eog                []int32
	}{
		// SPM: add_bos from the file.
		{"llama-spm", vocab(t, "llama-spm"), SPM, 32000, 1, 2, NoToken, 0, true, []int32{2}},
		// No add_bos key: llama.cpp's SPM default is true.
		{"stories260K", loadFile(t, modelDir+"/stories260K.gguf"), SPM, 512, 1, 2, NoToken, 0, true, []int32{2}},
		// Llama 3: no add_bos key, the llama-bpe pre-tokenizer defaults
		// it to true; <|eot_id|> is found by its text and ends generation.
		{"llama-bpe", vocab(t, "llama-bpe"), BPE, 128256, 128000, 128001, 128009, NoToken, true, []int32{128001, 128009}},
		// Qwen 2: no BOS by default; <|im_end|> is the EOT, and both it and
		// <|endoftext|> end generation.
		{"qwen2", vocab(t, "qwen2"), BPE, 151936, 151643, 151643, 151645, NoToken, false, []int32{151643, 151645}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok := c.tok
			if tok.Kind() != c.kind || tok.VocabSize() != c.size {
				t.Errorf("kind %s size %d, want %s %d", tok.Kind(), tok.VocabSize(), c.kind, c.size)
			}
			if tok.BOS() != c.bos || tok.EOS() != c.eos || tok.EOT() != c.eot || tok.UNK() != c.unk {
				t.Errorf("BOS/EOS/EOT/UNK = %d/%d/%d/%d, want %d/%d/%d/%d",
					tok.BOS(), tok.EOS(), tok.EOT(), tok.UNK(), c.bos, c.eos, c.eot, c.unk)
			}
			if tok.AddBOS() != c.addBOS || tok.AddEOS() {
				t.Errorf("AddBOS, AddEOS = %v, %v; want %v, false", tok.AddBOS(), tok.AddEOS(), c.addBOS)
			}
			if got := tok.EOG(); !slicesEqual(got, c.eog) {
				t.Errorf("EOG() = %v, want %v", got, c.eog)
			}
			for _, id := range c.eog {
				if !tok.IsEOG(id) || !tok.IsControl(id) {
					t.Errorf("token %d (%q): IsEOG %v IsControl %v, want both", id, tok.Token(id), tok.IsEOG(id), tok.IsControl(id))
				}
			}
			if tok.IsEOG(NoToken) || tok.IsEOG(int32(c.size)) || tok.IsEOG(5) {
				t.Error("IsEOG true for a token that does not end generation")
			}
		})
	}
}

func slicesEqual(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestSyntheticSPM checks SentencePiece details on a hand-made vocabulary.
func TestSyntheticSPM(t *testing.T) {
	tok := mustKV(t, spmKV(false))
	id := func(s string) int32 {
		i, ok := tok.ID(s)
		if !ok {
			t.Fatalf("no token %q", s)
		}
		return i
	}
	for _, c := range []struct {
		text                     string
		addSpecial, parseSpecial bool
		want                     []int32
	}{
		// Space prefix, then the best-scoring merges.
		{"abc", true, false, []int32{1, id("▁abc")}},
		{"abc", false, false, []int32{id("▁abc")}},
		{"ab ab", false, false, []int32{id("▁ab"), id("▁ab")}},
		// No byte tokens: an unknown character is one <unk>, whatever its
		// length in bytes.
		{"aé", false, false, []int32{id("▁a"), 0}},
		{"日本", false, false, []int32{id("▁"), 0, 0}},
		// A user-defined token is matched even without parseSpecial; text
		// after any special token gets a space prefix, as at the start.
		{"a<|tool|>b", false, false, []int32{id("▁a"), id("<|tool|>"), id("▁"), id("b")}},
		{"a<ctl>b", false, true, []int32{id("▁a"), id("<ctl>"), id("▁"), id("b")}},
		// Without parseSpecial "<ctl>" is plain text (here: unknown characters).
		{"<ctl>", false, false, []int32{id("▁"), 0, id("c"), 0, 0, 0}},
		{"", true, false, []int32{1}},
		{"", false, false, []int32{}},
	} {
		if got := tok.Encode(c.text, c.addSpecial, c.parseSpecial); !slicesEqual(got, c.want) {
			t.Errorf("Encode(%q, %v, %v) = %v, want %v", c.text, c.addSpecial, c.parseSpecial, got, c.want)
		}
	}

	// With byte tokens, the unknown characters are spelled in bytes.
	withBytes := mustKV(t, spmKV(true))
	got := withBytes.Encode("é", false, false)
	want := []int32{3, 14 + 0xC3, 14 + 0xA9}
	if !slicesEqual(got, want) {
		t.Errorf("Encode(é) with byte tokens = %v, want %v", got, want)
	}
	if s, _ := withBytes.Decode(got); s != "é" {
		t.Errorf("Decode(%v) = %q, want é", got, s)
	}
}

// TestSyntheticBPE checks BPE details on a hand-made vocabulary.
func TestSyntheticBPE(t *testing.T) {
	tok := mustKV(t, bpeKV("gpt-2"))
	id := func(s string) int32 {
		i, ok := tok.ID(s)
		if !ok {
			t.Fatalf("no token %q", s)
		}
		return i
	}
	if got, want := tok.Encode("hello world", false, false), []int32{id("hello"), id("Ġworld")}; !slicesEqual(got, want) {
		t.Errorf("Encode(hello world) = %v, want %v", got, want)
	}
	// A token stored as normal but named like an end-of-turn marker becomes
	// a control token that ends generation, as in llama.cpp.
	imEnd := id("<|im_end|>")
	if !tok.IsControl(imEnd) || !tok.IsEOG(imEnd) || tok.EOT() != imEnd {
		t.Errorf("<|im_end|>: control %v, EOG %v, EOT %d", tok.IsControl(imEnd), tok.IsEOG(imEnd), tok.EOT())
	}
	// User text cannot produce control tokens; parsed specials can.
	text := "<|im_start|>hello<|im_end|><tool>"
	plain := tok.Encode(text, false, false)
	for _, c := range []int32{id("<|im_start|>"), imEnd} {
		if slicesContains(plain, c) {
			t.Errorf("Encode(%q, parseSpecial=false) = %v contains control token %d", text, plain, c)
		}
	}
	if !slicesContains(plain, id("<tool>")) {
		t.Errorf("user-defined <tool> not matched without parseSpecial: %v", plain)
	}
	if got, want := tok.Encode(text, false, true), []int32{id("<|im_start|>"), id("hello"), imEnd, id("<tool>")}; !slicesEqual(got, want) {
		t.Errorf("Encode(%q, parseSpecial) = %v, want %v", text, got, want)
	}
	// add_bos is off for gpt-2 unless the file says otherwise.
	if got := tok.Encode("", true, false); len(got) != 0 {
		t.Errorf("Encode(\"\", addSpecial) = %v, want none", got)
	}
	on := mustKV(t, with(bpeKV("gpt-2"), "tokenizer.ggml.add_bos_token", gguf.NewBool(true)))
	if got := on.Encode("he", true, false); !slicesEqual(got, []int32{on.BOS(), id("he")}) {
		t.Errorf("with add_bos: %v", got)
	}
}

func slicesContains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// TestSpecialOrder checks llama.cpp's order of special-token matching:
// longer tokens claim their occurrences first, even when a shorter one
// starts earlier and overlaps.
func TestSpecialOrder(t *testing.T) {
	m := bpeKV("gpt-2")
	tokens, _ := m["tokenizer.ggml.tokens"].Array()
	list, _ := tokens.Strings()
	types, _ := m["tokenizer.ggml.token_type"].Array()
	ty, _ := types.Ints()
	var ty32 []int32
	for _, v := range ty {
		ty32 = append(ty32, int32(v))
	}
	list = append(list, "<x", "x>>")
	ty32 = append(ty32, 4, 4)
	tok := mustKV(t, with(with(m, "tokenizer.ggml.tokens", gguf.NewStringArray(list)), "tokenizer.ggml.token_type", gguf.NewInt32Array(ty32)))
	short, long := int32(len(list)-2), int32(len(list)-1)
	got := tok.Encode("<x>>", false, false)
	want := []int32{tok.byteSym['<'], long}
	if !slicesEqual(got, want) {
		t.Errorf("Encode(<x>>) = %v, want %v (the longer \"x>>\" claims first)", got, want)
	}
	got = tok.Encode("<x<x", false, false)
	if !slicesEqual(got, []int32{short, short}) {
		t.Errorf("Encode(<x<x) = %v, want [%d %d]", got, short, short)
	}
}

// TestStripAttrs checks the whitespace-swallowing special tokens: llama.cpp
// gives every special token of a model named Phi-3 the rstrip attribute
// (but not <s>), and an lstrip token eats the whitespace before it.
func TestStripAttrs(t *testing.T) {
	plain := mustKV(t, spmKV(false))
	phi := mustKV(t, with(spmKV(false), "general.name", gguf.NewString("Phi-3-mini-4k")))
	id := func(s string) int32 { i, _ := plain.ID(s); return i }
	sp, a, b, ctl := id("▁"), id("▁a"), id("b"), id("<ctl>")
	for _, c := range []struct {
		name string
		tok  *Tokenizer
		text string
		want []int32
	}{
		{"no strip", plain, "a<ctl>  b", []int32{a, ctl, sp, sp, sp, b}},
		{"rstrip", phi, "a<ctl>  b", []int32{a, ctl, sp, b}},
		{"rstrip up to the next token", phi, "a<ctl> \t<ctl>", []int32{a, ctl, ctl}},
		{"<s> keeps its spaces", phi, "<s>  b", []int32{1, sp, sp, sp, b}},
	} {
		if got := c.tok.Encode(c.text, false, true); !slicesEqual(got, c.want) {
			t.Errorf("%s: Encode(%q) = %v, want %v", c.name, c.text, got, c.want)
		}
	}
	lstrip := mustKV(t, spmKV(false))
	lstrip.attrs[ctl] |= AttrLStrip
	if got, want := lstrip.Encode("a \t <ctl>b", false, true), []int32{a, ctl, sp, b}; !slicesEqual(got, want) {
		t.Errorf("lstrip: Encode = %v, want %v", got, want)
	}
}

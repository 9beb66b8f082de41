package tokenizer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/llamashell/lsh/llm/gguf"
)

// Which tokens are special (BOS, EOS, end of turn, fill-in-the-middle
// markers) comes from the metadata, from llama.cpp's defaults, and from
// token texts llama.cpp recognises; so do the tokens that end generation.

// specialKeys lists the special-token metadata keys and where each goes.
func (t *Tokenizer) specialKeys() []struct {
	key string
	id  *int32
} {
	return []struct {
		key string
		id  *int32
	}{
		{"tokenizer.ggml.bos_token_id", &t.bos},
		{"tokenizer.ggml.eos_token_id", &t.eos},
		{"tokenizer.ggml.eot_token_id", &t.eot},
		{"tokenizer.ggml.eom_token_id", &t.eom},
		{"tokenizer.ggml.unknown_token_id", &t.unk},
		{"tokenizer.ggml.seperator_token_id", &t.sep},
		{"tokenizer.ggml.padding_token_id", &t.pad},
		{"tokenizer.ggml.mask_token_id", &t.mask},
		{"tokenizer.ggml.fim_pre_token_id", &t.fim[fimPre]},
		{"tokenizer.ggml.fim_suf_token_id", &t.fim[fimSuf]},
		{"tokenizer.ggml.fim_mid_token_id", &t.fim[fimMid]},
		{"tokenizer.ggml.fim_pad_token_id", &t.fim[fimPad]},
		{"tokenizer.ggml.fim_rep_token_id", &t.fim[fimRep]},
		{"tokenizer.ggml.fim_sep_token_id", &t.fim[fimSep]},
		// deprecated names
		{"tokenizer.ggml.prefix_token_id", &t.fim[fimPre]},
		{"tokenizer.ggml.suffix_token_id", &t.fim[fimSuf]},
		{"tokenizer.ggml.middle_token_id", &t.fim[fimMid]},
	}
}

// loadSpecialIDs reads the special token ids and add_bos/add_eos. An id
// outside the vocabulary is ignored (the default stays), as llama.cpp does.
func (t *Tokenizer) loadSpecialIDs(f *gguf.File) error {
	n := int32(len(t.tokens))
	for _, s := range t.specialKeys() {
		if *s.id >= n {
			*s.id = NoToken // a default beyond a small vocabulary
		}
		v, ok := f.Get(s.key)
		if !ok {
			continue
		}
		u, isUint := v.Uint()
		if !isUint {
			return fmt.Errorf("%s must be an unsigned integer, got %s", s.key, describe(v))
		}
		if u < uint64(n) {
			*s.id = int32(u)
		}
	}
	for _, b := range []struct {
		key string
		v   *bool
	}{{keyAddBOS, &t.addBOS}, {keyAddEOS, &t.addEOS}} {
		v, ok, err := getBool(f, b.key)
		if err != nil {
			return err
		}
		if ok {
			*b.v = v
		}
	}
	if t.addBOS && t.bos == NoToken {
		return fmt.Errorf("%s is true, but tokenizer.ggml.bos_token_id is not set", keyAddBOS)
	}
	if t.addEOS && t.eos == NoToken {
		return fmt.Errorf("%s is true, but tokenizer.ggml.eos_token_id is not set", keyAddEOS)
	}
	return nil
}

// The fill-in-the-middle markers.
const (
	fimPre = iota
	fimSuf
	fimMid
	fimPad
	fimRep
	fimSep
	nFIM
)

// Token texts llama.cpp recognises when the metadata does not name the
// token. Where several are present the first in the list wins (llama.cpp
// takes whichever its hash map yields first).
var (
	eotTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
		"<|end_of_text|>", "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}
	eomTexts = []string{"<|eom_id|>"}
	fimTexts = [nFIM][]string{
		fimPre: {"<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>", "<|code_prefix|>", "<|prefix|>"},
		fimSuf: {"<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>", "<|code_suffix|>", "<|suffix|>"},
		fimMid: {"<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>", "<|code_middle|>", "<|middle|>"},
		fimPad: {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]"},
		fimRep: {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"},
		fimSep: {"<|file_sep|>"},
	}
	// Every token with one of these texts ends generation. Recent llama.cpp
	// also lists "</s>" (for PaddleOCR), which makes the ordinary "</s>" of
	// Qwen's vocabulary a hidden, generation-ending token; it is left out
	// (SentencePiece's "</s>" is EOS anyway).
	eogTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>",
		"<|calls|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]",
		"[EOS]", "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
		"<｜end▁of▁sentence｜>", "[e~["}
)

// detectSpecialByText finds EOT/EOM/FIM tokens by their text when the
// metadata does not name them, makes them control tokens, and computes the
// end-of-generation set, as llama.cpp's loader does.
func (t *Tokenizer) detectSpecialByText() {
	detect := func(id *int32, texts []string) {
		if *id != NoToken {
			return
		}
		for _, s := range texts {
			if found, ok := t.index.find(s); ok {
				*id = found
				t.attrs[found] |= AttrControl
				return
			}
		}
	}
	detect(&t.eot, eotTexts)
	detect(&t.eom, eomTexts)
	for i := range t.fim {
		detect(&t.fim[i], fimTexts[i])
	}
	// Control tokens named "unused" are unused too.
	for id, s := range t.tokens {
		if t.attrs[id]&AttrControl != 0 && strings.Contains(s, "unused") {
			t.attrs[id] |= AttrUnused
		}
	}
	t.eog = map[int32]bool{}
	for _, id := range []int32{t.fim[fimPad], t.fim[fimRep], t.fim[fimSep]} {
		if id != NoToken {
			t.eog[id] = true
		}
	}
	for _, s := range eogTexts {
		if id, ok := t.index.find(s); ok {
			t.attrs[id] |= AttrControl
			t.eog[id] = true
		}
	}
	// gpt-oss's channel markers always print.
	for _, s := range []string{"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"} {
		if id, ok := t.index.find(s); ok {
			t.attrs[id] = AttrUserDefined
		}
	}
	for _, id := range []int32{t.eos, t.eot, t.eom} {
		if id != NoToken {
			t.eog[id] = true
		}
	}
	for id := range t.eog {
		t.eogList = append(t.eogList, id)
	}
	slices.Sort(t.eogList)
}

// applyNameAttrs sets the strip attributes llama.cpp gives by model name:
// Phi-3's special tokens swallow the whitespace that follows them.
func (t *Tokenizer) applyNameAttrs(f *gguf.File) {
	name, _ := f.String("general.name")
	name = strings.ToLower(name)
	if !strings.Contains(name, "phi-3") && !strings.Contains(name, "phi3") {
		return
	}
	for id, a := range t.attrs {
		if a&(AttrControl|AttrUserDefined|AttrUnknown) != 0 {
			t.attrs[id] |= AttrRStrip
		}
	}
	set := func(s string, on bool) {
		if id, ok := t.index.find(s); ok {
			if on {
				t.attrs[id] |= AttrRStrip
			} else {
				t.attrs[id] &^= AttrRStrip
			}
		}
	}
	set("</s>", true)
	for _, s := range []string{"<unk>", "<s>", "<|endoftext|>"} {
		set(s, false)
	}
}

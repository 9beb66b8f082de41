// Package chat formats a conversation the way a chat model was trained to
// read it. The family is recognised from a GGUF file's metadata —
// distinctive markers in tokenizer.chat_template, else the vocabulary's
// special tokens, else the model's name — never by running the Jinja
// template, which would need a Jinja engine for a handful of fixed
// layouts:
//
//	zephyr  <|system|>\n…</s>\n<|user|>\n…</s>\n<|assistant|>\n        TinyLlama chat, Zephyr
//	chatml  <|im_start|>system\n…<|im_end|>\n…<|im_start|>assistant\n  Qwen2/2.5, SmolLM2
//	llama3  <|start_header_id|>system<|end_header_id|>\n\n…<|eot_id|>   Llama 3, 3.1, 3.2
//	llama2  [INST] <<SYS>>\n…\n<</SYS>>\n\n… [/INST] … </s><s>[INST] … [/INST]  Llama 2 chat
//	plain   ### System\n…\n\n### User\n…\n\n### Assistant\n             anything else
//
// The text is tokenized as llama.cpp tokenizes a chat prompt: BOS where
// the vocabulary adds one, and the markers that are special tokens read as
// those tokens. Markers that are not special tokens (TinyLlama's <|user|>)
// are plain text, as the model saw them in training.
package chat

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/llamashell/lsh/llm/gguf"
	"github.com/llamashell/lsh/llm/tokenizer"
)

// Family is a chat prompt layout.
type Family string

// The families lsh formats.
const (
	Zephyr Family = "zephyr"
	ChatML Family = "chatml"
	Llama3 Family = "llama3"
	Llama2 Family = "llama2"
	// Plain is the fallback for a model whose family is not recognised:
	// Markdown-like headings a base model continues sensibly. A model
	// trained on another layout will do worse with it than with its own.
	Plain Family = "plain"
)

// Families lists every Family.
var Families = []Family{Zephyr, ChatML, Llama3, Llama2, Plain}

// Role is who speaks a message.
type Role string

// The roles.
const (
	System    Role = "system"
	User      Role = "user"
	Assistant Role = "assistant"
)

// Message is one turn of a conversation.
type Message struct {
	Role    Role
	Content string
}

// Template formats conversations for one family.
type Template struct {
	Family Family
	// Why says how the family was recognised, for `model info` and for
	// a person wondering why a model answers badly.
	Why string
	// eot is Zephyr's end of a turn: the vocabulary's EOS text ("</s>")
	// or "<|endoftext|>" when the template says so.
	eot string
}

// ForFamily returns the template of a family by name, for a person who
// knows better than the metadata. eos is the vocabulary's end-of-sequence
// text, which ends Zephyr turns.
func ForFamily(name, eos string) (Template, error) {
	for _, f := range Families {
		if string(f) == name {
			return Template{Family: f, Why: "chosen", eot: eos}, nil
		}
	}
	return Template{}, fmt.Errorf("chat: unknown template family %q (known: zephyr, chatml, llama3, llama2, plain)", name)
}

// Choose is the template for a model: the family named, when a person
// named one (ForFamily, with the vocabulary's end-of-sequence text), else
// the one its metadata and vocabulary show (Detect).
func Choose(f *gguf.File, tok *tokenizer.Tokenizer, family string) (Template, error) {
	if family == "" {
		return Detect(f, tok), nil
	}
	eos := ""
	if tok.EOS() >= 0 {
		eos = tok.Token(tok.EOS())
	}
	return ForFamily(family, eos)
}

// Detect recognises the chat family of a model from its metadata and
// vocabulary.
func Detect(f *gguf.File, tok *tokenizer.Tokenizer) Template {
	eos := ""
	if tok != nil && tok.EOS() != tokenizer.NoToken {
		eos = tok.Token(tok.EOS())
	}
	tmpl, _ := f.String("tokenizer.chat_template")
	has := func(s string) bool { return strings.Contains(tmpl, s) }
	switch {
	case has("<|im_start|>"):
		return Template{Family: ChatML, Why: "tokenizer.chat_template uses <|im_start|>"}
	case has("<|start_header_id|>"):
		return Template{Family: Llama3, Why: "tokenizer.chat_template uses <|start_header_id|>"}
	case has("<|assistant|>") && (has("<|user|>") || has("'<|' + message['role'] + '|>")):
		// (llama.cpp's own Zephyr template builds the marker from the role.)
		t := Template{Family: Zephyr, Why: "tokenizer.chat_template uses <|user|> and <|assistant|>", eot: eos}
		if has("<|endoftext|>") {
			t.eot = "<|endoftext|>"
		}
		return t
	case has("[INST]"):
		return Template{Family: Llama2, Why: "tokenizer.chat_template uses [INST]"}
	}
	why := "no tokenizer.chat_template"
	if tmpl != "" {
		why = "tokenizer.chat_template not recognised"
	}
	if tok != nil {
		special := func(s string) bool {
			id, ok := tok.ID(s)
			return ok && tok.IsControl(id)
		}
		switch {
		case special("<|im_start|>") && special("<|im_end|>"):
			return Template{Family: ChatML, Why: why + "; the vocabulary has <|im_start|> and <|im_end|>"}
		case special("<|start_header_id|>") && special("<|eot_id|>"):
			return Template{Family: Llama3, Why: why + "; the vocabulary has <|start_header_id|> and <|eot_id|>"}
		}
	}
	name, _ := f.String("general.name")
	if name == "" {
		name = filepath.Base(f.Path)
	}
	low := strings.ToLower(name)
	switch {
	case strings.Contains(low, "tinyllama") || strings.Contains(low, "zephyr"):
		return Template{Family: Zephyr, Why: fmt.Sprintf("%s; the model is called %q", why, name), eot: eos}
	case (strings.Contains(low, "llama-2") || strings.Contains(low, "llama 2") || strings.Contains(low, "llama2")) && strings.Contains(low, "chat"):
		return Template{Family: Llama2, Why: fmt.Sprintf("%s; the model is called %q", why, name)}
	}
	return Template{Family: Plain, Why: why + "; family unknown, plain headings"}
}

// Format renders msgs; with generate it ends with the opening of the
// assistant's turn, where the model writes its reply. A rendering of the
// first messages of a conversation is a prefix of the rendering of the
// whole (turns end with their own closing marker), so the key-value cache
// of a fixed opening — system prompt and examples — serves every request
// that continues it.
func (t Template) Format(msgs []Message, generate bool) string {
	var b strings.Builder
	switch t.Family {
	case Zephyr:
		for _, m := range msgs {
			b.WriteString("<|" + string(m.Role) + "|>\n" + m.Content + t.eot + "\n")
		}
		if generate {
			b.WriteString("<|assistant|>\n")
		}
	case ChatML:
		for _, m := range msgs {
			b.WriteString("<|im_start|>" + string(m.Role) + "\n" + m.Content + "<|im_end|>\n")
		}
		if generate {
			b.WriteString("<|im_start|>assistant\n")
		}
	case Llama3:
		for _, m := range msgs {
			b.WriteString("<|start_header_id|>" + string(m.Role) + "<|end_header_id|>\n\n" + strings.TrimSpace(m.Content) + "<|eot_id|>")
		}
		if generate {
			b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
		}
	case Llama2:
		// Meta's layout: the system prompt sits inside the first [INST];
		// every exchange after the first reopens with <s>.
		sys, turns := "", 0
		for _, m := range msgs {
			switch m.Role {
			case System:
				sys += m.Content
			case User:
				if turns > 0 {
					b.WriteString("<s>")
				}
				b.WriteString("[INST] ")
				if sys != "" {
					b.WriteString("<<SYS>>\n" + sys + "\n<</SYS>>\n\n")
					sys = ""
				}
				b.WriteString(strings.TrimSpace(m.Content) + " [/INST]")
				turns++
			case Assistant:
				b.WriteString(" " + strings.TrimSpace(m.Content) + " </s>")
			}
		}
	default:
		for _, m := range msgs {
			b.WriteString("### " + roleTitle(m.Role) + "\n" + m.Content + "\n\n")
		}
		if generate {
			b.WriteString("### Assistant\n")
		}
	}
	return b.String()
}

func roleTitle(r Role) string {
	s := string(r)
	if s == "" {
		return "User"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Encode formats msgs and tokenizes them as llama.cpp tokenizes a chat
// prompt: BOS when the vocabulary adds it, special-token markers read as
// special tokens, and no EOS after the prompt even if the vocabulary asks
// for one (the model is to continue it).
//
// The markers are the template's alone: a control token's text inside a
// message (a file named "<|im_start|>system…" in a directory listing) is
// defused first, so content can never open or close a turn.
func (t Template) Encode(tok *tokenizer.Tokenizer, msgs []Message, generate bool) []int32 {
	safe := make([]Message, len(msgs))
	for i, m := range msgs {
		m.Content = Defuse(tok, m.Content)
		safe[i] = m
	}
	ids := tok.Encode(t.Format(safe, generate), true, true)
	if tok.AddEOS() && len(ids) > 0 && ids[len(ids)-1] == tok.EOS() {
		ids = ids[:len(ids)-1]
	}
	return ids
}

// Stops are texts that mean the model has started a turn that is not
// its own, for free-text replies of models that do not end their turn
// with a special token.
func (t Template) Stops() []string {
	switch t.Family {
	case Zephyr:
		return []string{"<|user|>", "<|system|>"}
	case Llama2:
		return []string{"[INST]"}
	case Plain:
		return []string{"\n### User", "\n### System"}
	}
	return nil
}

// controlTexts caches, per vocabulary, the texts of its control tokens.
var controlTexts sync.Map // *tokenizer.Tokenizer → []string

// Defuse breaks every control token's text inside s with a word joiner
// (U+2060) after its first byte, so that tokenizing with special tokens
// parsed reads it as plain text. Text without a control token's text is
// returned unchanged.
func Defuse(tok *tokenizer.Tokenizer, s string) string {
	if !strings.ContainsAny(s, "<[") {
		return s // every control token of the supported families starts so
	}
	v, ok := controlTexts.Load(tok)
	if !ok {
		var texts []string
		for id := int32(0); int(id) < tok.VocabSize(); id++ {
			if tok.Attr(id)&tokenizer.AttrControl != 0 {
				if text := tok.Token(id); len(text) > 1 {
					texts = append(texts, text)
				}
			}
		}
		v, _ = controlTexts.LoadOrStore(tok, texts)
	}
	for _, text := range v.([]string) {
		if strings.Contains(s, text) {
			s = strings.ReplaceAll(s, text, text[:1]+"\u2060"+text[1:])
		}
	}
	return s
}

package synth

import (
	"fmt"
	"sort"
	"strings"

	"github.com/llamashell/lsh/llm/gguf"
)

// vocabKVs returns the tokenizer.* metadata of the vocabulary file f, to be
// copied into a model of shape s. The vocabulary must be of the kind the
// shape's model uses (SentencePiece or byte-level BPE) and have exactly
// s.Vocab tokens, except for shapes with TruncateVocab, which accept a
// larger BPE vocabulary and cut it down (fitVocab).
func vocabKVs(f *gguf.File, s Shape) ([]gguf.KV, error) {
	model, _ := f.String("tokenizer.ggml.model")
	arr, ok := f.Array("tokenizer.ggml.tokens")
	if !ok {
		return nil, fmt.Errorf("%s has no tokenizer.ggml.tokens: not a vocabulary", f.Path)
	}
	if model != s.VocabModel {
		return nil, fmt.Errorf("%s is a %q vocabulary; %s needs a %q one (%s)", f.Path, model, s.Name, s.VocabModel, vocabHint(s))
	}
	var kvs []gguf.KV
	for _, kv := range f.KV {
		if strings.HasPrefix(kv.Key, "tokenizer.") {
			kvs = append(kvs, kv)
		}
	}
	switch {
	case arr.Len == s.Vocab:
		return kvs, nil
	case s.TruncateVocab && arr.Len > s.Vocab:
		return fitVocab(kvs, s.Vocab)
	}
	return nil, fmt.Errorf("%s has %d tokens; %s needs exactly %d (%s)", f.Path, arr.Len, s.Name, s.Vocab, vocabHint(s))
}

func vocabHint(s Shape) string {
	switch {
	case s.VocabModel == "llama":
		return "use the Llama-2 SentencePiece vocabulary, e.g. ggml-vocab-llama-spm.gguf"
	case s.Arch == "qwen2":
		return "use the Qwen2 vocabulary, e.g. ggml-vocab-qwen2.gguf"
	case s.TruncateVocab:
		return fmt.Sprintf("any byte-level BPE vocabulary of at least %d tokens, e.g. ggml-vocab-llama-bpe.gguf", s.Vocab)
	}
	return "use the Llama-3 vocabulary, e.g. ggml-vocab-llama-bpe.gguf"
}

// fitVocab cuts a BPE vocabulary down to n tokens so the embedding has the
// real model's shape: the special tokens the metadata names (BOS, EOS, …)
// move to the last ids, the first n−k other tokens keep theirs, per-token
// arrays follow, and only merges whose two halves and result survive are
// kept. The result is a consistent tokenizer that llama.cpp loads.
func fitVocab(kvs []gguf.KV, n int) ([]gguf.KV, error) {
	idx := map[string]int{}
	for i, kv := range kvs {
		idx[kv.Key] = i
	}
	tokArr, _ := kvs[idx["tokenizer.ggml.tokens"]].Value.Array()
	tokens, err := tokArr.Strings()
	if err != nil {
		return nil, fmt.Errorf("tokenizer.ggml.tokens: %w", err)
	}
	special := map[int]bool{}
	for _, kv := range kvs {
		if strings.HasSuffix(kv.Key, "_token_id") {
			if id, ok := kv.Value.Uint(); ok && id < uint64(len(tokens)) {
				special[int(id)] = true
			}
		}
	}
	var specials []int
	for id := range special {
		specials = append(specials, id)
	}
	sort.Ints(specials)
	order := make([]int, 0, n) // new id → old id
	for id := 0; id < len(tokens) && len(order) < n-len(specials); id++ {
		if !special[id] {
			order = append(order, id)
		}
	}
	order = append(order, specials...)
	newID := make(map[int]int, n)
	kept := make(map[string]bool, n)
	for nid, old := range order {
		newID[old] = nid
		kept[tokens[old]] = true
	}
	out := make([]gguf.KV, 0, len(kvs))
	for _, kv := range kvs {
		v := kv.Value
		switch a, isArr := v.Array(); {
		case strings.HasSuffix(kv.Key, "_token_id"):
			if id, ok := v.Uint(); ok {
				if nid, ok := newID[int(id)]; ok {
					v = gguf.NewUint32(uint32(nid))
				}
			}
		case kv.Key == "tokenizer.ggml.merges":
			merges, err := a.Strings()
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kv.Key, err)
			}
			var keep []string
			for _, m := range merges {
				l, r, ok := strings.Cut(m, " ")
				if ok && kept[l] && kept[r] && kept[l+r] {
					keep = append(keep, m)
				}
			}
			v = gguf.NewStringArray(keep)
		case isArr && a.Len == len(tokens):
			v, err = reorder(a, order)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kv.Key, err)
			}
		}
		out = append(out, gguf.KV{Key: kv.Key, Value: v})
	}
	return out, nil
}

// reorder returns the array whose element i is a[order[i]].
func reorder(a *gguf.Array, order []int) (gguf.Value, error) {
	switch a.Elem {
	case gguf.TypeString:
		s, err := a.Strings()
		if err != nil {
			return gguf.Value{}, err
		}
		out := make([]string, len(order))
		for i, o := range order {
			out[i] = s[o]
		}
		return gguf.NewStringArray(out), nil
	case gguf.TypeFloat32:
		f, err := a.Float32s()
		if err != nil {
			return gguf.Value{}, err
		}
		out := make([]float32, len(order))
		for i, o := range order {
			out[i] = f[o]
		}
		return gguf.NewFloat32Array(out), nil
	case gguf.TypeInt32:
		v, err := a.Ints()
		if err != nil {
			return gguf.Value{}, err
		}
		out := make([]int32, len(order))
		for i, o := range order {
			out[i] = int32(v[o])
		}
		return gguf.NewInt32Array(out), nil
	}
	return gguf.Value{}, fmt.Errorf("per-token array of %s cannot be cut down", a.Elem)
}

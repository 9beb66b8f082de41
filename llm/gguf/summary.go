package gguf

import (
	"fmt"
	"sort"
)

// Summary is what `model info` shows about a file: the facts a person needs
// to know what model they hold and what it will cost to run.
type Summary struct {
	Path         string    `json:"path"`
	FileSize     int64     `json:"file_size"`
	Version      uint32    `json:"gguf_version"`
	Architecture string    `json:"architecture"`
	Name         string    `json:"name,omitempty"`
	FileType     string    `json:"file_type,omitempty"`
	Parameters   uint64    `json:"parameters"`
	TensorBytes  uint64    `json:"tensor_bytes"`
	Context      uint64    `json:"context_length,omitempty"`
	Embedding    uint64    `json:"embedding_length,omitempty"`
	Layers       uint64    `json:"block_count,omitempty"`
	Heads        uint64    `json:"head_count,omitempty"`
	HeadsKV      uint64    `json:"head_count_kv,omitempty"`
	FeedForward  uint64    `json:"feed_forward_length,omitempty"`
	VocabType    string    `json:"vocab_type,omitempty"`
	PreTokenizer string    `json:"pre_tokenizer,omitempty"`
	VocabSize    int       `json:"vocab_size,omitempty"`
	ChatTemplate bool      `json:"has_chat_template"`
	Tensors      int       `json:"tensor_count"`
	Metadata     int       `json:"metadata_count"`
	QuantMix     []TypeMix `json:"quant_mix"`
}

// TypeMix counts the tensors of one type.
type TypeMix struct {
	Type    string `json:"type"`
	Tensors int    `json:"tensors"`
	Bytes   uint64 `json:"bytes"`
	Params  uint64 `json:"parameters"`
}

// Summarize gathers a Summary; it never fails, leaving unknown fields empty.
func Summarize(f *File) Summary {
	s := Summary{Path: f.Path, FileSize: f.Size, Version: f.Version, Architecture: f.Architecture(),
		Tensors: len(f.Tensors), Metadata: len(f.KV)}
	s.Name, _ = f.String("general.name")
	if ft, ok := f.Uint("general.file_type"); ok {
		s.FileType = FileTypeName(ft)
	}
	s.Context, _ = f.Uint(f.ArchKey("context_length"))
	s.Embedding, _ = f.Uint(f.ArchKey("embedding_length"))
	s.Layers, _ = f.Uint(f.ArchKey("block_count"))
	s.Heads, _ = f.Uint(f.ArchKey("attention.head_count"))
	s.HeadsKV, _ = f.Uint(f.ArchKey("attention.head_count_kv"))
	s.FeedForward, _ = f.Uint(f.ArchKey("feed_forward_length"))
	s.VocabType, _ = f.String("tokenizer.ggml.model")
	s.PreTokenizer, _ = f.String("tokenizer.ggml.pre")
	if a, ok := f.Array("tokenizer.ggml.tokens"); ok {
		s.VocabSize = a.Len
	}
	_, s.ChatTemplate = f.String("tokenizer.chat_template")
	mix := map[Type]*TypeMix{}
	for i := range f.Tensors {
		t := &f.Tensors[i]
		m := mix[t.Type]
		if m == nil {
			m = &TypeMix{Type: t.Type.String()}
			mix[t.Type] = m
		}
		m.Tensors++
		m.Bytes += t.Size
		m.Params += t.Elements()
		s.Parameters += t.Elements()
		s.TensorBytes += t.Size
	}
	for _, m := range mix {
		s.QuantMix = append(s.QuantMix, *m)
	}
	sort.Slice(s.QuantMix, func(i, j int) bool { return s.QuantMix[i].Bytes > s.QuantMix[j].Bytes })
	return s
}

// fileTypes names llama.cpp's enum llama_ftype (general.file_type).
var fileTypes = map[uint64]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
	12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
	19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
	26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
	36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
}

// FileTypeName returns llama.cpp's name for a general.file_type value, e.g.
// 15 is "Q4_K_M".
func FileTypeName(ft uint64) string {
	if n, ok := fileTypes[ft]; ok {
		return n
	}
	return fmt.Sprintf("file-type(%d)", ft)
}

// FileTypeByName is the inverse of FileTypeName (case-insensitive).
func FileTypeByName(name string) (uint64, bool) {
	for k, v := range fileTypes {
		if equalFold(v, name) {
			return k, true
		}
	}
	return 0, false
}
